"""From a matched roster to a solved venue plan: the one pipeline.

The Plan page and ``lmi-dashboard plan`` both call :func:`plan_for_roster`
with the same three option sets, so both build the same plan and save the same
selection record:

:class:`~geodata.siting.teams.TeamSelection`
    who to serve;
:class:`CandidateOptions`
    the candidate venues (gazetteer threshold, past venues, added places);
:class:`~geodata.siting.options.PlanOptions`
    what to solve and how.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import pandas as pd

from geodata.gazetteer import DEFAULT_MIN_POPULATION, candidate_venues, resolve_venues
from geodata.siting.options import PlanOptions
from geodata.siting.plan import VenuePlan
from geodata.siting.teams import TeamSelection
from geodata.siting.turnout import TurnoutModel, fit_turnout, turnout_history
from loaders.events import load_events
from loaders.participation import teams_by_event as _teams_by_event

__all__ = [
    "DEFAULT_EVENT",
    "CandidateOptions",
    "candidate_table",
    "default_event_ids",
    "plan_for_roster",
    "roster_turnout",
    "selection_record",
]

#: The event a plan counts by default: the 2015 Symposium, whose applicants who
#: did not attend are the teams the regional meetings are for.
DEFAULT_EVENT = "CALMI-2015-SYMP"


@dataclass(frozen=True)
class CandidateOptions:
    """Where meetings may go: the options of :func:`candidate_table`, once.

    Parameters
    ----------
    min_population : int
        Gazetteer threshold for candidate cities (default
        :data:`geodata.gazetteer.DEFAULT_MIN_POPULATION`).
    include_past : bool
        Add past CA LMI venues.
    added_venues : tuple of str
        Extra candidates: California city names or ``"lat, lon"`` (see
        :func:`geodata.gazetteer.parse_venue`).

    Examples
    --------
    >>> CandidateOptions(added_venues=["Visalia"]).to_dict()
    {'min_population': 50000, 'include_past': True, 'added_venues': ['Visalia']}
    """

    min_population: int = DEFAULT_MIN_POPULATION
    include_past: bool = True
    added_venues: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        fix = object.__setattr__  # frozen: normalise once, here
        if isinstance(self.added_venues, str):
            fix(self, "added_venues", (self.added_venues,))
        texts = (str(t).strip() for t in self.added_venues)
        fix(self, "added_venues", tuple(dict.fromkeys(t for t in texts if t)))
        fix(self, "min_population", int(self.min_population))
        fix(self, "include_past", bool(self.include_past))

    def to_dict(self) -> dict:
        """JSON-ready (lists, not tuples): what a plan's selection records."""
        out = asdict(self)
        out["added_venues"] = list(self.added_venues)
        return out


def candidate_table(
    options: CandidateOptions, events: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The candidate venues for these options.

    Parameters
    ----------
    options : CandidateOptions
    events : pandas.DataFrame, optional
        The events whose venues count as past venues: published and added
        (:func:`loaders.events.all_events`); default the published list.

    Returns
    -------
    pandas.DataFrame
        :func:`geodata.gazetteer.candidate_venues` plus the added venues not
        already there (``source`` = ``"user"``).

    Raises
    ------
    geodata.gazetteer.PlaceNotFoundError
        An added venue that is neither a California city nor coordinates.
    ValueError
        Bad threshold or coordinates.
    """
    table = candidate_venues(
        min_population=options.min_population,
        include_past=options.include_past,
        events=events,
    )
    table, _ = resolve_venues(table, options.added_venues)
    return table


def selection_record(
    selection: TeamSelection,
    venues: CandidateOptions,
    *,
    roster: str | None = None,
) -> dict:
    """What a plan saves as its ``selection``: who, where from, which roster.

    Returns
    -------
    dict
        :meth:`TeamSelection.to_dict` and :meth:`CandidateOptions.to_dict`
        fields, plus ``roster`` (the roster's description, None when none
        was given).
    """
    return {**selection.to_dict(), **venues.to_dict(), "roster": roster}


def default_event_ids(available: Sequence[str]) -> list[str]:
    """The events a new plan counts: :data:`DEFAULT_EVENT` when the roster has
    it, else the first event with data, else none.

    Examples
    --------
    >>> default_event_ids(["CALMI-2014-SI", "CALMI-2015-SYMP"])
    ['CALMI-2015-SYMP']
    >>> default_event_ids(["CALMI-2014-SI"]), default_event_ids([])
    (['CALMI-2014-SI'], [])
    """
    available = list(available)
    if DEFAULT_EVENT in available:
        return [DEFAULT_EVENT]
    return available[:1]


def roster_turnout(
    teams_by_event: pd.DataFrame | None,
    reference: pd.DataFrame,
    events: pd.DataFrame | None = None,
) -> TurnoutModel:
    """The turnout model of a roster's history (or the stated default).

    Parameters
    ----------
    teams_by_event : pandas.DataFrame or None
        :func:`loaders.participation.teams_by_event`; None: no history.
    reference : pandas.DataFrame
        :func:`geodata.boundaries.entity_reference`.
    events : pandas.DataFrame, optional
        :func:`loaders.events.all_events`; default the published events.

    Returns
    -------
    TurnoutModel
        :func:`geodata.siting.turnout.fit_turnout` of
        :func:`~geodata.siting.turnout.turnout_history`, or the default decay
        with the reason in its ``note``.
    """
    if teams_by_event is None:
        return TurnoutModel.default("no roster history (every district served)")
    events = load_events() if events is None else events
    return fit_turnout(turnout_history(teams_by_event, reference, events))


def plan_for_roster(
    matched: pd.DataFrame | None,
    reference: pd.DataFrame,
    selection: TeamSelection,
    options: PlanOptions,
    venues: CandidateOptions | None = None,
    *,
    roster: str | None = None,
    teams_by_event: pd.DataFrame | None = None,
    candidates: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
) -> VenuePlan:
    """From a matched roster to a solved venue plan (the CLI and the Plan page).

    Parameters
    ----------
    matched : pandas.DataFrame or None
        Matched roster (ARCHITECTURE.md); None only for
        ``serve="all-districts"`` (or when ``teams_by_event`` is given).
    reference : pandas.DataFrame
        :func:`geodata.boundaries.entity_reference`.
    selection : TeamSelection
        Who to serve.
    options : PlanOptions
        What to solve and how; ``booked`` may name candidates, other
        California cities or ``"lat, lon"`` (added to the candidates). Without
        a ``turnout`` model, one is fitted to the roster's history
        (:func:`roster_turnout`).
    venues : CandidateOptions, optional
        The candidate venues (default :class:`CandidateOptions()`).
    roster : str, optional
        How the roster is described to a reader (e.g. ``"saved workspace"``);
        recorded in the plan's selection.
    teams_by_event : pandas.DataFrame, optional
        ``loaders.participation.teams_by_event(matched)`` when the caller has
        it already (the Plan page caches it); computed from ``matched`` when
        not given.
    candidates : pandas.DataFrame, optional
        ``candidate_table(venues, events)`` when the caller has it already
        (cached).
    events : pandas.DataFrame, optional
        Published and added events (:func:`loaders.events.all_events`), whose
        venues are past venues; default the published list.

    Returns
    -------
    VenuePlan
        Solved; ``selection`` is :func:`selection_record`; the options' booked
        venues are candidate names.

    Raises
    ------
    ValueError
        Bad selection or plan options (see :func:`select_teams` and
        :class:`PlanOptions`); :class:`InfeasiblePlanError` when the plan
        cannot exist. ``geodata.gazetteer.PlaceNotFoundError`` (a
        LookupError) for a venue that cannot be found.
    ExactSolverError
        ``options.solver == "exact"`` and CBC found nothing in its time limit.
    """
    venues = CandidateOptions() if venues is None else venues
    if teams_by_event is None and matched is not None:
        teams_by_event = _teams_by_event(
            matched, load_events() if events is None else events
        )
    teams = selection.select(teams_by_event, reference)
    if options.turnout is None:
        options = options.replace(
            turnout=roster_turnout(teams_by_event, reference, events)
        )
    if candidates is None:
        candidates = candidate_table(venues, events)
    candidates, booked = resolve_venues(candidates, options.booked)
    return VenuePlan.from_teams(
        teams,
        candidates,
        options.replace(booked=tuple(booked)),
        selection=selection_record(selection, venues, roster=roster),
    ).solve()
