"""Compact GeoJSON for Leaflet, and every use of folium's private API.

Statewide, folium's GeoJSON spends ~20 characters per vertex
(``[-122.1234,37.1234],``). Each ring is sent instead as a Google encoded
polyline (the ``polyline`` package, ~4-5 characters per vertex at 4 decimals)
and decoded in the browser by an 18-line function (:data:`DECODER_JS`) before
Leaflet sees the data: same features, ids and properties.

Private API, kept in this module only (folium is pinned below its next minor
version in ``pyproject.toml``; ``tests/test_private_apis.py`` fails loudly when
folium changes what this relies on):

* ``folium.GeoJson._template``: :class:`CompactGeoJson` wraps its ``script``
  macro to pass the embedded data through ``lmiDecode``, and the template
  environment's ``json.dumps_kwargs`` policy is set to compact JSON (no spaces
  after ``,`` and ``:``; about 15 % less statewide payload, same data).
* ``branca.element.Element._children``: :func:`iter_elements` walks a map's
  element tree (as streamlit-folium does) to collect the scripts and styles
  it loads.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import folium
import geopandas as gpd
import pandas as pd
import polyline
from branca.element import Element
from shapely.geometry import MultiPolygon

__all__ = [
    "DECODER_JS",
    "CompactGeoJson",
    "asset_links",
    "encode_features",
    "encode_geometry",
    "iter_elements",
]

# Compact JSON in every folium template (no spaces after , and :).
folium.GeoJson._template.environment.policies["json.dumps_kwargs"] = {
    "sort_keys": True,
    "separators": (",", ":"),
}

#: Defines ``window.lmiDecode(featureCollection)``: decodes the encoded rings of
#: :func:`encode_features` in place and returns the collection.
DECODER_JS = (
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


def encode_geometry(geom, precision: int) -> dict:
    """A GeoJSON geometry whose rings are encoded polylines.

    Parameters
    ----------
    geom : shapely Polygon, MultiPolygon or GeometryCollection
        Lon/lat degrees (EPSG:4326). Of a collection only the areal parts are
        kept.
    precision : int
        Decimal places kept (4 ≈ 11 m, 5 ≈ 1 m).

    Returns
    -------
    dict
        ``{"type": "Polygon" | "MultiPolygon", "coordinates": [...]}`` with
        each ring a polyline string (exterior first, then holes).

    Raises
    ------
    ValueError
        For any other geometry type.
    """

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
        polys = [q for g in parts for q in getattr(g, "geoms", [g])]
        return encode_geometry(MultiPolygon(polys), precision)
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

    Returns
    -------
    dict
        ``{"type": "FeatureCollection", "precision", "bbox", "features"}``.
    """
    records = properties.to_dict("records")
    features = [
        {
            "type": "Feature",
            "id": str(geoid),
            "properties": props,
            "geometry": encode_geometry(geom, precision),
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
        return DECODER_JS + js[:start] + line + js[end:]


class CompactGeoJson(folium.GeoJson):
    """``folium.GeoJson`` for :func:`encode_features` data (decoded in the browser)."""

    _template = _DecodingTemplate(folium.GeoJson._template)

    def _get_self_bounds(self):
        minx, miny, maxx, maxy = self.data["bbox"]
        return [[miny, minx], [maxy, maxx]]


def iter_elements(root: Element) -> Iterator[Element]:
    """Every element of a folium/branca tree, ``root`` first (depth first)."""
    yield root
    for child in getattr(root, "_children", {}).values():
        yield from iter_elements(child)


def asset_links(root: Element) -> tuple[list[str], list[str]]:
    """The style and script URLs a map loads: ``(css, js)``, each deduplicated.

    From the ``default_css`` / ``default_js`` of every element, in tree order.
    """
    css: list[str] = []
    js: list[str] = []
    for element in iter_elements(root):
        css.extend(href for _, href in getattr(element, "default_css", []))
        js.extend(src for _, src in getattr(element, "default_js", []))
    return list(dict.fromkeys(css)), list(dict.fromkeys(js))
