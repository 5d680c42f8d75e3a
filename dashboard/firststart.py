"""The page a visitor sees while the first start prepares the boundaries.

``lmi-dashboard run`` serves at once and prepares the boundary files beside
the server (:func:`geodata.firststart.prepare`). Until that is done, every
page shows how far it got (step, bytes, the cache folder) and refreshes
itself each second, instead of starting a second, competing build. When the
app was started another way (``streamlit run``), nothing was started in the
background and the pages load the boundaries themselves as before.
"""

from __future__ import annotations

import time

import streamlit as st

from geodata.firststart import STATUS, PreparationState

__all__ = ["show_progress", "wait_until_ready"]

REFRESH_S = 1.0


def wait_until_ready() -> None:
    """Show the first-start progress and stop the page while it runs."""
    now = STATUS.get()
    if now.phase not in ("running", "failed"):
        return
    show_progress(now)
    time.sleep(REFRESH_S)
    st.rerun()


def show_progress(now: PreparationState) -> None:
    """The progress page for one snapshot (stops the page when it failed)."""
    st.title("Preparing the map (first start)")
    if now.phase == "failed":
        st.error(now.error)
        st.stop()
    st.write(
        "The app downloads the published Census and CDE boundary files and "
        "prepares the map layers once; later starts take seconds. This page "
        "refreshes by itself."
    )
    if now.label:
        st.markdown(f"**{now.label}**")
        if now.bytes_text():
            st.progress(now.fraction, text=now.bytes_text())
    if now.started:
        st.caption(f"{time.monotonic() - now.started:,.0f} s so far.")
    if now.cache:
        st.caption(
            f"Cache folder: `{now.cache}` (set `LMI_CACHE_DIR` to keep it "
            "elsewhere; `LMI_GEODATA_DIR` names a folder that already holds "
            "the files)."
        )
