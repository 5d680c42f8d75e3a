"""A venue plan as plain text, for the command line (``lmi-dashboard plan``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # geodata.siting costs ~1 s to import; the CLI loads this early
    from geodata.siting import VenuePlan

__all__ = ["certificate_text", "plan_text"]


def certificate_text(plan: VenuePlan) -> str:
    """The plan's certificate in one sentence (CLI and Plan page).

    Parameters
    ----------
    plan : VenuePlan
        Solved.

    Returns
    -------
    str
        E.g. ``"certified: within 0.01 % of the best possible (best possible
        ≥ 35.12 miles, mean per person to the assigned venue)"``; says so when
        the plan carries no bound (a plan saved before bounds existed).
    """
    gap = getattr(plan, "certified_gap", None)
    if gap is None:
        return "certified gap: not computed for this plan"
    maximise = plan.options.model in ("coverage", "attendance")
    bound = plan.upper_bound if maximise else plan.lower_bound
    sign = "≤" if maximise else "≥"
    share = "0.01 %" if 0 < gap < 1e-4 else f"{gap:.2%}"
    within = "proven optimal" if gap == 0 else f"within {share} of the best possible"
    return (
        f"certified: {within} (best possible {sign} {bound:,.2f} "
        f"{plan.objective_units})"
    )


def plan_text(plan: VenuePlan) -> str:
    """A solved plan as a few lines of plain text (for the command line).

    Parameters
    ----------
    plan : VenuePlan
        A solved plan (:meth:`VenuePlan.solve`).

    Returns
    -------
    str
        Model, objective, certificate, turnout model and drive-time source,
        then one line per venue: teams, people, mean / 90th percentile / max
        great-circle miles, mean drive minutes, the share of teams within 1
        and 2 hours, and the teams and people expected to come. A venue no
        team is assigned to (e.g. a booked venue far from every team) shows 0
        teams, 0 people and ``-`` for the distance figures, which do not exist
        for it.

    Raises
    ------
    RuntimeError
        If the plan has not been solved.
    """
    if not plan.solved:
        raise RuntimeError("call solve() first")
    sol = plan.solution
    opts = plan.options
    extra = f", at most {opts.capacity} teams per venue" if opts.capacity else ""
    people = int(pd.to_numeric(plan.teams.get("people", plan.weights)).sum())
    lines = [
        (
            f"{opts.model_name}, {opts.p} venue(s){extra}: {len(plan.teams)} teams, "
            f"{people} people, {len(plan.candidates)} candidates"
        ),
        f"objective: {plan.objective:,.2f} {plan.objective_units}",
        certificate_text(plan),
        f"turnout: {plan.turnout.note}",
        f"drive times: {plan.options.travel_time.describe()}"
        + (f" - {plan.travel_note}" if getattr(plan, "travel_note", "") else ""),
        f"solver: {sol.method} ({sol.seconds:.2f} s"
        + (", optimal" if sol.optimal else "")
        + ")"
        + (f" - {sol.note}" if sol.note else ""),
        "",
        (
            f"{'venue':28s} {'teams':>5s} {'people':>6s} {'mean mi':>8s} "
            f"{'p90 mi':>7s} {'max mi':>7s} {'~drive':>7s} {'<=1h':>5s} {'<=2h':>5s}"
            f" {'exp.teams':>9s} {'exp.people':>10s}"
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
            f"{cell(row.share_within_2h, '.0%', 5)} "
            f"{cell(row.expected_teams, '.1f', 9)} "
            f"{cell(row.expected_people, '.0f', 10)}"
        )
    return "\n".join(lines)
