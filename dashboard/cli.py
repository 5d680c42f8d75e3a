"""The ``lmi-dashboard`` command line.

Each command only parses options and calls into :mod:`loaders` and :mod:`geodata`;
errors the user can fix are printed as one clear line and exit with status 2.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dashboard.cligroup import OneLineErrorGroup
from dashboard.clioptions import (
    ContactsAlias,
    fail,
    parse_event_ids,
    region_number,
    roster_rows,
)
from dashboard.events_command import events_app, known_events
from dashboard.export_command import export_app
from dashboard.plan_text import plan_text
from geodata import firststart
from geodata.boundaries import entity_reference
from geodata.sources import SourceError, cache_dir
from loaders.demo import write_demo_roster
from loaders.exports import (
    atomic_write_bytes,
)

if TYPE_CHECKING:
    pass

app = typer.Typer(
    name="lmi-dashboard",
    help="CA LMI network dashboard: map rosters onto California school districts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=OneLineErrorGroup,
)

APP_SCRIPT = Path(__file__).with_name("app.py")


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
        fail(str(exc))
    typer.echo(f"wrote {n} roster rows to {out}")


#: ``--include-contacts``, the other spelling of ``--contacts`` (hidden in help).
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
    contacts_alias: ContactsAlias = False,
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
        fail(str(exc))
    typer.echo(summary)


# --------------------------------------------------------------------- export
app.add_typer(export_app, name="export")
app.add_typer(events_app, name="events")


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
            parser=region_number,
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
        event_ids = parse_event_ids(event, known_events())
        reference = entity_reference()
        matched, source = None, "none needed"
        if serve != "all-districts":
            matched, source = roster_rows(roster, reference)
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
        fail(str(exc))
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
