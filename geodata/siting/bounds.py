r"""Proven bounds on the best possible plan: Lagrangian relaxation, subgradient steps.

A heuristic plan (:mod:`geodata.siting.heuristics`) says *what* to do; the bound
says *how good it is*: no plan of the same instance can do better than the
bound, so ``(objective - bound) / objective`` is a certified gap.

p-median (and capacitated p-median)
    With :math:`c_{ij} = w_i d_{ij}`, relax the assignment constraints
    :math:`\sum_j X_{ij} = 1` with multipliers :math:`\lambda_i`:

    .. math::

       L(\lambda) = \sum_i \lambda_i + \min_{Y:\,\sum_j Y_j = p,\ Y_B = 1}
       \sum_j Y_j \rho_j, \qquad
       \rho_j = \sum_i \min(0,\, c_{ij} - \lambda_i)

    (capacitated: :math:`\rho_j` sums only the :math:`C` most negative terms,
    the capacity of a venue in teams). :math:`L(\lambda)` is a lower bound of
    the optimum for every :math:`\lambda` (Cornuéjols, Fisher & Nemhauser 1977,
    "Location of bank accounts", Management Science 23(8)).
Maximal coverage
    Relax :math:`Z_i \le \sum_{j \in N_i} Y_j` with :math:`\mu_i \ge 0`:

    .. math::

       U(\mu) = \sum_i \max(0,\, w_i - \mu_i) + \max_{Y} \sum_j Y_j
       \sum_{i : j \in N_i} \mu_i

    an upper bound of the best covered weight for every :math:`\mu \ge 0`
    (Galvão & ReVelle 1996, EJOR 88(1)).

    The tightest bound, and usually the optimum itself, comes from HiGHS'
    branch and bound on the same model (:func:`coverage_milp_bound`): teams with
    the same set of covering candidates are one row (1,002 teams → about 400
    rows at 60 minutes), which makes it about 0.2 s at 1,002 × 208 for p ≤ 8
    (``bench/bench_siting.py``), and its dual bound is proven whenever it stops.

The Lagrangian bounds are improved by subgradient steps with Polyak's step size,
the heuristic's objective as target (Held, Wolfe & Crowder 1974), each step one
vectorised numpy pass over the team × candidate matrix; the best bound seen is
kept. Own code, not a library: no maintained Python package offers Lagrangian
bounds for these models (spopt proves optimality only by solving the MILP, tens
of seconds at 1,002 × 100; measured in ``bench/bench_siting.py``), and the whole
method is these few lines.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

__all__ = [
    "Bound",
    "certified_gap",
    "certify",
    "coverage_milp_bound",
    "coverage_upper_bound",
    "p_median_lower_bound",
]

#: Subgradient iterations at most (each about one pass over the matrix).
MAX_ITERATIONS = 600
#: Stop once the certified gap is below this (relative).
STOP_GAP = 1e-4
#: Seconds the subgradient loop may run (the bound found so far is kept).
MAX_SECONDS = 1.0
#: Halve the Polyak factor after this many iterations without a better bound.
_HALVE_AFTER = 25
#: Capacitated bound: iterations (per phase) rather than seconds decide when it
#: stops, so the venue sets it hands to the Lagrangian heuristic, and with them
#: the plan, do not depend on the machine's load; the seconds only guard.
_CAPACITATED_LIMITS = {"max_iterations": 400, "max_seconds": 4 * MAX_SECONDS}
#: Distinct venue sets of the last best multipliers kept (Lagrangian heuristic).
_PLANS_KEPT = 3
#: Relative safety margin against floating-point rounding in the bound's sum.
_ROUNDING = 1e-9


@dataclass
class Bound:
    """A proven bound on the best objective of a venue problem.

    Attributes
    ----------
    value : float
        p-median: lower bound of the total weighted cost (the units of
        :attr:`geodata.siting.problem.Solution.objective`); coverage: upper
        bound of the covered weight.
    iterations : int
        Subgradient iterations run.
    seconds : float
        Wall-clock time.
    method : str
        How the bound was found.
    multipliers : numpy.ndarray or None
        The Lagrange multipliers of the best bound (shape ``(n,)``).
    plan : numpy.ndarray or None
        Candidate indices (int64, shape ``(p,)``) of the best plan the bound's
        method found on the way (HiGHS' incumbent), None when it found none.
    plan_value : float or None
        That plan's objective.
    plans : list of numpy.ndarray
        p-median: the distinct venue sets the relaxation chose at its last few
        best multipliers (newest first, ``plan`` the first), starts for the
        Lagrangian heuristic.
    """

    value: float
    iterations: int
    seconds: float
    method: str
    multipliers: np.ndarray | None = field(default=None, repr=False)
    plan: np.ndarray | None = field(default=None, repr=False)
    plan_value: float | None = None
    plans: list = field(default_factory=list, repr=False)


def certified_gap(objective: float, bound: float, *, maximise: bool = False) -> float:
    """The certified relative gap of a plan: how far it can be from the best.

    Parameters
    ----------
    objective : float
        The plan's objective.
    bound : float
        A proven lower bound (minimisation) or upper bound (``maximise``).
    maximise : bool
        True for coverage.

    Returns
    -------
    float
        ``(objective - bound) / objective`` (minimise) or ``(bound - objective)
        / objective`` (maximise), never below 0; 0 when both are 0; ``inf``
        when the objective is 0 and the bound is not.

    Examples
    --------
    >>> round(certified_gap(100.0, 99.6), 4)
    0.004
    >>> certified_gap(50.0, 50.0, maximise=True)
    0.0
    """
    diff = (bound - objective) if maximise else (objective - bound)
    diff = max(float(diff), 0.0)
    if diff <= 1e-12 * max(abs(objective), 1.0):
        return 0.0
    if objective == 0:
        return float("inf")
    return diff / abs(objective)


def _choose(score: np.ndarray, k: int, fixed: np.ndarray, *, largest: bool):
    """Indices of the booked candidates plus the ``k`` best other scores."""
    if k <= 0:
        return fixed
    s = score.copy()
    s[fixed] = -np.inf if largest else np.inf
    s = -s if largest else s
    free = np.argpartition(s, k - 1)[:k] if k < s.size else np.arange(s.size)
    free = free[np.isfinite(s[free])][:k]
    return np.concatenate([fixed, free])


def p_median_lower_bound(
    cost,
    weights,
    p: int,
    *,
    target: float,
    fixed: Sequence[int] = (),
    capacity: int | None = None,
    max_iterations: int = MAX_ITERATIONS,
    stop_gap: float = STOP_GAP,
    max_seconds: float = MAX_SECONDS,
) -> Bound:
    """Lagrangian lower bound of the (capacitated) p-median optimum.

    Parameters
    ----------
    cost : numpy.ndarray of shape (n, m)
        Team × candidate costs (checked inputs, float64, ≥ 0).
    weights : numpy.ndarray of shape (n,)
        Team weights, ≥ 0.
    p : int
        Venues to choose.
    target : float
        Objective of a feasible plan (total weighted cost): the Polyak target.
    fixed : sequence of int
        Booked candidate indices (always chosen).
    capacity : int, optional
        At most this many teams per venue.
    max_iterations : int
        Subgradient iterations at most.
    stop_gap : float
        Stop when ``(target - bound) / target`` is below this.
    max_seconds : float
        Stop after this many seconds (the best bound so far is still proven).

    Returns
    -------
    Bound
        ``value`` ≤ the optimal total weighted cost, and ≤ ``target``;
        ``plan`` the venues the relaxation chose at the best multipliers (a
        start for the capacitated swap search: the Lagrangian heuristic).

    Examples
    --------
    >>> import numpy as np
    >>> cost = np.array([[1.0, 9.0], [2.0, 8.0], [9.0, 1.0]])
    >>> b = p_median_lower_bound(cost, np.ones(3), 1, target=12.0)
    >>> round(b.value, 6)
    12.0
    """
    t0 = time.perf_counter()
    c = np.asarray(cost, dtype=float) * np.asarray(weights, dtype=float)[:, None]
    n, m = c.shape
    fixed_arr = np.asarray(list(dict.fromkeys(int(j) for j in fixed)), np.int64)
    k = p - fixed_arr.size
    cap = None if capacity is None or capacity >= n else int(capacity)
    target = float(target)
    # start: each team priced at its cheapest venue's cost (a valid bound with
    # every rho_j = 0 at the nearest venues)
    lam = c.min(axis=1)
    best, best_lam, best_plan = -np.inf, lam, None
    recent: list[np.ndarray] = []  # distinct best-multiplier venue sets
    theta, stale, it = 2.0, 0, 0
    if cap is not None:
        # the uncapacitated bound is valid here too and cheap (a sum per column,
        # no partition): start from its multipliers, then add the capacity
        pre = p_median_lower_bound(
            cost,
            weights,
            p,
            target=target,
            fixed=fixed,
            max_iterations=max_iterations,
            stop_gap=stop_gap,
            max_seconds=max_seconds / 2,
        )
        lam = best_lam = pre.multipliers
        best, theta, it = pre.value, 0.5, pre.iterations
        best_plan = pre.plan
        recent = list(pre.plans)
        max_iterations += pre.iterations
    while it < max_iterations:
        it += 1
        red = np.minimum(c - lam[:, None], 0.0)
        if cap is None:
            rho = red.sum(axis=0)
        else:
            part = np.partition(red, cap - 1, axis=0)[:cap] if cap < n else red
            rho = part.sum(axis=0)
        chosen = _choose(rho, k, fixed_arr, largest=False)
        value = float(lam.sum() + rho[chosen].sum())
        if not np.isfinite(best) or value > best + 1e-12 * max(abs(best), 1.0):
            best, best_lam, stale = value, lam, 0
            best_plan = chosen
            key = np.sort(chosen).astype(np.int64)
            recent = [key] + [r for r in recent if not np.array_equal(r, key)]
            del recent[_PLANS_KEPT:]
        else:
            stale += 1
            if stale >= _HALVE_AFTER:
                theta, stale = theta / 2, 0
                lam = best_lam
        if target > 0 and (target - best) / target <= stop_gap:
            break
        if theta < 1e-4 or time.perf_counter() - t0 > max_seconds:
            break
        if cap is None:
            served = (red[:, chosen] < 0).sum(axis=1)
        else:
            sub = red[:, chosen]
            if cap < n:
                top = np.argpartition(sub, cap - 1, axis=0)[:cap]
                mask = np.zeros_like(sub, dtype=bool)
                mask[top, np.arange(sub.shape[1])[None, :]] = True
                served = ((sub < 0) & mask).sum(axis=1)
            else:
                served = (sub < 0).sum(axis=1)
        g = 1.0 - served
        norm = float(g @ g)
        if norm == 0:  # the relaxed solution is feasible: the bound is optimal
            break
        step = theta * max(target - value, 1e-9 * max(abs(target), 1.0)) / norm
        lam = lam + step * g
    value = min(best, target) - _ROUNDING * max(abs(target), 1.0)
    return Bound(
        value=float(max(value, 0.0)),
        iterations=it,
        seconds=time.perf_counter() - t0,
        method="Lagrangian relaxation of the assignment constraints, "
        "subgradient steps (Polyak)",
        multipliers=best_lam,
        plan=None if best_plan is None else np.sort(best_plan).astype(np.int64),
        plans=recent,
    )


def coverage_upper_bound(
    cost,
    weights,
    p: int,
    radius: float,
    *,
    target: float,
    fixed: Sequence[int] = (),
    max_iterations: int = MAX_ITERATIONS,
    stop_gap: float = STOP_GAP,
    max_seconds: float = MAX_SECONDS,
) -> Bound:
    """Lagrangian upper bound of the best covered weight (maximal coverage).

    Parameters
    ----------
    cost : numpy.ndarray of shape (n, m)
        Costs in the units of ``radius``.
    weights : numpy.ndarray of shape (n,)
        Team weights, ≥ 0.
    p : int
        Venues to choose.
    radius : float
        Coverage radius (> 0).
    target : float
        Covered weight of a feasible plan: the Polyak target.
    fixed, max_iterations, stop_gap, max_seconds
        As :func:`p_median_lower_bound`.

    Returns
    -------
    Bound
        ``value`` ≥ the best covered weight, and ≥ ``target``.

    Examples
    --------
    >>> import numpy as np
    >>> cost = np.array([[1.0, 9.0], [2.0, 8.0], [9.0, 1.0]])
    >>> round(coverage_upper_bound(cost, np.ones(3), 1, 5.0, target=2.0).value, 6)
    2.0
    """
    t0 = time.perf_counter()
    w = np.asarray(weights, dtype=float)
    a = (np.asarray(cost, dtype=float) <= radius).astype(float)
    n, m = a.shape
    fixed_arr = np.asarray(list(dict.fromkeys(int(j) for j in fixed)), np.int64)
    k = p - fixed_arr.size
    target = float(target)
    reach = a.sum(axis=1)
    # start: each team's weight shared among the venues that cover it
    mu = np.where(reach > 0, w / np.maximum(reach, 1.0), w)
    best, best_mu = np.inf, mu
    theta, stale, it = 2.0, 0, 0
    while it < max_iterations:
        it += 1
        score = mu @ a
        chosen = _choose(score, k, fixed_arr, largest=True)
        free = w > mu
        value = float(np.where(free, w - mu, 0.0).sum() + score[chosen].sum())
        if not np.isfinite(best) or value < best - 1e-12 * max(abs(best), 1.0):
            best, best_mu, stale = value, mu, 0
        else:
            stale += 1
            if stale >= _HALVE_AFTER:
                theta, stale = theta / 2, 0
                mu = best_mu
        if target > 0 and (best - target) / target <= stop_gap:
            break
        if theta < 1e-4 or time.perf_counter() - t0 > max_seconds:
            break
        g = a[:, chosen].sum(axis=1) - free  # d U / d mu
        g = np.where((mu <= 0) & (g > 0), 0.0, g)  # projected onto mu >= 0
        norm = float(g @ g)
        if norm == 0:
            break
        step = theta * max(value - target, 1e-9 * max(abs(target), 1.0)) / norm
        mu = np.maximum(mu - step * g, 0.0)
    value = max(best, target) + _ROUNDING * max(abs(target), 1.0)
    return Bound(
        value=float(min(value, w.sum())),
        iterations=it,
        seconds=time.perf_counter() - t0,
        method="Lagrangian relaxation of the coverage constraints, "
        "subgradient steps (Polyak)",
    )


#: Seconds the Lagrangian coverage bound may run before HiGHS is asked.
_LAGRANGE_FIRST_SECONDS = 0.25
#: Relative margin on HiGHS' dual bound against its feasibility tolerances (1e-7).
_HIGHS_MARGIN = 1e-6


def coverage_milp_bound(
    cost,
    weights,
    p: int,
    radius: float,
    *,
    fixed: Sequence[int] = (),
    max_seconds: float = MAX_SECONDS,
) -> Bound | None:
    r"""Upper bound of the best covered weight by HiGHS' branch and bound.

    The maximal-coverage model :math:`\max \sum_r W_r Z_r` subject to
    :math:`Z_r \le \sum_{j \in N_r} Y_j`, :math:`\sum_j Y_j = p`,
    :math:`Y_B = 1`, :math:`Y \in \{0, 1\}`, :math:`0 \le Z \le 1`, where a
    row :math:`r` gathers the teams with the same covering candidates
    :math:`N_r` (their weights summed in :math:`W_r`; teams no candidate covers
    dropped) — the same optimum as the team model, with far fewer rows.
    Solved by ``scipy.optimize.milp`` (HiGHS) within ``max_seconds``; the
    dual bound it reports is proven whether or not it finished. Own code only
    for the model: the solver is HiGHS.

    Parameters
    ----------
    cost, weights, p, radius
        As :func:`coverage_upper_bound`.
    fixed : sequence of int
        Booked candidate indices (always chosen).
    max_seconds : float
        HiGHS' time limit.

    Returns
    -------
    Bound or None
        ``value`` ≥ the best covered weight (with a relative margin of 1e-6
        against solver tolerances), ``plan`` and ``plan_value`` HiGHS' best
        plan; None when HiGHS stopped without a dual bound.

    Examples
    --------
    >>> import numpy as np
    >>> cost = np.array([[1.0, 9.0], [2.0, 8.0], [9.0, 1.0]])
    >>> b = coverage_milp_bound(cost, np.ones(3), 1, 5.0)
    >>> round(b.value, 4), b.plan.tolist()
    (2.0, [0])
    """
    t0 = time.perf_counter()
    w = np.asarray(weights, dtype=float)
    a = np.asarray(cost, dtype=float) <= radius
    m = a.shape[1]
    keep = a.any(axis=1) & (w > 0)
    total = float(w.sum())
    margin = _HIGHS_MARGIN * max(total, 1.0)
    if not keep.any():
        return Bound(0.0, 0, time.perf_counter() - t0, "nobody can be covered")
    rows, inverse = np.unique(a[keep], axis=0, return_inverse=True)
    row_w = np.bincount(inverse.ravel(), weights=w[keep], minlength=len(rows))
    r = len(rows)
    objective = np.concatenate([np.zeros(m), -row_w])
    link = sparse.hstack(
        [-sparse.csr_matrix(rows, dtype=float), sparse.eye(r, format="csr")]
    )
    count = np.concatenate([np.ones(m), np.zeros(r)])[None, :]
    lower = np.zeros(m + r)
    lower[np.asarray(list(fixed), dtype=np.int64)] = 1.0
    res = milp(
        objective,
        constraints=[
            LinearConstraint(link, -np.inf, 0.0),
            LinearConstraint(count, p, p),
        ],
        bounds=Bounds(lower, np.ones(m + r)),
        integrality=np.concatenate([np.ones(m), np.zeros(r)]),
        options={"time_limit": float(max_seconds), "mip_rel_gap": 0.0},
    )
    dual = getattr(res, "mip_dual_bound", None)
    if dual is None or not np.isfinite(dual):
        return None
    plan = plan_value = None
    if res.x is not None:
        y = np.round(res.x[:m]).astype(bool)
        plan = np.flatnonzero(y).astype(np.int64)
        plan_value = float(w @ a[:, plan].any(axis=1)) if plan.size == p else None
        if plan_value is None:
            plan = None
    finished = "proven optimal" if res.status == 0 else "time limit, dual bound"
    return Bound(
        value=float(min(-dual + margin, total)),
        iterations=int(getattr(res, "mip_node_count", 0) or 0),
        seconds=time.perf_counter() - t0,
        method=f"HiGHS branch and bound on {r} distinct coverage rows ({finished})",
        plan=plan,
        plan_value=plan_value,
    )


def certify(
    solution,
    cost,
    weights,
    p: int,
    *,
    model: str = "p-median",
    fixed: Sequence[int] = (),
    capacity: int | None = None,
    radius: float | None = None,
):
    """Set ``solution.bound`` (and ``bound_method``): a proven bound on the optimum.

    A solution the exact solver proved optimal is its own bound; a coverage plan
    gets the Lagrangian bound (:func:`coverage_upper_bound`, at most 0.25 s)
    and, when that leaves a gap above ``STOP_GAP``, HiGHS' bound
    (:func:`coverage_milp_bound`, the smaller kept), HiGHS' own plan left in
    ``solution.extra["bound_plan"]`` (and ``"bound_plan_value"``) for the caller
    to adopt when it covers more (:func:`geodata.siting.solving.fast_certified`);
    a p-median plan gets the Lagrangian bound (:func:`p_median_lower_bound`)
    with its objective as target.

    Parameters
    ----------
    solution : geodata.siting.problem.Solution
        Changed in place and returned.
    cost : numpy.ndarray of shape (n, m)
        The matrix the solution was found on (coverage: radius units).
    weights : numpy.ndarray of shape (n,)
    p : int
    model : {"p-median", "coverage"}
    fixed, capacity, radius
        As the solvers.

    Returns
    -------
    Solution
        The same object, ``bound`` and ``bound_method`` set.
    """
    if solution.optimal:
        solution.bound = float(solution.objective)
        solution.bound_method = "the exact solver proved the plan optimal"
        return solution
    if model == "coverage":
        # the Lagrangian bound first: tens of milliseconds, and often tight;
        # HiGHS only when it is not (bench/bench_siting.py)
        b = coverage_upper_bound(
            cost,
            weights,
            p,
            float(radius),
            target=solution.objective,
            fixed=fixed,
            max_seconds=_LAGRANGE_FIRST_SECONDS,
        )
        gap = certified_gap(solution.objective, b.value, maximise=True)
        if gap > STOP_GAP:
            h = coverage_milp_bound(cost, weights, p, float(radius), fixed=fixed)
            if h is not None:
                h.value = max(h.value, float(solution.objective))
                solution.extra["bound_plan"] = h.plan
                solution.extra["bound_plan_value"] = h.plan_value
                if h.value < b.value:
                    h.seconds += b.seconds
                    b = h
    else:
        b = p_median_lower_bound(
            cost,
            weights,
            p,
            target=solution.objective,
            fixed=fixed,
            capacity=capacity,
            **(_CAPACITATED_LIMITS if capacity is not None else {}),
        )
        if capacity is not None:
            solution.extra["bound_plan"] = b.plan
            solution.extra["bound_plans"] = b.plans
    solution.bound = b.value
    solution.bound_method = f"{b.method}, {b.iterations} iterations, {b.seconds:.2f} s"
    return solution
