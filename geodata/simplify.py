"""Coverage-preserving simplification and level of detail for the web map.

Each district type (unified, elementary, secondary) and the counties form a
*coverage*: polygons that meet along shared edges without gaps or overlaps.
Simplifying polygon by polygon would open slivers between neighbours; shapely's
:func:`shapely.coverage_simplify` simplifies each shared edge once, so
neighbours keep meeting exactly. Simplification runs in California Albers
(EPSG:3310, metres) and the result is snapped to a coordinate grid in EPSG:4326
suited to the zoom level (fewer decimals, smaller payload).

Levels of detail (tolerance in metres / coordinate decimals):

=========  ===========  ========  ====================================
level      tolerance m  decimals  used for
=========  ===========  ========  ====================================
state      1500         4         the statewide view (all 942 + 58)
region     150          4         one CCSESA region
county     0            5         one county or one district (full detail)
full       0            6         Census 1:500,000 as published
=========  ===========  ========  ====================================
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import numpy as np
import shapely

__all__ = [
    "LEVELS",
    "Level",
    "coverage_problems",
    "simplify_coverage_layer",
    "web_layers",
]

ALBERS = "EPSG:3310"


@dataclass(frozen=True)
class Level:
    """One level of detail: simplification tolerance (m) and coordinate decimals."""

    name: str
    tolerance_m: float
    decimals: int


LEVELS: dict[str, Level] = {
    lv.name: lv
    for lv in (
        Level("state", 1500.0, 4),
        Level("region", 150.0, 4),
        Level("county", 0.0, 5),
        Level("full", 0.0, 6),
    )
}


def simplify_coverage_layer(
    layer: gpd.GeoDataFrame, level: str | Level, *, group: str | None = None
) -> gpd.GeoDataFrame:
    """Simplify a polygon coverage without opening gaps or overlaps.

    Parameters
    ----------
    layer : geopandas.GeoDataFrame
        Polygons in any CRS (EPSG:4326 from :mod:`geodata.boundaries`), n rows.
    level : str or Level
        ``"state"``, ``"region"``, ``"county"``, ``"full"`` or a :class:`Level`.
    group : str, optional
        Column whose values split the layer into separate coverages (e.g.
        ``"district_type"``: elementary and secondary districts overlap by
        design, so each type is simplified on its own).

    Returns
    -------
    geopandas.GeoDataFrame
        n rows in the same order, EPSG:4326, coordinates rounded to
        ``level.decimals`` decimal degrees.

    Raises
    ------
    KeyError
        If ``level`` is not a known level name.
    """
    lv = LEVELS[level] if isinstance(level, str) else level
    out = layer.to_crs(ALBERS)
    geoms = out.geometry.to_numpy().copy()
    if lv.tolerance_m > 0:
        groups = (
            [np.arange(len(out))]
            if group is None
            else [
                np.flatnonzero((out[group] == value).to_numpy())
                for value in out[group].unique()
            ]
        )
        for idx in groups:
            geoms[idx] = shapely.coverage_simplify(geoms[idx], lv.tolerance_m)
    out = out.set_geometry(gpd.GeoSeries(geoms, index=out.index, crs=ALBERS))
    out = out.to_crs("EPSG:4326")
    grid = 10.0 ** (-lv.decimals)
    snapped = shapely.set_precision(out.geometry.to_numpy(), grid, mode="pointwise")
    # pointwise snapping can fold a tiny ring; repair only those (rare) rows
    bad = ~shapely.is_valid(snapped)
    if bad.any():
        snapped[bad] = shapely.make_valid(snapped[bad])
    empty = shapely.is_empty(snapped)
    if empty.any():  # never lose a district: keep the unsnapped shape
        snapped[empty] = out.geometry.to_numpy()[empty]
    return out.set_geometry(gpd.GeoSeries(snapped, index=out.index, crs="EPSG:4326"))


def coverage_problems(layer: gpd.GeoDataFrame, *, gap_width: float = 0.0) -> int:
    """Number of polygons whose edges do not match their neighbours'.

    Parameters
    ----------
    layer : geopandas.GeoDataFrame
        One coverage (a single district type, or the counties).
    gap_width : float, default 0
        Also report gaps narrower than this (in the layer's CRS units).

    Returns
    -------
    int
        0 for a valid coverage (checked with :func:`shapely.coverage_invalid_edges`).
    """
    geoms = layer.geometry.to_numpy()
    invalid = shapely.coverage_invalid_edges(geoms, gap_width=gap_width)
    return int((~shapely.is_empty(invalid)).sum())


def web_layers(level: str = "state") -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Districts and counties simplified for a level of detail, cached.

    Simplified once per level, stored as GeoParquet next to the derived
    boundary layers (reused across restarts) and kept in memory per process.

    Parameters
    ----------
    level : {"state", "region", "county", "full"}

    Returns
    -------
    (districts, counties) : tuple of geopandas.GeoDataFrame
        942 and 58 rows, EPSG:4326, columns as
        :func:`geodata.boundaries.district_boundaries`.
    """
    districts, counties = _web_layers(level)
    return districts.copy(), counties.copy()


@lru_cache(maxsize=8)
def _web_layers(level: str) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    from geodata import boundaries

    lv = LEVELS[level]  # KeyError for an unknown level
    tag = f"{lv.name}_{lv.tolerance_m:g}m_{lv.decimals}d"  # new settings, new file
    paths = [
        boundaries._derived_path(f"{name}_{tag}.parquet")
        for name in ("districts", "counties")
    ]
    if all(p.exists() for p in paths):
        try:
            return gpd.read_parquet(paths[0]), gpd.read_parquet(paths[1])
        except Exception:  # a damaged cache file is rebuilt, never trusted
            pass
    districts = simplify_coverage_layer(
        boundaries.district_boundaries(), level, group="district_type"
    )
    counties = simplify_coverage_layer(boundaries.county_boundaries(), level)
    for frame, path in zip((districts, counties), paths):
        boundaries._write_atomic_parquet(frame, path)
    return districts, counties
