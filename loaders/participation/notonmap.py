"""Roster rows that are not on the map, counted by reason.

A row is on the map when it is ``matched`` to a district or COE and its
``event_id`` is a known event. Every other row is left off for the first reason
of :data:`NOT_ON_MAP_REASONS` that applies.

(Minimal version written for the Map page's caption; the Data page's helper
writes the full one under the same name and signature.)
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from loaders.events import load_events
from loaders.review import NOT_CALIFORNIA_NOTE

__all__ = ["NOT_ON_MAP_REASONS", "rows_not_on_map"]

#: Reason key → what it means, in the order rows are tested and listed.
NOT_ON_MAP_REASONS: dict[str, str] = {
    "rejected": "rejected when the file was read (no district or COE)",
    "ambiguous": "ambiguous: waiting for a choice in the review queue",
    "unmatched": "unmatched: waiting for a decision in the review queue",
    "not_california": "decided in review: not a California district",
    "no_event": "no known event",
}


def rows_not_on_map(
    matched: pd.DataFrame,
    rejected: pd.DataFrame | None = None,
    events: pd.DataFrame | Iterable[str] | None = None,
) -> pd.DataFrame:
    """How many roster rows are not on the map, by reason.

    Parameters
    ----------
    matched : pandas.DataFrame
        Matched roster (``match_status``, ``event_id``; ``match_note`` when
        present).
    rejected : pandas.DataFrame, optional
        Rows the reader rejected; only their number counts.
    events : pandas.DataFrame or iterable of str, optional
        Known events (a frame with ``event_id``, or the ids); default
        :func:`loaders.events.load_events`.

    Returns
    -------
    pandas.DataFrame
        One row per key of :data:`NOT_ON_MAP_REASONS`, in that order, zeros
        included: ``reason`` (str), ``label`` (str) and ``rows`` (int64).

    Examples
    --------
    >>> rows = pd.DataFrame({"match_status": ["matched", "matched", "ambiguous"],
    ...                      "event_id": ["E1", None, "E1"]})
    >>> table = rows_not_on_map(rows, pd.DataFrame({"row": [7]}), ["E1"])
    >>> table.set_index("reason")["rows"].to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'rejected': 1, 'ambiguous': 1, 'unmatched': 0, 'not_california': 0,
     'no_event': 1}
    """
    if events is None:
        events = load_events()
    if isinstance(events, pd.DataFrame):
        events = events["event_id"]
    known = {str(e) for e in events}
    status = matched["match_status"].astype("string")
    note = (
        matched["match_note"].astype("string")
        if "match_note" in matched.columns
        else pd.Series(pd.NA, index=matched.index, dtype="string")
    )
    is_matched = status.eq("matched").fillna(False).astype(bool)
    ambiguous = status.eq("ambiguous").fillna(False).astype(bool)
    not_ca = ~is_matched & ~ambiguous & note.eq(NOT_CALIFORNIA_NOTE).fillna(False)
    has_event = matched["event_id"].astype("string").isin(known).fillna(False)
    counts = {
        "rejected": 0 if rejected is None else len(rejected),
        "ambiguous": int(ambiguous.sum()),
        "unmatched": int((~is_matched & ~ambiguous & ~not_ca).sum()),
        "not_california": int(not_ca.sum()),
        "no_event": int((is_matched & ~has_event.astype(bool)).sum()),
    }
    return pd.DataFrame(
        {
            "reason": list(NOT_ON_MAP_REASONS),
            "label": list(NOT_ON_MAP_REASONS.values()),
            "rows": [counts[r] for r in NOT_ON_MAP_REASONS],
        }
    ).astype({"rows": "int64"})
