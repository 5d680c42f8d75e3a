"""The tables of the network over time, as exported: changes, trends, outreach.

:func:`time_tables` is what :func:`loaders.exports.participation_tables` adds
to the participation tables, so the CSV/XLSX exports, the command line and the
pages show the same numbers.
"""

from __future__ import annotations

import pandas as pd

from loaders.participation.changes import CHANGE_COLUMNS, changes
from loaders.participation.outreach import outreach
from loaders.participation.trends import event_order, trends

__all__ = ["time_tables"]


def time_tables(
    teams: pd.DataFrame,
    reference: pd.DataFrame,
    events: pd.DataFrame,
    event_ids: list[str] | None = None,
    since: str | None = None,
    *,
    regions: list[int] | None = None,
    counties: list[str] | None = None,
    district_types: list[str] | None = None,
) -> dict[str, pd.DataFrame]:
    """The tables of the network over time: changes, trends and outreach.

    Parameters
    ----------
    teams, reference, events : pandas.DataFrame
        As for :func:`participation_tables`.
    event_ids : list of str, optional
        The first is event B of the changes table (default: the latest dated
        event with roster rows); all of them are the events the outreach list
        considers (default: every event with roster rows).
    since : str, optional
        Event A of the changes table (default
        :func:`loaders.participation.comparison_event`).
    regions, counties, district_types : list, optional
        The districts/COEs listed; trends keep the statewide rows and the
        rows of the selected regions (counties do not narrow them).

    Returns
    -------
    dict of str to pandas.DataFrame
        ``"changes"`` (:func:`loaders.participation.changes`), ``"trends"``
        (:func:`loaders.participation.trends`, statewide then by region) and
        ``"outreach"`` (:func:`loaders.participation.outreach`). No personal
        data. Empty ``"changes"`` when the roster has no dated event.
    """
    present = set(teams["event_id"])
    dated = [e for e in event_order(events)[0] if e in present]
    event_b = event_ids[0] if event_ids else (dated[-1] if dated else None)
    if event_b is None:
        changed = pd.DataFrame(columns=CHANGE_COLUMNS)
    else:
        changed = changes(
            teams,
            reference,
            events,
            event_b,
            since,
            regions=regions,
            counties=counties,
        )
    over_time = trends(
        teams, reference, events, level="both", district_types=district_types
    )
    if regions:
        keep = over_time["ccsesa_region"].isna() | over_time["ccsesa_region"].isin(
            [int(r) for r in regions]
        )
        over_time = over_time.loc[keep].reset_index(drop=True)
    to_reach = outreach(
        teams,
        reference,
        events,
        event_ids=event_ids,
        regions=regions,
        counties=counties,
        district_types=district_types,
    )
    return {"changes": changed, "trends": over_time, "outreach": to_reach}
