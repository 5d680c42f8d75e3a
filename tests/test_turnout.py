"""Expected turnout: the distance-decay fit recovers a known decay, thin history
falls back to the stated default, plans carry expected teams and people, and the
"maximise expected attendance" model is certified like the others."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import pytest

from dashboard.plan_charts import turnout_chart
from dashboard.plan_text import plan_text
from dashboard.roster_source import demo_rows
from geodata.gazetteer import california_cities
from geodata.siting import (
    TurnoutModel,
    VenuePlan,
    fit_turnout,
    roster_turnout,
    select_teams,
    turnout_bins,
    turnout_history,
)
from loaders.demo import DEMO_DECAY
from loaders.events import all_events
from loaders.participation import teams_by_event

TRUE = {"summer_institute": 2.0, "regional_convening": 1.2}
SLOPE = -0.8  # per 100 miles


def _synthetic(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    kind = rng.choice(list(TRUE), n)
    miles = rng.uniform(0, 500, n)
    eta = np.array([TRUE[k] for k in kind]) + SLOPE * miles / 100
    came = rng.random(n) < 1 / (1 + np.exp(-eta))
    return pd.DataFrame(
        {"event_type": kind, "miles": miles, "attended": came, "event_id": kind}
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fit_recovers_a_known_decay_within_its_interval(seed):
    model = fit_turnout(_synthetic(1500, seed))
    assert model.fitted and model.n == 1500
    low, high = model.slope_interval()
    assert low <= SLOPE <= high
    cov = np.asarray(model.covariance)
    for i, kind in enumerate(model.types):
        se = np.sqrt(cov[i, i])
        assert abs(model.intercepts[kind] - TRUE[kind]) <= 1.96 * se
    curve = model.curve("summer_institute")
    truth = 1 / (1 + np.exp(-(TRUE["summer_institute"] + SLOPE * curve["miles"] / 100)))
    assert (
        (curve["low"] <= curve["probability"]) & (curve["probability"] <= curve["high"])
    ).all()
    # the band holds the true curve over most of its length
    assert ((curve["low"] <= truth) & (truth <= curve["high"])).mean() >= 0.8


def test_thin_history_says_so_and_uses_the_stated_default():
    thin = fit_turnout(_synthetic(12, 0))
    assert not thin.fitted and "only 12 team-events" in thin.note
    assert "default decay" in thin.note
    assert thin.probability(0.0) == pytest.approx(0.85, abs=0.01)
    everyone = _synthetic(200, 0).assign(attended=True)
    assert "too few of one kind" in fit_turnout(everyone).note
    assert thin.slope_interval() is None
    curve = thin.curve()
    assert (curve["low"] == curve["probability"]).all()
    assert TurnoutModel.from_dict(json.loads(json.dumps(thin.to_dict()))) == thin


@pytest.fixture(scope="module")
def demo_history(reference):
    matched = demo_rows(reference)
    return teams_by_event(matched), turnout_history(
        teams_by_event(matched), reference, all_events()
    )


def test_demo_roster_shows_a_real_distance_effect(demo_history, reference):
    tbe, history = demo_history
    assert len(history) > 300
    assert "CALMI-2021-SI" in history.attrs["skipped_events"]  # no city published
    model = fit_turnout(history)
    assert model.fitted
    low, high = model.slope_interval()
    assert high < 0  # farther teams come less, significantly
    # the demo's own decay (slope -0.9) is diluted by the Symposium, whose
    # admissions do not depend on distance; it stays within a plausible range
    assert DEMO_DECAY["slope_per_100_miles"] - 0.5 < model.slope < 0
    bins = turnout_bins(history)
    assert bins["teams"].sum() == len(history)
    chart = turnout_chart(model.curve(), bins).to_dict()
    assert len(chart["layer"]) == 3
    assert roster_turnout(tbe, reference).note == model.note
    assert "no roster history" in roster_turnout(None, reference).note


@pytest.fixture(scope="module")
def small(reference):
    teams = select_teams(None, reference, serve="all-districts").iloc[::40]
    return teams.reset_index(drop=True), california_cities(100_000).iloc[:8]


def test_every_plan_has_expected_turnout_per_venue(small):
    teams, cands = small
    plan = VenuePlan.from_teams(teams, cands, p=2).solve()
    table = plan.venue_table()
    p = plan.turnout.probability(plan.team_miles)
    assert table["expected_teams"].sum() == pytest.approx(p.sum())
    people = teams["people"].to_numpy(float)
    assert table["expected_people"].sum() == pytest.approx(p @ people)
    assert (table["expected_teams"] <= table["teams"]).all()
    text = plan_text(plan)
    assert "exp.people" in text and "turnout: no attendance history given" in text
    saved = json.loads(json.dumps(plan.to_dict()))
    assert saved["venues"][0]["expected_people"] == pytest.approx(
        table["expected_people"].iloc[0]
    )


def test_maximise_expected_attendance_is_certified_and_optimal(small):
    teams, cands = small
    model = fit_turnout(_synthetic(800, 5))
    plan = VenuePlan.from_teams(
        teams, cands, p=2, model="attendance", turnout=model
    ).solve()
    w = plan.weights
    p = model.probability(plan.miles)
    best = max(
        float(w @ p[:, list(c)].max(axis=1))
        for c in itertools.combinations(range(len(cands)), 2)
    )
    assert plan.objective == pytest.approx(best)
    assert plan.lower_bound <= best + 1e-9 <= plan.upper_bound + 2e-9
    assert plan.certified_gap < 0.01
    assert plan.objective_units.endswith("expected to attend (distance decay)")
    assert "best possible ≤" in plan_text(plan)  # a maximisation: an upper bound
    again = VenuePlan.from_dict(json.loads(json.dumps(plan.to_dict())))
    assert again.options.turnout == model
    assert again.objective == pytest.approx(plan.objective)
    assert again.certified_gap == pytest.approx(plan.certified_gap, abs=1e-9)
