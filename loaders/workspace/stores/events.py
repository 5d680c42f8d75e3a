"""Events a user adds, beside the published ones, with the trash (undo).

The published events are the shipped table (:func:`loaders.events.load_events`)
and are never changed here. A user adds next year's institute with
:meth:`EventStore.add_event`; every add and edit is checked by
:func:`loaders.events.validate_event` inside the same write transaction (so two
sessions cannot both take an id). Removing an event moves it to the trash
(``deleted_at``); :meth:`EventStore.restore_event` brings it back.
:func:`loaders.events.all_events` joins both lists for every page and command.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from loaders.events import (
    ADDED,
    EVENT_COLUMNS,
    PUBLISHED,
    EventError,
    load_events,
    validate_event,
)
from loaders.workspace.codec import now
from loaders.workspace.errors import WorkspaceError
from loaders.workspace.schema import events

__all__ = ["EventStore"]

_FIELDS = [events.c[c] for c in EVENT_COLUMNS]


def _frame(rows: list, columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    for col in columns:
        if col in ("created_at", "updated_at", "deleted_at"):
            frame[col] = pd.to_datetime(frame[col]).dt.tz_localize("UTC")
        else:
            frame[col] = frame[col].astype("string")
    return frame


class EventStore:
    """Added events of a :class:`loaders.workspace.Workspace` (a mixin: needs
    the transactions of :class:`loaders.workspace.db.Database`)."""

    def list_events(self, *, deleted: bool = False) -> pd.DataFrame:
        """The events added in this workspace, by start date then id.

        Parameters
        ----------
        deleted : bool, default False
            List the events in the trash instead of the live ones.

        Returns
        -------
        pandas.DataFrame
            :data:`loaders.events.EVENT_COLUMNS` (``string``; empty text where
            nothing was given), ``created_at``, ``updated_at`` and
            ``deleted_at`` (datetime, UTC; NaT for live events).
        """
        cond = (
            events.c.deleted_at.is_not(None)
            if deleted
            else events.c.deleted_at.is_(None)
        )
        query = (
            select(
                *_FIELDS, events.c.created_at, events.c.updated_at, events.c.deleted_at
            )  # fmt: skip
            .where(cond)
            .order_by(events.c.start_date, events.c.event_id)
        )
        with self._read() as conn:
            result = conn.execute(query)
            return _frame(result.fetchall(), list(result.keys()))

    def _known(self, conn: Connection) -> pd.DataFrame:
        """Published ids and the live saved ids, with their ``origin``."""
        saved = [r[0] for r in conn.execute(
            select(events.c.event_id).where(events.c.deleted_at.is_(None))
        )]  # fmt: skip
        published = load_events()["event_id"].tolist()
        return pd.DataFrame(
            {
                "event_id": published + saved,
                "origin": [PUBLISHED] * len(published) + [ADDED] * len(saved),
            }
        )

    def _event_row(self, conn: Connection, event_id: str, *, trash: bool) -> Any:
        key = str(event_id).strip().upper()
        row = conn.execute(select(events).where(events.c.event_id == key)).first()
        if row is not None and (row.deleted_at is not None) == trash:
            return row
        if not trash and key in set(load_events()["event_id"]):
            raise EventError(
                "event_id",
                f"{key} is a published event (loaders/data/events.csv); published "
                "events cannot be changed or removed here.",
            )
        where = "in the trash" if trash else "saved in this workspace"
        raise WorkspaceError(
            f"There is no event {key} {where}; list the events to see their ids."
        )

    def add_event(self, fields: Mapping[str, Any]) -> dict[str, str]:
        """Save a new event (checked by :func:`loaders.events.validate_event`).

        Parameters
        ----------
        fields : mapping
            Event field → value, see :func:`loaders.events.validate_event`.
            An event of the same id in the trash is replaced (deleted for good).

        Returns
        -------
        dict of str to str
            The event as saved (every :data:`~loaders.events.EVENT_COLUMNS`
            field, cleaned).

        Raises
        ------
        loaders.events.EventError
            The event is not valid, or its id is published or already saved
            (the message names the field).
        WorkspaceError
            A database error.
        """
        with self._write() as conn:
            record = validate_event(fields, self._known(conn))
            stamp = now()
            conn.execute(delete(events).where(events.c.event_id == record["event_id"]))
            conn.execute(
                insert(events).values(**record, created_at=stamp, updated_at=stamp)
            )
        return record

    def edit_event(self, event_id: str, changes: Mapping[str, Any]) -> dict[str, str]:
        """Change fields of a saved event (its id stays).

        Parameters
        ----------
        event_id : str
            A live event of this workspace (any case).
        changes : mapping
            The fields to change (others keep their values); checked with the
            rest of the event by :func:`loaders.events.validate_event`. Empty
            text clears an optional field (``end_date`` then equals the start).

        Returns
        -------
        dict of str to str
            The event as saved.

        Raises
        ------
        loaders.events.EventError
            The result is not valid, ``changes`` names another id, or
            ``event_id`` is a published event.
        WorkspaceError
            No such saved event.
        """
        with self._write() as conn:
            row = self._event_row(conn, event_id, trash=False)
            current = {c: getattr(row, c) for c in EVENT_COLUMNS}
            record = validate_event(
                {**current, **dict(changes)},
                self._known(conn),
                editing=row.event_id,
            )
            conn.execute(
                update(events)
                .where(events.c.event_id == row.event_id)
                .values(**record, updated_at=now())
            )
        return record

    def remove_event(self, event_id: str) -> None:
        """Move a saved event to the trash (undo with :meth:`restore_event`).

        Roster rows that name the event keep its id; while it is in the trash
        they are not on the map (no known event).

        Raises
        ------
        loaders.events.EventError
            ``event_id`` is a published event.
        WorkspaceError
            No such saved event.
        """
        with self._write() as conn:
            row = self._event_row(conn, event_id, trash=False)
            conn.execute(
                update(events)
                .where(events.c.event_id == row.event_id)
                .values(deleted_at=now())
            )

    def restore_event(self, event_id: str) -> None:
        """Bring an event back from the trash.

        Raises
        ------
        WorkspaceError
            No such event in the trash.
        """
        with self._write() as conn:
            row = self._event_row(conn, event_id, trash=True)
            conn.execute(
                update(events)
                .where(events.c.event_id == row.event_id)
                .values(deleted_at=None)
            )

    def purge_deleted_events(self) -> int:
        """Delete the events in the trash for good.

        Returns
        -------
        int
            Number of events deleted.
        """
        with self._write() as conn:
            result = conn.execute(
                delete(events).where(events.c.deleted_at.is_not(None))
            )
        return int(result.rowcount or 0)
