"""Certified plans: the Lagrangian bound never passes the optimum (brute force)."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geodata.distances import haversine_matrix
from geodata.gazetteer import california_cities
from geodata.siting import (
    VenuePlan,
    select_teams,
    solve_exact,
    solve_max_coverage,
    solve_p_median,
    transport_assignment,
)
from geodata.siting.bounds import (
    certified_gap,
    coverage_milp_bound,
    coverage_upper_bound,
    p_median_lower_bound,
)

_TOL = 1e-7


def _optimum(cost, w, p, *, fixed=(), capacity=None, radius=None):
    """Best objective over every p-subset of candidates (brute force)."""
    best = None
    for combo in itertools.combinations(range(cost.shape[1]), p):
        if not set(fixed) <= set(combo):
            continue
        sub = cost[:, combo]
        if radius is not None:
            value = -float(w @ (sub.min(axis=1) <= radius))
        elif capacity is not None and capacity < cost.shape[0]:
            value = transport_assignment(sub, capacity, w)[1]
        else:
            value = float(w @ sub.min(axis=1))
        best = value if best is None else min(best, value)
    return best if radius is None else -best


@st.composite
def instances(draw):
    n = draw(st.integers(2, 9))
    m = draw(st.integers(2, 6))
    p = draw(st.integers(1, m))
    seed = draw(st.integers(0, 2**31))
    rng = np.random.default_rng(seed)
    cost = np.round(rng.uniform(0, 100, (n, m)), draw(st.sampled_from([0, 3])))
    w = rng.integers(0, 5, n).astype(float)
    w[0] = max(w[0], 1.0)
    fixed = tuple(sorted(rng.choice(m, draw(st.integers(0, min(p, 2))), False)))
    return cost, w, p, [int(j) for j in fixed]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.booleans())
def test_p_median_bound_below_optimum_below_plan(inst, capacitated):
    cost, w, p, fixed = inst
    n = cost.shape[0]
    capacity = -(-n // p) + 1 if capacitated else None
    sol = solve_p_median(cost, w, p, fixed=fixed, capacity=capacity)
    opt = _optimum(cost, w, p, fixed=fixed, capacity=capacity)
    bound = p_median_lower_bound(
        cost, w, p, target=sol.objective, fixed=fixed, capacity=capacity
    ).value
    assert bound <= opt + _TOL * max(opt, 1.0)
    assert opt <= sol.objective + _TOL * max(opt, 1.0)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.floats(5.0, 80.0))
def test_coverage_bound_above_optimum_above_plan(inst, radius):
    cost, w, p, fixed = inst
    sol = solve_max_coverage(cost, w, p, radius, fixed=fixed)
    opt = _optimum(cost, w, p, fixed=fixed, radius=radius)
    bound = coverage_upper_bound(
        cost, w, p, radius, target=sol.objective, fixed=fixed
    ).value
    assert bound >= opt - _TOL * max(opt, 1.0)
    assert opt >= sol.objective - _TOL * max(opt, 1.0)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.floats(5.0, 80.0))
def test_highs_coverage_bound_above_optimum_and_its_plan_below(inst, radius):
    cost, w, p, fixed = inst
    opt = _optimum(cost, w, p, fixed=fixed, radius=radius)
    b = coverage_milp_bound(cost, w, p, radius, fixed=fixed)
    assert b is not None
    assert b.value >= opt - _TOL * max(opt, 1.0)
    if b.plan is not None:
        assert set(fixed) <= set(b.plan.tolist()) and len(b.plan) == p
        assert b.plan_value <= opt + _TOL * max(opt, 1.0)
        # what the swap search makes of HiGHS' plan never covers less
        again = solve_max_coverage(cost, w, p, radius, fixed=fixed, init=b.plan)
        assert again.objective >= b.plan_value - 1e-9


def test_coverage_plan_takes_highs_plan_when_it_covers_more(reference):
    """The real 1,002 × 208 instance where the swap search alone stops 1.2 % short."""
    from geodata.distances import GreatCircle, drive_minutes
    from geodata.gazetteer import candidate_venues
    from geodata.siting.solving import fast_certified

    teams = select_teams(None, reference, serve="all-districts")
    minutes = drive_minutes(GreatCircle().cost_matrix(teams, candidate_venues()))
    w = teams["weight"].to_numpy(float)
    alone = solve_max_coverage(minutes, w, 7, 60.0)
    sol = fast_certified(minutes, w, 7, model="coverage", radius=60.0)
    assert sol.objective >= alone.objective
    assert sol.objective <= sol.bound
    assert certified_gap(sol.objective, sol.bound, maximise=True) < 1e-4
    exact = solve_exact(minutes, w, 7, model="coverage", radius=60.0, time_limit=120)
    assert exact.objective <= sol.bound + 1e-9


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.sampled_from(["p-median", "capacitated", "coverage"]))
def test_fast_certified_plan_between_optimum_and_bound(inst, kind):
    """The plan the app keeps (Lagrangian or HiGHS plan adopted or not)."""
    from geodata.siting.solving import fast_certified

    cost, w, p, fixed = inst
    n = cost.shape[0]
    capacity = -(-n // p) + 1 if kind == "capacitated" else None
    radius = 40.0 if kind == "coverage" else None
    model = "coverage" if kind == "coverage" else "p-median"
    sol = fast_certified(
        cost, w, p, model=model, fixed=fixed, capacity=capacity, radius=radius
    )
    opt = _optimum(cost, w, p, fixed=fixed, capacity=capacity, radius=radius)
    tol = _TOL * max(opt, 1.0)
    assert set(fixed) <= set(sol.open.tolist()) and len(sol.open) == p
    if model == "coverage":
        assert sol.objective - tol <= opt <= sol.bound + tol
        assert sol.objective == pytest.approx(
            float(w @ (cost[:, sol.open].min(axis=1) <= radius))
        )
    else:
        assert sol.bound - tol <= opt <= sol.objective + tol
    assert "bound_plan" not in sol.extra


def test_a_start_plan_must_be_p_distinct_candidates_with_the_booked_ones():
    cost = np.arange(12.0).reshape(3, 4)
    with pytest.raises(ValueError, match="distinct"):
        solve_p_median(cost, np.ones(3), 2, init=[1, 1])
    with pytest.raises(ValueError, match="booked"):
        solve_max_coverage(cost, np.ones(3), 2, 5.0, fixed=[0], init=[1, 2])


def test_capacitated_plan_and_bound_do_not_depend_on_timing(reference):
    """The Lagrangian heuristic's starts come from an iteration-capped bound."""
    from geodata.siting.solving import fast_certified

    teams = select_teams(None, reference, serve="all-districts").iloc[::5]
    cost = haversine_matrix(teams, california_cities(100_000).iloc[:40])
    w = teams["weight"].to_numpy(float)
    cap = -(-len(teams) * 11 // 40)  # 1.1 × teams / p seats, p = 4
    a = fast_certified(cost, w, 4, capacity=cap)
    b = fast_certified(cost, w, 4, capacity=cap)
    assert a.open.tolist() == b.open.tolist()
    assert a.objective == b.objective and a.bound == b.bound
    alone = solve_p_median(cost, w, 4, capacity=cap)
    assert a.objective <= alone.objective
    assert a.bound <= a.objective


def test_certified_gap_reads_both_ways():
    assert certified_gap(100.0, 99.0) == pytest.approx(0.01)
    assert certified_gap(99.0, 100.0, maximise=True) == pytest.approx(1 / 99)
    assert certified_gap(0.0, 0.0) == 0.0


@pytest.fixture(scope="module")
def real_instance(reference):
    """30 real districts, 9 real California cities (enumerable: 126 4-subsets)."""
    rng = np.random.default_rng(17)
    teams = reference.iloc[np.sort(rng.choice(len(reference), 30, replace=False))]
    cities = california_cities(100_000)
    cands = cities.iloc[np.sort(rng.choice(len(cities), 9, replace=False))]
    return haversine_matrix(teams, cands), rng.integers(1, 5, 30).astype(float)


@pytest.mark.parametrize("p", [1, 2, 4])
def test_exact_resolve_never_finds_an_optimum_below_the_bound(real_instance, p):
    cost, w = real_instance
    sol = solve_p_median(cost, w, p)
    bound = p_median_lower_bound(cost, w, p, target=sol.objective).value
    exact = solve_exact(cost, w, p, time_limit=30)
    assert exact.optimal
    assert bound <= exact.objective + _TOL * exact.objective
    assert bound <= _optimum(cost, w, p) <= sol.objective + 1e-9
    # the bound is tight on these real instances
    assert certified_gap(sol.objective, bound) < 0.01


def test_every_plan_carries_its_certificate_and_saves_it(reference):
    teams = select_teams(None, reference, serve="all-districts").iloc[::10]
    cands = california_cities(100_000).iloc[:40]
    for kw in (
        {"p": 3},
        {"p": 3, "model": "coverage", "radius": 60.0, "radius_units": "minutes"},
    ):
        plan = VenuePlan.from_teams(teams, cands, **kw).solve()
        assert plan.lower_bound <= plan.objective + 1e-9 <= plan.upper_bound + 2e-9
        assert 0 <= plan.certified_gap < 0.01
        payload = json.loads(json.dumps(plan.to_dict()))
        assert payload["lower_bound"] == pytest.approx(plan.lower_bound)
        assert payload["upper_bound"] == pytest.approx(plan.upper_bound)
        assert payload["certified_gap"] == pytest.approx(plan.certified_gap)
        again = VenuePlan.from_dict(payload)
        assert again.certified_gap == pytest.approx(plan.certified_gap, abs=1e-9)


def test_a_gap_above_the_threshold_brings_in_the_exact_solver(reference):
    teams = select_teams(None, reference, serve="all-districts").iloc[::25]
    cands = california_cities(100_000).iloc[:12]
    plan = VenuePlan.from_teams(
        teams, cands, p=3, capacity=15, exact_above_gap=0.0
    ).solve()
    if plan.solution.bound_method.startswith("the exact solver"):
        assert plan.certified_gap == 0.0
    assert "solved exactly as well" in plan.solution.note
    never = VenuePlan.from_teams(
        teams, cands, p=3, capacity=15, exact_above_gap=None
    ).solve()
    assert "exactly" not in never.solution.note
    assert plan.objective <= never.objective + 1e-9
