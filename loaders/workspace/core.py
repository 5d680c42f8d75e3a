"""The workspace object callers use, and :func:`open_workspace` (one per URL)."""

from __future__ import annotations

import functools
import threading
from typing import Any

from loaders.workspace.access import (
    PERMISSIONS,
    Principal,
    Role,
    acting_as,
    guard_class,
)
from loaders.workspace.audit import AuditStore
from loaders.workspace.config import workspace_url
from loaders.workspace.db import Database
from loaders.workspace.stores import (
    AliasStore,
    EventStore,
    ReviewStore,
    RosterStore,
    ScenarioStore,
    SettingsStore,
)

__all__ = ["ActingWorkspace", "Workspace", "open_workspace"]


@guard_class
class Workspace(
    AuditStore,
    RosterStore,
    ReviewStore,
    AliasStore,
    SettingsStore,
    ScenarioStore,
    EventStore,
    Database,
):
    """Saved work in one SQL database: rosters, review decisions, aliases, column
    mappings, settings, scenarios and added events (see :mod:`loaders.workspace`).

    Create with :func:`open_workspace`. Thread-safe: every method takes its own
    pooled connection, and every save is one transaction.

    Every method that changes the workspace checks the acting user's role and
    records the change in the audit trail (:mod:`loaders.workspace.access`,
    :mod:`loaders.workspace.audit`). Called directly it acts as the local
    operator; :meth:`as_user` binds a signed-in user.

    Parameters
    ----------
    url : str
        SQLAlchemy URL (``sqlite:///path/workspace.sqlite``,
        ``postgresql+psycopg://…``).

    Raises
    ------
    WorkspaceError
        See :func:`open_workspace`.
    """

    def __init__(self, url: str) -> None:
        self._init_frame_cache()
        Database.__init__(self, url)

    def as_user(self, principal: Principal) -> ActingWorkspace:
        """This workspace acting as ``principal``: every call checks that user's
        role and records them in the audit trail.

        Parameters
        ----------
        principal : Principal
            The signed-in user and their role.

        Returns
        -------
        ActingWorkspace
            Same methods as this object.
        """
        return ActingWorkspace(self, principal)

    def close(self) -> None:
        """Release the database connections (the object cannot be used after)."""
        Database.close(self)
        with _WORKSPACES_LOCK:
            if _WORKSPACES.get(self.url) is self:
                del _WORKSPACES[self.url]


class ActingWorkspace:
    """A :class:`Workspace` bound to one user (see :meth:`Workspace.as_user`).

    Every method of the workspace, called through this object, runs as
    ``principal``: a change the role does not allow raises
    :class:`loaders.workspace.access.PermissionDenied`, and an allowed one is
    recorded under the user's name.

    Attributes
    ----------
    workspace : Workspace
    principal : Principal
    """

    def __init__(self, workspace: Workspace, principal: Principal) -> None:
        self.workspace = workspace
        self.principal = principal

    def can(self, needed: Role | str) -> bool:
        """Whether the bound user may do what ``needed`` names: a role, or the
        name of a workspace method (``"save_roster"``)."""
        if isinstance(needed, str):
            needed = PERMISSIONS[needed].role
        return self.principal.can(needed)

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.workspace, name)
        if not callable(attr):
            return attr

        @functools.wraps(attr)
        def call(*args: Any, **kwargs: Any) -> Any:
            with acting_as(self.principal):
                return attr(*args, **kwargs)

        return call

    def __repr__(self) -> str:
        return f"{self.workspace!r}.as_user({self.principal.name!r})"


_WORKSPACES: dict[str, Workspace] = {}
_WORKSPACES_LOCK = threading.Lock()


def open_workspace(url: str | None = None) -> Workspace:
    """Open (creating or upgrading if needed) the workspace database.

    Parameters
    ----------
    url : str, optional
        SQLAlchemy URL. Default :func:`loaders.workspace.workspace_url`
        (``$LMI_WORKSPACE_URL`` or ``workspace.sqlite`` in
        :func:`loaders.workspace.workspace_dir`).

    Returns
    -------
    Workspace
        One shared, thread-safe object per URL (cached for the process).

    Raises
    ------
    WorkspaceError
        The URL is malformed, the database cannot be opened or created, it is not
        an LMI workspace, or it was written by a newer version of the app (then
        it is left unchanged).
    """
    url = url or workspace_url()
    with _WORKSPACES_LOCK:
        ws = _WORKSPACES.get(url)
        if ws is None or ws._closed:
            ws = Workspace(url)
            _WORKSPACES[url] = ws
        return ws
