"""The participation figures, each defined once, for every page, table and export.

One function, :func:`area_figures`, counts every figure for a selection, for
the state as a whole (the Map page headline), per region, per county, per
district or COE and per event; the pages, the CSV/XLSX tables
(:func:`loaders.exports.participation_tables`) and the command line all read
it, so the same filter gives the same numbers everywhere. The definitions are
in :data:`DATA_DICTIONARY` (the data dictionary the exports and the help texts show).

Counting rules
--------------
* A **team** counts once, in the area of its own district (its ``team_geoid``,
  the primary GEOID of the match), even when it reaches two districts through
  shared governance; both districts count as **reached**.
* A **person** counts once: per event, and across the selected events
  (:mod:`loaders.participation.people`).
* **Complete** means that all four roles came to the same event.

So on every row: ``complete_teams <= attended <= teams <= reached <=
entities`` (see :func:`check_figures`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from loaders.participation.teams import ROLE_LABELS, ROLES, STATUS_ORDER, own_rows

__all__ = [
    "AREA_LEVELS",
    "DATA_DICTIONARY",
    "FIGURE_COLUMNS",
    "area_figures",
    "check_figures",
    "data_dictionary",
    "figures_by_area",
    "filter_reference",
    "filter_teams",
    "headline_figures",
    "participation_by_area",
    "participation_by_event",
]

#: Area levels of :func:`area_figures` and the reference column each groups by.
AREA_LEVELS: dict[str, str | None] = {
    "all": None,
    "region": "ccsesa_region",
    "county": "county",
    "district": "geoid",
}

#: The data dictionary: column → definition, for every column of the
#: participation tables (shown as help text and as the exports' "Data
#: dictionary" sheet).
DATA_DICTIONARY: dict[str, str] = {
    "area": "The whole selection (one row).",
    "geoid": "NCES id of the district, or county FIPS code of the COE.",
    "cd_code": "CDE county-district code.",
    "name": "District or COE name (CDE).",
    "district_type": "unified, elementary, secondary (high school) or coe.",
    "county": "County of the district or COE.",
    "ccsesa_region": "CCSESA service region (1-11).",
    "event_id": "Event id.",
    "event": "Event name.",
    "date": "First day of the event.",
    "entities": "Districts and county offices of education (COEs) in the area "
    "(of the selected district types).",
    "reached": "Districts and COEs with a team at a selected event, whatever "
    "its status (attended, registered, applied...), including each district a "
    "shared-governance team stands for. So reached can exceed teams: one "
    "team with one board for two districts is one team and two districts "
    "reached.",
    "teams": "Teams at a selected event: one per district or COE that sent "
    "people. A shared-governance team (one board for two districts) is one "
    "team, counted in the area of its matched district.",
    "attended": "Teams that attended at least one selected event (each team "
    "once).",
    "complete_teams": "Teams that attended at least one selected event with "
    "all four roles there (superintendent, board member, teachers union "
    "president, classified union president). Each team counts once.",
    "applied_not_attended": "Teams on a selected event's roster that attended "
    "none of the selected events (teams minus attended). It counts teams; the "
    "map legend's 'Team, attended none' counts districts and COEs, so each "
    "district a shared-governance team stands for adds one there.",
    "people": "Distinct people on the selected events' rosters, whatever their "
    "status. One person is one e-mail address, or else one name with one role "
    "in one team; a person listed twice counts once.",
    "people_attended": "Distinct people who attended at least one selected event.",
    "team_events": "Team × event pairs (a team at three events counts three times).",
    "coverage_pct": "Districts and COEs reached by a team that attended, as a "
    "percentage of all districts and COEs in the area.",
    "events": "Selected events with a team reaching this district or COE.",
    "events_attended": "Selected events that a team reaching this district or "
    "COE attended.",
    "complete_events": "Selected events that a team reaching this district or "
    "COE attended with all four roles.",
    "team_of": "The district whose team stands for this one (shared "
    "governance); empty when the district has its own team.",
    "team_geoid": "GEOID of the team: the district the roster rows matched "
    "(a shared-governance team reaches its linked districts too).",
    "linked_geoids": "Other districts the team stands for (shared governance).",
    "team_status": "The team's best status at the event: attended, registered, "
    "waitlisted, applied (did not attend) or cancelled.",
    "n_people": "Distinct people of the team at the event, whatever their status.",
    "role_completeness": "Roles counted, of 4: for a team that attended, the "
    "roles that came; for any other team, the roles that applied (applied, "
    "registered or waitlisted). Cancelled roles never count. Read with "
    "completeness_basis.",
    "completeness_basis": "What role_completeness counts: 'came' (the team "
    "attended: roles whose status is attended) or 'applied' (the team did not "
    "attend: roles applied, registered or waitlisted).",
    "roles_came": "Roles that came (status attended), of 4.",
    "missing_roles": "Roles not counted in role_completeness.",
    "registered": "Teams whose best status at the event is registered (did not "
    "attend).",
    "waitlisted": "Teams whose best status at the event is waitlisted.",
    "applied": "Teams whose best status at the event is applied (not "
    "admitted or not registered).",
    "cancelled": "Teams all of whose people cancelled.",
    # changes between two events (loaders.participation.changes)
    "enrollment": "K-12 enrollment (CDE 2018-19); empty for COEs.",
    "change": "new (attended this event, not the one compared with), "
    "returning (attended both) or lapsed (attended the one compared with, not "
    "this one). A team attended when one of its people has status attended.",
    "since_event_id": "The event compared with (by default the previous event "
    "of the same kind, else the previous event by date).",
    "status": "The team's best status at this event (empty: not on its roster).",
    "since_status": "The team's best status at the event compared with.",
    "since_roles_came": "Roles that came to the event compared with, of 4.",
    "completeness_change": "For a returning team: whether the roles that came "
    "rose, fell or stayed the same.",
    "new": "Teams new at this event (attended it, not the one compared with).",
    "returning": "Teams that attended both events.",
    "lapsed": "Teams that attended the event compared with, not this one.",
    "rose": "Returning teams that brought more roles than last time.",
    "fell": "Returning teams that brought fewer roles than last time.",
    # trends over time (loaders.participation.trends)
    "dated": "Whether the event has a published start date (undated events "
    "have no cumulative figures).",
    "cumulative_teams": "Teams at any dated event up to and including this "
    "one, whatever their status (a team at several events counts once): after "
    "the latest event, the Map page's Teams for all events, less teams seen "
    "only at undated events.",
    "cumulative_complete_teams": "Teams that came complete (all four roles) "
    "to at least one event up to and including this one.",
    "cumulative_people": "Distinct people on the rosters of the events up to "
    "and including this one.",
    "districts_reached": "Districts and COEs attended: ever reached, up to "
    "this event, by a team that attended (a shared-governance team's linked "
    "districts included). Not the Map page's 'Districts/COEs reached', which "
    "also counts teams that applied but did not come; after the latest event "
    "it is the count behind the Map page's coverage_pct.",
    "enrollment_reached": "K-12 enrollment (CDE 2018-19) of the districts "
    "ever reached by a team that attended.",
    "enrollment_total": "K-12 enrollment (CDE 2018-19) of every district in the area.",
    "enrollment_share_pct": "enrollment_reached as a percentage of enrollment_total.",
    # outreach (loaders.participation.outreach)
    "rank": "Place in the outreach list (never attended first, then lapsed; "
    "each largest enrollment first, or nearest the venue when ranked by "
    "distance).",
    "outreach": "never (no team attended any of the events) or lapsed "
    "(attended one, not the latest).",
    "applied_only": "A team applied or registered but never attended.",
    "last_attended_event_id": "The last event a team of this district attended.",
    "nearest_past_venue": "The nearest city where a CA LMI event was held.",
    "miles_to_nearest_past_venue": "Great-circle miles from the district or "
    "COE office to the nearest past venue.",
    "miles_to_venue": "Great-circle miles from the district or COE office to "
    "the chosen venue.",
    **{
        f"role_{role}": f"Teams whose {label.lower()} came to at least one "
        "selected event (in the completeness table: that role counts in "
        "role_completeness)."
        for role, label in ROLE_LABELS.items()
    },
}

#: Figure columns of :func:`area_figures`, in table order.
FIGURE_COLUMNS: list[str] = [
    "entities",
    "reached",
    "teams",
    "attended",
    "complete_teams",
    "applied_not_attended",
    "coverage_pct",
    "people",
    "people_attended",
    "team_events",
    *[f"role_{r}" for r in ROLES],
]
_COUNTS = [c for c in FIGURE_COLUMNS if c not in ("entities", "coverage_pct")]
_AREA_COLUMNS = ["geoid", "name", "district_type", "county", "ccsesa_region"]


def data_dictionary(columns: list[str] | None = None) -> pd.DataFrame:
    """The data dictionary as a table: ``column``, ``definition``.

    Parameters
    ----------
    columns : list of str, optional
        Only these columns (those without a definition are left out), in this
        order; default every entry of :data:`DATA_DICTIONARY`.

    Returns
    -------
    pandas.DataFrame
        Two text columns, one row per defined column.
    """
    names = (
        list(DATA_DICTIONARY)
        if columns is None
        else [c for c in columns if c in DATA_DICTIONARY]
    )
    names = list(dict.fromkeys(names))
    return pd.DataFrame(
        {"column": names, "definition": [DATA_DICTIONARY[c] for c in names]},
        dtype="string",
    )


def filter_reference(
    reference: pd.DataFrame,
    *,
    regions: list[int] | None = None,
    counties: list[str] | None = None,
    district_types: list[str] | None = None,
) -> pd.DataFrame:
    """Districts and COEs of the selected regions, counties and types.

    ``None`` or an empty list of regions or counties keeps all;
    ``district_types=None`` keeps all types, an empty list none.
    """
    ref = reference
    if regions:
        ref = ref.loc[ref["ccsesa_region"].isin([int(r) for r in regions])]
    if counties:
        ref = ref.loc[ref["county"].isin(counties)]
    if district_types is not None:
        ref = ref.loc[ref["district_type"].isin(list(district_types))]
    return ref


def filter_teams(
    teams: pd.DataFrame,
    reference: pd.DataFrame,
    *,
    event_ids: list[str] | None = None,
    regions: list[int] | None = None,
    counties: list[str] | None = None,
    district_types: list[str] | None = None,
) -> pd.DataFrame:
    """Team rows restricted to events and to districts/COEs by region, county, type.

    Parameters
    ----------
    teams : pandas.DataFrame
        :func:`loaders.participation.teams_by_event` (the reach view).
    reference : pandas.DataFrame
        The districts and COEs (``geoid``, ``name``, ``district_type``,
        ``county``, ``ccsesa_region``; e.g. ``geodata.boundaries.entity_reference``).
    event_ids, regions, counties : list or None
        ``None`` or empty keeps all.
    district_types : list or None
        ``None`` keeps all; an empty list keeps none (nothing ticked).

    Returns
    -------
    pandas.DataFrame
        The rows kept (the district reached is in the selection), joined with
        ``name``, ``district_type``, ``county``, ``ccsesa_region`` of that
        district or COE. A team's own row (``geoid == team_geoid``) is kept
        when its own district is in the selection: that is where it counts.
    """
    out = teams.merge(reference[_AREA_COLUMNS], on="geoid", how="left")
    if event_ids:
        out = out.loc[out["event_id"].isin(event_ids)]
    if regions:
        out = out.loc[out["ccsesa_region"].isin([int(r) for r in regions])]
    if counties:
        out = out.loc[out["county"].isin(counties)]
    if district_types is not None:
        out = out.loc[out["district_type"].isin(list(district_types))]
    return out.reset_index(drop=True)


def distinct_people(
    rows: pd.DataFrame, by: str | list[str] = "geoid", column: str = "person_ids"
) -> pd.Series:
    """Distinct people per value of ``by``: the one count of "people".

    Parameters
    ----------
    rows : pandas.DataFrame
        Rows of :func:`loaders.participation.teams_by_event` (or filtered from
        it), with ``by`` and ``column`` (str: space-separated person ids of the
        row's team at its event).
    by : str or list of str, default "geoid"
        Column(s) to group by (``geoid``, ``county``, ``ccsesa_region``...;
        a list gives a MultiIndex, e.g. ``["event_id", "ccsesa_region"]``).
    column : str, default "person_ids"
        ``person_ids`` (everyone on the roster) or ``person_ids_came``.

    Returns
    -------
    pandas.Series
        int64 count per value of ``by`` that has anybody; a person at two of
        the events counts once.
    """
    if column not in rows.columns:  # a frame from older code: rows, not people
        if column != "person_ids" or "n_people" not in rows.columns:
            return pd.Series(dtype="int64")
        return rows.groupby(by)["n_people"].sum()
    # plain sets: 10x faster than str.split + explode + nunique (measured, 580 rows)
    found: dict[object, set[str]] = {}
    groups = (
        rows[by].to_numpy()
        if isinstance(by, str)
        else zip(*(rows[c].to_numpy() for c in by))
    )
    for group, text in zip(groups, rows[column].to_numpy()):
        if isinstance(text, str) and text:
            found.setdefault(group, set()).update(text.split())
    if not isinstance(by, str):
        index = pd.MultiIndex.from_tuples(list(found), names=by)
        if not found:
            index = pd.MultiIndex.from_arrays([[]] * len(by), names=by)
        return pd.Series([len(v) for v in found.values()], index=index, dtype="int64")
    return pd.Series({g: len(ids) for g, ids in found.items()}, dtype="int64")


def _counts(filtered: pd.DataFrame, by: str | list[str]) -> pd.DataFrame:
    """Every count of :data:`DATA_DICTIONARY` per value of ``by`` (one code path).

    Team figures are counted on one row per (``by``, team): whether the team
    attended any selected event, came complete to one, and which roles came.
    ``by`` may be a list of columns (``["event_id", "county"]``: each event on
    its own), giving a MultiIndex.
    """
    keys = [by] if isinstance(by, str) else list(by)
    wanted = [*keys, "geoid", "team_geoid", "team_status", "roles_came"]
    wanted += ["role_completeness", "n_people", "person_ids", "person_ids_came"]
    wanted += [f"role_{r}" for r in ROLES]
    # only the columns counted: filtering 25 text columns is most of the time
    t = filtered[[c for c in dict.fromkeys(wanted) if c in filtered.columns]]
    own = own_rows(t)
    key = "team_geoid" if "team_geoid" in own.columns else "geoid"
    roles_came = "roles_came" if "roles_came" in own.columns else "role_completeness"
    came = (own["team_status"] == "attended").to_numpy()
    flags = pd.DataFrame(
        {
            **{k: own[k].to_numpy() for k in keys},
            key: own[key].to_numpy(),
            "attended": came,
            "complete_teams": came & (own[roles_came] == 4).to_numpy(),
            **{
                f"role_{r}": came & own[f"role_{r}"].astype(bool).to_numpy()
                for r in ROLES
            },
        }
    )
    per_team = flags.groupby([*keys, key], sort=False).any()
    levels = list(range(len(keys)))
    out = per_team.groupby(level=levels).sum()
    out.insert(0, "teams", per_team.groupby(level=levels).size())
    reached_came = t.loc[t["team_status"] == "attended"]
    extra = pd.DataFrame(
        {
            "reached": t.groupby(by)["geoid"].nunique(),
            "people": distinct_people(own, by, "person_ids"),
            "people_attended": distinct_people(own.loc[came], by, "person_ids_came"),
            "team_events": own.groupby(by).size(),
            "_reached_attended": reached_came.groupby(by)["geoid"].nunique(),
        }
    )
    out = out.join(extra, how="outer").fillna(0).astype(int)
    out["applied_not_attended"] = out["teams"] - out["attended"]
    return out


def area_figures(
    filtered_teams: pd.DataFrame,
    reference: pd.DataFrame,
    level: str,
    *,
    by_event: bool = False,
) -> pd.DataFrame:
    """Every participation figure per area: the one definition of each number.

    Parameters
    ----------
    filtered_teams : pandas.DataFrame
        :func:`filter_teams` output (the selection's reach rows).
    reference : pandas.DataFrame
        The districts and COEs of the same selection (:func:`filter_reference`
        of ``geodata.boundaries.entity_reference``); gives ``entities``.
    level : {"all", "state", "region", "county", "district"}
        ``"all"`` (or ``"state"``): one row, the Map page headline;
        ``"region"`` / ``"county"``: one row per region / county of
        ``reference`` (areas without a team included, with zeros);
        ``"district"``: one row per district or COE reached.
    by_event : bool, default False
        Count each event of ``filtered_teams`` on its own (levels ``"all"``,
        ``"region"``, ``"county"``): the rows are those of
        ``area_figures(rows of that event, reference, level)`` for every
        event, in one grouping (what the trends over time read), with
        ``event_id`` first; events in the order they first appear.

    Returns
    -------
    pandas.DataFrame
        ``"all"``: ``area`` (``"All"``) then :data:`FIGURE_COLUMNS`.
        ``"region"``/``"county"``: ``ccsesa_region`` (int) / ``county`` (str)
        then :data:`FIGURE_COLUMNS`. ``"district"``: ``geoid``, ``cd_code``,
        ``name``, ``district_type``, ``county``, ``ccsesa_region``,
        ``team_of``, ``events``, ``events_attended``, ``complete_events``
        then :data:`FIGURE_COLUMNS` without ``entities`` and
        ``coverage_pct``. Counts are int; ``coverage_pct`` is float (one
        decimal). Definitions: :data:`DATA_DICTIONARY`.

    Raises
    ------
    ValueError
        If ``level`` is not one of these (or is ``"district"`` with
        ``by_event``).
    """
    if level == "state":
        level = "all"
    if level not in AREA_LEVELS:
        raise ValueError(
            f"level must be all, region, county or district, not {level!r}"
        )
    if level == "district":
        if by_event:
            raise ValueError("by_event counts areas: all, region or county.")
        return _district_figures(filtered_teams, reference)
    by = AREA_LEVELS[level] or "area"
    t, ref = filtered_teams, reference
    if level == "all":
        t = t.assign(area="All")
        ref = pd.DataFrame({"area": ["All"] * len(reference)}, dtype=object)
    entities = ref.groupby(by).size().rename("entities")
    if level == "all":
        entities = entities.reindex(["All"], fill_value=0)
    if by_event:
        events = list(dict.fromkeys(t["event_id"]))
        counts = _counts(t, ["event_id", by])
        index = pd.MultiIndex.from_product(
            [events, entities.index], names=["event_id", by]
        )
        entities = pd.Series(
            np.tile(entities.to_numpy(), len(events)), index=index, name="entities"
        )
    else:
        counts = _counts(t, by)
    out = pd.concat([entities, counts.reindex(entities.index)], axis=1)
    out = out.fillna(0).astype(int)
    share = out["_reached_attended"] / out["entities"].where(out["entities"] > 0)
    out["coverage_pct"] = (100 * share).fillna(0.0).round(1)
    keys = ["event_id", by] if by_event else [by]
    out.index.names = keys
    return out.reset_index()[[*keys, *FIGURE_COLUMNS]]


def _district_figures(filtered: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    counts = _counts(filtered, "geoid")
    per = filtered.groupby("geoid")
    came = filtered.loc[filtered["team_status"] == "attended"]
    roles_came = "roles_came" if "roles_came" in came.columns else "role_completeness"
    extra = pd.DataFrame(
        {
            "events": per["event_id"].nunique(),
            "events_attended": came.groupby("geoid")["event_id"].nunique(),
            "complete_events": came.loc[came[roles_came] == 4]
            .groupby("geoid")["event_id"]
            .nunique(),
        }
    )
    extra = extra.fillna(0).astype(int)
    if "team_geoid" in filtered.columns:
        linked = filtered.loc[filtered["geoid"] != filtered["team_geoid"]]
        own = set(own_rows(filtered)["geoid"])
        team_of = linked.groupby("geoid")["team_geoid"].agg(
            lambda s: ";".join(sorted(set(s)))
        )
        team_of = team_of.loc[~team_of.index.isin(own)]
    else:
        team_of = pd.Series(dtype=object)
    cols = ["geoid", "cd_code", "name", "district_type", "county", "ccsesa_region"]
    ref = reference[[c for c in cols if c in reference.columns]]
    out = ref.loc[ref["geoid"].isin(counts.index)].copy()
    team_of_map = team_of.to_dict()
    out["team_of"] = [team_of_map.get(g, "") for g in out["geoid"]]
    out = out.join(extra, on="geoid").join(counts, on="geoid")
    figures = [c for c in FIGURE_COLUMNS if c not in ("entities", "coverage_pct")]
    order = [*[c for c in cols if c in out.columns], "team_of"]
    numbers = ["events", "events_attended", "complete_events", *figures]
    out[numbers] = out[numbers].fillna(0).astype(int)
    order += numbers
    return out[order].sort_values(
        ["ccsesa_region", "county", "name"], ignore_index=True
    )


def figures_by_area(
    teams: pd.DataFrame,
    reference: pd.DataFrame,
    level: str,
    *,
    event_ids: list[str] | None = None,
    regions: list[int] | None = None,
    counties: list[str] | None = None,
    district_types: list[str] | None = None,
) -> pd.DataFrame:
    """:func:`area_figures` for a selection: filter teams and reference, count.

    Parameters
    ----------
    teams : pandas.DataFrame
        :func:`loaders.participation.teams_by_event` of the matched roster.
    reference : pandas.DataFrame
        Every district and COE (``geodata.boundaries.entity_reference``).
    level : {"all", "state", "region", "county", "district"}
    event_ids, regions, counties, district_types : list, optional
        The selection, as in :func:`filter_teams`.

    Returns
    -------
    pandas.DataFrame
        See :func:`area_figures`.
    """
    filtered = filter_teams(
        teams,
        reference,
        event_ids=event_ids,
        regions=regions,
        counties=counties,
        district_types=district_types,
    )
    ref = filter_reference(
        reference, regions=regions, counties=counties, district_types=district_types
    )
    return area_figures(filtered, ref, level)


def headline_figures(
    filtered_teams: pd.DataFrame, reference: pd.DataFrame | None = None
) -> dict[str, int | float]:
    """The headline numbers of a selection: the ``"all"`` row of :func:`area_figures`.

    Parameters
    ----------
    filtered_teams : pandas.DataFrame
        Output of :func:`filter_teams`.
    reference : pandas.DataFrame, optional
        The districts and COEs of the same selection (:func:`filter_reference`);
        without it ``entities`` and ``coverage_pct`` are left out.

    Returns
    -------
    dict
        :data:`FIGURE_COLUMNS` → value (int; ``coverage_pct`` float), as
        defined in :data:`DATA_DICTIONARY`: ``reached``, ``teams``, ``attended``,
        ``complete_teams``, ``applied_not_attended``, ``people``,
        ``people_attended``, ``team_events``, ``role_<role>`` and, with a
        reference, ``entities`` and ``coverage_pct``.
    """
    ref = reference
    if ref is None:
        ref = pd.DataFrame({"geoid": pd.Series(dtype="string")})
    row = area_figures(filtered_teams, ref, "all").iloc[0]
    out: dict[str, int | float] = {
        c: (float(row[c]) if c == "coverage_pct" else int(row[c]))
        for c in FIGURE_COLUMNS
    }
    if reference is None:
        del out["entities"], out["coverage_pct"]
    return out


def participation_by_area(
    filtered_teams: pd.DataFrame, reference: pd.DataFrame, level: str
) -> pd.DataFrame:
    """Participation by ``"district"``, ``"county"`` or ``"region"``.

    The same as :func:`area_figures` (kept under its old name for callers).

    Raises
    ------
    ValueError
        If ``level`` is not one of :data:`AREA_LEVELS`.
    """
    return area_figures(filtered_teams, reference, level)


def participation_by_event(teams: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Per event: teams by status, complete teams and people.

    Parameters
    ----------
    teams : pandas.DataFrame
        :func:`filter_teams` (or :func:`loaders.participation.teams_by_event`).
    events : pandas.DataFrame
        The events to list (``event_id``, ``label``, ``start_date``).

    Returns
    -------
    pandas.DataFrame
        One row per event of ``events``: ``event_id``, ``event``, ``date``,
        ``reached``, ``teams``, one column per status of :data:`STATUS_ORDER`
        (teams whose best status it is; they add up to ``teams``),
        ``complete_teams``, ``people`` and ``people_attended``, as defined in
        :data:`DATA_DICTIONARY` (per event: a person at two events counts at each).
    """
    own = own_rows(teams)
    counts = (
        own.pivot_table(
            index="event_id", columns="team_status", values="geoid", aggfunc="count"
        )
        .reindex(columns=list(STATUS_ORDER))
        .fillna(0)
        .astype(int)
        if not own.empty
        else pd.DataFrame(columns=list(STATUS_ORDER), dtype=int)
    )
    figures = _counts(teams, "event_id")
    out = events[["event_id", "label", "start_date"]].rename(
        columns={"label": "event", "start_date": "date"}
    )
    out = out.merge(counts, left_on="event_id", right_index=True, how="left")
    out[list(STATUS_ORDER)] = out[list(STATUS_ORDER)].fillna(0).astype(int)
    for column in ("reached", "teams", "complete_teams", "people", "people_attended"):
        out[column] = out["event_id"].map(figures[column]).fillna(0).astype(int)
    return out[
        [
            "event_id",
            "event",
            "date",
            "reached",
            "teams",
            *STATUS_ORDER,
            "complete_teams",
            "people",
            "people_attended",
        ]
    ].reset_index(drop=True)


def check_figures(table: pd.DataFrame) -> pd.DataFrame:
    """Rows of a figures table that break ``complete <= attended <= teams <= reached
    <= entities`` (empty when every row holds).

    Parameters
    ----------
    table : pandas.DataFrame
        Any table of :func:`area_figures` or :func:`participation_by_event`;
        missing columns are skipped.

    Returns
    -------
    pandas.DataFrame
        The offending rows.
    """
    chain = ["complete_teams", "attended", "teams", "reached", "entities"]
    present = [c for c in chain if c in table.columns]
    bad = np.zeros(len(table), dtype=bool)
    for low, high in zip(present, present[1:]):
        bad |= (table[low] > table[high]).to_numpy()
    return table.loc[bad]
