"""Who the visitor is and what their role lets them do (the UI side of
:mod:`loaders.workspace.access`).

Without sign-in (no ``[auth]`` in ``.streamlit/secrets.toml``) the visitor is
the local operator, an admin: today's single-user app. With sign-in, the
role comes from ``[lmi.roles]`` of the same file (e-mail addresses and
domains, :meth:`loaders.workspace.RoleRules.from_mapping`), and a change the
role does not allow is refused by the workspace itself; the pages only hide
or disable what cannot be done and say why (:func:`explain`).

Pages get the workspace through :func:`workspace` (bound to the visitor, also
in callbacks); ``app.py`` binds the visitor around every page run as well, so
a page that calls :func:`loaders.workspace.open_workspace` directly acts as
the visitor too, and an unbound change is refused when sign-in is on.
"""

from __future__ import annotations

import streamlit as st

from dashboard import state
from loaders.workspace import (
    PERMISSIONS,
    ActingWorkspace,
    Principal,
    Role,
    local_principal,
    open_workspace,
    set_unbound_principal,
)

__all__ = [
    "bind_visitor",
    "can",
    "explain",
    "principal",
    "workspace",
]


def principal() -> Principal | None:
    """The visitor as the workspace sees them.

    Returns
    -------
    Principal or None
        The local operator (admin) without sign-in; the signed-in user with
        their role; ``None`` when nobody is signed in or the rules give this
        address no role.
    """
    if not state.auth_configured():
        return local_principal()
    role = state.visitor_role()
    email = st.user.get("email") if role is not None else None
    if role is None or not email:
        return None
    return Principal(str(email), role)


def workspace() -> ActingWorkspace:
    """The workspace acting as the visitor (:func:`principal`).

    Raises
    ------
    WorkspaceError
        It cannot be opened; :class:`loaders.workspace.PermissionDenied`
        when nobody with a role is signed in.
    """
    who = principal()
    if who is None:
        who = Principal("anonymous", Role.VIEWER)  # reads only; changes refused
    return open_workspace().as_user(who)


def can(needed: Role | str) -> bool:
    """Whether the visitor's role allows ``needed`` (a role, or a workspace
    method's name such as ``"save_roster"``)."""
    who = principal()
    if who is None:
        return False
    if isinstance(needed, str):
        needed = PERMISSIONS[needed].role
    return who.can(needed)


def explain(needed: Role, what: str) -> None:
    """Say, where a control is missing, why (the role it needs, who grants it)."""
    who = principal()
    have = "no role" if who is None else f"the {who.role.label} role"
    st.info(
        f"{what[0].upper()}{what[1:]} needs the {needed.label} role; you have "
        f"{have}. An admin grants roles in `[lmi.roles]` of "
        "`.streamlit/secrets.toml` (docs/DEPLOYMENT.md).",
        icon=":material/lock:",
    )


def bind_visitor() -> Principal | None:
    """Set up this page run: with sign-in on, unbound workspace changes are
    refused for the process; return the visitor (``None``: no role).

    Raises
    ------
    ValueError
        ``[lmi.roles]`` is malformed.
    """
    if state.auth_configured():
        set_unbound_principal(None)
    return principal()
