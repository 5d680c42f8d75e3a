"""Streamlit entry point: `streamlit run dashboard/app.py` (or `lmi-dashboard run`)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

# `streamlit run dashboard/app.py` puts dashboard/ on sys.path, not the project.
_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

import streamlit as st  # noqa: E402

from dashboard import access, errors, firststart, state  # noqa: E402
from geodata import mapview  # noqa: E402
from loaders.workspace import acting_as  # noqa: E402

st.set_page_config(
    page_title="CA LMI network dashboard",
    page_icon="🗺️",  # an emoji: a :material/…: favicon is fetched from Google
    layout="wide",
)
state.static_assets_ready()
if not st.get_option("server.enableStaticServing"):
    # started without the project's config (e.g. a bare `streamlit run`): the
    # map still loads Leaflet, from data: URLs instead of /app/static/
    mapview.DEFAULT_ASSET_BASE = "data"

if state.auth_configured() and not state.signed_in():
    # sign-in configured ([auth] in .streamlit/secrets.toml): nothing without it
    st.title("CA LMI network dashboard")
    st.write("Sign in to see the participation maps and rosters.")
    st.button("Sign in", type="primary", on_click=st.login)
    st.stop()
try:
    visitor = access.bind_visitor()
except ValueError as exc:  # [lmi.roles] malformed: say so, show nothing
    st.error(str(exc))
    st.stop()
if state.signed_in():
    if visitor is None:  # signed in, but [lmi.roles] gives this address no role
        st.title("CA LMI network dashboard")
        st.write(
            f"You are signed in as {st.user.get('email') or 'an unnamed account'}, "
            "which has no role in this dashboard. Ask an admin to add you to "
            "`[lmi.roles]` (docs/DEPLOYMENT.md)."
        )
        st.button("Sign out", on_click=st.logout)
        st.stop()
    st.sidebar.caption(f"Signed in as {visitor.name} ({visitor.role.label})")
    st.sidebar.button("Sign out", on_click=st.logout)

firststart.wait_until_ready()  # first start: progress until the boundaries are ready

# not "pages/": Streamlit would list a folder of that name itself
PAGES = Path(__file__).with_name("views")
_SPECS = [
    ("map.py", "Map", ":material/map:"),
    ("trends.py", "Trends", ":material/trending_up:"),
    ("data.py", "Data", ":material/table:"),
    ("plan.py", "Plan", ":material/place:"),
    ("events.py", "Events", ":material/event:"),
    ("export.py", "Export", ":material/download:"),
]
pages = [
    st.Page(str(PAGES / file), title=title, icon=icon, default=(file == "map.py"))
    for file, title, icon in _SPECS
    if (PAGES / file).is_file()
]
try:
    with acting_as(visitor):  # direct workspace calls act as the visitor too
        st.navigation(pages).run()
except Exception as exc:  # last line of defence: no traceback in the UI
    if errors.opening_failed(exc):
        # the workspace database cannot be opened (unreachable server, folder
        # that cannot be written...): say so, why and what to do, not "went wrong"
        errors.show_workspace_error(exc)
    else:
        logging.getLogger("lmi_dashboard").exception("page failed")
        st.error(
            "Something went wrong on this page and it could not be shown. "
            f"What happened: {type(exc).__name__}: {str(exc).rstrip('.')}. Your "
            "saved data is unchanged; try again, or go to another page."
        )
