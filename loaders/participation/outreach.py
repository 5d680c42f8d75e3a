"""Whom to reach next: districts and COEs that never sent a team, or lapsed.

Over a set of events (default: every event with roster rows), in date order:

* **never**: no team of the district/COE attended any of them (it may have
  applied: ``applied_only``), including districts on no roster at all;
* **lapsed**: a team attended one of them, but not the latest one;
* **active**: a team attended the latest one (not an outreach target).

"Attended" means at least one of the team's people has status ``attended``, on
the reach view of :func:`loaders.participation.teams_by_event` (a district
reached through a shared-governance team counts as that team did).

The list (:func:`outreach`) is ranked by K-12 enrollment (CDE 2018-19), largest
first, the never-attended before the lapsed; distances to venues are added in
:mod:`geodata.outreach` (this package cannot read coordinates of venues).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from loaders.columns import DISTRICT_COLUMNS
from loaders.participation.figures import filter_reference
from loaders.participation.trends import order_event_ids

__all__ = [
    "OUTREACH_CLASSES",
    "OUTREACH_COLUMNS",
    "OUTREACH_LABELS",
    "OUTREACH_STATUSES",
    "outreach",
    "outreach_status",
]

#: Outreach statuses of :func:`outreach_status` (the list's ``outreach``).
OUTREACH_STATUSES: tuple[str, ...] = ("never", "lapsed", "active")
#: The outreach map's classes, in legend order: a district/COE on no roster
#: of the events (never reached), one whose team applied but never attended
#: (``"never"`` with ``applied_only``), lapsed, attended the latest event.
OUTREACH_CLASSES: tuple[str, ...] = (
    "never_reached",
    "applied_only",
    "lapsed",
    "active",
)
#: How each class reads on the pages and in the legend.
OUTREACH_LABELS: dict[str, str] = {
    "never_reached": "Never reached: no team on any roster",
    "applied_only": "Applied only: a team applied, never attended",
    "lapsed": "Lapsed: attended before, not the latest event",
    "active": "Attended the latest event",
}

#: Columns of :func:`outreach`.
OUTREACH_COLUMNS: list[str] = [
    "rank",
    *DISTRICT_COLUMNS,
    "enrollment",
    "outreach",
    "applied_only",
    "events_attended",
    "last_attended_event_id",
]


def outreach_status(teams: pd.DataFrame, ordered_event_ids: list[str]) -> pd.DataFrame:
    """Outreach status of each district/COE with a team at one of the events.

    The one computation of "never / lapsed / active": the list
    (:func:`outreach`) and the map measure (``geodata.measures``
    ``"outreach"``) both call it.

    Parameters
    ----------
    teams : pandas.DataFrame
        :func:`loaders.participation.teams_by_event`.
    ordered_event_ids : list of str
        The events considered, oldest first (:func:`order_event_ids` with
        ``undated="first"``); the last one that has roster rows is "the
        latest event".

    Returns
    -------
    pandas.DataFrame
        Index ``geoid`` (str), one row per district/COE reached at one of the
        events: ``outreach`` (one of :data:`OUTREACH_STATUSES`),
        ``events_attended`` (int), ``last_attended_event_id`` (str, ``""``
        when none).
    """
    ids = [e for e in ordered_event_ids if e in set(teams["event_id"])]
    sel = teams.loc[teams["event_id"].isin(ids)]
    if sel.empty:
        return pd.DataFrame(
            {
                "outreach": pd.Series(dtype=object),
                "events_attended": pd.Series(dtype="int64"),
                "last_attended_event_id": pd.Series(dtype=object),
            },
            index=pd.Index([], name="geoid", dtype=object),
        )
    rank = {e: i for i, e in enumerate(ids)}
    came = sel.loc[sel["team_status"] == "attended", ["geoid", "event_id"]]
    came = came.drop_duplicates().assign(_rank=lambda f: f["event_id"].map(rank))
    n = came.groupby("geoid")["event_id"].nunique()
    last = came.sort_values("_rank").groupby("geoid")["event_id"].last()
    index = pd.Index(sorted(set(sel["geoid"].astype(str))), name="geoid")
    n = n.reindex(index).fillna(0).astype("int64")
    last = last.reindex(index).fillna("").astype(str)
    latest = ids[-1]
    status = np.where(n == 0, "never", np.where(last == latest, "active", "lapsed"))
    return pd.DataFrame(
        {"outreach": status, "events_attended": n, "last_attended_event_id": last},
        index=index,
    )


def outreach(
    teams: pd.DataFrame,
    reference: pd.DataFrame,
    events: pd.DataFrame,
    *,
    event_ids: list[str] | None = None,
    regions: list[int] | None = None,
    counties: list[str] | None = None,
    district_types: list[str] | None = None,
    include_lapsed: bool = True,
) -> pd.DataFrame:
    """The outreach list: districts and COEs to reach, largest first.

    Parameters
    ----------
    teams : pandas.DataFrame
        :func:`loaders.participation.teams_by_event`.
    reference : pandas.DataFrame
        Every district and COE (``geodata.boundaries.entity_reference``, with
        ``enrollment``).
    events : pandas.DataFrame
        The events table (``event_id``, ``start_date``), for the date order.
    event_ids : list of str, optional
        Events considered (default: every event with roster rows).
    regions, counties, district_types : list, optional
        The districts/COEs listed (as :func:`loaders.participation.filter_reference`).
    include_lapsed : bool, default True
        List lapsed districts too (after the never-attended ones).

    Returns
    -------
    pandas.DataFrame
        :data:`OUTREACH_COLUMNS`: ``rank`` (int, 1..n), the district's
        ``geoid``, ``cd_code``, ``name``, ``district_type``, ``county``,
        ``ccsesa_region``, ``enrollment`` (Int64 pupils; ``<NA>`` for COEs),
        ``outreach`` (``"never"`` or ``"lapsed"``), ``applied_only``
        (bool: a team applied but never attended), ``events_attended`` (int)
        and ``last_attended_event_id`` (str). The never-attended first, then
        the lapsed, each by enrollment, largest first (COEs, with no
        enrollment, last), then name. No names of people or contact details.
    """
    ids = order_event_ids(
        event_ids if event_ids else teams["event_id"].unique(),
        events,
        undated="first",
    )
    status = outreach_status(teams, ids)
    ref = filter_reference(
        reference, regions=regions, counties=counties, district_types=district_types
    )
    cols = [c for c in OUTREACH_COLUMNS[1:8] if c in ref.columns]
    out = ref[cols].merge(status, left_on="geoid", right_index=True, how="left")
    out["applied_only"] = out["outreach"].eq("never").fillna(False)
    out["outreach"] = out["outreach"].fillna("never")
    out["events_attended"] = out["events_attended"].fillna(0).astype("int64")
    out["last_attended_event_id"] = out["last_attended_event_id"].fillna("")
    keep = ["never", "lapsed"] if include_lapsed else ["never"]
    out = out.loc[out["outreach"].isin(keep)].copy()
    out["enrollment"] = pd.to_numeric(out["enrollment"], errors="coerce").astype(
        "Int64"
    )
    out["_group"] = out["outreach"].map({"never": 0, "lapsed": 1})
    out["_size"] = out["enrollment"].fillna(-1)
    out = out.sort_values(
        ["_group", "_size", "name"], ascending=[True, False, True], ignore_index=True
    )
    out["rank"] = np.arange(1, len(out) + 1, dtype="int64")
    out["applied_only"] = out["applied_only"].astype(bool)
    return out[[c for c in OUTREACH_COLUMNS if c in out.columns]]
