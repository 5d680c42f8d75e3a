"""Geometry of the printed map: projection, simplification, regions, label points.

Everything is drawn in California Albers (EPSG:3310). Boundaries are
coverage-simplified to about a third of an output pixel (shared edges stay
shared); projected and simplified geometry is kept in a small in-process cache
keyed by content, so redrawing the same area at another size is fast.
"""

from __future__ import annotations

import hashlib
import threading

import geopandas as gpd
import shapely
from cachetools import LRUCache
from shapely.ops import polylabel

from geodata.simplify import simplify_coverages
from geodata.staticmap.style import STATIC_CRS

# Projected and simplified geometry, keyed by content (cachetools' LRU; the lock
# because Streamlit renders in several threads).
_CACHE: LRUCache = LRUCache(maxsize=32)
_CACHE_LOCK = threading.Lock()


def cached(key: tuple, build):
    """Small in-process LRU for projected / simplified geometry (thread-safe).

    Returns the value stored under ``key``, else ``build()``'s, stored.
    """
    with _CACHE_LOCK:
        try:
            return _CACHE[key]
        except KeyError:
            pass
    value = build()
    with _CACHE_LOCK:
        _CACHE[key] = value
    return value


def geom_key(frame: gpd.GeoDataFrame) -> str:
    """Content key of a frame's geometry, CRS and district types."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(str(frame.crs).encode())
    digest.update(b"".join(shapely.to_wkb(frame.geometry.values)))
    if "district_type" in frame.columns:
        digest.update("|".join(frame["district_type"].astype(str)).encode())
    return digest.hexdigest()


def tolerance_bucket(tolerance: float) -> float:
    """Round a tolerance to two significant digits (so near views share a cache)."""
    if tolerance <= 0:
        return 0.0
    return float(f"{tolerance:.2g}")


def simplified(frame: gpd.GeoDataFrame, tolerance: float) -> gpd.GeoDataFrame:
    """Coverage-simplified copy of a frame in EPSG:3310 (cached by content).

    The coverages are those of :func:`geodata.simplify.simplify_coverages`
    (unified + elementary districts, high school districts, every other row).
    """
    tolerance = tolerance_bucket(tolerance)
    key = ("simplified", geom_key(frame), tolerance)
    geoms = cached(key, lambda: simplify_coverages(frame, tolerance).geometry)
    out = frame.copy()
    out["geometry"] = geoms.to_numpy()
    return out


def to_static_crs(frame: gpd.GeoDataFrame, what: str) -> gpd.GeoDataFrame:
    if frame.crs is None:
        raise ValueError(
            f"The {what} GeoDataFrame has no CRS; set it (EPSG:4326 for the "
            "boundaries of geodata.boundaries) before drawing a static map."
        )
    if frame.empty:
        return frame.to_crs(STATIC_CRS)
    geoms = cached(
        ("projected", geom_key(frame)), lambda: frame.geometry.to_crs(STATIC_CRS)
    )
    out = gpd.GeoDataFrame(
        frame.drop(columns=frame.geometry.name), geometry=geoms.values, crs=STATIC_CRS
    )
    out.index = frame.index
    return out


def dissolved_regions(cnty: gpd.GeoDataFrame, tolerance: float) -> gpd.GeoDataFrame:
    """CCSESA regions dissolved from the counties (EPSG:3310), cached."""
    tolerance = tolerance_bucket(tolerance)

    def build():
        regions = cnty[["ccsesa_region", "geometry"]].dissolve(
            by="ccsesa_region", as_index=False
        )
        return simplify_coverages(regions, tolerance)

    return cached(("regions", geom_key(cnty), tolerance), build).copy()


def expand_view(
    bounds: tuple[float, float, float, float],
    pad: float,
    min_aspect: float,
    max_aspect: float,
) -> tuple[float, float, float, float]:
    """Pad bounds by ``pad`` (fraction) and keep height/width in the range."""
    x0, y0, x1, y1 = bounds
    w, h = max(x1 - x0, 1.0), max(y1 - y0, 1.0)
    x0, x1 = x0 - pad * w, x1 + pad * w
    y0, y1 = y0 - pad * h, y1 + pad * h
    w, h = x1 - x0, y1 - y0
    if h / w < min_aspect:
        grow = (min_aspect * w - h) / 2
        y0, y1 = y0 - grow, y1 + grow
    elif h / w > max_aspect:
        grow = (h / max_aspect - w) / 2
        x0, x1 = x0 - grow, x1 + grow
    return x0, y0, x1, y1


def label_point(geom):
    """A label anchor inside a polygon: the pole of inaccessibility of its
    largest part (the point farthest from its edges), to 1 km."""
    if geom.geom_type == "MultiPolygon":
        geom = max(geom.geoms, key=lambda g: g.area)
    try:
        return polylabel(geom, tolerance=1000)
    except (ValueError, shapely.errors.ShapelyError):
        return geom.representative_point()
