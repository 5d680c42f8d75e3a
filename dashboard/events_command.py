"""``lmi-dashboard events``: list, add, edit, remove and restore events.

The published events (``loaders/data/events.csv``) are read-only; events added
here are saved in the workspace (:class:`loaders.workspace.Workspace`) and are
used by every other command (:func:`known_events`) and page. A mistake is one
line, ``error: ...``, naming the field and what to do, with exit status 2.
"""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import typer

from dashboard.cligroup import OneLineErrorGroup
from loaders.events import ADDED, EVENT_STATUSES, EVENT_TYPES, all_events
from loaders.workspace import WorkspaceError, open_workspace

__all__ = ["events_app", "known_events"]

events_app = typer.Typer(
    help="List the CA LMI events; add, edit or remove the ones saved in the "
    "workspace (published events are read-only).",
    no_args_is_help=True,
    cls=OneLineErrorGroup,
)


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


def known_events() -> pd.DataFrame:
    """The events a command works with: published plus the workspace's added ones.

    Returns
    -------
    pandas.DataFrame
        :func:`loaders.events.all_events` of the default workspace. When the
        workspace cannot be opened, the published events only, said in one
        line on stderr (a command reading a ``--roster`` file goes on).
    """
    try:
        return all_events(open_workspace())
    except (WorkspaceError, OSError) as exc:
        typer.echo(f"note: events added in the workspace not read ({exc})", err=True)
        return all_events()


_Name = Annotated[
    str | None,
    typer.Option("--name", help="Full name, e.g. 2027 CA LMI Summer Institute."),
]
_Type = Annotated[
    str | None,
    typer.Option("--type", metavar="TYPE", help=f"One of {', '.join(EVENT_TYPES)}."),
]
_Start = Annotated[
    str | None, typer.Option("--start", metavar="YYYY-MM-DD", help="First day.")
]
_End = Annotated[
    str | None,
    typer.Option("--end", metavar="YYYY-MM-DD", help="Last day (default: --start)."),
]
_Venue = Annotated[str | None, typer.Option("--venue", help="Venue name.")]
_Address = Annotated[str | None, typer.Option("--address", help="Venue address.")]
_City = Annotated[
    str | None, typer.Option("--city", help="City (marks the venue on maps).")
]
_Label = Annotated[
    str | None,
    typer.Option("--label", help="Short name shown in the app (default: --name)."),
]
_Status = Annotated[
    str | None,
    typer.Option(
        "--status",
        metavar="STATUS",
        help=f"{', '.join(EVENT_STATUSES)} (default planned).",
    ),
]
_Note = Annotated[str | None, typer.Option("--note", help="Free-text note.")]
_Source = Annotated[
    str | None, typer.Option("--source-url", help="Where the event is announced.")
]


def _fields(**given: str | None) -> dict[str, str]:
    names = {
        "name": "event_name",
        "type": "event_type",
        "start": "start_date",
        "end": "end_date",
        "venue": "venue_name",
        "address": "venue_address",
        "source_url": "source_url",
    }
    return {names.get(k, k): v for k, v in given.items() if v is not None}


def _said(record: dict[str, str]) -> str:
    days = record["start_date"]
    if record["end_date"] and record["end_date"] != days:
        days += f" to {record['end_date']}"
    where = f", {record['city']}" if record["city"] else ""
    return f"{record['event_id']} ({record['event_type']}, {days}{where})"


@events_app.command("list")
def list_events(
    added: Annotated[
        bool, typer.Option("--added", help="Only the events added in the workspace.")
    ] = False,
) -> None:
    """List the events (published and added), by start date."""
    try:
        table = all_events(open_workspace())
    except (WorkspaceError, OSError) as exc:
        _fail(str(exc))
    if added:
        table = table[table["origin"] == ADDED]
    shown = table[
        ["event_id", "start_date", "end_date", "event_type", "city", "origin", "label"]
    ]
    if shown.empty:
        typer.echo("no events added yet; add one with 'lmi-dashboard events add'")
        return
    typer.echo(shown.to_string(index=False))


@events_app.command("add")
def add_event(
    event_id: Annotated[
        str, typer.Option("--id", metavar="ID", help="New id, e.g. CALMI-2027-SI.")
    ],
    name: _Name = None,
    event_type: _Type = None,
    start: _Start = None,
    end: _End = None,
    venue: _Venue = None,
    address: _Address = None,
    city: _City = None,
    label: _Label = None,
    status: _Status = None,
    note: _Note = None,
    source_url: _Source = None,
) -> None:
    """Add an event to the workspace (needs --id, --name, --type and --start)."""
    fields = _fields(
        event_id=event_id, name=name, type=event_type, start=start, end=end,
        venue=venue, address=address, city=city, label=label, status=status,
        note=note, source_url=source_url,
    )  # fmt: skip
    try:
        record = open_workspace().add_event(fields)
    except (WorkspaceError, ValueError, OSError) as exc:
        _fail(_with_option(exc))
    typer.echo(f"added {_said(record)}")


@events_app.command("edit")
def edit_event(
    event_id: Annotated[str, typer.Argument(metavar="ID", help="An added event.")],
    name: _Name = None,
    event_type: _Type = None,
    start: _Start = None,
    end: _End = None,
    venue: _Venue = None,
    address: _Address = None,
    city: _City = None,
    label: _Label = None,
    status: _Status = None,
    note: _Note = None,
    source_url: _Source = None,
) -> None:
    """Change an added event: only the options given change ("" clears one)."""
    fields = _fields(
        name=name, type=event_type, start=start, end=end, venue=venue,
        address=address, city=city, label=label, status=status, note=note,
        source_url=source_url,
    )  # fmt: skip
    if not fields:
        _fail(f"events edit {event_id}: give at least one option to change "
              "(see 'lmi-dashboard events edit --help').")  # fmt: skip
    try:
        record = open_workspace().edit_event(event_id, fields)
    except (WorkspaceError, ValueError, OSError) as exc:
        _fail(_with_option(exc))
    typer.echo(f"saved {_said(record)}")


@events_app.command("remove")
def remove_event(
    event_id: Annotated[str, typer.Argument(metavar="ID", help="An added event.")],
) -> None:
    """Move an added event to the trash (undo: events restore ID)."""
    try:
        open_workspace().remove_event(event_id)
    except (WorkspaceError, ValueError, OSError) as exc:
        _fail(str(exc))
    key = event_id.strip().upper()
    typer.echo(f"removed {key}; undo with 'lmi-dashboard events restore {key}'")


@events_app.command("restore")
def restore_event(
    event_id: Annotated[str, typer.Argument(metavar="ID", help="A removed event.")],
) -> None:
    """Bring back an event removed with 'events remove'."""
    try:
        open_workspace().restore_event(event_id)
    except (WorkspaceError, ValueError, OSError) as exc:
        _fail(str(exc))
    typer.echo(f"restored {event_id.strip().upper()}")


#: Event field → the command-line option that sets it.
_OPTION = {
    "event_id": "--id",
    "event_name": "--name",
    "event_type": "--type",
    "start_date": "--start",
    "end_date": "--end",
    "venue_name": "--venue",
    "venue_address": "--address",
    "city": "--city",
    "label": "--label",
    "status": "--status",
    "note": "--note",
    "source_url": "--source-url",
}


def _with_option(exc: BaseException) -> str:
    """The error's message with the option that sets the field named first."""
    message = str(exc)
    field = getattr(exc, "field", None)
    option = _OPTION.get(field or "")
    if option and message.startswith(field):
        return f"{option} ({field}){message[len(field) :]}"
    return message
