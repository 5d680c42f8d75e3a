"""``lmi-dashboard export map`` and ``export table``: newsletter files from the
export-format registry (:mod:`geodata.formats`).

Each command only parses options and calls into :mod:`loaders` and
:mod:`geodata`; errors the user can fix are one clear line, exit status 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from dashboard.cligroup import OneLineErrorGroup
from dashboard.clioptions import (
    MEASURE_HELP,
    ContactsAlias,
    CountyOpt,
    DistrictType,
    EventOpt,
    MapFormat,
    MeasureKey,
    RegionOpt,
    RosterOpt,
    TableFormat,
    fail,
    or_list,
    out_format,
    parse_county,
    parse_event_ids,
    roster_rows,
)
from dashboard.events_command import known_events
from geodata.boundaries import entity_reference
from geodata.filenames import export_stem, table_file_stem
from geodata.formats import REGISTRY as FORMATS
from geodata.formats import formats_of, participation_map_bytes, tables_bytes
from geodata.maprequest import ALL_TYPES, SOURCE_LINE, MapRequest
from geodata.outreach import add_venue_distances
from geodata.printpage import DEFAULT_PAGE, ORIENTATIONS, PAGE_SIZES, PrintLayout
from loaders.exports import (
    TABLE_NAMES,
    atomic_write_bytes,
    export_about,
    participation_tables,
)
from loaders.participation import teams_by_event

__all__ = ["export_app", "export_map", "export_table"]


export_app = typer.Typer(
    help="Export maps ("
    + "/".join(k.upper() for k in formats_of("map"))
    + ") and tables ("
    + "/".join(k.upper() for k in formats_of("table"))
    + ") for newsletters.",
    no_args_is_help=True,
    cls=OneLineErrorGroup,
)


_Page = Literal[tuple(PAGE_SIZES)]  # type: ignore[valid-type]
_Orientation = Literal[ORIENTATIONS]  # type: ignore[valid-type]


def _map_out(out: Path | None, fmt: str | None, stem: str) -> tuple[Path, str]:
    """``--out`` and its format; a folder (or none: ".") gets the selection's
    name (:func:`geodata.filenames.export_stem`, as on the Export page)."""
    if out is None or out.is_dir():
        kind = (fmt or "pdf").lower()
        out = (out or Path(".")) / f"{stem}{FORMATS[kind].suffix}"
    return out, out_format(out, fmt, "map")


def _table_kind(out: Path | None, fmt: str | None) -> str:
    """The table format before anything is read: ``--format``, the ``--out``
    suffix, or XLSX (all tables) when ``--out`` is a folder or not given."""
    if out is None or out.is_dir():
        kind = (fmt or "xlsx").lower()
        if kind not in formats_of("table"):  # typer checks it; kept for callers
            allowed = or_list(formats_of("table"))
            raise ValueError(f"--format {kind}: choose {allowed}.")
        return kind
    return out_format(out, fmt, "table")


def _table_out(out: Path | None, kind: str, stem: str, keys: list[str]) -> Path:
    """``--out``, or in that folder (none: ".") the name the Export page gives:
    ``{stem}.xlsx`` for a workbook of tables, ``{stem}-{table}.csv`` for one
    table (:func:`geodata.filenames.export_stem`)."""
    if out is not None and not out.is_dir():
        return out
    name = stem
    if not FORMATS[kind].many_tables:
        name = table_file_stem(stem, TABLE_NAMES[keys[0]])
    return (out or Path(".")) / f"{name}{FORMATS[kind].suffix}"


@export_app.command("map")
def export_map(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="File to write ("
            + ", ".join(f.suffix for f in formats_of("map").values())
            + "), or a folder: the file is then named after the selection and "
            "date (ca-lmi_completeness_2015-symposium_region-4_2026-12-06.pdf). "
            "Default: that name in the current folder.",
        ),
    ] = None,
    roster: RosterOpt = None,
    event: EventOpt = None,
    measure: Annotated[
        MeasureKey, typer.Option(metavar="MEASURE", help=MEASURE_HELP)
    ] = "events_attended",
    region: RegionOpt = None,
    county: CountyOpt = None,
    types: Annotated[
        list[DistrictType] | None,
        typer.Option(
            "--type",
            metavar="TYPE",
            help="unified, elementary, secondary or coe (repeat; default all).",
        ),
    ] = None,
    fmt: Annotated[
        MapFormat | None,
        typer.Option(
            "--format",
            metavar="FORMAT",
            help=f"{or_list(formats_of('map'))} (default: from the --out suffix; "
            "PDF when --out is a folder or not given).",
        ),
    ] = None,
    page: Annotated[
        _Page,
        typer.Option(
            "--page",
            metavar="SIZE",
            case_sensitive=False,
            help="Paper: " + or_list(PAGE_SIZES) + " (PNG, SVG, PDF).",
        ),
    ] = DEFAULT_PAGE,
    orientation: Annotated[
        _Orientation,
        typer.Option(
            "--orientation", metavar="portrait|landscape", case_sensitive=False
        ),
    ] = "portrait",
    dpi: Annotated[int, typer.Option(min=72, max=1200, help="PNG dots/inch.")] = 300,
    title: Annotated[
        str | None, typer.Option(help="Title (default: automatic).")
    ] = None,
    subtitle: Annotated[str | None, typer.Option(help='Subtitle ("": none).')] = None,
    note: Annotated[str | None, typer.Option(help="Note under the legend.")] = None,
    source: Annotated[str | None, typer.Option(help="Source line at the foot.")] = None,
    insets: Annotated[bool, typer.Option(help="Metro insets (statewide).")] = True,
    venues: Annotated[bool, typer.Option(help="Mark event venues.")] = True,
    simplified: Annotated[
        bool,
        typer.Option(
            "--simplify",
            help="GeoPackage/GeoJSON: the Map page's simplified boundaries "
            "(default: full Census detail).",
        ),
    ] = False,
) -> None:
    """Write the participation map, or its GIS layer (.gpkg, .geojson).

    No names or contact details, ever.
    """
    try:
        # every argument is checked before any roster is read
        layout = PrintLayout(
            page,
            orientation,
            title=title,
            subtitle=subtitle,
            note=note,
            source=source,
            insets=insets,
        )
        events = known_events()
        reference = entity_reference()
        request = MapRequest(
            measure=measure,
            event_ids=tuple(parse_event_ids(event, events)),
            region=region,
            county=parse_county(county, region, reference),
            district_types=tuple(t.value for t in types or ()) or ALL_TYPES,
            show_venues=venues,
        ).checked(events)
        out, kind = _map_out(out, fmt, export_stem(request, events))
        matched, _ = roster_rows(roster, reference)
        data = participation_map_bytes(
            teams_by_event(matched, events),
            events,
            request,
            kind,
            dpi=dpi,
            layout=layout,
            simplified=simplified,
        )
        atomic_write_bytes(out, data)
    except (OSError, ValueError, LookupError) as exc:
        fail(str(exc))
    typer.echo(f"wrote {kind.upper()} map ({len(data):,} bytes) to {out}")


@export_app.command("table")
def export_table(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="File to write ("
            + ", ".join(f.suffix for f in formats_of("table").values())
            + "), or a folder; none: the current folder. In a folder the file "
            "is named as on the Export page (ca-lmi_..._DATE.xlsx; one CSV "
            "table: ca-lmi_..._DATE-by-district.csv).",
        ),
    ] = None,
    roster: RosterOpt = None,
    event: EventOpt = None,
    region: RegionOpt = None,
    county: CountyOpt = None,
    table: Annotated[
        list[str] | None,
        typer.Option(
            "--table",
            metavar="TABLE",
            help="district, county, region, event, completeness, changes, trends, "
            "outreach, dictionary or contacts (repeat). Default: all tables in "
            "XLSX (its About sheet holds the data dictionary), the district table "
            "in CSV (a CSV file holds one).",
        ),
    ] = None,
    raw_headers: Annotated[
        bool,
        typer.Option(
            "--raw-headers",
            help="Machine column names (cd_code, events_attended) and values "
            "as computed, for scripts; default: titles in words (CD code, "
            "Events attended) and one number format per column.",
        ),
    ] = False,
    fmt: Annotated[
        TableFormat | None,
        typer.Option(
            "--format",
            metavar="FORMAT",
            help=f"{or_list(formats_of('table'))} (default: from the --out suffix; "
            "XLSX when --out is a folder or not given).",
        ),
    ] = None,
    include_contacts: Annotated[
        bool,
        typer.Option(
            "--contacts",
            help="Add person names, emails and phones: the contacts table (also "
            "spelt --include-contacts).",
        ),
    ] = False,
    contacts_alias: ContactsAlias = False,
    since: Annotated[
        str | None,
        typer.Option(
            metavar="EVENT_ID",
            help="The changes table compares --event with this event (default: "
            "the previous event of the same kind, else by date).",
        ),
    ] = None,
) -> None:
    """Write participation tables (contact details only with --contacts)."""
    include_contacts = include_contacts or contacts_alias
    try:
        # every argument is checked before any roster is read
        kind = _table_kind(out, fmt)
        wanted = list(dict.fromkeys(t.strip().lower() for t in table or []))
        unknown = [t for t in wanted if t not in TABLE_NAMES]
        if unknown:
            raise ValueError(
                f"--table {unknown[0]}: choose from {', '.join(TABLE_NAMES)}."
            )
        if "contacts" in wanted and not include_contacts:
            raise ValueError(
                "--table contacts needs --contacts (also spelt --include-contacts)."
            )
        if not FORMATS[kind].many_tables and len(wanted) > 1:
            raise ValueError(
                f"a {kind.upper()} file holds one table, not {len(wanted)} "
                f"({', '.join(wanted)}): give one --table, or write .xlsx."
            )
        events = known_events()
        reference = entity_reference()
        event_ids = parse_event_ids(event, events)
        county_name = parse_county(county, region, reference)
        matched, roster_label = roster_rows(roster, reference)
        tables = participation_tables(
            teams_by_event(matched, events),
            reference,
            events,
            event_ids=event_ids or None,
            regions=[region] if region else None,
            counties=[county_name] if county_name else None,
            matched=matched,
            include_contacts=include_contacts,
            since=(parse_event_ids([since], events) or [None])[0] if since else None,
        )
        if not wanted:
            wanted = (
                [k for k in TABLE_NAMES if k != "dictionary"]
                if FORMATS[kind].many_tables
                else ["district"]
            )
        keys = [k for k in wanted if k in tables]
        stem = export_stem(
            MapRequest(
                event_ids=tuple(event_ids),
                region=region,
                county=county_name,
            ),
            events,
        )
        out = _table_out(out, kind, stem, keys)
        if "outreach" in keys:  # the time tables are built only when written
            tables["outreach"] = add_venue_distances(
                tables["outreach"], reference, events
            )
        chosen = {TABLE_NAMES[k]: tables[k] for k in keys}
        about = export_about(
            roster=roster_label,
            source=SOURCE_LINE,
            events=events,
            event_ids=event_ids or None,
            regions=[region] if region else None,
            counties=[county_name] if county_name else None,
            include_contacts=include_contacts,
        )
        data = tables_bytes(
            chosen,
            kind,
            include_contacts=include_contacts,
            raw_headers=raw_headers,
            about=about,
        )
        atomic_write_bytes(out, data)
    except (OSError, ValueError, LookupError) as exc:
        fail(str(exc))
    rows = sum(len(t) for t in chosen.values())
    if not FORMATS[kind].many_tables:
        others = ", ".join(k for k in TABLE_NAMES if k not in keys)
        typer.echo(
            f"wrote the {keys[0]} table ({TABLE_NAMES[keys[0]]}, {rows:,} rows) to "
            f"{out}; --table picks another ({others})"
        )
    else:
        typer.echo(
            f"wrote {len(chosen)} table(s) ({', '.join(chosen)}), {rows:,} rows, "
            f"to {out}"
        )
