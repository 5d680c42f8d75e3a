"""The interactive map of a request as one self-contained HTML file.

The file is the Map page's map (same layers, level of detail, extent, legend
and tooltips: :func:`geodata.layers.participation_layers` drawn by
:func:`geodata.mapview.participation_map`) with Leaflet inlined, a title box
and the credit line: it opens in a browser with no app and no internet. No
personal data is ever in it, only per-district measures.
"""

from __future__ import annotations

import html
import json

import pandas as pd
from branca.element import Element, MacroElement
from jinja2 import Template

from geodata.layers import participation_layers
from geodata.leafletassets import map_html_standalone
from geodata.maprequest import SOURCE_LINE, MapRequest, map_titles, select_area
from geodata.mapview import participation_map

__all__ = ["participation_map_html"]

_STYLE = (
    "<style>.lmi-head{position:fixed;top:8px;left:54px;z-index:1000;"
    "max-width:calc(100% - 440px);min-width:200px;"
    "background:rgba(255,255,255,.92);padding:4px 10px;border-radius:4px;"
    "font:600 15px/1.3 system-ui,sans-serif;box-shadow:0 1px 4px "
    "rgba(0,0,0,.3)}.lmi-head small{display:block;font-weight:400;"
    "font-size:12px;color:#444}"
    ".leaflet-control-attribution{max-width:min(420px,60vw);"
    "white-space:normal;font:11px/1.3 system-ui,sans-serif}</style>"
)


def participation_map_html(
    teams: pd.DataFrame, events: pd.DataFrame, request: MapRequest
) -> str:
    """The interactive map of a request as one self-contained HTML page.

    Parameters
    ----------
    teams : pandas.DataFrame
        :func:`loaders.participation.teams_by_event`.
    events : pandas.DataFrame
        :func:`loaders.events.load_events`.
    request : MapRequest

    Returns
    -------
    str
        The HTML document. Every drawn feature keeps its ``geoid`` as GeoJSON
        ``id``.

    Raises
    ------
    ValueError
        If the request is invalid (see :meth:`MapRequest.checked`).
    """
    request = request.checked(events)
    layers = participation_layers(teams, request, events=events)
    area = select_area(
        layers.outlines, region=request.region, county=request.county
    ).label
    title, subtitle = map_titles(request, events, area)
    fmap = participation_map(layers, asset_base="inline")
    # The credit line goes into Leaflet's attribution control, which wraps it
    # next to "Leaflet" instead of running under it.
    fmap.add_child(_Attribution(SOURCE_LINE))
    root = fmap.get_root()
    root.title = title
    root.header.add_child(Element(_STYLE), name="lmi_export_style")
    root.html.add_child(
        Element(
            f'<div class="lmi-head">{html.escape(title)}'
            f"<small>{html.escape(subtitle)}</small></div>"
        ),
        name="lmi_export_text",
    )
    return map_html_standalone(fmap)


class _Attribution(MacroElement):
    """Text added to the Leaflet attribution control of its parent map."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution(
            {{ this.text }});
        {% endmacro %}
        """
    )

    def __init__(self, text: str):
        super().__init__()
        self._name = "Attribution"
        self.text = json.dumps(html.escape(text))
