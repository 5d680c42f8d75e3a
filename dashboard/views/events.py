"""Events page: every CA LMI event; add, edit and remove the workspace's own.

The published events (``loaders/data/events.csv``) are listed read-only. Events
a user adds (next year's institute) are saved in the workspace
(:meth:`loaders.workspace.Workspace.add_event`) and used by every page, export
and command (:func:`loaders.events.all_events`). Checks are the loaders' own
(:func:`loaders.events.validate_event`); their messages name the field and
what to do and are shown as they are. Removing an event can be undone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import access
from dashboard.tables import show_table
from geodata.gazetteer import PlaceNotFoundError, find_city
from loaders.events import (
    ADDED,
    EVENT_STATUSES,
    EVENT_TYPES,
    EventError,
    all_events,
)
from loaders.workspace import Role, Workspace, WorkspaceError, open_workspace

#: Columns of the events table shown, in order.
SHOWN = ["event_id", "label", "event_type", "start_date", "end_date", "venue_name",
         "city", "status", "origin"]  # fmt: skip
#: Form field → label.
LABELS = {
    "event_id": "Event id",
    "event_name": "Name",
    "label": "Short label (shown in menus; default: the name)",
    "event_type": "Type",
    "start_date": "Start date",
    "end_date": "End date (empty: one day)",
    "venue_name": "Venue",
    "venue_address": "Venue address",
    "city": "City",
    "status": "Status",
    "note": "Note",
    "source_url": "Source (web page announcing it)",
}
_TEXT = ["venue_name", "venue_address", "city", "note", "source_url"]


def _flash(kind: str, message: str) -> None:
    st.session_state.setdefault("events_flash", []).append((kind, message))


def _show_flash() -> None:
    for kind, message in st.session_state.pop("events_flash", []):
        getattr(st, kind)(message)


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _city_warning(record: dict[str, str]) -> str | None:
    """A note when the city is not one the maps can place (offline gazetteer)."""
    if not record["city"]:
        return None
    try:
        find_city(record["city"])
    except PlaceNotFoundError as exc:
        why = str(exc).split(" You can also")[0]  # coordinates are for venues
        return (
            f"The venue of {record['event_id']} will not be marked on maps or "
            f"offered to plans: {why}"
        )
    return None


def _fields(prefix: str, current: dict[str, str] | None, *, new: bool) -> None:
    """The event form's widgets (keys ``{prefix}_{field}``)."""
    cur = current or {}
    if new:
        st.text_input(
            LABELS["event_id"],
            key=f"{prefix}_event_id",
            placeholder="CALMI-2027-SI",
            help="CALMI-, the year, then parts of letters and digits joined by '-'.",
        )
    left, right = st.columns(2)
    left.text_input(LABELS["event_name"], value=cur.get("event_name", ""),
                    key=f"{prefix}_event_name")  # fmt: skip
    right.text_input(LABELS["label"], value=cur.get("label", ""), key=f"{prefix}_label")
    kind = cur.get("event_type") or EVENT_TYPES[0]
    left.selectbox(
        LABELS["event_type"],
        EVENT_TYPES,
        index=EVENT_TYPES.index(kind) if kind in EVENT_TYPES else 0,
        format_func=lambda t: t.replace("_", " "),
        key=f"{prefix}_event_type",
    )
    status = cur.get("status") or "planned"
    right.selectbox(
        LABELS["status"],
        EVENT_STATUSES,
        index=EVENT_STATUSES.index(status) if status in EVENT_STATUSES else 0,
        key=f"{prefix}_status",
    )
    left.date_input(LABELS["start_date"], value=_date(cur.get("start_date", "")),
                    format="YYYY-MM-DD", key=f"{prefix}_start_date")  # fmt: skip
    end = cur.get("end_date", "")
    right.date_input(
        LABELS["end_date"],
        value=None if end == cur.get("start_date") else _date(end),
        format="YYYY-MM-DD",
        key=f"{prefix}_end_date",
    )
    for i, field in enumerate(_TEXT):
        (left if i % 2 == 0 else right).text_input(
            LABELS[field], value=cur.get(field, ""), key=f"{prefix}_{field}"
        )


def _values(prefix: str, *, new: bool) -> dict[str, Any]:
    ss = st.session_state
    names = ["event_name", "label", "event_type", "status", "start_date", "end_date",
             *_TEXT]  # fmt: skip
    values = {f: ss.get(f"{prefix}_{f}") for f in names}
    if new:
        values["event_id"] = ss.get(f"{prefix}_event_id")
    return values


def _error(exc: Exception) -> None:
    field = getattr(exc, "field", None)
    if field in LABELS:
        st.error(f"**{LABELS[field].split(' (')[0]}** — {exc}")
    else:
        st.error(str(exc))


def _saved(record: dict[str, str], verb: str) -> None:
    _flash("success", f"{verb} **{record['event_id']}** ({record['label']}).")
    warning = _city_warning(record)
    if warning:
        _flash("warning", warning)


def _add_section(ws: Workspace) -> None:
    with st.form("events_add", clear_on_submit=False):
        _fields("events_new", None, new=True)
        submitted = st.form_submit_button("Add event", type="primary")
    if submitted:
        try:
            record = ws.add_event(_values("events_new", new=True))
        except (EventError, WorkspaceError) as exc:
            _error(exc)
            return
        for key in [k for k in st.session_state if str(k).startswith("events_new_")]:
            del st.session_state[key]
        _saved(record, "Added")
        st.rerun()


def _edit_section(ws: Workspace, added: pd.DataFrame) -> None:
    if added.empty:
        st.info("No event added yet: add one above. Published events cannot be "
                "changed here.")  # fmt: skip
        return
    ids = added["event_id"].tolist()
    chosen = st.selectbox(
        "Added event",
        ids,
        format_func=lambda e: f"{e} — {added.set_index('event_id').at[e, 'label']}",
        key="events_pick",
    )
    current = added.set_index("event_id").loc[chosen].to_dict()
    prefix = f"events_edit_{chosen}"
    with st.form(f"events_edit_form_{chosen}"):
        _fields(prefix, current, new=False)
        submitted = st.form_submit_button("Save changes")
    if submitted:
        try:
            record = ws.edit_event(chosen, _values(prefix, new=False))
        except (EventError, WorkspaceError) as exc:
            _error(exc)
        else:
            _saved(record, "Saved")
            st.rerun()
    if st.button(f"Remove {chosen}", key="events_remove"):
        ws.remove_event(chosen)
        st.session_state["events_undo"] = chosen
        _flash("info", f"Removed **{chosen}**. Rosters naming it leave the map "
               "until it is restored.")  # fmt: skip
        st.rerun()


def _undo_bar(ws: Workspace) -> None:
    undo = st.session_state.get("events_undo")
    if not undo:
        return
    if st.button(f"Undo: restore {undo}", key="events_undo_button"):
        try:
            ws.restore_event(undo)
        except WorkspaceError as exc:
            st.error(str(exc))
        else:
            _flash("success", f"**{undo}** is back.")
        st.session_state.pop("events_undo", None)
        st.rerun()


def _trash(ws: Workspace) -> None:
    trash = ws.list_events(deleted=True)
    if trash.empty:
        return
    with st.expander(f"Removed events ({len(trash)})"):
        pick = st.selectbox("Removed event", trash["event_id"].tolist(),
                            key="events_trash_pick")  # fmt: skip
        if st.button("Restore", key="events_trash_restore"):
            ws.restore_event(pick)
            st.session_state.pop("events_undo", None)
            _flash("success", f"**{pick}** is back.")
            st.rerun()


def render() -> None:
    ws = open_workspace()
    st.title("Events")
    st.caption(
        "Published CA LMI events are read-only. Events you add are saved in the "
        f"workspace ({ws.location()}) and used by the map, the exports, the plans "
        "and roster uploads."
    )
    _show_flash()
    _undo_bar(ws)
    events = all_events(ws)
    n_added = int((events["origin"] == ADDED).sum())
    st.caption(f"{len(events)} events: {len(events) - n_added} published, "
               f"{n_added} added.")  # fmt: skip
    show_table(events[SHOWN], key="events_table")
    if not access.can("add_event"):  # the workspace refuses it anyway
        access.explain(Role.EDITOR, "adding, editing and removing events")
        return
    st.subheader("Add an event")
    _add_section(ws)
    st.subheader("Edit or remove an added event")
    _edit_section(ws, ws.list_events())
    _trash(ws)


render()
