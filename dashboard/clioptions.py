"""What the ``lmi-dashboard`` commands share: option types, the roster a
command works on, and the checks of ``--event``, ``--region``, ``--county``
and ``--out`` (each error one clear line, exit status 2).

Split from :mod:`dashboard.cli` so that the command modules (``cli``,
``export_command``) stay under the 800-line guard of tests/test_architecture.py.
"""

from __future__ import annotations

import difflib
import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from dashboard.events_command import known_events
from geodata.formats import REGISTRY as FORMATS
from geodata.formats import format_for_path, formats_of
from geodata.measures import REGISTRY as MEASURES
from loaders.counties import normalize_county
from loaders.entities import ENTITY_TYPES
from loaders.matching import match_roster
from loaders.roster import read_roster
from loaders.upload import row_counts

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "fail",
    "or_list",
    "MEASURE_HELP",
    "MeasureKey",
    "MapFormat",
    "TableFormat",
    "region_number",
    "DistrictType",
    "RosterOpt",
    "EventOpt",
    "RegionOpt",
    "ContactsAlias",
    "CountyOpt",
    "roster_rows",
    "out_format",
    "parse_event_ids",
    "parse_county",
]


def fail(message: str) -> None:
    """Print ``error: message`` on stderr and exit with status 2."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


def or_list(words) -> str:
    """``"a, b or c"``."""
    words = list(words)
    return ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else words[0]


MEASURE_HELP = (
    "What colours the districts: "
    + or_list(
        f"{key} ({m.label.lower()}{', give --event' if m.one_event else ''})"
        for key, m in MEASURES.items()
    )
    + "."
)
#: ``--measure`` choices and ``--format`` choices per command, from the registries.
MeasureKey = Literal[tuple(MEASURES)]  # type: ignore[valid-type]
MapFormat = Literal[tuple(formats_of("map"))]  # type: ignore[valid-type]
TableFormat = Literal[tuple(formats_of("table"))]  # type: ignore[valid-type]


def region_number(value: str) -> int:
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


DistrictType = enum.StrEnum("DistrictType", {t: t for t in ENTITY_TYPES})


RosterOpt = Annotated[
    Path | None,
    typer.Option(
        "--roster",
        help="Roster file (CSV/TSV/XLSX); default: the saved workspace, or the "
        "built-in demo roster when nothing is saved.",
    ),
]
EventOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--event", metavar="ID", help="Event id (repeat for several; default: all)."
    ),
]
RegionOpt = Annotated[
    int | None,
    typer.Option(
        "--region", parser=region_number, metavar="1-11", help="CCSESA region."
    ),
]
CountyOpt = Annotated[
    str | None,
    typer.Option(
        "--county", metavar="NAME", help="County name, e.g. Alameda (within --region)."
    ),
]


def roster_rows(roster: Path | None, reference: pd.DataFrame):
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
        counts = row_counts(load)
        if counts.rejected:
            typer.echo(
                f"note: {roster}: {counts.text()}; the rejected rows (no district, "
                "COE or code) count nowhere; see the Data page.",
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


def out_format(out: Path, fmt: str | None, kind: str) -> str:
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


def parse_event_ids(given: list[str] | None, events: pd.DataFrame) -> list[str]:
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


def parse_county(
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


#: ``--include-contacts``, the other spelling of ``--contacts``.
ContactsAlias = Annotated[
    bool, typer.Option("--include-contacts", hidden=True, help="Same as --contacts.")
]
