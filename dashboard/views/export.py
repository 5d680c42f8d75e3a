"""Export page: print-ready maps, the interactive map as one file, and tables.

The selection starts from the Map page's (``map_measure``, ``map_events``,
``map_event``, ``map_region``, ``map_county``, ``map_types``; see
:mod:`dashboard.state`) and can be changed here. Every file is built by the same
functions as ``lmi-dashboard export`` (the format registry
:mod:`geodata.formats`, one button per format) from the selection on screen at
the moment of the
click: download buttons run no script (``on_click="ignore"``), so a download
never resets the page or the selection. Map files never carry personal data;
tables carry names and emails only when "Include contact details" is ticked.

Other pages can offer extra tables here (venue plans, invite lists) by putting
a ``{sheet name: DataFrame}`` dict in ``st.session_state["export_extra_tables"]``.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import streamlit as st

from dashboard import addressbar, state
from dashboard.tables import show_table
from geodata.formats import formats_of, participation_map_bytes, tables_bytes
from geodata.maprequest import ALL_TYPES, MapRequest
from geodata.measures import MEASURES, measure_spec
from loaders import exports
from loaders.entities import TYPE_CHOICES as TYPE_OPTIONS

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
WIDTHS = {
    2400: "2400 px (8 in at 300 dpi)",
    3600: "3600 px (12 in)",
    4800: "4800 px (16 in)",
}
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
    ss.setdefault("export_width", 2400)
    ss.setdefault("export_table", "district")


def _on_region_change() -> None:
    st.session_state["export_county"] = ALL


@st.cache_data(show_spinner="Drawing the preview…", max_entries=16)
def _preview_png(key: str, _teams: pd.DataFrame, _events, request) -> bytes:
    # Same layout as the exported PNG (same print width in inches), lower dpi.
    return participation_map_bytes(
        _teams, _events, request, "png", width_px=1200, dpi=150
    )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "export"


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
        f"Roster: **{source_label}** · {len(matched):,} roster rows. Files are "
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
        st.selectbox(
            "Image width (PNG, 300 dpi)",
            list(WIDTHS),
            format_func=WIDTHS.get,
            key="export_width",
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
    area = (
        f"{county} County"
        if request.county
        else f"Region {request.region}"
        if request.region
        else "California"
    )
    event_part = (
        labels.get(request.mapped_events[0], "")
        if len(request.mapped_events) == 1
        else f"{len(request.mapped_events) or 'all'} events"
    )
    stem = _slug(f"ca-lmi {measure} {event_part} {area} {date.today():%Y-%m-%d}")

    # ------------------------------------------------------------------- map
    st.subheader("Map")
    try:
        preview = _preview_png(content_key, teams, events, request)
    except ValueError as exc:
        st.error(f"The map could not be drawn: {exc}")
        preview = None
    if preview is not None:
        st.image(
            preview,
            caption="Preview of the exported map (the PNG has the full resolution).",
            width=640,
        )
    width_px = int(st.session_state["export_width"])

    def map_file(fmt: str):
        def make() -> bytes:
            return participation_map_bytes(
                teams, events, request, fmt, width_px=width_px, dpi=300
            )

        return make

    map_formats = formats_of("map")
    for col, fmt in zip(st.columns(len(map_formats)), map_formats.values()):
        col.download_button(
            f"Download {fmt.label}",
            data=map_file(fmt.key),
            file_name=f"{stem}{fmt.suffix}",
            mime=fmt.mime,
            on_click="ignore",
            key=f"export_dl_{fmt.key}",
            icon=":material/download:",
        )
    st.caption(
        "High school districts are drawn hatched in their colour over the "
        "elementary districts they serve; county offices with a team as squares. "
        "Map files never contain names or contact details."
    )

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
    named = {exports.TABLE_NAMES[k]: v for k, v in tables.items()}
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
        format_func=lambda n: f"{n} ({len(named[n]):,} rows)",
        key="export_table",
    )
    shown = named[st.session_state["export_table"]]
    show_table(
        exports.prepare_table(shown, include_contacts=include_contacts), height=280
    )
    table_name = st.session_state["export_table"]

    def table_file(fmt_key: str, chosen: dict[str, pd.DataFrame]):
        def make() -> bytes:
            return tables_bytes(chosen, fmt_key, include_contacts=include_contacts)

        return make

    table_formats = formats_of("table")
    for col, fmt in zip(st.columns(len(table_formats)), table_formats.values()):
        if fmt.many_tables:
            chosen, what, name = named, f"all {len(named)} tables", stem
        else:
            chosen, what = {table_name: shown}, table_name
            name = f"{stem}-{_slug(table_name)}"
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
