"""The participation map: measures, classes, colours, legend and the folium map.

One rendering path serves the Streamlit app, the interactive HTML export and
(through :func:`measure_layer` and :func:`legend`) the static export, so what is
exported is what is on screen.

Offline by design: folium's default page loads Leaflet, jQuery, Bootstrap and
fonts from public CDNs. :func:`offline_map` keeps Leaflet only, served from the
app itself (files of the ``xstatic-leaflet`` package copied into the app's
static folder by :func:`install_static_assets`), and :func:`map_html_standalone`
inlines it for a single self-contained HTML file. No base-map tiles by default:
county outlines on a plain background carry the geography.

Measures (``measure`` argument):

``events_attended``
    Number of the selected events a district's or COE's team attended.
``event_status``
    The team's status at one event: attended / registered / applied but did not
    attend (applied, waitlisted or cancelled) / no team.
``completeness``
    Role completeness at one event: how many of the four roles reached the
    team's status (the roles that came, for a team that attended), 1/4 - 4/4.

Two classes are never confused: *No team from this district* (roster data
exists for the selected event(s), this district or COE is not in it) and *No
data* (no roster row at all for the selected event(s), so nothing can be said).
Neither is black. Palettes are colour-blind safe: ColorBrewer YlGnBu (without
its palest step, which printed too close to the cream of *No data*) for counts,
with an orange for a team that attended nothing; Okabe-Ito blue / sky blue /
orange for status.
"""

from __future__ import annotations

import html
import json
import shutil
from importlib import metadata
from pathlib import Path
from types import SimpleNamespace

import folium
import geopandas as gpd
import pandas as pd
from branca.element import Element, MacroElement
from jinja2 import Template

__all__ = [
    "LEAFLET_VERSION",
    "MEASURES",
    "NO_DATA",
    "NO_TEAM",
    "TYPE_LABELS",
    "asset_url",
    "build_map",
    "external_urls",
    "install_static_assets",
    "legend",
    "legend_html",
    "map_html_standalone",
    "measure_layer",
    "offline_map",
]

MEASURES: dict[str, str] = {
    "events_attended": "Number of events attended",
    "event_status": "Status at one event",
    "completeness": "Role completeness at one event",
}
NO_TEAM = "No team from this district"
NO_DATA = "No data for the selected event(s)"
_NO_TEAM_COLOR = "#d9d9d9"  # light grey
_NO_DATA_COLOR = "#fbf3dc"  # pale cream, clearly not grey and not black

_CLASSES: dict[str, list[tuple[str, str]]] = {
    "events_attended": [
        ("Team, attended none", "#fdae61"),
        ("Attended 1 event", "#c7e9b4"),
        ("Attended 2 events", "#7fcdbb"),
        ("Attended 3-4 events", "#2c7fb8"),
        ("Attended 5+ events", "#253494"),
    ],
    "event_status": [
        ("Attended", "#0072b2"),
        ("Registered", "#56b4e9"),
        ("Applied, did not attend", "#e69f00"),
    ],
    "completeness": [
        ("1 of 4 roles", "#c7e9b4"),
        ("2 of 4 roles", "#7fcdbb"),
        ("3 of 4 roles", "#2c7fb8"),
        ("4 of 4 roles (complete)", "#253494"),
    ],
}

LEAFLET_VERSION = metadata.version("xstatic-leaflet").rsplit(".", 1)[0]
_ASSET_FOLDER = f"vendor/leaflet-{LEAFLET_VERSION}"
# Short property keys keep the statewide payload small (~1,000 features).
_TOOLTIP_FIELDS = ["n", "t", "c", "r", "m"]
_TOOLTIP_ALIASES = ["District", "Type", "County", "CCSESA region", "Participation"]

# Compact JSON in every folium template (no spaces after , and :) — about 15 %
# less statewide payload, same data.
folium.GeoJson._template.environment.policies["json.dumps_kwargs"] = {
    "sort_keys": True,
    "separators": (",", ":"),
}
TYPE_LABELS = {
    "unified": "Unified district",
    "elementary": "Elementary district",
    "secondary": "High school district",
    "coe": "County office of education",
}


# --------------------------------------------------------------------------- measures
def legend(measure: str, *, include_no_data: bool = True) -> list[tuple[str, str]]:
    """Legend classes of a measure: ``[(label, hex colour), ...]``.

    Raises
    ------
    KeyError
        If ``measure`` is not one of :data:`MEASURES`.
    """
    items = list(_CLASSES[measure]) + [(NO_TEAM, _NO_TEAM_COLOR)]
    if include_no_data:
        items.append((NO_DATA, _NO_DATA_COLOR))
    return items


def _class_of_count(n: int) -> int:
    return 0 if n <= 0 else 1 if n == 1 else 2 if n == 2 else 3 if n <= 4 else 4


def measure_layer(
    layer: gpd.GeoDataFrame | pd.DataFrame,
    teams: pd.DataFrame,
    *,
    measure: str,
    event_ids: list[str] | None = None,
) -> gpd.GeoDataFrame | pd.DataFrame:
    """Add the chosen measure, its class label and fill colour to each district/COE.

    Parameters
    ----------
    layer : GeoDataFrame or DataFrame
        Districts or counties (needs ``geoid``), n rows.
    teams : pandas.DataFrame
        :func:`loaders.participation.teams_by_event` output.
    measure : {"events_attended", "event_status", "completeness"}
    event_ids : list of str, optional
        Events to consider; ``event_status`` and ``completeness`` use the first
        one only. ``None`` means all events present in ``teams``.

    Returns
    -------
    Same type as ``layer``
        n rows, with ``measure_value`` (float; NaN for no team / no data),
        ``measure_label`` (str, one of :func:`legend` labels) and ``fill_color``
        (hex str).

    Raises
    ------
    KeyError
        If ``measure`` is unknown.
    ValueError
        If a one-event measure is asked without an event.
    """
    classes = _CLASSES[measure]
    if measure in ("event_status", "completeness"):
        if not event_ids:
            raise ValueError(f"The measure {MEASURES[measure]!r} needs one event.")
        event_ids = list(event_ids[:1])
    sel = teams if not event_ids else teams.loc[teams["event_id"].isin(event_ids)]
    out = layer.copy()
    value = pd.Series(float("nan"), index=out.index)
    label = pd.Series(NO_DATA if sel.empty else NO_TEAM, index=out.index, dtype=object)
    if not sel.empty:
        if measure == "events_attended":
            per = (
                sel.assign(_att=sel["team_status"] == "attended")
                .groupby("geoid")["_att"]
                .sum()
            )
            has = out["geoid"].isin(per.index)
            n = out.loc[has, "geoid"].map(per).astype(int)
            value[has] = n.astype(float)
            label[has] = [classes[_class_of_count(k)][0] for k in n]
        elif measure == "event_status":
            per = sel.set_index("geoid")["team_status"]
            has = out["geoid"].isin(per.index)
            status = out.loc[has, "geoid"].map(per)
            idx = status.map({"attended": 0, "registered": 1}).fillna(2).astype(int)
            value[has] = idx.astype(float)
            label[has] = [classes[i][0] for i in idx]
        else:
            per = sel.set_index("geoid")["role_completeness"]
            has = out["geoid"].isin(per.index)
            k = out.loc[has, "geoid"].map(per).astype(int).clip(lower=1)
            value[has] = out.loc[has, "geoid"].map(per).astype(float)
            label[has] = [classes[i - 1][0] for i in k]
    colors = dict(legend(measure))
    out["measure_value"] = value.to_numpy()
    out["measure_label"] = label.astype(str).to_numpy()
    out["fill_color"] = out["measure_label"].map(colors).to_numpy()
    return out


# ------------------------------------------------------------------ offline assets
def _xstatic_dir() -> Path:
    from xstatic.pkg import leaflet

    return Path(leaflet.BASE_DIR)


def install_static_assets(static_dir: Path) -> Path:
    """Copy Leaflet's script, style and images into an app's static folder.

    Parameters
    ----------
    static_dir : pathlib.Path
        The Streamlit app's ``static/`` folder (served at ``/app/static/``).

    Returns
    -------
    pathlib.Path
        The folder holding ``leaflet.js`` and ``leaflet.css``. Copies are made
        into a temporary folder and moved into place, so a half-copied folder is
        never served; an existing complete copy is reused.
    """
    target = Path(static_dir) / _ASSET_FOLDER
    if (target / "leaflet.js").is_file() and (target / "leaflet.css").is_file():
        return target
    source = _xstatic_dir()
    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for name in ("leaflet.js", "leaflet.css"):
        shutil.copy2(source / name, tmp / name)
    shutil.copytree(source / "images", tmp / "images")
    try:
        tmp.rename(target)
    except OSError:  # another process won the race
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def asset_url(base_url_path: str = "") -> str:
    """URL folder of the served Leaflet files for a server's ``baseUrlPath``."""
    base = "/" + base_url_path.strip("/") if base_url_path.strip("/") else ""
    return f"{base}/app/static/{_ASSET_FOLDER}"


#: Where maps load Leaflet from when a caller does not say: ``None`` (the app's
#: static folder, :func:`asset_url`) or ``"data"``. The app sets ``"data"`` when
#: its server does not serve static files, so the map still draws.
DEFAULT_ASSET_BASE: str | None = None


def _data_url(path: Path, mime: str) -> str:
    import base64

    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode()


def offline_map(asset_base: str | None = None, **kwargs) -> folium.Map:
    """A folium map that loads nothing from outside the app.

    Parameters
    ----------
    asset_base : str, optional
        URL folder where ``leaflet.js`` and ``leaflet.css`` are served (default
        :func:`asset_url`). ``"inline"`` embeds them in the page (used by
        :func:`map_html_standalone`); ``"data"`` links them as ``data:`` URLs.
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
    base = asset_base or DEFAULT_ASSET_BASE or asset_url()
    if base == "data":  # data: URLs, for a server that does not serve static files
        folder = _xstatic_dir()
        js = _data_url(folder / "leaflet.js", "text/javascript")
        m.default_js = [("leaflet", js)]
        m.default_css = [("leaflet_css", _data_url(folder / "leaflet.css", "text/css"))]
    elif base == "inline":
        m.default_js = []
        m.default_css = []
        folder = _xstatic_dir()
        css = (folder / "leaflet.css").read_text(encoding="utf-8")
        js = (folder / "leaflet.js").read_text(encoding="utf-8")
        m.get_root().header.add_child(
            Element(f"<style>{css}</style>"), name="leaflet_css"
        )
        m.get_root().header.add_child(
            Element(f"<script>{js}</script>"), name="leaflet_js"
        )
    else:
        m.default_js = [("leaflet", f"{base}/leaflet.js")]
        m.default_css = [("leaflet_css", f"{base}/leaflet.css")]
    m.get_root().header.add_child(
        Element(
            "<style>.leaflet-container{background:#f4f6f8;}"
            ".lmi-legend{background:rgba(255,255,255,.92);padding:6px 8px;"
            "font:12px/1.35 system-ui,-apple-system,'Segoe UI',sans-serif;"
            "border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3);}"
            ".lmi-legend i{display:inline-block;width:14px;height:12px;"
            "margin-right:6px;border:1px solid #777;vertical-align:-1px;}"
            # the scale bar can be half its 100 px maximum: a smaller label
            # with less padding stays inside it ("100 km" crossed its end tick)
            ".leaflet-control-scale-line{font:10px/1.2 system-ui,-apple-system,"
            "'Segoe UI',sans-serif;padding:1px 3px 0;}"
            "</style>"
        ),
        name="lmi_style",
    )
    return m


def external_urls(m: folium.Map) -> list[str]:
    """Every script or style URL the map would load from another host.

    Walks all elements of the map (as streamlit-folium does) and collects
    ``default_js`` / ``default_css`` entries that start with ``http`` or ``//``.
    An empty list means the map works with no internet.
    """
    urls: list[str] = []

    def walk(element):
        for _, url in getattr(element, "default_js", []) + getattr(
            element, "default_css", []
        ):
            if url.startswith(("http:", "https:", "//")):
                urls.append(url)
        for child in getattr(element, "_children", {}).values():
            walk(child)

    walk(m)
    return urls


def map_html_standalone(m: folium.Map) -> str:
    """The whole page of a map built with ``offline_map(asset_base="inline")``.

    Returns
    -------
    str
        A self-contained HTML document (Leaflet inlined, no external request).

    Raises
    ------
    ValueError
        If the map would still load a script or style from another host.
    """
    urls = external_urls(m)
    if urls or m.default_js:
        raise ValueError(
            "map_html_standalone needs a map built with offline_map(asset_base="
            f"'inline'); this one loads {urls or m.default_js}."
        )
    return m.get_root().render()


# ------------------------------------------------------- compact geometry encoding
# Statewide, folium's GeoJSON spends ~20 characters per vertex ("[-122.1234,37.1234],").
# Each ring is sent instead as a Google encoded polyline (the `polyline` package,
# ~4-5 characters per vertex at 4 decimals) and decoded in the browser by the small
# function below before Leaflet sees the data: same features, ids and properties.
_DECODER_JS = (
    "var lmiDecode=window.lmiDecode||(window.lmiDecode=function(fc){"
    "var f=Math.pow(10,fc.precision||5);"
    "function d(s){var a=[],i=0,la=0,lo=0;while(i<s.length){var b,h=0,r=0;"
    "do{b=s.charCodeAt(i++)-63;r|=(b&31)<<h;h+=5}while(b>=32);la+=(r&1)?~(r>>1):(r>>1);"
    "h=0;r=0;do{b=s.charCodeAt(i++)-63;r|=(b&31)<<h;h+=5}while(b>=32);"
    "lo+=(r&1)?~(r>>1):(r>>1);a.push([lo/f,la/f])}return a}"
    "fc.features.forEach(function(x){var g=x.geometry;if(!g)return;"
    "if(g.type==='Polygon'||g.type==='MultiLineString')g.coordinates=g.coordinates.map(d);"
    "else if(g.type==='MultiPolygon')g.coordinates=g.coordinates.map(function(p){"
    "return p.map(d)});else if(g.type==='LineString')g.coordinates=d(g.coordinates);});"
    "return fc;});\n"
)


def _encode_geometry(geom, precision: int) -> dict:
    import polyline

    def ring(coords) -> str:
        return polyline.encode([(y, x) for x, y in coords], precision)

    if geom.geom_type == "Polygon":
        rings = [geom.exterior, *geom.interiors]
        return {"type": "Polygon", "coordinates": [ring(r.coords) for r in rings]}
    if geom.geom_type == "MultiPolygon":
        return {
            "type": "MultiPolygon",
            "coordinates": [
                [ring(r.coords) for r in (p.exterior, *p.interiors)] for p in geom.geoms
            ],
        }
    if geom.geom_type == "GeometryCollection":  # keep only the areal parts
        parts = [g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
        from shapely.geometry import MultiPolygon

        polys = [q for g in parts for q in getattr(g, "geoms", [g])]
        return _encode_geometry(MultiPolygon(polys), precision)
    raise ValueError(f"cannot encode a {geom.geom_type} for the map")


def encode_features(
    frame: gpd.GeoDataFrame, properties: pd.DataFrame, precision: int
) -> dict:
    """A FeatureCollection whose rings are encoded polylines (see ``lmiDecode``).

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        n polygons in EPSG:4326; ``geoid`` becomes each feature's ``id``.
    properties : pandas.DataFrame
        n rows of JSON-ready properties (already HTML-escaped where shown).
    precision : int
        Decimal places kept (4 ≈ 11 m, 5 ≈ 1 m).
    """
    records = properties.to_dict("records")
    features = [
        {
            "type": "Feature",
            "id": str(geoid),
            "properties": props,
            "geometry": _encode_geometry(geom, precision),
        }
        for geoid, props, geom in zip(frame["geoid"], records, frame.geometry)
    ]
    bounds = frame.total_bounds
    return {
        "type": "FeatureCollection",
        "precision": precision,
        "bbox": [float(v) for v in bounds],
        "features": features,
    }


class _DecodingTemplate:
    """Wraps GeoJson's template: the embedded data goes through ``lmiDecode``."""

    def __init__(self, inner):
        self._inner = inner
        self.module = SimpleNamespace(script=self._script)

    def render(self, **kwargs):  # pragma: no cover - used by folium only on error
        return self._inner.render(**kwargs)

    def _script(self, this, kwargs=None):
        js = self._inner.module.script(this, kwargs or {})
        call = f"{this.get_name()}_add("
        start = js.index(call)
        end = js.index("\n", start)
        line = js[start:end].rstrip()
        if not line.endswith(");"):
            raise RuntimeError("unexpected folium GeoJson template")
        line = f"{call}lmiDecode({line[len(call) : -2]}));"
        # folium parses element scripts as Jinja templates again: an encoded ring
        # may hold "{{", so write the second brace as a JSON string escape.
        line = line.replace("{{", "{\\u007b")
        return _DECODER_JS + js[:start] + line + js[end:]


class CompactGeoJson(folium.GeoJson):
    """``folium.GeoJson`` for :func:`encode_features` data (decoded in the browser)."""

    _template = _DecodingTemplate(folium.GeoJson._template)

    def _get_self_bounds(self):
        minx, miny, maxx, maxy = self.data["bbox"]
        return [[miny, minx], [maxy, maxx]]


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
    show_types: tuple[str, ...] = ("unified", "elementary", "secondary", "coe"),
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
            "County offices of education (counties)",
            counties,
            0.55,
            0.8,
            "#666666",
        ),
        ("unified", "Unified districts", None, 0.75, 0.6, "#555555"),
        ("elementary", "Elementary districts", None, 0.75, 0.6, "#555555"),
        ("secondary", "High school districts", None, 0.35, 2.2, "#6a3d9a"),
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
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    _add_legend(m, measure, title)
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
        from geodata.simplify import web_layers

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


def legend_html(measure: str, title: str = "") -> str:
    """The legend as an HTML fragment (labels escaped)."""
    rows = "".join(
        f'<div><i style="background:{color}"></i>{html.escape(label)}</div>'
        for label, color in legend(measure)
    )
    head = html.escape(title or MEASURES[measure])
    return f'<div class="lmi-legend"><b>{head}</b>{rows}</div>'


class _Legend(MacroElement):
    """Legend control added as a child of the map (so streamlit-folium renders it)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
          var legend = L.control({position: 'bottomleft'});
          legend.onAdd = function() {
            var div = L.DomUtil.create('div');
            div.innerHTML = {{ this.content }};
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


def _add_legend(m: folium.Map, measure: str, title: str) -> None:
    m.add_child(_Legend(legend_html(measure, title)))


def add_html_legend(m: folium.Map, content_html: str) -> None:
    """Add a legend control (bottom left) holding ``content_html``.

    The HTML is used as given: escape any roster or place text in it first.
    Style it with the ``lmi-legend`` class of :func:`offline_map`.
    """
    m.add_child(_Legend(content_html))


def drill_view(
    districts: gpd.GeoDataFrame,
    counties: gpd.GeoDataFrame,
    *,
    region: int | None = None,
    county: str | None = None,
    geoid: str | None = None,
    district_types: list[str] | None = None,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, tuple[float, float, float, float]]:
    """Districts and counties to draw for a drill-down, and the extent to show.

    Parameters
    ----------
    districts, counties : geopandas.GeoDataFrame
        Layers at the level of detail to draw (EPSG:4326).
    region : int, optional
        CCSESA region 1-11; ``None`` is all California.
    county : str, optional
        County name; narrows the region.
    geoid : str, optional
        A district (NCES id) or COE (county FIPS): the extent fits it.
    district_types : list of str, optional
        Keep only these types (``"coe"`` keeps the counties layer).

    Returns
    -------
    (districts, counties, bounds)
        Rows inside the selection and ``(minx, miny, maxx, maxy)`` in degrees.
    """
    d, c = districts, counties
    if region is not None:
        d = d.loc[d["ccsesa_region"] == int(region)]
        c = c.loc[c["ccsesa_region"] == int(region)]
    if county:
        d = d.loc[d["county"] == county]
        c = c.loc[c["county"] == county]
    if district_types is not None:
        d = d.loc[d["district_type"].isin(district_types)]
        if "coe" not in district_types:
            c = c.iloc[0:0]
    focus = None
    if geoid:
        focus = districts.loc[districts["geoid"] == geoid]
        if focus.empty:
            focus = counties.loc[counties["geoid"] == geoid]
    extent_from = focus if focus is not None and not focus.empty else None
    if extent_from is None:
        extent_from = c if not c.empty else d
    if extent_from.empty:
        extent_from = counties
    bounds = tuple(float(v) for v in extent_from.total_bounds)
    return d, c, bounds  # type: ignore[return-value]


def detail_level(region: int | None, county: str | None) -> str:
    """Level of detail for a view: ``"state"``, ``"region"`` or ``"county"``."""
    if county:
        return "county"
    if region is not None:
        return "region"
    return "state"


__all__ += ["detail_level", "drill_view"]


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
                "geometry": _encode_geometry(geometry, precision),
            }
        ],
    }
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    style = json.dumps(SELECTED_STYLE, separators=(",", ":"))
    return (
        head
        + _DECODER_JS
        + f"var l=L.geoJSON(lmiDecode({payload}),"
        + f"{{interactive:false,style:{style}}}).addTo(m);"
        + "window.feature_group.push(l);"
        + "m.fitBounds(l.getBounds(),{animate:false,padding:[12,12]});})();\n"
    )


__all__ += ["SELECTED_STYLE", "selection_overlay_js"]
