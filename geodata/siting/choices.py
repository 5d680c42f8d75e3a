"""A planner's choices as plain values, and the plan options they mean.

:class:`PlanChoices` holds what a planning form asks (who to serve, the
candidate venues, the model), with the defaults a new plan starts from, as
plain JSON-ready values an app can keep in its session state, one per field.
:meth:`PlanChoices.settings` turns them into the three option sets of
:func:`geodata.siting.service.plan_for_roster`; what applies only to one model
(a room capacity for the p-median, a radius for coverage) is dropped for the
other there, once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from geodata.gazetteer import DEFAULT_MIN_POPULATION
from geodata.siting.options import PlanOptions
from geodata.siting.service import CandidateOptions
from geodata.siting.teams import DISTRICT_TYPES, TeamSelection

__all__ = ["PlanChoices"]


@dataclass(frozen=True)
class PlanChoices:
    """What a planner chooses, with the defaults of a new plan.

    Parameters
    ----------
    serve : str
        Who to serve (:data:`geodata.siting.teams.SERVE_OPTIONS`).
    events : list of str
        Events that count (empty: all).
    regions : list of int
        CCSESA regions 1-11 (empty: all).
    counties : list of str
        County names (empty: all).
    types : list of str
        District types (:data:`geodata.siting.teams.DISTRICT_TYPES`; all four:
        no filter).
    weight : {"people", "equal"}
        Team weight.
    people : int
        People expected per team.
    min_population : int
        Smallest candidate city, people.
    past : bool
        Add past CA LMI venues to the candidates.
    user_venues : list of str
        Candidates the planner added (city names or ``"lat, lon"``).
    model : {"p-median", "coverage"}
        Location model.
    p : int
        Number of meetings.
    use_capacity : bool
        Limit teams per meeting (p-median only).
    capacity : int
        Teams per meeting when ``use_capacity``.
    radius : float
        Coverage radius (coverage only), in ``radius_units``.
    radius_units : {"minutes", "miles"}
        Estimated drive minutes or great-circle miles.
    booked : list of str
        Candidates always kept.

    Examples
    --------
    >>> who, where, how = PlanChoices(use_capacity=True, capacity=40).settings()
    >>> how.model_name, how.capacity, how.radius
    ('capacitated p-median', 40, None)
    >>> PlanChoices(model="coverage", use_capacity=True).settings()[2].capacity is None
    True
    """

    serve: str = "applied-not-attended"
    events: list[str] = field(default_factory=list)
    regions: list[int] = field(default_factory=list)
    counties: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=lambda: list(DISTRICT_TYPES))
    weight: str = "people"
    people: int = 4
    min_population: int = DEFAULT_MIN_POPULATION
    past: bool = True
    user_venues: list[str] = field(default_factory=list)
    model: str = "p-median"
    p: int = 3
    use_capacity: bool = False
    capacity: int = 50
    radius: float = 60
    radius_units: str = "minutes"
    booked: list[str] = field(default_factory=list)

    @classmethod
    def from_values(cls, values: Mapping[str, Any], prefix: str = "") -> PlanChoices:
        """Choices from a mapping whose keys are ``prefix + field`` (others ignored).

        Examples
        --------
        >>> PlanChoices.from_values({"plan_p": 2, "plan_other": 1}, "plan_").p
        2
        """
        return cls(
            **{
                f.name: values[prefix + f.name]
                for f in fields(cls)
                if prefix + f.name in values
            }
        )

    def to_values(self, prefix: str = "") -> dict[str, Any]:
        """The choices as ``prefix + field`` → value (fresh lists)."""
        return {prefix + k: v for k, v in asdict(self).items()}

    def settings(self) -> tuple[TeamSelection, CandidateOptions, PlanOptions]:
        """The option sets of :func:`~geodata.siting.service.plan_for_roster`.

        Returns
        -------
        selection : TeamSelection
        venues : CandidateOptions
        options : PlanOptions
            A capacity only for the p-median with ``use_capacity``; a radius
            and its units only for coverage (the p-median keeps the default
            units, so plans differ only in what shapes them).

        Raises
        ------
        ValueError
            A choice the options refuse (unknown serve or model, p < 1…).
        """
        coverage = self.model == "coverage"
        selection = TeamSelection(
            serve=self.serve,
            event_ids=self.events,
            regions=self.regions,
            counties=self.counties,
            district_types=self.types,
            weight=self.weight,
            people_per_team=int(self.people),
        )
        venues = CandidateOptions(
            min_population=int(self.min_population),
            include_past=bool(self.past),
            added_venues=tuple(self.user_venues),
        )
        options = PlanOptions(
            p=int(self.p),
            model=self.model,
            capacity=int(self.capacity) if not coverage and self.use_capacity else None,
            radius=float(self.radius) if coverage else None,
            radius_units=self.radius_units if coverage else "miles",
            booked=tuple(self.booked),
        )
        return selection, venues, options
