"""How a :class:`~geodata.siting.plan.VenuePlan` is solved: solver, bound, fallback.

One function, :func:`solve_plan`: the model's matrix (distance, drive time,
or the expected absence :math:`1 - \\Pr(\\text{attend})` of the turnout model),
the fast or exact solver, the certificate (:mod:`geodata.siting.bounds`), and
the exact solver brought in by itself when the certified gap stays above
``PlanOptions.exact_above_gap`` on an instance small enough for it.

Maximising expected attendance is a p-median: with
:math:`a_{ij} = 1 - \\Pr(\\text{team } i \\text{ comes to } j)`, the plan that
minimises :math:`\\sum_i w_i a_{i, \\text{venue}(i)}` maximises the expected
attendance :math:`\\sum_i w_i - \\sum_i w_i a_{i, \\text{venue}(i)}`, with the
same solvers and the same bound.
"""

from __future__ import annotations

import numpy as np

from geodata.siting.assignment import nearest_assignment
from geodata.siting.bounds import certified_gap, certify
from geodata.siting.exact import exact_too_large, solve_exact
from geodata.siting.heuristics import solve_max_coverage, solve_p_median
from geodata.siting.problem import ExactSolverError, Solution

__all__ = ["fast_certified", "model_matrix", "solve_plan"]

#: Venue sets of the Lagrangian relaxation the capacitated search restarts from.
LAGRANGIAN_STARTS = 3


def model_matrix(plan) -> np.ndarray:
    """The ``(n, m)`` matrix the plan's model is solved on.

    p-median: ``plan.cost``; coverage: drive minutes or miles (the radius'
    units); attendance: ``1 - plan.attend_p`` (expected absence, 0-1).
    """
    opts = plan.options
    if opts.model == "coverage":
        return plan.minutes if opts.radius_units == "minutes" else plan.miles
    if opts.model == "attendance":
        return 1.0 - plan.attend_p
    return plan.cost


def _args(plan) -> dict:
    opts = plan.options
    coverage = opts.model == "coverage"
    return dict(
        model="coverage" if coverage else "p-median",
        fixed=plan.booked_index,
        capacity=None if coverage else opts.capacity,
        radius=opts.radius if coverage else None,
    )


def fast_certified(
    matrix,
    weights,
    p: int,
    *,
    model: str = "p-median",
    fixed=(),
    capacity: int | None = None,
    radius: float | None = None,
) -> Solution:
    """The fast solver's plan with its certificate (``bound`` set).

    Coverage: when the bound's own plan (HiGHS' incumbent,
    :func:`geodata.siting.bounds.coverage_milp_bound`) covers more than the
    swap search found, the swap search is run once more from that plan (to
    settle the distance tie-break without covering less) and its result kept,
    with the same bound. Capacitated p-median: the capacitated swap search is
    run once more from the venues the Lagrangian relaxation chose at its best
    multipliers, and its plan kept when it costs less.

    Parameters
    ----------
    matrix : numpy.ndarray of shape (n, m)
        p-median: costs; coverage: costs in the radius' units.
    weights, p, model, fixed, capacity, radius
        As :func:`geodata.siting.bounds.certify`.

    Returns
    -------
    Solution
        ``bound`` and ``bound_method`` set.

    Raises
    ------
    InfeasiblePlanError, geodata.distances.CostMatrixError, ValueError
        As the solvers.
    """
    if model == "coverage":
        sol = solve_max_coverage(matrix, weights, p, radius, fixed=fixed)
    else:
        sol = solve_p_median(matrix, weights, p, fixed=fixed, capacity=capacity)
    args = dict(model=model, fixed=fixed, capacity=capacity, radius=radius)
    sol = certify(sol, matrix, weights, p, **args)
    better = sol.extra.pop("bound_plan", None)
    better_value = sol.extra.pop("bound_plan_value", None)
    starts = sol.extra.pop("bound_plans", None) or []
    if model != "coverage":
        tried = {tuple(sol.open.tolist())}
        for start in starts[:LAGRANGIAN_STARTS]:
            key = tuple(start.tolist())
            if len(set(key)) != p or key in tried:
                continue
            tried.add(key)
            # the Lagrangian heuristic: the capacitated swap search from the
            # venues the relaxation chose (bench/bench_siting.py)
            again = solve_p_median(
                matrix, weights, p, fixed=fixed, capacity=capacity, init=start
            )
            if again.objective < sol.objective:
                sol = _in_place_of(
                    sol,
                    again,
                    "started from the Lagrangian bound's venues",
                    bound=min(sol.bound, again.objective),
                )
    elif better is not None and better_value > sol.objective:
        polished = solve_max_coverage(
            matrix, weights, p, radius, fixed=fixed, init=better, starts=1
        )
        sol = _in_place_of(
            sol,
            polished,
            "plan from HiGHS' branch and bound, swap search again",
            bound=max(sol.bound, polished.objective),
        )
    return sol


def _in_place_of(old: Solution, new: Solution, how: str, *, bound: float) -> Solution:
    """``new`` (a second search's plan) taking ``old``'s place: ``old``'s time
    and evaluations added to its own, ``how`` appended to its method, ``old``'s
    certificate kept with ``bound`` (``old.bound`` tightened by ``new``'s
    objective). Changes ``new`` in place and returns it."""
    new.seconds += old.seconds
    new.evaluations += old.evaluations
    new.method += f"; {how}"
    new.bound = bound
    new.bound_method = old.bound_method
    return new


def _exact(plan, matrix, args) -> Solution:
    opts = plan.options
    return solve_exact(matrix, plan.weights, opts.p, time_limit=opts.time_limit, **args)


def _better(plan, a: Solution, b: Solution, matrix, args) -> Solution:
    """The better of two plans, carrying the better of their bounds."""
    maximise = args["model"] == "coverage"
    for s in (a, b):
        if s.bound is None:
            certify(s, matrix, plan.weights, plan.options.p, **args)
            s.extra.pop("bound_plan", None)
            s.extra.pop("bound_plan_value", None)
            s.extra.pop("bound_plans", None)
    better = (b.objective > a.objective) if maximise else (b.objective < a.objective)
    keep, other = (b, a) if better else (a, b)
    pick = min if maximise else max
    if pick(keep.bound, other.bound) != keep.bound:
        keep.bound, keep.bound_method = other.bound, other.bound_method
    if keep.optimal is None and other.optimal is False:
        keep.note = (
            other.note + "; the fast solver's plan was better and is kept"
        ).lstrip("; ")
    return keep


def solve_plan(plan) -> Solution:
    """Solve a prepared plan's model and certify the result.

    Parameters
    ----------
    plan : geodata.siting.plan.VenuePlan
        Prepared (cost matrices computed).

    Returns
    -------
    Solution
        ``objective`` in the solver's units (p-median and attendance: the total
        weighted cost / expected absence; coverage: covered weight), ``bound``
        set; a coverage plan's teams assigned to their nearest venue in miles.

    Raises
    ------
    ExactSolverError
        ``solver="exact"`` and CBC found nothing within the time limit.
    """
    opts = plan.options
    matrix = model_matrix(plan)
    args = _args(plan)
    coverage = args["model"] == "coverage"
    w = plan.weights
    if opts.solver == "exact":
        sol = certify(_exact(plan, matrix, args), matrix, w, opts.p, **args)
        if not sol.optimal:
            sol = _better(
                plan, sol, fast_certified(matrix, w, opts.p, **args), matrix, args
            )
    else:
        sol = fast_certified(matrix, w, opts.p, **args)
        gap = certified_gap(sol.objective, sol.bound, maximise=coverage)
        small = not exact_too_large(
            len(plan.teams),
            len(plan.candidate_names),
            capacitated=args["capacity"] is not None,
        )
        threshold = opts.exact_above_gap
        if threshold is not None and gap > threshold and small:
            try:
                exact = _exact(plan, matrix, args)
            except ExactSolverError:
                sol.note = "the exact solver found nothing in its time limit"
            else:
                sol = _better(plan, sol, exact, matrix, args)
                sol.note = (
                    f"certified gap {gap:.2%} was above {threshold:.2%}: solved "
                    "exactly as well" + (f"; {sol.note}" if sol.note else "")
                )
    if coverage:  # teams go to the nearest chosen venue in miles
        sol.assign = nearest_assignment(plan.miles, sol.open)
    return sol
