"""``st_folium`` with the folium → Leaflet conversion cached by content.

``streamlit_folium.st_folium`` renders the whole folium map to JavaScript on
every script run (about 0.25 s for the statewide map), even when nothing on
the map changed. Here the conversion runs once per distinct map (keyed by the
caller's content key) and the cached strings go straight to the same
streamlit-folium component, so a rerun that shows an already-seen map costs
only the component call. What changes often on a map that stays the same (the
outline of the selected district) goes in ``overlay_js``, which the component
evaluates on the drawn map without redrawing it (its dynamic ``feature_group``).
The component, its frontend and its return values are streamlit-folium's own.

Private API, kept in this module only: streamlit-folium's ``_get_html``,
``_get_header``, ``_get_map_string``, ``get_full_id``, ``generate_js_hash``
and ``_component_func`` (called with the keywords ``st_folium`` passes it).
streamlit-folium is pinned to the 0.27 series in ``pyproject.toml`` and
``tests/test_private_apis.py`` fails loudly when it changes any of these.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

import folium
import streamlit as st
import streamlit_folium as sf

from geodata.compactgeojson import asset_links

#: Distinct maps kept (all sessions share them): 1 statewide, 11 regions and 58
#: counties per measure and filter; the statewide map is ~350 kB, others less.
MAX_MAPS = 128


@st.cache_data(show_spinner=False, max_entries=MAX_MAPS)
def _component_args(cache_key: str, _build: Callable[[], folium.Map]) -> dict:
    fmap = _build()
    fmap.get_root().render()
    fmap.render()
    html = sf._get_html(fmap)
    header = sf._get_header(fmap)
    script = sf._get_map_string(fmap)
    css_links, js_links = asset_links(fmap)
    bounds = fmap.get_bounds()
    return {
        "script": script,
        "header": header,
        "html": html,
        "id": sf.get_full_id(fmap),
        "css_links": css_links,
        "js_links": js_links,
        "bounds": bounds,
        "zoom": fmap.options.get("zoom"),
        # the component's identity (streamlit-folium's own hash of the script),
        # computed once: it scans the whole script
        "script_hash": sf.generate_js_hash(script, None, False),
    }


#: The component's map box follows its frame's height (streamlit-folium gives
#: it the fixed pixel height of the call).
FILL_CSS = "<style>html,body{height:100%}#map_div{height:100vh!important}</style>"


def st_folium_cached(
    cache_key: str,
    build: Callable[[], folium.Map],
    *,
    key: str,
    height: int = 600,
    returned_objects: Iterable[str] = ("last_active_drawing",),
    on_change: Callable[[], None] | None = None,
    overlay_js: str | None = None,
    fill: bool = False,
) -> dict:
    """Show a folium map built by ``build()``; rebuild only for a new ``cache_key``.

    Parameters
    ----------
    cache_key : str
        Identifies the map's content (filters, measure, roster hash...).
    build : callable
        Returns the :class:`folium.Map`; called only on a cache miss.
    key : str
        Session-state key holding the component's last value.
    returned_objects : iterable of str
        What the browser sends back. Only these changing triggers a rerun, so
        panning and zooming never do.
    on_change : callable, optional
        Called (as a widget callback) when the browser sends a new value.
    overlay_js : str, optional
        Script run on the drawn map whenever it changes (streamlit-folium's
        ``feature_group``): it must put the layers it adds in
        ``window.feature_group`` so that the next overlay replaces them. The
        map is not redrawn and the component keeps its identity.
    fill : bool, default False
        The map fills its frame's height, so a page may size the frame with
        CSS (e.g. the window's height less what is above the map); ``height``
        is then the frame's height until that CSS applies.

    Returns
    -------
    dict
        The component's value (``{"last_active_drawing": ...}``).
    """
    args = _component_args(cache_key, build)
    returned = list(returned_objects)
    (south, west), (north, east) = args["bounds"]
    # In the frontend's own key order: it compares JSON strings, so another
    # order would count as a change and send a value (one more rerun) as soon
    # as each new map is drawn.
    defaults_all = {
        "last_object_clicked": None,
        "last_object_clicked_tooltip": None,
        "last_active_drawing": None,
        "bounds": {
            "_southWest": {"lat": south, "lng": west},
            "_northEast": {"lat": north, "lng": east},
        },
        "zoom": args["zoom"],
    }
    defaults = {k: v for k, v in defaults_all.items() if k in returned}
    hash_key = hashlib.sha256(f"{args['script_hash']}|{key}".encode()).hexdigest()

    def _on_change() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})
        if on_change is not None:
            on_change()

    return sf._component_func(
        script=args["script"],
        header=args["header"] + (FILL_CSS if fill else ""),
        html=args["html"],
        id=args["id"],
        key=hash_key,
        height=height,
        width=None,
        returned_objects=returned,
        default=defaults,
        zoom=None,
        center=None,
        feature_group=overlay_js or None,
        return_on_hover=False,
        layer_control="",
        pixelated=False,
        css_links=args["css_links"],
        js_links=args["js_links"],
        on_change=_on_change,
        wrap_longitude=False,
    )
