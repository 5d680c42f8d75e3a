"""How a venue plan is made: :class:`PlanOptions`, every option declared once.

The Plan page, the command line, :class:`geodata.siting.plan.VenuePlan` and a
saved plan file all read the options from this one frozen dataclass; adding a
solver option is one field here (with its check in ``__post_init__``) and its
use in :meth:`VenuePlan.solve <geodata.siting.plan.VenuePlan.solve>`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

from geodata.distances import (
    DistanceSource,
    EstimatedDriveTime,
    GreatCircle,
    source_from_dict,
    source_to_dict,
)
from geodata.siting.turnout import TurnoutModel

__all__ = ["MODELS", "RADIUS_UNITS", "SOLVERS", "PlanOptions"]

#: Location models.
MODELS: dict[str, str] = {
    "p-median": "minimise average travel",
    "coverage": "most teams within a distance or drive time",
    "attendance": "most people expected to attend (distance decay of turnout)",
}
#: Solvers: the fast heuristics (default) or spopt's exact models.
SOLVERS: dict[str, str] = {
    "fast": "greedy + swap search (seconds)",
    "exact": "spopt + CBC, optimal within a time limit",
}
#: Units of a coverage radius: great-circle miles or estimated drive minutes.
RADIUS_UNITS: tuple[str, ...] = ("miles", "minutes")


@dataclass(frozen=True)
class PlanOptions:
    """The options of a venue plan (what to solve and how), declared once.

    Parameters
    ----------
    p : int
        Number of meetings, ≥ 1 (and at most the number of candidates, checked
        when the plan is built).
    model : {"p-median", "coverage", "attendance"}
        See :data:`MODELS`.
    capacity : int, optional
        Maximum teams per venue (p-median and attendance): the capacitated
        p-median.
    radius : float, optional
        Coverage radius in ``radius_units`` (coverage only; required there).
    radius_units : {"miles", "minutes"}
        Great-circle miles or estimated drive minutes.
    booked : tuple of str
        Candidate names always in the solution (case-insensitive).
    distance : DistanceSource
        Source of the p-median cost, miles or km (default
        :class:`geodata.distances.GreatCircle` miles).
    travel_time : DistanceSource
        Source of drive minutes (default
        :class:`geodata.distances.EstimatedDriveTime`).
    solver : {"fast", "exact"}
        See :data:`SOLVERS`.
    time_limit : float
        Seconds for the exact solver (> 0).
    label : str
        Scenario label.
    exact_above_gap : float or None
        When the fast plan's certified gap (:mod:`geodata.siting.bounds`) stays
        above this fraction (default 0.01 = 1 %) and the instance is small
        enough for the exact solver (:func:`geodata.siting.exact_too_large`),
        solve exactly as well (within ``time_limit``) and keep the better plan
        and the better bound. None: never.
    turnout : TurnoutModel, optional
        Distance decay of attendance (:mod:`geodata.siting.turnout`): expected
        turnout per venue, and the objective of the ``"attendance"`` model.
        None: the stated default decay.

    Raises
    ------
    ValueError
        Unknown model / solver / radius units, a capacity with the coverage
        model, a coverage model without a positive radius, a capacity or ``p``
        below 1, a distance source not in miles or km.

    Examples
    --------
    >>> opts = PlanOptions(p=3, capacity=40)
    >>> opts.model_name, opts.replace(capacity=None).model_name
    ('capacitated p-median', 'p-median')
    >>> PlanOptions.from_dict(opts.to_dict()) == opts
    True
    >>> PlanOptions(p=2, model="coverage")
    Traceback (most recent call last):
    ...
    ValueError: maximal coverage needs a positive radius.
    """

    p: int
    model: str = "p-median"
    capacity: int | None = None
    radius: float | None = None
    radius_units: str = "miles"
    booked: tuple[str, ...] = ()
    distance: DistanceSource = field(default_factory=GreatCircle)
    travel_time: DistanceSource = field(default_factory=EstimatedDriveTime)
    solver: str = "fast"
    time_limit: float = 60.0
    label: str = ""
    exact_above_gap: float | None = 0.01
    turnout: TurnoutModel | None = None

    def __post_init__(self) -> None:
        fix = object.__setattr__  # frozen: normalise once, here
        if int(self.p) != self.p or self.p < 1:
            raise ValueError(f"number of meetings must be at least 1, got {self.p}.")
        fix(self, "p", int(self.p))
        if isinstance(self.booked, str):
            fix(self, "booked", (self.booked,))
        fix(self, "booked", tuple(str(b) for b in self.booked))
        fix(self, "time_limit", float(self.time_limit))
        fix(self, "label", str(self.label or ""))
        if self.exact_above_gap is not None:
            fix(self, "exact_above_gap", float(self.exact_above_gap))
            if not self.exact_above_gap >= 0:
                raise ValueError(
                    "exact_above_gap must be a fraction ≥ 0 (or None), got "
                    f"{self.exact_above_gap!r}."
                )
        if self.model not in MODELS:
            raise ValueError(
                f"model must be one of {', '.join(MODELS)}, got {self.model!r}."
            )
        if self.solver not in SOLVERS:
            raise ValueError(f"solver must be 'fast' or 'exact', got {self.solver!r}.")
        if not self.time_limit > 0:
            raise ValueError(f"time_limit must be positive, got {self.time_limit!r}.")
        if self.capacity is not None:
            if int(self.capacity) != self.capacity or self.capacity < 1:
                raise ValueError(
                    "capacity must be a whole number of teams ≥ 1, got "
                    f"{self.capacity!r}."
                )
            fix(self, "capacity", int(self.capacity))
        if self.radius is not None:
            fix(self, "radius", float(self.radius))
        if self.model == "coverage":
            if self.capacity is not None:
                raise ValueError(
                    "capacity applies to the p-median model; maximal coverage has "
                    "no room limit."
                )
            if self.radius is None or not self.radius > 0:
                raise ValueError("maximal coverage needs a positive radius.")
        if self.radius_units not in RADIUS_UNITS:
            raise ValueError(
                f"radius_units must be 'miles' or 'minutes', got {self.radius_units!r}."
            )
        if getattr(self.distance, "units", None) not in ("miles", "km"):
            raise ValueError(
                "distance source must give miles or km, not "
                f"{getattr(self.distance, 'units', None)!r}."
            )

    @property
    def model_name(self) -> str:
        """``"p-median"``, ``"capacitated p-median"`` or ``"coverage"``."""
        if self.model == "p-median" and self.capacity is not None:
            return "capacitated p-median"
        return self.model

    def replace(self, **changes) -> PlanOptions:
        """A copy with some options changed (checked again)."""
        return replace(self, **changes)

    def to_dict(self) -> dict:
        """The options as JSON-ready data; the sources as
        :func:`geodata.distances.source_to_dict` specs."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["booked"] = list(self.booked)
        out["distance"] = source_to_dict(self.distance)
        out["travel_time"] = source_to_dict(self.travel_time)
        out["turnout"] = None if self.turnout is None else self.turnout.to_dict()
        return out

    @classmethod
    def from_dict(
        cls,
        data: dict,
        *,
        distance: DistanceSource | None = None,
        travel_time: DistanceSource | None = None,
    ) -> PlanOptions:
        """Options from :meth:`to_dict` output (unknown keys ignored).

        Parameters
        ----------
        data : dict
            From :meth:`to_dict`.
        distance, travel_time : DistanceSource, optional
            Use these sources instead of the saved ones (needed for a source
            that cannot be rebuilt from a file, e.g. a road router).

        Raises
        ------
        ValueError
            Bad options, or a saved source that cannot be rebuilt and was not
            given.
        """
        names = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in names}
        for key, given in (("distance", distance), ("travel_time", travel_time)):
            if given is not None:
                kwargs[key] = given
            elif isinstance(kwargs.get(key), dict):
                kwargs[key] = source_from_dict(kwargs[key])
            else:
                kwargs.pop(key, None)
        kwargs["booked"] = tuple(kwargs.get("booked") or ())
        if isinstance(kwargs.get("turnout"), dict):
            kwargs["turnout"] = TurnoutModel.from_dict(kwargs["turnout"])
        return cls(**kwargs)
