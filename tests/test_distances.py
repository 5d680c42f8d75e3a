"""Great-circle distances, estimated drive time and cost-matrix validation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geodata.distances import (
    AVERAGE_SPEED_MPH,
    CIRCUITY_FACTOR,
    CostMatrixError,
    DistanceSource,
    EstimatedDriveTime,
    GreatCircle,
    as_latlon,
    drive_minutes,
    haversine_matrix,
    validate_cost_matrix,
)

LA = (34.0522, -118.2437)
SF = (37.7749, -122.4194)
SD = (32.7157, -117.1611)


def test_known_city_distances():
    d = haversine_matrix([LA], [SF, SD, LA])
    # published great-circle distances: LA-SF 347 mi, LA-SD 111 mi
    assert d.shape == (1, 3)
    assert d[0, 0] == pytest.approx(347.4, abs=1.0)
    assert d[0, 1] == pytest.approx(111.0, abs=1.0)
    assert d[0, 2] == 0.0
    km = haversine_matrix([LA], [SF], units="km")
    assert km[0, 0] == pytest.approx(d[0, 0] * 1.609344)


def test_matrix_is_symmetric_and_accepts_frames():
    pts = pd.DataFrame({"lat": [LA[0], SF[0], SD[0]], "lon": [LA[1], SF[1], SD[1]]})
    d = GreatCircle().cost_matrix(pts, pts)
    assert d.shape == (3, 3)
    np.testing.assert_allclose(d, d.T)
    np.testing.assert_allclose(np.diag(d), 0.0, atol=1e-9)


def test_drive_time_uses_documented_numbers():
    assert CIRCUITY_FACTOR == 1.2 and AVERAGE_SPEED_MPH == 50.0
    # 50 great-circle miles -> 60 road miles -> 72 minutes at 50 mph
    assert drive_minutes(50.0) == pytest.approx(72.0)
    source = EstimatedDriveTime()
    assert source.units == "minutes"
    m = source.cost_matrix([LA], [SD])
    assert m[0, 0] == pytest.approx(drive_minutes(haversine_matrix([LA], [SD])[0, 0]))
    assert "1.2" in source.describe() and "50" in source.describe()
    with pytest.raises(ValueError, match="circuity"):
        EstimatedDriveTime(circuity=0.9)
    with pytest.raises(ValueError, match="speed"):
        EstimatedDriveTime(speed_mph=0)


def test_sources_satisfy_the_protocol():
    assert isinstance(GreatCircle(), DistanceSource)
    assert isinstance(EstimatedDriveTime(), DistanceSource)

    class Table:
        """A stand-in road router: a fixed table of minutes."""

        units = "minutes"

        def cost_matrix(self, origins, destinations):
            return np.full((len(origins), len(destinations)), 30.0)

    assert isinstance(Table(), DistanceSource)


@pytest.mark.parametrize(
    ("matrix", "expected", "message"),
    [
        (np.array([[1.0, np.nan]]), None, "missing"),
        (np.array([[1.0, -2.0]]), None, "negative"),
        (np.array([[np.inf, 1.0]]), None, "infinite"),
        (np.ones((2, 3)), (3, 2), "shape"),
        (np.ones(3), None, "2-D"),
        ([["a", "b"]], None, "not numbers"),
    ],
)
def test_validate_rejects_bad_matrices(matrix, expected, message):
    shape = expected or (None, None)
    with pytest.raises(CostMatrixError, match=message):
        validate_cost_matrix(matrix, *shape, name="test matrix")


def test_validate_names_first_bad_cell():
    m = np.ones((3, 4))
    m[2, 1] = np.nan
    m[2, 3] = np.nan
    with pytest.raises(CostMatrixError, match=r"2 cell\(s\).*origin 2, destination 1"):
        validate_cost_matrix(m)


def test_validate_returns_float_array():
    out = validate_cost_matrix([[1, 2], [3, 4]], 2, 2)
    assert out.dtype == np.float64 and out.shape == (2, 2)


def test_bad_coordinates_are_named():
    with pytest.raises(CostMatrixError, match="row 1"):
        as_latlon([(34.0, -118.0), (np.nan, -118.0)], what="teams")
    with pytest.raises(CostMatrixError, match="not a latitude"):
        as_latlon([(134.0, -118.0)])
    frame = pd.DataFrame({"lat": [34.0]}, index=["x"])
    with pytest.raises(CostMatrixError, match="lon"):
        as_latlon(frame)
    with pytest.raises(ValueError, match="units"):
        haversine_matrix([LA], [SF], units="furlongs")


def test_real_team_locations_give_a_valid_matrix(reference):
    d = GreatCircle().cost_matrix(reference, reference.iloc[:5])
    assert d.shape == (len(reference), 5)
    # California fits in about 800 miles end to end
    assert d.max() < 850
