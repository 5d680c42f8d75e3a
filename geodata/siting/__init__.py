r"""Where regional meetings go: teams to serve, venue models, plans and invites.

Four location models choose :math:`p` venues among candidate venues
(:mod:`geodata.gazetteer`) for the district / COE teams a planner wants to serve:

p-median
    Minimise the weighted mean great-circle distance from each team to its
    nearest chosen venue.
Capacitated p-median
    The same, with at most :math:`C` teams per venue (a room), teams assigned to
    venues by a transportation problem rather than to the nearest venue.
Maximal coverage (MCLP)
    Maximise the weight of teams within a distance (miles) or an estimated drive
    time (minutes) of a chosen venue; ties broken by the p-median objective.
Maximal expected attendance
    Maximise the people (or teams) expected to come, by the turnout model's
    probability of coming from each team's distance: a p-median on the
    expected absence.

The mathematics is written out in :class:`VenuePlan`. Capacity counts **teams**
(a team takes one table, whatever its weight).

Modules, one concept each
-------------------------
:mod:`~geodata.siting.teams`
    which teams to serve (:class:`TeamSelection`, :func:`select_teams`);
:mod:`~geodata.siting.options`
    how to plan (:class:`PlanOptions`, every option declared once);
:mod:`~geodata.siting.problem`
    a problem on a cost matrix: input checks, :class:`Solution`, errors;
:mod:`~geodata.siting.heuristics`
    the fast solvers (greedy + Teitz-Bart swaps in an iterated local search);
:mod:`~geodata.siting.bounds`
    proven bounds on the best possible plan (Lagrangian relaxation) and the
    certified gap every plan carries;
:mod:`~geodata.siting.turnout`
    expected turnout: a logistic distance decay of attendance fitted to the
    rosters (or a stated default), used by every plan and by the
    "maximise expected attendance" model;
:mod:`~geodata.siting.solving`
    how a plan is solved (model matrix, solver, certificate, exact fallback);
:mod:`~geodata.siting.assignment`
    nearest-venue and capacitated assignment (HiGHS transportation LP);
:mod:`~geodata.siting.exact`
    spopt's exact models through PuLP and CBC;
:mod:`~geodata.siting.plan`
    :class:`VenuePlan` and its tables (venues, regions, teams, invites);
:mod:`~geodata.siting.serialisation`
    a plan to JSON and back, distance sources included;
:mod:`~geodata.siting.compare`
    other plans for the same teams, side by side;
:mod:`~geodata.siting.scenarios`
    plans compared under their own keys, labelled, and what differs;
:mod:`~geodata.siting.service`
    :func:`plan_for_roster`, the one pipeline of the Plan page and the CLI;
:mod:`~geodata.siting.choices`
    a planner's choices as plain values (:class:`PlanChoices`) and the option
    sets they mean;
:mod:`~geodata.siting.export`
    plan tables as CSV / XLSX.

The plan's folium map is :func:`geodata.planmap.plan_map`; the command line's
text is ``dashboard.plan_text``.

Solvers
-------
``"fast"`` (default; the Plan page)
    :mod:`geodata.siting.heuristics`: within 0.05 % of the exact optimum on
    every instance of ``bench/bench_siting.py``, in well under a second; every
    plan is certified by a Lagrangian bound (:mod:`geodata.siting.bounds`),
    and the exact solver runs by itself when the certified gap stays above
    ``PlanOptions.exact_above_gap`` on an instance small enough for it.
``"exact"``
    spopt's ``PMedian`` / ``MCLP`` models through PuLP and CBC, with a time
    limit: optimal when CBC finishes, else the best solution found. Tens of
    seconds for ~1,000 teams × 100 candidates.

Examples
--------
>>> cost = [[1.0, 9.0], [2.0, 8.0], [9.0, 1.0]]
>>> solve_p_median(cost, [1, 1, 1], 1).open.tolist()
[0]
>>> solve_p_median(cost, [1, 1, 1], 2).assign.tolist()
[0, 0, 1]
"""

from geodata.siting.assignment import nearest_assignment, transport_assignment
from geodata.siting.bounds import certified_gap, certify
from geodata.siting.choices import PlanChoices
from geodata.siting.compare import CHOICE_2015, alternatives, compare_plans
from geodata.siting.exact import (
    EXACT_MAX_CELLS,
    EXACT_MAX_CELLS_CAPACITATED,
    exact_too_large,
    solve_exact,
)
from geodata.siting.export import export_table
from geodata.siting.heuristics import solve_max_coverage, solve_p_median
from geodata.siting.options import MODELS, RADIUS_UNITS, SOLVERS, PlanOptions
from geodata.siting.plan import VenuePlan
from geodata.siting.problem import ExactSolverError, InfeasiblePlanError, Solution
from geodata.siting.scenarios import (
    add_to_comparison,
    comparison_differences,
    comparison_labels,
    comparison_table,
    plan_label,
    remove_from_comparison,
    saved_label,
    scenario_options,
    scenario_summary,
)
from geodata.siting.serialisation import plan_to_dict, read_plan
from geodata.siting.service import (
    DEFAULT_EVENT,
    CandidateOptions,
    candidate_table,
    default_event_ids,
    plan_for_roster,
    roster_turnout,
    selection_record,
)
from geodata.siting.teams import (
    DISTRICT_TYPES,
    PRIORITY_LABELS,
    SERVE_OPTIONS,
    STATUS_ORDER,
    TeamSelection,
    select_teams,
)
from geodata.siting.turnout import (
    TurnoutModel,
    fit_turnout,
    turnout_bins,
    turnout_history,
)

__all__ = [
    "CHOICE_2015",
    "DEFAULT_EVENT",
    "DISTRICT_TYPES",
    "EXACT_MAX_CELLS",
    "EXACT_MAX_CELLS_CAPACITATED",
    "MODELS",
    "PRIORITY_LABELS",
    "RADIUS_UNITS",
    "SERVE_OPTIONS",
    "SOLVERS",
    "STATUS_ORDER",
    "CandidateOptions",
    "ExactSolverError",
    "InfeasiblePlanError",
    "PlanChoices",
    "PlanOptions",
    "Solution",
    "TeamSelection",
    "TurnoutModel",
    "VenuePlan",
    "add_to_comparison",
    "alternatives",
    "candidate_table",
    "certified_gap",
    "certify",
    "compare_plans",
    "comparison_differences",
    "comparison_labels",
    "comparison_table",
    "default_event_ids",
    "exact_too_large",
    "export_table",
    "fit_turnout",
    "nearest_assignment",
    "plan_for_roster",
    "roster_turnout",
    "plan_label",
    "plan_to_dict",
    "read_plan",
    "remove_from_comparison",
    "saved_label",
    "scenario_options",
    "scenario_summary",
    "select_teams",
    "selection_record",
    "solve_exact",
    "solve_max_coverage",
    "solve_p_median",
    "transport_assignment",
    "turnout_bins",
    "turnout_history",
]
