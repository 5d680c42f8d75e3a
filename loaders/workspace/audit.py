"""The audit trail: who changed the workspace, when, and what.

Every method listed in :data:`loaders.workspace.access.PERMISSIONS` records
one row of ``audit_log`` in the same transaction as its change (see
:meth:`loaders.workspace.db.Database._write`): the row exists exactly when the
change does, and survives restarts like everything else saved. This module
only *reads* the trail: there is no method that updates or deletes an entry,
and the database's triggers refuse both (revision 0006).

Columns of :meth:`AuditStore.audit_trail`: :data:`AUDIT_COLUMNS`.
"""

from __future__ import annotations

import io
import json
from datetime import datetime

import pandas as pd
from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from loaders.exports import neutralise_frame
from loaders.workspace.access import (
    AuditEntry,
    PermissionDenied,
    Role,
    current_principal,
)
from loaders.workspace.codec import dumps, now
from loaders.workspace.errors import WorkspaceError
from loaders.workspace.schema import audit_log

__all__ = ["AUDIT_COLUMNS", "AuditStore", "record"]

#: Columns of the audit trail as read and exported.
AUDIT_COLUMNS = ("entry_id", "at", "actor", "role", "action", "target")


def record(conn: Connection, entry: AuditEntry, at: datetime | None = None) -> None:
    """Append ``entry`` to ``audit_log`` inside the caller's transaction."""
    conn.execute(
        insert(audit_log).values(
            at=at or now(),
            actor=entry.principal.name,
            role=entry.principal.role.label,
            action=entry.action,
            target=dumps(dict(entry.target), "an audit entry"),
        )
    )


class AuditStore:
    """Reading the audit trail of a :class:`loaders.workspace.Workspace`
    (a mixin: needs the transactions of :class:`loaders.workspace.db.Database`).
    """

    def _require_admin(self) -> None:
        principal = current_principal()
        if principal is None or not principal.can(Role.ADMIN):
            raise PermissionDenied(principal, Role.ADMIN, "reading the audit trail")

    def audit_count(self) -> int:
        """Number of entries in the audit trail (admins only).

        Raises
        ------
        PermissionDenied
            The acting user is not an admin.
        """
        self._require_admin()
        with self._read() as conn:
            count = select(func.count()).select_from(audit_log)
            return int(conn.execute(count).scalar_one())

    def audit_trail(self, limit: int | None = None) -> pd.DataFrame:
        """The audit trail, newest first (admins only).

        Parameters
        ----------
        limit : int, optional
            At most this many entries (the newest).

        Returns
        -------
        pandas.DataFrame
            One row per change, columns :data:`AUDIT_COLUMNS`: ``entry_id``
            (int64), ``at`` (datetime64, UTC), ``actor`` (e-mail or
            ``local:<account>``), ``role`` (viewer/editor/admin at the time),
            ``action`` (``roster.upload``...), ``target`` (JSON text: the ids
            and names the change concerned; never file contents or contact
            details).

        Raises
        ------
        PermissionDenied
            The acting user is not an admin.
        """
        self._require_admin()
        query = select(*[audit_log.c[c] for c in AUDIT_COLUMNS]).order_by(
            audit_log.c.entry_id.desc()
        )
        if limit is not None:
            query = query.limit(int(limit))
        with self._read() as conn:
            rows = conn.execute(query).all()
        frame = pd.DataFrame(rows, columns=list(AUDIT_COLUMNS))
        frame["entry_id"] = frame["entry_id"].astype("int64")
        frame["at"] = pd.to_datetime(frame["at"])
        for col in ("actor", "role", "action", "target"):
            frame[col] = frame[col].astype("string")
        return frame

    def export_audit_csv(self) -> bytes:
        """The whole audit trail as UTF-8 CSV, oldest first, formula-safe
        (admins only; columns :data:`AUDIT_COLUMNS`, ``at`` in ISO 8601 UTC).

        Raises
        ------
        PermissionDenied
            The acting user is not an admin.
        """
        frame = self.audit_trail().iloc[::-1]
        frame = frame.assign(at=frame["at"].dt.strftime("%Y-%m-%dT%H:%M:%SZ"))
        buf = io.StringIO()
        neutralise_frame(frame).to_csv(buf, index=False)
        return buf.getvalue().encode("utf-8")


def target_text(target: str) -> str:
    """An entry's ``target`` JSON as ``key=value`` words for a table."""
    try:
        values = json.loads(target)
    except ValueError:
        raise WorkspaceError("An audit entry is not valid JSON.") from None
    return ", ".join(f"{k}={v}" for k, v in values.items())
