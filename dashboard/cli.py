"""The ``lmi-dashboard`` command line.

Each command only parses options and calls into :mod:`loaders` and :mod:`geodata`;
errors the user can fix are printed as one clear line and exit with status 2.
"""

from __future__ import annotations

import difflib
import enum
import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from dashboard.cligroup import OneLineErrorGroup
from dashboard.events_command import events_app, known_events
from dashboard.plan_text import plan_text
from geodata import firststart
from geodata.boundaries import entity_reference
from geodata.filenames import export_stem
from geodata.formats import REGISTRY as FORMATS
from geodata.formats import (
    format_for_path,
    formats_of,
    participation_map_bytes,
    tables_bytes,
)
from geodata.maprequest import ALL_TYPES, SOURCE_LINE, MapRequest
from geodata.measures import REGISTRY as MEASURES
from geodata.outreach import add_venue_distances
from geodata.printpage import DEFAULT_PAGE, ORIENTATIONS, PAGE_SIZES, PrintLayout
from geodata.sources import SourceError, cache_dir
from loaders.counties import normalize_county
from loaders.demo import write_demo_roster
from loaders.entities import ENTITY_TYPES
from loaders.exports import (
    TABLE_NAMES,
    atomic_write_bytes,
    export_about,
    participation_tables,
)
from loaders.matching import match_roster
from loaders.participation import teams_by_event
from loaders.roster import read_roster

if TYPE_CHECKING:
    import pandas as pd

app = typer.Typer(
    name="lmi-dashboard",
    help="CA LMI network dashboard: map rosters onto California school districts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=OneLineErrorGroup,
)

APP_SCRIPT = Path(__file__).with_name("app.py")


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True}
)
def run(ctx: typer.Context) -> None:
    """Start the Streamlit app (Streamlit options such as --server.port 8502 pass)."""
    # Imported here: Streamlit costs 0.4-0.8 s to import after this module
    # (measured, time.perf_counter around the import; python -X importtime
    # agrees), which every other command and --help would pay.
    from streamlit.web import cli as stcli

    config_dir = Path(__file__).resolve().parent.parent / ".streamlit"
    args = streamlit_args(ctx.args)
    _prepare_boundaries()
    sys.argv = ["streamlit", "run", str(APP_SCRIPT), *args]
    if config_dir.is_dir():
        os.chdir(config_dir.parent)
    sys.exit(stcli.main())


#: Streamlit options ``run`` passes unless the command line gives them: the app
#: listens on this machine only, sends no usage statistics, serves Leaflet.
STREAMLIT_DEFAULTS: tuple[tuple[str, str], ...] = (
    ("--browser.gatherUsageStats", "false"),
    ("--server.address", "localhost"),
    ("--server.headless", "true"),
    # Leaflet is served from dashboard/static/ (no CDN): the map needs it
    ("--server.enableStaticServing", "true"),
)


def streamlit_args(given: list[str]) -> list[str]:
    """The options ``lmi-dashboard run`` gives ``streamlit run``.

    Parameters
    ----------
    given : list of str
        Streamlit options from the command line (``["--server.port", "8502"]``).

    Returns
    -------
    list of str
        :data:`STREAMLIT_DEFAULTS` the command line does not set, then ``given``.

    Examples
    --------
    >>> streamlit_args(["--server.address", "0.0.0.0"])[-4:]
    ['--server.enableStaticServing', 'true', '--server.address', '0.0.0.0']
    """
    text = " ".join(given)
    defaults = [x for opt in STREAMLIT_DEFAULTS if opt[0] not in text for x in opt]
    return [*defaults, *given]


def _prepare_boundaries() -> None:
    """Start obtaining the source files and building the statewide layers.

    Runs beside the server (a thread of this process), so a visitor who
    arrives meanwhile sees the progress on the page
    (:mod:`dashboard.firststart`); the terminal shows the cache folder, each
    step and the bytes of each download. A download that fails ends the
    process with code 2 and the message, as before serving (a restart
    resumes the download).
    """
    # Imported here: folium (with Leaflet's asset helpers) costs 0.2-0.7 s to
    # import after this module (measured as for Streamlit above); only `run` needs it.
    from geodata.leafletassets import install_static_assets

    # Leaflet's files into dashboard/static/ before Streamlit looks for the folder
    install_static_assets(Path(__file__).with_name("static"))
    firststart.STATUS.update(phase="running", cache=str(cache_dir()))
    threading.Thread(
        target=_prepare_in_background, name="lmi-first-start", daemon=True
    ).start()


def _prepare_in_background() -> None:
    typer.echo("Preparing California school-district boundaries…", err=True)
    try:
        seconds = firststart.prepare("state", stream=sys.stderr)
    except SourceError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.stderr.flush()
        os._exit(2)  # the server must not go on without boundaries
    typer.echo(f"Boundaries ready ({seconds:.1f} s).", err=True)


@app.command("demo-roster")
def demo_roster(
    out: Annotated[Path, typer.Option("--out", help="CSV or XLSX file to write.")],
    seed: Annotated[int, typer.Option(help="Random seed (fixed by default).")] = 2015,
) -> None:
    """Write the built-in demo roster (placeholder people, real districts)."""
    try:
        n = write_demo_roster(out, entity_reference(), seed=seed)
    except (OSError, ValueError) as exc:
        _fail(str(exc))
    typer.echo(f"wrote {n} roster rows to {out}")


#: ``--include-contacts``, the other spelling of ``--contacts`` (hidden in help).
_ContactsAlias = Annotated[
    bool, typer.Option("--include-contacts", hidden=True, help="Same as --contacts.")
]


@app.command()
def match(
    roster: Annotated[
        Path, typer.Argument(metavar="ROSTER", help="Roster file (CSV, TSV or XLSX).")
    ],
    out: Annotated[
        Path | None, typer.Option("--out", help="Where to write the result (CSV).")
    ] = None,
    sheet: Annotated[str | None, typer.Option(help="XLSX sheet name.")] = None,
    header_row: Annotated[
        int | None, typer.Option("--header-row", help="1-based header row.")
    ] = None,
    contacts: Annotated[
        bool,
        typer.Option(
            "--contacts",
            help="Keep person_name and email (also spelt --include-contacts).",
        ),
    ] = False,
    contacts_alias: _ContactsAlias = False,
) -> None:
    """Match every roster row to a district or COE; write them with match columns."""
    # Imported here: it brings the workspace (SQLAlchemy), 0.2-0.6 s to import
    # after this module (measured as for Streamlit above); --help needs none of it.
    from dashboard.match_command import match_command

    contacts = contacts or contacts_alias
    try:
        summary = match_command(
            roster, out=out, sheet=sheet, header_row=header_row, contacts=contacts
        )
    except ValueError as exc:
        _fail(str(exc))
    typer.echo(summary)


# --------------------------------------------------------------------- export
export_app = typer.Typer(
    help="Export maps ("
    + "/".join(k.upper() for k in formats_of("map"))
    + ") and tables ("
    + "/".join(k.upper() for k in formats_of("table"))
    + ") for newsletters.",
    no_args_is_help=True,
    cls=OneLineErrorGroup,
)
app.add_typer(export_app, name="export")
app.add_typer(events_app, name="events")


def _or_list(words) -> str:
    """``"a, b or c"``."""
    words = list(words)
    return ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else words[0]


_MEASURE_HELP = (
    "What colours the districts: "
    + _or_list(
        f"{key} ({m.label.lower()}{', give --event' if m.one_event else ''})"
        for key, m in MEASURES.items()
    )
    + "."
)
#: ``--measure`` choices and ``--format`` choices per command, from the registries.
_Measure = Literal[tuple(MEASURES)]  # type: ignore[valid-type]
_MapFormat = Literal[tuple(formats_of("map"))]  # type: ignore[valid-type]
_TableFormat = Literal[tuple(formats_of("table"))]  # type: ignore[valid-type]


def _region_number(value: str) -> int:
    """Parse ``--region``: a CCSESA service region number, 1-11."""
    try:
        number = int(str(value).strip())
    except ValueError:
        number = 0
    if not 1 <= number <= 11:
        raise typer.BadParameter(
            f"{value!r} is not a CCSESA service region; give a number 1-11."
        )
    return number


_DistrictType = enum.StrEnum("_DistrictType", {t: t for t in ENTITY_TYPES})


_RosterOpt = Annotated[
    Path | None,
    typer.Option(
        "--roster",
        help="Roster file (CSV/TSV/XLSX); default: the saved workspace, or the "
        "built-in demo roster when nothing is saved.",
    ),
]
_EventOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--event", metavar="ID", help="Event id (repeat for several; default: all)."
    ),
]
_RegionOpt = Annotated[
    int | None,
    typer.Option(
        "--region", parser=_region_number, metavar="1-11", help="CCSESA region."
    ),
]
_CountyOpt = Annotated[
    str | None,
    typer.Option(
        "--county", metavar="NAME", help="County name, e.g. Alameda (within --region)."
    ),
]


def _roster_rows(roster: Path | None, reference: pd.DataFrame):
    """The matched roster a command works on: ``--roster``, else saved, else demo.

    Parameters
    ----------
    roster : pathlib.Path or None
        Roster file (CSV/TSV/XLSX, read by :func:`loaders.roster.read_roster`).
        ``None``: every roster saved in the workspace
        (:meth:`loaders.workspace.Workspace.all_rows`), or, when nothing is saved,
        the built-in demo roster (:func:`loaders.demo.demo_roster`).
    reference : pandas.DataFrame
        :func:`geodata.boundaries.entity_reference` (1,002 districts and COEs).

    Returns
    -------
    (pandas.DataFrame, str)
        The matched roster (ARCHITECTURE.md, one row per person per event) and
        where it came from: the file, or (:mod:`dashboard.roster_source`)
        ``"saved workspace"`` or the demo roster. Rows of the file the reader
        could not use, and the fall-back to the demo roster, are each said in
        one line on stderr.

    Raises
    ------
    ValueError, OSError
        If the roster file cannot be read (the message names file and row).
    """
    if roster is not None:
        load = read_roster(roster, events=known_events())
        if len(load.rejected):
            typer.echo(
                f"note: {len(load.rejected)} row(s) of {roster} could not be used "
                "(no district, COE or code); see the Data page.",
                err=True,
            )
        return match_roster(load.rows, reference), str(roster)
    # Imported here: the workspace (SQLAlchemy) costs 0.2-0.6 s to import after
    # this module (measured as for Streamlit above); --help and --roster FILE
    # need none of it.
    from dashboard import roster_source
    from loaders.workspace import open_workspace, workspace_url

    workspace = open_workspace()
    matched, source = roster_source.roster_rows(reference, workspace)
    if source == roster_source.DEMO_SOURCE:
        typer.echo(
            f"note: no roster is saved in the workspace ({workspace_url()}); using the "
            f"{source}. Give --roster FILE to use yours.",
            err=True,
        )
    return matched, source


def _out_format(out: Path, fmt: str | None, kind: str) -> str:
    """The format ``--out`` is written in: ``--format``, else the file's suffix.

    Formats and their suffixes are those of :data:`geodata.formats.REGISTRY`
    of the command's ``kind`` (``"map"`` or ``"table"``). Raises ValueError
    when the two disagree, when neither says, or when the folder of ``--out``
    does not exist.
    """
    allowed = tuple(formats_of(kind))
    by_suffix = format_for_path(out)
    suffix = by_suffix.key if by_suffix else out.suffix.lstrip(".").lower()
    if fmt is not None:
        fmt = fmt.lower()
        if suffix and suffix != fmt:
            other = (
                f", or leave out --format to write {suffix.upper()}"
                if suffix in allowed
                else ""
            )
            raise ValueError(
                f"--format {fmt} but --out {out} ends in .{suffix}: name the file "
                f".{fmt}{other}."
            )
    elif suffix in allowed:
        fmt = suffix
    else:
        raise ValueError(
            f"cannot tell the format of --out {out}: end it in "
            f"{', '.join(FORMATS[a].suffix for a in allowed)}, or use --format "
            f"{'/'.join(allowed)}."
        )
    folder = out.parent if str(out.parent) else Path(".")
    if out.is_dir():
        raise ValueError(f"--out {out} is a folder; give a file name in it.")
    if not folder.is_dir():
        raise ValueError(f"--out {out}: the folder {folder} does not exist.")
    return fmt


def _event_ids(given: list[str] | None, events: pd.DataFrame) -> list[str]:
    """``--event`` values as event ids (case ignored); ValueError naming the ids."""
    known = {str(e).upper(): str(e) for e in events["event_id"]}
    ids = []
    for item in given or []:
        key = item.strip().upper()
        if key not in known:
            raise ValueError(
                f"--event {item}: not a CA LMI event id; choose from "
                f"{', '.join(known.values())} (lmi-dashboard events list)."
            )
        ids.append(known[key])
    return list(dict.fromkeys(ids))


def _county_name(
    county: str | None, region: int | None, reference: pd.DataFrame
) -> str | None:
    """``--county`` as the reference spells it, checked to lie in ``--region``.

    Accepts ``Alameda``, ``alameda county`` or the FIPS code ``06001``. Raises
    ValueError for a county that is not one of the 58, or not in the region.
    """
    if county is None:
        return None
    areas = reference.drop_duplicates("county_fips")
    key = county.strip().lower().removesuffix(" county").strip()
    hit = areas.loc[
        (areas["county"] == normalize_county(county))
        | (areas["county_fips"] == county.strip())
    ]
    if hit.empty:
        close = difflib.get_close_matches(
            key, [c.lower() for c in areas["county"]], n=1
        )
        names = {c.lower(): c for c in areas["county"]}
        hint = f" Did you mean {names[close[0]]}?" if close else ""
        raise ValueError(
            f"--county {county}: not one of California's 58 counties; give its "
            f"name, e.g. Alameda.{hint}"
        )
    name, home = str(hit["county"].iloc[0]), int(hit["ccsesa_region"].iloc[0])
    if region is not None and home != region:
        inside = sorted(areas.loc[areas["ccsesa_region"] == region, "county"])
        raise ValueError(
            f"--county {name} is in CCSESA region {home}, not region {region}: "
            f"leave out --region, or choose a county of region {region} "
            f"({', '.join(inside)})."
        )
    return name


_Page = Literal[tuple(PAGE_SIZES)]  # type: ignore[valid-type]
_Orientation = Literal[ORIENTATIONS]  # type: ignore[valid-type]


def _map_out(out: Path | None, fmt: str | None, stem: str) -> tuple[Path, str]:
    """``--out`` and its format; a folder (or none: ".") gets the selection's
    name (:func:`geodata.filenames.export_stem`, as on the Export page)."""
    if out is None or out.is_dir():
        kind = (fmt or "pdf").lower()
        out = (out or Path(".")) / f"{stem}{FORMATS[kind].suffix}"
    return out, _out_format(out, fmt, "map")


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
    roster: _RosterOpt = None,
    event: _EventOpt = None,
    measure: Annotated[
        _Measure, typer.Option(metavar="MEASURE", help=_MEASURE_HELP)
    ] = "events_attended",
    region: _RegionOpt = None,
    county: _CountyOpt = None,
    types: Annotated[
        list[_DistrictType] | None,
        typer.Option(
            "--type",
            metavar="TYPE",
            help="unified, elementary, secondary or coe (repeat; default all).",
        ),
    ] = None,
    fmt: Annotated[
        _MapFormat | None,
        typer.Option(
            "--format",
            metavar="FORMAT",
            help=f"{_or_list(formats_of('map'))} (default: from the --out suffix; "
            "PDF when --out is a folder or not given).",
        ),
    ] = None,
    page: Annotated[
        _Page,
        typer.Option(
            "--page",
            metavar="SIZE",
            case_sensitive=False,
            help="Paper: " + _or_list(PAGE_SIZES) + " (PNG, SVG, PDF).",
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
            event_ids=tuple(_event_ids(event, events)),
            region=region,
            county=_county_name(county, region, reference),
            district_types=tuple(t.value for t in types or ()) or ALL_TYPES,
            show_venues=venues,
        ).checked(events)
        out, kind = _map_out(out, fmt, export_stem(request, events))
        matched, _ = _roster_rows(roster, reference)
        data = participation_map_bytes(
            teams_by_event(matched),
            events,
            request,
            kind,
            dpi=dpi,
            layout=layout,
            simplified=simplified,
        )
        atomic_write_bytes(out, data)
    except (OSError, ValueError, LookupError) as exc:
        _fail(str(exc))
    typer.echo(f"wrote {kind.upper()} map ({len(data):,} bytes) to {out}")


@export_app.command("table")
def export_table(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="File to write ("
            + ", ".join(f.suffix for f in formats_of("table").values())
            + ").",
        ),
    ],
    roster: _RosterOpt = None,
    event: _EventOpt = None,
    region: _RegionOpt = None,
    county: _CountyOpt = None,
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
        _TableFormat | None,
        typer.Option(
            "--format",
            metavar="FORMAT",
            help=f"{_or_list(formats_of('table'))} (default: from the --out suffix).",
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
    contacts_alias: _ContactsAlias = False,
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
        kind = _out_format(out, fmt, "table")
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
        event_ids = _event_ids(event, events)
        county_name = _county_name(county, region, reference)
        matched, roster_label = _roster_rows(roster, reference)
        tables = participation_tables(
            teams_by_event(matched),
            reference,
            events,
            event_ids=event_ids or None,
            regions=[region] if region else None,
            counties=[county_name] if county_name else None,
            matched=matched,
            include_contacts=include_contacts,
            since=(_event_ids([since], events) or [None])[0] if since else None,
        )
        if not wanted:
            wanted = (
                [k for k in TABLE_NAMES if k != "dictionary"]
                if FORMATS[kind].many_tables
                else ["district"]
            )
        keys = [k for k in wanted if k in tables]
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
        _fail(str(exc))
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


@app.command()
def plan(
    out: Annotated[Path, typer.Option("--out", help="Plan JSON file to write.")],
    roster: Annotated[
        Path | None,
        typer.Option(
            "--roster",
            help="Roster file (CSV/TSV/XLSX); default: the saved workspace, or the "
            "built-in demo roster when nothing is saved.",
        ),
    ] = None,
    serve: Annotated[
        str,
        typer.Option(
            help="applied-not-attended, registered-incomplete, all-network, "
            "never-attended or all-districts."
        ),
    ] = "applied-not-attended",
    event: Annotated[
        list[str] | None,
        typer.Option("--event", help="Event id (repeat; default: all events)."),
    ] = None,
    venues: Annotated[
        int, typer.Option("--venues", "-p", min=1, help="Number of meetings.")
    ] = 3,
    model: Annotated[
        str,
        typer.Option(help="p-median, capacitated-p-median, coverage or attendance."),
    ] = "p-median",
    capacity: Annotated[
        int | None,
        typer.Option(min=1, help="At most this many teams per venue (p-median)."),
    ] = None,
    radius: Annotated[
        float | None, typer.Option(help="Coverage radius (coverage model).")
    ] = None,
    radius_units: Annotated[
        str, typer.Option("--radius-units", help="miles or minutes (drive).")
    ] = "minutes",
    booked: Annotated[
        list[str] | None,
        typer.Option(
            "--booked", help="Venue always kept: city or 'lat, lon' (repeat)."
        ),
    ] = None,
    add_venue: Annotated[
        list[str] | None,
        typer.Option("--add-venue", help="Extra candidate: city or 'lat, lon'."),
    ] = None,
    min_population: Annotated[
        int,
        typer.Option("--min-population", help="Candidate cities of this size up."),
    ] = 50_000,
    region: Annotated[
        list[int] | None,
        typer.Option(
            "--region",
            parser=_region_number,
            metavar="1-11",
            help="CCSESA region (repeat).",
        ),
    ] = None,
    county: Annotated[
        list[str] | None, typer.Option("--county", help="County (repeat).")
    ] = None,
    district_type: Annotated[
        list[str] | None,
        typer.Option("--type", help="unified, elementary, secondary or coe."),
    ] = None,
    weight: Annotated[
        str, typer.Option(help="people (4 per team) or equal (1 per team).")
    ] = "people",
    exact: Annotated[
        bool, typer.Option("--exact", help="Solve with spopt/CBC (slow).")
    ] = False,
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Seconds for --exact.")
    ] = 60.0,
    exact_above_gap: Annotated[
        float,
        typer.Option(
            "--exact-above-gap",
            min=0.0,
            help="Percent: when the plan's certified gap stays above this and the "
            "instance is small enough, also solve exactly (100: never).",
        ),
    ] = 1.0,
    invites: Annotated[
        Path | None,
        typer.Option("--invites", help="Also write the invite list (CSV/XLSX)."),
    ] = None,
    osrm: Annotated[
        str | None,
        typer.Option(
            "--osrm",
            help="Drive times from an OSRM-compatible table service at this URL "
            "(default: the great-circle estimate).",
        ),
    ] = None,
    max_table_size: Annotated[
        int,
        typer.Option(
            "--max-table-size", min=1, help="Most sources/destinations per request."
        ),
    ] = 100,
    travel_matrix: Annotated[
        Path | None,
        typer.Option(
            "--travel-matrix",
            help="Drive times from a CSV: origin (team geoid), destination "
            "(venue name), minutes.",
        ),
    ] = None,
) -> None:
    """Plan where regional meetings go; print the venues and write plan JSON."""
    import json

    # Imported here: geodata.siting costs about 1.0 s to import (measured,
    # 0.98-1.02 s); --help and the other commands need none of it.
    from geodata.distances import EstimatedDriveTime, OSRMTable, TravelTimeMatrix
    from geodata.siting import (
        CandidateOptions,
        PlanOptions,
        TeamSelection,
        export_table,
        plan_for_roster,
    )

    try:
        kind = invites.suffix.lstrip(".").lower() if invites is not None else None
        if kind not in (None, "csv", "xlsx"):
            raise ValueError(f"--invites {invites}: write a .csv or .xlsx file.")
        # an unknown --event is named with the valid ids before any roster is read
        event_ids = _event_ids(event, known_events())
        reference = entity_reference()
        matched, source = None, "none needed"
        if serve != "all-districts":
            matched, source = _roster_rows(roster, reference)
        travel = EstimatedDriveTime()
        if osrm and travel_matrix:
            raise ValueError("give --osrm or --travel-matrix, not both.")
        if osrm:
            travel = OSRMTable(osrm, max_table_size=max_table_size)
        elif travel_matrix is not None:
            travel = TravelTimeMatrix.from_csv(
                travel_matrix.read_bytes(), name=travel_matrix.name
            )
        if model == "capacitated-p-median":
            if capacity is None:
                raise ValueError("the capacitated p-median needs --capacity N.")
            model = "p-median"
        result = plan_for_roster(
            matched,
            reference,
            TeamSelection(
                serve=serve,
                event_ids=event_ids,
                regions=region,
                counties=county,
                district_types=district_type,
                weight=weight,
            ),
            PlanOptions(
                p=venues,
                model=model,
                capacity=capacity,
                radius=radius,
                radius_units=radius_units,
                booked=tuple(booked or ()),
                solver="exact" if exact else "fast",
                time_limit=time_limit,
                label=out.stem,
                travel_time=travel,
                exact_above_gap=None
                if exact_above_gap >= 100
                else exact_above_gap / 100,
            ),
            CandidateOptions(
                min_population=min_population, added_venues=tuple(add_venue or ())
            ),
            roster=source,
            events=known_events(),
        )
        payload = result.to_dict()
        atomic_write_bytes(out, json.dumps(payload, indent=1).encode("utf-8"))
        if invites is not None:
            atomic_write_bytes(invites, export_table(result.invite_list(), kind))
    except (OSError, ValueError, LookupError, RuntimeError) as exc:
        _fail(str(exc))
    typer.echo(f"roster: {source}")
    typer.echo(plan_text(result))
    typer.echo(f"wrote {out}" + (f" and {invites}" if invites else ""))


def main() -> None:
    """Console-script entry point: user-fixable errors print one line, exit 2."""
    try:
        app()
    except SourceError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
