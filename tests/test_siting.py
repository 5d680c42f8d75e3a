"""Venue models checked against brute force, on real California teams and cities."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from dashboard.plan_text import plan_text
from geodata.distances import (
    CostMatrixError,
    EstimatedDriveTime,
    GreatCircle,
    haversine_matrix,
)
from geodata.gazetteer import california_cities, candidate_venues
from geodata.mapview import external_urls
from geodata.planmap import plan_map
from geodata.siting import (
    InfeasiblePlanError,
    PlanOptions,
    VenuePlan,
    alternatives,
    compare_plans,
    export_table,
    select_teams,
    solve_exact,
    solve_max_coverage,
    solve_p_median,
    transport_assignment,
)


@pytest.fixture(scope="module")
def cities():
    return california_cities(100_000)


def _instance(reference, cities, seed, n, m):
    """n real teams and m real cities drawn with a fixed seed; costs in miles."""
    rng = np.random.default_rng(seed)
    teams = reference.iloc[np.sort(rng.choice(len(reference), n, replace=False))]
    cands = cities.iloc[np.sort(rng.choice(len(cities), m, replace=False))]
    cost = haversine_matrix(teams, cands)
    weights = rng.integers(1, 5, n).astype(float)
    return cost, weights


def _brute_p_median(cost, w, p, fixed=()):
    best = None
    for combo in itertools.combinations(range(cost.shape[1]), p):
        if not set(fixed) <= set(combo):
            continue
        value = float(w @ cost[:, combo].min(axis=1))
        if best is None or value < best[0] - 1e-9:
            best = (value, combo)
    return best


def _brute_capacitated(cost, w, p, cap):
    """Every venue set and every assignment of every team (tiny instances)."""
    n, m = cost.shape
    best = None
    for combo in itertools.combinations(range(m), p):
        sub = cost[:, combo] * w[:, None]
        grid = np.array(list(itertools.product(range(p), repeat=n)))
        loads = np.stack([(grid == k).sum(axis=1) for k in range(p)], axis=1)
        ok = (loads <= cap).all(axis=1)
        if not ok.any():
            continue
        totals = sub[np.arange(n), grid[ok]].sum(axis=1)
        value = float(totals.min())
        if best is None or value < best[0] - 1e-9:
            best = (value, combo)
    return best


def _brute_coverage(cost, w, p, radius, fixed=()):
    cover = cost <= radius
    best = None
    for combo in itertools.combinations(range(cost.shape[1]), p):
        if not set(fixed) <= set(combo):
            continue
        value = float(w @ cover[:, combo].any(axis=1))
        if best is None or value > best[0] + 1e-9:
            best = (value, combo)
    return best


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("p", [1, 2, 3, 4])
def test_p_median_matches_brute_force(reference, cities, seed, p):
    cost, w = _instance(reference, cities, seed, n=40, m=10)
    expected, _ = _brute_p_median(cost, w, p)
    sol = solve_p_median(cost, w, p)
    assert sol.objective == pytest.approx(expected, rel=1e-12)
    assert len(sol.open) == p
    # every team goes to its nearest chosen venue
    np.testing.assert_array_equal(
        cost[np.arange(len(w)), sol.assign], cost[:, sol.open].min(axis=1)
    )


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(("p", "radius"), [(1, 80.0), (2, 60.0), (3, 40.0)])
def test_coverage_matches_brute_force(reference, cities, seed, p, radius):
    cost, w = _instance(reference, cities, 100 + seed, n=40, m=10)
    expected, _ = _brute_coverage(cost, w, p, radius)
    sol = solve_max_coverage(cost, w, p, radius)
    assert sol.objective == pytest.approx(expected)
    assert sol.objective == pytest.approx(
        float(w @ (cost[:, sol.open] <= radius).any(1))
    )


@pytest.mark.parametrize(
    ("seed", "n", "m", "p", "cap"),
    [
        (0, 8, 5, 2, 5),
        (1, 8, 6, 2, 4),
        (2, 7, 5, 3, 3),
        (3, 8, 5, 3, 3),
        (4, 9, 5, 3, 3),
    ],
)
def test_capacitated_matches_brute_force(reference, cities, seed, n, m, p, cap):
    cost, w = _instance(reference, cities, 200 + seed, n=n, m=m)
    expected, _ = _brute_capacitated(cost, w, p, cap)
    sol = solve_p_median(cost, w, p, capacity=cap)
    assert sol.objective == pytest.approx(expected, rel=1e-9)
    loads = np.bincount(sol.assign, minlength=m)
    assert loads.max() <= cap
    assert set(np.flatnonzero(loads)) <= set(sol.open.tolist())


def test_capacity_binds_on_a_hand_made_instance():
    # two venues; four teams sit next to venue 0, one next to venue 1
    cost = np.array([[0, 10], [1, 10], [2, 10], [3, 9], [10, 0]], dtype=float)
    w = np.ones(5)
    free = solve_p_median(cost, w, 2)
    assert free.objective == pytest.approx(6.0)
    capped = solve_p_median(cost, w, 2, capacity=3)
    # the team with the smallest extra cost (row 3: 9 - 3 = 6) moves
    assert capped.assign.tolist() == [0, 0, 0, 1, 1]
    assert capped.objective == pytest.approx(12.0)
    _, total, prices = transport_assignment(cost, 3)
    assert total == pytest.approx(12.0) and prices[0] == pytest.approx(6.0)


def test_booked_venues_are_always_kept(reference, cities):
    cost, w = _instance(reference, cities, 7, n=40, m=10)
    far = int(np.argmax(w @ cost))  # the worst single venue
    for sol in (
        solve_p_median(cost, w, 3, fixed=[far]),
        solve_p_median(cost, w, 3, fixed=[far], capacity=20),
        solve_max_coverage(cost, w, 3, 50.0, fixed=[far]),
    ):
        assert far in sol.open.tolist()
    expected, combo = _brute_p_median(cost, w, 3, fixed=[far])
    assert solve_p_median(cost, w, 3, fixed=[far]).objective == pytest.approx(expected)
    assert far in combo
    with pytest.raises(InfeasiblePlanError, match="booked"):
        solve_p_median(cost, w, 1, fixed=[0, 1])


def test_infeasible_capacity_is_reported_clearly():
    cost = np.ones((10, 4))
    with pytest.raises(InfeasiblePlanError) as info:
        solve_p_median(cost, np.ones(10), 2, capacity=4)
    message = str(info.value)
    assert "10 teams" in message and "8 seats" in message
    assert "at least 5 teams per venue" in message and "at least 3 venues" in message


def test_bad_inputs_are_named():
    with pytest.raises(CostMatrixError, match="negative"):
        solve_p_median(np.array([[1.0, -1.0]]), [1.0], 1)
    with pytest.raises(CostMatrixError, match="weights"):
        solve_p_median(np.ones((2, 2)), [1.0], 1)
    with pytest.raises(InfeasiblePlanError, match="between 1 and the 2"):
        solve_p_median(np.ones((2, 2)), [1.0, 1.0], 3)


def test_identical_inputs_give_identical_results(reference, cities):
    cost, w = _instance(reference, cities, 11, n=300, m=60)
    for kwargs in ({}, {"capacity": 80}):
        a = solve_p_median(cost, w, 5, **kwargs)
        b = solve_p_median(cost.copy(), w.copy(), 5, **kwargs)
        np.testing.assert_array_equal(a.open, b.open)
        np.testing.assert_array_equal(a.assign, b.assign)
        assert a.objective == b.objective
    a = solve_max_coverage(cost, w, 4, 50.0)
    b = solve_max_coverage(cost, w, 4, 50.0)
    np.testing.assert_array_equal(a.assign, b.assign)


def test_exact_spopt_agrees_with_brute_force(reference, cities):
    cost, w = _instance(reference, cities, 3, n=30, m=8)
    expected, _ = _brute_p_median(cost, w, 3)
    exact = solve_exact(cost, w, 3, time_limit=60)
    assert exact.optimal is True
    assert exact.objective == pytest.approx(expected, rel=1e-9)
    cap_expected, _ = _brute_capacitated(cost[:8], w[:8], 2, 4)
    cap = solve_exact(cost[:8], w[:8], 2, capacity=4, time_limit=60)
    assert cap.objective == pytest.approx(cap_expected, rel=1e-9)
    cov_expected, _ = _brute_coverage(cost, w, 2, 60.0)
    cov = solve_exact(cost, w, 2, model="coverage", radius=60.0, time_limit=60)
    assert cov.objective == pytest.approx(cov_expected)


# --------------------------------------------------------------------- teams


@pytest.fixture(scope="module")
def teams_frame(reference):
    """A small teams-by-event table in the layout of loaders.participation."""
    ids = reference["geoid"].tolist()
    rows = [
        # geoid, event, status, people, completeness, missing
        (ids[0], "E1", "applied", 4, 4, ""),
        (ids[1], "E1", "attended", 4, 4, ""),
        (ids[2], "E1", "registered", 3, 3, "Board member"),
        (ids[3], "E1", "waitlisted", 2, 2, "Board member; Superintendent"),
        (ids[3], "E2", "attended", 4, 4, ""),
        (ids[4], "E2", "attended", 2, 2, "Board member; Superintendent"),
        (ids[5], "E1", "cancelled", 1, 1, "Board member"),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "geoid",
            "event_id",
            "team_status",
            "n_people",
            "role_completeness",
            "missing_roles",
        ],
    )
    return frame.astype({"geoid": "string", "event_id": "string"})


def test_select_teams_by_status(teams_frame, reference):
    ids = reference["geoid"].tolist()

    def chosen(serve, events=("E1",)):
        out = select_teams(teams_frame, reference, serve=serve, event_ids=events)
        return set(out["geoid"])

    assert chosen("applied-not-attended") == {ids[0], ids[2], ids[3], ids[5]}
    assert chosen("registered-incomplete") == {ids[2]}
    assert chosen("all-network") == {ids[0], ids[1], ids[2], ids[3], ids[5]}
    assert chosen("never-attended") == {ids[0], ids[2], ids[5]}
    assert chosen("registered-incomplete", None) == {ids[2], ids[4]}
    every = select_teams(None, reference, serve="all-districts")
    assert len(every) == len(reference) == 1002


def test_select_teams_weights_priority_and_filters(teams_frame, reference):
    out = select_teams(teams_frame, reference, serve="all-network", event_ids=["E1"])
    assert (out["weight"] == 4.0).all() and (out["people"] == 4).all()
    by_geoid = out.set_index("geoid")
    ids = reference["geoid"].tolist()
    assert by_geoid.loc[ids[0], "priority"] == 0  # applied, not attended
    assert by_geoid.loc[ids[1], "priority"] == 2  # attended, complete
    assert by_geoid.loc[ids[2], "priority"] == 0  # registered, did not attend
    eq = select_teams(
        teams_frame,
        reference,
        serve="all-network",
        event_ids=["E1"],
        weight="equal",
        people_per_team=None,
    )
    assert (eq["weight"] == 1.0).all()
    assert eq.set_index("geoid").loc[ids[5], "people"] == 1
    region = int(reference["ccsesa_region"].iloc[0])
    some = select_teams(
        None, reference, serve="all-districts", regions=[region], district_types=["coe"]
    )
    assert (some["ccsesa_region"] == region).all()
    assert (some["district_type"] == "coe").all() and len(some) >= 1
    la = select_teams(None, reference, serve="all-districts", counties=["Los Angeles"])
    assert (la["county"] == "Los Angeles").all() and len(la) > 50


def test_select_teams_errors(teams_frame, reference):
    with pytest.raises(ValueError, match="serve must be one of"):
        select_teams(teams_frame, reference, serve="everyone")
    with pytest.raises(ValueError, match="no roster rows for event"):
        select_teams(teams_frame, reference, serve="all-network", event_ids=["E9"])
    bad = teams_frame.copy()
    bad.loc[0, "geoid"] = "0699999"
    with pytest.raises(ValueError, match="0699999"):
        select_teams(bad, reference, serve="all-network")
    with pytest.raises(ValueError, match="needs a roster"):
        select_teams(None, reference, serve="all-network")


# ----------------------------------------------------------------------- plan


@pytest.fixture(scope="module")
def southern(reference, teams_frame):
    """Every district and COE in CCSESA regions 9-11 (Southern California)."""
    return select_teams(None, reference, serve="all-districts", regions=[9, 10, 11])


def test_plan_tables_add_up(southern, cities):
    plan = VenuePlan.from_teams(southern, cities, p=3, capacity=120).solve()
    venues = plan.venue_table()
    assert len(venues) == 3 and venues["teams"].sum() == len(southern)
    assert (venues["teams"] <= 120).all()
    assert venues["people"].sum() == southern["people"].sum()
    assert (venues["p90_miles"] <= venues["max_miles"]).all()
    assert venues["share_within_1h"].between(0, 1).all()
    assert (venues["share_within_1h"] <= venues["share_within_2h"]).all()
    regions = plan.region_table()
    assert set(regions["ccsesa_region"]) == {9, 10, 11}
    assert regions["teams"].sum() == len(southern)
    assert plan.objective == pytest.approx(
        float(plan.team_miles @ plan.weights / plan.weights.sum())
    )
    assert "miles" in plan.objective_units


def test_invite_list_order_and_contacts(reference, teams_frame, cities):
    teams = select_teams(teams_frame, reference, serve="all-network", event_ids=["E1"])
    plan = VenuePlan.from_teams(teams, cities, p=1).solve()
    invites = plan.invite_list()
    assert invites["priority"].iloc[0] == "applied, not attended"
    order = invites["priority"].map(
        {"applied, not attended": 0, "incomplete team": 1, "complete team": 2}
    )
    assert order.is_monotonic_increasing
    assert invites["rank"].tolist() == list(range(1, len(invites) + 1))
    assert "contacts" not in invites.columns
    assert not {"person_name", "email"} & set(invites.columns)
    roster = pd.DataFrame(
        {
            "geoid": [teams["geoid"].iloc[0]] * 2,
            "role": ["superintendent", "board_member"],
            "person_name": ["=Pat Doe", "Lee Roe"],
            "email": ["pat@example.org", None],
        }
    )
    with_contacts = plan.invite_list(roster, include_contacts=True)
    assert with_contacts["contacts"].str.contains("Pat Doe").any()
    text = with_contacts["contacts"].dropna()
    assert text.str.contains("board_member: Lee Roe").any()
    assert not text.str.contains("<>").any()  # no empty brackets without an email


def test_export_neutralises_formulas():
    frame = pd.DataFrame(
        {"name": ["=SUM(A1)", "+1", "-x", "@y", "\tz", "ok"], "miles": [1.0] * 6}
    )
    text = export_table(frame, "csv").decode("utf-8-sig")
    assert "'=SUM(A1)" in text and "'+1" in text and "'@y" in text
    assert "\n=SUM" not in text
    import io

    wb = load_workbook(io.BytesIO(export_table(frame, "xlsx")))
    ws = wb.active
    values = [c.value for c in ws["A"]][1:]
    assert values[0] == "'=SUM(A1)" and values[-1] == "ok"
    assert all(c.data_type != "f" for c in ws["A"])


def test_plan_json_round_trip(southern, cities):
    plan = VenuePlan.from_teams(
        southern,
        cities,
        p=2,
        booked=["San Diego"],
        label="test",
        selection={"serve": "all-districts", "regions": [9, 10, 11]},
    ).solve()
    payload = json.loads(json.dumps(plan.to_dict()))
    for key in (
        "model",
        "p",
        "objective",
        "objective_units",
        "candidates",
        "teams",
        "venues",
    ):
        assert key in payload
    assert {"name", "lat", "lon"} <= set(payload["candidates"][0])
    assert {"geoid", "name", "lat", "lon", "weight", "venue", "miles"} <= set(
        payload["teams"][0]
    )
    assert {"name", "lat", "lon", "teams", "people", "mean_miles", "max_miles"} <= set(
        payload["venues"][0]
    )
    assert len(payload["candidates"]) == len(cities)
    assert payload["booked"] == ["San Diego"]
    assert "San Diego" in [v["name"] for v in payload["venues"]]
    again = VenuePlan.from_dict(payload)
    assert again.venues == plan.venues
    assert again.objective == pytest.approx(plan.objective)
    np.testing.assert_array_equal(again.assign_, plan.assign_)
    # anyone can recompute the objective from the JSON alone
    teams = pd.DataFrame(payload["teams"])
    mean = (teams["weight"] * teams["miles"]).sum() / teams["weight"].sum()
    assert mean == pytest.approx(payload["objective"])


def test_2015_choice_versus_best(reference, cities):
    cands = candidate_venues(min_population=100_000)
    teams = select_teams(None, reference, serve="all-districts")
    chosen_2015 = VenuePlan.from_teams(
        teams, cands, p=2, booked=["Los Angeles", "Emeryville"], label="2015"
    ).solve()
    assert set(chosen_2015.venues) == {"Los Angeles", "Emeryville"}
    best = {
        f"best {p}": VenuePlan.from_teams(teams, cands, p=p).solve() for p in (2, 3)
    }
    table = compare_plans({"2015": chosen_2015, **best})
    assert table["scenario"].tolist() == ["2015", "best 2", "best 3"]
    obj = table.set_index("scenario")["objective"]
    assert obj["best 2"] <= obj["2015"] and obj["best 3"] < obj["best 2"]


def test_plan_errors_are_clear(southern, cities):
    with pytest.raises(ValueError, match="not among the candidates"):
        VenuePlan.from_teams(southern, cities, p=2, booked=["Atlantis"])
    with pytest.raises(InfeasiblePlanError, match="seats"):
        VenuePlan.from_teams(southern, cities, p=2, capacity=10)
    with pytest.raises(ValueError, match="capacity applies"):
        VenuePlan.from_teams(
            southern, cities, p=2, model="coverage", radius=60, capacity=50
        )
    with pytest.raises(InfeasiblePlanError, match="No teams"):
        VenuePlan.from_teams(southern.iloc[:0], cities, p=1)


def test_plan_text_shows_a_venue_without_teams_without_nan(reference, cities):
    # Santa Rosa, booked, is hundreds of miles north of every team of region 9
    # (San Diego, Orange, Imperial): no team is assigned to it, so it has no
    # distance figures at all
    teams = select_teams(None, reference, serve="all-districts", regions=[9])
    for kwargs in ({}, {"model": "coverage", "radius": 60}):
        plan = VenuePlan.from_teams(
            teams, cities, p=3, booked=["Santa Rosa"], **kwargs
        ).solve()
        venues = plan.venue_table().set_index("venue")
        assert venues.loc["Santa Rosa", "teams"] == 0
        text = plan_text(plan)
        assert "nan" not in text.lower(), text
        (line,) = [ln for ln in text.splitlines() if ln.startswith("Santa Rosa")]
        cells = line.removeprefix("Santa Rosa (booked)").split()
        assert cells == ["0", "0", "-", "-", "-", "-", "-", "-", "0.0", "0"], line
        # the venues with teams keep their figures, in the header's columns
        header = next(ln for ln in text.splitlines() if ln.startswith("venue"))
        for line in text.splitlines()[text.splitlines().index(header) + 1 :]:
            assert len(line) == len(header), (line, header)
            if not line.startswith("Santa Rosa"):
                assert "min" in line and "%" in line, line


def test_coverage_plan_in_drive_minutes(southern, cities):
    plan = VenuePlan.from_teams(
        southern, cities, p=3, model="coverage", radius=60, radius_units="minutes"
    ).solve()
    within = plan.team_minutes <= 60
    assert plan.objective == pytest.approx(float(plan.weights @ within))
    assert "within 60 minutes" in plan.objective_units


@pytest.mark.parametrize("seed", range(8))
def test_transport_lp_is_optimal_with_dual_seat_prices(reference, cities, seed):
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(20, 300)), int(rng.integers(2, 9))
    cost, w = _instance(reference, cities, 300 + seed, n=n, m=k)
    if seed % 2:
        cost = np.round(cost / 25.0)  # many ties
    cap = int(np.ceil(n / k * rng.uniform(1.0, 1.5)))
    col, total, prices = transport_assignment(cost, cap, w)
    assert np.bincount(col, minlength=k).max() <= cap
    assert total == pytest.approx(float((w * cost[np.arange(n), col]).sum()))
    # the seat prices are optimal duals: the Lagrangian bound closes the gap
    bound = (cost * w[:, None] + prices[None, :]).min(axis=1).sum() - cap * prices.sum()
    assert bound == pytest.approx(total, rel=1e-9, abs=1e-6)


@pytest.mark.parametrize("seed", range(10))
def test_capacitated_plan_is_never_worse_than_brute_force(reference, cities, seed):
    """The swap search with the LP assignment reaches the brute-force optimum."""
    rng = np.random.default_rng(seed)
    n, m, p = int(rng.integers(6, 9)), int(rng.integers(4, 7)), int(rng.integers(2, 4))
    cap = int(np.ceil(n / p)) + int(rng.integers(0, 2))
    cost, w = _instance(reference, cities, 400 + seed, n=n, m=m)
    expected, _ = _brute_capacitated(cost, w, p, cap)
    sol = solve_p_median(cost, w, p, capacity=cap)
    assert sol.objective <= expected * (1 + 1e-9)
    assert np.bincount(sol.assign, minlength=m).max() <= cap


def test_plan_map_is_offline_and_escaped(southern, cities):
    cands = candidate_venues(
        min_population=100_000,
        include_past=False,
        extra=[{"name": "<b>Hall</b>", "lat": 34.1, "lon": -117.3}],
    )
    plan = VenuePlan.from_teams(southern, cands, p=2, booked=["<b>Hall</b>"]).solve()
    m = plan_map(plan)
    page = m.get_root().render()
    assert external_urls(m) == []
    assert "cdn.jsdelivr" not in page and "unpkg.com" not in page
    assert "<b>Hall</b>" not in page and "&lt;b&gt;Hall&lt;/b&gt;" in page
    assert page.count("L.polyline") >= len(southern)
    # a legend explains every symbol
    for what in (
        "Chosen venue",
        "Booked venue",
        "Team (dot in its venue",
        "venue it is assigned to",
        "Candidate venue, not chosen",
    ):
        assert what in page, what
    assert ".leaflet-control-scale-line{font:10px" in page  # label fits its bar


def test_alternatives_reuse_the_same_teams(southern, cities):
    plan = VenuePlan.from_teams(southern, cities, p=3).solve()
    others, notes = alternatives(
        plan,
        fixed_sets={"LA + Emeryville": ["Los Angeles", "Emeryville"], "bad": ["Oz"]},
        best=(2, 4),
    )
    assert list(others) == ["LA + Emeryville", "best 2", "best 4"]
    assert set(others["LA + Emeryville"].venues) == {"Los Angeles", "Emeryville"}
    assert all(len(o.teams) == len(southern) for o in others.values())
    assert len(notes) == 1 and notes[0].startswith("bad:")
    assert others["best 4"].objective <= plan.objective <= others["best 2"].objective


# ------------------------------------------------------------ options, saving


def test_plan_options_are_declared_once(southern, cities):
    with pytest.raises(TypeError, match="capcity"):
        VenuePlan.from_teams(southern, cities, p=2, capcity=300)
    options = PlanOptions(p=2, capacity=300)
    plan = VenuePlan.from_teams(southern, cities, options)
    assert plan.options is options
    uncapped = VenuePlan.from_teams(southern, cities, options, capacity=None)
    assert uncapped.options.capacity is None and uncapped.options.p == 2
    with pytest.raises(ValueError, match="positive radius"):
        PlanOptions(p=2, model="coverage")
    with pytest.raises(ValueError, match="solver must be"):
        PlanOptions(p=2, solver="magic")


def test_saved_plan_keeps_its_distance_and_drive_time_sources(southern, cities):
    km, slow = GreatCircle("km"), EstimatedDriveTime(circuity=1.4, speed_mph=40)
    plan = VenuePlan.from_teams(
        southern, cities, p=2, distance=km, travel_time=slow
    ).solve()
    payload = json.loads(json.dumps(plan.to_dict()))
    again = VenuePlan.from_dict(payload)
    assert again.options.distance == km and again.options.travel_time == slow
    assert again.objective_units.startswith("km")
    assert again.objective == pytest.approx(plan.objective)
    np.testing.assert_allclose(again.team_minutes, plan.team_minutes)
    np.testing.assert_allclose(again.team_miles, plan.team_miles)
    assert again.to_dict()["distance"] == payload["distance"]
    # a file written before the options block: the sources from its words
    legacy = {k: v for k, v in payload.items() if k != "options"}
    old = VenuePlan.from_dict(legacy)
    assert old.options.distance == km and old.options.travel_time == slow
    assert old.objective == pytest.approx(plan.objective)


def test_a_source_that_cannot_be_rebuilt_must_be_given(southern, cities):
    class Router:  # stands in for a road router (no file form)
        units = "minutes"

        def cost_matrix(self, origins, destinations):
            return EstimatedDriveTime(speed_mph=30).cost_matrix(origins, destinations)

    plan = VenuePlan.from_teams(southern, cities, p=2, travel_time=Router()).solve()
    payload = json.loads(json.dumps(plan.to_dict()))
    assert payload["options"]["travel_time"]["kind"] == "Router"
    with pytest.raises(ValueError, match="cannot be rebuilt"):
        VenuePlan.from_dict(payload)
    again = VenuePlan.from_dict(payload, travel_time=Router())
    np.testing.assert_allclose(again.team_minutes, plan.team_minutes)
