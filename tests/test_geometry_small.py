"""Tiny hand-made geometries, one topological case each (shapely's habit).

The map payload's encoded rings (:func:`geodata.mapview.encode_features`,
Google polylines decoded here with ``polyline.decode``) and the coverage
simplifier (:mod:`geodata.simplify`), compared with geometry-aware asserts.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import polyline
import pytest
import shapely
from shapely import LineString, MultiPolygon, Polygon

from geodata.mapview import encode_features
from geodata.simplify import (
    ALBERS,
    gaps_and_overlaps,
    simplify_coverage,
    simplify_coverage_layer,
    simplify_coverages,
)

# ------------------------------------------------------------ encoded polylines
SQUARE = Polygon([(-122.0, 37.0), (-121.9, 37.0), (-121.9, 37.1), (-122.0, 37.1)])
HOLED = Polygon(
    SQUARE.exterior.coords,
    [[(-121.97, 37.03), (-121.93, 37.03), (-121.93, 37.07), (-121.97, 37.07)]],
)
ISLANDS = MultiPolygon(
    [HOLED, Polygon([(-121.5, 37.5), (-121.4, 37.5), (-121.45, 37.6)])]
)


def _encode(geom, precision):
    frame = gpd.GeoDataFrame({"geoid": ["0600001"]}, geometry=[geom], crs=4326)
    collection = encode_features(frame, pd.DataFrame({"n": ["x"]}), precision)
    (feature,) = collection["features"]
    assert feature["id"] == "0600001" and collection["precision"] == precision
    return feature["geometry"]


def _decode_ring(encoded: str, precision: int) -> list[tuple[float, float]]:
    return [(lon, lat) for lat, lon in polyline.decode(encoded, precision)]


def _decode(geometry: dict, precision: int):
    """The browser's ``lmiDecode``, in Python: encoded rings back to shapely."""

    def poly(rings):
        shell, *holes = (_decode_ring(r, precision) for r in rings)
        return Polygon(shell, holes)

    if geometry["type"] == "Polygon":
        return poly(geometry["coordinates"])
    assert geometry["type"] == "MultiPolygon"
    return MultiPolygon([poly(p) for p in geometry["coordinates"]])


@pytest.mark.parametrize(
    "geom", [SQUARE, HOLED, ISLANDS], ids=["square", "hole", "multi"]
)
@pytest.mark.parametrize("precision", [4, 5, 6])
def test_encoded_rings_decode_to_the_same_geometry(geom, precision):
    encoded = _encode(geom, precision)
    assert encoded["type"] == geom.geom_type
    decoded = _decode(encoded, precision)
    # same rings, same vertex order, every vertex within half a grid step
    assert shapely.equals_exact(decoded, geom, tolerance=0.5 * 10.0**-precision)
    assert decoded.is_valid


def test_a_hole_stays_a_hole():
    decoded = _decode(_encode(HOLED, 5), 5)
    assert len(decoded.interiors) == 1
    assert not decoded.contains(shapely.Point(-121.95, 37.05))  # in the hole
    assert decoded.contains(shapely.Point(-121.99, 37.01))


def test_off_grid_coordinates_are_rounded_not_shifted():
    geom = Polygon([(-122.000049, 37.0), (-121.9, 37.000051), (-121.9, 37.1)])
    decoded = _decode(_encode(geom, 4), 4)
    want = Polygon([(-122.0, 37.0), (-121.9, 37.0001), (-121.9, 37.1)])
    assert shapely.equals_exact(decoded, want, tolerance=1e-9)


def test_a_collection_keeps_only_its_areal_parts():
    mixed = shapely.GeometryCollection([SQUARE, LineString([(-121, 37), (-120, 38)])])
    encoded = _encode(mixed, 5)
    assert encoded["type"] == "MultiPolygon"
    assert shapely.equals_exact(
        _decode(encoded, 5), MultiPolygon([SQUARE]), tolerance=5e-6
    )


# ----------------------------------------------------------------- simplification
def _frame(geoms, types=None):
    data = {} if types is None else {"district_type": types}
    return gpd.GeoDataFrame(data, geometry=list(geoms), crs=ALBERS)


# two polygons sharing a zigzag edge whose teeth are smaller than the tolerance
ZIGZAG = [(10, 0), (10.4, 2), (9.6, 4), (10.4, 6), (9.6, 8), (10, 10)]
LEFT = Polygon([(0, 0), (9, -0.5), *ZIGZAG, (9, 10.5), (0, 10)])
RIGHT = Polygon([(20, 0), (20, 10), *ZIGZAG[::-1]])


def test_two_polygons_sharing_an_edge_still_share_it():
    out = simplify_coverage([LEFT, RIGHT], 2.0)
    assert shapely.get_num_coordinates(out).sum() < 14  # the teeth are gone
    shared = shapely.intersection(out[0], out[1])
    assert shared.area == 0 and shared.length >= 10  # one edge, both sides
    assert shapely.coverage_is_valid(out)
    assert gaps_and_overlaps(_frame(out), _frame([LEFT, RIGHT])) == (0, 0, 0, 0)


def test_two_triangles_sharing_the_diagonal():
    a = Polygon([(0, 0), (10, 0), (10, 10)])
    b = Polygon([(0, 0), (10, 10), (0, 10)])
    out = simplify_coverage([a, b], 1.0)
    assert shapely.equals(out[0], a) and shapely.equals(out[1], b)


def test_simplified_apart_the_shared_edge_opens_gaps_and_overlaps():
    """Why unified and elementary districts are one coverage."""
    source = _frame([LEFT, RIGHT], ["unified", "elementary"])
    apart = simplify_coverages(source, 2.0, coverages=(("unified",), ("elementary",)))
    got = gaps_and_overlaps(apart, source)
    assert got.overlaps == 1 and got.overlap_m2 > 0.5
    together = simplify_coverages(source, 2.0)
    assert gaps_and_overlaps(together, source) == (0, 0, 0, 0)


def test_the_same_edge_with_different_vertex_counts():
    """A vertex on one side of a shared edge only: not a valid coverage."""
    a = Polygon([(0, 0), (10, 0), (10, 10), (0, 10)])
    b = Polygon([(10, 0), (20, 0), (20, 10), (10, 10), (10, 5)])  # extra (10, 5)
    assert not shapely.coverage_is_valid([a, b])
    out = simplify_coverage([a, b], 1.0)
    assert shapely.coverage_is_valid(out)
    assert shapely.intersection(out[0], out[1]).area == 0
    assert shapely.union_all(out).area == pytest.approx(200.0)
    assert shapely.equals(out[0], a) and shapely.equals(out[1], b)


def test_a_polygon_with_a_hole_and_the_island_in_it():
    outer = Polygon(
        [(0, 0), (100, 0), (100, 100), (0, 100)],
        [[(40, 40), (60, 40), (61, 50), (60, 60), (40, 60)]],
    )
    island = Polygon(outer.interiors[0])
    out = simplify_coverage([outer, island], 5.0)
    assert len(out[0].interiors) == 1
    assert shapely.equals(Polygon(out[0].interiors[0]), out[1])  # still fits
    assert shapely.get_num_coordinates(out[1]) < shapely.get_num_coordinates(island)


def test_an_empty_hole_survives():
    lake = [(40, 40), (42, 40), (42, 42), (40, 42)]
    out = simplify_coverage(
        [Polygon([(0, 0), (100, 0), (100, 100), (0, 100)], [lake])], 5.0
    )
    assert len(out[0].interiors) == 1 and out[0].is_valid


def test_a_sliver_between_two_polygons_does_not_vanish():
    sliver = Polygon([(0, 10), (100, 10), (100, 10.05), (0, 10.05)])
    below = Polygon([(0, 0), (100, 0), (100, 10), (0, 10)])
    above = Polygon([(0, 10.05), (100, 10.05), (100, 20), (0, 20)])
    out = simplify_coverage([below, sliver, above], 5.0)
    assert not shapely.is_empty(out).any()
    assert out[1].area > 0
    assert shapely.coverage_is_valid(out)


def test_a_district_smaller_than_the_grid_keeps_its_shape():
    """Rounding to 4 decimals (11 m) would collapse a 3 m box: it is kept.

    (Simplified to a triangle at least, never to a point the map cannot draw.)
    """
    tiny = shapely.box(-121.50001, 37.50001, -121.49998, 37.50003)
    layer = gpd.GeoDataFrame(
        {"district_type": ["elementary"]}, geometry=[tiny], crs=4326
    )
    out = simplify_coverage_layer(layer, "state")
    assert not out.geometry.is_empty.any()
    kept = out.geometry.iloc[0]
    assert kept.geom_type == "Polygon" and kept.area > 0
    assert tiny.buffer(1e-9).contains(kept)


def test_degrees_are_no_tolerance():
    with pytest.raises(ValueError, match="projected"):
        simplify_coverages(_frame([LEFT]).to_crs(4326), 1.0)


def test_zero_tolerance_returns_the_polygons_unchanged():
    out = simplify_coverage(np.array([LEFT, RIGHT]), 0)
    assert all(shapely.equals_exact(out, [LEFT, RIGHT], tolerance=0))
