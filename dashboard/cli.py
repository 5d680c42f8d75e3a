"""The ``lmi-dashboard`` command line.

Each command only parses options and calls into :mod:`loaders` and :mod:`geodata`;
errors the user can fix are printed as one clear line and exit with status 2.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(
    name="lmi-dashboard",
    help="CA LMI network dashboard: map rosters onto California school districts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

APP_SCRIPT = Path(__file__).with_name("app.py")


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True}
)
def run(ctx: typer.Context) -> None:
    """Start the Streamlit app (extra options such as --server.port 8502 pass through)."""
    from streamlit.web import cli as stcli

    config_dir = Path(__file__).resolve().parent.parent / ".streamlit"
    defaults = [
        "--browser.gatherUsageStats",
        "false",
        "--server.address",
        "localhost",
        "--server.headless",
        "true",
        # Leaflet is served from dashboard/static/ (no CDN): the map needs it
        "--server.enableStaticServing",
        "true",
    ]
    given = " ".join(ctx.args)
    args = []
    for i in range(0, len(defaults), 2):
        if defaults[i] not in given:
            args += [defaults[i], defaults[i + 1]]
    _prepare_boundaries()
    sys.argv = ["streamlit", "run", str(APP_SCRIPT), *args, *ctx.args]
    if config_dir.is_dir():
        import os

        os.chdir(config_dir.parent)
    sys.exit(stcli.main())


def _prepare_boundaries() -> None:
    """Obtain the source files and build the statewide layers before serving."""
    import time

    from geodata import simplify
    from geodata.sources import SourceError

    started = time.perf_counter()
    typer.echo("Preparing California school-district boundaries…", err=True)
    try:
        simplify.web_layers("state")
    except SourceError as exc:
        _fail(str(exc))
    typer.echo(
        f"Boundaries ready ({time.perf_counter() - started:.1f} s).", err=True
    )


@app.command("demo-roster")
def demo_roster(
    out: Annotated[Path, typer.Option("--out", help="CSV or XLSX file to write.")],
    seed: Annotated[int, typer.Option(help="Random seed (fixed by default).")] = 2015,
) -> None:
    """Write the built-in demo roster (placeholder people, real districts)."""
    from loaders.demo import write_demo_roster

    try:
        n = write_demo_roster(out, seed=seed)
    except (OSError, ValueError) as exc:
        _fail(str(exc))
    typer.echo(f"wrote {n} roster rows to {out}")


@app.command()
def match(
    roster: Annotated[Path, typer.Argument(help="Roster file (CSV, TSV or XLSX).")],
    out: Annotated[
        Optional[Path], typer.Option("--out", help="Where to write the result (CSV).")
    ] = None,
    sheet: Annotated[Optional[str], typer.Option(help="XLSX sheet name.")] = None,
    header_row: Annotated[
        Optional[int], typer.Option("--header-row", help="1-based header row.")
    ] = None,
    contacts: Annotated[
        bool, typer.Option("--contacts", help="Keep person_name and email.")
    ] = False,
) -> None:
    """Match every roster row to a district or COE; write all rows with match columns."""
    from loaders.matching import match_command

    try:
        summary = match_command(
            roster, out=out, sheet=sheet, header_row=header_row, contacts=contacts
        )
    except ValueError as exc:
        _fail(str(exc))
    typer.echo(summary)


# --------------------------------------------------------------------- export
export_app = typer.Typer(
    help="Export maps (PNG/SVG/PDF/HTML) and tables (CSV/XLSX) for newsletters.",
    no_args_is_help=True,
)
app.add_typer(export_app, name="export")

_RosterOpt = Annotated[
    Path | None,
    typer.Option(
        "--roster", help="Roster file (CSV/TSV/XLSX); default: the saved workspace."
    ),
]
_EventOpt = Annotated[
    list[str] | None,
    typer.Option("--event", help="Event id (repeat for several; default: all)."),
]
_RegionOpt = Annotated[int | None, typer.Option("--region", help="CCSESA region 1-11.")]
_CountyOpt = Annotated[
    str | None, typer.Option("--county", help="County name, e.g. Alameda.")
]


def _export_inputs(roster: Path | None):
    """Matched roster, teams, events and reference for the export commands."""
    from geodata.boundaries import entity_reference
    from loaders.events import load_events
    from loaders.participation import teams_by_event

    reference = entity_reference()
    if roster is not None:
        from loaders import matching
        from loaders.roster import read_roster

        load = read_roster(roster)
        if len(load.rejected):
            typer.echo(
                f"note: {len(load.rejected)} row(s) of {roster} could not be used "
                "(no district, COE or code); see the Data page.",
                err=True,
            )
        matched = matching.match_roster(load.rows, reference)
    else:
        from loaders.workspace import open_workspace, workspace_url

        matched = open_workspace().all_rows()
        if matched is None or matched.empty:
            raise ValueError(
                f"the workspace ({workspace_url()}) has no saved roster; give one "
                "with --roster FILE or save one in the app first."
            )
    return matched, teams_by_event(matched), load_events(), reference


def _format_of(fmt: str | None, out: Path, allowed: tuple[str, ...]) -> str:
    fmt = (fmt or out.suffix.lstrip(".")).lower()
    if fmt not in allowed:
        raise ValueError(
            f"cannot tell the format of {out}: use --format {'/'.join(allowed)}."
        )
    return fmt


@export_app.command("map")
def export_map(
    out: Annotated[Path, typer.Option("--out", help="File to write.")],
    roster: _RosterOpt = None,
    event: _EventOpt = None,
    measure: Annotated[
        str,
        typer.Option(help="events_attended, event_status or completeness."),
    ] = "events_attended",
    region: _RegionOpt = None,
    county: _CountyOpt = None,
    types: Annotated[
        list[str] | None,
        typer.Option("--type", help="District type to draw (repeat; default all)."),
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="png, svg, pdf or html.")
    ] = None,
    width_px: Annotated[int, typer.Option("--width-px", min=600)] = 2400,
    dpi: Annotated[int, typer.Option(min=72, max=1200)] = 300,
    venues: Annotated[bool, typer.Option(help="Mark event venues.")] = True,
) -> None:
    """Write the participation map (no names or contact details, ever)."""
    from geodata.staticmap import ALL_TYPES, MapRequest, participation_map_bytes
    from loaders.exports import atomic_write_bytes

    try:
        kind = _format_of(fmt, out, ("png", "svg", "pdf", "html"))
        _, teams, events, _ = _export_inputs(roster)
        request = MapRequest(
            measure=measure,
            event_ids=tuple(event or ()),
            region=region,
            county=county,
            district_types=tuple(types or ALL_TYPES),
            show_venues=venues,
        )
        data = participation_map_bytes(
            teams, events, request, kind, width_px=width_px, dpi=dpi
        )
        atomic_write_bytes(out, data)
    except (OSError, ValueError, LookupError) as exc:
        _fail(str(exc))
    typer.echo(f"wrote {kind.upper()} map ({len(data):,} bytes) to {out}")


@export_app.command("table")
def export_table(
    out: Annotated[Path, typer.Option("--out", help="File to write.")],
    roster: _RosterOpt = None,
    event: _EventOpt = None,
    region: _RegionOpt = None,
    county: _CountyOpt = None,
    table: Annotated[
        list[str] | None,
        typer.Option(
            "--table",
            help="district, county, region, event, completeness or contacts "
            "(repeat; default all for XLSX; CSV takes one).",
        ),
    ] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="csv or xlsx.")] = None,
    include_contacts: Annotated[
        bool,
        typer.Option("--include-contacts", help="Add person names, emails and phones."),
    ] = False,
) -> None:
    """Write participation tables (contact details only with --include-contacts)."""
    from loaders.exports import TABLE_NAMES, participation_tables, write_table

    try:
        kind = _format_of(fmt, out, ("csv", "xlsx"))
        wanted = list(table or [])
        unknown = [t for t in wanted if t not in TABLE_NAMES]
        if unknown:
            raise ValueError(
                f"unknown table {unknown[0]!r}; choose from {', '.join(TABLE_NAMES)}."
            )
        if "contacts" in wanted and not include_contacts:
            raise ValueError("the contacts table needs --include-contacts.")
        matched, teams, events, reference = _export_inputs(roster)
        tables = participation_tables(
            teams,
            reference,
            events,
            event_ids=list(event or []) or None,
            regions=[region] if region else None,
            counties=[county] if county else None,
            matched=matched,
            include_contacts=include_contacts,
        )
        keys = wanted or [k for k in TABLE_NAMES if k in tables]
        if kind == "csv" and len(keys) != 1:
            raise ValueError(
                "a CSV file holds one table: add --table (e.g. --table district), "
                "or write --format xlsx for all of them."
            )
        chosen = {TABLE_NAMES[k]: tables[k] for k in keys}
        write_table(out, chosen, fmt=kind, include_contacts=include_contacts)
    except (OSError, ValueError, LookupError) as exc:
        _fail(str(exc))
    rows = sum(len(t) for t in chosen.values())
    typer.echo(f"wrote {len(chosen)} table(s), {rows:,} rows, to {out}")


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
        str, typer.Option(help="p-median, capacitated-p-median or coverage.")
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
        list[int] | None, typer.Option("--region", help="CCSESA region (repeat).")
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
    invites: Annotated[
        Path | None,
        typer.Option("--invites", help="Also write the invite list (CSV/XLSX)."),
    ] = None,
) -> None:
    """Plan where regional meetings go; print the venues and write plan JSON."""
    import json

    from geodata.boundaries import entity_reference
    from geodata.siting import export_table, plan_for_roster, plan_text
    from loaders.exports import atomic_write_bytes

    try:
        kind = invites.suffix.lstrip(".").lower() if invites is not None else None
        if kind not in (None, "csv", "xlsx"):
            raise ValueError(f"--invites {invites}: write a .csv or .xlsx file.")
        reference = entity_reference()
        matched, source = None, "none needed"
        if serve != "all-districts":
            if roster is not None:
                from loaders.matching import match_roster
                from loaders.roster import read_roster

                load = read_roster(roster)
                matched, source = match_roster(load.rows, reference), str(roster)
            else:
                from loaders.workspace import open_workspace

                matched, source = open_workspace().all_rows(), "saved workspace"
                if matched is None or matched.empty:
                    from loaders.demo import demo_roster
                    from loaders.matching import match_roster

                    matched = match_roster(demo_roster(), reference)
                    source = "built-in demo roster (placeholder people)"
        if model == "capacitated-p-median":
            if capacity is None:
                raise ValueError("the capacitated p-median needs --capacity N.")
            model = "p-median"
        result = plan_for_roster(
            matched,
            reference,
            serve=serve,
            event_ids=list(event) if event else None,
            p=venues,
            model=model,
            capacity=capacity,
            radius=radius,
            radius_units=radius_units,
            booked=list(booked or []),
            add_venues=list(add_venue or []),
            min_population=min_population,
            regions=region or None,
            counties=county or None,
            district_types=district_type or None,
            weight=weight,
            solver="exact" if exact else "fast",
            time_limit=time_limit,
            label=out.stem,
        )
        payload = result.to_dict()
        payload["selection"]["roster"] = source
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
    from geodata.sources import SourceError

    try:
        app()
    except SourceError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
