"""Shared by the Data page's sections: constants, escaping, the per-session memo,
flash messages, formula-safe grids.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.tables import show_table
from loaders.entities import TYPE_WORDS as TYPE_LABEL
from loaders.exports import neutralise_frame
from loaders.workspace import SETTING_SHOW_CONTACTS, Workspace

UPLOAD_INJECT_KEY = "data_upload_inject"
PAGE_SIZE = 10
NONE = "__none__"
NOT_CA = "__not_california__"
ANY_COUNTY = "__any__"
STATUSES = ("all", "matched", "ambiguous", "unmatched", "rejected")
PREVIEW_COLUMNS = [
    "source_row", "entity_name", "county", "event_id", "role", "status",
    "match_status", "matched_name", "geoid", "match_method", "score", "runner_up",
    "match_note", "row_notes",
]  # fmt: skip
CONTACT_PREVIEW = ["person_name", "email"]
NOT_ON_MAP_COLUMNS = ["roster_id", "source_row", "reason", "entity_name", "county",
                      "event_id", "role", "status", "match_status"]  # fmt: skip
_MEMO_SIZE = 12
_log = logging.getLogger("lmi_dashboard.data")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")
# GitHub-flavoured Markdown links bare URLs and addresses whatever the escapes
# (checked in Chromium: "http\://x" still became a link); a word joiner (U+2060,
# invisible) after the scheme or "www" and before "@" keeps them plain text.
_AUTOLINK = re.compile(r"(?i)(https?|ftp|mailto|www)|(@)")
WORD_JOINER = "\u2060"


def md(text: Any) -> str:
    """Roster text made inert for st.markdown (no links, images, HTML, LaTeX)."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    plain = " ".join(str(text).split())
    plain = _AUTOLINK.sub(
        lambda m: m.group(1) + WORD_JOINER if m.group(1) else WORD_JOINER + "@", plain
    )
    return _MD_SPECIAL.sub(r"\\\1", plain)


def flash(kind: str, message: str) -> None:
    """Show ``message`` with ``st.<kind>`` on the next run (after st.rerun)."""
    st.session_state.setdefault("data_flash", []).append((kind, message))


def show_flash() -> None:
    """Show the messages :func:`flash` kept, once."""
    for kind, message in st.session_state.pop("data_flash", []):
        getattr(st, kind)(message)


def memo(key: tuple, compute: Callable[[], Any]) -> Any:
    """Per-session memo for reads, matches and candidate searches."""
    store: dict = st.session_state.setdefault("data_memo", {})
    if key in store:
        store[key] = store.pop(key)  # most recent last
        return store[key]
    value = compute()
    store[key] = value
    while len(store) > _MEMO_SIZE:
        store.pop(next(iter(store)))
    return value


def guarded(section: Callable[..., None], *args: Any) -> None:
    """Run one section; a loader's error becomes st.error, never a traceback."""
    try:
        section(*args)
    except ValueError as exc:  # RosterFileError, WorkspaceError, AliasImportError...
        st.error(str(exc))
    except Exception as exc:  # noqa: BLE001 - last line of defence for the page
        _log.exception("data page section failed")
        st.error(
            "This part of the page could not be shown "
            f"({type(exc).__name__}). Your saved data is unchanged; reload the "
            "page or try again."
        )


def entity_label(ref: pd.DataFrame) -> dict[str, str]:
    """GEOID → "Name — County County · type", for pick lists."""
    return memo(
        ("labels", len(ref)),
        lambda: {
            g: f"{n} — {c} County · {TYPE_LABEL.get(t, t)}"
            for g, n, c, t in zip(
                ref["geoid"],
                ref["name"],
                ref["county"],
                ref["district_type"],
                strict=True,
            )
        },
    )


def grid(frame: pd.DataFrame, **kwargs: Any) -> Any:
    """A table of roster text, formula-safe: the grid's CSV download is safe too."""
    return show_table(neutralise_frame(frame), **kwargs)


def contact_allowed(ws: Workspace) -> bool:
    """The signed-in user's "show contact details" setting."""
    return bool(ws.get_setting(SETTING_SHOW_CONTACTS, False))


def display(
    frame: pd.DataFrame, show_contacts: bool, columns: list[str]
) -> pd.DataFrame:
    """``columns`` of ``frame`` that it has, and its contact columns if shown."""
    cols = [c for c in columns if c in frame.columns]
    if show_contacts:
        cols += [c for c in CONTACT_PREVIEW if c in frame.columns]
    return frame[cols]
