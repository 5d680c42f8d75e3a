"""Every input row of a roster file with its match: the ``match`` command's table.

The reader (:func:`loaders.roster.read_roster`) keeps one row per person per
event and drops what it cannot use; a person checking a file wants every row of
the file back, in order, with a reason for each. :func:`input_rows_with_matches`
puts the two together.
"""

from __future__ import annotations

import pandas as pd

from loaders.columns import OUTPUT_MATCH_COLUMNS
from loaders.events import load_events

__all__ = ["input_rows_with_matches"]


def input_rows_with_matches(
    load, matched: pd.DataFrame, events: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Every input row, in input order with its own columns, plus match columns.

    Parameters
    ----------
    load : loaders.roster.RosterLoad
        The reader's result (``source``: original columns by ``source_row``;
        ``rejected``; ``merged_into``).
    matched : pandas.DataFrame
        :func:`loaders.matching.match_roster` of ``load.rows``.
    events : pandas.DataFrame, optional
        The known events (``event_id``), e.g. :func:`loaders.events.all_events`
        of the workspace. Default: the published events.

    Returns
    -------
    pandas.DataFrame
        One row per data row of the file (``len(load.source)`` rows): the
        original columns as text, then :data:`OUTPUT_MATCH_COLUMNS`. A merged
        duplicate repeats the match of the row it was merged into; a rejected row
        is ``unmatched`` with the reader's reason in ``match_note``; the reader's
        notes on a kept row (unknown role, bad code...) and an unknown event id
        are added to its note.
    """
    source = load.source
    by_row = matched.set_index(matched["source_row"].astype(int))
    cols = [c for c in OUTPUT_MATCH_COLUMNS if c in matched.columns]
    result = pd.DataFrame(index=source.index, columns=cols, dtype="object")
    shown = by_row.loc[by_row.index.isin(source.index), cols]
    result.loc[shown.index, cols] = shown.to_numpy()
    for dup, kept in getattr(load, "merged_into", {}).items():
        if dup in result.index and kept in by_row.index:
            result.loc[dup, cols] = by_row.loc[kept, cols].to_numpy()
            note = by_row.loc[kept, "match_note"]
            note = "" if pd.isna(note) else str(note)
            result.loc[dup, "match_note"] = "; ".join(
                x for x in (note, f"duplicate of row {kept} (merged)") if x
            )
    rejected = getattr(load, "rejected", None)
    if rejected is not None and len(rejected):
        reasons = (
            rejected.assign(
                _why="rejected: "
                + rejected["column"].fillna("").astype(str)
                + ": "
                + rejected["reason"].astype(str)
            )
            .groupby("row")["_why"]
            .agg("; ".join)
        )
        for row, why in reasons.items():
            if int(row) in result.index:
                result.loc[int(row), "match_status"] = "unmatched"
                result.loc[int(row), "match_note"] = why
    if "row_notes" in by_row.columns:  # the reader's notes (unknown event...)
        notes = by_row["row_notes"].dropna()
        for row, why in notes.items():
            if int(row) in result.index and str(why):
                note = result.loc[int(row), "match_note"]
                note = "" if note is None or pd.isna(note) else str(note)
                result.loc[int(row), "match_note"] = "; ".join(
                    x for x in (note, str(why)) if x
                )
    if "event_id" in by_row.columns:
        known = set((load_events() if events is None else events)["event_id"])
        for row, event in by_row["event_id"].dropna().items():
            if str(event) not in known and int(row) in result.index:
                note = result.loc[int(row), "match_note"]
                note = "" if note is None or pd.isna(note) else str(note)
                why = (
                    f"event_id {event!r} is not a known CA LMI event "
                    "(loaders/data/events.csv or the events added in the "
                    "workspace); check the id, or add the event"
                )
                result.loc[int(row), "match_note"] = "; ".join(
                    x for x in (note, why) if x
                )
    missing = result["match_status"].isna()
    result.loc[missing, "match_status"] = "unmatched"
    result.loc[missing, "match_note"] = "not read as a roster row"
    clash = [c for c in cols if c in source.columns]
    out = source.rename(columns={c: f"{c} (input)" for c in clash})
    out = pd.concat([out, result], axis=1).reset_index(drop=True)
    return out
