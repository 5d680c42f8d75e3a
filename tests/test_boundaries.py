"""Boundaries joined to CDE attributes, on the real Census and CDE files."""

from __future__ import annotations

import hashlib

import pytest

from geodata import sources
from geodata.boundaries import PSEUDO_DISTRICT_GEOIDS, districts_at


def test_942_districts_by_type(districts):
    counts = districts["district_type"].value_counts().to_dict()
    assert counts == {"unified": 344, "elementary": 522, "secondary": 76}
    assert districts["geoid"].is_unique
    assert districts.crs.to_epsg() == 4326
    assert not districts["geoid"].isin(PSEUDO_DISTRICT_GEOIDS).any()
    assert not districts["name"].str.contains(r"\(9-12\)").any()


def test_58_coes_through_their_counties(counties, reference):
    assert len(counties) == 58
    assert counties["geoid"].str.match(r"^06\d{3}$").all()
    coes = reference.loc[reference["district_type"] == "coe"]
    assert len(coes) == 58
    assert coes["name"].str.contains("County").all()


def test_every_district_has_cd_code_and_region(districts, reference):
    assert districts["cd_code"].str.fullmatch(r"\d{7}").all()
    assert districts["cds_code"].str.fullmatch(r"\d{14}").all()
    assert districts["ccsesa_region"].between(1, 11).all()
    assert reference["ccsesa_region"].between(1, 11).all()
    assert reference["lat"].notna().all() and reference["lon"].notna().all()


def test_codes_keep_leading_zeros(reference):
    alameda = reference.loc[reference["cd_code"] == "0161119"].iloc[0]
    assert alameda["name"] == "Alameda Unified"
    assert alameda["cds_code"] == "01611190000000"
    assert alameda["geoid"] == "0601770"


def test_cde_vs_census_names(reference):
    sd = reference.loc[reference["geoid"] == "0634320"].iloc[0]
    assert sd["name"] == "San Diego Unified"
    assert sd["census_name"] == "San Diego City Unified School District"


@pytest.mark.parametrize(
    "name", ["Feather Falls Union Elementary", "Elkins Elementary"]
)
def test_districts_without_polygon_are_kept(reference, districts, name):
    row = reference.loc[reference["name"] == name]
    assert len(row) == 1
    assert not bool(row["has_boundary"].iloc[0])
    assert row["location_source"].iloc[0] == "county_office"
    assert row["geoid"].iloc[0] not in set(districts["geoid"])


def test_override_folder_files_match_pinned_hashes():
    for key, source in sources.SOURCES.items():
        path = sources.fetch(key, download=False)
        assert path.name == source.filename
        if source.sha256:
            assert hashlib.sha256(path.read_bytes()).hexdigest() == source.sha256


def test_wrong_hash_is_refused(tmp_path, monkeypatch):
    bad = tmp_path / "census"
    bad.mkdir()
    (bad / "cb_2021_06_unsd_500k.zip").write_bytes(b"not the census file")
    monkeypatch.setenv("LMI_GEODATA_DIR", str(tmp_path))
    sources._find_in_override.cache_clear()
    with pytest.raises(sources.SourceError, match="SHA-256"):
        sources.fetch("unsd", download=False)
    sources._find_in_override.cache_clear()


def test_missing_override_folder_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("LMI_GEODATA_DIR", str(tmp_path / "nope"))
    with pytest.raises(sources.SourceError, match="not a folder"):
        sources.fetch("unsd")


@pytest.mark.parametrize(
    ("lon", "lat", "names"),
    [
        # downtown Santa Rosa (Sonoma): elementary + high school district + COE
        (
            -122.7141,
            38.4405,
            [
                "Santa Rosa Elementary",
                "Santa Rosa High",
                "Sonoma County Office of Education",
            ],
        ),
        # Campbell (Santa Clara)
        (
            -121.9499,
            37.2872,
            [
                "Campbell Union",
                "Campbell Union High",
                "Santa Clara County Office of Education",
            ],
        ),
        # San Diego: one unified district + COE
        (
            -117.1611,
            32.7157,
            ["San Diego Unified", "San Diego County Office of Education"],
        ),
    ],
)
def test_districts_at_offers_every_district_holding_the_point(lon, lat, names):
    found = districts_at(lon, lat)
    assert found["name"].tolist() == names
    assert list(found.index) == list(range(len(names)))
    assert {"geoid", "district_type", "county", "cd_code"} <= set(found.columns)


def test_districts_at_outside_california_and_bad_input():
    assert districts_at(-100.0, 40.0).empty
    with pytest.raises(ValueError, match="longitude"):
        districts_at(float("nan"), 38.0)
    with pytest.raises(ValueError, match="longitude"):
        districts_at(38.4405, -122.7141)  # lat, lon swapped
