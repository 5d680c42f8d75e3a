"""Where the workspace is: its folder, its connection URL, the settings that move it.

* by default a SQLite file ``workspace.sqlite`` in the workspace folder, which is
  ``$LMI_WORKSPACE_DIR`` or else the per-user data folder
  (``platformdirs.user_data_dir("lmi-dashboard")``);
* ``$LMI_WORKSPACE_URL`` overrides the whole URL, so a deployment can point the
  app at PostgreSQL (``postgresql+psycopg://user:pw@host/db``; install a driver).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

__all__ = [
    "ENV_WORKSPACE_DIR",
    "ENV_WORKSPACE_URL",
    "SQLITE_FILENAME",
    "mask_url",
    "workspace_dir",
    "workspace_url",
]

ENV_WORKSPACE_DIR = "LMI_WORKSPACE_DIR"
ENV_WORKSPACE_URL = "LMI_WORKSPACE_URL"
#: Name of the SQLite file inside the workspace folder.
SQLITE_FILENAME = "workspace.sqlite"


def workspace_dir() -> Path:
    """The workspace folder: ``$LMI_WORKSPACE_DIR`` or the per-user data folder.

    Returns
    -------
    pathlib.Path
        The folder (not created here).
    """
    env = os.environ.get(ENV_WORKSPACE_DIR, "").strip()
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("lmi-dashboard", appauthor=False))


def workspace_url() -> str:
    """The connection URL in force: ``$LMI_WORKSPACE_URL`` or the SQLite file.

    Returns
    -------
    str
        A SQLAlchemy URL, e.g. ``sqlite:////home/me/.local/share/lmi-dashboard/
        workspace.sqlite``.
    """
    env = os.environ.get(ENV_WORKSPACE_URL, "").strip()
    if env:
        return env
    return f"sqlite:///{(workspace_dir() / SQLITE_FILENAME).resolve()}"


def mask_url(url: str) -> str:
    """A URL fit to show: any password replaced by ``***``.

    Parameters
    ----------
    url : str
        SQLAlchemy URL.

    Returns
    -------
    str
        ``postgresql://lmi:***@db/lmi``; ``"<unreadable workspace URL>"`` when
        ``url`` is not a URL.

    Examples
    --------
    >>> mask_url("postgresql+psycopg://lmi:secret@db/lmi")
    'postgresql+psycopg://lmi:***@db/lmi'
    """
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unreadable workspace URL>"
