"""Errors the pages show in their own words: the workspace that cannot be opened.

When the workspace database cannot be opened (an unreachable server, a missing
driver, a SQLite file in a folder that cannot be written...), every page says
so in one box: what failed, the reason (:class:`loaders.workspace.WorkspaceError`
already masks any password in the URL) and what to do. No traceback is shown.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

import streamlit as st
from sqlalchemy.engine import make_url

from loaders.workspace import (
    ENV_WORKSPACE_DIR,
    ENV_WORKSPACE_URL,
    Workspace,
    WorkspaceError,
    workspace_url,
)

__all__ = ["opening_failed", "show_workspace_error"]

_LOG = logging.getLogger("lmi_dashboard")


def opening_failed(exc: BaseException) -> bool:
    """Whether ``exc`` was raised while the workspace database was being opened.

    Parameters
    ----------
    exc : BaseException
        An exception caught around a page.

    Returns
    -------
    bool
        True for a :class:`loaders.workspace.WorkspaceError` raised by
        :func:`loaders.workspace.open_workspace` (the workspace cannot be
        opened); False for any other error, including a WorkspaceError about
        one save or one alias.
    """
    if not isinstance(exc, WorkspaceError):
        return False
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code is Workspace.__init__.__code__:
            return True
        tb = tb.tb_next
    return False


def _without_password(text: str) -> str:
    """``text`` with the workspace URL's password (if any) replaced by ``***``.

    The WorkspaceError messages mask it already; this is a second guard.
    """
    try:
        password = make_url(workspace_url()).password
    except Exception:  # noqa: BLE001 - an unreadable URL has no password to find
        return text
    if password:
        for form in {str(password), quote(str(password), safe="")}:
            text = text.replace(form, "***")
    return text


def show_workspace_error(exc: BaseException) -> None:
    """Show that the workspace cannot be opened, why, and what to do.

    One ``st.error`` box, no traceback; the reason is logged as one line (no
    traceback either). The password of the workspace URL appears in neither.

    Parameters
    ----------
    exc : BaseException
        The :class:`loaders.workspace.WorkspaceError` raised while opening the
        workspace (its message names the masked URL or the file, and the cause).
    """
    reason = _without_password(str(exc).strip()).rstrip(".")
    _LOG.warning("the workspace cannot be opened: %s", reason)
    st.error(
        "**The workspace cannot be opened**, so this page cannot be shown.\n\n"
        f"What happened: {reason}.\n\n"
        f"What to do: fix `{ENV_WORKSPACE_URL}` (the workspace database URL) or "
        f"`{ENV_WORKSPACE_DIR}` (the folder of the SQLite workspace file) where "
        "the app is started, then restart the app. Nothing saved in the "
        "workspace was changed.",
        icon=":material/database:",
    )
