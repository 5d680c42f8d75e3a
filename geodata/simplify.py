"""Coverage-preserving simplification and level of detail for the maps.

A *coverage* is a set of polygons that meet along shared edges without gaps or
overlaps. Simplifying polygon by polygon would open slivers between neighbours;
:func:`shapely.coverage_simplify` simplifies each shared edge once, so
neighbours keep meeting exactly. The coverages here (:data:`COVERAGES`):

* unified and elementary districts **together**: between them they tile the
  state (an elementary district's territory is no unified district's), so they
  share edges and are simplified as one coverage;
* high-school (secondary) districts, which lie over elementary districts;
* the counties (county offices of education).

Simplifying the unified and the elementary districts each on their own (as
before) moved their common edges independently: statewide 241 km² of overlaps
and 345 gaps (349 km²) that the Census files do not have.

This module is the one simplifier of the project: the web layers
(:func:`web_layers`) and the static maps go through :func:`simplify_coverages`.
Simplification runs in a projected CRS in metres (California Albers,
EPSG:3310, for the web layers); the web layers are then snapped to a
coordinate grid in EPSG:4326 suited to the zoom level (fewer decimals, smaller
payload).

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

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import geopandas as gpd
import numpy as np
import shapely

from geodata import boundaries
from geodata.cache import cached_frames

__all__ = [
    "ALBERS",
    "COVERAGES",
    "LEVELS",
    "GapsOverlaps",
    "Level",
    "coverage_problems",
    "gaps_and_overlaps",
    "simplify_coverage",
    "simplify_coverage_layer",
    "simplify_coverages",
    "web_layers",
]

#: California Albers (metres): where tolerances and areas are measured.
ALBERS = "EPSG:3310"

#: District types simplified together as one coverage, by ``district_type``.
#: Rows of any other type (``"coe"``: the counties) form one more coverage.
COVERAGES: tuple[tuple[str, ...], ...] = (("unified", "elementary"), ("secondary",))

#: Bumped when the simplified layers change for the same level settings (v2:
#: unified and elementary districts simplified as one coverage).
_SCHEME = "v2"


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


def simplify_coverage(geoms, tolerance: float) -> np.ndarray:
    """Simplify one polygon coverage so that shared edges stay shared.

    Parameters
    ----------
    geoms : array_like of shapely Polygon / MultiPolygon
        n polygons in a projected CRS (units of ``tolerance``, e.g. metres).
    tolerance : float
        Roughly the square root of the area of the triangles removed
        (Visvalingam-Whyatt, :func:`shapely.coverage_simplify`); 0 or less
        returns the polygons unchanged.

    Returns
    -------
    numpy.ndarray of shapely geometries
        n polygons in the same order, none empty: a ring is at least kept as a
        triangle, so a sliver never vanishes.

    Raises
    ------
    shapely.errors.GEOSException
        If a geometry is not polygonal.

    Notes
    -----
    Input that is not a valid coverage (overlapping polygons, or a shared
    edge whose vertices differ between the two neighbours) would be
    simplified into new gaps and overlaps; it is first cleaned with
    :func:`shapely.coverage_clean` (shared edges noded identically, overlaps
    given to one neighbour). The Census layers are valid coverages, so this
    costs one validity check (~0.1 s statewide).

    Examples
    --------
    Two squares whose shared edge has an extra vertex on one side only:

    >>> from shapely import Polygon
    >>> a = Polygon([(0, 0), (10, 0), (10, 10), (0, 10)])
    >>> b = Polygon([(10, 0), (20, 0), (20, 10), (10, 10), (10, 5)])
    >>> out = simplify_coverage([a, b], 1.0)
    >>> bool(shapely.coverage_is_valid(out)), float(shapely.union_all(out).area)
    (True, 200.0)
    """
    geoms = np.asarray(geoms, dtype=object)
    if tolerance <= 0 or geoms.size == 0:
        return geoms.copy()
    if not shapely.coverage_is_valid(geoms):
        geoms = shapely.coverage_clean(geoms)
    return shapely.coverage_simplify(geoms, tolerance)


def simplify_coverages(
    frame: gpd.GeoDataFrame,
    tolerance: float,
    *,
    by: str = "district_type",
    coverages: Sequence[Sequence[str]] = COVERAGES,
) -> gpd.GeoDataFrame:
    """Simplify a frame that holds several coverages, each on its own.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        n polygons in a projected CRS whose unit is that of ``tolerance``
        (EPSG:3310 metres for California).
    tolerance : float
        See :func:`simplify_coverage`; 0 or less returns an unchanged copy.
    by : str, default ``"district_type"``
        Column naming each row's type. Without this column the whole frame is
        one coverage.
    coverages : sequence of sequences of str, default :data:`COVERAGES`
        Types simplified together as one coverage. Rows of every type not
        listed form one more coverage together (e.g. the counties).

    Returns
    -------
    geopandas.GeoDataFrame
        A copy: n rows, same index, columns and CRS, geometry simplified.

    Raises
    ------
    ValueError
        If ``frame`` has a geographic CRS (degrees are no tolerance unit).
    """
    if frame.crs is not None and frame.crs.is_geographic:
        raise ValueError(
            f"Simplify in a projected CRS in metres (e.g. {ALBERS}), not "
            f"{frame.crs.to_string()}: the tolerance is a distance."
        )
    geoms = frame.geometry.to_numpy().copy()
    if tolerance > 0:
        for idx in _coverage_groups(frame, by, coverages):
            geoms[idx] = simplify_coverage(geoms[idx], tolerance)
    return frame.set_geometry(gpd.GeoSeries(geoms, index=frame.index, crs=frame.crs))


def _coverage_groups(
    frame: gpd.GeoDataFrame, by: str, coverages: Sequence[Sequence[str]]
) -> list[np.ndarray]:
    """Row positions of each coverage in ``frame`` (empty groups left out)."""
    if by not in frame.columns:
        return [np.arange(len(frame))]
    types = frame[by].astype(str).to_numpy()
    listed = [t for group in coverages for t in group]
    masks = [np.isin(types, list(group)) for group in coverages]
    masks.append(~np.isin(types, listed))
    return [np.flatnonzero(m) for m in masks if m.any()]


def simplify_coverage_layer(
    layer: gpd.GeoDataFrame,
    level: str | Level,
    *,
    by: str = "district_type",
    coverages: Sequence[Sequence[str]] = COVERAGES,
) -> gpd.GeoDataFrame:
    """Simplify districts or counties for a level of detail of the web map.

    Parameters
    ----------
    layer : geopandas.GeoDataFrame
        n polygons in any CRS (EPSG:4326 from :mod:`geodata.boundaries`).
    level : str or Level
        ``"state"``, ``"region"``, ``"county"``, ``"full"`` or a :class:`Level`.
    by, coverages
        Which rows form one coverage, as in :func:`simplify_coverages`: by
        default unified + elementary districts together, secondary districts,
        and every other row (the counties) together.

    Returns
    -------
    geopandas.GeoDataFrame
        n rows in the same order, EPSG:4326, simplified in EPSG:3310 with
        ``level.tolerance_m``, coordinates rounded to ``level.decimals``
        decimal degrees; no row empty (a polygon the rounding would collapse
        keeps its unrounded shape).

    Raises
    ------
    KeyError
        If ``level`` is not a known level name.
    """
    lv = LEVELS[level] if isinstance(level, str) else level
    out = simplify_coverages(
        layer.to_crs(ALBERS), lv.tolerance_m, by=by, coverages=coverages
    ).to_crs("EPSG:4326")
    grid = 10.0 ** (-lv.decimals)
    snapped = shapely.set_precision(out.geometry.to_numpy(), grid, mode="pointwise")
    # pointwise snapping can fold a tiny ring; repair only those (rare) rows
    bad = ~shapely.is_valid(snapped)
    if bad.any():
        snapped[bad] = shapely.make_valid(
            snapped[bad], method="structure", keep_collapsed=False
        )
    # never lose a district: where rounding collapsed it (to nothing, or to a
    # line or point after the repair), keep the unrounded shape
    lost = shapely.is_empty(snapped) | ~(shapely.area(snapped) > 0)
    if lost.any():
        snapped[lost] = out.geometry.to_numpy()[lost]
    return out.set_geometry(gpd.GeoSeries(snapped, index=out.index, crs="EPSG:4326"))


def coverage_problems(layer: gpd.GeoDataFrame, *, gap_width: float = 0.0) -> int:
    """Number of polygons whose edges do not match their neighbours'.

    Parameters
    ----------
    layer : geopandas.GeoDataFrame
        One coverage (unified + elementary districts, the secondary
        districts, or the counties).
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


class GapsOverlaps(NamedTuple):
    """Gaps and overlaps a layer has and its source does not (EPSG:3310)."""

    gap_m2: float
    overlap_m2: float
    gaps: int
    overlaps: int


def gaps_and_overlaps(
    layer: gpd.GeoDataFrame, source: gpd.GeoDataFrame
) -> GapsOverlaps:
    """Gaps and overlaps that simplification added to a coverage.

    Parameters
    ----------
    layer : geopandas.GeoDataFrame
        The simplified coverage (any CRS; measured in EPSG:3310).
    source : geopandas.GeoDataFrame
        The same polygons before simplification.

    Returns
    -------
    GapsOverlaps
        Areas in m² (EPSG:3310). ``gap_m2``: area of the holes in the union
        of ``layer`` that meet no hole of ``source``'s union (gaps opened
        between neighbours);
        ``overlap_m2``: area covered by two or more polygons of ``layer`` and
        by at most one of ``source``; ``gaps`` and ``overlaps``: number of
        separate pieces of each.

    Examples
    --------
    >>> from shapely import box
    >>> src = gpd.GeoDataFrame(geometry=[box(0, 0, 1e3, 1e3), box(1e3, 0, 2e3, 1e3)],
    ...                        crs=ALBERS)
    >>> moved = src.set_geometry([box(0, 0, 1.1e3, 1e3), box(1e3, 0, 2e3, 1e3)])
    >>> gaps_and_overlaps(moved, src)
    GapsOverlaps(gap_m2=0.0, overlap_m2=100000.0, gaps=0, overlaps=1)
    """
    new = layer.to_crs(ALBERS).geometry.to_numpy()
    old = source.to_crs(ALBERS).geometry.to_numpy()
    holes, old_holes = _holes(new), _holes(old)
    # a hole of the source whose edge moved (e.g. a unified district inside
    # the high-school coverage) is no gap between neighbours
    gaps = holes[~shapely.intersects(holes, shapely.union_all(old_holes))]
    gaps = gaps[shapely.area(gaps) > 0]
    overlaps = shapely.get_parts(shapely.difference(_overlap(new), _overlap(old)))
    overlaps = overlaps[shapely.area(overlaps) > 0]
    return GapsOverlaps(
        gap_m2=float(shapely.area(gaps).sum()),
        overlap_m2=float(shapely.area(overlaps).sum()),
        gaps=len(gaps),
        overlaps=len(overlaps),
    )


def _holes(geoms: np.ndarray) -> np.ndarray:
    """The holes of the union of ``geoms``, one polygon each."""
    union = shapely.union_all(geoms)
    return np.array(
        [
            shapely.Polygon(ring)
            for part in shapely.get_parts(union)
            if part.geom_type == "Polygon"
            for ring in part.interiors
        ],
        dtype=object,
    )


def _overlap(geoms: np.ndarray):
    """The area covered by two or more of ``geoms``, as one (multi)polygon."""
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    pair = left < right
    shared = shapely.get_parts(
        shapely.intersection(geoms[left[pair]], geoms[right[pair]])
    )
    areal = shared[shapely.area(shared) > 0]
    return shapely.union_all(areal) if len(areal) else shapely.Polygon()


def web_layers(level: str = "state") -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Districts and counties simplified for a level of detail, cached.

    Simplified once per level, stored as GeoParquet next to the derived
    boundary layers (:mod:`geodata.cache`, reused across restarts and safe
    with several processes) and kept in memory per process.

    Parameters
    ----------
    level : {"state", "region", "county", "full"}

    Returns
    -------
    (districts, counties) : tuple of geopandas.GeoDataFrame
        942 and 58 rows, EPSG:4326, columns as
        :func:`geodata.boundaries.district_boundaries`; unified + elementary
        districts, secondary districts and counties are each a valid coverage.

    Raises
    ------
    KeyError
        If ``level`` is not a known level name.
    """
    districts, counties = _web_layers(level)
    return districts.copy(), counties.copy()


@lru_cache(maxsize=8)
def _web_layers(level: str) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    lv = LEVELS[level]  # KeyError for an unknown level
    # new settings or a new scheme, new file
    tag = f"{lv.name}_{lv.tolerance_m:g}m_{lv.decimals}d_{_SCHEME}"

    def build() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
        return (
            simplify_coverage_layer(boundaries.district_boundaries(), lv),
            simplify_coverage_layer(boundaries.county_boundaries(), lv),
        )

    districts, counties = cached_frames(
        (f"districts_{tag}.parquet", f"counties_{tag}.parquet"), build
    )
    return districts, counties
