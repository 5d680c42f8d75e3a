"""Rows whose event is not a known event, and the user's mapping that fixes them.

The reader (:func:`loaders.roster.read_roster`) turns a roster's event text or
date into an ``event_id`` of the events table when it can. When it cannot — the
file has no event column, or its dates and names match no known event — the row
is still matched to its district, but it reaches no map. At upload the Data page
lists the distinct values that did not resolve (:func:`unresolved_events`), lets
the user map each to an event (or choose one event for the whole file), and
writes the choice into the rows (:func:`apply_event_mapping`).

What a row "says" about its event (:func:`event_values`) is its ``event_id`` as
read (the cleaned text of an unknown event name), else the text of its event
date cell (the reader keeps no unknown date in ``event_id``), else ``""``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from loaders.events import load_events

__all__ = [
    "EVENT_MAPPING_NOTE",
    "UNRESOLVED_COLUMNS",
    "apply_event_mapping",
    "event_values",
    "unresolved_events",
]

#: Row note written by :func:`apply_event_mapping` (formatted with the value
#: and the event id).
EVENT_MAPPING_NOTE = "event chosen at upload: {value} → {event_id}"
#: Columns of :func:`unresolved_events`.
UNRESOLVED_COLUMNS: tuple[str, ...] = ("value", "kind", "rows", "source_rows")


def _known(events: pd.DataFrame | Iterable[str] | None) -> set[str]:
    if events is None:
        events = load_events()
    if isinstance(events, pd.DataFrame):
        events = events["event_id"]
    return {str(e) for e in events if isinstance(e, str) and e}


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series("", index=frame.index, dtype="string")
    values = frame[column].astype("string").str.strip()
    return values.fillna("")


def _date_cells(
    rows: pd.DataFrame,
    source: pd.DataFrame | None,
    column_map: Mapping[str, str | None] | None,
) -> pd.Series:
    """The event-date cell of each row as typed (``""`` when none)."""
    empty = pd.Series("", index=rows.index, dtype="string")
    header = (column_map or {}).get("event_date")
    if (
        source is None
        or not header
        or header not in source.columns
        or "source_row" not in rows.columns
    ):
        return empty
    cells = source[header].astype("string").str.strip()
    looked = cells.reindex(pd.to_numeric(rows["source_row"], errors="coerce"))
    return pd.Series(looked.to_numpy(), index=rows.index, dtype="string").fillna("")


def event_values(
    rows: pd.DataFrame,
    events: pd.DataFrame | Iterable[str] | None = None,
    *,
    source: pd.DataFrame | None = None,
    column_map: Mapping[str, str | None] | None = None,
) -> pd.DataFrame:
    """What each row says about its event, and whether that is a known event.

    Parameters
    ----------
    rows : pandas.DataFrame
        Roster or matched-roster rows (``event_id``; ``source_row`` to find
        date cells).
    events : pandas.DataFrame or iterable of str, optional
        Known events (a frame with ``event_id``, or the ids). Default:
        :func:`loaders.events.load_events`.
    source, column_map : optional
        ``RosterLoad.source`` (the file's cells by ``source_row``) and the
        column mapping used, to recover the text of an event-date cell that
        named no event.

    Returns
    -------
    pandas.DataFrame
        On ``rows``' index: ``value`` (string: the event text or date as in
        the file, ``""`` when the row gives neither), ``kind`` (``"known"``,
        ``"name"``, ``"date"`` or ``"missing"``).

    Examples
    --------
    >>> rows = pd.DataFrame({"event_id": ["E1", "Retreat", None],
    ...                      "source_row": [2, 3, 4]})
    >>> event_values(rows, ["E1"])["kind"].tolist()
    ['known', 'name', 'missing']
    """
    known = _known(events)
    event = _text(rows, "event_id")
    dates = _date_cells(rows, source, column_map)
    is_known = event.isin(known)
    value = event.where(event != "", dates)
    kind = pd.Series("missing", index=rows.index, dtype="string")
    kind[(event == "") & (dates != "")] = "date"
    kind[(event != "") & ~is_known] = "name"
    kind[is_known] = "known"
    return pd.DataFrame({"value": value.astype("string"), "kind": kind})


def unresolved_events(
    rows: pd.DataFrame,
    events: pd.DataFrame | Iterable[str] | None = None,
    *,
    source: pd.DataFrame | None = None,
    column_map: Mapping[str, str | None] | None = None,
) -> pd.DataFrame:
    """The distinct event values of a roster that name no known event.

    Parameters
    ----------
    rows, events, source, column_map
        As in :func:`event_values`.

    Returns
    -------
    pandas.DataFrame
        :data:`UNRESOLVED_COLUMNS`, one row per distinct value, most rows
        first: ``value`` (string; ``""`` for rows that give no event),
        ``kind`` (``"name"``, ``"date"`` or ``"missing"``), ``rows`` (int64)
        and ``source_rows`` (list of int: the file's row numbers, or
        position + 2 without ``source_row``). Empty when every row has a
        known event.

    Examples
    --------
    >>> rows = pd.DataFrame({"event_id": ["E1", "Retreat", "Retreat", None]})
    >>> unresolved_events(rows, ["E1"])[["value", "kind", "rows"]].to_dict("records")
    [{'value': 'Retreat', 'kind': 'name', 'rows': 2}, {'value': '', 'kind': 'missing', 'rows': 1}]
    """  # noqa: E501
    found = event_values(rows, events, source=source, column_map=column_map)
    if "source_row" in rows.columns:
        numbers = pd.to_numeric(rows["source_row"], errors="coerce")
    else:
        numbers = pd.Series(range(2, len(rows) + 2), index=rows.index)
    found["source_row"] = numbers.to_numpy()
    todo = found[found["kind"] != "known"]
    out = []
    for (value, kind), grp in todo.groupby(["value", "kind"], sort=False):
        out.append(
            {
                "value": value,
                "kind": kind,
                "rows": len(grp),
                "source_rows": [int(n) for n in grp["source_row"].dropna()],
            }
        )
    frame = pd.DataFrame(out, columns=list(UNRESOLVED_COLUMNS))
    if not frame.empty:
        frame = frame.sort_values(
            ["rows", "value"], ascending=[False, True], kind="stable"
        ).reset_index(drop=True)
    return frame.astype({"value": "string", "kind": "string", "rows": "int64"})


def apply_event_mapping(
    rows: pd.DataFrame,
    mapping: Mapping[str, str | None],
    events: pd.DataFrame | Iterable[str] | None = None,
    *,
    source: pd.DataFrame | None = None,
    column_map: Mapping[str, str | None] | None = None,
) -> pd.DataFrame:
    """The rows with the user's event choices written into ``event_id``.

    Parameters
    ----------
    rows : pandas.DataFrame
        Roster or matched-roster rows.
    mapping : mapping of str to str or None
        Unresolved value (as in :func:`unresolved_events`, ``""`` for rows that
        give no event) → chosen ``event_id``; None or ``""`` leaves the rows
        as they are. Choose one event for the whole file by mapping every
        unresolved value to it.
    events, source, column_map
        As in :func:`event_values`.

    Returns
    -------
    pandas.DataFrame
        A copy; only rows without a known event change: ``event_id`` set and
        :data:`EVENT_MAPPING_NOTE` added to ``row_notes`` (when that column
        exists).

    Raises
    ------
    ValueError
        A chosen event is not a known event.

    Examples
    --------
    >>> rows = pd.DataFrame({"event_id": ["E1", "Retreat", None]})
    >>> apply_event_mapping(rows, {"Retreat": "E2", "": "E1"}, ["E1", "E2"])[
    ...     "event_id"].tolist()
    ['E1', 'E2', 'E1']
    """
    known = _known(events)
    chosen = {str(k): v for k, v in mapping.items() if v}
    bad = sorted({v for v in chosen.values() if v not in known})
    if bad:
        raise ValueError(f"Not a known event: {', '.join(bad)}.")
    out = rows.copy()
    if not chosen:
        return out
    found = event_values(rows, known, source=source, column_map=column_map)
    todo = (found["kind"] != "known") & found["value"].isin(list(chosen))
    if not todo.any():
        return out
    new = found.loc[todo, "value"].map(chosen)
    if "event_id" not in out.columns:
        out["event_id"] = pd.Series(pd.NA, index=out.index, dtype="string")
    out.loc[todo, "event_id"] = new.astype("string")
    if "row_notes" in out.columns:
        notes = out["row_notes"].astype("string")
        for i in out.index[todo.to_numpy()]:
            value = found.at[i, "value"] or "no event given"
            note = EVENT_MAPPING_NOTE.format(value=value, event_id=new.at[i])
            old = notes.at[i]
            notes.at[i] = note if pd.isna(old) or not old else f"{old}; {note}"
        out["row_notes"] = notes
    return out
