"""The plan pipeline without a page: plan_for_roster, its options and selection."""

from __future__ import annotations

import pytest

from geodata.gazetteer import PlaceNotFoundError
from geodata.siting import (
    CandidateOptions,
    PlanOptions,
    TeamSelection,
    VenuePlan,
    candidate_table,
    exact_too_large,
    plan_for_roster,
)
from loaders.demo import demo_roster
from loaders.matching import match_roster
from loaders.participation import teams_by_event
from loaders.roster import read_roster


@pytest.fixture(scope="module")
def matched(reference):
    return match_roster(demo_roster(reference), reference)


def test_the_selection_record_is_the_same_whoever_calls(matched, reference):
    selection = TeamSelection(
        "applied-not-attended", event_ids=["CALMI-2015-SYMP"], regions=[4, 3]
    )
    venues = CandidateOptions(min_population=100_000, added_venues=["Visalia"])
    options = PlanOptions(p=2, booked=("Visalia",))
    # computed from the roster, or from what a page has cached: one plan
    a = plan_for_roster(matched, reference, selection, options, venues, roster="demo")
    b = plan_for_roster(
        None,
        reference,
        selection,
        options,
        venues,
        roster="demo",
        teams_by_event=teams_by_event(matched),
        candidates=candidate_table(venues),
    )
    assert a.venues == b.venues and a.objective == pytest.approx(b.objective)
    assert (
        a.selection
        == b.selection
        == {
            "serve": "applied-not-attended",
            "event_ids": ["CALMI-2015-SYMP"],
            "regions": [3, 4],
            "counties": None,
            "district_types": None,
            "weight": "people",
            "people_per_team": 4,
            "min_population": 100_000,
            "include_past": True,
            "added_venues": ["Visalia"],
            "roster": "demo",
        }
    )
    assert "Visalia" in a.venues and a.options.booked == ("Visalia",)
    assert set(a.teams["ccsesa_region"]) <= {3, 4}


def test_booked_places_are_added_and_unknown_ones_named(reference):
    every = TeamSelection("all-districts", regions=[1])
    plan = plan_for_roster(
        None,
        reference,
        every,
        PlanOptions(p=2, booked=("36.3300, -119.2900",)),
        CandidateOptions(min_population=100_000, include_past=False),
    )
    assert isinstance(plan, VenuePlan) and plan.solved
    assert "Point 36.3300, -119.2900" in plan.venues
    with pytest.raises(PlaceNotFoundError, match="Did you mean"):
        plan_for_roster(None, reference, every, PlanOptions(p=1, booked=("Emerville",)))


def test_empty_or_full_filters_mean_all():
    assert TeamSelection("all-network", counties=[], event_ids=[]).counties is None
    full = TeamSelection(
        "all-network", district_types=["coe", "unified", "elementary", "secondary"]
    )
    assert full.district_types is None
    with pytest.raises(ValueError, match="unknown district type"):
        TeamSelection("all-network", district_types=["charter"])


def test_exact_solver_size_guard():
    assert not exact_too_large(300, 40, capacitated=True)
    assert exact_too_large(1002, 208, capacitated=False)


# ------------------------------------------- a shared-governance team is one team
SHARED = """District,County,Role,Status,Name,Email
Santa Rosa City Schools,Sonoma,Superintendent,Applied,Ana Ruiz,ana@sr.example
Santa Rosa City Schools,Sonoma,Board member,Applied,Bo Lee,bo@sr.example
Santa Rosa City Schools,Sonoma,Teachers union president,Applied,Cy Wu,cy@sr.example
Santa Rosa City Schools,Sonoma,Classified union president,Applied,Di Oz,di@sr.example
Petaluma City Schools,Sonoma,Superintendent,Applied,Ed Po,ed@pcs.example.org
"""
SANTA_ROSA = {"0635810", "0635830"}  # Santa Rosa Elementary and High


def test_a_shared_governance_team_is_planned_once(tmp_path, reference):
    path = tmp_path / "shared.csv"
    path.write_text(SHARED, encoding="utf-8")
    matched = match_roster(read_roster(path, event_id="CALMI-2024-SI").rows, reference)
    assert matched["match_status"].eq("matched").all()
    # the reach view colours both districts of each pair ...
    assert SANTA_ROSA <= set(teams_by_event(matched)["geoid"])
    venues = CandidateOptions(min_population=100_000, include_past=False)
    for people_per_team in (None, 4):
        selection = TeamSelection(
            "all-network",
            event_ids=["CALMI-2024-SI"],
            people_per_team=people_per_team,
        )
        plan = plan_for_roster(matched, reference, selection, PlanOptions(p=1), venues)
        # ... but the plan serves two teams: Santa Rosa City Schools once
        assert plan.summary()["teams"] == 2  # before: 4
        served = plan.team_table().set_index("geoid")
        assert len(SANTA_ROSA & set(served.index)) == 1
        santa_rosa = served.loc[sorted(SANTA_ROSA & set(served.index))[0]]
        assert santa_rosa["people"] == 4  # its people once, not 8
        expected = 5 if people_per_team is None else 8  # before: 10 / 16
        assert plan.summary()["people"] == expected
    # every district: the shared team's other district is not a team of its own
    every = plan_for_roster(
        matched,
        reference,
        TeamSelection("all-districts", counties=["Sonoma"]),
        PlanOptions(p=1),
        venues,
    )
    sonoma = reference.loc[reference["county"] == "Sonoma", "geoid"]
    assert every.summary()["teams"] == len(sonoma) - 2  # Santa Rosa, Petaluma
