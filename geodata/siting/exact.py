"""Exact venue models: spopt's ``PMedian`` / ``MCLP`` through PuLP and CBC.

Optimal when CBC finishes within its time limit, else the best solution found.
Tens of seconds for ~1,000 teams × 100 candidates (``bench/bench_siting.py``);
:func:`exact_too_large` says when an instance is too big to try interactively.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence

import numpy as np
import pulp

from geodata.siting.assignment import nearest_assignment, transport_assignment
from geodata.siting.options import MODELS
from geodata.siting.problem import (
    ExactSolverError,
    Solution,
    check_capacity,
    check_inputs,
)

__all__ = [
    "EXACT_MAX_CELLS",
    "EXACT_MAX_CELLS_CAPACITATED",
    "exact_too_large",
    "solve_exact",
]

#: Largest instance (teams × candidates) offered to the exact solver
#: interactively. CBC honours its time limit in branch and bound but not always
#: in the root LP: past these sizes it can run for many minutes.
EXACT_MAX_CELLS = 110_000
#: The same for the capacitated p-median (a 1,000 × 100 capacitated model ran
#: past 10 minutes with a 400 s limit).
EXACT_MAX_CELLS_CAPACITATED = 15_000


def exact_too_large(n_teams: int, n_candidates: int, *, capacitated: bool) -> bool:
    """Whether an instance is too large for the exact solver in the app.

    Parameters
    ----------
    n_teams, n_candidates : int
        Instance size.
    capacitated : bool
        True for the capacitated p-median (a lower ceiling).

    Returns
    -------
    bool
        True when ``n_teams × n_candidates`` exceeds :data:`EXACT_MAX_CELLS`
        (or :data:`EXACT_MAX_CELLS_CAPACITATED`).

    Examples
    --------
    >>> exact_too_large(1002, 100, capacitated=False)
    False
    >>> exact_too_large(1002, 100, capacitated=True)
    True
    """
    ceiling = EXACT_MAX_CELLS_CAPACITATED if capacitated else EXACT_MAX_CELLS
    return n_teams * n_candidates > ceiling


def solve_exact(
    cost,
    weights,
    p: int,
    *,
    model: str = "p-median",
    fixed: Sequence[int] = (),
    capacity: int | None = None,
    radius: float | None = None,
    time_limit: float = 60.0,
    threads: int | None = None,
) -> Solution:
    """Solve with spopt's exact models (PuLP + CBC), within a time limit.

    Parameters
    ----------
    cost, weights, p, fixed, capacity, radius
        As :func:`solve_p_median` / :func:`solve_max_coverage`.
    model : {"p-median", "coverage"}
        ``spopt.locate.PMedian`` (capacitated when ``capacity`` is given; the
        cost is pre-multiplied by the weights and spopt's weights set to 1 so
        that capacity counts teams) or ``spopt.locate.MCLP``.
    time_limit : float
        Seconds CBC may run (model building is extra: ~3 s per 100,000
        team-venue pairs). CBC checks the limit during branch and bound, not
        inside its root LP: a capacitated model of 1,000 teams × 100 candidates
        ran past 10 minutes with a 400 s limit, so keep exact capacitated runs
        small (the Plan page allows 15,000 team-venue pairs).
    threads : int, optional
        CBC threads (default CBC's).

    Returns
    -------
    Solution
        ``optimal`` True when CBC proved optimality, False when it stopped at
        the time limit with a feasible solution (``note`` says so).

    Raises
    ------
    ExactSolverError
        If CBC found no feasible solution within the limit.
    InfeasiblePlanError
        As the fast solvers.
    """
    # Measured import cost: spopt.locate takes 1.7 s on an idle machine (7.5 s
    # under load) after numpy and pandas; paid only when an exact solve is
    # asked for, not by every plan or page that imports geodata.siting.
    from spopt.locate import MCLP, PMedian

    t0 = time.perf_counter()
    cost, w, fixed = check_inputs(cost, weights, p, fixed)
    n, m = cost.shape
    if model not in MODELS:
        raise ValueError(f"model must be one of {', '.join(MODELS)}, got {model!r}.")
    predefined = None
    if fixed:
        predefined = np.zeros(m, dtype=int)
        predefined[fixed] = 1
    if model == "p-median" and capacity is not None:
        check_capacity(n, p, capacity)
    if model == "coverage" and (radius is None or not radius > 0):
        raise ValueError("coverage needs a positive radius.")
    opts = {"msg": False, "timeLimit": float(time_limit)}
    if threads:
        opts["threads"] = int(threads)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # PuLP 4.0 notices
        if model == "p-median":
            caps = None if capacity is None else np.full(m, int(capacity))
            solver_model = PMedian.from_cost_matrix(
                cost * w[:, None],
                np.ones(n),
                p_facilities=int(p),
                predefined_facilities_arr=predefined,
                facility_capacities=caps,
            )
        else:
            solver_model = MCLP.from_cost_matrix(
                cost,
                w,
                service_radius=float(radius),
                p_facilities=int(p),
                predefined_facilities_arr=predefined,
            )
        problem = solver_model.problem
        problem.solve(pulp.PULP_CBC_CMD(**opts))
    sol_status = getattr(problem, "sol_status", None)
    values = np.array([v.value() or 0.0 for v in solver_model.fac_vars])
    open_ = np.flatnonzero(values > 0.5).astype(np.int64)
    if problem.status != 1 or len(open_) != p:
        raise ExactSolverError(
            f"CBC found no solution within {time_limit:g} s "
            f"(status {pulp.LpStatus.get(problem.status, problem.status)}); allow "
            "more time or use the fast solver."
        )
    optimal = sol_status == pulp.LpSolutionOptimal
    note = (
        ""
        if optimal
        else (
            f"stopped at the {time_limit:g} s time limit: best solution found, "
            "optimality not proven"
        )
    )
    if model == "p-median" and capacity is not None and n > capacity:
        col, total, _ = transport_assignment(cost[:, open_], int(capacity), w)
        assign = open_[col]
        objective = total
    else:
        assign = nearest_assignment(cost, open_)
        d = cost[np.arange(n), assign]
        objective = float(w @ d) if model == "p-median" else float(w @ (d <= radius))
    return Solution(
        open=open_,
        assign=assign,
        objective=float(objective),
        method=f"spopt {'PMedian' if model == 'p-median' else 'MCLP'} + CBC",
        optimal=bool(optimal),
        seconds=time.perf_counter() - t0,
        note=note,
    )
