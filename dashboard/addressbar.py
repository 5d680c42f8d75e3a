"""The Streamlit side of :mod:`dashboard.links`: a page's settings in its address.

A page calls :func:`keep_settings` once per run, after its defaults are set and
before its widgets are drawn: on the page's first run in a session it applies
the address (a shared link) to the session state and says what it could not
use; on every run it writes the session state back to the address
(``st.query_params``, which sends the new address to the browser without
another run). :func:`copy_link_button` copies the address as it is.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import streamlit as st

from dashboard import links
from geodata.siting import SERVE_OPTIONS
from loaders.entities import TYPE_CHOICES

__all__ = [
    "EXPORT_SETTINGS",
    "PLAN_SETTINGS",
    "copy_link_button",
    "current_params",
    "export_choices",
    "first_visit",
    "keep_settings",
    "write_params",
]

_ALL = "All"
_TYPES = tuple(TYPE_CHOICES)

#: The Plan page's settings kept in its address.
PLAN_SETTINGS: tuple[links.Setting, ...] = (
    links.Setting("serve", "plan_serve", "text", tuple(SERVE_OPTIONS)),
    links.Setting("event", "plan_events", "texts"),
    links.Setting("region", "plan_regions", "ints", links.REGIONS),
    links.Setting("county", "plan_counties", "texts"),
    links.Setting("type", "plan_types", "texts", _TYPES),
    links.Setting("weight", "plan_weight", "text", ("people", "equal")),
    links.Setting("people", "plan_people", "int", range(1, 13)),
    links.Setting("model", "plan_model", "text", ("p-median", "coverage")),
    links.Setting("meetings", "plan_p", "int", range(1, 13)),
)

#: The Export page's settings kept in its address.
EXPORT_SETTINGS: tuple[links.Setting, ...] = (
    links.Setting("measure", "export_measure", "text"),
    links.Setting("event", "export_events", "texts"),
    links.Setting("one_event", "export_event", "text"),
    links.Setting("region", "export_region", "int", links.REGIONS, absent=_ALL),
    links.Setting("county", "export_county", "text", absent=_ALL),
    links.Setting("type", "export_types", "texts", _TYPES),
    links.Setting("width", "export_width", "int", (2400, 3600, 4800)),
)


def export_choices(
    event_ids: list[str], measures: list[str], counties: list[str]
) -> dict[str, list]:
    """The Export page's run-time choices for :func:`keep_settings`."""
    return {
        "export_measure": measures,
        "export_events": event_ids,
        "export_event": event_ids,
        "export_county": counties,
    }


def current_params() -> dict[str, list[str]]:
    """The address's query parameters, every value of a repeated one."""
    qp = st.query_params
    return {name: qp.get_all(name) for name in qp.keys()}


def write_params(params: Mapping[str, Sequence[str]]) -> None:
    """Put ``params`` in the address (only when they differ: no message else)."""
    if not links.same_params(current_params(), params):
        st.query_params.from_dict({k: list(v) for k, v in params.items() if v})


def first_visit(page: str) -> bool:
    """True on a page's first run in this session (then the address is read)."""
    flag = f"_address_read_{page}"
    if st.session_state.get(flag):
        return False
    st.session_state[flag] = True
    return True


def keep_settings(
    page: str, settings: Sequence[links.Setting], choices: Mapping | None = None
) -> None:
    """Apply a shared link on the page's first run; keep the address current.

    Parameters
    ----------
    page : str
        The page's name (one flag per page and session).
    settings : sequence of dashboard.links.Setting
    choices : mapping, optional
        Session-state key → allowed values known only at run time (events,
        counties, measures); values outside them are left out with a note.
    """
    if first_visit(page):
        bounded = [
            links.Setting(s.param, s.key, s.kind, (choices or {}).get(s.key), s.absent)
            if s.choices is None and choices and s.key in choices
            else s
            for s in settings
        ]
        values, notes = links.parse_settings(current_params(), bounded)
        for key, value in values.items():
            st.session_state[key] = value
        if notes:
            st.warning(" ".join(notes))
    present = {
        s.key: st.session_state[s.key] for s in settings if s.key in st.session_state
    }
    write_params(links.settings_params(present, settings))


_COPY_HTML = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Copy a link to this view</title><style>
body{{margin:0;font:14px/1.4 "Source Sans Pro",system-ui,sans-serif}}
button{{font:inherit;padding:4px 12px;border:1px solid #6b6f76;border-radius:8px;
background:#fff;color:#262730;cursor:pointer;white-space:nowrap}}
button:hover,button:focus-visible{{border-color:#b3261e;color:#b3261e;outline:2px solid
#1c5fb4;outline-offset:1px}}
span{{margin-left:6px;color:#31333f}}
/* a narrow column (a 1024 px window): the status is read out, the button
   shows a tick, nothing is cut at the right edge */
@media (max-width:190px){{button{{padding:4px 8px}}
span{{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);
white-space:nowrap;margin:0}}
button.done::after{{content:" \\2713"}}}}
</style></head><body>
<button type="button" id="copy" aria-describedby="said">{label}</button>
<span id="said" role="status" aria-live="polite"></span>
<script>
const said = document.getElementById("said");
document.getElementById("copy").addEventListener("click", async () => {{
  const url = window.parent.location.href;
  try {{
    await navigator.clipboard.writeText(url);
    said.textContent = "Link copied";
  }} catch (e) {{
    const box = document.createElement("textarea");
    box.value = url; document.body.appendChild(box); box.select();
    const ok = document.execCommand("copy"); box.remove();
    said.textContent = ok ? "Link copied" : "Copy the page address";
  }}
  if (said.textContent === "Link copied") {{
    document.getElementById("copy").classList.add("done");
  }}
  window.lmiCopied = url;
}});
</script></body></html>"""


def copy_link_button(label: str = "Copy link") -> None:
    """A button that copies the page's address (with its view) to the clipboard.

    It reads the address in the browser when clicked, so it always copies the
    current view; clicking it sends nothing to the server.
    """
    st.iframe(
        _COPY_HTML.format(label=html.escape(label)),
        height=34,
        alt="Copy a link to this view",
    )
