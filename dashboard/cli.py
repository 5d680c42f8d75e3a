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
    ]
    given = " ".join(ctx.args)
    args = []
    for i in range(0, len(defaults), 2):
        if defaults[i] not in given:
            args += [defaults[i], defaults[i + 1]]
    sys.argv = ["streamlit", "run", str(APP_SCRIPT), *args, *ctx.args]
    if config_dir.is_dir():
        import os

        os.chdir(config_dir.parent)
    sys.exit(stcli.main())


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


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
