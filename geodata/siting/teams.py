"""Which teams a venue plan serves: located, weighted and ranked for invites.

:class:`TeamSelection` declares once who to serve (status, events, regions,
counties, district types, weights); :func:`select_teams` applies it to the
teams-by-event table of :mod:`loaders.participation` and the entity reference
of :mod:`geodata.boundaries`. What a plan saves as its selection is
:meth:`TeamSelection.to_dict`, whoever made the plan (Plan page or command line).

A shared-governance team (Santa Rosa City Schools: Santa Rosa Elementary and
Santa Rosa High, one board) is **one team**: it is planned once, at its own
district (``team_geoid``), with its people once; the other district it reaches
is not a second team.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from loaders.entities import ENTITY_TYPES
from loaders.participation import own_rows

__all__ = [
    "DISTRICT_TYPES",
    "PRIORITY_LABELS",
    "SERVE_OPTIONS",
    "STATUS_ORDER",
    "TeamSelection",
    "select_teams",
]

#: Team statuses, best first (a team's status is its best person's status).
STATUS_ORDER: tuple[str, ...] = (
    "attended",
    "registered",
    "waitlisted",
    "applied",
    "cancelled",
)
#: Who a plan can serve (see :func:`select_teams`).
SERVE_OPTIONS: dict[str, str] = {
    "applied-not-attended": "applied to the chosen events but did not attend",
    "registered-incomplete": "registered or attended with fewer than 4 roles",
    "all-network": "every team in the roster at the chosen events",
    "never-attended": "in the roster but never attended any event",
    "all-districts": "every California district and COE (roster not needed)",
}
#: Location models.
MODELS: dict[str, str] = {
    "p-median": "minimise average travel",
    "coverage": "most teams within a distance or drive time",
}
#: Invite priority (lower first).
PRIORITY_LABELS: dict[int, str] = {
    0: "applied, not attended",
    1: "incomplete team",
    2: "complete team",
    3: "not in roster",
}
_TEAM_COLUMNS = [
    "geoid",
    "name",
    "district_type",
    "county",
    "ccsesa_region",
    "lat",
    "lon",
    "location_source",
    "weight",
    "people",
    "team_status",
    "role_completeness",
    "missing_roles",
    "priority",
]
#: District types a selection can keep.
#: District types a plan can serve (the one definition: loaders.entities).
DISTRICT_TYPES: tuple[str, ...] = ENTITY_TYPES


def _tuple_or_none(values, cast=str) -> tuple | None:
    """An empty or missing filter means "all" (None); else a tuple."""
    if values is None:
        return None
    if isinstance(values, (str, int)):
        values = [values]
    out = tuple(cast(v) for v in values)
    return out or None


@dataclass(frozen=True)
class TeamSelection:
    """Who a venue plan serves: the options of :func:`select_teams`, once.

    Parameters
    ----------
    serve : str
        One of :data:`SERVE_OPTIONS`.
    event_ids : tuple of str, optional
        Events that count; None (or empty) for every event in the roster.
    regions : tuple of int, optional
        CCSESA regions (1-11), sorted; None (or empty) for all.
    counties : tuple of str, optional
        County names; None (or empty) for all.
    district_types : tuple of str, optional
        Of :data:`DISTRICT_TYPES`; None (empty, or all four) for all.
    weight : {"people", "equal"}
        Team weight in the objectives.
    people_per_team : int or None
        People expected per team (None: the roster's count).

    Raises
    ------
    ValueError
        Unknown ``serve``, ``weight`` or district type; ``people_per_team`` < 1.

    Examples
    --------
    >>> TeamSelection("all-network", regions=[3, 1], counties=[]).to_dict()["regions"]
    [1, 3]
    >>> TeamSelection("all-network", counties=[]).counties is None
    True
    """

    serve: str = "applied-not-attended"
    event_ids: tuple[str, ...] | None = None
    regions: tuple[int, ...] | None = None
    counties: tuple[str, ...] | None = None
    district_types: tuple[str, ...] | None = None
    weight: str = "people"
    people_per_team: int | None = 4

    def __post_init__(self) -> None:
        fix = object.__setattr__  # frozen: normalise once, here
        fix(self, "event_ids", _tuple_or_none(self.event_ids))
        regions = _tuple_or_none(self.regions, int)
        fix(self, "regions", None if regions is None else tuple(sorted(set(regions))))
        fix(self, "counties", _tuple_or_none(self.counties))
        types = _tuple_or_none(self.district_types)
        if types is not None and set(types) >= set(DISTRICT_TYPES):
            types = None  # every type ticked is no filter
        fix(self, "district_types", types)
        if self.serve not in SERVE_OPTIONS:
            raise ValueError(
                f"serve must be one of {', '.join(SERVE_OPTIONS)}; got {self.serve!r}."
            )
        if self.weight not in ("people", "equal"):
            raise ValueError(
                f"weight must be 'people' or 'equal', got {self.weight!r}."
            )
        if self.people_per_team is not None:
            if int(self.people_per_team) < 1:
                raise ValueError(
                    f"people_per_team must be at least 1, got {self.people_per_team}."
                )
            fix(self, "people_per_team", int(self.people_per_team))
        bad = set(self.district_types or ()) - set(DISTRICT_TYPES)
        if bad:
            raise ValueError(
                f"unknown district type(s) {sorted(bad)}; use unified, elementary, "
                "secondary or coe."
            )

    def to_dict(self) -> dict:
        """The selection as JSON-ready data (lists, not tuples): what plans save."""
        return {
            k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()
        }

    def select(
        self, teams: pd.DataFrame | None, reference: pd.DataFrame
    ) -> pd.DataFrame:
        """:func:`select_teams` with these options."""
        return select_teams(teams, reference, **asdict(self))


def _reached_only(teams: pd.DataFrame) -> set[str]:
    """GEOIDs that only ever appear as another team's linked district."""
    if "team_geoid" not in teams.columns:
        return set()
    geoid = teams["geoid"].astype(str)
    own = geoid == teams["team_geoid"].astype(str)
    return set(geoid[~own]) - set(geoid[own])


def select_teams(
    teams: pd.DataFrame | None,
    reference: pd.DataFrame,
    *,
    serve: str,
    event_ids: Sequence[str] | None = None,
    regions: Iterable[int] | None = None,
    counties: Iterable[str] | None = None,
    district_types: Iterable[str] | None = None,
    weight: str = "people",
    people_per_team: int | None = 4,
) -> pd.DataFrame:
    """The teams a venue plan must serve, located and weighted.

    Parameters
    ----------
    teams : pandas.DataFrame or None
        Teams per event from ``loaders.participation.teams_by_event(matched)``:
        one row per district reached per event (``geoid``, ``event_id``) with
        ``team_status``, ``n_people``, ``role_completeness`` (0-4),
        ``missing_roles`` and, for shared-governance teams, ``team_geoid``.
        Only a team's own rows (``geoid == team_geoid``, see
        :func:`loaders.participation.own_rows`) are teams; a district reached
        through another team's link is part of that team. May be None only
        for ``serve="all-districts"``.
    reference : pandas.DataFrame
        :func:`geodata.boundaries.entity_reference` (``geoid``, ``name``,
        ``district_type``, ``county``, ``ccsesa_region``, ``lat``, ``lon``,
        ``location_source``).
    serve : str
        One of :data:`SERVE_OPTIONS`:

        ``"applied-not-attended"``
            teams with rows at the chosen events whose best status there is not
            ``attended`` (applied, waitlisted, registered no-show, cancelled);
        ``"registered-incomplete"``
            best status ``registered`` or ``attended`` at the chosen events and
            ``role_completeness`` < 4;
        ``"all-network"``
            every team with rows at the chosen events;
        ``"never-attended"``
            teams with rows at the chosen events and no ``attended`` status at
            any event in ``teams``;
        ``"all-districts"``
            every district and COE in ``reference`` (teams found in the roster
            keep their status), except the districts the roster shows to be
            part of another district's shared-governance team.
    event_ids : sequence of str, optional
        Events that count (default, or empty: every event in ``teams``).
    regions, counties, district_types : iterables, optional
        Keep only teams in these CCSESA regions (int 1-11), counties (names as in
        the reference) or district types (``unified``, ``elementary``,
        ``secondary``, ``coe``); None or empty keeps all.
    weight : {"people", "equal"}
        Weight of a team in the p-median and coverage objectives: the people
        expected, or 1 per team.
    people_per_team : int or None
        People expected per team (default 4, one per role); None uses the
        team's ``n_people`` in the roster (at least 1).

    Returns
    -------
    pandas.DataFrame
        One row per team (``geoid`` unique: a shared-governance team once, at
        its own district), ordered by ``geoid``: ``geoid``,
        ``name``, ``district_type``, ``county``, ``ccsesa_region`` (int),
        ``lat``, ``lon`` (WGS84 degrees), ``location_source``, ``weight``
        (float), ``people`` (int), ``team_status`` (best status at the chosen
        events, ``<NA>`` when not in the roster), ``role_completeness``
        (``Int64``), ``missing_roles`` (str), ``priority`` (int, see
        :data:`PRIORITY_LABELS`). May be empty.

    Raises
    ------
    ValueError
        Unknown ``serve`` / ``weight`` / district type, missing columns, none of
        the ``event_ids`` in ``teams``, or a roster team whose ``geoid`` is not
        in ``reference`` (all such geoids listed).
    """
    chosen = TeamSelection(  # validates and normalises (empty filter = all)
        serve=serve,
        event_ids=event_ids,
        regions=regions,
        counties=counties,
        district_types=district_types,
        weight=weight,
        people_per_team=people_per_team,
    )
    event_ids, regions = chosen.event_ids, chosen.regions
    counties, district_types = chosen.counties, chosen.district_types
    needed_ref = {
        "geoid",
        "name",
        "district_type",
        "county",
        "ccsesa_region",
        "lat",
        "lon",
    }
    missing = needed_ref - set(reference.columns)
    if missing:
        raise ValueError(
            f"reference: columns {sorted(missing)} are missing; pass "
            "geodata.boundaries.entity_reference()."
        )
    ref = reference.drop_duplicates("geoid").set_index("geoid")

    if teams is None:
        if serve != "all-districts":
            raise ValueError(f"serve={serve!r} needs a roster (teams by event).")
        teams = pd.DataFrame(
            {
                "geoid": pd.Series(dtype="string"),
                "event_id": pd.Series(dtype="string"),
                "team_status": pd.Series(dtype="string"),
                "n_people": pd.Series(dtype="int64"),
                "role_completeness": pd.Series(dtype="int64"),
                "missing_roles": pd.Series(dtype="string"),
            }
        )
    needed = {"geoid", "event_id", "team_status"}
    missing = needed - set(teams.columns)
    if missing:
        raise ValueError(
            f"teams: columns {sorted(missing)} are missing; expected "
            "loaders.participation.teams_by_event(matched)."
        )
    # a district reached only through another team's link belongs to that team
    part_of_shared = _reached_only(teams)
    frame = own_rows(teams).copy()
    frame["geoid"] = frame["geoid"].astype("string")
    frame["event_id"] = frame["event_id"].astype("string")
    unknown_status = set(frame["team_status"].dropna()) - set(STATUS_ORDER)
    if unknown_status:
        raise ValueError(
            f"teams: column team_status has unknown values {sorted(unknown_status)}; "
            f"expected {', '.join(STATUS_ORDER)}."
        )
    not_in_ref = sorted(set(frame["geoid"].dropna()) - set(ref.index))
    if not_in_ref:
        raise ValueError(
            f"teams: {len(not_in_ref)} geoid(s) are not districts or COEs in the "
            f"reference ({', '.join(not_in_ref[:10])}); re-run matching."
        )
    rank = {s: i for i, s in enumerate(STATUS_ORDER)}
    frame["_rank"] = frame["team_status"].map(rank).astype("Float64").fillna(99)
    if "role_completeness" not in frame.columns:
        frame["role_completeness"] = pd.NA
    if "missing_roles" not in frame.columns:
        frame["missing_roles"] = ""
    if "n_people" not in frame.columns:
        frame["n_people"] = 1
    ever_attended = set(frame.loc[frame["team_status"] == "attended", "geoid"])

    if event_ids is not None:
        present = set(frame["event_id"].dropna())
        if not present & set(event_ids) and serve != "all-districts":
            raise ValueError(
                f"no roster rows for event(s) {', '.join(event_ids)}; events in the "
                f"roster: {', '.join(sorted(present)) or 'none'}."
            )
        frame = frame.loc[frame["event_id"].isin(event_ids)]
    frame = frame.assign(
        _neg_complete=-pd.to_numeric(frame["role_completeness"], errors="coerce")
        .fillna(-1)
        .astype(float),
        _neg_people=-pd.to_numeric(frame["n_people"], errors="coerce")
        .fillna(0)
        .astype(float),
    )
    best = frame.sort_values(
        ["geoid", "_rank", "_neg_complete", "_neg_people", "event_id"], kind="stable"
    ).drop_duplicates("geoid", keep="first")

    status = best["team_status"].astype("string")
    complete = pd.to_numeric(best["role_completeness"], errors="coerce")
    if serve == "applied-not-attended":
        keep = status.ne("attended").fillna(False)
    elif serve == "registered-incomplete":
        keep = status.isin(["registered", "attended"]) & complete.lt(4).fillna(True)
    elif serve == "never-attended":
        keep = ~best["geoid"].isin(ever_attended)
    else:
        keep = pd.Series(True, index=best.index)
    best = best.loc[keep.to_numpy(bool)]

    if serve == "all-districts":
        geoids = pd.Index(ref.index.astype("string"))
        geoids = geoids[~geoids.isin(part_of_shared)]
    else:
        geoids = pd.Index(best["geoid"].astype("string"))
    out = ref.loc[geoids].reset_index()
    out["geoid"] = out["geoid"].astype("string")
    by_geoid = best.set_index("geoid")
    out["team_status"] = out["geoid"].map(by_geoid["team_status"]).astype("string")
    out["role_completeness"] = pd.array(
        pd.to_numeric(out["geoid"].map(by_geoid["role_completeness"]), errors="coerce"),
        dtype="Int64",
    )
    out["missing_roles"] = (
        out["geoid"].map(by_geoid["missing_roles"]).astype("string").fillna("")
    )
    n_people = pd.to_numeric(out["geoid"].map(by_geoid["n_people"]), errors="coerce")
    if people_per_team is None:
        people = n_people.fillna(1).clip(lower=1).astype(int)
    else:
        people = pd.Series(int(people_per_team), index=out.index)
    out["people"] = people.to_numpy(int)
    out["weight"] = out["people"].astype(float) if weight == "people" else 1.0
    in_roster = out["team_status"].notna()
    not_attended = in_roster & out["team_status"].ne("attended").fillna(False)
    incomplete = in_roster & out["role_completeness"].lt(4).fillna(True)
    out["priority"] = np.select(
        [
            not_attended.to_numpy(bool),
            incomplete.to_numpy(bool),
            in_roster.to_numpy(bool),
        ],
        [0, 1, 2],
        default=3,
    ).astype(int)

    if regions is not None:
        out = out.loc[out["ccsesa_region"].astype(int).isin(set(regions))]
    if counties is not None:
        wanted = {str(c).strip().casefold().removesuffix(" county") for c in counties}
        out = out.loc[out["county"].str.casefold().isin(wanted).fillna(False)]
    if district_types is not None:
        out = out.loc[out["district_type"].isin(set(district_types))]
    if "location_source" not in out.columns:
        out["location_source"] = pd.NA
    out["ccsesa_region"] = out["ccsesa_region"].astype(int)
    out = out[_TEAM_COLUMNS].sort_values("geoid", ignore_index=True)
    for col in ("geoid", "name", "district_type", "county", "location_source"):
        out[col] = out[col].astype("string")
    return out
