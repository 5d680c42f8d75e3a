"""Data page, Audit trail section (admins): who changed the workspace, when and
what, newest first, and the whole trail as CSV. Read-only: the workspace has no
way to change an entry (:mod:`loaders.workspace.audit`)."""

from __future__ import annotations

import streamlit as st

from dashboard.datapage.common import grid
from loaders.workspace import Workspace

SHOWN = 500


def audit_section(ws: Workspace) -> None:
    """The audit trail (the workspace refuses non-admins itself)."""
    st.subheader("Audit trail")
    total = ws.audit_count()
    st.caption(
        f"{total:,} change{'s' if total != 1 else ''} recorded: every upload, "
        "removal, restore, review decision, alias, event, plan and setting, "
        "with who made it and when (UTC). Entries cannot be edited or deleted."
    )
    if not total:
        return
    trail = ws.audit_trail(limit=SHOWN)
    shown = trail.assign(at=trail["at"].dt.strftime("%Y-%m-%d %H:%M:%S"))
    grid(
        shown[["at", "actor", "role", "action", "target"]],
        column_config={"at": "When (UTC)", "actor": "Who", "target": "What"},
        hide_index=True,
    )
    if total > SHOWN:
        st.caption(f"The newest {SHOWN:,} are shown; the download has them all.")
    st.download_button(
        "Download the audit trail (CSV)",
        lambda: ws.export_audit_csv(),
        file_name="lmi-audit-trail.csv",
        mime="text/csv",
        key="data_audit_dl",
        on_click="ignore",
    )
