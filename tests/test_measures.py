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
from loaders.events import load_events
from loaders.participation import teams_by_event
from tests.test_exports import EVENTS_USED, sample_matched

MEASURE_KEYS = list(REGISTRY)


@pytest.fixture(scope="module")
def teams(reference):
    return teams_by_event(sample_matched(reference))


@pytest.fixture(scope="module")
def events():
    return load_events()


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
    assert labels[-2:] == [NO_TEAM, NO_DATA]
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


def test_people_sums_each_teams_people_over_the_events():
    layer = pd.DataFrame({"geoid": ["0634320", "0622710", "0601770"]})
    teams = pd.DataFrame(
        {
            "geoid": ["0634320", "0634320", "0622710"],
            "event_id": ["A", "B", "A"],
            "team_status": ["attended", "attended", "applied"],
            "n_people": [4, 2, 1],
        }
    )
    out = measure_layer(layer, teams, measure="people").set_index("geoid")
    assert out["measure_value"].tolist()[:2] == [6.0, 1.0]
    assert out["measure_label"].tolist() == ["5+ people", "1-2 people", NO_TEAM]
    one = measure_layer(layer, teams, measure="people", event_ids=["B"])
    assert one["measure_label"].tolist() == ["1-2 people", NO_TEAM, NO_TEAM]
