"""The participation map: measures, legend, offline assets, escaping, payload."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from geodata import mapview
from geodata.simplify import LEVELS, coverage_problems, web_layers

TYPES = ("unified", "elementary", "secondary")


@pytest.fixture(scope="module")
def state_layers():
    return web_layers("state")


def _teams(rows):
    frame = pd.DataFrame(
        rows, columns=["geoid", "event_id", "team_status", "role_completeness"]
    )
    frame["n_people"] = 1
    return frame


SD, LA, RIVERSIDE_COE = "0634320", "0622710", "06065"


@pytest.mark.parametrize("level", ["state", "region", "county"])
def test_simplified_layers_stay_valid_coverages(level):
    districts, counties = web_layers(level)
    assert len(districts) == 942 and len(counties) == 58
    assert not districts.geometry.is_empty.any()
    assert districts.geometry.is_valid.all()
    for dtype in TYPES:
        assert coverage_problems(districts[districts["district_type"] == dtype]) == 0
    assert coverage_problems(counties) == 0
    assert LEVELS[level].tolerance_m >= 0


def test_events_attended_classes(state_layers):
    districts, _ = state_layers
    teams = _teams(
        [
            (SD, "A", "attended", 4),
            (SD, "B", "attended", 3),
            (LA, "A", "applied", 2),
        ]
    )
    out = mapview.measure_layer(districts, teams, measure="events_attended")
    by = out.set_index("geoid")["measure_label"]
    assert by[SD] == "Attended 2 events"
    assert by[LA] == "Team, attended none"
    assert (by.drop([SD, LA]) == mapview.NO_TEAM).all()


def test_no_team_and_no_data_are_distinct_and_not_black():
    for measure in mapview.MEASURES:
        items = dict(mapview.legend(measure))
        absent = items.get(mapview.NO_TEAM)  # outreach: "Never reached" instead
        assert absent is None or absent != items[mapview.NO_DATA]
        assert all(
            c.lower() not in ("#000", "#000000", "black") for c in items.values()
        )
        assert len(set(items.values())) == len(items)


def test_event_without_roster_rows_is_no_data(state_layers):
    districts, _ = state_layers
    teams = _teams([(SD, "A", "attended", 4)])
    out = mapview.measure_layer(
        districts, teams, measure="event_status", event_ids=["B"]
    )
    assert (out["measure_label"] == mapview.NO_DATA).all()


def test_status_and_completeness_for_one_event(state_layers):
    districts, counties = state_layers
    teams = _teams(
        [
            (SD, "A", "attended", 3),
            (LA, "A", "waitlisted", 1),
            (RIVERSIDE_COE, "A", "registered", 4),
        ]
    )
    status = mapview.measure_layer(
        districts, teams, measure="event_status", event_ids=["A"]
    ).set_index("geoid")
    assert status.loc[SD, "measure_label"] == "Attended"
    assert status.loc[LA, "measure_label"] == "Applied, did not attend"
    comp = mapview.measure_layer(
        counties, teams, measure="completeness", event_ids=["A"]
    ).set_index("geoid")
    # registered with four roles: applied, never "4 of 4" (issue 12, item 4)
    assert comp.loc[RIVERSIDE_COE, "measure_label"] == (
        "Did not attend (roles applied only)"
    )
    assert comp.loc[RIVERSIDE_COE, "measure_value"] == 4
    comp = mapview.measure_layer(
        districts, teams, measure="completeness", event_ids=["A"]
    ).set_index("geoid")
    assert comp.loc[SD, "measure_label"] == "Came, fewer than 4 roles"
    with pytest.raises(ValueError, match="needs one event"):
        mapview.measure_layer(districts, teams, measure="completeness")


def _statewide_map(state_layers, **kwargs):
    districts, counties = state_layers
    teams = _teams([(SD, "A", "attended", 4)])
    d = mapview.measure_layer(districts, teams, measure="events_attended")
    c = mapview.measure_layer(counties, teams, measure="events_attended")
    return mapview.build_map(d, c, measure="events_attended", **kwargs), d, c


def test_map_loads_nothing_from_outside(state_layers):
    fmap, _, _ = _statewide_map(state_layers)
    assert mapview.external_urls(fmap) == []
    page = fmap.get_root().render()
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "/app/static/vendor/leaflet-" in page


def test_statewide_payload_under_ceiling(state_layers):
    fmap, d, c = _statewide_map(state_layers)
    page = fmap.get_root().render()
    assert len(d) + len(c) == 1000
    # naive folium rendering of the same features is ~4.1 MB (bench/ measures it)
    assert len(page.encode()) < 800_000


def test_standalone_html_is_self_contained_and_holds_every_id(state_layers):
    districts, counties = state_layers
    teams = _teams([(SD, "A", "attended", 4)])
    d = mapview.measure_layer(districts, teams, measure="events_attended")
    c = mapview.measure_layer(counties, teams, measure="events_attended")
    fmap = mapview.build_map(d, c, measure="events_attended", asset_base="inline")
    page = mapview.map_html_standalone(fmap)
    assert not re.search(r'<script[^>]+src=|<link[^>]+href="http', page)
    assert "L.map(" in page and "Leaflet" in page
    for geoid in d["geoid"]:
        assert f'"id":"{geoid}"' in page


def test_text_in_map_is_escaped(state_layers):
    districts, counties = state_layers
    districts = districts.copy()
    districts.loc[districts["geoid"] == SD, "name"] = '<script>alert("x")</script>'
    teams = _teams([(SD, "A", "attended", 4)])
    d = mapview.measure_layer(districts, teams, measure="events_attended")
    c = mapview.measure_layer(counties, teams, measure="events_attended")
    page = mapview.build_map(d, c, measure="events_attended").get_root().render()
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page or "\\u0026lt;script" in page


def test_drill_view_crops_to_region_and_county(state_layers):
    districts, counties = state_layers
    d, c, bounds = mapview.drill_view(districts, counties, region=4)
    assert set(d["ccsesa_region"]) == {4} and set(c["ccsesa_region"]) == {4}
    d2, c2, b2 = mapview.drill_view(districts, counties, region=4, county="Alameda")
    assert set(d2["county"]) == {"Alameda"} and len(c2) == 1
    assert b2[0] >= bounds[0] - 1e-9 and b2[2] <= bounds[2] + 1e-9
    _, _, b3 = mapview.drill_view(districts, counties, geoid=SD)
    assert b3[2] - b3[0] < 1.0
    assert mapview.detail_level(None, None) == "state"
    assert mapview.detail_level(4, None) == "region"
    assert mapview.detail_level(4, "Alameda") == "county"


def test_data_url_assets_for_a_server_without_static_files():
    fmap = mapview.offline_map("data")
    assert mapview.external_urls(fmap) == []
    assert fmap.default_js[0][1].startswith("data:text/javascript;base64,")


def test_legend_lists_only_classes_drawn_plus_no_team_and_layers_collapse():
    import pandas as pd

    from geodata.layers import participation_layers
    from geodata.maprequest import MapRequest

    teams = pd.DataFrame(
        {
            "geoid": ["0628050"],
            "event_id": ["CALMI-2015-EMERYVILLE"],
            "team_status": ["attended"],
            "role_completeness": [4],
        }
    )
    request = MapRequest(
        measure="events_attended",
        event_ids=("CALMI-2015-EMERYVILLE",),
        region=4,
        county="Alameda",
    )
    layers = participation_layers(teams, request)
    items = mapview.present_legend(
        "events_attended",
        pd.concat(
            [layers.districts["measure_label"], layers.counties["measure_label"]]
        ),
    )
    assert [label for label, _, _ in items] == ["Attended 1 event", mapview.NO_TEAM]
    assert items[0][2] == 1
    page = mapview.participation_map(layers).get_root().render()
    assert "Attended 1 event" in page and "Attended 2 events" not in page
    assert '"collapsed": true' in page
