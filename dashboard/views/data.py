"""Data page: upload rosters, review matches, manage saved rosters and aliases.

Everything computed here comes from :mod:`loaders` (reading, matching, the
workspace database); this script only lays it out. Errors the loaders raise are
``ValueError`` subclasses with messages fit for users: they are shown with
``st.error``, never as a traceback. Roster text is shown through
``st.dataframe`` (formula-safe: the grid's own CSV download writes no cell
starting with ``=``, ``+``, ``-``, ``@``) or with Markdown escaped. Contact
details (names, emails) are shown only when the operator setting allows them.
What an upload merges and which events it lacks (:mod:`loaders.upload`,
:mod:`loaders.event_mapping`), what waits for review (:mod:`loaders.review`)
and what is not on the map (:mod:`loaders.participation`) are library
functions, tested without Streamlit.

The sections live in :mod:`dashboard.datapage` (one module each); this script
lays out the page and keeps the section chosen. Test seam: a test may put
``{"name": <file name>, "data": <bytes>}`` in
``st.session_state["data_upload_inject"]``
(:data:`dashboard.datapage.common.UPLOAD_INJECT_KEY`); the page then treats it
exactly like a file dropped on the uploader.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from dashboard import access, errors, state
from dashboard.datapage.aliases import aliases_section
from dashboard.datapage.audit import audit_section
from dashboard.datapage.common import (
    contact_allowed,
    guarded,
    show_flash,
)
from dashboard.datapage.review import review_section
from dashboard.datapage.rosters import rosters_section
from dashboard.datapage.upload import upload_section
from loaders.workspace import (
    SETTING_SHOW_CONTACTS,
    Role,
    Workspace,
    WorkspaceError,
)

SECTIONS = ("upload", "review", "rosters", "aliases", "audit")
SECTION_TITLES = {
    "upload": "Upload",
    "review": "Review",
    "rosters": "Saved rosters",
    "aliases": "Aliases",
    "audit": "Audit trail",
}
#: What each section lets a user change, and the least role for it.
SECTION_NEEDS = {
    "upload": (Role.EDITOR, "uploading a roster"),
    "review": (Role.EDITOR, "deciding review items"),
    "aliases": (Role.EDITOR, "editing aliases"),
    "audit": (Role.ADMIN, "reading the audit trail"),
}


def _operator_settings(ws: Workspace) -> bool:
    """Whether contact details show; only the operator or a signed-in user decides."""
    with st.expander("Operator settings"):
        if state.signed_in() and not access.can(Role.ADMIN):
            st.caption(
                "Contact details are "
                + ("shown" if state.contacts_allowed() else "hidden")
                + " for you. Only an admin changes this setting."
            )
        elif state.signed_in():
            allowed = contact_allowed(ws)
            value = st.toggle(
                "Show contact details (names, emails) in the app",
                value=allowed,
                key="data_show_contacts",
                help="Off by default. Exports include contact details only when "
                "explicitly asked.",
            )
            if value != allowed:
                ws.set_setting(SETTING_SHOW_CONTACTS, bool(value))
        elif state.contacts_allowed():
            st.caption(
                f"Contact details are shown: the app was started with "
                f"`{state.CONTACTS_ENV}=1`."
            )
        else:
            st.caption(
                "Contact details (names, emails) are hidden everywhere in the app. "
                f"The operator can show them by starting the app with "
                f"`{state.CONTACTS_ENV}=1`, or by configuring sign-in "
                "(docs/DEPLOYMENT.md)."
            )
    return state.contacts_allowed()


def _section_picker(labels: dict[str, str], sections: tuple[str, ...]) -> str:
    """The section shown, kept by its id (``data_section``), not by its label.

    The browser resets a radio whose option labels change ("Review (3)" →
    "Review (2)") to its first option, and drops the click that caused the
    change (Undo). So the radio's key follows its labels: a new label set is a
    new radio, created on the section kept in ``data_section``. A link may
    open a section with ``?section=review`` (the Map page's caption does).
    """
    ss = st.session_state
    ss.setdefault("data_section", "upload")
    linked = st.query_params.get("section")  # a link from the Map page's caption
    if linked is not None:
        del st.query_params["section"]  # taken once; the radio rules afterwards
        if linked in sections:
            ss["data_goto"] = linked
    if "data_goto" in ss:  # set by an action on the previous run
        ss["data_section"] = ss.pop("data_goto")
    if ss["data_section"] not in sections:
        ss["data_section"] = "upload"
    key = (
        "data_section_"
        + hashlib.sha1("|".join(labels.values()).encode()).hexdigest()[:8]
    )
    if ss.get(key) != ss["data_section"]:
        ss[key] = ss["data_section"]

    def chosen() -> None:
        ss["data_section"] = ss[key]

    st.radio(
        "Section",
        sections,
        format_func=labels.get,
        horizontal=True,
        key=key,
        on_change=chosen,
        label_visibility="collapsed",
    )
    return ss["data_section"]


def render() -> None:
    """The Data page."""
    st.title("Data")
    try:
        ws = access.workspace()
    except WorkspaceError as exc:
        errors.show_workspace_error(exc)
        st.stop()
    st.caption(
        f"Workspace: `{ws.location()}` — set `LMI_WORKSPACE_DIR` (a folder) or "
        "`LMI_WORKSPACE_URL` (a database URL) to keep it elsewhere."
    )
    show_flash()
    show_contacts = False
    try:
        show_contacts = _operator_settings(ws)
        queue_n = int(ws.review_queue()["n_rows"].sum())
        saved_n = len(ws.list_rosters())
    except ValueError as exc:
        st.error(str(exc))
        queue_n = saved_n = 0
    counts = {"review": queue_n, "rosters": saved_n}
    # the audit trail is listed for admins only; the others for everyone, with
    # a note instead of controls where the role cannot change anything
    sections = tuple(s for s in SECTIONS if s != "audit" or access.can(Role.ADMIN))
    labels = {
        s: SECTION_TITLES[s] + (f" ({counts[s]:,})" if counts.get(s) else "")
        for s in sections
    }
    section = _section_picker(labels, sections)
    needed = SECTION_NEEDS.get(section)
    if needed is not None and not access.can(needed[0]):
        access.explain(*needed)
    elif section == "audit":
        guarded(audit_section, ws)
    elif section == "upload":
        guarded(upload_section, ws, show_contacts)
    elif section == "review":
        guarded(review_section, ws)
    elif section == "rosters":
        guarded(rosters_section, ws, show_contacts)
    else:
        guarded(aliases_section, ws)


render()
