"""How the network changed between two events: new, returning and lapsed teams.

For an event B and a comparison event A, every district or COE whose team
*attended* A or B (at least one of its people has status ``attended``) is

* **new**: attended B, not A;
* **returning**: attended both;
* **lapsed**: attended A, not B;

and, for a returning team, its role completeness (roles that came, 0-4)
**rose**, **fell** or stayed the **same**. A district or COE whose team is on
either roster without attending either event is *no team attended*
(``"none"``): it is in the map measure, not in the table.

The comparison A defaults to the previous event of the same kind (the summer
institute before a summer institute), else the previous event by date
(:func:`comparison_event`); an event without a published date has no default.

Counts are made on the reach view of :func:`loaders.participation.teams_by_event`
(one row per district or COE reached): a district reached through a
shared-governance team shows that team's change and names it in ``team_of``;
the headline counts (:func:`change_counts`) count teams, i.e. rows whose
``team_of`` is empty.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from loaders.columns import DISTRICT_COLUMNS
from loaders.participation.figures import filter_reference
from loaders.participation.trends import event_order

__all__ = [
    "CHANGES",
    "CHANGE_COLUMNS",
    "CHANGE_LABELS",
    "COMPLETENESS_CHANGES",
    "change_counts",
    "change_status",
    "changes",
    "changes_by_area",
    "comparison_event",
]

#: Change of a team between A and B, in legend order (``"none"``: on a roster,
#: attended neither).
CHANGES: tuple[str, ...] = ("new", "returning", "lapsed", "none")
#: How each change reads on the pages and in the legend.
CHANGE_LABELS: dict[str, str] = {
    "new": "New: attended this event, not the one before",
    "returning": "Returning: attended both events",
    "lapsed": "Lapsed: attended the event before, not this one",
    "none": "Team on a roster, attended neither",
}
#: Completeness change of a returning team (roles that came, B against A).
COMPLETENESS_CHANGES: tuple[str, ...] = ("rose", "same", "fell")

#: Columns of :func:`changes`.
CHANGE_COLUMNS: list[str] = [
    *DISTRICT_COLUMNS,
    "enrollment",
    "change",
    "event_id",
    "since_event_id",
    "status",
    "since_status",
    "roles_came",
    "since_roles_came",
    "completeness_change",
    "team_of",
]


def comparison_event(events: pd.DataFrame, event_id: str) -> str | None:
    """The default event to compare ``event_id`` with.

    Parameters
    ----------
    events : pandas.DataFrame
        The events table (``event_id``, ``event_type``, ``start_date``;
        :func:`loaders.events.all_events`).
    event_id : str
        Event B.

    Returns
    -------
    str or None
        The latest dated event of the same ``event_type`` that started before
        B; else the latest dated event of any kind before B; ``None`` when B
        is the first event, has no published date, or is not in ``events``.
    """
    dated, _ = event_order(events)
    if event_id not in dated:
        return None
    earlier = dated[: dated.index(event_id)]
    if not earlier:
        return None
    kinds = dict(zip(events["event_id"], events.get("event_type", pd.Series())))
    same = [e for e in earlier if kinds.get(e) == kinds.get(event_id)]
    return (same or earlier)[-1]


def _per_geoid(teams: pd.DataFrame, event_id: str | None) -> pd.DataFrame:
    """One row per district/COE reached at the event: status, roles, team."""
    cols = ["geoid", "team_status", "roles_came", "team_geoid"]
    if event_id is None:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols}).set_index(
            "geoid"
        )
    rows = teams.loc[teams["event_id"] == event_id]
    roles = "roles_came" if "roles_came" in rows.columns else "role_completeness"
    rows = rows.assign(
        roles_came=rows[roles].astype(int),
        team_geoid=rows["team_geoid"] if "team_geoid" in rows else rows["geoid"],
        _came=rows["team_status"].eq("attended"),
    )
    # the reach view has one row per (geoid, event); keep the best if repeated
    rows = rows.sort_values(["_came", "roles_came"], ascending=False)
    rows = rows.drop_duplicates("geoid").set_index("geoid")
    return rows[["team_status", "roles_came", "team_geoid"]]


def change_status(
    teams: pd.DataFrame, event_id: str, since: str | None
) -> pd.DataFrame:
    """Each district's or COE's change from event ``since`` (A) to ``event_id`` (B).

    The one computation of "new / returning / lapsed": the table
    (:func:`changes`), the headline (:func:`change_counts`) and the map
    measure (``geodata.measures`` ``"changes"``) all call it.

    Parameters
    ----------
    teams : pandas.DataFrame
        :func:`loaders.participation.teams_by_event` (any events; those of A
        and B are used).
    event_id : str
        Event B.
    since : str or None
        Event A; ``None``: no comparison (every team that attended B is new).

    Returns
    -------
    pandas.DataFrame
        Index ``geoid`` (str), one row per district/COE reached at A or B;
        columns ``change`` (one of :data:`CHANGES`), ``status`` and
        ``since_status`` (team status at B / A, ``""`` when not on that
        roster), ``roles_came`` and ``since_roles_came`` (Int64 0-4, ``<NA>``
        when not on that roster), ``completeness_change`` (``"rose"``,
        ``"same"``, ``"fell"`` for a returning team, else ``""``) and
        ``team_of`` (GEOID of the shared-governance team that reached this
        district, ``""`` for its own team).
    """
    b = _per_geoid(teams, event_id)
    a = _per_geoid(teams, since)
    index = b.index.union(a.index)
    b, a = b.reindex(index), a.reindex(index)
    came_b = b["team_status"].eq("attended").fillna(False).to_numpy(bool)
    came_a = a["team_status"].eq("attended").fillna(False).to_numpy(bool)
    change = np.select(
        [came_b & came_a, came_b, came_a], ["returning", "new", "lapsed"], "none"
    )
    rb = b["roles_came"].astype("Int64")
    ra = a["roles_came"].astype("Int64")
    diff = (rb - ra).fillna(0).to_numpy()
    comp = np.where(diff > 0, "rose", np.where(diff < 0, "fell", "same"))
    comp = np.where(change == "returning", comp, "")
    team = b["team_geoid"].where(b["team_geoid"].notna(), a["team_geoid"])
    team_of = np.where(team.astype(str).to_numpy() == index.to_numpy(), "", team)
    out = pd.DataFrame(
        {
            "change": change,
            "status": b["team_status"].fillna("").astype(str).to_numpy(),
            "since_status": a["team_status"].fillna("").astype(str).to_numpy(),
            "roles_came": rb.to_numpy(),
            "since_roles_came": ra.to_numpy(),
            "completeness_change": comp,
            "team_of": pd.Series(team_of, dtype=object).fillna("").to_numpy(),
        },
        index=pd.Index(index.astype(str), name="geoid"),
    )
    out["roles_came"] = out["roles_came"].astype("Int64")
    out["since_roles_came"] = out["since_roles_came"].astype("Int64")
    return out


def changes(
    teams: pd.DataFrame,
    reference: pd.DataFrame,
    events: pd.DataFrame,
    event_id: str,
    since: str | None = None,
    *,
    regions: list[int] | None = None,
    counties: list[str] | None = None,
    include_none: bool = False,
) -> pd.DataFrame:
    """The changes table: one row per district/COE new, returning or lapsed.

    Parameters
    ----------
    teams : pandas.DataFrame
        :func:`loaders.participation.teams_by_event`.
    reference : pandas.DataFrame
        Every district and COE (``geodata.boundaries.entity_reference``).
    events : pandas.DataFrame
        The events table (for the default comparison).
    event_id : str
        Event B.
    since : str, optional
        Event A; default :func:`comparison_event` (``None`` when B has none:
        every team that attended B is then new).
    regions, counties : list, optional
        Keep these CCSESA regions / counties only.
    include_none : bool, default False
        Keep rows whose ``change`` is ``"none"`` (on a roster, attended neither).

    Returns
    -------
    pandas.DataFrame
        :data:`CHANGE_COLUMNS`, sorted by ``change`` (as in :data:`CHANGES`),
        region, county, name. ``event_id`` / ``since_event_id`` repeat B and A
        (``""`` without A). No names of people or contact details.

    Raises
    ------
    ValueError
        If ``event_id`` or ``since`` is not in ``events``, or both are the same.
    """
    known = set(events["event_id"])
    for eid in (event_id, since):
        if eid is not None and eid not in known:
            raise ValueError(f"Unknown event {eid!r}; see lmi-dashboard events list.")
    if since == event_id:
        raise ValueError("Compare an event with another event, not with itself.")
    if since is None:
        since = comparison_event(events, event_id)
    status = change_status(teams, event_id, since)
    if not include_none:
        status = status.loc[status["change"] != "none"]
    ref = filter_reference(reference, regions=regions, counties=counties)
    cols = [c for c in CHANGE_COLUMNS[:7] if c in ref.columns]
    out = ref[cols].merge(status, left_on="geoid", right_index=True, how="inner")
    out["event_id"] = event_id
    out["since_event_id"] = since or ""
    rank = {c: i for i, c in enumerate(CHANGES)}
    out = out.assign(_rank=out["change"].map(rank))
    out = out.sort_values(["_rank", "ccsesa_region", "county", "name"])
    return out[[c for c in CHANGE_COLUMNS if c in out.columns]].reset_index(drop=True)


def change_counts(table: pd.DataFrame) -> dict[str, int]:
    """Headline figures of a changes table: teams new, returning, lapsed...

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`changes` (or :func:`change_status` with ``team_of``).

    Returns
    -------
    dict
        ``new``, ``returning``, ``lapsed`` (teams: rows whose ``team_of`` is
        empty), ``rose``, ``same``, ``fell`` (returning teams whose roles that
        came rose, stayed, fell), all int.
    """
    own = table.loc[table["team_of"].fillna("") == ""]
    out = {c: int((own["change"] == c).sum()) for c in CHANGES[:3]}
    for c in COMPLETENESS_CHANGES:
        out[c] = int((own["completeness_change"] == c).sum())
    return out


def changes_by_area(table: pd.DataFrame, level: str = "region") -> pd.DataFrame:
    """Teams new, returning and lapsed per CCSESA region or county.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`changes`.
    level : {"region", "county"}

    Returns
    -------
    pandas.DataFrame
        ``ccsesa_region`` (and ``county`` for ``"county"``), then int columns
        ``new``, ``returning``, ``lapsed``, ``rose``, ``fell`` (teams, as
        :func:`change_counts`), one row per area with any change.

    Raises
    ------
    ValueError
        If ``level`` is not ``"region"`` or ``"county"``.
    """
    if level not in ("region", "county"):
        raise ValueError(f"level must be region or county, not {level!r}")
    keys = ["ccsesa_region"] + (["county"] if level == "county" else [])
    own = table.loc[table["team_of"].fillna("") == ""]
    flags = pd.DataFrame(
        {
            **{k: own[k] for k in keys},
            **{c: own["change"].eq(c) for c in CHANGES[:3]},
            "rose": own["completeness_change"].eq("rose"),
            "fell": own["completeness_change"].eq("fell"),
        }
    )
    out = flags.groupby(keys).sum().astype(int).reset_index()
    return out.sort_values(keys, ignore_index=True)
