"""Benchmark: the fast venue solver against spopt's exact models, same run.

Fixed instances on real data: California districts and COEs from
:func:`geodata.boundaries.entity_reference` (office locations from CDE's
directory) and California cities from the offline GeoNames gazetteer. Each
instance is solved by :mod:`geodata.siting`'s fast solver and by spopt (PuLP +
CBC, with a time limit); the script prints, per instance, both times, their
ratio and the objective gap of ours against spopt's (positive = ours worse).
A second table times the fast solver alone at the Plan page's size (all 1,002
teams × the default 208 candidates, p = 1..8, with and without capacity); a
third prints each plan's certified gap (:mod:`geodata.siting.bounds`: HiGHS
for coverage, Lagrangian for the p-median models) and the time of plan + bound,
coverage and capacitated beside the previous certificate (swap search +
Lagrangian bound, no plan taken from the bound), same process.

Run (about 4-6 minutes on 2 cores; ``--quick`` for a 2-minute subset)::

    LMI_GEODATA_DIR=/work/shared/geodata .venv/bin/python bench/bench_siting.py

Nothing is asserted: figures are printed for the record.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geodata.boundaries import entity_reference
from geodata.distances import GreatCircle, drive_minutes
from geodata.gazetteer import california_cities, candidate_venues
from geodata.siting import (
    ExactSolverError,
    select_teams,
    solve_exact,
    solve_max_coverage,
    solve_p_median,
)
from geodata.siting.bounds import (
    certified_gap,
    coverage_upper_bound,
    p_median_lower_bound,
)
from geodata.siting.solving import fast_certified
from geodata.siting.turnout import TurnoutModel


def _time_ours(fn, repeats: int = 3):
    """Median wall time of ``repeats`` runs and the (deterministic) result."""
    times, result = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def _instances(quick: bool):
    ref = entity_reference()
    teams = select_teams(None, ref, serve="all-districts")
    cities = california_cities(15_000)  # most populous first
    big = cities.iloc[:100]
    mid = cities.iloc[:60]
    rng = np.random.default_rng(2015)
    sample = teams.iloc[np.sort(rng.choice(len(teams), 300, replace=False))]
    south = teams.loc[teams["ccsesa_region"].isin([8, 9, 10, 11])]

    def inst(name, tm, cm, p, **kw):
        cost = GreatCircle().cost_matrix(tm, cm)
        return {
            "name": name,
            "cost": cost,
            "w": tm["weight"].to_numpy(float),
            "p": p,
            **kw,
        }

    out = [
        inst("p-median 1002x100 p=2", teams, big, 2),
        inst("p-median 1002x100 p=4", teams, big, 4),
        inst("p-median 1002x100 p=6", teams, big, 6),
        inst("p-median 1002x100 p=8", teams, big, 8),
        inst(
            "p-median 1002x100 p=4, LA + SD booked",
            teams,
            big,
            4,
            fixed=[
                int(np.flatnonzero(big["name"] == "Los Angeles")[0]),
                int(np.flatnonzero(big["name"] == "San Diego")[0]),
            ],
        ),
        inst("p-median 1002x60 p=6", teams, mid, 6),
        inst(f"p-median {len(south)}x100 (regions 8-11) p=3", south, big, 3),
        inst(
            "coverage 1002x100 p=4 (60 min)",
            teams,
            big,
            4,
            model="coverage",
            radius=60.0,
            radius_units="minutes",
        ),
        inst(
            "coverage 1002x208 p=8 (60 min)",
            teams,
            candidate_venues(),
            8,
            model="coverage",
            radius=60.0,
            radius_units="minutes",
        ),
        inst(
            "capacitated 300x40 p=3 cap=110", sample, cities.iloc[:40], 3, capacity=110
        ),
        inst("capacitated 300x40 p=4 cap=85", sample, cities.iloc[:40], 4, capacity=85),
        inst("capacitated 300x40 p=5 cap=70", sample, cities.iloc[:40], 5, capacity=70),
    ]
    if quick:
        out = [
            o
            for o in out
            if o["name"].startswith(
                ("p-median 1002x100 p=2", "coverage 1002x100", "capacitated 300x40 p=3")
            )
        ]
    return teams, out


def _run_pair(inst, time_limit: float):
    cost, w, p = inst["cost"], inst["w"], inst["p"]
    model = inst.get("model", "p-median")
    if model == "coverage":
        matrix = drive_minutes(cost)
        radius = inst["radius"]
        t_ours, ours = _time_ours(lambda: solve_max_coverage(matrix, w, p, radius))
        try:
            ref = solve_exact(
                matrix,
                w,
                p,
                model="coverage",
                radius=radius,
                time_limit=time_limit,
            )
        except ExactSolverError as exc:
            return t_ours, ours, None, str(exc)
        gap = (ref.objective - ours.objective) / ref.objective * 100  # maximise
        return t_ours, ours, ref, gap
    cap = inst.get("capacity")
    fixed = inst.get("fixed", ())
    t_ours, ours = _time_ours(
        lambda: solve_p_median(cost, w, p, capacity=cap, fixed=fixed)
    )
    try:
        ref = solve_exact(cost, w, p, capacity=cap, fixed=fixed, time_limit=time_limit)
    except ExactSolverError as exc:
        return t_ours, ours, None, str(exc)
    gap = (ours.objective - ref.objective) / ref.objective * 100  # minimise
    return t_ours, ours, ref, gap


def _certificates(cost, minutes, w, n, *, quick: bool) -> None:
    """Certified gaps and times, plan + bound together (what the Plan page runs).

    Coverage and capacitated also print the previous certificate in the same
    process: the swap search alone with the Lagrangian bound only
    (:func:`coverage_upper_bound`, :func:`p_median_lower_bound`).
    """
    print()
    print(
        "Certificates at the Plan page's size (target: gap <= 1 % in < 1 s, "
        "p <= 8); seconds = heuristic + bound, median of 3"
    )
    print(
        f"{'model':>26s} {'p':>3s} {'gap %':>8s} {'total s':>8s} "
        f"{'old gap %':>10s} {'old s':>7s}  bound"
    )
    # maximise expected attendance = p-median on the expected absence
    absence = 1.0 - TurnoutModel.default("bench").probability(cost)
    for p in range(1, 9) if not quick else (3, 7):
        cap = math.ceil(1.1 * n / p)
        runs = (
            ("p-median", cost, {}),
            ("coverage 60 min", minutes, {"radius": 60.0}),
            (f"capacitated cap={cap}", cost, {"capacity": cap}),
            ("attendance (default decay)", absence, {}),
        )
        for label, matrix, kw in runs:
            model = "coverage" if "radius" in kw else "p-median"
            total, sol = _time_ours(
                lambda matrix=matrix, kw=kw, model=model, p=p: fast_certified(
                    matrix, w, p, model=model, **kw
                )
            )
            maximise = model == "coverage"
            gap = certified_gap(sol.objective, sol.bound, maximise=maximise)
            old = f"{'':>10s} {'':>7s}"
            if maximise:

                def previous(matrix=matrix, p=p):
                    alone = solve_max_coverage(matrix, w, p, 60.0)
                    b = coverage_upper_bound(matrix, w, p, 60.0, target=alone.objective)
                    return certified_gap(alone.objective, b.value, maximise=True)

            elif "capacity" in kw:

                def previous(matrix=matrix, p=p, kw=kw):
                    alone = solve_p_median(matrix, w, p, **kw)
                    b = p_median_lower_bound(matrix, w, p, target=alone.objective, **kw)
                    return certified_gap(alone.objective, b.value)

            if maximise or "capacity" in kw:
                t_old, old_gap = _time_ours(previous)
                old = f"{old_gap * 100:10.4f} {t_old:7.3f}"
            print(
                f"{label:>26s} {p:3d} {gap * 100:8.4f} {total:8.3f} {old}  "
                f"{sol.bound_method.split(',')[0][:44]}",
                flush=True,
            )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 instances only")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=150.0,
        help="seconds CBC may run per instance (default 150)",
    )
    parser.add_argument(
        "--certificates",
        action="store_true",
        help="only the certificates table (about 1 minute)",
    )
    args = parser.parse_args(argv)
    t_start = time.perf_counter()
    if args.certificates:
        teams = select_teams(None, entity_reference(), serve="all-districts")
        cost = GreatCircle().cost_matrix(teams, candidate_venues())
        w = teams["weight"].to_numpy(float)
        _certificates(cost, drive_minutes(cost), w, len(teams), quick=args.quick)
        print(f"\nwhole benchmark: {time.perf_counter() - t_start:.0f} s")
        return 0
    teams, instances = _instances(args.quick)

    print("Fast solver vs spopt exact (PuLP/CBC), same process")
    header = (
        f"{'instance':44s} {'ours s':>8s} {'spopt s':>8s} {'ratio':>7s} "
        f"{'gap %':>7s}  spopt status"
    )
    print(header)
    print("-" * len(header))
    for inst in instances:
        t_ours, _, ref, gap = _run_pair(inst, args.time_limit)
        if ref is None:
            print(
                f"{inst['name']:44s} {t_ours:8.3f} {'-':>8s} {'-':>7s} {'-':>7s}  {gap}"
            )
            continue
        status = "optimal" if ref.optimal else "time limit (best found)"
        print(
            f"{inst['name']:44s} {t_ours:8.3f} {ref.seconds:8.1f} "
            f"{ref.seconds / t_ours:7.0f} {gap:7.3f}  {status}",
            flush=True,
        )

    print()
    print("Fast solver alone at the Plan page's size: 1,002 teams x default candidates")
    cands = candidate_venues()
    cost = GreatCircle().cost_matrix(teams, cands)
    w = teams["weight"].to_numpy(float)
    n = len(teams)
    print(f"{len(cands)} candidates; median of 3 runs (seconds)")
    print(
        f"{'p':>3s} {'p-median':>9s} {'capacitated':>12s} {'capacity':>9s} "
        f"{'coverage':>9s}"
    )
    minutes = drive_minutes(cost)
    for p in range(1, 9) if not args.quick else (3, 8):
        cap = math.ceil(1.1 * n / p)
        t_pm, _ = _time_ours(lambda p=p: solve_p_median(cost, w, p))
        t_cap, _ = _time_ours(
            lambda p=p, cap=cap: solve_p_median(cost, w, p, capacity=cap)
        )
        t_cov, _ = _time_ours(lambda p=p: solve_max_coverage(minutes, w, p, 60.0))
        print(f"{p:3d} {t_pm:9.3f} {t_cap:12.3f} {cap:9d} {t_cov:9.3f}", flush=True)
    _certificates(cost, minutes, w, n, quick=args.quick)
    print(f"\nwhole benchmark: {time.perf_counter() - t_start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
