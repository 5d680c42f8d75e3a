"""A venue problem on a cost matrix: its inputs checked, its solution, its errors.

Every solver (:mod:`geodata.siting.heuristics`, :mod:`geodata.siting.exact`)
takes the same inputs (an ``(n, m)`` team × candidate cost matrix, ``n``
weights, ``p`` venues, booked candidate indices, an optional capacity in teams)
checked here once, and returns a :class:`Solution`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from geodata.distances import CostMatrixError, validate_cost_matrix

__all__ = [
    "ExactSolverError",
    "InfeasiblePlanError",
    "Solution",
    "check_capacity",
    "check_inputs",
]


class InfeasiblePlanError(ValueError):
    """The plan asked for cannot exist (e.g. more teams than seats)."""


class ExactSolverError(RuntimeError):
    """The exact solver (spopt / CBC) found no solution in its time limit."""


@dataclass
class Solution:
    """A solved venue model on a cost matrix.

    Attributes
    ----------
    open : numpy.ndarray
        Chosen candidate indices, int64, ascending, length ``p``.
    assign : numpy.ndarray
        Candidate index each team goes to, int64, shape ``(n,)``.
    objective : float
        p-median: total weighted cost ``sum(w_i * d_i)`` (divide by
        ``sum(w)`` for the mean); coverage: covered weight.
    method : str
        How it was found.
    optimal : bool or None
        True when proven optimal (exact solver), False when the exact solver
        stopped at its time limit, None for the heuristic.
    seconds : float
        Wall-clock solve time.
    evaluations : int
        Full-assignment evaluations (capacitated) or swap rounds (others).
    note : str
        Anything the user should know (e.g. the time limit was hit).
    extra : dict
        Model-specific figures (e.g. coverage's ``distance_total`` tie-break).
    bound : float or None
        A proven bound on the best possible objective, same units as
        ``objective``: a lower bound for the p-median (minimise), an upper bound
        for coverage (maximise); None when not computed
        (:func:`geodata.siting.bounds.certify`).
    bound_method : str
        How ``bound`` was proven.
    """

    open: np.ndarray
    assign: np.ndarray
    objective: float
    method: str
    optimal: bool | None = None
    seconds: float = 0.0
    evaluations: int = 0
    note: str = ""
    extra: dict = field(default_factory=dict)
    bound: float | None = None
    bound_method: str = ""


def check_inputs(cost, weights, p: int, fixed) -> tuple[np.ndarray, np.ndarray, list]:
    """Validate a venue problem's inputs.

    Parameters
    ----------
    cost : array-like of shape (n, m)
        Team × candidate costs (finite, ≥ 0).
    weights : array-like of shape (n,)
        Team weights (finite, ≥ 0).
    p : int
        Venues to choose, 1 ≤ p ≤ m.
    fixed : iterable of int
        Booked candidate indices.

    Returns
    -------
    cost : numpy.ndarray
        Float64, shape ``(n, m)``.
    weights : numpy.ndarray
        Float64, shape ``(n,)``.
    fixed : list of int
        Booked indices without repeats, in the order given.

    Raises
    ------
    InfeasiblePlanError
        Empty matrix, ``p`` out of range, a booked index that is not a
        candidate, more booked venues than ``p``.
    geodata.distances.CostMatrixError
        Bad cost matrix or weights.
    """
    cost = validate_cost_matrix(cost)
    n, m = cost.shape
    if n == 0 or m == 0:
        raise InfeasiblePlanError(
            f"nothing to solve: {n} teams and {m} candidate venues."
        )
    w = np.asarray(weights, dtype=float)
    if w.shape != (n,):
        raise CostMatrixError(
            f"weights: expected {n} values (one per team), got shape {w.shape}."
        )
    if not np.isfinite(w).all() or (w < 0).any():
        i = int(np.flatnonzero(~np.isfinite(w) | (w < 0))[0])
        raise CostMatrixError(
            f"weights: team {i} has weight {w[i]!r}; weights must be finite and ≥ 0."
        )
    if int(p) != p or not 1 <= p <= m:
        raise InfeasiblePlanError(
            f"number of venues must be between 1 and the {m} candidates; got {p}."
        )
    fixed = [int(j) for j in dict.fromkeys(int(j) for j in fixed)]
    bad = [j for j in fixed if not 0 <= j < m]
    if bad:
        raise InfeasiblePlanError(f"booked venue index {bad[0]} is not a candidate.")
    if len(fixed) > p:
        raise InfeasiblePlanError(
            f"{len(fixed)} venues are booked but only {p} meetings are planned; "
            f"plan at least {len(fixed)} meetings or unbook some."
        )
    return cost, w, fixed


def check_capacity(n: int, p: int, capacity) -> None:
    """Check that ``p`` venues of ``capacity`` teams can seat ``n`` teams.

    Raises
    ------
    InfeasiblePlanError
        Capacity not a whole number ≥ 1, or ``n > p × capacity`` (the message
        says what capacity or how many venues would do).

    Examples
    --------
    >>> check_capacity(10, 2, 5)
    >>> check_capacity(10, 2, 4)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    geodata.siting.problem.InfeasiblePlanError: 10 teams to serve but 2 venue(s) ...
    """
    if int(capacity) != capacity or capacity < 1:
        raise InfeasiblePlanError(
            f"capacity must be a whole number of teams ≥ 1, got {capacity!r}."
        )
    if n > p * capacity:
        need_cap = math.ceil(n / p)
        need_p = math.ceil(n / capacity)
        raise InfeasiblePlanError(
            f"{n} teams to serve but {p} venue(s) × {int(capacity)} teams = "
            f"{p * int(capacity)} seats. Raise the capacity to at least {need_cap} "
            f"teams per venue, plan at least {need_p} venues, or serve fewer teams."
        )
