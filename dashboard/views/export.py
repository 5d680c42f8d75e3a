"""Export page: print-ready maps, the interactive map as one file, and tables.

The selection starts from the Map page's (``map_measure``, ``map_events``,
``map_event``, ``map_region``, ``map_county``, ``map_types``; see
:mod:`dashboard.state`) and can be changed here. Every file is built by the same
functions as ``lmi-dashboard export`` (the format registry
:mod:`geodata.formats`, one button per format) from the selection on screen at
the moment of the
click: download buttons run no script (``on_click="ignore"``), so a download
never resets the page or the selection. Printed maps take the paper, words and
insets chosen here (:class:`geodata.printpage.PrintLayout`), and every file is
named by :func:`geodata.filenames.export_stem`, as on the command line. Map
files never carry personal data; tables carry names and emails only when
"Include contact details" is ticked.

Other pages can offer extra tables here (venue plans, invite lists) by putting
a ``{sheet name: DataFrame}`` dict in ``st.session_state["export_extra_tables"]``.
"""

from __future__ import annotations

import functools

import pandas as pd
import streamlit as st

from dashboard import addressbar, state
from dashboard.tables import show_table
from geodata.filenames import export_stem, table_file_stem
from geodata.formats import formats_of, participation_map_bytes, tables_bytes
from geodata.maprequest import (
    ALL_TYPES,
    SOURCE_LINE,
    MapRequest,
    map_titles,
    select_area,
)
from geodata.measures import MEASURES, measure_spec
from geodata.printpage import DEFAULT_PAGE, ORIENTATIONS, PAGE_LABELS, PrintLayout
from loaders import exports
from loaders.entities import TYPE_CHOICES as TYPE_OPTIONS
from loaders.text import n_of
from loaders.upload import RowCounts

ALL = "All"
MAP_KEYS = (
    "map_measure",
    "map_events",
    "map_event",
    "map_region",
    "map_county",
    "map_types",
    "map_regions",
    "map_counties",
)
DPIS = {150: "150 dpi (screen)", 300: "300 dpi (print)", 600: "600 dpi"}
EXTRA_TABLES_KEY = "export_extra_tables"


def _first(value):
    """A scalar from a Map-page value that may be a list (``map_regions``)."""
    if isinstance(value, (list, tuple)):
        return value[0] if len(value) == 1 else None
    return value


def _defaults(event_ids: list[str], with_data: list[str]) -> None:
    """Start from the Map page's selection (or sensible defaults) once."""
    ss = st.session_state
    for key in MAP_KEYS:  # keep the Map page's choices alive across pages
        if key in ss:
            ss[key] = ss[key]
    measure = ss.get("map_measure", "events_attended")
    ss.setdefault(
        "export_measure", measure if measure in MEASURES else next(iter(MEASURES))
    )
    events = [e for e in (ss.get("map_events") or []) if e in event_ids]
    ss.setdefault("export_events", events)
    event = ss.get("map_event")
    ss.setdefault(
        "export_event",
        event if event in event_ids else (with_data or event_ids or [None])[0],
    )
    region = _first(ss.get("map_region", ss.get("map_regions", ALL)))
    ss.setdefault("export_region", int(region) if region not in (None, ALL) else ALL)
    county = _first(ss.get("map_county", ss.get("map_counties", ALL)))
    ss.setdefault("export_county", county or ALL)
    types = [
        t for t in (ss.get("map_types") or list(TYPE_OPTIONS)) if t in TYPE_OPTIONS
    ]
    ss.setdefault("export_types", types)
    ss.setdefault("export_contacts", False)
    ss.setdefault("export_page", DEFAULT_PAGE)
    ss.setdefault("export_orientation", "portrait")
    ss.setdefault("export_dpi", 300)
    ss.setdefault("export_insets", True)
    for key in ("export_title", "export_subtitle", "export_note", "export_source"):
        ss.setdefault(key, "")
    ss.setdefault("export_table", "district")
    ss.setdefault("export_raw_headers", False)


def _on_region_change() -> None:
    st.session_state["export_county"] = ALL


@st.cache_data(show_spinner="Drawing the preview…", max_entries=16)
def _preview_png(key: str, _teams: pd.DataFrame, _events, request, layout) -> bytes:
    # The exported page itself (same paper, words and layout), at a screen dpi.
    return participation_map_bytes(
        _teams, _events, request, "png", dpi=80, layout=layout
    )


def _print_choices(auto_title: str, auto_subtitle: str) -> PrintLayout:
    """Paper, words and insets of the printed map, as chosen on the page.

    An empty title, subtitle or source keeps the automatic text, shown as the
    box's placeholder.
    """
    ss = st.session_state
    left, right = st.columns(2)
    with left:
        st.selectbox(
            "Paper", list(PAGE_LABELS), format_func=PAGE_LABELS.get, key="export_page"
        )
        st.radio(
            "Orientation",
            ORIENTATIONS,
            format_func=str.capitalize,
            horizontal=True,
            key="export_orientation",
        )
        st.selectbox(
            "Resolution (PNG)", list(DPIS), format_func=DPIS.get, key="export_dpi"
        )
        st.toggle(
            "Bay Area and Los Angeles/Orange insets (statewide maps)",
            key="export_insets",
        )
    with right:
        st.text_input("Title", placeholder=auto_title, key="export_title")
        st.text_input("Subtitle", placeholder=auto_subtitle, key="export_subtitle")
        st.text_area("Note (under the legend)", height=68, key="export_note")
        st.text_input("Source line", placeholder=SOURCE_LINE, key="export_source")

    def word(key: str) -> str | None:
        return str(ss[key]).strip() or None

    return PrintLayout(
        ss["export_page"],
        ss["export_orientation"],
        title=word("export_title"),
        subtitle=word("export_subtitle"),
        note=word("export_note"),
        source=word("export_source"),
        insets=bool(ss["export_insets"]),
    )


def _map_downloads(stem: str, *, layer: bool, make) -> None:
    """A row of download buttons, one per map format (GIS layers or pictures).

    ``make(format_key) -> bytes`` writes one file; it runs only on a click.
    """
    chosen = [f for f in formats_of("map").values() if f.layer == layer]
    for col, fmt in zip(st.columns(len(chosen)), chosen):
        col.download_button(
            f"Download {fmt.label}",
            data=functools.partial(make, fmt.key),
            file_name=f"{stem}{fmt.suffix}",
            mime=fmt.mime,
            on_click="ignore",
            key=f"export_dl_{fmt.key}",
            icon=":material/download:",
        )


def _gis_section(teams, events, request: MapRequest, stem: str) -> None:
    """Buttons for the participation layer as GIS files (GeoPackage, GeoJSON)."""
    st.subheader("GIS layer")
    st.toggle(
        "Simplified boundaries (smaller file)",
        key="export_simplify",
        help="Off: the full Census boundaries. On: the boundaries the Map page "
        "draws (simplified without gaps between neighbours), as "
        "lmi-dashboard export map --simplify writes them.",
    )
    simplified = bool(st.session_state.get("export_simplify", False))

    _map_downloads(
        stem,
        layer=True,
        make=lambda fmt: participation_map_bytes(
            teams, events, request, fmt, simplified=simplified
        ),
    )
    st.caption(
        "Districts and county offices of education of the selection, with the "
        "measure and their participation figures, in EPSG:4326 (WGS 84), for "
        "QGIS or ArcGIS. No names or contact details."
    )


def render() -> None:
    ref = state.reference()
    events = state.events()
    roster = state.current_roster()
    matched, source_label, content_key = roster.rows, roster.label, roster.key
    teams = state.teams(matched, content_key)
    event_ids = list(events["event_id"])
    labels = dict(zip(events["event_id"], events["label"]))
    seen = set(teams["event_id"])
    with_data = [e for e in event_ids if e in seen]
    _defaults(event_ids, with_data)
    addressbar.keep_settings(  # the selection in the page address
        "export",
        addressbar.EXPORT_SETTINGS,
        addressbar.export_choices(
            event_ids, list(MEASURES), state.county_choices(None)
        ),
    )

    st.title("Export maps and tables")
    st.caption(
        f"Roster: **{source_label}** · "
        f"{RowCounts(len(matched), roster.rejected).text()}. Files are "
        "made from the selection below when you click a download button; the "
        "page and your choices stay as they are."
    )

    # ------------------------------------------------------------- selection
    left, right = st.columns(2)
    with left:
        st.radio(
            "Measure",
            list(MEASURES),
            format_func=MEASURES.get,
            key="export_measure",
        )
        measure = st.session_state["export_measure"]
        if not measure_spec(measure).one_event:
            st.multiselect(
                "Events (none = all events)",
                event_ids,
                format_func=lambda e: labels.get(e, e),
                key="export_events",
            )
            chosen_events = tuple(st.session_state["export_events"])
        else:
            st.selectbox(
                "Event",
                event_ids,
                format_func=lambda e: (
                    labels.get(e, e) + ("" if e in with_data else " (no roster data)")
                ),
                key="export_event",
            )
            chosen_events = (st.session_state["export_event"],)
    with right:
        st.selectbox(
            "CCSESA region",
            [ALL, *range(1, 12)],
            format_func=lambda r: "All California" if r == ALL else f"Region {r}",
            key="export_region",
            on_change=_on_region_change,
        )
        region = st.session_state["export_region"]
        in_region = ref if region == ALL else ref.loc[ref["ccsesa_region"] == region]
        county_options = [ALL, *sorted(in_region["county"].unique())]
        if st.session_state["export_county"] not in county_options:
            st.session_state["export_county"] = ALL
        st.selectbox(
            "County",
            county_options,
            format_func=lambda c: "All counties" if c == ALL else c,
            key="export_county",
        )
        county = st.session_state["export_county"]
        st.multiselect(
            "District types",
            list(TYPE_OPTIONS),
            format_func=TYPE_OPTIONS.get,
            key="export_types",
        )

    request = MapRequest(
        measure=measure,
        event_ids=tuple(e for e in chosen_events if e),
        region=None if region == ALL else int(region),
        county=None if county == ALL else county,
        district_types=tuple(st.session_state["export_types"]) or ALL_TYPES,
    )
    try:
        request = request.checked(events)
    except ValueError as exc:
        st.info(str(exc))
        return
    # one name for every file of the selection, as on the command line
    stem = export_stem(request, events)

    # ------------------------------------------------------------------- map
    st.subheader("Map")
    area = select_area(
        ref.drop_duplicates("county_fips"), region=request.region, county=request.county
    )
    auto_title, auto_subtitle = map_titles(request, events, area.label)
    layout = _print_choices(auto_title, auto_subtitle)
    try:
        preview = _preview_png(content_key, teams, events, request, layout)
    except ValueError as exc:
        st.error(f"The map could not be drawn: {exc}")
        preview = None
    if preview is not None:
        st.image(
            preview,
            caption="Preview of the exported page (the files have the full "
            "resolution).",
            width=640,
            # WCAG 1.1.1: what the picture shows; its figures are in the tables
            alt=f"Map preview: {layout.title or auto_title}. "
            f"{auto_subtitle if layout.subtitle is None else layout.subtitle}",
        )
    dpi = int(st.session_state["export_dpi"])

    _map_downloads(
        stem,
        layer=False,
        make=lambda fmt: participation_map_bytes(
            teams, events, request, fmt, dpi=dpi, layout=layout
        ),
    )
    st.caption(
        "High school districts are drawn hatched in their colour over the "
        "elementary districts they serve; county offices with a team as squares. "
        "Map files never contain names or contact details."
    )

    _gis_section(teams, events, request, stem)

    # ---------------------------------------------------------------- tables
    st.subheader("Tables")
    if state.contacts_allowed():
        st.checkbox(
            "Include contact details (names and emails from the rosters)",
            key="export_contacts",
            help="Off by default. Adds the Contacts table (an email that is "
            "not an address is kept as typed and marked). Only tables ever "
            "carry contact details, never maps.",
        )
    else:
        st.session_state["export_contacts"] = False
        st.caption(
            "Tables carry no names or e-mails: the operator has not enabled "
            "contact details (docs/DEPLOYMENT.md)."
        )
    include_contacts = bool(st.session_state["export_contacts"])
    try:
        tables = exports.participation_tables(
            teams,
            ref,
            events,
            event_ids=list(request.event_ids) or None,
            regions=[request.region] if request.region else None,
            counties=[request.county] if request.county else None,
            matched=matched,
            include_contacts=include_contacts,
        )
    except ValueError as exc:
        st.error(f"The tables could not be built: {exc}")
        return
    named = {
        exports.TABLE_NAMES[k]: v for k, v in tables.items() if k != "dictionary"
    }  # the XLSX About sheet and each table's column help hold the dictionary
    extra = st.session_state.get(EXTRA_TABLES_KEY) or {}
    for name, frame in extra.items():
        if isinstance(frame, pd.DataFrame):
            named[str(name)] = frame
    options = list(named)
    if st.session_state["export_table"] not in options:
        st.session_state["export_table"] = options[0]
    st.selectbox(
        "Table",
        options,
        format_func=lambda n: f"{n} ({n_of(len(named[n]), 'row')})",
        key="export_table",
    )
    shown = named[st.session_state["export_table"]]
    show_table(
        exports.prepare_table(shown, include_contacts=include_contacts), height=280
    )
    table_name = st.session_state["export_table"]
    st.toggle(
        "Machine column names (for scripts)",
        key="export_raw_headers",
        help="Off: titles in words (\"CD code\", \"Events attended\"), one "
        "number format per column and an About sheet in the XLSX. On: "
        "cd_code, events_attended... and the values as computed, as "
        "lmi-dashboard export table --raw-headers writes them.",
    )
    raw_headers = bool(st.session_state["export_raw_headers"])
    about = exports.export_about(
        roster=source_label,
        source=SOURCE_LINE,
        events=events,
        event_ids=list(request.event_ids) or None,
        regions=[request.region] if request.region else None,
        counties=[request.county] if request.county else None,
        include_contacts=include_contacts,
    )

    def table_file(fmt_key: str, chosen: dict[str, pd.DataFrame]):
        def make() -> bytes:
            return tables_bytes(
                chosen,
                fmt_key,
                include_contacts=include_contacts,
                raw_headers=raw_headers,
                about=about,
            )

        return make

    table_formats = formats_of("table")
    for col, fmt in zip(st.columns(len(table_formats)), table_formats.values()):
        if fmt.many_tables:
            chosen, what, name = named, f"all {len(named)} tables", stem
        else:
            chosen, what = {table_name: shown}, table_name
            name = table_file_stem(stem, table_name)
        col.download_button(
            f"Download {fmt.label}: {what}",
            data=table_file(fmt.key, chosen),
            file_name=f"{name}{fmt.suffix}",
            mime=fmt.mime,
            on_click="ignore",
            key=f"export_dl_{fmt.key}",
            icon=":material/download:",
        )
    if include_contacts:
        st.warning(
            "Contact details are included: keep these files to the people who "
            "need them."
        )


render()
