"""Map page: California school districts coloured by CA LMI participation."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import addressbar, links, mapnav, maptable, state
from dashboard.eventstepper import event_stepper
from dashboard.fastmap import st_folium_cached
from dashboard.tables import show_table
from geodata import boundaries, mapview
from geodata.layers import participation_layers
from geodata.maprequest import MapRequest, detail_level
from geodata.measures import MEASURES, measure_spec
from loaders import participation
from loaders.participation import DATA_DICTIONARY

TYPE_OPTIONS = mapnav.TYPE_OPTIONS
ALL = mapnav.ALL
DATA_PAGE = Path(__file__).with_name("data.py")


def _on_map_click() -> None:
    """Select the clicked feature by its own id (set by the map, not a lookup),
    and keep every district drawn at the clicked point to offer beside it."""
    ss = st.session_state
    click = mapnav.read_click(ss.get("participation_map"))
    if click is None:
        return
    geoid, lon, lat = click
    row = state.entity(geoid)
    if row is None:
        return
    at_point = boundaries.districts_at(lon, lat) if lon is not None else pd.DataFrame()
    choices = mapnav.click_choices(
        row["geoid"], row["district_type"], at_point, ss.get("map_types", [])
    )
    mapnav.open_entity(ss, row, follow=True)
    ss["map_click_choices"] = choices
    ss["map_click_pick"] = row["geoid"]


def _on_click_pick() -> None:
    """Another district at the clicked point chosen."""
    row = state.entity(st.session_state.get("map_click_pick") or "")
    if row is not None:
        mapnav.open_entity(st.session_state, row, follow=True)


def _on_region_change() -> None:
    mapnav.region_changed(st.session_state)


def _on_county_change() -> None:
    mapnav.county_changed(st.session_state)


def _on_district_change() -> None:
    """A district chosen in the box: keep the map's region and county around it."""
    ss = st.session_state
    geoid = state.as_geoid(ss.get("drill_geoid"))
    ss["drill_geoid"] = geoid
    row = state.entity(geoid) if geoid else None
    if row is not None:
        mapnav.open_entity(ss, row, follow=False)


def _go_up(level: str) -> None:
    mapnav.go_up(st.session_state, level)


#: Page layout: the map high on the page and as tall as the window allows
#: (1440 x 900: it starts within the top 250 px), compact figures; narrow
#: screens get two or three figures a row and the map before the panels.
PAGE_CSS = """<style>
.stMainBlockContainer{padding-top:2.6rem;padding-bottom:1rem}
.stMainBlockContainer h1{font-size:1.55rem;padding:0;margin:0}
.st-key-lmi_figures [data-testid="stMetric"]{padding:0}
.st-key-lmi_figures [data-testid="stMetricValue"]{font-size:1.35rem;line-height:1.2}
.st-key-lmi_figures [data-testid="stMetricLabel"]{min-height:0}
.st-key-lmi_map iframe[title="streamlit_folium.st_folium"]{
  height:max(420px,calc(100vh - 255px))!important}
.st-key-lmi_crumbs button{min-height:0;padding:2px 10px}
@media (max-width:640px){
  .stMainBlockContainer{padding-top:3.5rem}
  .st-key-lmi_map iframe[title="streamlit_folium.st_folium"]{height:68vh!important}
  .st-key-lmi_figures [data-testid="stMetricValue"]{font-size:1.1rem}
}
</style>"""

MAP_KEY = "participation_map"


def _read_address(events: pd.DataFrame) -> None:
    """Open the view a shared link names, once per session (first run)."""
    ss = st.session_state
    if not addressbar.first_visit("map"):
        return
    one = {key: m.one_event for key, m in ((k, measure_spec(k)) for k in MEASURES)}
    view, notes = links.parse_map_params(
        addressbar.current_params(),
        measures=one,
        event_ids=list(events["event_id"]),
        reference=state.reference(),
        default_measure=ss["map_measure"],
    )
    if view is not None:
        mapnav.apply_view(ss, view, one[view.measure])
    ss["map_link_notes"] = notes


def _on_table_select(widget_key: str, level: str, keys: list[str]) -> None:
    """A row of the linked table chosen: drill the map there."""
    rows = (st.session_state.get(widget_key) or {}).get("selection", {}).get("rows")
    if rows:
        _pick(level, keys[int(rows[0])])


def _on_chart_select(widget_key: str, level: str) -> None:
    """A bar of the linked chart chosen: drill the map there."""
    value = st.session_state.get(widget_key) or {}
    picked = (value.get("selection") or {}).get("pick") or []
    if picked and picked[0].get("key") is not None:
        _pick(level, str(picked[0]["key"]))


def _pick(level: str, key: str) -> None:
    entity = state.entity(key) if level == "district" else None
    mapnav.pick_area(st.session_state, level, key, entity)


def render() -> None:
    events = state.events()
    roster = state.current_roster()
    matched, source_label, roster_key = roster.rows, roster.label, roster.key
    teams = state.teams(matched, roster_key)
    event_labels = dict(zip(events["event_id"], events["label"]))
    seen = set(teams["event_id"])
    with_data = [e for e in events["event_id"] if e in seen]
    mapnav.set_defaults(st.session_state, with_data or list(events["event_id"]))
    # never anything but a GEOID (or None) past this point
    st.session_state["drill_geoid"] = state.as_geoid(st.session_state["drill_geoid"])

    _read_address(events)
    st.html(PAGE_CSS)
    # the button's column is wide enough for it at 1024 px (1/6 cut it off)
    head, share = st.columns([3, 1], vertical_alignment="bottom")
    head.title("CA LMI participation map")
    with share:
        addressbar.copy_link_button()
    for note in st.session_state.get("map_link_notes") or []:
        st.warning(note, icon=":material/link_off:")
    not_on_map = participation.rows_not_on_map(matched, roster.rejected, events)

    # ------------------------------------------------------------------ sidebar
    with st.sidebar:
        st.header("What the colour shows")
        if st.session_state["map_measure"] not in MEASURES:  # e.g. an old link
            st.session_state["map_measure"] = next(iter(MEASURES))
        st.radio(
            "Measure",
            list(MEASURES),
            format_func=MEASURES.get,
            key="map_measure",
        )
        measure = st.session_state["map_measure"]
        one_event = measure_spec(measure).one_event
        if not one_event:
            st.multiselect(
                "Events (none = all events)",
                list(events["event_id"]),
                format_func=lambda e: event_labels.get(e, e),
                key="map_events",
            )
            event_ids = list(st.session_state["map_events"])
        else:
            st.selectbox(
                "Event",
                list(events["event_id"]),
                format_func=lambda e: (
                    event_labels.get(e, e)
                    + ("" if e in with_data else " (no roster data)")
                ),
                key="map_event",
            )
            event_ids = [st.session_state["map_event"]]
        event_ids = event_stepper(events, with_data, measure, event_ids)
        st.header("Where")
        regions = [ALL, *range(1, 12)]
        st.selectbox(
            "CCSESA region",
            regions,
            format_func=lambda r: "All California" if r == ALL else f"Region {r}",
            key="map_region",
            on_change=_on_region_change,
        )
        region = st.session_state["map_region"]
        county_options = [ALL, *state.county_choices(None if region == ALL else region)]
        if st.session_state["map_county"] not in county_options:
            st.session_state["map_county"] = ALL
        st.selectbox(
            "County",
            county_options,
            format_func=lambda c: "All counties" if c == ALL else c,
            key="map_county",
            on_change=_on_county_change,
        )
        county = st.session_state["map_county"]
        st.multiselect(
            "District types",
            list(TYPE_OPTIONS),
            format_func=TYPE_OPTIONS.get,
            key="map_types",
        )
        types = list(st.session_state["map_types"])
        tiles = st.checkbox(
            "Street-map background (needs internet)",
            value=False,
            help="Base-map tiles come from OpenStreetMap; without internet the map "
            "still shows counties and districts on a plain background.",
        )
        st.header("Roster")
        st.caption(mapnav.roster_caption(source_label, len(matched), not_on_map))
        for text, section in mapnav.not_on_map_links(not_on_map):
            st.page_link(
                str(DATA_PAGE),
                label=text,
                icon=":material/table:",
                query_params={"section": section},
            )

    region_value = None if region == ALL else int(region)
    county_value = None if county == ALL else county
    # the view is final: the address says it (no rerun; only when it changed)
    addressbar.write_params(
        links.map_params(mapnav.view_of(st.session_state, one_event))
    )

    # ---------------------------------------------------------------- breadcrumb
    with st.container(key="lmi_crumbs", horizontal=True, gap="small"):
        st.button(
            "California",
            on_click=_go_up,
            args=("state",),
            disabled=region == ALL and not st.session_state["drill_geoid"],
        )
        if region != ALL:
            st.button(
                f"Region {region}",
                on_click=_go_up,
                args=("region",),
                disabled=county == ALL and not st.session_state["drill_geoid"],
            )
        if county != ALL:
            st.button(
                f"{county} County",
                on_click=_go_up,
                args=("county",),
                disabled=not st.session_state["drill_geoid"],
            )

    # ------------------------------------------------------------ headline figures
    figures = state.headline_figures(
        roster,
        event_ids=event_ids or None,
        region=region_value,
        county=county_value,
        district_types=types,
    )
    with st.container(key="lmi_figures", horizontal=True, gap="small"):
        for label, value, help_text in mapnav.headline_metrics(figures):
            st.metric(label, value, help=help_text, width="stretch")

    # ----------------------------------------------------------------------- map
    level = detail_level(region_value, county_value)
    selected = st.session_state["drill_geoid"]
    if one_event and not event_ids[0]:
        st.info("Choose an event in the sidebar.")
        return
    if not types:
        st.info("No district type is selected: tick at least one in the sidebar.")

    request = MapRequest(
        measure=measure,
        event_ids=tuple(event_ids),
        region=region_value,
        county=county_value,
        district_types=tuple(types),
    )

    def build():
        layers = participation_layers(teams, request, level=level, events=events)
        return mapview.participation_map(layers, tiles=tiles)

    map_key = "|".join(
        map(
            str,
            (
                roster_key,
                level,
                measure,
                event_ids,
                region_value,
                county_value,
                types,
                tiles,
                mapview.DEFAULT_ASSET_BASE,
                len(events),  # an event added in the workspace: a new order
            ),
        )
    )
    map_col, side = st.columns([3, 2], gap="small")
    with map_col, st.container(key="lmi_map"):
        # The selected district is drawn over the cached map by a small script
        # (streamlit-folium's dynamic layer): opening a district neither
        # rebuilds the map on the server nor redraws it in the browser.
        st_folium_cached(
            map_key,
            build,
            key=MAP_KEY,
            height=620,
            returned_objects=["last_active_drawing", "last_object_clicked"],
            on_change=_on_map_click,
            overlay_js=state.selection_overlay(level, selected),
            fill=True,
        )
        st.caption(
            "Elementary and high school districts overlap the same land by "
            "design: high school districts are drawn with a purple outline over a "
            "lighter fill. Layers: the box at the map's top right. Click a "
            "district to see its team; the table beside lists the same figures."
        )
        maptable.show(
            teams, request, level=level, roster_key=roster_key, events=events
        )
    with side:
        _side_panel(
            roster, teams, event_ids, region_value, county_value, types, figures
        )


def _side_panel(roster, teams, event_ids, region, county, types, figures) -> None:
    """The open district's team, then the linked table and chart of the area."""
    names = state.entity_labels()
    choices = st.session_state.get("map_click_choices") or []
    if len(choices) > 1 and st.session_state["drill_geoid"] in choices:
        # an elementary and a high-school district under one click: offer both
        st.radio(
            "This point is in",
            choices,
            format_func=lambda g: names.get(g, g),
            horizontal=True,
            key="map_click_pick",
            on_change=_on_click_pick,
        )
    geoid = st.session_state["drill_geoid"]
    options = state.entity_choices(region, county)
    if geoid and geoid not in options:
        options = [*options, geoid]
    st.selectbox(
        "District or COE",
        options,
        format_func=lambda g: names.get(g, g),
        placeholder="Choose a district or COE (or click one on the map)",
        key="drill_geoid",
        on_change=_on_district_change,
    )
    if geoid:
        _team_panel(geoid, roster)
    _linked_views(roster, event_ids, region, county, types, geoid)
    roles = mapnav.headline_metrics(figures, mapnav.role_metrics())
    with st.container(key="lmi_roles", horizontal=True, gap="small"):
        for label, value, help_text in roles:
            st.metric(label, value, help=help_text, width="stretch")


def _linked_views(roster, event_ids, region, county, types, geoid) -> None:
    """The area's table and chart; a row or a bar drills the map there."""
    level = mapnav.table_level(region, county)
    table = state.area_table(
        roster,
        event_ids=event_ids or None,
        region=region,
        county=county,
        district_types=types,
    )
    entity = state.entity(geoid) if geoid else None
    mark = mapnav.highlighted_key(level, entity)
    shown = table.assign(
        area=[
            ("▶ " if k == mark else "") + a for k, a in zip(table["key"], table["area"])
        ]
    )
    kind = {"region": "Regions", "county": "Counties", "district": "Districts and COE"}
    where = (
        "California"
        if region is None
        else f"Region {region}"
        if county is None
        else f"{county} County"
    )
    st.markdown(f"**{kind[level]} of {where}** · click a row or a bar to open it")
    columns = mapnav.AREA_COLUMNS["district" if level == "district" else "area"]
    config = {
        "key": None,
        "area": st.column_config.TextColumn(
            {"region": "Region", "county": "County"}.get(level, "District or COE")
        ),
        **{
            c: st.column_config.Column(label, help=DATA_DICTIONARY.get(c))
            for c, label in columns.items()
        },
    }
    widget = f"map_table|{level}|{region}|{county}|{geoid}"
    # the open place's row is marked "▶" (words, not colour); a pandas Styler
    # highlight cost 20-50 ms on every run (measured), more than the rest of it
    st.dataframe(
        shown,
        hide_index=True,
        column_config=config,
        height=min(36 + 35 * len(shown), 300),
        on_select=lambda: _on_table_select(widget, level, list(table["key"])),
        selection_mode="single-row",
        key=widget,
    )
    figure = "events_attended" if level == "district" else "teams"
    label = columns[figure] if level != "district" else "Events attended"
    chart_rows = shown.nlargest(12, figure) if len(shown) > 12 else shown
    chart_rows = chart_rows.loc[chart_rows[figure] > 0]
    if chart_rows.empty:
        return
    chart_key = f"map_chart|{level}|{region}|{county}|{geoid}"
    # a plain Vega-Lite spec: building it with altair (schema validation) cost
    # 40-65 ms on every run (measured); this costs well under 1 ms
    st.vega_lite_chart(
        chart_rows[["key", "area", figure]],
        mapnav.bar_spec(figure, label, mark),
        on_select=lambda: _on_chart_select(chart_key, level),
        selection_mode="pick",
        key=chart_key,
        width="stretch",
        alt=f"Bar chart: {label} by {level}; the table above holds the same figures",
    )


def _team_panel(geoid, roster) -> None:
    entity = state.entity(geoid)
    if entity is None:  # not a GEOID of the reference (e.g. an old link)
        st.info("This district or COE is not in the 2021 reference list.")
        return
    st.subheader(entity["name"])
    kind = mapview.TYPE_LABELS.get(entity["district_type"], entity["district_type"])
    enrollment = entity["enrollment"]
    facts = [
        kind,
        f"{entity['county']} County",
        f"CCSESA region {entity['ccsesa_region']}",
        f"CD code {entity['cd_code']}",
        f"NCES id {entity['geoid']}"
        if entity["district_type"] != "coe"
        else f"county FIPS {entity['geoid']}",
    ]
    if enrollment is not None and str(enrollment) != "<NA>":
        facts.append(f"{int(enrollment):,} students (2018-19)")
    st.caption(" · ".join(facts))
    if not bool(entity["has_boundary"]):
        st.warning("This district has no 2021 Census boundary, so it is not drawn.")
    detail = state.team_detail(roster, geoid)
    if detail.empty:
        st.info("No team from this district or COE appears in the roster.")
        return
    # titles from the column dictionary (loaders.tablecolumns), not team_status
    show_table(detail, height=min(36 + 35 * len(detail), 250))


render()
