r"""The venue plan: who is served, where they meet, how far they travel.

:class:`VenuePlan` is built from the teams of
:func:`geodata.siting.teams.select_teams`, candidate venues
(:mod:`geodata.gazetteer`) and one :class:`~geodata.siting.options.PlanOptions`;
:meth:`VenuePlan.solve` returns the plan with its results as attributes, in
spopt's style; the tables (venues, regions, teams, invites) are read from it.
A plan is saved and read back by :mod:`geodata.siting.serialisation`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geodata.distances import KM_PER_MILE, validate_cost_matrix
from geodata.siting.bounds import certified_gap
from geodata.siting.options import PlanOptions
from geodata.siting.problem import (
    InfeasiblePlanError,
    Solution,
    check_capacity,
    check_inputs,
)
from geodata.siting.serialisation import plan_to_dict, read_plan
from geodata.siting.solving import solve_plan
from geodata.siting.teams import PRIORITY_LABELS
from geodata.siting.turnout import TurnoutModel

__all__ = ["VenuePlan"]


def _weighted_quantile(values: np.ndarray, q: float) -> float:
    if values.size == 0:
        return float("nan")
    return float(np.quantile(values, q, method="linear"))


class VenuePlan:
    r"""A venue plan: who is served, where they meet, how far they travel.

    With teams :math:`i \in I` (weight :math:`w_i`, people or 1), candidates
    :math:`j \in J`, costs :math:`d_{ij}` (``options.distance``), booked
    venues :math:`B \subseteq J`, :math:`Y_j = 1` when venue :math:`j` is
    chosen and :math:`X_{ij} = 1` when team :math:`i` goes to :math:`j`:

    .. math::

       \text{p-median:}\quad
       \min \frac{\sum_i \sum_j w_i d_{ij} X_{ij}}{\sum_i w_i}
       \quad\text{s.t.}\quad \sum_j X_{ij} = 1,\; X_{ij} \le Y_j,\;
       \sum_j Y_j = p,\; Y_b = 1\ (b \in B)

       \text{capacitated:}\quad \text{the same and } \sum_i X_{ij} \le C\,Y_j

       \text{attendance:}\quad \max \sum_i \sum_j w_i\,\pi(d_{ij}) X_{ij}
       \quad\text{(p-median constraints; } \pi \text{ the turnout model)}

       \text{coverage:}\quad \max \sum_i w_i Z_i \quad\text{s.t.}\quad
       Z_i \le \sum_{j : d_{ij} \le R} Y_j,\; \sum_j Y_j = p,\; Y_b = 1

    Capacity :math:`C` counts **teams** (a team takes one table, whatever its
    weight). The coverage radius :math:`R` is in great-circle miles or
    estimated drive minutes (``options.radius_units``); covered or not, a team
    goes to its nearest chosen venue in miles.

    Built with :meth:`from_teams` (or :meth:`from_dict` for a saved plan), then
    :meth:`solve` returns the plan itself with the results as attributes.

    Parameters
    ----------
    teams : pandas.DataFrame
        Output of :func:`geodata.siting.teams.select_teams` (at least
        ``geoid``, ``name``, ``lat``, ``lon``, ``weight``).
    candidates : pandas.DataFrame
        Candidate venues (``name`` unique, ``lat``, ``lon``).
    options : PlanOptions
        What to solve and how.
    selection : dict, optional
        Who was selected and how (saved with the plan).

    Attributes
    ----------
    options : PlanOptions
    selection : dict
    candidate_names : list of str
        Candidate names, in the order of ``candidates``.
    booked_index : list of int
        Candidate indices of the booked venues.
    cost, miles, minutes : numpy.ndarray
        Team × candidate matrices: the objective's cost (``options.distance``
        units), great-circle-or-source miles, drive minutes.
    weights : numpy.ndarray
        Team weights, float64.
    travel_note : str
        What the drive-time source estimated instead of routing (empty when
        nothing; see :class:`geodata.distances.OSRMTable`).

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
    lower_bound, upper_bound : float or None
        The best possible objective lies between these (units of
        :attr:`objective`). p-median: ``lower_bound`` is proven
        (:mod:`geodata.siting.bounds`), ``upper_bound`` is this plan's
        objective; coverage: ``lower_bound`` is this plan's objective,
        ``upper_bound`` is proven.
    certified_gap : float or None
        How far this plan can be from the best possible, a fraction of
        :attr:`objective` (0.004: within 0.4 %).
    solution : Solution
        Raw solver result (method, optimal, seconds, note, bound).

    Examples
    --------
    Three teams on a line, two candidate towns, one meeting:

    >>> teams = pd.DataFrame({"geoid": ["a", "b", "c"], "name": ["A", "B", "C"],
    ...     "lat": [36.0, 36.0, 36.0], "lon": [-120.0, -119.5, -119.0],
    ...     "weight": [4.0, 4.0, 4.0]})
    >>> towns = pd.DataFrame({"name": ["West", "Middle"],
    ...     "lat": [36.0, 36.0], "lon": [-120.0, -119.5]})
    >>> plan = VenuePlan.from_teams(teams, towns, p=1).solve()
    >>> plan.venues, round(plan.objective, 1), plan.objective_units
    (['Middle'], 18.6, 'miles, mean per team to the assigned venue')
    >>> VenuePlan.from_dict(plan.to_dict()).venues
    ['Middle']
    """

    def __init__(
        self,
        teams: pd.DataFrame,
        candidates: pd.DataFrame,
        options: PlanOptions,
        *,
        selection: dict | None = None,
    ) -> None:
        if not isinstance(options, PlanOptions):
            raise TypeError(
                f"options must be a PlanOptions, got {type(options).__name__}."
            )
        self.teams = teams
        self.candidates = candidates
        self.options = options
        self.selection = dict(selection or {})
        self.solution: Solution | None = None

    # -- construction -------------------------------------------------------

    @classmethod
    def from_teams(
        cls,
        teams: pd.DataFrame,
        candidates: pd.DataFrame,
        options: PlanOptions | None = None,
        *,
        selection: dict | None = None,
        **changes,
    ) -> VenuePlan:
        """Build (not solve) a plan for the teams of :func:`select_teams`.

        Parameters
        ----------
        teams : pandas.DataFrame
            Output of :func:`geodata.siting.teams.select_teams` (at least
            ``geoid``, ``name``, ``lat``, ``lon``, ``weight``; ``people``,
            ``ccsesa_region``, ``priority``, ``missing_roles``... are used when
            present).
        candidates : pandas.DataFrame
            Candidate venues (``name`` unique, ``lat``, ``lon``), e.g.
            :func:`geodata.gazetteer.candidate_venues`.
        options : PlanOptions, optional
            What to solve and how.
        selection : dict, optional
            Who was selected and how (stored in :meth:`to_dict`).
        **changes
            :class:`PlanOptions` fields (``p=3, capacity=40``...), applied on
            top of ``options`` (or making them when ``options`` is None).

        Returns
        -------
        VenuePlan
            Checked, cost matrices computed, not solved.

        Raises
        ------
        ValueError
            No teams, missing columns, duplicate team or candidate names,
            unknown booked venue, bad options (see :class:`PlanOptions`).
            :class:`InfeasiblePlanError` (a ValueError) when the plan cannot
            exist.
        geodata.distances.CostMatrixError
            Bad coordinates or weights.
        """
        if options is None:
            options = PlanOptions(**changes)
        elif changes:
            options = options.replace(**changes)
        plan = cls(teams, candidates, options, selection=selection)
        plan._prepare()
        return plan

    def _prepare(self) -> None:
        opts = self.options
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
        self.teams = teams.reset_index(drop=True)
        self.candidates = cands.reset_index(drop=True)
        self.candidate_names = self.candidates["name"].astype(str).tolist()
        lookup = {n.casefold(): i for i, n in enumerate(self.candidate_names)}
        fixed = []
        for b in opts.booked:
            i = lookup.get(str(b).strip().casefold())
            if i is None:
                raise ValueError(
                    f"booked venue {b!r} is not among the candidates; add it as a "
                    "venue first (city name or coordinates)."
                )
            fixed.append(i)
        self.booked_index = list(dict.fromkeys(fixed))
        if len(self.booked_index) > opts.p:
            raise InfeasiblePlanError(
                f"{len(self.booked_index)} venues are booked but only {opts.p} "
                "meetings are planned."
            )
        if not 1 <= opts.p <= len(self.candidate_names):
            raise InfeasiblePlanError(
                f"number of meetings must be between 1 and "
                f"{len(self.candidate_names)} (the candidates); got {opts.p}."
            )
        if opts.capacity is not None:
            check_capacity(len(self.teams), opts.p, opts.capacity)
        self.weights = pd.to_numeric(self.teams["weight"], errors="coerce").to_numpy(
            float
        )
        n, m = len(self.teams), len(self.candidate_names)
        dist = opts.distance.cost_matrix(self.teams, self.candidates)
        self.cost = validate_cost_matrix(dist, n, m, name="distance matrix")
        self.miles = (
            self.cost if opts.distance.units == "miles" else self.cost / KM_PER_MILE
        )
        noted = getattr(opts.travel_time, "cost_matrix_noted", None)
        if callable(noted):  # a router or a table: says what it estimated
            minutes, self.travel_note = noted(self.teams, self.candidates)
        else:
            minutes = opts.travel_time.cost_matrix(self.teams, self.candidates)
            self.travel_note = ""
        self.minutes = validate_cost_matrix(minutes, n, m, name="drive-time matrix")
        self.turnout = opts.turnout or TurnoutModel.default(
            "no attendance history given"
        )
        self.attend_p = np.asarray(self.turnout.probability(self.miles), float)
        # weights validated by the solver; check early for a clear message
        check_inputs(self.cost[:, :1], self.weights, 1, ())

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
        opts = self.options
        if opts.model == "attendance":
            return f"{self.weight_label} expected to attend (distance decay)"
        if opts.model == "coverage":
            unit = (
                "minutes' estimated drive"
                if opts.radius_units == "minutes"
                else "great-circle miles"
            )
            return f"{self.weight_label} within {opts.radius:g} {unit}"
        per = "person" if self.weight_label == "people" else "team"
        return f"{opts.distance.units}, mean per {per} to the assigned venue"

    # -- solving --------------------------------------------------------------

    def solve(self) -> VenuePlan:
        """Solve the model; returns ``self`` with results as attributes.

        The exact solver's plan is kept unless it stopped at its time limit
        with a plan worse than the fast solver's (its note then says so).

        Raises
        ------
        InfeasiblePlanError
            More teams than seats, more bookings than meetings.
        ExactSolverError
            ``solver="exact"`` and CBC found nothing within the time limit.
        """
        if not hasattr(self, "cost"):
            self._prepare()
        self._set_solution(solve_plan(self))
        return self

    def _set_solution(self, sol: Solution) -> None:
        self.solution = sol
        self.open_ = np.asarray(sol.open, dtype=np.int64)
        self.assign_ = np.asarray(sol.assign, dtype=np.int64)
        m = len(self.candidate_names)
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
        self.team_attend_p = self.attend_p[rows, self.assign_]
        if self.options.model == "coverage":
            self.objective = float(sol.objective)
        elif self.options.model == "attendance":
            self.objective = float(self.weights @ self.team_attend_p)
        else:
            self.objective = self.mean_distance
        self._set_bounds(sol, wsum)
        counts = np.bincount(self.assign_, minlength=m)
        booked = set(self.booked_index)
        self.venues = [
            self.candidate_names[j]
            for j in sorted(
                self.open_.tolist(), key=lambda j: (j not in booked, -counts[j], j)
            )
        ]

    def _set_bounds(self, sol: Solution, wsum: float) -> None:
        """``lower_bound``, ``upper_bound``, ``certified_gap`` in plan units."""
        coverage = self.options.model in ("coverage", "attendance")
        if sol.bound is None:
            self.lower_bound = self.upper_bound = self.certified_gap = None
            return
        if self.options.model == "attendance":  # bound on the expected absence
            self.lower_bound = self.objective
            self.upper_bound = max(wsum - float(sol.bound), self.objective)
        elif coverage:
            self.lower_bound, self.upper_bound = self.objective, float(sol.bound)
        else:
            self.lower_bound = float(sol.bound) / wsum if wsum else 0.0
            self.upper_bound = self.objective
        # the capacitated objective may be re-derived from a rounded saved value
        self.lower_bound = min(self.lower_bound, self.upper_bound)
        self.certified_gap = certified_gap(
            self.objective,
            self.upper_bound if coverage else self.lower_bound,
            maximise=coverage,
        )

    def _require_solved(self) -> None:
        if self.solution is None:
            raise RuntimeError("call solve() first")

    @property
    def solved(self) -> bool:
        """Whether :meth:`solve` (or :meth:`from_dict`) has set the results."""
        return self.solution is not None

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
        out["venue"] = pd.array(
            [self.candidate_names[j] for j in self.assign_], dtype="string"
        )
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
        came = self.team_attend_p[idx]
        if len(idx) == 0:
            nan = float("nan")
            return {
                "teams": 0,
                "people": 0,
                "expected_teams": 0.0,
                "expected_people": 0.0,
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
            "expected_teams": float(came.sum()),
            "expected_people": float(came @ people),
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
            ``expected_teams``, ``expected_people`` (float: teams and people
            expected to come, by the plan's turnout model,
            :mod:`geodata.siting.turnout`), ``capacity`` (Int64, when set).
            Statistics are per team; ordered as :attr:`venues`.
        """
        self._require_solved()
        index = {n: i for i, n in enumerate(self.candidate_names)}
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
                    booked=j in self.booked_index,
                    **self._stats(idx),
                )
            )
        out = pd.DataFrame(rows)
        out["venue"] = out["venue"].astype("string")
        out["source"] = out["source"].astype("string")
        if self.options.capacity is not None:
            out["capacity"] = pd.array(
                [self.options.capacity] * len(out), dtype="Int64"
            )
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
            counts = pd.Series([self.candidate_names[j] for j in self.assign_[idx]])
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

    # -- saving -----------------------------------------------------------------

    def to_dict(self) -> dict:
        """The plan as JSON-serialisable data (the ``plan.json`` layout).

        See :func:`geodata.siting.serialisation.plan_to_dict`.
        """
        self._require_solved()
        return plan_to_dict(self)

    @classmethod
    def from_dict(
        cls,
        payload: dict,
        *,
        distance=None,
        travel_time=None,
    ) -> VenuePlan:
        """Rebuild a solved plan from :meth:`to_dict` output (no re-solving).

        The plan keeps the options it was saved with, its distance and
        drive-time sources included.

        Parameters
        ----------
        payload : dict
            From :meth:`to_dict` (plans saved before the options block was
            added are read too).
        distance, travel_time : DistanceSource, optional
            Use these sources instead of the saved ones (needed for a source
            that cannot be rebuilt from a file, e.g. a road router).

        Raises
        ------
        ValueError
            If the payload lacks the plan fields, names a source that cannot be
            rebuilt, or a team's venue is not a candidate.
        """
        saved = read_plan(payload, distance=distance, travel_time=travel_time)
        plan = cls.from_teams(
            saved.teams, saved.candidates, saved.options, selection=saved.selection
        )
        if saved.venue is None:
            return plan.solve()
        index = {n: i for i, n in enumerate(plan.candidate_names)}
        unknown = sorted(set(saved.venue) - set(index))
        if unknown:
            raise ValueError(f"saved plan: venue {unknown[0]!r} is not a candidate.")
        assign = saved.venue.map(index).to_numpy(np.int64)
        chosen = {index[n] for n in saved.chosen if n in index}
        open_ = np.array(
            sorted(set(assign.tolist()) | set(plan.booked_index) | chosen), np.int64
        )
        rows = np.arange(len(assign))
        objective = {
            "p-median": lambda: float(plan.weights @ plan.cost[rows, assign]),
            "attendance": lambda: float(
                plan.weights @ (1 - plan.attend_p[rows, assign])
            ),
        }.get(plan.options.model, lambda: float(saved.objective or 0.0))()
        solver = saved.solver
        bound = saved.bound
        wsum = float(plan.weights.sum())
        if bound is not None and plan.options.model == "p-median":
            bound = bound * wsum
        elif bound is not None and plan.options.model == "attendance":
            bound = wsum - bound
        plan._set_solution(
            Solution(
                bound=bound,
                bound_method=str(solver.get("bound_method", "")),
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
            "scenario": self.options.label,
            "venues": " + ".join(self.venues),
            "p": self.options.p,
            "model": self.options.model_name,
            "objective": self.objective,
            "objective_units": self.objective_units,
            "certified_gap": self.certified_gap,
            **stats,
        }
