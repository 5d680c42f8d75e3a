"""Roster rows that are not on the map, and why.

A roster row is on the map when it forms part of a team at a known event: it is
``matched`` to a district or COE and its ``event_id`` is one of the events
table's. Every other row is left off for one reason (:data:`NOT_ON_MAP_REASONS`,
the first that applies, in this order):

* ``rejected`` — the reader could not use the row (no district or COE);
* ``ambiguous`` — several districts or COEs fit, a person has not chosen yet;
* ``unmatched`` — no district or COE fits, a person has not decided yet;
* ``not_california`` — a person decided it is not a California district;
* ``no_event`` — matched, but its event is missing or not a known event;
* ``status_unreadable`` — matched at a known event, but its status cell could
  not be read (:data:`loaders.vocab.UNREADABLE_STATUS`): whether the person
  came, registered or cancelled is unknown, so the row counts nowhere.

The Map page's caption counts them (:func:`rows_not_on_map`); the Data page
lists them (:func:`not_on_map_reason`). Every figure, map, table and export
counts only the other rows (:func:`rows_on_map`, which
:func:`loaders.participation.teams_by_event` applies when given the events):
one rule, so a row is either counted or listed here, never both, never
neither.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from loaders.events import load_events
from loaders.review import NOT_CALIFORNIA_NOTE, needs_review
from loaders.vocab import UNREADABLE_STATUS

__all__ = [
    "NOT_ON_MAP_REASONS",
    "not_on_map_reason",
    "rows_not_on_map",
    "rows_on_map",
]

#: Reason key → what it means, in the order the reasons are tested and listed.
NOT_ON_MAP_REASONS: dict[str, str] = {
    "rejected": "rejected when the file was read (no district or COE)",
    "ambiguous": "ambiguous: waiting for a choice in the review queue",
    "unmatched": "unmatched: waiting for a decision in the review queue",
    "not_california": "decided in review: not a California district",
    "no_event": "no known event",
    "status_unreadable": "status not readable",
}


def _event_ids(events: pd.DataFrame | Iterable[str] | None) -> set[str]:
    if events is None:
        events = load_events()
    if isinstance(events, pd.DataFrame):
        events = events["event_id"]
    return {str(e) for e in events if isinstance(e, str) and e}


def not_on_map_reason(
    matched: pd.DataFrame, events: pd.DataFrame | Iterable[str] | None = None
) -> pd.Series:
    """Why each row of a matched roster is not on the map (``<NA>`` when it is).

    Parameters
    ----------
    matched : pandas.DataFrame
        Matched roster (``match_status``, ``event_id``; ``match_method`` and
        ``match_note`` when present), e.g. :meth:`Workspace.all_rows`.
    events : pandas.DataFrame or iterable of str, optional
        The known events (a frame with ``event_id``, or the ids). Default:
        :func:`loaders.events.load_events`.

    Returns
    -------
    pandas.Series
        ``string`` on ``matched``'s index: a key of :data:`NOT_ON_MAP_REASONS`
        other than ``rejected`` (rejected rows are not in a matched roster), or
        ``<NA>`` for a row on the map.

    Examples
    --------
    >>> rows = pd.DataFrame({
    ...     "match_status": ["matched", "matched", "ambiguous", "unmatched"],
    ...     "match_method": ["cd_code", "cd_code", "fuzzy", "review"],
    ...     "match_note": [None, None, None, "not a California district"],
    ...     "event_id": ["E1", "2019 retreat", "E1", "E1"]})
    >>> not_on_map_reason(rows, ["E1"]).tolist()
    [<NA>, 'no_event', 'ambiguous', 'not_california']
    """
    known = _event_ids(events)
    out = pd.Series(pd.NA, index=matched.index, dtype="string")
    if matched.empty:
        return out
    status = matched["match_status"].astype("string")
    waiting = needs_review(matched)
    if "match_note" in matched.columns:
        note = matched["match_note"].astype("string")
    else:
        note = pd.Series(pd.NA, index=matched.index, dtype="string")
    event = matched["event_id"].astype("string")
    has_event = event.isin(known).fillna(False).astype(bool)
    is_matched = status.eq("matched").fillna(False).astype(bool)
    if "status" in matched.columns:
        role_status = matched["status"].astype("string")
        unreadable = role_status.eq(UNREADABLE_STATUS).fillna(False).astype(bool)
        out[is_matched & has_event & unreadable] = "status_unreadable"
    out[is_matched & ~has_event] = "no_event"
    out[~is_matched] = "unmatched"  # decided otherwise, without a note
    out[~is_matched & note.eq(NOT_CALIFORNIA_NOTE).fillna(False)] = "not_california"
    out[waiting & status.eq("unmatched").fillna(False)] = "unmatched"
    out[waiting & status.eq("ambiguous").fillna(False)] = "ambiguous"
    return out


def rows_on_map(
    matched: pd.DataFrame, events: pd.DataFrame | Iterable[str] | None = None
) -> pd.DataFrame:
    """The rows of a matched roster that are on the map: the only rows counted.

    Every figure, map layer, table and export counts these rows and no other
    (through :func:`loaders.participation.teams_by_event` given the events);
    the others are listed with their reason by :func:`not_on_map_reason`.

    Parameters
    ----------
    matched : pandas.DataFrame
        Matched roster (see :func:`not_on_map_reason`).
    events : pandas.DataFrame or iterable of str, optional
        The known events (published and added in the workspace). Default:
        :func:`loaders.events.load_events`.

    Returns
    -------
    pandas.DataFrame
        The rows of ``matched`` whose :func:`not_on_map_reason` is ``<NA>``,
        as given (same columns and index, same order).

    Examples
    --------
    >>> rows = pd.DataFrame({"match_status": ["matched", "matched", "unmatched"],
    ...                      "event_id": ["E1", "NOPE", "E1"]})
    >>> rows_on_map(rows, ["E1"]).index.tolist()
    [0]
    """
    return matched.loc[not_on_map_reason(matched, events).isna().to_numpy()]


def rows_not_on_map(
    matched: pd.DataFrame,
    rejected: pd.DataFrame | int | None = None,
    events: pd.DataFrame | Iterable[str] | None = None,
) -> pd.DataFrame:
    """How many roster rows are not on the map, by reason.

    Parameters
    ----------
    matched : pandas.DataFrame
        Matched roster (see :func:`not_on_map_reason`).
    rejected : pandas.DataFrame or int, optional
        The rows the reader rejected (``RosterLoad.rejected``, or the saved
        rosters' rejected rows: one line per row), or their number; only their
        number counts.
    events : pandas.DataFrame or iterable of str, optional
        The known events. Default: :func:`loaders.events.load_events`.

    Returns
    -------
    pandas.DataFrame
        One row per reason of :data:`NOT_ON_MAP_REASONS`, in that order, every
        reason listed even at zero: ``reason`` (str, the key), ``label`` (str,
        what it means) and ``rows`` (int64). ``rows.sum()`` is the number of
        rows not on the map.

    Examples
    --------
    >>> rows = pd.DataFrame({"match_status": ["matched", "matched", "unmatched"],
    ...                      "event_id": ["E1", None, "E1"]})
    >>> table = rows_not_on_map(rows, pd.DataFrame({"row": [7]}), ["E1"])
    >>> dict(zip(table["reason"], table["rows"]))  # doctest: +NORMALIZE_WHITESPACE
    {'rejected': 1, 'ambiguous': 0, 'unmatched': 1, 'not_california': 0,
     'no_event': 1, 'status_unreadable': 0}
    """
    counts = not_on_map_reason(matched, events).value_counts()
    if rejected is None:
        counts["rejected"] = 0
    elif isinstance(rejected, pd.DataFrame):
        counts["rejected"] = len(rejected)
    else:
        counts["rejected"] = int(rejected)
    return pd.DataFrame(
        {
            "reason": list(NOT_ON_MAP_REASONS),
            "label": list(NOT_ON_MAP_REASONS.values()),
            "rows": [int(counts.get(r, 0)) for r in NOT_ON_MAP_REASONS],
        }
    ).astype({"rows": "int64"})
