"""Plans compared and saved under their own keys, and the page's choices, without
a page: real teams (CCSESA regions 9-11) and real California cities."""

from __future__ import annotations

import pytest

from geodata.gazetteer import california_cities
from geodata.siting import (
    CandidateOptions,
    PlanChoices,
    PlanOptions,
    TeamSelection,
    VenuePlan,
    add_to_comparison,
    comparison_differences,
    comparison_labels,
    comparison_table,
    plan_label,
    remove_from_comparison,
    saved_label,
    scenario_options,
    select_teams,
)
from loaders.workspace import open_workspace


@pytest.fixture(scope="module")
def two_plans(reference):
    """A p-median plan and a capacitated one that choose the same venues."""
    teams = select_teams(None, reference, serve="all-districts", regions=[9, 10, 11])
    cities = california_cities(100_000)
    selection = {"serve": "all-districts", "regions": [9, 10, 11]}
    plain = VenuePlan.from_teams(
        teams, cities, PlanOptions(p=3), selection=selection
    ).solve()
    roomy = VenuePlan.from_teams(
        teams, cities, PlanOptions(p=3, capacity=len(teams)), selection=selection
    ).solve()
    assert plain.venues == roomy.venues  # the case that used to overwrite
    return plain.to_dict(), roomy.to_dict()


def test_same_venues_two_models_are_two_entries(two_plans):
    plain, roomy = two_plans
    compared, first, added = add_to_comparison({}, plain, plan_label(plain))
    assert (first, added) == ("plan-1", True)
    compared, second, added = add_to_comparison(compared, roomy, plan_label(roomy))
    assert (second, added) == ("plan-2", True)  # before: the same key, replaced
    assert list(compared) == ["plan-1", "plan-2"]
    table = comparison_table(compared)
    assert list(table["model"]) == ["p-median", "capacitated p-median"]
    assert list(table["key"]) == ["plan-1", "plan-2"]
    assert table["scenario_id"].isna().all()
    assert table["scenario"].iloc[1].startswith("capacitated p-median (≤ ")
    differences = comparison_differences(compared)
    assert set(differences.index) == {"model", "capacity"}
    assert list(differences.loc["model"]) == ["p-median", "capacitated p-median"]
    # the same plan again adds nothing; the caller's dict is never changed
    again, key, added = add_to_comparison(compared, plain, "again")
    assert (key, added, again) == ("plan-1", False, compared)
    assert list(remove_from_comparison(compared, "plan-1")) == ["plan-2"]
    assert list(compared) == ["plan-1", "plan-2"]


def test_saved_scenarios_are_keyed_by_id_and_labels_told_apart(two_plans):
    plain, roomy = two_plans
    compared, key, _ = add_to_comparison({}, plain, "north", scenario_id=7)
    compared, key2, _ = add_to_comparison(compared, roomy, "north", scenario_id=9)
    assert (key, key2) == ("saved-7", "saved-9")
    assert add_to_comparison(compared, roomy, "x", scenario_id=9)[1:] == (
        "saved-9",
        False,
    )
    assert comparison_labels(compared) == {"saved-7": "north", "saved-9": "north (2)"}
    assert list(comparison_table(compared)["scenario_id"]) == [7, 9]
    # a fresh key never takes an existing one, even after a removal
    fresh = add_to_comparison({"plan-2": compared["saved-7"]}, roomy, "r")[1]
    assert fresh == "plan-3"


def test_the_workspace_and_the_comparison_read_the_same_fields(
    two_plans, workspace_dir
):
    plain, roomy = two_plans
    ws = open_workspace()
    try:
        a = ws.save_scenario("south", plain, options=scenario_options(plain))
        b = ws.save_scenario("south", roomy, options=scenario_options(roomy))
        assert a != b and len(ws.list_scenarios()) == 2  # the same name: two
        stored = ws.compare_scenarios([a, b])
        rows = ws.list_scenarios().set_index("scenario_id")
        labels = [
            saved_label(rows.loc[i].to_dict() | {"scenario_id": i}) for i in (a, b)
        ]
    finally:
        ws.close()
    compared = {}
    for label, payload, sid in ((labels[0], plain, a), (labels[1], roomy, b)):
        compared = add_to_comparison(compared, payload, label, scenario_id=sid)[0]
    here = comparison_differences(compared)
    assert list(stored.index) == list(here.index) == ["model", "capacity"]
    assert stored.to_numpy().tolist() == here.to_numpy().tolist()
    assert labels[0].startswith("south: p-median, 3 venues, saved ")
    assert labels[0].endswith(f"UTC (#{a})")


def test_who_is_served_is_part_of_what_differs(two_plans):
    plain, _ = two_plans
    other = {**plain, "selection": {**plain["selection"], "regions": [9]}}
    compared = add_to_comparison({}, plain, "a")[0]
    compared = add_to_comparison(compared, other, "b")[0]
    differences = comparison_differences(compared)
    assert list(differences.index) == ["selection.regions"]
    assert list(differences.loc["selection.regions"]) == ["9, 10, 11", "9"]


def test_choices_give_the_plan_options_once():
    values = PlanChoices(events=["CALMI-2015-SYMP"]).to_values("plan_")
    assert values["plan_types"] == ["unified", "elementary", "secondary", "coe"]
    assert values["plan_min_population"] == 50_000
    selection, venues, options = PlanChoices.from_values(values, "plan_").settings()
    assert selection == TeamSelection(
        "applied-not-attended", event_ids=["CALMI-2015-SYMP"]
    )
    assert selection.district_types is None  # all four ticked: no filter
    assert venues == CandidateOptions()
    assert options == PlanOptions(p=3)
    capacitated = PlanChoices(use_capacity=True, capacity=40, radius=90).settings()
    assert (capacitated[2].capacity, capacitated[2].radius) == (40, None)
    assert capacitated[2].radius_units == "miles"  # units of a radius it lacks
    coverage = PlanChoices(
        model="coverage", use_capacity=True, radius=90, radius_units="miles"
    ).settings()[2]
    assert (coverage.capacity, coverage.radius, coverage.radius_units) == (
        None,
        90.0,
        "miles",
    )
    with pytest.raises(ValueError, match="serve must be one of"):
        PlanChoices(serve="everyone").settings()
