"""What the Map page decides, without Streamlit (tested without ``AppTest``).

The page (:mod:`dashboard.views.map`) only draws widgets and calls these:

* the headline metrics with their definitions (:func:`headline_metrics`, help
  text from :data:`loaders.participation.DATA_DICTIONARY`);
* the drill-down state transitions on the session state (any mutable mapping):
  :func:`set_defaults`, :func:`region_changed`, :func:`county_changed`,
  :func:`go_up`, :func:`open_entity`;
* what a click on the map selects and which districts it offers where an
  elementary and a high-school district overlap (:func:`read_click`,
  :func:`click_choices`);
* the roster caption with the rows not on the map, by reason, and where the
  Data page lists them (:func:`roster_caption`, :func:`not_on_map_links`);
* the one state behind the linked views and the address: :func:`view_of`,
  :func:`apply_view`; the linked table of the current area and what a row or
  a bar of it opens (:func:`table_level`, :func:`area_table`,
  :func:`highlighted_key`, :func:`pick_area`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass

import pandas as pd

from dashboard.links import MapView
from geodata.boundaries import ENTITY_TYPES
from loaders.entities import TYPE_CHOICES, TYPE_LABELS
from loaders.participation import (
    DATA_DICTIONARY,
    ROLE_LABELS,
    ROLES,
    figures_by_area,
)
from loaders.upload import RowCounts

__all__ = [
    "ALL",
    "AREA_COLUMNS",
    "HEADLINE",
    "TYPE_OPTIONS",
    "Metric",
    "apply_view",
    "area_table",
    "bar_spec",
    "click_choices",
    "county_changed",
    "go_up",
    "headline_metrics",
    "highlighted_key",
    "not_on_map_links",
    "open_entity",
    "pick_area",
    "read_click",
    "region_changed",
    "role_metrics",
    "roster_caption",
    "set_defaults",
    "table_level",
    "view_of",
]

#: District types of the sidebar filter → label.
#: District-type choices (the one definition: :data:`loaders.entities.TYPE_CHOICES`).
TYPE_OPTIONS: dict[str, str] = TYPE_CHOICES
#: The "no filter" value of the region and county boxes.
ALL = "All"


@dataclass(frozen=True)
class Metric:
    """One number of the page: its figure key, label and definition (help)."""

    key: str
    label: str
    help: str


#: The headline figures, in page order; the definition of each is the data
#: dictionary's (the same words as the exports' "Data dictionary" sheet).
HEADLINE: tuple[Metric, ...] = tuple(
    Metric(key, label, DATA_DICTIONARY[key])
    for key, label in (
        ("teams", "District / COE teams"),
        ("reached", "Districts/COEs reached"),
        ("attended", "Teams attended"),
        ("complete_teams", "Complete teams (4/4)"),
        ("applied_not_attended", "Teams, attended none"),
        ("team_events", "Team-event rows"),
    )
)


def role_metrics() -> tuple[Metric, ...]:
    """One metric per role ("Superintendent came"...), defined by the dictionary."""
    return tuple(
        Metric(f"role_{r}", f"{ROLE_LABELS[r]} came", DATA_DICTIONARY[f"role_{r}"])
        for r in ROLES
    )


def headline_metrics(
    figures: Mapping[str, int | float], metrics: Sequence[Metric] = HEADLINE
) -> list[tuple[str, str, str]]:
    """``(label, value text, help)`` of each metric, from a figures dict.

    Parameters
    ----------
    figures : mapping
        :func:`loaders.participation.headline_figures` of the page's filter.
    metrics : sequence of Metric
        Default :data:`HEADLINE`.

    Raises
    ------
    KeyError
        If a metric's figure is not in ``figures``.

    Examples
    --------
    >>> headline_metrics({"teams": 1234}, [HEADLINE[0]])[0][:2]
    ('District / COE teams', '1,234')
    """
    return [(m.label, f"{figures[m.key]:,}", m.help) for m in metrics]


# ------------------------------------------------------------------- drill-down
def set_defaults(ss: MutableMapping, event_ids: Sequence[str]) -> None:
    """The page's session-state keys, where not set yet (``drill_geoid`` None)."""
    ss.setdefault("map_measure", "events_attended")
    ss.setdefault("map_events", [])
    ss.setdefault("map_event", event_ids[0] if event_ids else None)
    ss.setdefault("map_region", ALL)
    ss.setdefault("map_county", ALL)
    ss.setdefault("map_types", list(TYPE_OPTIONS))
    ss.setdefault("drill_geoid", None)
    ss.setdefault("map_click_choices", [])


def _close(ss: MutableMapping) -> None:
    ss["drill_geoid"] = None
    ss["map_click_choices"] = []


def region_changed(ss: MutableMapping) -> None:
    """A region chosen: every county of it, no district open."""
    ss["map_county"] = ALL
    _close(ss)


def county_changed(ss: MutableMapping) -> None:
    """A county chosen: no district open."""
    _close(ss)


def go_up(ss: MutableMapping, level: str) -> None:
    """A breadcrumb button: ``"state"``, ``"region"`` or ``"county"``.

    Closes the open district; ``"state"`` clears region and county,
    ``"region"`` the county.
    """
    if level == "state":
        ss["map_region"] = ALL
        ss["map_county"] = ALL
    elif level == "region":
        ss["map_county"] = ALL
    _close(ss)


def open_entity(ss: MutableMapping, entity: Mapping, *, follow: bool) -> None:
    """Open a district or COE (its reference row: ``geoid``, ``ccsesa_region``,
    ``county``).

    ``follow=True`` (a click on the map) moves region and county to the
    entity's; ``follow=False`` (chosen in the box) keeps a filter that already
    holds it and only moves one that does not.
    """
    region, county = int(entity["ccsesa_region"]), str(entity["county"])
    ss["drill_geoid"] = str(entity["geoid"])
    if follow:
        ss["map_region"], ss["map_county"] = region, county
        return
    if ss.get("map_region", ALL) not in (ALL, region):
        ss["map_region"] = region
        ss["map_county"] = ALL
    if ss.get("map_county", ALL) not in (ALL, county):
        ss["map_county"] = county


# ----------------------------------------------------------------------- clicks
def read_click(value: Mapping | None) -> tuple[str, float | None, float | None] | None:
    """The clicked feature's GEOID and the clicked point, from the map's value.

    Parameters
    ----------
    value : mapping or None
        The streamlit-folium component's value: ``last_active_drawing`` (the
        GeoJSON feature clicked, ``id`` = GEOID) and ``last_object_clicked``
        (``{"lat": ..., "lng": ...}`` in degrees).

    Returns
    -------
    (geoid, lon, lat) or None
        None when no feature was clicked; ``lon``/``lat`` None when the point
        is missing or not numeric.

    Examples
    --------
    >>> read_click({"last_active_drawing": {"id": "0635830"},
    ...             "last_object_clicked": {"lat": 38.44, "lng": -122.71}})
    ('0635830', -122.71, 38.44)
    """
    value = value or {}
    feature = value.get("last_active_drawing") or {}
    geoid = feature.get("id") if isinstance(feature, Mapping) else None
    if not geoid:
        return None
    point = value.get("last_object_clicked") or {}
    try:
        lon, lat = float(point["lng"]), float(point["lat"])
    except (KeyError, TypeError, ValueError):
        return str(geoid), None, None
    return str(geoid), lon, lat


def click_choices(
    clicked: str,
    clicked_type: str,
    at_point: pd.DataFrame,
    shown_types: Sequence[str],
) -> list[str]:
    """The districts a click offers: the clicked one and those drawn under it.

    Elementary and high-school districts overlap by design, so a click there
    hits one of them (the one drawn on top) while the point lies in both; the
    page offers every district of a shown type at the point, the clicked one
    selected. County offices (drawn under every district) are not offered
    beside a district; a click on a COE offers the COE alone.

    Parameters
    ----------
    clicked : str
        GEOID of the feature the map reports.
    clicked_type : str
        Its ``district_type``.
    at_point : pandas.DataFrame
        :func:`geodata.boundaries.districts_at` of the clicked point
        (``geoid``, ``district_type``); may be empty.
    shown_types : sequence of str
        District types ticked on the page (their layers are drawn).

    Returns
    -------
    list of str
        GEOIDs, ``clicked`` always among them, in :data:`ENTITY_TYPES` order
        (unified, elementary, secondary) then GEOID. One element: nothing to
        choose.

    Examples
    --------
    >>> here = pd.DataFrame({"geoid": ["0635810", "0635830", "06097"],
    ...     "district_type": ["elementary", "secondary", "coe"]})
    >>> click_choices("0635830", "secondary", here, ["elementary", "secondary"])
    ['0635810', '0635830']
    >>> click_choices("0635830", "secondary", here, ["secondary"])
    ['0635830']
    """
    if clicked_type == "coe" or at_point.empty:
        return [clicked]
    shown = set(shown_types) - {"coe"}
    rows = at_point.loc[at_point["district_type"].isin(shown)]
    found = dict(zip(rows["geoid"].astype(str), rows["district_type"]))
    found.setdefault(clicked, clicked_type)
    order = {t: i for i, t in enumerate(ENTITY_TYPES)}
    return sorted(found, key=lambda g: (order.get(found[g], len(order)), g))


# ---------------------------------------------------------------------- caption
#: Data page section that lists each reason's rows (``?section=`` of the link).
REASON_SECTIONS: dict[str, str] = {
    "rejected": "rosters",
    "ambiguous": "review",
    "unmatched": "review",
    "not_california": "review",
    "no_event": "rosters",
    "status_unreadable": "rosters",
}
_REASON_WORDS: dict[str, str] = {
    "rejected": "rejected",
    "ambiguous": "ambiguous",
    "unmatched": "unmatched",
    "not_california": "not in California",
    "no_event": "no event",
    "status_unreadable": "status not readable",
}


def roster_caption(label: str, n_rows: int, not_on_map: pd.DataFrame) -> str:
    """The Map page's roster line: where the rows come from, how many are drawn.

    Parameters
    ----------
    label : str
        Where the roster came from.
    n_rows : int
        Roster rows read into the roster (matched or not; not the rejected
        ones, which ``not_on_map`` counts).
    not_on_map : pandas.DataFrame
        :func:`loaders.participation.rows_not_on_map` (``reason``, ``rows``),
        whose ``rejected`` rows are read too: the line says
        :meth:`loaders.upload.RowCounts.text`, as the Data page and the
        command line do.

    Examples
    --------
    >>> table = pd.DataFrame({"reason": ["unmatched", "no_event", "rejected"],
    ...                       "rows": [3, 2, 0]})
    >>> print(roster_caption("Saved rosters", 120, table).split(" · ")[-1])
    5 not on the map: 3 unmatched, 2 no event
    >>> print(roster_caption("Saved rosters", 120, table).split(" · ")[1])
    120 rows read: 120 usable, 0 rejected
    """
    shown = not_on_map.loc[not_on_map["rows"] > 0]
    rejected = int(not_on_map.loc[not_on_map["reason"] == "rejected", "rows"].sum())
    head = f"Roster: **{label}** · {RowCounts(int(n_rows), rejected).text()}"
    if shown.empty:
        return f"{head} · every row is on the map"
    parts = ", ".join(
        f"{int(n):,} {_REASON_WORDS.get(r, r)}"
        for r, n in zip(shown["reason"], shown["rows"])
    )
    return f"{head} · {int(shown['rows'].sum()):,} not on the map: {parts}"


def not_on_map_links(not_on_map: pd.DataFrame) -> list[tuple[str, str]]:
    """``(link label, Data page section)`` per Data page section with such rows.

    Examples
    --------
    >>> table = pd.DataFrame({"reason": ["ambiguous", "unmatched", "no_event"],
    ...                       "rows": [1, 3, 2]})
    >>> for link in not_on_map_links(table):
    ...     print(link)
    ('4 rows to review (ambiguous, unmatched)', 'review')
    ('2 rows to fix (no event)', 'rosters')
    """
    by_section: dict[str, list[tuple[str, int]]] = {}
    for reason, n in zip(not_on_map["reason"], not_on_map["rows"]):
        if n > 0:
            section = REASON_SECTIONS.get(reason, "review")
            by_section.setdefault(section, []).append((reason, int(n)))
    out = []
    for section, items in by_section.items():
        total = sum(n for _, n in items)
        words = ", ".join(_REASON_WORDS.get(r, r) for r, _ in items)
        verb = "review" if section == "review" else "fix"
        rows = "row" if total == 1 else "rows"
        out.append((f"{total:,} {rows} to {verb} ({words})", section))
    return out


# ------------------------------------------------------ one state, linked views
def view_of(ss: Mapping, one_event: bool) -> MapView:
    """The page's view from its session state (what the address holds).

    Parameters
    ----------
    ss : mapping
        Session state with the keys of :func:`set_defaults`.
    one_event : bool
        Whether the measure shows one event (``map_event``) or several
        (``map_events``).
    """
    events = [ss.get("map_event")] if one_event else list(ss.get("map_events") or [])
    region, county = ss.get("map_region", ALL), ss.get("map_county", ALL)
    return MapView(
        measure=str(ss.get("map_measure")),
        event_ids=tuple(str(e) for e in events if e),
        region=None if region in (ALL, None) else int(region),
        county=None if county in (ALL, None) else str(county),
        district=ss.get("drill_geoid") or None,
    )


def apply_view(ss: MutableMapping, view: MapView, one_event: bool) -> None:
    """Put a view (e.g. from a shared link) in the session state.

    A one-event measure takes the view's first event (when it has one) as
    ``map_event``; any other measure its events as ``map_events``.
    """
    ss["map_measure"] = view.measure
    if one_event:
        if view.event_ids:
            ss["map_event"] = view.event_ids[0]
    else:
        ss["map_events"] = list(view.event_ids)
    ss["map_region"] = ALL if view.region is None else int(view.region)
    ss["map_county"] = view.county or ALL
    ss["drill_geoid"] = view.district
    ss["map_click_choices"] = []


def table_level(region: int | None, county: str | None) -> str:
    """What the linked table lists: ``"region"`` (statewide), ``"county"`` (the
    counties of a region) or ``"district"`` (the districts and COE of a county).

    Examples
    --------
    >>> table_level(None, None), table_level(4, None), table_level(4, "Alameda")
    ('region', 'county', 'district')
    """
    if county:
        return "district"
    return "region" if region is None else "county"


#: Columns of :func:`area_table` after ``key`` and ``area``, with their labels
#: (the definitions are :data:`DATA_DICTIONARY`'s), per level.
AREA_COLUMNS: dict[str, dict[str, str]] = {
    "area": {
        "entities": "Districts & COEs",
        "reached": "Reached",
        "teams": "Teams",
        "attended": "Attended",
        "complete_teams": "Complete",
        "coverage_pct": "Coverage %",
    },
    "district": {
        "district_type": "Type",
        "events": "Events",
        "events_attended": "Attended",
        "complete_events": "Complete",
        "people": "People",
    },
}


def area_table(
    teams: pd.DataFrame,
    reference: pd.DataFrame,
    *,
    event_ids: Sequence[str] | None,
    region: int | None,
    county: str | None,
    district_types: Sequence[str],
) -> pd.DataFrame:
    """The linked table of the current area: one row per region, county or district.

    Every number is :func:`loaders.participation.figures_by_area`'s (the
    headline's and the exports' function), for the page's events and district
    types.

    Parameters
    ----------
    teams : pandas.DataFrame
        :func:`loaders.participation.teams_by_event` of the roster.
    reference : pandas.DataFrame
        :func:`geodata.boundaries.entity_reference`.
    event_ids : sequence of str or None
        Selected events (None or empty: all).
    region : int or None
    county : str or None
    district_types : sequence of str

    Returns
    -------
    pandas.DataFrame
        ``key`` (str: region number, county name or GEOID: what a row opens),
        ``area`` (str: "Region 4", "Alameda", the district's name) and the
        level's :data:`AREA_COLUMNS` (ints; ``coverage_pct`` float;
        ``district_type`` its label). The district level lists every district
        and COE of the county, those without a team with zeros; rows in name
        order (regions by number).
    """
    level = table_level(region, county)
    figures = figures_by_area(
        teams,
        reference,
        level,
        event_ids=list(event_ids or []) or None,
        regions=[region] if region is not None else None,
        counties=[county] if county else None,
        district_types=list(district_types),
    )
    if level == "region":
        out = figures.assign(
            key=figures["ccsesa_region"].astype(int).astype(str),
            area="Region " + figures["ccsesa_region"].astype(int).astype(str),
        ).sort_values("ccsesa_region")
        return out[["key", "area", *AREA_COLUMNS["area"]]].reset_index(drop=True)
    if level == "county":
        out = figures.assign(key=figures["county"].astype(str), area=figures["county"])
        out = out.sort_values("area")
        return out[["key", "area", *AREA_COLUMNS["area"]]].reset_index(drop=True)
    ref = reference.loc[
        (reference["county"] == county)
        & reference["district_type"].isin(list(district_types))
    ]
    numbers = [c for c in AREA_COLUMNS["district"] if c != "district_type"]
    found = figures.set_index(figures["geoid"].astype(str))
    out = pd.DataFrame(
        {
            "key": ref["geoid"].astype(str).to_numpy(),
            "area": ref["name"].astype(str).to_numpy(),
            "district_type": ref["district_type"]
            .map(TYPE_LABELS)
            .fillna(ref["district_type"])
            .to_numpy(),
        }
    )
    for column in numbers:
        values = out["key"].map(found[column]) if column in found else None
        out[column] = 0 if values is None else values.fillna(0).astype(int).to_numpy()
    return out.sort_values("area", ignore_index=True)


def highlighted_key(
    level: str, district: Mapping | None, region: int | None = None
) -> str | None:
    """The row of the linked table that holds the open district (or region).

    Parameters
    ----------
    level : str
        :func:`table_level`.
    district : mapping or None
        The open district's reference row (``geoid``, ``ccsesa_region``,
        ``county``), or None.
    region : int, optional
        The chosen region (the statewide table has no region chosen).

    Examples
    --------
    >>> oak = {"geoid": "0628050", "ccsesa_region": 4, "county": "Alameda"}
    >>> [highlighted_key(lv, oak) for lv in ("region", "county", "district")]
    ['4', 'Alameda', '0628050']
    >>> highlighted_key("region", None, 4) is None
    True
    """
    if district is None:
        return None
    if level == "region":
        return str(int(district["ccsesa_region"]))
    if level == "county":
        return str(district["county"])
    return str(district["geoid"])


def pick_area(ss: MutableMapping, level: str, key: str, entity: Mapping | None = None):
    """A row or bar of the linked table chosen: drill the map there.

    ``"region"``: that region, all its counties; ``"county"``: that county;
    ``"district"``: open the district (``entity``, its reference row), keeping
    the region and county. Choosing the open district's row again keeps it open.
    """
    if level == "region":
        ss["map_region"] = int(key)
        region_changed(ss)
    elif level == "county":
        ss["map_county"] = str(key)
        county_changed(ss)
    elif entity is not None:
        open_entity(ss, entity, follow=False)
        ss["map_click_choices"] = []


def bar_spec(figure: str, label: str, mark: str | None) -> dict:
    """The linked bar chart as a Vega-Lite spec: one bar per row of :func:`area_table`.

    Parameters
    ----------
    figure : str
        The column charted (a count).
    label : str
        Its title on the axis.
    mark : str or None
        ``key`` of the bar drawn darker (the open place, also marked "▶" in
        its label, so not by colour alone).

    Returns
    -------
    dict
        Horizontal bars sorted by value, area names on the axis, whole-number
        ticks on the count axis, a point selection named ``pick`` on ``key``
        (what a click reports).

    Examples
    --------
    >>> spec = bar_spec("teams", "Teams", "4")
    >>> spec["params"][0]["name"], spec["encoding"]["x"]["field"]
    ('pick', 'teams')
    """
    return {
        "mark": {"type": "bar", "cursor": "pointer"},
        "height": {"step": 22},
        "params": [{"name": "pick", "select": {"type": "point", "fields": ["key"]}}],
        "encoding": {
            # a count: whole-number ticks (never 0.5 of a team)
            "x": {
                "field": figure,
                "type": "quantitative",
                "title": label,
                "axis": {"tickMinStep": 1, "format": "d"},
            },
            "y": {
                "field": "area",
                "type": "nominal",
                "sort": "-x",
                "title": None,
                "axis": {"labelLimit": 170, "labelOverlap": False, "labelFontSize": 12},
            },
            "color": {
                "condition": {
                    "test": f"datum.key === {json.dumps(mark)}",
                    "value": "#b3261e",
                },
                "value": "#2c7fb8",
            }
            if mark
            else {"value": "#2c7fb8"},
            "tooltip": [
                {"field": "area", "type": "nominal", "title": "Area"},
                {"field": figure, "type": "quantitative", "title": label},
            ],
        },
    }
