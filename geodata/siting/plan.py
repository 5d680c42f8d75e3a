r"""Where regional meetings go: teams to serve, venue models, plans and invites.

Three location models choose :math:`p` venues among candidate venues
(:mod:`geodata.gazetteer`) for the district / COE teams a planner wants to serve
(:func:`select_teams`):

p-median
    Minimise the weighted mean great-circle distance from each team to its
    nearest chosen venue.
Capacitated p-median
    The same, with at most :math:`C` teams per venue (a room), teams assigned to
    venues by a transportation problem rather than to the nearest venue.
Maximal coverage (MCLP)
    Maximise the weight of teams within a distance (miles) or an estimated drive
    time (minutes) of a chosen venue; ties broken by the p-median objective.

With teams :math:`i \in I` (weight :math:`w_i`, people or 1), candidates
:math:`j \in J`, costs :math:`d_{ij}`, booked venues :math:`B \subseteq J`,
:math:`Y_j = 1` when venue :math:`j` is chosen and :math:`X_{ij} = 1` when team
:math:`i` goes to :math:`j`:

.. math::

   \text{p-median:}\quad
   \min \frac{\sum_i \sum_j w_i d_{ij} X_{ij}}{\sum_i w_i}
   \quad\text{s.t.}\quad \sum_j X_{ij} = 1,\; X_{ij} \le Y_j,\;
   \sum_j Y_j = p,\; Y_b = 1\ (b \in B)

   \text{capacitated:}\quad \text{the same and } \sum_i X_{ij} \le C\,Y_j

   \text{coverage:}\quad \max \sum_i w_i Z_i \quad\text{s.t.}\quad
   Z_i \le \sum_{j : d_{ij} \le R} Y_j,\; \sum_j Y_j = p,\; Y_b = 1

Solvers
-------
``"fast"`` (default; the Plan page)
    Greedy construction, then Teitz-Bart vertex substitution (best swap of one
    chosen venue for one unchosen candidate until no swap improves; each round
    vectorised over all candidates with numpy in about two passes over the
    cost matrix), inside an iterated local search: 2-3 venues of the best plan
    replaced at random (seeded: deterministic) and the substitution run again,
    until 16 restarts in a row find nothing better (at most 63).
    Capacitated: start from the uncapacitated answer; assign teams to venues by
    a min-cost flow (:func:`min_cost_assignment`: successive shortest paths,
    exact, checked against the transportation LP solved by HiGHS through
    ``scipy.optimize.linprog`` in :func:`transport_assignment`); rank swaps by
    the Lagrangian lower bound of the relaxed capacity constraints (the flow's
    seat prices are the optimal duals) and re-solve the assignment only for
    the best-bounded swaps, first improvement, at most 60 assignments.
``"exact"``
    spopt's ``PMedian`` / ``MCLP`` models through PuLP and CBC, with a time
    limit: optimal when CBC finishes, else the best solution found. Tens of
    seconds for ~1,000 teams × 100 candidates; see ``bench/bench_siting.py``.

Capacity counts **teams** (a team takes one table, whatever its weight).
"""

from __future__ import annotations

import itertools
import math
import time
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geodata.distances import (
    KM_PER_MILE,
    CostMatrixError,
    DistanceSource,
    EstimatedDriveTime,
    GreatCircle,
    validate_cost_matrix,
)

__all__ = [
    "MODELS",
    "PRIORITY_LABELS",
    "SERVE_OPTIONS",
    "STATUS_ORDER",
    "ExactSolverError",
    "InfeasiblePlanError",
    "Solution",
    "VenuePlan",
    "compare_plans",
    "export_table",
    "alternatives",
    "min_cost_assignment",
    "plan_for_roster",
    "plan_map",
    "plan_text",
    "select_teams",
    "solve_exact",
    "solve_max_coverage",
    "solve_p_median",
    "transport_assignment",
]

#: Team statuses, best first (a team's status is its best person's status).
STATUS_ORDER: tuple[str, ...] = (
    "attended",
    "registered",
    "waitlisted",
    "applied",
    "cancelled",
)
#: Who a plan can serve (see :func:`select_teams`).
SERVE_OPTIONS: dict[str, str] = {
    "applied-not-attended": "applied to the chosen events but did not attend",
    "registered-incomplete": "registered or attended with fewer than 4 roles",
    "all-network": "every team in the roster at the chosen events",
    "never-attended": "in the roster but never attended any event",
    "all-districts": "every California district and COE (roster not needed)",
}
#: Location models.
MODELS: dict[str, str] = {
    "p-median": "minimise average travel",
    "coverage": "most teams within a distance or drive time",
}
#: Invite priority (lower first).
PRIORITY_LABELS: dict[int, str] = {
    0: "applied, not attended",
    1: "incomplete team",
    2: "complete team",
    3: "not in roster",
}
_TEAM_COLUMNS = [
    "geoid",
    "name",
    "district_type",
    "county",
    "ccsesa_region",
    "lat",
    "lon",
    "location_source",
    "weight",
    "people",
    "team_status",
    "role_completeness",
    "missing_roles",
    "priority",
]
_STARTS = 64
#: Stop the perturbation restarts after this many in a row found nothing better.
_PATIENCE = 16
_CAP_MAX_EVALUATIONS = 60
_CAP_SWAPS_PER_ROUND = 10
_REL_TOL = 1e-10


class InfeasiblePlanError(ValueError):
    """The plan asked for cannot exist (e.g. more teams than seats)."""


class ExactSolverError(RuntimeError):
    """The exact solver (spopt / CBC) found no solution in its time limit."""


# ---------------------------------------------------------------------------
# teams to serve
# ---------------------------------------------------------------------------


def select_teams(
    teams: pd.DataFrame | None,
    reference: pd.DataFrame,
    *,
    serve: str,
    event_ids: Sequence[str] | None = None,
    regions: Iterable[int] | None = None,
    counties: Iterable[str] | None = None,
    district_types: Iterable[str] | None = None,
    weight: str = "people",
    people_per_team: int | None = 4,
) -> pd.DataFrame:
    """The teams a venue plan must serve, located and weighted.

    Parameters
    ----------
    teams : pandas.DataFrame or None
        Teams per event from ``loaders.participation.teams_by_event(matched)``:
        one row per (``geoid``, ``event_id``) with ``team_status``,
        ``n_people``, ``role_completeness`` (0-4) and ``missing_roles``. May be
        None only for ``serve="all-districts"``.
    reference : pandas.DataFrame
        :func:`geodata.boundaries.entity_reference` (``geoid``, ``name``,
        ``district_type``, ``county``, ``ccsesa_region``, ``lat``, ``lon``,
        ``location_source``).
    serve : str
        One of :data:`SERVE_OPTIONS`:

        ``"applied-not-attended"``
            teams with rows at the chosen events whose best status there is not
            ``attended`` (applied, waitlisted, registered no-show, cancelled);
        ``"registered-incomplete"``
            best status ``registered`` or ``attended`` at the chosen events and
            ``role_completeness`` < 4;
        ``"all-network"``
            every team with rows at the chosen events;
        ``"never-attended"``
            teams with rows at the chosen events and no ``attended`` status at
            any event in ``teams``;
        ``"all-districts"``
            every district and COE in ``reference`` (teams found in the roster
            keep their status).
    event_ids : sequence of str, optional
        Events that count (default: every event in ``teams``).
    regions, counties, district_types : iterables, optional
        Keep only teams in these CCSESA regions (int 1-11), counties (names as in
        the reference) or district types (``unified``, ``elementary``,
        ``secondary``, ``coe``).
    weight : {"people", "equal"}
        Weight of a team in the p-median and coverage objectives: the people
        expected, or 1 per team.
    people_per_team : int or None
        People expected per team (default 4, one per role); None uses the
        team's ``n_people`` in the roster (at least 1).

    Returns
    -------
    pandas.DataFrame
        One row per team (``geoid`` unique), ordered by ``geoid``: ``geoid``,
        ``name``, ``district_type``, ``county``, ``ccsesa_region`` (int),
        ``lat``, ``lon`` (WGS84 degrees), ``location_source``, ``weight``
        (float), ``people`` (int), ``team_status`` (best status at the chosen
        events, ``<NA>`` when not in the roster), ``role_completeness``
        (``Int64``), ``missing_roles`` (str), ``priority`` (int, see
        :data:`PRIORITY_LABELS`). May be empty.

    Raises
    ------
    ValueError
        Unknown ``serve`` / ``weight`` / district type, missing columns, none of
        the ``event_ids`` in ``teams``, or a roster team whose ``geoid`` is not
        in ``reference`` (all such geoids listed).
    """
    if serve not in SERVE_OPTIONS:
        raise ValueError(
            f"serve must be one of {', '.join(SERVE_OPTIONS)}; got {serve!r}."
        )
    if weight not in ("people", "equal"):
        raise ValueError(f"weight must be 'people' or 'equal', got {weight!r}.")
    if people_per_team is not None and people_per_team < 1:
        raise ValueError(f"people_per_team must be at least 1, got {people_per_team}.")
    needed_ref = {
        "geoid",
        "name",
        "district_type",
        "county",
        "ccsesa_region",
        "lat",
        "lon",
    }
    missing = needed_ref - set(reference.columns)
    if missing:
        raise ValueError(
            f"reference: columns {sorted(missing)} are missing; pass "
            "geodata.boundaries.entity_reference()."
        )
    ref = reference.drop_duplicates("geoid").set_index("geoid")

    if teams is None:
        if serve != "all-districts":
            raise ValueError(f"serve={serve!r} needs a roster (teams by event).")
        teams = pd.DataFrame(
            {
                "geoid": pd.Series(dtype="string"),
                "event_id": pd.Series(dtype="string"),
                "team_status": pd.Series(dtype="string"),
                "n_people": pd.Series(dtype="int64"),
                "role_completeness": pd.Series(dtype="int64"),
                "missing_roles": pd.Series(dtype="string"),
            }
        )
    needed = {"geoid", "event_id", "team_status"}
    missing = needed - set(teams.columns)
    if missing:
        raise ValueError(
            f"teams: columns {sorted(missing)} are missing; expected "
            "loaders.participation.teams_by_event(matched)."
        )
    frame = teams.copy()
    frame["geoid"] = frame["geoid"].astype("string")
    frame["event_id"] = frame["event_id"].astype("string")
    unknown_status = set(frame["team_status"].dropna()) - set(STATUS_ORDER)
    if unknown_status:
        raise ValueError(
            f"teams: column team_status has unknown values {sorted(unknown_status)}; "
            f"expected {', '.join(STATUS_ORDER)}."
        )
    not_in_ref = sorted(set(frame["geoid"].dropna()) - set(ref.index))
    if not_in_ref:
        raise ValueError(
            f"teams: {len(not_in_ref)} geoid(s) are not districts or COEs in the "
            f"reference ({', '.join(not_in_ref[:10])}); re-run matching."
        )
    rank = {s: i for i, s in enumerate(STATUS_ORDER)}
    frame["_rank"] = frame["team_status"].map(rank).astype("Float64").fillna(99)
    if "role_completeness" not in frame.columns:
        frame["role_completeness"] = pd.NA
    if "missing_roles" not in frame.columns:
        frame["missing_roles"] = ""
    if "n_people" not in frame.columns:
        frame["n_people"] = 1
    ever_attended = set(frame.loc[frame["team_status"] == "attended", "geoid"])

    if event_ids is not None:
        event_ids = [str(e) for e in event_ids]
        present = set(frame["event_id"].dropna())
        if event_ids and not present & set(event_ids) and serve != "all-districts":
            raise ValueError(
                f"no roster rows for event(s) {', '.join(event_ids)}; events in the "
                f"roster: {', '.join(sorted(present)) or 'none'}."
            )
        frame = frame.loc[frame["event_id"].isin(event_ids)]
    frame = frame.assign(
        _neg_complete=-pd.to_numeric(frame["role_completeness"], errors="coerce")
        .fillna(-1)
        .astype(float),
        _neg_people=-pd.to_numeric(frame["n_people"], errors="coerce")
        .fillna(0)
        .astype(float),
    )
    best = frame.sort_values(
        ["geoid", "_rank", "_neg_complete", "_neg_people", "event_id"], kind="stable"
    ).drop_duplicates("geoid", keep="first")

    status = best["team_status"].astype("string")
    complete = pd.to_numeric(best["role_completeness"], errors="coerce")
    if serve == "applied-not-attended":
        keep = status.ne("attended").fillna(False)
    elif serve == "registered-incomplete":
        keep = status.isin(["registered", "attended"]) & complete.lt(4).fillna(True)
    elif serve == "never-attended":
        keep = ~best["geoid"].isin(ever_attended)
    else:
        keep = pd.Series(True, index=best.index)
    best = best.loc[keep.to_numpy(bool)]

    if serve == "all-districts":
        geoids = pd.Index(ref.index.astype("string"))
    else:
        geoids = pd.Index(best["geoid"].astype("string"))
    out = ref.loc[geoids].reset_index()
    out["geoid"] = out["geoid"].astype("string")
    by_geoid = best.set_index("geoid")
    out["team_status"] = out["geoid"].map(by_geoid["team_status"]).astype("string")
    out["role_completeness"] = pd.array(
        pd.to_numeric(out["geoid"].map(by_geoid["role_completeness"]), errors="coerce"),
        dtype="Int64",
    )
    out["missing_roles"] = (
        out["geoid"].map(by_geoid["missing_roles"]).astype("string").fillna("")
    )
    n_people = pd.to_numeric(out["geoid"].map(by_geoid["n_people"]), errors="coerce")
    if people_per_team is None:
        people = n_people.fillna(1).clip(lower=1).astype(int)
    else:
        people = pd.Series(int(people_per_team), index=out.index)
    out["people"] = people.to_numpy(int)
    out["weight"] = out["people"].astype(float) if weight == "people" else 1.0
    in_roster = out["team_status"].notna()
    not_attended = in_roster & out["team_status"].ne("attended").fillna(False)
    incomplete = in_roster & out["role_completeness"].lt(4).fillna(True)
    out["priority"] = np.select(
        [
            not_attended.to_numpy(bool),
            incomplete.to_numpy(bool),
            in_roster.to_numpy(bool),
        ],
        [0, 1, 2],
        default=3,
    ).astype(int)

    if regions is not None:
        regions = {int(r) for r in regions}
        out = out.loc[out["ccsesa_region"].astype(int).isin(regions)]
    if counties is not None:
        wanted = {str(c).strip().casefold().removesuffix(" county") for c in counties}
        out = out.loc[out["county"].str.casefold().isin(wanted).fillna(False)]
    if district_types is not None:
        types = set(district_types)
        bad = types - {"unified", "elementary", "secondary", "coe"}
        if bad:
            raise ValueError(
                f"unknown district type(s) {sorted(bad)}; use unified, elementary, "
                "secondary or coe."
            )
        out = out.loc[out["district_type"].isin(types)]
    if "location_source" not in out.columns:
        out["location_source"] = pd.NA
    out["ccsesa_region"] = out["ccsesa_region"].astype(int)
    out = out[_TEAM_COLUMNS].sort_values("geoid", ignore_index=True)
    for col in ("geoid", "name", "district_type", "county", "location_source"):
        out[col] = out[col].astype("string")
    return out


# ---------------------------------------------------------------------------
# solvers on a cost matrix
# ---------------------------------------------------------------------------


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


def _check_inputs(cost, weights, p: int, fixed) -> tuple[np.ndarray, np.ndarray, list]:
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


def _nearest(cost: np.ndarray, open_: Sequence[int]) -> np.ndarray:
    open_ = np.asarray(open_, dtype=np.int64)
    return open_[np.argmin(cost[:, open_], axis=1)]


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
    cost, w, fixed = _check_inputs(cost, weights, p, fixed)
    n, m = cost.shape
    if capacity is not None:
        _check_capacity(n, p, capacity)

    def improve(init):
        return _interchange(cost, w, init, fixed)

    init = _greedy(cost, w, p, fixed)
    chosen, total, rounds = _multi_start(init, improve, m, p, fixed, starts, seed)
    method = "greedy + vertex substitution (Teitz-Bart)"
    if capacity is None or n <= capacity:
        open_ = np.array(sorted(chosen), dtype=np.int64)
        return Solution(
            open=open_,
            assign=_nearest(cost, open_),
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
        method=method + "; min-cost flow assignment with Lagrangian swap bounds",
        seconds=time.perf_counter() - t0,
        evaluations=evals,
    )


def _check_capacity(n: int, p: int, capacity) -> None:
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


def transport_assignment(
    cost, capacity: int, weights=None
) -> tuple[np.ndarray, float, np.ndarray]:
    """Optimal assignment of teams to open venues with at most ``capacity`` each.

    The transportation problem ``min sum_ij w_i c_ij x_ij`` s.t. every team
    assigned once and ``sum_i x_ij <= capacity``, solved as a linear program with
    HiGHS (``scipy.optimize.linprog(method="highs")``). The constraint matrix is
    totally unimodular, so the vertex solution HiGHS returns is 0/1 (should it
    ever return a fractional optimum, the assignment is re-solved exactly with
    ``scipy.optimize.linear_sum_assignment`` on one column per seat).

    Parameters
    ----------
    cost : array-like of shape (n, k)
        Cost from each team to each of the ``k`` open venues.
    capacity : int
        Maximum teams per venue.
    weights : array-like of shape (n,), optional
        Team weights multiplying the cost (default 1).

    Returns
    -------
    assign : numpy.ndarray
        Column (0..k-1) each team goes to, int64, shape ``(n,)``.
    total : float
        ``sum_i w_i c_{i, assign_i}``.
    prices : numpy.ndarray
        Shape ``(k,)``, ≥ 0: the LP duals of the capacity constraints (how much
        the total would fall per extra seat at each venue).

    Raises
    ------
    InfeasiblePlanError
        If ``n > k × capacity``.
    """
    from scipy import sparse
    from scipy.optimize import linprog

    c = validate_cost_matrix(cost, name="assignment cost matrix")
    n, k = c.shape
    _check_capacity(n, k, capacity)
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    wc = c * w[:, None]
    a_eq = sparse.kron(sparse.eye(n, format="csr"), np.ones((1, k)), format="csr")
    a_ub = sparse.kron(np.ones((1, n)), sparse.eye(k, format="csr"), format="csr")
    res = linprog(
        wc.ravel(),
        A_ub=a_ub,
        b_ub=np.full(k, float(capacity)),
        A_eq=a_eq,
        b_eq=np.ones(n),
        bounds=(0, 1),
        method="highs",
    )
    if res.status != 0:  # pragma: no cover - feasibility checked above
        raise InfeasiblePlanError(f"the assignment LP failed: {res.message}")
    x = res.x.reshape(n, k)
    assign = np.argmax(x, axis=1).astype(np.int64)
    prices = np.maximum(-np.asarray(res.ineqlin.marginals, dtype=float), 0.0)
    if not np.all(x[np.arange(n), assign] > 1 - 1e-6):  # pragma: no cover
        # A non-vertex optimum (ties): an assignment on expanded seats is exact.
        from scipy.optimize import linear_sum_assignment

        seats = np.repeat(np.arange(k), int(min(capacity, n)))
        rows, cols = linear_sum_assignment(wc[:, seats])
        assign = np.empty(n, dtype=np.int64)
        assign[rows] = seats[cols]
    total = float(wc[np.arange(n), assign].sum())
    return assign, total, prices


def min_cost_assignment(
    cost, capacity: int, weights=None
) -> tuple[np.ndarray, float, np.ndarray]:
    """Optimal assignment of teams to open venues, at most ``capacity`` each.

    The same transportation problem as :func:`transport_assignment`, solved as
    a min-cost flow by successive shortest paths: every team starts at its
    nearest venue, then one team at a time leaves an over-full venue along the
    cheapest chain of moves (venue graph with ``k`` nodes, arc ``j -> l`` = the
    cheapest move of a team at ``j`` to ``l``; Bellman-Ford) that ends at a
    venue with a free seat. Each step keeps the assignment optimal for the
    current loads, so the last one is optimal. Cost ``O(excess × n × k)``; about
    10× faster than the LP for 1,000 teams and 8 venues. Falls back to the LP
    should floating-point ties ever make the chain search loop.

    Parameters
    ----------
    cost : array-like of shape (n, k)
        Cost from each team to each open venue.
    capacity : int
        Maximum teams per venue.
    weights : array-like of shape (n,), optional
        Team weights multiplying the cost (default 1).

    Returns
    -------
    assign : numpy.ndarray
        Column (0..k-1) per team, int64.
    total : float
        ``sum_i w_i c_{i, assign_i}``.
    prices : numpy.ndarray
        Shape ``(k,)``, ≥ 0: seat prices (optimal duals of the capacity
        constraints) from the final shortest-path labels.

    Raises
    ------
    InfeasiblePlanError
        If ``n > k × capacity``.
    """
    c = validate_cost_matrix(cost, name="assignment cost matrix")
    n, k = c.shape
    _check_capacity(n, k, capacity)
    if weights is not None:
        c = c * np.asarray(weights, dtype=float)[:, None]
    rows = np.arange(n)
    col = np.argmin(c, axis=1).astype(np.int64)
    load = np.bincount(col, minlength=k)
    venues = np.arange(k)

    def venue_graph():
        diff = c - c[rows, col][:, None]
        delta = np.full((k, k), np.inf)
        who = np.zeros((k, k), dtype=np.int64)
        order = np.argsort(col, kind="stable")
        edges = np.searchsorted(col[order], np.arange(k + 1))
        for j in range(k):
            idx = order[edges[j] : edges[j + 1]]
            if idx.size:
                best = np.argmin(diff[idx], axis=0)
                delta[j] = diff[idx][best, venues]
                who[j] = idx[best]
        np.fill_diagonal(delta, np.inf)
        return delta, who

    moves = 0
    while (load > capacity).any():
        moves += 1
        if moves > 2 * n + k:  # pragma: no cover - defensive
            return transport_assignment(cost, capacity, weights)
        delta, who = venue_graph()
        dist = np.where(load > capacity, 0.0, np.inf)
        pred = np.full(k, -1, dtype=np.int64)
        for _ in range(k):
            via = dist[:, None] + delta
            src = np.argmin(via, axis=0)
            new = via[src, venues]
            better = new < dist - 1e-12 * (1.0 + np.abs(new))
            if not better.any():
                break
            dist[better] = new[better]
            pred[better] = src[better]
        spare = np.flatnonzero(load < capacity)
        end = int(spare[np.argmin(dist[spare])])
        path = [end]
        while pred[path[-1]] >= 0 and len(path) <= k:
            path.append(int(pred[path[-1]]))
        if len(path) > k or load[path[-1]] <= capacity:  # pragma: no cover
            return transport_assignment(cost, capacity, weights)
        path.reverse()
        for src, dst in itertools.pairwise(path):
            col[who[src, dst]] = dst
        load[path[0]] -= 1
        load[path[-1]] += 1
    # seat prices: shortest distance from each venue to a venue with a free seat
    delta, _ = venue_graph()
    spare = load < capacity
    dist = np.where(spare, 0.0, np.inf) if spare.any() else np.zeros(k)
    for _ in range(k):
        new = np.minimum(dist, (delta + dist[None, :]).min(axis=1))
        if np.array_equal(new, dist):
            break
        dist = new
    prices = np.clip(dist - (0.0 if spare.any() else dist.min()), 0.0, None)
    prices[~np.isfinite(prices)] = 0.0
    total = float(c[rows, col].sum())
    return col, total, prices


def _capacitated_search(cost, w, chosen, fixed, capacity):
    """Swap search for the capacitated p-median (Lagrangian-bounded)."""
    n, _m = cost.shape
    fixed = set(fixed)
    wc = cost * w[:, None]
    chosen = list(chosen)
    col, total, prices = min_cost_assignment(cost[:, chosen], capacity, w)
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
            t_col, t_total, t_prices = min_cost_assignment(cost[:, trial], capacity, w)
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
    cost, w, fixed = _check_inputs(cost, weights, p, fixed)
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

    chosen, _, rounds_total = _multi_start(greedy(), improve, m, p, fixed, starts, seed)
    open_ = np.array(sorted(chosen), dtype=np.int64)
    assign = _nearest(cost, open_)
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
    import pulp
    from spopt.locate import MCLP, PMedian

    t0 = time.perf_counter()
    cost, w, fixed = _check_inputs(cost, weights, p, fixed)
    n, m = cost.shape
    if model not in MODELS:
        raise ValueError(f"model must be one of {', '.join(MODELS)}, got {model!r}.")
    predefined = None
    if fixed:
        predefined = np.zeros(m, dtype=int)
        predefined[fixed] = 1
    if model == "p-median" and capacity is not None:
        _check_capacity(n, p, capacity)
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
        col, total, _ = min_cost_assignment(cost[:, open_], int(capacity), w)
        assign = open_[col]
        objective = total
    else:
        assign = _nearest(cost, open_)
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


# ---------------------------------------------------------------------------
# the plan
# ---------------------------------------------------------------------------


def _weighted_quantile(values: np.ndarray, q: float) -> float:
    if values.size == 0:
        return float("nan")
    return float(np.quantile(values, q, method="linear"))


class VenuePlan:
    r"""A venue plan: who is served, where they meet, how far they travel.

    Built with :meth:`from_teams` (or :meth:`from_dict` for a saved plan), then
    :meth:`solve` returns the plan itself with the results as attributes, in
    spopt's style.

    Models (see the module docstring for the mathematics): ``"p-median"``
    (with ``capacity``: the capacitated p-median) and ``"coverage"`` (maximal
    coverage within ``radius`` miles or minutes).

    Attributes (after :meth:`solve`)
    --------------------------------
    open_ : numpy.ndarray
        Indices of the chosen candidates (int64, ascending).
    assign_ : numpy.ndarray
        Candidate index per team (int64, shape (n,)).
    fac2cli, cli2fac : list of list of int
        spopt's team lists per candidate and candidate lists per team.
    venues : list of str
        Names of the chosen venues (booked first, then by teams served).
    objective : float
        p-median: weighted mean distance (:attr:`objective_units`); coverage:
        covered weight (people or teams).
    objective_units : str
    solution : Solution
        Raw solver result (method, optimal, seconds, note).
    """

    def __init__(
        self,
        teams: pd.DataFrame,
        candidates: pd.DataFrame,
        *,
        p: int,
        model: str = "p-median",
        capacity: int | None = None,
        radius: float | None = None,
        radius_units: str = "miles",
        booked: Sequence[str] = (),
        distance: DistanceSource | None = None,
        travel_time: DistanceSource | None = None,
        solver: str = "fast",
        time_limit: float = 60.0,
        selection: dict | None = None,
        label: str = "",
    ) -> None:
        self.teams = teams
        self.candidates = candidates
        self.p = int(p)
        self.model = model
        self.capacity = None if capacity is None else int(capacity)
        self.radius = None if radius is None else float(radius)
        self.radius_units = radius_units
        self.booked = list(booked)
        self.distance = distance or GreatCircle("miles")
        self.travel_time = travel_time or EstimatedDriveTime()
        self.solver = solver
        self.time_limit = float(time_limit)
        self.selection = dict(selection or {})
        self.label = label
        self.solution: Solution | None = None

    # -- construction -------------------------------------------------------

    @classmethod
    def from_teams(
        cls,
        teams: pd.DataFrame,
        candidates: pd.DataFrame,
        *,
        p: int,
        model: str = "p-median",
        capacity: int | None = None,
        radius: float | None = None,
        radius_units: str = "miles",
        booked: Sequence[str] = (),
        distance: DistanceSource | None = None,
        travel_time: DistanceSource | None = None,
        solver: str = "fast",
        time_limit: float = 60.0,
        selection: dict | None = None,
        label: str = "",
    ) -> VenuePlan:
        """Build a plan for the teams of :func:`select_teams`.

        Parameters
        ----------
        teams : pandas.DataFrame
            Output of :func:`select_teams` (at least ``geoid``, ``name``,
            ``lat``, ``lon``, ``weight``; ``people``, ``ccsesa_region``,
            ``priority``, ``missing_roles``... are used when present).
        candidates : pandas.DataFrame
            Candidate venues (``name`` unique, ``lat``, ``lon``), e.g.
            :func:`geodata.gazetteer.candidate_venues`.
        p : int
            Number of meetings, 1 ≤ p ≤ number of candidates.
        model : {"p-median", "coverage"}
        capacity : int, optional
            Maximum teams per venue (p-median only).
        radius : float, optional
            Coverage radius (coverage only), in ``radius_units``.
        radius_units : {"miles", "minutes"}
            Great-circle miles or estimated drive minutes.
        booked : sequence of str
            Candidate names always in the solution (case-insensitive).
        distance : DistanceSource, optional
            Source of the p-median cost (default :class:`GreatCircle` miles).
        travel_time : DistanceSource, optional
            Source of drive minutes (default :class:`EstimatedDriveTime`).
        solver : {"fast", "exact"}
        time_limit : float
            Seconds for the exact solver.
        selection : dict, optional
            Who was selected and how (stored in :meth:`to_dict`).
        label : str
            Scenario label.

        Raises
        ------
        ValueError
            No teams, missing columns, duplicate team or candidate names,
            unknown model / solver / booked venue, bad radius / capacity
            combination. :class:`InfeasiblePlanError` (a ValueError) when the
            plan cannot exist.
        geodata.distances.CostMatrixError
            Bad coordinates or weights.
        """
        plan = cls(
            teams,
            candidates,
            p=p,
            model=model,
            capacity=capacity,
            radius=radius,
            radius_units=radius_units,
            booked=booked,
            distance=distance,
            travel_time=travel_time,
            solver=solver,
            time_limit=time_limit,
            selection=selection,
            label=label,
        )
        plan._prepare()
        return plan

    def _prepare(self) -> None:
        teams, cands = self.teams, self.candidates
        if teams is None or len(teams) == 0:
            raise InfeasiblePlanError(
                "No teams to serve with this selection; widen who to serve (status, "
                "events, regions, counties, district types)."
            )
        missing = {"geoid", "name", "lat", "lon", "weight"} - set(teams.columns)
        if missing:
            raise ValueError(
                f"teams: columns {sorted(missing)} are missing; use select_teams()."
            )
        dup = teams["geoid"].duplicated()
        if dup.any():
            raise ValueError(
                f"teams: geoid {teams['geoid'][dup].iloc[0]} appears more than once."
            )
        missing = {"name", "lat", "lon"} - set(cands.columns)
        if missing:
            raise ValueError(
                f"candidates: columns {sorted(missing)} are missing (name, lat, lon)."
            )
        if len(cands) == 0:
            raise InfeasiblePlanError("No candidate venues to choose from.")
        names = cands["name"].astype(str)
        dup = names.duplicated()
        if dup.any():
            raise ValueError(
                f"candidates: venue name {names[dup].iloc[0]!r} appears more than "
                "once; names must be unique."
            )
        if self.model not in MODELS:
            raise ValueError(
                f"model must be one of {', '.join(MODELS)}, got {self.model!r}."
            )
        if self.solver not in ("fast", "exact"):
            raise ValueError(f"solver must be 'fast' or 'exact', got {self.solver!r}.")
        if self.model == "coverage":
            if self.capacity is not None:
                raise ValueError(
                    "capacity applies to the p-median model; maximal coverage has "
                    "no room limit."
                )
            if self.radius is None or not self.radius > 0:
                raise ValueError("maximal coverage needs a positive radius.")
            if self.radius_units not in ("miles", "minutes"):
                raise ValueError(
                    f"radius_units must be 'miles' or 'minutes', got "
                    f"{self.radius_units!r}."
                )
        if self.distance.units not in ("miles", "km"):
            raise ValueError(
                f"distance source must give miles or km, not {self.distance.units!r}."
            )
        self.teams = teams.reset_index(drop=True)
        self.candidates = cands.reset_index(drop=True)
        self._names = self.candidates["name"].astype(str).tolist()
        lookup = {n.casefold(): i for i, n in enumerate(self._names)}
        fixed = []
        for b in self.booked:
            i = lookup.get(str(b).strip().casefold())
            if i is None:
                raise ValueError(
                    f"booked venue {b!r} is not among the candidates; add it as a "
                    "venue first (city name or coordinates)."
                )
            fixed.append(i)
        self._fixed = list(dict.fromkeys(fixed))
        if len(self._fixed) > self.p:
            raise InfeasiblePlanError(
                f"{len(self._fixed)} venues are booked but only {self.p} meetings "
                "are planned."
            )
        if not 1 <= self.p <= len(self._names):
            raise InfeasiblePlanError(
                f"number of meetings must be between 1 and {len(self._names)} "
                f"(the candidates); got {self.p}."
            )
        if self.capacity is not None:
            _check_capacity(len(self.teams), self.p, self.capacity)
        self.weights = pd.to_numeric(self.teams["weight"], errors="coerce").to_numpy(
            float
        )
        dist = self.distance.cost_matrix(self.teams, self.candidates)
        self.cost = validate_cost_matrix(
            dist, len(self.teams), len(self._names), name="distance matrix"
        )
        self.miles = (
            self.cost if self.distance.units == "miles" else (self.cost / KM_PER_MILE)
        )
        minutes = self.travel_time.cost_matrix(self.teams, self.candidates)
        self.minutes = validate_cost_matrix(
            minutes, len(self.teams), len(self._names), name="drive-time matrix"
        )
        # weights validated by the solver; check early for a clear message
        _check_inputs(self.cost[:, :1], self.weights, 1, ())

    @property
    def weight_label(self) -> str:
        """``"people"`` when weights are people, ``"teams"`` when all 1."""
        if "people" in self.teams.columns and np.allclose(
            self.weights, pd.to_numeric(self.teams["people"]).to_numpy(float)
        ):
            return "people"
        if np.allclose(self.weights, 1.0):
            return "teams"
        return "weight"

    @property
    def objective_units(self) -> str:
        """Units of :attr:`objective`."""
        if self.model == "coverage":
            unit = (
                "minutes' estimated drive"
                if self.radius_units == "minutes"
                else ("great-circle miles")
            )
            return f"{self.weight_label} within {self.radius:g} {unit}"
        per = "person" if self.weight_label == "people" else "team"
        return f"{self.distance.units}, mean per {per} to the assigned venue"

    # -- solving --------------------------------------------------------------

    def solve(self) -> VenuePlan:
        """Solve the model; returns ``self`` with results as attributes.

        Raises
        ------
        InfeasiblePlanError
            More teams than seats, more bookings than meetings.
        ExactSolverError
            ``solver="exact"`` and CBC found nothing within the time limit.
        """
        if not hasattr(self, "cost"):
            self._prepare()
        if self.model == "coverage":
            matrix = self.minutes if self.radius_units == "minutes" else self.miles
            if self.solver == "exact":
                sol = solve_exact(
                    matrix,
                    self.weights,
                    self.p,
                    model="coverage",
                    fixed=self._fixed,
                    radius=self.radius,
                    time_limit=self.time_limit,
                )
            else:
                sol = solve_max_coverage(
                    matrix, self.weights, self.p, self.radius, fixed=self._fixed
                )
            # teams go to the nearest chosen venue in miles
            sol.assign = _nearest(self.miles, sol.open)
        elif self.solver == "exact":
            sol = solve_exact(
                self.cost,
                self.weights,
                self.p,
                fixed=self._fixed,
                capacity=self.capacity,
                time_limit=self.time_limit,
            )
            if not sol.optimal:
                fast = solve_p_median(
                    self.cost,
                    self.weights,
                    self.p,
                    fixed=self._fixed,
                    capacity=self.capacity,
                )
                if fast.objective < sol.objective:
                    fast.note = (
                        sol.note + "; the fast solver's plan was better and is kept"
                    )
                    sol = fast
        else:
            sol = solve_p_median(
                self.cost,
                self.weights,
                self.p,
                fixed=self._fixed,
                capacity=self.capacity,
            )
        self._set_solution(sol)
        return self

    def _set_solution(self, sol: Solution) -> None:
        self.solution = sol
        self.open_ = np.asarray(sol.open, dtype=np.int64)
        self.assign_ = np.asarray(sol.assign, dtype=np.int64)
        m = len(self._names)
        self.fac2cli = [[] for _ in range(m)]
        for i, j in enumerate(self.assign_):
            self.fac2cli[int(j)].append(i)
        self.cli2fac = [[int(j)] for j in self.assign_]
        rows = np.arange(len(self.teams))
        self.team_miles = self.miles[rows, self.assign_]
        self.team_minutes = self.minutes[rows, self.assign_]
        wsum = float(self.weights.sum())
        cost = self.cost[rows, self.assign_]
        self.mean_distance = float(self.weights @ cost / wsum) if wsum else 0.0
        if self.model == "coverage":
            self.objective = float(sol.objective)
        else:
            self.objective = self.mean_distance
        counts = np.bincount(self.assign_, minlength=m)
        booked = set(self._fixed)
        self.venues = [
            self._names[j]
            for j in sorted(
                self.open_.tolist(), key=lambda j: (j not in booked, -counts[j], j)
            )
        ]

    def _require_solved(self) -> None:
        if self.solution is None:
            raise RuntimeError("call solve() first")

    # -- tables -----------------------------------------------------------------

    def team_table(self) -> pd.DataFrame:
        """One row per team served, with its venue and travel.

        Returns
        -------
        pandas.DataFrame
            The team columns given plus ``venue`` (str), ``miles``, ``km``
            (great-circle, or the distance source's), ``minutes`` (estimated
            drive), ``priority_label`` (str); ordered as the teams.
        """
        self._require_solved()
        out = self.teams.copy()
        out["venue"] = pd.array([self._names[j] for j in self.assign_], dtype="string")
        out["miles"] = self.team_miles
        out["km"] = self.team_miles * KM_PER_MILE
        out["minutes"] = self.team_minutes
        if "priority" in out.columns:
            out["priority_label"] = (
                out["priority"].map(PRIORITY_LABELS).astype("string")
            )
        return out

    def _stats(self, idx: np.ndarray) -> dict:
        miles = self.team_miles[idx]
        minutes = self.team_minutes[idx]
        people = (
            pd.to_numeric(self.teams["people"]).to_numpy(float)[idx]
            if "people" in self.teams.columns
            else np.ones(len(idx))
        )
        if len(idx) == 0:
            nan = float("nan")
            return {
                "teams": 0,
                "people": 0,
                "mean_miles": nan,
                "p90_miles": nan,
                "max_miles": nan,
                "mean_minutes": nan,
                "max_minutes": nan,
                "share_within_1h": nan,
                "share_within_2h": nan,
            }
        return {
            "teams": len(idx),
            "people": int(people.sum()),
            "mean_miles": float(miles.mean()),
            "p90_miles": _weighted_quantile(miles, 0.9),
            "max_miles": float(miles.max()),
            "mean_minutes": float(minutes.mean()),
            "max_minutes": float(minutes.max()),
            "share_within_1h": float((minutes <= 60).mean()),
            "share_within_2h": float((minutes <= 120).mean()),
        }

    def venue_table(self) -> pd.DataFrame:
        """One row per chosen venue.

        Returns
        -------
        pandas.DataFrame
            ``venue``, ``lat``, ``lon``, ``source``, ``booked`` (bool),
            ``teams``, ``people`` (int), ``mean_miles``, ``p90_miles``,
            ``max_miles``, ``mean_minutes``, ``max_minutes`` (estimated drive),
            ``share_within_1h``, ``share_within_2h`` (0-1 of the venue's teams),
            ``capacity`` (Int64, when set). Statistics are per team; ordered as
            :attr:`venues`.
        """
        self._require_solved()
        index = {n: i for i, n in enumerate(self._names)}
        rows = []
        for name in self.venues:
            j = index[name]
            idx = np.flatnonzero(self.assign_ == j)
            cand = self.candidates.iloc[j]
            rows.append(
                dict(
                    venue=name,
                    lat=float(cand["lat"]),
                    lon=float(cand["lon"]),
                    source=str(cand.get("source", "") or ""),
                    booked=j in self._fixed,
                    **self._stats(idx),
                )
            )
        out = pd.DataFrame(rows)
        out["venue"] = out["venue"].astype("string")
        out["source"] = out["source"].astype("string")
        if self.capacity is not None:
            out["capacity"] = pd.array([self.capacity] * len(out), dtype="Int64")
        return out

    def region_table(self) -> pd.DataFrame:
        """One row per CCSESA region with teams served.

        Returns
        -------
        pandas.DataFrame
            ``ccsesa_region`` (int), the statistics of :meth:`venue_table`
            and ``venues`` (str: ``"Fresno (12); Bakersfield (3)"``, teams of the
            region per venue). Empty when teams carry no region.
        """
        self._require_solved()
        if "ccsesa_region" not in self.teams.columns:
            return pd.DataFrame(columns=["ccsesa_region", "teams"])
        regions = self.teams["ccsesa_region"].astype(int).to_numpy()
        rows = []
        for r in sorted(set(regions.tolist())):
            idx = np.flatnonzero(regions == r)
            counts = pd.Series([self._names[j] for j in self.assign_[idx]])
            counts = counts.value_counts(sort=False)
            counts = counts.sort_values(ascending=False, kind="stable")
            rows.append(
                dict(
                    ccsesa_region=int(r),
                    **self._stats(idx),
                    venues="; ".join(f"{v} ({c})" for v, c in counts.items()),
                )
            )
        out = pd.DataFrame(rows)
        out["venues"] = out["venues"].astype("string")
        return out

    def invite_list(
        self,
        contacts: pd.DataFrame | None = None,
        *,
        include_contacts: bool = False,
    ) -> pd.DataFrame:
        """Teams to invite per venue, in priority order.

        Order: venue (as :attr:`venues`), then priority (applied but not
        attended first, then incomplete teams, then the rest), then distance.

        Parameters
        ----------
        contacts : pandas.DataFrame, optional
            Matched roster (``geoid``, ``role``, ``person_name``, ``email``).
            Used only with ``include_contacts=True``.
        include_contacts : bool
            Add a ``contacts`` column (``"role: name <email>"``, ``"; "``-joined).
            Off by default: the list carries no personal data.

        Returns
        -------
        pandas.DataFrame
            ``venue``, ``rank`` (1-based within the venue), ``geoid``, ``name``,
            ``district_type``, ``county``, ``ccsesa_region``, ``team_status``,
            ``priority`` (label), ``role_completeness``, ``missing_roles``,
            ``miles``, ``minutes`` (rounded to 0.1), and ``contacts`` when asked.
        """
        table = self.team_table()
        order = {v: i for i, v in enumerate(self.venues)}
        table["_venue_order"] = table["venue"].map(order).astype(int)
        if "priority" not in table.columns:
            table["priority"] = 2
        table = table.sort_values(
            ["_venue_order", "priority", "miles", "geoid"], kind="stable"
        )
        table["rank"] = table.groupby("_venue_order").cumcount() + 1
        keep = [
            "venue",
            "rank",
            "geoid",
            "name",
            "district_type",
            "county",
            "ccsesa_region",
            "team_status",
            "priority",
            "role_completeness",
            "missing_roles",
            "miles",
            "minutes",
        ]
        for col in keep:
            if col not in table.columns:
                table[col] = pd.NA
        out = table[keep].reset_index(drop=True)
        out["priority"] = out["priority"].map(PRIORITY_LABELS).astype("string")
        out["miles"] = out["miles"].astype(float).round(1)
        out["minutes"] = out["minutes"].astype(float).round(0)
        if include_contacts:
            if contacts is None:
                raise ValueError("include_contacts=True needs the matched roster.")
            needed = {"geoid", "role", "person_name", "email"} - set(contacts.columns)
            if needed:
                raise ValueError(
                    f"contacts: columns {sorted(needed)} are missing (matched roster)."
                )
            people = contacts.dropna(subset=["geoid"])
            email = people["email"].fillna("").astype(str).str.strip()
            text = (
                people["role"].fillna("").astype(str)
                + ": "
                + people["person_name"].fillna("").astype(str)
                + (" <" + email + ">").where(email != "", "")  # no empty "<>"
            )
            joined = (
                pd.DataFrame({"geoid": people["geoid"].astype(str), "t": text})
                .drop_duplicates()
                .groupby("geoid", sort=False)["t"]
                .agg("; ".join)
            )
            out["contacts"] = (
                out["geoid"].astype(str).map(joined).fillna("").astype("string")
            )
        return out

    # -- serialisation ---------------------------------------------------------

    def to_dict(self) -> dict:
        """The plan as JSON-serialisable data (the ``plan.json`` layout).

        Returns
        -------
        dict
            ``format``, ``label``, ``model`` (``"p-median"``,
            ``"capacitated p-median"`` or ``"coverage"``), ``p``, ``capacity``,
            ``radius``, ``radius_units``, ``objective``, ``objective_units``,
            ``mean_miles``, ``solver`` (method, optimal, seconds, note),
            ``distance`` (how costs were computed), ``selection``, ``booked``,
            ``candidates`` (every candidate: ``name``, ``lat``, ``lon``,
            ``source``, ``booked``, ``chosen``), ``teams`` (every team served:
            ``geoid``, ``name``, ``lat``, ``lon``, ``weight``, ``people``,
            ``venue``, ``miles``, ``minutes`` and the selection columns),
            ``venues`` (chosen, :meth:`venue_table`) and ``regions``. No personal
            data.
        """
        self._require_solved()
        sol = self.solution
        chosen = set(self.open_.tolist())
        cands = []
        for j, row in self.candidates.iterrows():
            cands.append(
                {
                    "name": str(row["name"]),
                    "lat": float(row["lat"]),
                    "lon": float(row["lon"]),
                    "source": _jsonable(row.get("source", None)),
                    "population": _jsonable(row.get("population", None)),
                    "booked": j in self._fixed,
                    "chosen": j in chosen,
                }
            )
        teams = self.team_table()
        keep = [
            c
            for c in [
                "geoid",
                "name",
                "lat",
                "lon",
                "weight",
                "people",
                "venue",
                "miles",
                "minutes",
                "district_type",
                "county",
                "ccsesa_region",
                "location_source",
                "team_status",
                "role_completeness",
                "missing_roles",
                "priority",
            ]
            if c in teams.columns
        ]
        model = self.model
        if model == "p-median" and self.capacity is not None:
            model = "capacitated p-median"
        travel = self.travel_time
        return {
            "format": "lmi-venue-plan/1",
            "label": self.label,
            "model": model,
            "p": self.p,
            "capacity": self.capacity,
            "radius": self.radius,
            "radius_units": self.radius_units if self.model == "coverage" else None,
            "objective": _jsonable(self.objective),
            "objective_units": self.objective_units,
            "mean_miles": _jsonable(
                float(self.team_miles @ self.weights / max(self.weights.sum(), 1e-300))
            ),
            "solver": {
                "method": sol.method,
                "optimal": sol.optimal,
                "seconds": round(float(sol.seconds), 4),
                "note": sol.note,
            },
            "distance": {
                "objective": getattr(
                    self.distance, "describe", lambda: repr(self.distance)
                )(),
                "travel_time": getattr(travel, "describe", lambda: repr(travel))(),
                "circuity": getattr(travel, "circuity", None),
                "speed_mph": getattr(travel, "speed_mph", None),
            },
            "selection": _jsonable(self.selection),
            "booked": [self._names[j] for j in self._fixed],
            "candidates": cands,
            "teams": [_jsonable(r) for r in teams[keep].to_dict("records")],
            "venues": [
                _jsonable({"name": r.pop("venue"), **r})
                for r in self.venue_table().to_dict("records")
            ],
            "regions": [_jsonable(r) for r in self.region_table().to_dict("records")],
        }

    @classmethod
    def from_dict(cls, payload: dict) -> VenuePlan:
        """Rebuild a solved plan from :meth:`to_dict` output (no re-solving).

        Raises
        ------
        ValueError
            If the payload lacks the plan fields or a team's venue is not a
            candidate.
        """
        for key in ("model", "p", "candidates", "teams"):
            if key not in payload:
                raise ValueError(f"saved plan: field {key!r} is missing.")
        model = payload["model"]
        if model == "capacitated p-median":
            model = "p-median"
        cands = pd.DataFrame(payload["candidates"])
        teams = pd.DataFrame(payload["teams"])
        venue = teams.pop("venue").astype(str) if "venue" in teams else None
        teams = teams.drop(columns=["miles", "minutes"], errors="ignore")
        for col in (
            "geoid",
            "name",
            "district_type",
            "county",
            "location_source",
            "team_status",
            "missing_roles",
        ):
            if col in teams.columns:
                teams[col] = teams[col].astype("string")
        if "role_completeness" in teams.columns:
            teams["role_completeness"] = pd.array(
                pd.to_numeric(teams["role_completeness"]), dtype="Int64"
            )
        plan = cls.from_teams(
            teams,
            cands,
            p=int(payload["p"]),
            model=model,
            capacity=payload.get("capacity"),
            radius=payload.get("radius"),
            radius_units=payload.get("radius_units") or "miles",
            booked=payload.get("booked", ()),
            selection=payload.get("selection"),
            label=payload.get("label", ""),
        )
        if venue is None:
            return plan.solve()
        index = {n: i for i, n in enumerate(plan._names)}
        unknown = sorted(set(venue) - set(index))
        if unknown:
            raise ValueError(f"saved plan: venue {unknown[0]!r} is not a candidate.")
        assign = venue.map(index).to_numpy(np.int64)
        open_ = np.array(sorted(set(assign.tolist()) | set(plan._fixed)), np.int64)
        solver = payload.get("solver") or {}
        rows = np.arange(len(assign))
        objective = (
            float(plan.weights @ plan.cost[rows, assign])
            if plan.model == "p-median"
            else float(payload.get("objective", 0.0))
        )
        plan._set_solution(
            Solution(
                open=open_,
                assign=assign,
                objective=objective,
                method=str(solver.get("method", "saved")),
                optimal=solver.get("optimal"),
                seconds=float(solver.get("seconds", 0.0) or 0.0),
                note=str(solver.get("note", "")),
            )
        )
        return plan

    def summary(self) -> dict:
        """Headline figures for comparing scenarios (one flat dict)."""
        self._require_solved()
        allidx = np.arange(len(self.teams))
        stats = self._stats(allidx)
        return {
            "scenario": self.label,
            "venues": " + ".join(self.venues),
            "p": self.p,
            "model": self.model if self.capacity is None else "capacitated p-median",
            "objective": self.objective,
            "objective_units": self.objective_units,
            **stats,
        }


def compare_plans(plans: Sequence[VenuePlan] | dict) -> pd.DataFrame:
    """Side-by-side headline figures of solved plans (one row per plan).

    Parameters
    ----------
    plans : sequence of VenuePlan or dict of label → VenuePlan
        Solved plans, ideally for the same teams.

    Returns
    -------
    pandas.DataFrame
        ``scenario``, ``venues``, ``p``, ``model``, ``objective``,
        ``objective_units``, ``teams``, ``people``, ``mean_miles``,
        ``p90_miles``, ``max_miles``, ``mean_minutes``, ``max_minutes``,
        ``share_within_1h``, ``share_within_2h``.
    """
    items = plans.items() if isinstance(plans, dict) else ((p.label, p) for p in plans)
    rows = []
    for label, plan in items:
        row = plan.summary()
        row["scenario"] = label or row["scenario"]
        rows.append(row)
    return pd.DataFrame(rows)


def alternatives(
    plan: VenuePlan,
    *,
    fixed_sets: dict[str, Sequence[str]] | None = None,
    best: Sequence[int] = (2, 3, 4),
) -> tuple[dict[str, VenuePlan], list[str]]:
    """Other plans for the same teams, to compare side by side.

    Parameters
    ----------
    plan : VenuePlan
        The plan whose teams, candidates, model, capacity and radius are reused.
    fixed_sets : dict of str to sequence of str, optional
        Label → venue names or places (``{"2015 choice": ["Los Angeles",
        "Emeryville"]}``): that exact set of venues (all booked, p = its size).
        Places not among the candidates are added (see
        :func:`geodata.gazetteer.resolve_venues`).
    best : sequence of int
        Also the best plan with each of these numbers of meetings (labelled
        ``"best 2"``...), keeping the plan's booked venues.

    Returns
    -------
    plans : dict of str to VenuePlan
        Solved plans, in the order asked.
    notes : list of str
        One line per plan that could not be built (e.g. not enough seats).
    """
    from geodata.gazetteer import PlaceNotFoundError, resolve_venues

    out: dict[str, VenuePlan] = {}
    notes: list[str] = []
    common = {
        "model": plan.model,
        "capacity": plan.capacity,
        "radius": plan.radius,
        "radius_units": plan.radius_units,
        "distance": plan.distance,
        "travel_time": plan.travel_time,
        "selection": plan.selection,
    }
    for label, places in (fixed_sets or {}).items():
        try:
            cands, names = resolve_venues(plan.candidates, places)
            out[label] = VenuePlan.from_teams(
                plan.teams, cands, p=len(names), booked=names, label=label, **common
            ).solve()
        except (ValueError, PlaceNotFoundError) as exc:
            notes.append(f"{label}: {exc}")
    for p in best:
        label = f"best {p}"
        try:
            out[label] = VenuePlan.from_teams(
                plan.teams,
                plan.candidates,
                p=p,
                booked=[plan._names[j] for j in plan._fixed],
                label=label,
                **common,
            ).solve()
        except ValueError as exc:
            notes.append(f"{label}: {exc}")
    return out, notes


def plan_map(plan: VenuePlan, *, show_candidates: bool = True, **map_kwargs):
    """The plan on an offline folium map: venues, teams and who goes where.

    Chosen venues are large labelled circles (booked ones outlined in black),
    each team a small dot in its venue's colour joined to its venue by a thin
    line; candidate venues not chosen are small grey rings. A legend (bottom
    left) explains the symbols. No marker images and nothing loaded from
    outside the app (built on :func:`geodata.mapview.offline_map`). Every name
    shown is HTML-escaped.

    Parameters
    ----------
    plan : VenuePlan
        Solved.
    show_candidates : bool
        Draw the candidates not chosen.
    **map_kwargs
        Passed to :func:`geodata.mapview.offline_map` (e.g. ``asset_base``).

    Returns
    -------
    folium.Map
    """
    import html

    import folium

    from geodata.mapview import add_county_outlines, add_html_legend, offline_map

    plan._require_solved()
    palette = [
        "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02",
        "#a6761d", "#1f78b4", "#b2df8a", "#fb9a99", "#cab2d6", "#6a3d9a",
    ]  # fmt: skip
    lat = plan.teams["lat"].astype(float)
    lon = plan.teams["lon"].astype(float)
    map_kwargs.setdefault("location", [float(lat.mean()), float(lon.mean())])
    map_kwargs.setdefault("zoom_start", 6)
    m = offline_map(**map_kwargs)
    add_county_outlines(m)  # geography without base-map tiles
    index = {n: i for i, n in enumerate(plan._names)}
    colour = {
        index[name]: palette[k % len(palette)] for k, name in enumerate(plan.venues)
    }
    lines = folium.FeatureGroup(name="Team → venue", show=True)
    dots = folium.FeatureGroup(name="Teams", show=True)
    names = plan.teams["name"].astype(str).tolist()
    for i, j in enumerate(plan.assign_.tolist()):
        j = int(j)
        here = (float(lat.iloc[i]), float(lon.iloc[i]))
        there = (
            float(plan.candidates["lat"].iloc[j]),
            float(plan.candidates["lon"].iloc[j]),
        )
        folium.PolyLine([here, there], color=colour[j], weight=1, opacity=0.45).add_to(
            lines
        )
        folium.CircleMarker(
            here,
            radius=3,
            color=colour[j],
            fill=True,
            fill_opacity=0.9,
            weight=1,
            tooltip=html.escape(
                f"{names[i]} → {plan._names[j]}: {plan.team_miles[i]:.0f} mi, "
                f"~{plan.team_minutes[i]:.0f} min"
            ),
        ).add_to(dots)
    lines.add_to(m)
    dots.add_to(m)
    if show_candidates:
        others = folium.FeatureGroup(name="Candidate venues", show=True)
        chosen = set(plan.open_.tolist())
        for j, row in plan.candidates.iterrows():
            if j in chosen:
                continue
            folium.CircleMarker(
                (float(row["lat"]), float(row["lon"])),
                radius=3,
                color="#888888",
                fill=False,
                weight=1,
                tooltip=html.escape(f"candidate: {row['name']}"),
            ).add_to(others)
        others.add_to(m)
    venues = folium.FeatureGroup(name="Chosen venues", show=True)
    table = plan.venue_table()
    for row in table.itertuples(index=False):
        j = index[str(row.venue)]
        label = html.escape(str(row.venue))
        folium.CircleMarker(
            (float(row.lat), float(row.lon)),
            radius=11,
            color="#000000" if row.booked else colour[j],
            weight=3 if row.booked else 1,
            fill=True,
            fill_color=colour[j],
            fill_opacity=0.95,
            tooltip=label
            + html.escape(
                f"{' (booked)' if row.booked else ''}: {row.teams} teams, "
                f"mean {row.mean_miles:.0f} mi"
            ),
        ).add_to(venues)
        folium.Marker(
            (float(row.lat), float(row.lon)),
            icon=folium.DivIcon(
                html=(
                    '<div style="font:600 12px system-ui,sans-serif;'
                    "white-space:nowrap;transform:translate(14px,-8px);"
                    'text-shadow:0 0 3px #fff,0 0 3px #fff">'
                    f"{label}</div>"
                ),
                icon_size=(0, 0),
            ),
        ).add_to(venues)
    venues.add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    add_html_legend(
        m,
        _plan_legend_html(
            [colour[index[name]] for name in plan.venues],
            booked=bool(table["booked"].any()),
            candidates=show_candidates and len(plan.candidates) > len(plan.venues),
        ),
    )
    lats = [*lat.tolist(), *table["lat"].tolist()]
    lons = [*lon.tolist(), *table["lon"].tolist()]
    m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(20, 20))
    return m


def _plan_legend_html(colours: list[str], *, booked: bool, candidates: bool) -> str:
    """The plan map's legend: what each symbol means (no roster text in it)."""

    def swatch(style: str) -> str:
        return (
            '<span style="display:inline-block;vertical-align:middle;'
            f'box-sizing:border-box;{style}"></span>'
        )

    first = colours[0] if colours else "#1b9e77"
    dots = "".join(
        swatch(f"width:8px;height:8px;border-radius:50%;background:{c};margin:0 1px")
        for c in colours[:6]
    )
    rows = [
        (
            swatch(f"width:16px;height:16px;border-radius:50%;background:{first}"),
            "Chosen venue (its colour)",
        ),
    ]
    if booked:
        rows.append(
            (
                swatch(
                    f"width:16px;height:16px;border-radius:50%;background:{first};"
                    "border:3px solid #000"
                ),
                "Booked venue (always kept)",
            )
        )
    rows.append(
        (
            f'<span style="white-space:nowrap">{dots}</span>',
            "Team (dot in its venue's colour)",
        )
    )
    rows.append(
        (
            swatch(f"width:16px;height:0;border-top:2px solid {first};opacity:.6"),
            "Team → venue it is assigned to",
        )
    )
    if candidates:
        rows.append(
            (
                swatch("width:8px;height:8px;border-radius:50%;border:1px solid #888"),
                "Candidate venue, not chosen",
            )
        )
    cell = "display:inline-block;min-width:30px;margin-right:4px;text-align:center"
    body = "".join(
        f'<div><span style="{cell}">{mark}</span>{label}</div>' for mark, label in rows
    )
    return f'<div class="lmi-legend lmi-plan-legend"><b>Venue plan</b>{body}</div>'


def plan_for_roster(
    matched: pd.DataFrame | None,
    reference: pd.DataFrame,
    *,
    serve: str,
    p: int,
    event_ids: Sequence[str] | None = None,
    model: str = "p-median",
    capacity: int | None = None,
    radius: float | None = None,
    radius_units: str = "miles",
    booked: Sequence[str] = (),
    add_venues: Sequence[str] = (),
    min_population: int | None = None,
    include_past: bool = True,
    regions: Iterable[int] | None = None,
    counties: Iterable[str] | None = None,
    district_types: Iterable[str] | None = None,
    weight: str = "people",
    people_per_team: int | None = 4,
    solver: str = "fast",
    time_limit: float = 60.0,
    label: str = "",
) -> VenuePlan:
    """From a matched roster to a solved venue plan (the CLI and the Plan page).

    Parameters
    ----------
    matched : pandas.DataFrame or None
        Matched roster (ARCHITECTURE.md); None only for
        ``serve="all-districts"``.
    reference : pandas.DataFrame
        :func:`geodata.boundaries.entity_reference`.
    serve, event_ids, regions, counties, district_types, weight, people_per_team
        Who to serve, see :func:`select_teams`.
    p, model, capacity, radius, radius_units, solver, time_limit, label
        See :meth:`VenuePlan.from_teams`.
    booked : sequence of str
        Venues always in the plan: candidate or California city names, or
        ``"lat, lon"`` (added to the candidates when not there).
    add_venues : sequence of str
        Extra candidate venues, same forms as ``booked``.
    min_population : int, optional
        Gazetteer threshold for candidate cities (default
        :data:`geodata.gazetteer.DEFAULT_MIN_POPULATION`).
    include_past : bool
        Add past CA LMI venues to the candidates.

    Returns
    -------
    VenuePlan
        Solved; ``selection`` records who was served and how.

    Raises
    ------
    ValueError
        Bad selection or plan options (see :func:`select_teams` and
        :meth:`VenuePlan.from_teams`); :class:`InfeasiblePlanError` when the
        plan cannot exist; ``geodata.gazetteer.PlaceNotFoundError`` (a
        LookupError) for a venue that cannot be found.
    """
    from geodata.gazetteer import (
        DEFAULT_MIN_POPULATION,
        candidate_venues,
        resolve_venues,
    )

    teams_by_event = None
    if matched is not None:
        from loaders.participation import teams_by_event as _teams_by_event

        teams_by_event = _teams_by_event(matched)
    teams = select_teams(
        teams_by_event,
        reference,
        serve=serve,
        event_ids=event_ids,
        regions=regions,
        counties=counties,
        district_types=district_types,
        weight=weight,
        people_per_team=people_per_team,
    )
    threshold = DEFAULT_MIN_POPULATION if min_population is None else min_population
    candidates = candidate_venues(min_population=threshold, include_past=include_past)
    candidates, _ = resolve_venues(candidates, add_venues)
    candidates, booked_names = resolve_venues(candidates, booked)
    selection = {
        "serve": serve,
        "event_ids": list(event_ids) if event_ids is not None else None,
        "regions": sorted(int(r) for r in regions) if regions is not None else None,
        "counties": list(counties) if counties is not None else None,
        "district_types": list(district_types) if district_types is not None else None,
        "weight": weight,
        "people_per_team": people_per_team,
        "min_population": threshold,
        "include_past": include_past,
        "added_venues": list(add_venues),
    }
    return VenuePlan.from_teams(
        teams,
        candidates,
        p=p,
        model=model,
        capacity=capacity,
        radius=radius,
        radius_units=radius_units,
        booked=booked_names,
        solver=solver,
        time_limit=time_limit,
        selection=selection,
        label=label,
    ).solve()


def plan_text(plan: VenuePlan) -> str:
    """A solved plan as a few lines of plain text (for the command line).

    Parameters
    ----------
    plan : VenuePlan
        A solved plan (:meth:`VenuePlan.solve`).

    Returns
    -------
    str
        Model, objective, then one line per venue: teams, people, mean / 90th
        percentile / max great-circle miles, mean estimated drive minutes and
        the share of teams within 1 and 2 hours. A venue no team is assigned to
        (e.g. a booked venue far from every team) shows 0 teams, 0 people and
        ``-`` for the distance figures, which do not exist for it.

    Raises
    ------
    RuntimeError
        If the plan has not been solved.
    """
    plan._require_solved()
    sol = plan.solution
    model = plan.model if plan.capacity is None else "capacitated p-median"
    extra = f", at most {plan.capacity} teams per venue" if plan.capacity else ""
    people = int(pd.to_numeric(plan.teams.get("people", plan.weights)).sum())
    lines = [
        (
            f"{model}, {plan.p} venue(s){extra}: {len(plan.teams)} teams, "
            f"{people} people, {len(plan.candidates)} candidates"
        ),
        f"objective: {plan.objective:,.2f} {plan.objective_units}",
        f"solver: {sol.method} ({sol.seconds:.2f} s"
        + (", optimal" if sol.optimal else "")
        + ")"
        + (f" - {sol.note}" if sol.note else ""),
        "",
        (
            f"{'venue':28s} {'teams':>5s} {'people':>6s} {'mean mi':>8s} "
            f"{'p90 mi':>7s} {'max mi':>7s} {'~drive':>7s} {'<=1h':>5s} {'<=2h':>5s}"
        ),
    ]

    def cell(value: float, spec: str, width: int, unit: str = "") -> str:
        # a venue without teams has no distances: "-", never "nan"
        if value is None or pd.isna(value):
            return f"{'-':>{width}s}"
        return f"{format(float(value), spec)}{unit}".rjust(width)

    for row in plan.venue_table().itertuples(index=False):
        name = str(row.venue) + (" (booked)" if row.booked else "")
        lines.append(
            f"{name[:28]:28s} {int(row.teams):5d} {int(row.people):6d} "
            f"{cell(row.mean_miles, '.1f', 8)} {cell(row.p90_miles, '.1f', 7)} "
            f"{cell(row.max_miles, '.1f', 7)} "
            f"{cell(row.mean_minutes, '.0f', 7, 'min')} "
            f"{cell(row.share_within_1h, '.0%', 5)} "
            f"{cell(row.share_within_2h, '.0%', 5)}"
        )
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# export
# ---------------------------------------------------------------------------


def export_table(
    frame: pd.DataFrame,
    fmt: str = "csv",
    *,
    sheet: str = "Invites",
    include_contacts: bool = False,
) -> bytes:
    """A plan table (e.g. the invite list) as CSV or XLSX bytes.

    Written through :mod:`loaders.exports`: text cells starting with ``=``,
    ``+``, ``-``, ``@``, tab or carriage return get a leading apostrophe (no
    cell becomes a formula) and contact columns are dropped unless
    ``include_contacts``.

    Parameters
    ----------
    frame : pandas.DataFrame
        E.g. :meth:`VenuePlan.invite_list` or :meth:`VenuePlan.venue_table`.
    fmt : {"csv", "xlsx"}
    sheet : str
        XLSX sheet name.
    include_contacts : bool
        Keep the ``contacts`` column (and any person name / email column).

    Returns
    -------
    bytes
        UTF-8 CSV with BOM, or a formatted XLSX workbook.

    Raises
    ------
    ValueError
        Unknown ``fmt``.
    """
    from loaders.exports import table_csv_bytes, tables_xlsx_bytes

    if not include_contacts:
        frame = frame.drop(columns=["contacts"], errors="ignore")
    if fmt == "csv":
        return table_csv_bytes(frame, include_contacts=include_contacts)
    if fmt == "xlsx":
        return tables_xlsx_bytes({sheet: frame}, include_contacts=include_contacts)
    raise ValueError(f"format must be 'csv' or 'xlsx', got {fmt!r}.")


def _jsonable(value):
    """Convert numpy / pandas scalars and containers to JSON-safe values."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_jsonable(v) for v in value.tolist()]
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return None if math.isnan(v) or math.isinf(v) else v
    if isinstance(value, str):
        return str(value)
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)
