"""A venue plan as JSON and back: the ``plan.json`` layout (``lmi-venue-plan/1``).

:func:`plan_to_dict` writes a solved plan (what the command line saves and the
Plan page keeps as a scenario); :func:`read_plan` reads one back into the
parts :meth:`geodata.siting.plan.VenuePlan.from_dict` rebuilds the plan from,
without solving again. A saved plan keeps its options, its distance and
drive-time sources included (the ``options`` block), so the reloaded plan
shows the same miles, minutes and objective. Files written before the
``options`` block existed are read from their top-level fields.

No personal data is written: teams are districts and county offices.
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from geodata.distances import EstimatedDriveTime, GreatCircle
from geodata.siting.options import PlanOptions
from loaders.fileio import to_jsonable

__all__ = ["FORMAT", "SavedPlan", "jsonable", "plan_to_dict", "read_plan"]

#: The project's one JSON coercion (:func:`loaders.fileio.to_jsonable`).
jsonable = to_jsonable

#: The ``format`` field of a saved plan.
FORMAT = "lmi-venue-plan/1"
_TEAM_FIELDS = [
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
_TEXT_FIELDS = (
    "geoid",
    "name",
    "district_type",
    "county",
    "location_source",
    "team_status",
    "missing_roles",
)


class SavedPlan(NamedTuple):
    """The parts of a saved plan (see :func:`read_plan`)."""

    teams: pd.DataFrame
    candidates: pd.DataFrame
    options: PlanOptions
    selection: dict
    venue: pd.Series | None
    chosen: list[str]
    solver: dict
    objective: float | None
    bound: float | None = None


def _describe(source) -> str:
    describe = getattr(source, "describe", None)
    return describe() if callable(describe) else repr(source)


def plan_to_dict(plan) -> dict:
    """A solved plan as JSON-serialisable data (the ``plan.json`` layout).

    Parameters
    ----------
    plan : geodata.siting.plan.VenuePlan
        Solved.

    Returns
    -------
    dict
        ``format``, ``label``, ``model`` (``"p-median"``,
        ``"capacitated p-median"`` or ``"coverage"``), ``p``, ``capacity``,
        ``radius``, ``radius_units``, ``objective``, ``objective_units``,
        ``lower_bound`` / ``upper_bound`` (the best possible objective lies
        between them, units of ``objective``: a p-median plan's proven lower
        bound and its own objective, a coverage plan's own objective and its
        proven upper bound), ``certified_gap`` (fraction of ``objective``),
        ``mean_miles``, ``solver`` (method, optimal, seconds, note,
        bound_method),
        ``distance`` (how costs were computed, in words; ``travel_time_source``
        the drive-time source's kind, ``travel_time_note`` what it estimated
        instead of routing), ``options`` (every
        :class:`~geodata.siting.options.PlanOptions` field, the sources as
        :func:`geodata.distances.source_to_dict` specs), ``selection``,
        ``booked``, ``candidates`` (every candidate: ``name``, ``lat``,
        ``lon``, ``source``, ``population``, ``booked``, ``chosen``), ``teams``
        (every team served: ``geoid``, ``name``, ``lat``, ``lon``, ``weight``,
        ``people``, ``venue``, ``miles``, ``minutes`` and the selection
        columns), ``venues`` (chosen, ``venue_table()``) and ``regions``. No
        personal data.

    Raises
    ------
    RuntimeError
        If the plan has not been solved.
    """
    if not plan.solved:
        raise RuntimeError("call solve() first")
    opts = plan.options
    sol = plan.solution
    chosen = set(plan.open_.tolist())
    booked = set(plan.booked_index)
    cands = [
        {
            "name": str(row["name"]),
            "lat": float(row["lat"]),
            "lon": float(row["lon"]),
            "source": jsonable(row.get("source", None)),
            "population": jsonable(row.get("population", None)),
            "booked": j in booked,
            "chosen": j in chosen,
        }
        for j, row in plan.candidates.iterrows()
    ]
    teams = plan.team_table()
    keep = [c for c in _TEAM_FIELDS if c in teams.columns]
    booked_names = [plan.candidate_names[j] for j in plan.booked_index]
    travel = opts.travel_time
    saved_options = opts.to_dict()
    saved_options["booked"] = booked_names
    return {
        "format": FORMAT,
        "label": opts.label,
        "model": opts.model_name,
        "p": opts.p,
        "capacity": opts.capacity,
        "radius": opts.radius,
        "radius_units": opts.radius_units if opts.model == "coverage" else None,
        "objective": jsonable(plan.objective),
        "objective_units": plan.objective_units,
        "lower_bound": jsonable(plan.lower_bound),
        "upper_bound": jsonable(plan.upper_bound),
        "certified_gap": jsonable(plan.certified_gap),
        "mean_miles": jsonable(
            float(plan.team_miles @ plan.weights / max(plan.weights.sum(), 1e-300))
        ),
        "solver": {
            "method": sol.method,
            "optimal": sol.optimal,
            "seconds": round(float(sol.seconds), 4),
            "note": sol.note,
            "bound_method": sol.bound_method,
        },
        "distance": {
            "objective": _describe(opts.distance),
            "travel_time": _describe(travel),
            "travel_time_source": getattr(travel, "kind", type(travel).__name__),
            "travel_time_note": getattr(plan, "travel_note", ""),
            "circuity": getattr(travel, "circuity", None),
            "speed_mph": getattr(travel, "speed_mph", None),
        },
        "options": jsonable(saved_options),
        "selection": jsonable(plan.selection),
        "booked": booked_names,
        "candidates": cands,
        "teams": [jsonable(r) for r in teams[keep].to_dict("records")],
        "venues": [
            jsonable({"name": r.pop("venue"), **r})
            for r in plan.venue_table().to_dict("records")
        ],
        "regions": [jsonable(r) for r in plan.region_table().to_dict("records")],
    }


def _legacy_options(payload: dict, distance, travel_time) -> PlanOptions:
    """Options of a plan saved before the ``options`` block (top-level fields)."""
    model = payload["model"]
    if model == "capacitated p-median":
        model = "p-median"
    described = payload.get("distance") or {}
    if distance is None:
        km = GreatCircle("km")
        distance = km if described.get("objective") == km.describe() else None
    if travel_time is None and described.get("circuity") is not None:
        travel_time = EstimatedDriveTime(
            circuity=described["circuity"], speed_mph=described["speed_mph"]
        )
    sources = {
        k: v
        for k, v in (("distance", distance), ("travel_time", travel_time))
        if v is not None
    }
    return PlanOptions(
        p=int(payload["p"]),
        model=model,
        capacity=payload.get("capacity"),
        radius=payload.get("radius"),
        radius_units=payload.get("radius_units") or "miles",
        booked=tuple(payload.get("booked") or ()),
        label=payload.get("label", "") or "",
        **sources,
    )


def read_plan(payload: dict, *, distance=None, travel_time=None) -> SavedPlan:
    """The parts of a saved plan, checked (see :func:`plan_to_dict`).

    Parameters
    ----------
    payload : dict
        From :func:`plan_to_dict` (or an older file without ``options``).
    distance, travel_time : DistanceSource, optional
        Use these sources instead of the saved ones.

    Returns
    -------
    SavedPlan
        ``teams`` and ``candidates`` frames (text columns as ``string``,
        ``role_completeness`` as ``Int64``), ``options`` (booked = the saved
        booked venues), ``selection``, ``venue`` (each team's venue name, or
        None when the file holds no assignment), ``chosen`` (venues marked
        chosen), ``solver`` (the saved solver block) and ``objective``.

    Raises
    ------
    ValueError
        A missing plan field, bad options, or a saved source that cannot be
        rebuilt and was not given.
    """
    for key in ("model", "p", "candidates", "teams"):
        if key not in payload:
            raise ValueError(f"saved plan: field {key!r} is missing.")
    if isinstance(payload.get("options"), dict):
        options = PlanOptions.from_dict(
            payload["options"], distance=distance, travel_time=travel_time
        )
    else:
        options = _legacy_options(payload, distance, travel_time)
    options = options.replace(booked=tuple(payload.get("booked") or ()))
    cands = pd.DataFrame(payload["candidates"])
    chosen = (
        cands.loc[cands["chosen"].fillna(False).astype(bool), "name"]
        .astype(str)
        .tolist()
        if "chosen" in cands.columns
        else []
    )
    teams = pd.DataFrame(payload["teams"])
    venue = teams.pop("venue").astype(str) if "venue" in teams else None
    teams = teams.drop(columns=["miles", "minutes"], errors="ignore")
    for col in _TEXT_FIELDS:
        if col in teams.columns:
            teams[col] = teams[col].astype("string")
    if "role_completeness" in teams.columns:
        teams["role_completeness"] = pd.array(
            pd.to_numeric(teams["role_completeness"]), dtype="Int64"
        )
    return SavedPlan(
        teams=teams,
        candidates=cands,
        options=options,
        selection=dict(payload.get("selection") or {}),
        venue=venue,
        chosen=chosen,
        solver=dict(payload.get("solver") or {}),
        objective=payload.get("objective"),
        bound=payload.get(
            "upper_bound"
            if options.model in ("coverage", "attendance")
            else "lower_bound"
        ),
    )
