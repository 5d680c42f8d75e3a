"""``st_folium`` with the folium → Leaflet conversion cached by content.

``streamlit_folium.st_folium`` renders the whole folium map to JavaScript on
every script run (about 0.25 s for the statewide map), even when nothing on
the map changed. Here the conversion runs once per distinct map (keyed by the
caller's content key) and the cached strings go straight to the same
streamlit-folium component, so a rerun that shows an already-seen map costs
only the component call. The component, its frontend and its return values are
streamlit-folium's own (pinned to the 0.27 series in ``pyproject.toml``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import folium
import streamlit as st
import streamlit_folium as sf


@st.cache_data(show_spinner=False, max_entries=48)
def _component_args(cache_key: str, _build: Callable[[], folium.Map]) -> dict:
    fmap = _build()
    fmap.get_root().render()
    fmap.render()
    html = sf._get_html(fmap)
    header = sf._get_header(fmap)
    script = sf._get_map_string(fmap)
    css_links: list[str] = []
    js_links: list[str] = []

    def walk(element):
        css_links.extend(href for _, href in getattr(element, "default_css", []))
        js_links.extend(src for _, src in getattr(element, "default_js", []))
        for child in getattr(element, "_children", {}).values():
            walk(child)

    walk(fmap)
    bounds = fmap.get_bounds()
    return {
        "script": script,
        "header": header,
        "html": html,
        "id": sf.get_full_id(fmap),
        "css_links": list(dict.fromkeys(css_links)),
        "js_links": list(dict.fromkeys(js_links)),
        "bounds": bounds,
        "zoom": fmap.options.get("zoom"),
    }


def st_folium_cached(
    cache_key: str,
    build: Callable[[], folium.Map],
    *,
    key: str,
    height: int = 600,
    returned_objects: Iterable[str] = ("last_active_drawing",),
    on_change: Callable[[], None] | None = None,
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

    Returns
    -------
    dict
        The component's value (``{"last_active_drawing": ...}``).
    """
    args = _component_args(cache_key, build)
    returned = list(returned_objects)
    (south, west), (north, east) = args["bounds"]
    defaults_all = {
        "last_active_drawing": None,
        "last_object_clicked": None,
        "last_object_clicked_tooltip": None,
        "bounds": {
            "_southWest": {"lat": south, "lng": west},
            "_northEast": {"lat": north, "lng": east},
        },
        "zoom": args["zoom"],
    }
    defaults = {k: v for k, v in defaults_all.items() if k in returned}
    hash_key = sf.generate_js_hash(args["script"], key, False)

    def _on_change() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})
        if on_change is not None:
            on_change()

    return sf._component_func(
        script=args["script"],
        header=args["header"],
        html=args["html"],
        id=args["id"],
        key=hash_key,
        height=height,
        width=None,
        returned_objects=returned,
        default=defaults,
        zoom=None,
        center=None,
        feature_group=None,
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        css_links=args["css_links"],
        js_links=args["js_links"],
        on_change=_on_change,
        wrap_longitude=False,
    )
