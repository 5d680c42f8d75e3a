"""The map-measure registry: every measure reaches every map, page and the CLI.

The contract tests run over :data:`geodata.measures.REGISTRY`, so a measure
added there is checked by them at once; its own numbers get one test below.
"""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from dashboard.cli import app
from geodata.layers import PRINT, participation_layers
from geodata.maprequest import MapRequest, map_titles
from geodata.measures import (
    NO_DATA,
    NO_TEAM,
    REGISTRY,
    legend,
    measure_layer,
    measure_spec,
)
from loaders.participation import teams_by_event
from tests.test_exports import EVENTS_USED

MEASURE_KEYS = list(REGISTRY)


def _request(key: str, **kwargs) -> MapRequest:
    ids = EVENTS_USED[1:] if REGISTRY[key].one_event else EVENTS_USED
    return MapRequest(key, ids, **kwargs)


@pytest.mark.parametrize("key", MEASURE_KEYS)
def test_entry_is_complete(key):
    spec = REGISTRY[key]
    assert spec.key == key and spec.label and spec.title and spec.classes
    items = legend(key)
    labels = [label for label, _ in items]
    colours = [colour.lower() for _, colour in items]
    if spec.unlisted is None:
        assert labels[-2:] == [NO_TEAM, NO_DATA]
    else:  # e.g. outreach: a district without a team is "Never reached"
        assert labels[-1] == NO_DATA and NO_TEAM not in labels
    assert len(set(labels)) == len(labels) and len(set(colours)) == len(colours)
    assert not {"#000", "#000000", "black"} & set(colours)


@pytest.mark.parametrize("key", MEASURE_KEYS)
def test_compute_gives_one_class_per_team(key, teams):
    spec = REGISTRY[key]
    sel = teams.loc[teams["event_id"].isin(_request(key).mapped_events)]
    per = spec.compute(sel)
    assert set(per.index) == set(sel["geoid"])
    assert per["klass"].between(0, len(spec.classes) - 1).all()
    assert per["value"].notna().all()


@pytest.mark.parametrize("key", MEASURE_KEYS)
def test_static_and_interactive_layers_agree(key, teams):
    """One pipeline: each district has the same class on screen and in print."""
    request = _request(key, region=4)
    web = participation_layers(teams, request)
    printed = participation_layers(teams, request, level=PRINT)
    on_screen = web.districts.set_index("geoid")["measure_label"]
    in_print = printed.districts.set_index("geoid")["measure_label"]
    assert len(on_screen) > 50
    assert (in_print.reindex(on_screen.index) == on_screen).all()
    assert set(on_screen) - {NO_TEAM} <= {c.label for c in REGISTRY[key].classes}
    assert web.legend == printed.legend == legend(key)


@pytest.mark.parametrize("key", MEASURE_KEYS)
def test_titles_and_one_event_rule(key, events):
    spec = REGISTRY[key]
    title, subtitle = map_titles(_request(key), events, "CCSESA Region 4")
    assert title == f"{spec.title}: CCSESA Region 4" and subtitle
    if spec.one_event:
        with pytest.raises(ValueError, match="one event"):
            MapRequest(key).checked(events)
    else:
        assert MapRequest(key).checked(events).mapped_events == ()


def test_cli_offers_every_measure():
    words = " ".join(
        CliRunner().invoke(app, ["export", "map", "--help"]).output.split()
    )
    for key in MEASURE_KEYS:
        assert key in words


def test_unknown_measure_names_the_choices(teams):
    with pytest.raises(KeyError, match="events_attended"):
        measure_spec("bogus")
    with pytest.raises(KeyError):
        measure_layer(pd.DataFrame({"geoid": ["0601770"]}), teams, measure="bogus")


def test_people_counts_each_person_once_over_the_events():
    layer = pd.DataFrame({"geoid": ["0634320", "0622710", "0601770"]})
    teams = pd.DataFrame(
        {
            "geoid": ["0634320", "0634320", "0622710"],
            "event_id": ["A", "B", "A"],
            "team_status": ["attended", "attended", "applied"],
            "n_people": [4, 2, 1],
            # p1 and p2 came to both events: they count once
            "person_ids": ["p1 p2 p3 p4", "p1 p2", "q1"],
        }
    )
    out = measure_layer(layer, teams, measure="people").set_index("geoid")
    assert out["measure_value"].tolist()[:2] == [4.0, 1.0]
    assert out["measure_label"].tolist() == ["3-4 people", "1-2 people", NO_TEAM]
    one = measure_layer(layer, teams, measure="people", event_ids=["B"])
    assert one["measure_label"].tolist() == ["1-2 people", NO_TEAM, NO_TEAM]


def test_people_on_the_map_equal_the_district_table(reference):
    """One figure, one function: the map's people = the table's people."""
    from loaders import participation
    from loaders.demo import demo_roster
    from loaders.matching import match_roster

    rows = demo_roster(reference)
    matched = match_roster(rows.assign(source_row=range(2, len(rows) + 2)), reference)
    teams = participation.teams_by_event(matched)
    layer = reference[["geoid"]]
    mapped = measure_layer(layer, teams, measure="people").set_index("geoid")
    table = participation.figures_by_area(teams, reference, "district").set_index(
        "geoid"
    )
    own = participation.own_rows(teams)
    solo = set(own["geoid"]) - set(
        teams.loc[teams["geoid"] != teams["team_geoid"], "team_geoid"]
    )
    solo = sorted(solo & set(table.index))
    assert len(solo) > 100
    assert (
        mapped.loc[solo, "measure_value"].astype(int).tolist()
        == table.loc[solo, "people"].astype(int).tolist()
    )


# a small real roster (issue 12, item 4): cancelled, invited, short and complete
ROLES_ROSTER = """District,County,Role,Status
Oakland Unified,Alameda,Superintendent,Cancelled
Oakland Unified,Alameda,Board member,Cancelled
Oakland Unified,Alameda,Teachers union president,Cancelled
Oakland Unified,Alameda,Classified union president,Cancelled
Berkeley Unified,Alameda,Superintendent,Applied
Berkeley Unified,Alameda,Board member,Applied
Berkeley Unified,Alameda,Teachers union president,Registered
Berkeley Unified,Alameda,Classified union president,Waitlisted
Alameda Unified,Alameda,Superintendent,Attended
Alameda Unified,Alameda,Board member,Attended
Alameda Unified,Alameda,Teachers union president,Attended
Alameda Unified,Alameda,Classified union president,Registered
Hayward Unified,Alameda,Superintendent,Attended
Hayward Unified,Alameda,Board member,Attended
Hayward Unified,Alameda,Teachers union president,Attended
Hayward Unified,Alameda,Classified union president,Attended
"""


def test_completeness_classes_say_came_or_applied(tmp_path, reference):
    from loaders.matching import match_roster
    from loaders.roster import read_roster

    path = tmp_path / "roles.csv"
    path.write_text(ROLES_ROSTER, encoding="utf-8")
    matched = match_roster(read_roster(path, event_id="CALMI-2024-SI").rows, reference)
    assert matched["match_status"].eq("matched").all()
    teams = teams_by_event(matched)
    names = reference.set_index("name")["geoid"]
    layer = reference.loc[reference["county"] == "Alameda", ["geoid", "name"]]
    out = measure_layer(
        layer, teams, measure="completeness", event_ids=["CALMI-2024-SI"]
    ).set_index("name")
    assert out.loc["Oakland Unified", "measure_label"] == (
        "Did not attend (roles applied only)"  # all cancelled: before, "4 of 4"
    )
    assert out.loc["Berkeley Unified", "measure_label"] == (
        "Did not attend (roles applied only)"  # 4 applied, 0 came
    )
    assert out.loc["Berkeley Unified", "measure_value"] == 4
    assert out.loc["Alameda Unified", "measure_label"] == "Came, fewer than 4 roles"
    assert out.loc["Hayward Unified", "measure_label"] == "Came, all 4 roles (complete)"
    assert out.loc["Albany City Unified", "measure_label"] == NO_TEAM
    # every label of the measure says "came" or "applied": never a bare "4/4"
    for spec_class in REGISTRY["completeness"].classes:
        assert "came" in spec_class.label.lower() or "applied" in spec_class.label
    # the printed legend and the map tooltip read these labels
    from geodata import mapview

    html = mapview.legend_html("completeness")
    assert "Did not attend (roles applied only)" in html
    assert names.get("Hayward Unified") in set(teams["geoid"])
