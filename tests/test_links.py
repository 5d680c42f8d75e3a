"""The Map, Plan and Export pages' addresses, read and written without Streamlit."""

from __future__ import annotations

import pytest

from dashboard import links, mapnav
from geodata import boundaries
from geodata.measures import REGISTRY
from loaders.events import load_events

ONE = {key: m.one_event for key, m in REGISTRY.items()}
OAKLAND = "0628050"


@pytest.fixture(scope="module")
def reference():
    return boundaries.entity_reference()


@pytest.fixture(scope="module")
def event_ids():
    return list(load_events()["event_id"])


def _parse(params, reference, event_ids):
    return links.parse_map_params(
        params, measures=ONE, event_ids=event_ids, reference=reference
    )


def test_the_shared_link_of_the_issue(reference, event_ids):
    params = {
        "region": "4",
        "district": OAKLAND,
        "event": ["CALMI-2015-EMERYVILLE"],
        "measure": "completeness",
    }
    view, notes = _parse(params, reference, event_ids)
    assert notes == []
    assert view == links.MapView(
        "completeness", ("CALMI-2015-EMERYVILLE",), 4, None, OAKLAND
    )
    # written back, read again: the same view
    again, _ = _parse(links.map_params(view), reference, event_ids)
    assert again == view


def test_no_map_parameter_keeps_the_page_defaults(reference, event_ids):
    assert _parse({"section": "review"}, reference, event_ids) == (None, [])


@pytest.mark.parametrize(
    "params, words",
    [
        ({"region": "12"}, "not a CCSESA region"),
        ({"region": "four"}, "not a CCSESA region"),
        ({"county": "Springfield"}, "not a California county"),
        ({"county": "Alameda", "region": "5"}, "Alameda County is in Region 4"),
        ({"district": "9999999"}, "No district or COE"),
        ({"district": OAKLAND, "region": "7"}, "is in Region 4, not Region 7"),
        ({"district": OAKLAND, "county": "Marin"}, "in Alameda County, not Marin"),
    ],
)
def test_bad_places_fall_back_to_statewide_with_a_note(
    reference, event_ids, params, words
):
    view, notes = _parse(params, reference, event_ids)
    assert (view.region, view.county, view.district) == (None, None, None)
    assert len(notes) == 1 and words in notes[0]
    assert notes[0].endswith("showing all California.")


def test_unknown_measure_and_events_are_named(reference, event_ids):
    params = {"measure": "bogus", "event": ["NOPE", "CALMI-2015-SYMP"], "region": "4"}
    view, notes = _parse(params, reference, event_ids)
    assert view.measure == "events_attended"
    assert view.event_ids == ("CALMI-2015-SYMP",)
    assert view.region == 4
    assert any("“bogus”" in n for n in notes)
    assert any("“NOPE”" in n for n in notes)


def test_one_event_measure_keeps_the_first_event(reference, event_ids):
    params = {"measure": "event_status", "event": ["CALMI-2015-SYMP", "CALMI-2017-SI"]}
    view, notes = _parse(params, reference, event_ids)
    assert view.event_ids == ("CALMI-2015-SYMP",)
    assert "one event" in notes[0]


def test_county_as_people_type_it_and_a_district_alone(reference, event_ids):
    view, notes = _parse({"county": "alameda county"}, reference, event_ids)
    assert (view.region, view.county, notes) == (4, "Alameda", [])
    view, _ = _parse({"district": OAKLAND}, reference, event_ids)
    assert (view.region, view.county, view.district) == (4, "Alameda", OAKLAND)
    coe, notes = _parse({"district": "06001"}, reference, event_ids)  # Alameda COE
    assert coe.district == "06001" and notes == []


def test_session_state_round_trip():
    ss: dict = {}
    mapnav.set_defaults(ss, ["CALMI-2015-SYMP"])
    view = links.MapView("completeness", ("CALMI-2015-EMERYVILLE",), 4, None, OAKLAND)
    mapnav.apply_view(ss, view, one_event=True)
    assert ss["map_event"] == "CALMI-2015-EMERYVILLE" and ss["map_region"] == 4
    assert ss["map_county"] == mapnav.ALL and ss["drill_geoid"] == OAKLAND
    assert mapnav.view_of(ss, one_event=True) == view


def test_page_settings_round_trip_and_notes():
    settings = [
        links.Setting("model", "plan_model", "text", ("p-median", "coverage")),
        links.Setting("region", "plan_regions", "ints", links.REGIONS),
        links.Setting("meetings", "plan_p", "int", range(1, 13)),
        links.Setting("county", "export_county", "text", absent="All"),
    ]
    values = {"plan_model": "coverage", "plan_regions": [4, 7], "plan_p": 3}
    params = links.settings_params({**values, "export_county": "All"}, settings)
    assert "county" not in params
    assert links.parse_settings(params, settings) == (values, [])
    got, notes = links.parse_settings({"meetings": "99", "model": "x"}, settings)
    assert got == {} and len(notes) == 2


def test_every_bad_value_of_a_link_gets_its_note(reference, event_ids):
    """The tester's link: a bad district is not dropped silently."""
    view, notes = _parse(
        {"district": "zzz", "event": "NOPE-1", "county": "Atlantis"},
        reference,
        event_ids,
    )
    text = " ".join(notes)
    assert "NOPE-1" in text
    assert "Atlantis" in text and "not a California county" in text
    assert "zzz" in text and "No district or COE" in text
    assert (view.region, view.county, view.district) == (None, None, None)
