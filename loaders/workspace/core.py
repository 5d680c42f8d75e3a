"""The workspace object callers use, and :func:`open_workspace` (one per URL)."""

from __future__ import annotations

import threading

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

__all__ = ["Workspace", "open_workspace"]


class Workspace(
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

    def close(self) -> None:
        """Release the database connections (the object cannot be used after)."""
        Database.close(self)
        with _WORKSPACES_LOCK:
            if _WORKSPACES.get(self.url) is self:
                del _WORKSPACES[self.url]


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
