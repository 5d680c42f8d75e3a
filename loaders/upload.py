"""What an upload merges: rows that count as a person already on a roster.

A person counts once per event (:mod:`loaders.participation.people`). At upload
the Data page says which rows of the new file will therefore not count again
(:func:`merged_rows`):

* rows the reader merged because the same person is listed twice for the same
  event in the file (``RosterLoad.merged_into``);
* matched rows that are the same person at the same event as an earlier row of
  the file, or of a roster already saved — an updated export uploaded on top of
  an earlier one (:func:`loaders.participation.duplicate_people` on the saved
  rows followed by the new ones).

The result names no person: file row, event, role, district, and which row it
is the same as.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from loaders.participation import duplicate_people

__all__ = [
    "HIDDEN",
    "MERGED_COLUMNS",
    "NEW_ROSTER_ID",
    "hide_contact_cells",
    "merged_rows",
]

#: ``roster_id`` given to the rows of the file being uploaded.
NEW_ROSTER_ID = 0
#: Columns of :func:`merged_rows`.
MERGED_COLUMNS: tuple[str, ...] = (
    "source_row",
    "event_id",
    "role",
    "district",
    "same_as",
    "reason",
)
#: What :func:`hide_contact_cells` shows instead of a contact cell.
HIDDEN = "(hidden)"
_READER_REASON = "listed twice in this file for the same event (merged when read)"


def _district(rows: pd.DataFrame) -> pd.Series:
    """The matched name, else the name as typed, of each row (string)."""
    name = pd.Series(pd.NA, index=rows.index, dtype="string")
    for col in ("entity_name", "matched_name"):  # the matched name wins
        if col in rows.columns:
            name = rows[col].astype("string").where(rows[col].notna(), name)
    return name


def merged_rows(
    matched: pd.DataFrame,
    *,
    merged_into: Mapping[int, int] | None = None,
    saved: pd.DataFrame | None = None,
    roster_names: Mapping[int, str] | None = None,
) -> pd.DataFrame:
    """Rows of an upload that count as a person already counted.

    Parameters
    ----------
    matched : pandas.DataFrame
        The uploaded file's matched rows (``source_row``, ``event_id``,
        ``role``, ``status``, ``match_status``, ``geoid``, ``entity_name``,
        ``matched_name``; ``person_name`` / ``email`` to tell people apart).
    merged_into : mapping of int to int, optional
        ``RosterLoad.merged_into``: file row merged when read → file row kept.
    saved : pandas.DataFrame, optional
        The rows already saved (:meth:`loaders.workspace.Workspace.all_rows`,
        with ``roster_id``); a new row that is the same person at the same
        event as a saved row is reported against that row.
    roster_names : mapping of int to str, optional
        Saved roster id → name, for ``same_as``.

    Returns
    -------
    pandas.DataFrame
        :data:`MERGED_COLUMNS`, in file order: ``source_row`` (Int64, the
        merged row as the file numbers it), ``event_id``, ``role``,
        ``district`` (matched name, else the name as typed), ``same_as``
        ("row 3", or "row 3 of saved roster #1 spring") and ``reason`` (all
        string). No person's name or e-mail. Empty when nothing merges.
    """
    parts: list[pd.DataFrame] = []
    if "source_row" in matched.columns:
        by_row = matched.set_index(pd.to_numeric(matched["source_row"]), drop=False)
    else:
        by_row = matched.set_index(pd.RangeIndex(2, len(matched) + 2), drop=False)
    if merged_into:
        kept = [int(k) for k in merged_into.values()]
        found = by_row.reindex(kept)
        parts.append(
            pd.DataFrame(
                {
                    "source_row": [int(m) for m in merged_into],
                    "event_id": found["event_id"].astype("string").to_numpy()
                    if "event_id" in found.columns
                    else pd.NA,
                    "role": found["role"].astype("string").to_numpy()
                    if "role" in found.columns
                    else pd.NA,
                    "district": _district(found).to_numpy(),
                    "same_as": [f"row {k}" for k in kept],
                    "reason": _READER_REASON,
                }
            )
        )
    new = matched.copy()
    if "source_row" not in new.columns:
        new["source_row"] = pd.array(range(2, len(new) + 2), dtype="Int64")
    new.insert(0, "roster_id", pd.array([NEW_ROSTER_ID] * len(new), dtype="Int64"))
    if saved is not None and len(saved):
        both = pd.concat([saved, new], ignore_index=True)
    else:
        both = new
    dup = duplicate_people(both)
    if len(dup):
        dup = dup[dup["roster_id"] == NEW_ROSTER_ID]
    if len(dup):
        names = roster_names or {}
        same = [
            f"row {int(r)}"
            if int(rid) == NEW_ROSTER_ID
            else f"row {int(r)} of saved roster #{int(rid)}"
            + (f" {names[int(rid)]}" if int(rid) in names else "")
            for r, rid in zip(dup["same_as_row"], dup["same_as_roster_id"], strict=True)
        ]
        district = _district(by_row).reindex(dup["source_row"].astype(int))
        parts.append(
            pd.DataFrame(
                {
                    "source_row": dup["source_row"].astype(int).to_numpy(),
                    "event_id": dup["event_id"].astype("string").to_numpy(),
                    "role": dup["role"].astype("string").to_numpy(),
                    "district": district.to_numpy(),
                    "same_as": same,
                    "reason": dup["reason"].astype("string").to_numpy(),
                }
            )
        )
    if not parts:
        frame = pd.DataFrame({c: pd.Series(dtype="string") for c in MERGED_COLUMNS})
    else:
        frame = pd.concat(parts, ignore_index=True)
        frame = frame.sort_values("source_row", kind="stable", ignore_index=True)
    frame = frame.astype({c: "string" for c in MERGED_COLUMNS[1:]})
    frame["source_row"] = frame["source_row"].astype("Int64")
    return frame[list(MERGED_COLUMNS)]


def hide_contact_cells(
    issues: pd.DataFrame, contact_columns: Iterable[str]
) -> pd.DataFrame:
    """Cells that could not be read, with the text of contact cells hidden.

    Parameters
    ----------
    issues : pandas.DataFrame
        ``RosterLoad.issues`` (``column``: source header, ``value``: the
        cell's text).
    contact_columns : iterable of str
        Source headers holding contact details (``RosterLoad.contact_columns``;
        a joined ``"First + Last"`` header counts as its parts).

    Returns
    -------
    pandas.DataFrame
        A copy whose ``value`` is :data:`HIDDEN` where ``column`` is a contact
        column. The reasons never quote a cell, so they stay.

    Examples
    --------
    >>> issues = pd.DataFrame({"column": ["Email", "Date"], "value": ["a AT b", "x"]})
    >>> hide_contact_cells(issues, ["First + Last", "Email"])["value"].tolist()
    ['(hidden)', 'x']
    """
    private = {p for c in contact_columns for p in str(c).split(" + ") if p}
    out = issues.copy()
    hide = out["column"].astype("string").isin(private).fillna(False)
    out["value"] = out["value"].astype("string").mask(hide.astype(bool), HIDDEN)
    return out
