"""Scenarios side by side: other plans for the same teams, and their figures."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from geodata.gazetteer import PlaceNotFoundError, resolve_venues
from geodata.siting.plan import VenuePlan

__all__ = ["CHOICE_2015", "alternatives", "compare_plans"]

#: Where the 2015 regional meetings were held (the choice to compare with).
CHOICE_2015: tuple[str, ...] = ("Los Angeles", "Emeryville")


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

    Raises
    ------
    RuntimeError
        If a plan has not been solved.
    """
    items = (
        plans.items()
        if isinstance(plans, dict)
        else ((p.options.label, p) for p in plans)
    )
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
        The plan whose teams, candidates and options (model, capacity, radius,
        distance sources) are reused; the alternatives are solved by the fast
        solver.
    fixed_sets : dict of str to sequence of str, optional
        Label → venue names or places (``{"2015 choice": CHOICE_2015}``): that
        exact set of venues (all booked, p = its size). Places not among the
        candidates are added (see :func:`geodata.gazetteer.resolve_venues`).
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
    out: dict[str, VenuePlan] = {}
    notes: list[str] = []
    for label, places in (fixed_sets or {}).items():
        try:
            cands, names = resolve_venues(plan.candidates, places)
            options = plan.options.replace(
                p=len(names), booked=tuple(names), label=label, solver="fast"
            )
            out[label] = VenuePlan.from_teams(
                plan.teams, cands, options, selection=plan.selection
            ).solve()
        except (ValueError, PlaceNotFoundError) as exc:
            notes.append(f"{label}: {exc}")
    booked = tuple(plan.candidate_names[j] for j in plan.booked_index)
    for p in best:
        label = f"best {p}"
        try:
            options = plan.options.replace(
                p=p, booked=booked, label=label, solver="fast"
            )
            out[label] = VenuePlan.from_teams(
                plan.teams, plan.candidates, options, selection=plan.selection
            ).solve()
        except ValueError as exc:
            notes.append(f"{label}: {exc}")
    return out, notes
