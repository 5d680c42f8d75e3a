r"""Fast venue solvers: greedy construction, Teitz-Bart swaps, iterated local search.

p-median (:func:`solve_p_median`)
    Greedy construction, then Teitz-Bart vertex substitution (best swap of one
    chosen venue for one unchosen candidate until no swap improves; each round
    vectorised over all candidates with numpy in about two passes over the
    cost matrix), inside an iterated local search: 2-3 venues of the best plan
    replaced at random (seeded: deterministic) and the substitution run again,
    until 16 restarts in a row find nothing better (at most 63).
Capacitated p-median (:func:`solve_p_median` with ``capacity``)
    Start from the uncapacitated answer; assign teams to venues by the
    transportation LP (:func:`geodata.siting.assignment.transport_assignment`,
    HiGHS); rank swaps by the Lagrangian lower bound of the relaxed capacity
    constraints (the LP's capacity duals are the seat prices) and re-solve the
    assignment only for the best-bounded swaps, first improvement, at most 60
    assignments.
Maximal coverage (:func:`solve_max_coverage`)
    The same search on the lexicographic objective (covered weight first, then
    the p-median distance total as tie-break).

``bench/bench_siting.py`` measures these against spopt's exact models.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from geodata.siting.assignment import nearest_assignment, transport_assignment
from geodata.siting.problem import Solution, check_capacity, check_inputs

__all__ = ["solve_max_coverage", "solve_p_median"]

_STARTS = 64
#: Stop the perturbation restarts after this many in a row found nothing better.
_PATIENCE = 16
_CAP_MAX_EVALUATIONS = 60
_CAP_SWAPS_PER_ROUND = 10
_REL_TOL = 1e-10


def _greedy(cost, w, p, fixed) -> list[int]:
    n, _m = cost.shape
    chosen = list(fixed)
    best = cost[:, chosen].min(axis=1) if chosen else np.full(n, np.inf)
    while len(chosen) < p:
        totals = w @ np.minimum(best[:, None], cost)
        totals[chosen] = np.inf
        j = int(np.argmin(totals))
        chosen.append(j)
        best = np.minimum(best, cost[:, j])
    return chosen


def _two_nearest(cost, chosen) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per team: slot (position in ``chosen``) of the nearest venue, its cost
    and the cost of the second nearest (inf when only one venue)."""
    n = cost.shape[0]
    rows = np.arange(n)
    sub = cost[:, chosen]
    if len(chosen) == 1:
        return np.zeros(n, dtype=np.int64), sub[:, 0], np.full(n, np.inf)
    part = np.argpartition(sub, 1, axis=1)[:, :2]
    first, second = sub[rows, part[:, 0]], sub[rows, part[:, 1]]
    slot = np.where(first > second, part[:, 1], part[:, 0])
    return slot, np.minimum(first, second), np.maximum(first, second)


def _swap_distance_totals(cost, w, d1, d2, slot, a, common=None):
    """Total weighted cost, for every candidate k, of swapping slot ``a`` for k.

    ``sum_i w_i min(base_i, c_ik)`` where ``base`` is ``d1`` except for the teams
    of slot ``a`` (``d2``): computed as the common term ``sum_i w_i min(d1_i,
    c_ik)`` (pass it as ``common`` to reuse it across slots) plus a correction
    over the teams of slot ``a`` only, so a round costs about two passes over
    the matrix instead of ``p``.
    """
    if common is None:
        common = w @ np.minimum(d1[:, None], cost)
    idx = np.flatnonzero(slot == a)
    if idx.size == 0:
        return common.copy()
    sub = cost[idx]
    corr = w[idx] @ (np.minimum(d2[idx, None], sub) - np.minimum(d1[idx, None], sub))
    return common + corr


def _interchange(cost, w, chosen, fixed) -> tuple[list[int], float, int]:
    """Teitz-Bart vertex substitution, best improving swap per round."""
    m = cost.shape[1]
    chosen = list(chosen)
    fixed = set(fixed)
    rounds = 0
    while True:
        rounds += 1
        slot, d1, d2 = _two_nearest(cost, chosen)
        current = float(w @ d1)
        common = w @ np.minimum(d1[:, None], cost)
        best_total, best_move = current, None
        closed = np.ones(m, dtype=bool)
        closed[chosen] = False
        for a, j in enumerate(chosen):
            if j in fixed:
                continue
            totals = _swap_distance_totals(cost, w, d1, d2, slot, a, common)
            totals[~closed] = np.inf
            k = int(np.argmin(totals))
            if totals[k] < best_total - _REL_TOL * max(abs(current), 1.0):
                best_total, best_move = float(totals[k]), (a, k)
        if best_move is None:
            return chosen, current, rounds
        chosen[best_move[0]] = best_move[1]


def _multi_start(
    init: list[int], improve, m: int, p: int, fixed, starts: int, seed: int
) -> tuple[list[int], float, int]:
    """Iterated local search: improve ``init``, then up to ``starts - 1``
    perturbations, stopping after ``_PATIENCE`` in a row found nothing better.

    Each perturbation replaces 2 or 3 non-booked venues of the best plan so far
    by random unchosen candidates (a seeded generator: deterministic) and runs
    ``improve`` again; the best plan wins (ties: the smaller sorted index tuple).
    ``improve(chosen) -> (chosen, value, rounds)`` minimises ``value``.
    """
    rng = np.random.default_rng(seed)
    fixed = set(fixed)
    chosen, value, total_rounds = improve(list(init))
    best = (value, tuple(sorted(chosen)))
    free_slots = p - len(fixed)
    if free_slots <= 1 or m - len(fixed) <= free_slots:
        return list(best[1]), best[0], total_rounds  # the swap search is exact
    seen = {best[1]}
    stale = 0
    for s in range(1, starts):
        if stale >= _PATIENCE:
            break
        current = list(best[1])
        movable = [j for j in current if j not in fixed]
        pool = np.array([j for j in range(m) if j not in set(current)], np.int64)
        r = min(free_slots, len(pool), 2 + s % 2)
        out = set(rng.choice(movable, size=r, replace=False).tolist())
        new = rng.choice(pool, size=r, replace=False).tolist()
        trial = [j for j in current if j not in out] + [int(j) for j in new]
        key = tuple(sorted(trial))
        if key in seen:
            continue
        seen.add(key)
        chosen, value, rounds = improve(trial)
        total_rounds += rounds
        cand = (value, tuple(sorted(chosen)))
        tol = _REL_TOL * max(abs(best[0]), 1.0)
        if cand[0] < best[0] - tol:
            best, stale = cand, 0
        else:
            stale += 1
            if abs(cand[0] - best[0]) <= tol and cand[1] < best[1]:
                best = cand
    return list(best[1]), best[0], total_rounds


def solve_p_median(
    cost,
    weights,
    p: int,
    *,
    fixed: Sequence[int] = (),
    capacity: int | None = None,
    starts: int = _STARTS,
    seed: int = 0,
    init: Sequence[int] | None = None,
) -> Solution:
    """Fast p-median / capacitated p-median on a cost matrix.

    Parameters
    ----------
    cost : array-like of shape (n, m)
        Cost (e.g. great-circle miles) from each of ``n`` teams to each of ``m``
        candidate venues; validated by
        :func:`geodata.distances.validate_cost_matrix`.
    weights : array-like of shape (n,)
        Team weights (people or 1), finite, ≥ 0.
    p : int
        Venues to choose, 1 ≤ p ≤ m.
    fixed : sequence of int
        Candidate indices that must be chosen (booked venues).
    capacity : int, optional
        Maximum teams per venue; None for no limit.
    starts : int
        Greedy start plus at most ``starts - 1`` seeded perturbation restarts
        (stopping after 16 in a row without improvement).
    seed : int
        Seed of the perturbations (results are deterministic for a seed).
    init : sequence of int, optional
        A plan (``p`` distinct candidate indices, booked ones included) to start
        from instead of the greedy one; with ``capacity``, the capacitated swap
        search starts from it directly.

    Returns
    -------
    Solution
        ``objective`` is the total weighted cost ``sum_i w_i d_{i, assign_i}``.

    Raises
    ------
    InfeasiblePlanError
        ``p`` out of range, more booked venues than ``p``, or more teams than
        ``p × capacity`` seats (the message says what capacity or how many
        venues would do).
    geodata.distances.CostMatrixError
        Bad cost matrix or weights.
    """
    t0 = time.perf_counter()
    cost, w, fixed = check_inputs(cost, weights, p, fixed)
    n, m = cost.shape
    if capacity is not None:
        check_capacity(n, p, capacity)

    def improve(init):
        return _interchange(cost, w, init, fixed)

    capacitated = capacity is not None and n > capacity
    method = "greedy + vertex substitution (Teitz-Bart)"
    if init is None:
        start = _greedy(cost, w, p, fixed)
    else:
        start = [int(j) for j in init]
        if len(set(start)) != p or not set(fixed) <= set(start):
            raise ValueError(f"init must be {p} distinct candidates, booked included.")
        method = "given plan + vertex substitution (Teitz-Bart)"
    if init is not None and capacitated:
        chosen = start
    else:
        chosen, total, rounds = _multi_start(start, improve, m, p, fixed, starts, seed)
    if not capacitated:
        open_ = np.array(sorted(chosen), dtype=np.int64)
        return Solution(
            open=open_,
            assign=nearest_assignment(cost, open_),
            objective=float(total),
            method=method,
            seconds=time.perf_counter() - t0,
            evaluations=rounds,
        )
    open_, assign, total, evals = _capacitated_search(
        cost, w, chosen, fixed, int(capacity)
    )
    return Solution(
        open=open_,
        assign=assign,
        objective=float(total),
        method=method + "; HiGHS transportation LP with Lagrangian swap bounds",
        seconds=time.perf_counter() - t0,
        evaluations=evals,
    )


def _capacitated_search(cost, w, chosen, fixed, capacity):
    """Swap search for the capacitated p-median (Lagrangian-bounded)."""
    n, _m = cost.shape
    fixed = set(fixed)
    wc = cost * w[:, None]
    chosen = list(chosen)
    col, total, prices = transport_assignment(cost[:, chosen], capacity, w)
    evaluations = 1
    tried: set[tuple[int, ...]] = {tuple(sorted(chosen))}
    while evaluations < _CAP_MAX_EVALUATIONS:
        # Lagrangian bound for replacing chosen[a] by k, keeping the prices of
        # the venues that stay and price 0 for the new one: a valid lower bound
        # on that set's capacitated cost.
        priced = wc[:, chosen] + prices[None, :]
        seats = capacity * prices
        bounds = []
        for a, j in enumerate(chosen):
            if j in fixed:
                continue
            rest = np.delete(priced, a, axis=1)
            base = rest.min(axis=1) if rest.shape[1] else np.full(n, np.inf)
            lb = np.minimum(base[:, None], wc).sum(axis=0) - (seats.sum() - seats[a])
            lb[chosen] = np.inf
            for k in np.flatnonzero(lb < total * (1 - 1e-9)):
                bounds.append((float(lb[k]), a, int(k)))
        bounds.sort()
        improved = False
        for _, a, k in bounds[:_CAP_SWAPS_PER_ROUND]:
            trial = list(chosen)
            trial[a] = k
            key = tuple(sorted(trial))
            if key in tried:
                continue
            tried.add(key)
            t_col, t_total, t_prices = transport_assignment(cost[:, trial], capacity, w)
            evaluations += 1
            if t_total < total * (1 - 1e-9):
                chosen, col, total, prices = trial, t_col, t_total, t_prices
                improved = True
                break
            if evaluations >= _CAP_MAX_EVALUATIONS:
                break
        if not improved:
            break
    order = np.argsort(chosen)
    open_ = np.asarray(chosen, dtype=np.int64)[order]
    assign = np.asarray(chosen, dtype=np.int64)[col]
    return open_, assign, float(total), evaluations


def solve_max_coverage(
    cost,
    weights,
    p: int,
    radius: float,
    *,
    fixed: Sequence[int] = (),
    starts: int = _STARTS,
    seed: int = 0,
    init: Sequence[int] | None = None,
) -> Solution:
    """Fast maximal coverage (MCLP) on a cost matrix.

    Chooses ``p`` venues maximising the weight of teams with a chosen venue
    within ``radius``; among equal coverage, the smaller total weighted distance
    to the nearest chosen venue wins. Greedy plus swap search, as
    :func:`solve_p_median`.

    Parameters
    ----------
    cost : array-like of shape (n, m)
        Costs in the units of ``radius`` (miles or minutes).
    weights : array-like of shape (n,)
        Team weights.
    p : int
        Venues to choose.
    radius : float
        Coverage radius (> 0), same units as ``cost``.
    fixed, starts, seed
        As :func:`solve_p_median`.
    init : sequence of int, optional
        A plan (``p`` candidate indices, booked ones included) to start the swap
        search from instead of the greedy one; the search never covers less.

    Returns
    -------
    Solution
        ``objective`` is the covered weight; every team is assigned to its
        nearest chosen venue (covered or not); ``extra["distance_total"]`` is
        the tie-break value.

    Raises
    ------
    InfeasiblePlanError, geodata.distances.CostMatrixError
        As :func:`solve_p_median`; ValueError for a radius ≤ 0.
    """
    t0 = time.perf_counter()
    cost, w, fixed = check_inputs(cost, weights, p, fixed)
    if not (np.isfinite(radius) and radius > 0):
        raise ValueError(f"coverage radius must be a positive number, got {radius!r}.")
    n, m = cost.shape
    cover = (cost <= radius).astype(np.int32)
    scale = float(w @ cost.max(axis=1)) + 1.0  # any distance total is below this

    # Lexicographic objective as one number to minimise:
    # -(covered weight) * scale + distance total, evaluated exactly per swap.
    def value(count, dist):
        return -float(w @ (count > 0)) * scale + dist

    def greedy():
        chosen = list(fixed)
        count = cover[:, chosen].sum(axis=1) if chosen else np.zeros(n, np.int32)
        best = cost[:, chosen].min(axis=1) if chosen else np.full(n, np.inf)
        while len(chosen) < p:
            gain = w @ ((count[:, None] > 0) | (cover > 0))
            dist = w @ np.minimum(best[:, None], cost)
            score = -gain * scale + dist
            score[chosen] = np.inf
            j = int(np.argmin(score))
            chosen.append(j)
            count = count + cover[:, j]
            best = np.minimum(best, cost[:, j])
        return chosen

    def improve(chosen):
        chosen = list(chosen)
        fixed_set = set(fixed)
        rounds = 0
        coverf = cover.astype(float)
        while True:
            rounds += 1
            slot, d1, d2 = _two_nearest(cost, chosen)
            count = cover[:, chosen].sum(axis=1)
            current = value(count, float(w @ d1))
            common = w @ np.minimum(d1[:, None], cost)
            reached = count > 0
            # covered weight with k added (nobody lost yet), then the loss of
            # the teams that only the leaving venue covers
            gain = w @ (reached[:, None] | (cover > 0))
            best_val, best_move = current, None
            closed = np.ones(m, dtype=bool)
            closed[chosen] = False
            for a, j in enumerate(chosen):
                if j in fixed_set:
                    continue
                only = np.flatnonzero((count == 1) & (cover[:, j] > 0))
                covered = gain - (w[only] @ (1.0 - coverf[only])) if only.size else gain
                dist = _swap_distance_totals(cost, w, d1, d2, slot, a, common)
                score = -covered * scale + dist
                score[~closed] = np.inf
                k = int(np.argmin(score))
                if score[k] < best_val - _REL_TOL * max(abs(current), 1.0):
                    best_val, best_move = float(score[k]), (a, k)
            if best_move is None:
                return chosen, current, rounds
            chosen[best_move[0]] = best_move[1]

    start = greedy() if init is None else [int(j) for j in init]
    if init is not None and (len(set(start)) != p or not set(fixed) <= set(start)):
        raise ValueError(f"init must be {p} distinct candidates with the booked ones.")
    chosen, _, rounds_total = _multi_start(start, improve, m, p, fixed, starts, seed)
    open_ = np.array(sorted(chosen), dtype=np.int64)
    assign = nearest_assignment(cost, open_)
    d = cost[np.arange(n), assign]
    covered = float(w @ (d <= radius))
    return Solution(
        open=open_,
        assign=assign,
        objective=covered,
        method="greedy + swap search (maximal coverage, distance tie-break)",
        seconds=time.perf_counter() - t0,
        evaluations=rounds_total,
        extra={"distance_total": float(w @ d)},
    )
