"""The participation map drawn with folium, for the app and the HTML export.

:func:`build_map` draws districts and counties that carry a measure (see
:func:`geodata.layers.participation_layers`): one toggleable layer per district
type and one for county offices of education, county outlines, a legend and
tooltips; :func:`participation_map` does so for a request's layers. The same
map serves the Streamlit app (through :mod:`dashboard.fastmap`) and the
self-contained HTML export (:mod:`geodata.htmlmap`), so what is exported is
what is on screen. :func:`selection_overlay_js` outlines the selected district
on a drawn map without redrawing it.

Offline by design: :func:`offline_map` loads Leaflet only, from the app or
inlined (:mod:`geodata.leafletassets`); no base-map tiles by default: county
outlines on a plain background carry the geography. Rings travel as encoded
polylines (:mod:`geodata.compactgeojson`).

Names of the measures, classes and legend (:mod:`geodata.measures`), the
offline assets (:mod:`geodata.leafletassets`) and the drill-down extent
(:mod:`geodata.maprequest`) are re-exported here for the callers that import
them from this module.
"""

from __future__ import annotations

import html
import json

import folium
import geopandas as gpd
import pandas as pd
from branca.element import Element, MacroElement
from jinja2 import Template

from geodata.compactgeojson import (
    DECODER_JS,
    CompactGeoJson,
    encode_features,
    encode_geometry,
)
from geodata.layers import ParticipationLayers
from geodata.leafletassets import (
    LEAFLET_VERSION,
    asset_url,
    external_urls,
    install_static_assets,
    link_leaflet,
    map_html_standalone,
)
from geodata.maprequest import detail_level, drill_view
from geodata.measures import MEASURES, NO_DATA, NO_TEAM, legend, measure_layer
from geodata.simplify import web_layers
from loaders.entities import ENTITY_TYPES, TYPE_LABELS, TYPE_PLURALS

__all__ = [
    "DEFAULT_ASSET_BASE",
    "LEAFLET_VERSION",
    "MEASURES",
    "NO_DATA",
    "NO_TEAM",
    "SELECTED_STYLE",
    "TYPE_LABELS",
    "add_county_outlines",
    "add_html_legend",
    "asset_url",
    "build_map",
    "detail_level",
    "drill_view",
    "encode_features",
    "external_urls",
    "install_static_assets",
    "legend",
    "legend_html",
    "map_html_standalone",
    "measure_layer",
    "offline_map",
    "participation_map",
    "present_legend",
    "selection_overlay_js",
]

# Short property keys keep the statewide payload small (~1,000 features).
_TOOLTIP_FIELDS = ["n", "t", "c", "r", "m"]
_TOOLTIP_ALIASES = ["District", "Type", "County", "CCSESA region", "Participation"]


#: Where maps load Leaflet from when a caller does not say: ``None`` (the app's
#: static folder, :func:`asset_url`) or ``"data"``. The app sets ``"data"`` when
#: its server does not serve static files, so the map still draws.
DEFAULT_ASSET_BASE: str | None = None


def offline_map(asset_base: str | None = None, **kwargs) -> folium.Map:
    """A folium map that loads nothing from outside the app.

    Parameters
    ----------
    asset_base : str, optional
        URL folder where ``leaflet.js`` and ``leaflet.css`` are served (default
        :func:`geodata.leafletassets.asset_url`, or :data:`DEFAULT_ASSET_BASE`
        when set). ``"inline"`` embeds them in the page (for
        :func:`map_html_standalone`); ``"data"`` links them as ``data:`` URLs
        (see :func:`geodata.leafletassets.link_leaflet`).
    **kwargs
        Passed to :class:`folium.Map`; ``tiles`` defaults to ``None`` (no base
        map: tiles come from the internet) and ``prefer_canvas`` to ``True``.

    Returns
    -------
    folium.Map
        Its ``default_js`` / ``default_css`` name only the local Leaflet files.
    """
    kwargs.setdefault("tiles", None)
    kwargs.setdefault("prefer_canvas", True)
    kwargs.setdefault("control_scale", True)
    kwargs.setdefault("zoom_snap", 0.25)  # fitted views fill the frame
    kwargs.setdefault("zoom_delta", 0.5)
    m = folium.Map(**kwargs)
    link_leaflet(m, asset_base or DEFAULT_ASSET_BASE or asset_url())
    m.get_root().header.add_child(
        Element(
            "<style>.leaflet-container{background:#f4f6f8;}"
            ".lmi-legend{background:rgba(255,255,255,.92);padding:6px 8px;"
            "font:12px/1.35 system-ui,-apple-system,'Segoe UI',sans-serif;"
            "border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3);}"
            ".lmi-legend i{display:inline-block;width:14px;height:12px;"
            "margin-right:6px;border:1px solid #777;vertical-align:-1px;}"
            ".lmi-legend .lmi-note{color:#444;font-size:.9em;margin-top:2px}"
            # a narrow or short map (a 1024 x 768 window): a smaller legend
            # that scrolls instead of covering the south of the state
            "@media (max-width:720px),(max-height:560px){"
            ".lmi-legend{font-size:10.5px;line-height:1.25;padding:3px 5px;"
            "max-width:42vw;max-height:34vh;overflow-y:auto}"
            ".lmi-legend i{width:10px;height:9px;margin-right:4px}}"
            ".lmi-legend .lmi-toggle{font:inherit;font-weight:600;border:0;"
            "background:none;padding:0 2px;cursor:pointer;color:#1c3f6e}"
            ".lmi-legend.lmi-folded>:not(.lmi-toggle){display:none}"
            ".lmi-legend:not(.lmi-folded)>.lmi-toggle{display:block;margin-bottom:2px}"
            # the scale bar can be half its 100 px maximum: a smaller label
            # with less padding stays inside it ("100 km" crossed its end tick)
            ".leaflet-control-scale-line{font:10px/1.2 system-ui,-apple-system,"
            "'Segoe UI',sans-serif;padding:1px 3px 0;}"
            "</style>"
        ),
        name="lmi_style",
    )
    return m


# ------------------------------------------------------------------------ the map
def _feature_collection(frame: gpd.GeoDataFrame, precision: int) -> dict:
    """Encoded features with trimmed, HTML-escaped properties and ``id`` = geoid."""
    props = pd.DataFrame(
        {
            "n": frame["name"].astype(str).map(html.escape),
            "t": frame["district_type"].map(TYPE_LABELS).fillna(""),
            "c": frame["county"].astype(str).map(html.escape),
            "r": frame["ccsesa_region"].astype(str),
            "m": frame["measure_label"].astype(str).map(html.escape),
        }
    )
    return encode_features(frame, props, precision)


def _style(fill: str, *, weight: float, opacity: float, color: str) -> dict:
    return {
        "fillColor": fill,
        "fillOpacity": opacity,
        "color": color,
        "weight": weight,
    }


def _add_geojson(group, frame, *, weight, opacity, color, name, precision):
    data = _feature_collection(frame, precision)
    fills = dict(zip(frame["geoid"].astype(str), frame["fill_color"].astype(str)))

    def style_function(feature):
        return _style(fills[feature["id"]], weight=weight, opacity=opacity, color=color)

    CompactGeoJson(
        data,
        name=name,
        style_function=style_function,
        highlight_function=lambda f: {"weight": 3, "color": "#222222"},
        tooltip=folium.GeoJsonTooltip(
            fields=_TOOLTIP_FIELDS, aliases=_TOOLTIP_ALIASES, sticky=True
        ),
        zoom_on_click=False,
        embed=True,
    ).add_to(group)


def build_map(
    districts: gpd.GeoDataFrame,
    counties: gpd.GeoDataFrame,
    *,
    measure: str,
    show_types: tuple[str, ...] = ENTITY_TYPES,
    bounds: tuple[float, float, float, float] | None = None,
    title: str = "",
    asset_base: str | None = None,
    tiles: bool = False,
    height: int | str = "100%",
    outlines: gpd.GeoDataFrame | None = None,
    precision: int = 4,
) -> folium.Map:
    """The participation map: one toggleable layer per district type and COEs.

    Parameters
    ----------
    districts : geopandas.GeoDataFrame
        Output of :func:`measure_layer` on (simplified) district boundaries,
        EPSG:4326; may be empty.
    counties : geopandas.GeoDataFrame
        Output of :func:`measure_layer` on county boundaries (COEs), EPSG:4326;
        the county outlines layer is drawn from it too.
    measure : str
        Measure shown (for the legend title and classes).
    show_types : tuple of str
        District types whose layers start visible; the others are in the layer
        control, unticked. (A selected district is outlined over the drawn map
        by :func:`selection_overlay_js`.)
    bounds : (minx, miny, maxx, maxy), optional
        Degrees; the map fits them. Default: the data's extent.
    title : str
        Shown above the legend (escaped).
    asset_base : str, optional
        See :func:`offline_map`.
    tiles : bool, default False
        Add an OpenStreetMap background (needs internet; decoration only).
    height : int or str
        Map height (pixels or CSS length).
    outlines : geopandas.GeoDataFrame, optional
        County outlines drawn on top, not interactive (default: ``counties``).
    precision : int, default 4
        Coordinate decimals sent to the browser (the level of detail's
        ``decimals``, see :data:`geodata.simplify.LEVELS`).

    Returns
    -------
    folium.Map
    """
    m = offline_map(
        asset_base,
        location=[37.2, -119.5],
        zoom_start=6,
        min_zoom=5,
        max_zoom=13,
        height=height,
    )
    if tiles:
        folium.TileLayer("OpenStreetMap", name="Street map (needs internet)").add_to(m)
    layer_specs = [
        (
            "coe",
            f"{TYPE_PLURALS['coe']} (counties)",
            counties,
            0.55,
            0.8,
            "#666666",
        ),
        ("unified", TYPE_PLURALS["unified"], None, 0.75, 0.6, "#555555"),
        ("elementary", TYPE_PLURALS["elementary"], None, 0.75, 0.6, "#555555"),
        ("secondary", TYPE_PLURALS["secondary"], None, 0.35, 2.2, "#6a3d9a"),
    ]
    for dtype, name, frame, opacity, weight, color in layer_specs:
        if frame is None:
            frame = districts.loc[districts["district_type"] == dtype]
        if frame.empty:
            continue
        group = folium.FeatureGroup(name=name, show=dtype in show_types)
        _add_geojson(
            group,
            frame,
            weight=weight,
            opacity=opacity,
            color=color,
            name=name,
            precision=precision,
        )
        group.add_to(m)
    add_county_outlines(m, counties if outlines is None else outlines, precision)
    # collapsed: the box opens on hover, focus or tap and no longer covers the
    # map's top-right corner
    folium.LayerControl(collapsed=True, position="topright").add_to(m)
    present = [
        f["measure_label"]
        for f in (districts, counties)
        if not f.empty and "measure_label" in f
    ]
    items = present_legend(
        measure, pd.concat(present) if present else pd.Series(dtype=str)
    )
    add_html_legend(m, legend_html(measure, title, items=items))
    frames = [f for f in (districts, counties) if not f.empty]
    if bounds is None and frames:
        minx = min(f.total_bounds[0] for f in frames)
        miny = min(f.total_bounds[1] for f in frames)
        maxx = max(f.total_bounds[2] for f in frames)
        maxy = max(f.total_bounds[3] for f in frames)
        bounds = (minx, miny, maxx, maxy)
    if bounds is not None:
        # not animated: the view is final when the map's script ends, so a
        # script run after it (the selection overlay) sees and keeps it
        fit = folium.map.FitBounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
        fit.options["animate"] = False
        m.add_child(fit)
    return m


def participation_map(
    layers: ParticipationLayers,
    *,
    tiles: bool = False,
    asset_base: str | None = None,
    height: int | str = "100%",
) -> folium.Map:
    """The map of a request's layers, as the Map page and the HTML export draw it.

    Parameters
    ----------
    layers : ParticipationLayers
        From :func:`geodata.layers.participation_layers` at a web level.
    tiles, asset_base, height
        See :func:`build_map`.

    Returns
    -------
    folium.Map
        Layers of every requested type visible, fitted to the area, legend
        headed by the measure's label.
    """
    return build_map(
        layers.districts,
        layers.counties,
        measure=layers.request.measure,
        show_types=tuple(layers.request.district_types),
        bounds=layers.bounds,
        asset_base=asset_base,
        tiles=tiles,
        height=height,
        outlines=layers.outlines,
        precision=layers.precision,
    )


def add_county_outlines(
    m: folium.Map, counties: gpd.GeoDataFrame | None = None, precision: int = 4
) -> None:
    """Draw county outlines (not interactive) as a toggleable layer of ``m``.

    Parameters
    ----------
    m : folium.Map
    counties : geopandas.GeoDataFrame, optional
        EPSG:4326 polygons with ``geoid``; default the 58 counties at the
        statewide level of detail (:func:`geodata.simplify.web_layers`).
    precision : int
        Coordinate decimals sent to the browser.
    """
    if counties is None:
        counties = web_layers("state")[1]
    if counties.empty:
        return
    group = folium.FeatureGroup(name="County outlines", show=True, control=True)
    CompactGeoJson(
        encode_features(counties, pd.DataFrame(index=range(len(counties))), precision),
        style_function=lambda f: {"fill": False, "color": "#333333", "weight": 1.2},
        interactive=False,
    ).add_to(group)
    group.add_to(m)


def present_legend(measure: str, labels: pd.Series) -> list[tuple[str, str, int]]:
    """Legend classes drawn in the current view, with how many districts each.

    Parameters
    ----------
    measure : str
        A key of :data:`geodata.measures.REGISTRY`.
    labels : pandas.Series
        ``measure_label`` of every drawn district and COE (str).

    Returns
    -------
    list of (label, hex colour, count)
        The measure's classes that occur in ``labels``, in legend order, plus
        :data:`NO_TEAM` always (count 0 when none), plus :data:`NO_DATA` when
        it occurs.

    Raises
    ------
    KeyError
        If ``measure`` is unknown.

    Examples
    --------
    >>> present_legend("events_attended", pd.Series(["Attended 1 event"]))
    [('Attended 1 event', '#edf8b1', 1), ('No team from this district', '#cccccc', 0)]
    """
    counts = labels.astype(str).value_counts()
    return [
        (label, color, int(counts.get(label, 0)))
        for label, color in legend(measure)
        if label == NO_TEAM or counts.get(label, 0) > 0
    ]


def legend_html(
    measure: str,
    title: str = "",
    *,
    items: list[tuple[str, str, int]] | None = None,
) -> str:
    """The legend as an HTML fragment (labels escaped).

    ``items`` (from :func:`present_legend`) lists only those classes, each
    with its number of districts and COEs (a note says so: a team's figures
    count teams); default every class of the measure. On a narrow or short
    map the legend is smaller and scrolls (the CSS of :func:`offline_map`).
    """
    shown = (
        [(label, color, None) for label, color in legend(measure)]
        if items is None
        else items
    )
    rows = "".join(
        f'<div><i style="background:{color}"></i>{html.escape(label)}'
        + ("" if n is None else f' <span class="lmi-n">({n:,})</span>')
        + "</div>"
        for label, color, n in shown
    )
    head = html.escape(title or MEASURES[measure])
    if any(n is not None for _, _, n in shown):
        # the counts are of districts and COEs, not teams (a shared-governance
        # team colours each district it stands for)
        rows += '<div class="lmi-note">(n): districts and COEs drawn</div>'
    return f'<div class="lmi-legend"><b>{head}</b>{rows}</div>'


#: A map narrower than this (px; the Map page at 1024 x 768 is 330 px wide)
#: shows its legend folded behind a "Legend" button.
LEGEND_FOLD_BELOW_PX = 480


class _Legend(MacroElement):
    """Legend control added as a child of the map (so streamlit-folium renders it)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
          var legend = L.control({position: 'bottomleft'});
          legend.onAdd = function(map) {
            var div = L.DomUtil.create('div');
            div.innerHTML = {{ this.content }};
            var box = div.querySelector('.lmi-legend');
            // a narrow map (a 1024 px window): the legend folds to a button
            // so it does not cover the south of the state
            if (box && map.getSize().x < {{ this.fold_below }}) {
              var b = document.createElement('button');
              b.type = 'button';
              b.className = 'lmi-toggle';
              var show = function(open) {
                box.classList.toggle('lmi-folded', !open);
                b.setAttribute('aria-expanded', String(open));
                b.textContent = open ? 'Hide legend' : 'Legend';
              };
              b.onclick = function() {
                show(box.classList.contains('lmi-folded'));
              };
              box.insertBefore(b, box.firstChild);
              show(false);
              L.DomEvent.disableClickPropagation(div);
            }
            return div;
          };
          legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, content_html: str):
        super().__init__()
        self._name = "Legend"
        self.content = json.dumps(content_html)
        self.fold_below = LEGEND_FOLD_BELOW_PX


def add_html_legend(m: folium.Map, content_html: str) -> None:
    """Add a legend control (bottom left) holding ``content_html``.

    The HTML is used as given: escape any roster or place text in it first.
    Style it with the ``lmi-legend`` class of :func:`offline_map`.
    """
    m.add_child(_Legend(content_html))


#: Outline of the drilled-into district or COE (red, over every layer).
SELECTED_STYLE = {"color": "#d62728", "weight": 3.5, "fill": False}


def selection_overlay_js(
    districts: gpd.GeoDataFrame,
    counties: gpd.GeoDataFrame,
    geoid: str | None,
    *,
    precision: int = 4,
) -> str:
    """JavaScript that outlines one district or COE on an already drawn map.

    For streamlit-folium's ``feature_group`` argument (its dynamic layer): the
    component evaluates the script whenever it changes, after removing the
    layers listed in ``window.feature_group``, without redrawing the map. So the
    map itself (cached, several hundred kB) stays the same while people open
    districts; only this script (a few kB) changes.

    Parameters
    ----------
    districts, counties : geopandas.GeoDataFrame
        The layers at the map's level of detail (EPSG:4326, ``geoid`` column);
        the geometry of ``geoid`` is looked up in districts, then counties.
    geoid : str or None
        NCES LEA id of a district or county FIPS of a COE. ``None`` (or a
        GEOID without a boundary) removes the outline and returns to the
        map's first view.
    precision : int, default 4
        Coordinate decimals of the outline (as for the map's layers).

    Returns
    -------
    str
        A self-contained script using ``window.map`` (set by the component),
        Leaflet's ``L`` and ``lmiDecode`` (defined by the map's own script).
        The map view fits the outline (Leaflet's maximum zoom applies).
    """
    geometry = None
    if geoid:
        for frame in (districts, counties):
            hit = frame.loc[frame["geoid"] == str(geoid)]
            if not hit.empty and hit.geometry.iloc[0] is not None:
                geometry = hit.geometry.iloc[0]
                break
    head = (
        "(function(){var m=window.map;if(!m)return;window.feature_group=[];"
        "window.lmiHome=window.lmiHome||[m.getCenter(),m.getZoom()];"
    )
    if geometry is None or geometry.is_empty:
        home = "m.setView(window.lmiHome[0],window.lmiHome[1],{animate:false});"
        return head + home + "})();\n"
    data = {
        "type": "FeatureCollection",
        "precision": precision,
        "features": [
            {
                "type": "Feature",
                "id": str(geoid),
                "properties": {},
                "geometry": encode_geometry(geometry, precision),
            }
        ],
    }
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    style = json.dumps(SELECTED_STYLE, separators=(",", ":"))
    return (
        head
        + DECODER_JS
        + f"var l=L.geoJSON(lmiDecode({payload}),"
        + f"{{interactive:false,style:{style}}}).addTo(m);"
        + "window.feature_group.push(l);"
        + "m.fitBounds(l.getBounds(),{animate:false,padding:[12,12]});})();\n"
    )
