"""Candidate venues from the offline GeoNames gazetteer and the events table."""

from __future__ import annotations

import pandas as pd
import pytest

from geodata.distances import CostMatrixError
from geodata.gazetteer import (
    DEFAULT_MIN_POPULATION,
    PlaceNotFoundError,
    california_cities,
    candidate_venues,
    find_city,
    parse_venue,
    past_venues,
    user_venue,
)


@pytest.fixture(scope="module")
def candidates():
    return candidate_venues()


def test_default_candidates_are_at_least_100_california_cities(candidates):
    assert DEFAULT_MIN_POPULATION == 50_000
    cities = candidates.loc[candidates["source"].str.contains("gazetteer")]
    assert len(cities) >= 100
    assert candidates["name"].is_unique
    assert candidates["lat"].between(32.4, 42.1).all()
    assert candidates["lon"].between(-124.5, -114.0).all()
    assert list(candidates.columns) == [
        "name",
        "lat",
        "lon",
        "population",
        "source",
        "past_events",
    ]
    assert str(candidates["population"].dtype) == "Int64"


def test_threshold_changes_the_list():
    big = california_cities(100_000)
    small = california_cities(25_000)
    assert len(big) < len(small)
    assert (big["population"] >= 100_000).all()
    assert big["name"].iloc[0] == "Los Angeles"
    with pytest.raises(ValueError, match="at least 500"):
        california_cities(10)


def test_past_venues_from_the_events_table():
    past = past_venues()
    names = set(past["name"])
    assert {
        "San Diego",
        "Los Angeles",
        "Emeryville",
        "Milpitas",
        "Norco",
        "American Canyon",
    } <= names
    sd = past.set_index("name").loc["San Diego"]
    assert "2015 Symposium" in sd["past_events"]
    assert (past["source"] == "past_venue").all()


def test_past_venue_and_city_are_one_candidate(candidates):
    sd = candidates.loc[candidates["name"] == "San Diego"]
    assert len(sd) == 1
    assert sd["source"].iloc[0] == "gazetteer+past_venue"
    # Emeryville is under the population threshold but was a venue
    em = candidates.loc[candidates["name"] == "Emeryville"].iloc[0]
    assert em["source"] == "past_venue"
    assert em["lat"] == pytest.approx(37.83, abs=0.05)


def test_find_city_normalises_names():
    assert find_city("st. helena, ca")["name"] == "Saint Helena"
    assert find_city("LA CANADA FLINTRIDGE")["name"] == "La Cañada Flintridge"
    fresno = find_city("  Fresno ")
    assert fresno["lat"] == pytest.approx(36.75, abs=0.1)


def test_unknown_city_suggests_close_names():
    with pytest.raises(PlaceNotFoundError, match="Emeryville"):
        find_city("Emerville")


def test_parse_venue_coordinates_and_cities():
    v = parse_venue("(36.7378, -119.7871)")
    assert v["lat"] == 36.7378 and v["source"] == "user"
    assert v["name"].startswith("Point 36.7378")
    assert parse_venue("36.7 -119.8")["lon"] == -119.8
    assert parse_venue("Visalia")["name"] == "Visalia"
    with pytest.raises(CostMatrixError):
        user_venue(95.0, -119.0)


def test_user_venues_join_or_get_new_names():
    extra = [
        {"name": "Fresno", "lat": 36.7477, "lon": -119.7724},  # the city itself
        {"name": "Fresno", "lat": 36.80, "lon": -119.40},  # somewhere else
        {"name": "County fairgrounds", "lat": 38.0, "lon": -121.0},
    ]
    table = candidate_venues(min_population=100_000, include_past=False, extra=extra)
    fresno = table.loc[table["name"] == "Fresno"].iloc[0]
    assert fresno["source"] == "gazetteer+user"
    assert "Fresno (2)" in set(table["name"])
    assert table["name"].is_unique
    assert table.iloc[-1]["name"] == "County fairgrounds"
    assert pd.isna(table.iloc[-1]["population"])


def test_unknown_event_city_names_the_row():
    events = pd.DataFrame(
        {"event_id": ["A", "B"], "label": ["a", "b"], "city": ["Fresno", "Atlantis"]}
    )
    with pytest.raises(PlaceNotFoundError, match="row 3, column city"):
        past_venues(events)
