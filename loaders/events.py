"""The CA LMI events: the published table, events a user adds, and their checks.

The product carries its own table (``loaders/data/events.csv``), built from the
events CDEF, CDE and partners published (each row keeps its ``source_url``).
Dates are ISO text; events without a published date or venue keep those empty.

Events a user adds (next year's institute, a regional meeting) are saved in the
workspace (:meth:`loaders.workspace.Workspace.add_event`), never in the shipped
table, so no code change is needed for a new event. :func:`validate_event`
checks one before it is saved; :func:`all_events` is the one table every page
and command uses: the published events and the workspace's, with an ``origin``
column saying which is which.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources
from typing import Any, Protocol

import pandas as pd

__all__ = [
    "ADDED",
    "EVENT_COLUMNS",
    "EVENT_ID_PATTERN",
    "EVENT_STATUSES",
    "EVENT_TYPES",
    "PUBLISHED",
    "EventError",
    "all_events",
    "load_events",
    "validate_event",
]

EVENT_COLUMNS = [
    "event_id",
    "label",
    "event_name",
    "event_type",
    "start_date",
    "end_date",
    "venue_name",
    "venue_address",
    "city",
    "status",
    "note",
    "source_url",
]

#: ``origin`` of an event of the shipped table / of one saved in the workspace.
PUBLISHED = "published"
ADDED = "added"

#: Event ids: ``CALMI-`` + the year + one or more upper-case parts, as the
#: published ids (``CALMI-2017-SI``, ``CALMI-2016-17-COHORT-BAY-S1``).
EVENT_ID_PATTERN = re.compile(r"CALMI-\d{4}(?:-[A-Z0-9]+)+")

#: The kinds of event the published table uses (``event_type``).
EVENT_TYPES: tuple[str, ...] = (
    "summer_institute",
    "symposium",
    "network_convening",
    "regional_convening",
    "regional_meeting",
    "cohort_training",
)

#: ``status`` of an event: the published table's ``held`` and ``planned``, and
#: ``cancelled`` for an added event that will not take place.
EVENT_STATUSES: tuple[str, ...] = ("planned", "held", "cancelled")

#: Longest text kept in a free-text field (venue, city, note, URL).
_MAX_TEXT = 300
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_REQUIRED = ("event_id", "event_name", "event_type", "start_date")


class EventError(ValueError):
    """An event that cannot be saved; the message names the field and the fix.

    Attributes
    ----------
    field : str
        The :data:`EVENT_COLUMNS` field at fault (``"event_id"``,
        ``"end_date"``...), for a form to show the message beside it.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@lru_cache(maxsize=1)
def _events() -> pd.DataFrame:
    path = resources.files("loaders") / "data" / "events.csv"
    with path.open("r", encoding="utf-8") as fh:
        table = pd.read_csv(fh, dtype="string", keep_default_na=False)
    missing = set(EVENT_COLUMNS) - set(table.columns)
    if missing:
        raise ValueError(f"{path}: columns {sorted(missing)} are missing.")
    if table["event_id"].duplicated().any():
        dup = table.loc[table["event_id"].duplicated(), "event_id"].iloc[0]
        raise ValueError(f"{path}: event_id {dup!r} appears twice.")
    odd = sorted(set(table["event_type"]) - set(EVENT_TYPES))
    if odd:
        raise ValueError(f"{path}: event_type {odd[0]!r} is not in EVENT_TYPES.")
    return table[EVENT_COLUMNS]


def _by_start(events: pd.DataFrame) -> pd.DataFrame:
    order = events["start_date"].fillna("").replace("", "9999")
    return events.iloc[order.argsort(kind="stable")].reset_index(drop=True)


def load_events() -> pd.DataFrame:
    """The published CA LMI events, ordered by start date (undated events last).

    Returns
    -------
    pandas.DataFrame
        One row per event with :data:`EVENT_COLUMNS` (all ``string`` dtype;
        empty text where the source published nothing). ``label`` is the short
        name shown in the app.

    Raises
    ------
    ValueError
        If the shipped table lacks a column, repeats an ``event_id`` or uses an
        ``event_type`` outside :data:`EVENT_TYPES`.

    See Also
    --------
    all_events : these and the events saved in a workspace.
    """
    return _by_start(_events().copy())


class _EventSource(Protocol):  # what all_events needs of a workspace
    def list_events(self) -> pd.DataFrame: ...


def all_events(workspace: _EventSource | None = None) -> pd.DataFrame:
    """Every event: the published ones and those saved in a workspace.

    Parameters
    ----------
    workspace : loaders.workspace.Workspace, optional
        The workspace whose added events (:meth:`~loaders.workspace.Workspace.
        list_events`) join the published ones. ``None``: the published events
        only (nothing is opened).

    Returns
    -------
    pandas.DataFrame
        :data:`EVENT_COLUMNS` plus ``origin`` (:data:`PUBLISHED` or
        :data:`ADDED`), all ``string`` dtype, one row per ``event_id``, ordered
        by start date (undated events last; on the same date published first).

    Raises
    ------
    loaders.workspace.WorkspaceError
        The workspace cannot be read.
    ValueError
        See :func:`load_events`.

    Examples
    --------
    >>> events = all_events()
    >>> events.loc[events["event_id"] == "CALMI-2017-SI", "origin"].item()
    'published'
    """
    parts = [_events().assign(origin=PUBLISHED)]
    if workspace is not None:
        added = workspace.list_events()
        if len(added):
            parts.append(added[EVENT_COLUMNS].assign(origin=ADDED))
    table = pd.concat(parts, ignore_index=True).astype("string").fillna("")
    return _by_start(table)


# ---------------------------------------------------------------- validation
def _text(value: Any) -> str:
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(value, (_dt.date, pd.Timestamp)):
        return value.isoformat()[:10]
    return " ".join(str(value).split())


def _date(fields: dict[str, str], field: str, label: str) -> _dt.date | None:
    text = fields[field]
    if not text:
        return None
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise EventError(
            field,
            f"{field}: {text!r} is not a date; write the {label} as YYYY-MM-DD, "
            "e.g. 2027-06-22.",
        ) from None


def _event_type(text: str) -> str:
    key = re.sub(r"[\s-]+", "_", text.strip().lower())
    if key in EVENT_TYPES:
        return key
    raise EventError(
        "event_type",
        f"event_type: {text!r} is not a kind of CA LMI event; choose one of "
        f"{', '.join(EVENT_TYPES)}.",
    )


def validate_event(
    fields: Mapping[str, Any],
    existing: pd.DataFrame | None = None,
    *,
    editing: str | None = None,
) -> dict[str, str]:
    """Check an event a user adds or edits, and return it cleaned.

    Parameters
    ----------
    fields : mapping
        :data:`EVENT_COLUMNS` field → value (text; dates may also be
        ``datetime.date``). Required: ``event_id``, ``event_name``,
        ``event_type``, ``start_date``. ``label`` defaults to ``event_name``,
        ``end_date`` to ``start_date``, ``status`` to ``planned``; the other
        fields to empty text.
    existing : pandas.DataFrame, optional
        The events already known (``event_id`` and ``origin``, as
        :func:`all_events` returns). Default: the published events.
    editing : str, optional
        The id of the saved event being edited: its own id is not a duplicate,
        and ``event_id`` must equal it (an id cannot change).

    Returns
    -------
    dict of str to str
        Every :data:`EVENT_COLUMNS` field as text: ``event_id`` upper-case,
        ``event_type`` and ``status`` from their vocabularies, dates ISO,
        whitespace collapsed.

    Raises
    ------
    EventError
        The first problem found, naming the field (:attr:`EventError.field`)
        and what to do: an unknown field, a missing required field, an id not
        shaped like the published ones (:data:`EVENT_ID_PATTERN`) or already
        taken by a published or saved event, an ``event_type`` outside
        :data:`EVENT_TYPES`, a ``status`` outside :data:`EVENT_STATUSES`, a
        date not written ``YYYY-MM-DD``, an end before the start, or a text
        longer than 300 characters.

    Examples
    --------
    >>> validate_event({"event_id": "calmi-2027-si", "event_name": "2027 SI",
    ...                 "event_type": "Summer Institute",
    ...                 "start_date": "2027-06-22"})["event_type"]
    'summer_institute'
    """
    unknown = sorted(set(fields) - set(EVENT_COLUMNS))
    if unknown:
        raise EventError(
            unknown[0],
            f"{unknown[0]} is not an event field; use {', '.join(EVENT_COLUMNS)}.",
        )
    out = {c: _text(fields.get(c)) for c in EVENT_COLUMNS}
    for field in _REQUIRED:
        if not out[field]:
            what = "YYYY-MM-DD" if field == "start_date" else "it"
            raise EventError(field, f"{field} is required: give {what}.")
    for field, text in out.items():
        if len(text) > _MAX_TEXT:
            raise EventError(
                field,
                f"{field} is {len(text)} characters long; shorten it to "
                f"{_MAX_TEXT} at most.",
            )
    event_id = out["event_id"].upper()
    out["event_id"] = event_id
    if not EVENT_ID_PATTERN.fullmatch(event_id):
        raise EventError(
            "event_id",
            f"event_id: {event_id!r} is not shaped like the published ids; write "
            "CALMI-, the year, then one or more parts of letters and digits "
            "joined by '-', e.g. CALMI-2027-SI.",
        )
    if editing is not None and event_id != editing.upper():
        raise EventError(
            "event_id",
            f"event_id: an event's id cannot change ({editing} → {event_id}); "
            f"remove {editing} and add {event_id} instead.",
        )
    _check_unique(event_id, existing, editing)
    out["event_type"] = _event_type(out["event_type"])
    status = (out["status"] or "planned").lower()
    if status not in EVENT_STATUSES:
        raise EventError(
            "status",
            f"status: {out['status']!r} is not an event status; choose one of "
            f"{', '.join(EVENT_STATUSES)}.",
        )
    out["status"] = status
    start = _date(out, "start_date", "start date")
    end = _date(out, "end_date", "end date") or start
    if end is not None and start is not None and end < start:
        raise EventError(
            "end_date",
            f"end_date {end.isoformat()} is before start_date "
            f"{start.isoformat()}; give an end on or after the start (or leave "
            "it empty for a one-day event).",
        )
    out["end_date"] = end.isoformat() if end is not None else ""
    out["label"] = out["label"] or out["event_name"]
    return out


def _check_unique(
    event_id: str, existing: pd.DataFrame | None, editing: str | None
) -> None:
    table = all_events() if existing is None else existing
    origin: Iterable[str] = (
        table["origin"] if "origin" in table.columns else [PUBLISHED] * len(table)
    )
    for known, where in zip(table["event_id"], origin, strict=True):
        if str(known).upper() != event_id:
            continue
        if where == PUBLISHED:
            raise EventError(
                "event_id",
                f"event_id: {event_id} is a published event "
                "(loaders/data/events.csv), which cannot be changed here; choose "
                "another id.",
            )
        if editing is None or editing.upper() != event_id:
            raise EventError(
                "event_id",
                f"event_id: {event_id} is already saved; edit that event, or "
                "choose another id.",
            )
