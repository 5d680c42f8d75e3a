"""GIS exports: the participation layer as GeoPackage and GeoJSON (EPSG:4326).

Written through the export-format registry as the command line and the Export
page write them, read back with pyogrio (GDAL) and geopandas.
"""

from __future__ import annotations

import io
import json

import geopandas as gpd
import pyogrio
import pytest
from typer.testing import CliRunner

from dashboard.cli import app
from geodata.formats import REGISTRY, format_for_path, participation_map_bytes
from geodata.gislayer import IDENTITY_COLUMNS, LAYER_NAME
from geodata.maprequest import MapRequest
from loaders.events import load_events
from loaders.exports import contact_columns, participation_tables
from loaders.participation import teams_by_event
from tests.test_exports import EVENTS_USED, sample_matched

# GDAL reading a GeoPackage from memory notes that the in-memory name lacks .gpkg
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*non conformant file extension:RuntimeWarning"
)

FIGURES = [
    "team_of",
    "events",
    "events_attended",
    "complete_events",
    "reached",
    "teams",
    "attended",
    "complete_teams",
    "applied_not_attended",
    "people",
    "people_attended",
    "team_events",
    "role_superintendent",
    "role_board_member",
    "role_teachers_union_president",
    "role_classified_union_president",
]
COLUMNS = [
    *IDENTITY_COLUMNS,
    "measure",
    "measure_value",
    "measure_label",
    "fill_color",
    *FIGURES,
]


@pytest.fixture(scope="module")
def matched(reference):
    return sample_matched(reference)


@pytest.fixture(scope="module")
def teams(matched):
    return teams_by_event(matched)


@pytest.fixture(scope="module")
def events():
    return load_events()


@pytest.fixture(scope="module")
def files(teams, events):
    """Statewide, every type, all events: full detail in both formats."""
    request = MapRequest("events_attended")
    return {
        key: participation_map_bytes(teams, events, request, key)
        for key in ("gpkg", "geojson")
    }


def _read(data: bytes) -> gpd.GeoDataFrame:
    return pyogrio.read_dataframe(io.BytesIO(data))


@pytest.mark.parametrize("key", ["gpkg", "geojson"])
def test_layer_crs_features_and_columns(files, key):
    data = files[key]
    info = pyogrio.read_info(io.BytesIO(data))
    assert info["crs"] == "EPSG:4326"
    assert info["features"] == 1000
    assert info["geometry_type"] == "MultiPolygon"
    assert list(info["fields"]) == COLUMNS
    layer = _read(data)
    assert layer.crs.to_epsg() == 4326
    kinds = layer["district_type"].value_counts().to_dict()
    assert kinds == {"elementary": 522, "unified": 344, "secondary": 76, "coe": 58}
    assert (layer["district_type"] != "coe").sum() == 942
    assert layer["geoid"].is_unique
    minx, miny, maxx, maxy = layer.total_bounds  # California in degrees
    assert -124.5 < minx < maxx < -114 and 32.5 < miny < maxy < 42.1
    contact_names = {"person_name", "email", "phone"}
    assert {c.lower() for c in layer.columns}.isdisjoint(contact_names)
    assert not contact_columns(layer.drop(columns="geometry"))
    assert b"@example.org" not in data and b"Placeholder Person" not in data


def test_gpkg_names_its_layer_and_keeps_codes_as_text(files):
    assert pyogrio.list_layers(io.BytesIO(files["gpkg"]))[0][0] == LAYER_NAME
    layer = _read(files["gpkg"])
    coe = layer.set_index("geoid").loc["06001"]  # Alameda County Office
    assert coe["cd_code"] == "0110017" and coe["district_type"] == "coe"
    assert layer["cds_code"].str.fullmatch(r"\d{14}").all()


def test_geojson_writes_its_crs(files):
    doc = json.loads(files["geojson"])
    assert doc["crs"]["properties"]["name"] == "urn:ogc:def:crs:OGC:1.3:CRS84"
    assert len(doc["features"]) == 1000


def test_layer_figures_are_the_district_tables(files, teams, reference, events):
    """One figure, one function: the layer's counts are the district table's."""
    layer = _read(files["gpkg"]).set_index("geoid")
    table = participation_tables(teams, reference, events)["district"]
    table = table.loc[table["geoid"].isin(layer.index)].set_index("geoid")
    assert len(table) > 5
    for col in FIGURES[1:]:
        assert (layer.loc[table.index, col] == table[col]).all(), col
    others = layer.drop(index=table.index)
    assert (others[FIGURES[1:]] == 0).all().all()
    oakland = layer.loc["0628050"]
    assert oakland["events_attended"] == 1 and oakland["measure_value"] == 1


def test_area_event_measure_and_simplified(teams, events, reference):
    request = MapRequest("completeness", EVENTS_USED[1:], region=4)
    full = participation_map_bytes(teams, events, request, "geojson")
    small = participation_map_bytes(teams, events, request, "geojson", simplified=True)
    layer, simple = _read(full), _read(small)
    region4 = reference.loc[reference["ccsesa_region"] == 4]
    assert len(layer) == len(simple) == region4["has_boundary"].sum() == 96
    assert set(layer["measure"]) == {"completeness"}
    assert layer.set_index("geoid").loc["0601770", "measure_label"] == (
        "Came, all 4 roles (complete)"
    )  # Alameda Unified
    vertices = layer.geometry.count_coordinates().sum()
    assert simple.geometry.count_coordinates().sum() < vertices
    assert len(small) < len(full)


def test_registry_and_suffixes():
    for key, suffix in (("gpkg", "gpkg"), ("geojson", "geojson")):
        fmt = REGISTRY[key]
        assert fmt.kind == "map" and fmt.layer and fmt.needs_geometry
        assert format_for_path(f"participation.{suffix}") is fmt


def test_cli_writes_the_geopackage(tmp_path, workspace_dir):
    runner = CliRunner()
    out = tmp_path / "participation.gpkg"
    result = runner.invoke(app, ["export", "map", "--out", str(out)])
    assert result.exit_code == 0, result.output
    info = pyogrio.read_info(out)
    assert info["crs"] == "EPSG:4326" and info["features"] == 1000
    simple = tmp_path / "simple.geojson"
    args = ["--county", "Alameda", "--simplify", "--out", str(simple)]
    result = runner.invoke(app, ["export", "map", *args])
    assert result.exit_code == 0, result.output
    layer = pyogrio.read_dataframe(simple)
    assert set(layer["county"]) == {"Alameda"} and "coe" in set(layer["district_type"])
