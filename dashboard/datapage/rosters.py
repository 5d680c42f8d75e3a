"""Data page, Saved rosters section: the rosters, the rows the map leaves out,
downloads, remove (with undo) and the trash.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import access, state
from dashboard.datapage.common import (
    NOT_ON_MAP_COLUMNS,
    flash,
    grid,
    md,
)
from loaders.exports import table_csv_bytes
from loaders.participation import not_on_map_reason
from loaders.review import decision_counts
from loaders.workspace import Workspace

ADMIN_ONLY = (
    "Removing, restoring and deleting rosters needs the admin role "
    "(docs/DEPLOYMENT.md, roles)."
)


def rosters_section(ws: Workspace, show_contacts: bool) -> None:
    ss = st.session_state
    st.subheader("Saved rosters")
    undo = ss.get("data_undo")
    if undo:
        c1, c2 = st.columns([4, 1])
        c1.info(f"Removed roster **{md(undo[1])}**.")
        if c2.button("Undo", key="data_undo_btn"):
            ws.restore_roster(undo[0])
            ss.pop("data_undo", None)
            flash("success", f"Roster **{md(undo[1])}** is back.")
            st.rerun()
    listing = ws.list_rosters()
    if listing.empty:
        st.info(
            "No roster saved yet — the map shows the built-in demo roster. "
            "Upload a roster to see your own data."
        )
    else:
        rows = ws.all_rows()
        reason = not_on_map_reason(rows, state.events())
        counts = decision_counts(rows, by="roster_id")
        counts.index = counts.index.astype(int)
        cols = st.columns(4)
        cols[0].metric("Saved rosters", f"{len(listing):,}")
        cols[1].metric("Rows on the map", f"{int(reason.isna().sum()):,}")
        cols[2].metric("Waiting for review", f"{int(counts['to_review'].sum()):,}")
        cols[3].metric("Not on the map", f"{int(reason.notna().sum()):,}")
        table = listing.assign(
            saved=listing["uploaded_at"].dt.strftime("%Y-%m-%d %H:%M UTC")
        ).join(counts[["to_review", "not_california"]], on="roster_id")
        table = table[["roster_id", "name", "filename", "sheet", "saved", "rows",
                       "matched", "to_review", "not_california",
                       "rejected"]]  # fmt: skip
        table = table.fillna({"to_review": 0, "not_california": 0})
        grid(
            table,
            column_config={
                "name": "Roster",
                "to_review": "Waiting for review",
                "not_california": "Not California",
            },
        )
        _not_on_map(rows, reason)
        names = dict(zip(listing["roster_id"], listing["name"], strict=True))
        rid = st.selectbox(
            "Roster",
            list(names),
            format_func=lambda r: f"#{r} {names[r]}",
            key="data_roster_pick",
        )
        _roster_actions(ws, int(rid), names[rid], show_contacts)
    _trash(ws)


def _not_on_map(rows: pd.DataFrame, reason: pd.Series) -> None:
    """The saved rows the map leaves out, with the reason (no contact details)."""
    off = rows.loc[reason.notna()].assign(reason=reason[reason.notna()])
    if off.empty:
        return
    with st.expander(f"Rows not on the map ({len(off):,})"):
        st.caption(
            "Rows waiting for review are resolved in Review; rows with no known "
            "event are fixed by uploading the file again and choosing its event."
        )
        grid(off[[c for c in NOT_ON_MAP_COLUMNS if c in off.columns]])


def _roster_actions(ws: Workspace, rid: int, name: str, show_contacts: bool) -> None:
    ss = st.session_state
    rows, _rejected, meta = ws.load_roster(rid)
    c1, c2, c3 = st.columns(3)
    if show_contacts:  # the original file holds names and e-mails
        c1.download_button(
            "Download the original file",
            lambda: ws.original_file(rid),
            file_name=meta.get("filename") or f"roster-{rid}",
            key=f"data_dl_orig_{rid}",
            on_click="ignore",
        )
    else:
        c1.caption("The original file (with names and e-mails) is kept, not shown.")
    with_contacts = False
    if show_contacts:
        with_contacts = c2.checkbox(
            "Include contact details", key=f"data_dl_contacts_{rid}"
        )
    c2.download_button(
        "Download matched roster (CSV)",
        table_csv_bytes(rows, include_contacts=with_contacts),
        file_name=f"{Path(meta.get('filename') or 'roster').stem}-matched.csv",
        mime="text/csv",
        key=f"data_dl_matched_{rid}",
        help="Every row with its match columns; names and emails are left out "
        "unless you tick 'Include contact details'.",
    )
    if ss.get("data_confirm_remove") == rid:
        st.warning(
            f"Remove roster **{md(name)}** ({len(rows):,} rows)? The map stops "
            "counting it. You can undo this, and it stays in the trash until you "
            "empty it."
        )
        y, n = st.columns(2)
        if y.button("Yes, remove it", type="primary", key="data_remove_yes"):
            ws.delete_roster(rid)
            ss.pop("data_confirm_remove", None)
            ss["data_undo"] = (rid, name)
            st.rerun()
        if n.button("Cancel", key="data_remove_no"):
            ss.pop("data_confirm_remove", None)
            st.rerun()
    elif c3.button(
        "Remove this roster…",
        key="data_remove",
        disabled=not access.can("delete_roster"),
        help=None if access.can("delete_roster") else ADMIN_ONLY,
    ):
        ss["data_confirm_remove"] = rid
        st.rerun()
    if meta.get("notes"):
        with st.expander("Reading notes"):
            for note in meta["notes"]:
                st.caption(md(note))


def _trash(ws: Workspace) -> None:
    trash = ws.list_rosters(deleted=True)
    if trash.empty:
        return
    with st.expander(f"Trash ({len(trash)})"):
        names = dict(zip(trash["roster_id"], trash["name"], strict=True))
        rid = st.selectbox(
            "Removed roster",
            list(names),
            format_func=lambda r: f"#{r} {names[r]}",
            key="data_trash_pick",
        )
        admin = access.can("purge_deleted")
        if not admin:
            st.caption(ADMIN_ONLY)
        c1, c2 = st.columns(2)
        if c1.button("Restore", key="data_trash_restore", disabled=not admin):
            ws.restore_roster(int(rid))
            st.session_state.pop("data_undo", None)
            flash("success", f"Roster **{md(names[rid])}** is back.")
            st.rerun()
        sure = c2.checkbox(
            "I understand this cannot be undone",
            key="data_trash_sure",
            disabled=not admin,
        )
        if c2.button(
            "Empty the trash", disabled=not (sure and admin), key="data_trash_empty"
        ):
            n = ws.purge_deleted()
            st.session_state.pop("data_undo", None)
            flash("success", f"Deleted {n} roster{'s' if n != 1 else ''} for good.")
            st.rerun()
