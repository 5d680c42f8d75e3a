"""The map-measure registry: what colours a district or COE on every map.

One :class:`Measure` entry per measure holds everything the maps, the pages and
the command line need: its key, label, whether it is for exactly one event, its
classes (label and colour), the function that computes a value and a class per
district/COE from the teams of the selected events, and the words of a map
title. The folium map (:mod:`geodata.mapview`), the static map
(:mod:`geodata.staticmap`), the HTML export (:mod:`geodata.htmlmap`), the Map
and Export pages and ``lmi-dashboard export map --measure`` all read
:data:`REGISTRY`.

Adding a measure is one entry in :data:`REGISTRY`, one compute function and one
test (see ARCHITECTURE.md, "Where to add…").

Two classes are never confused: *No team from this district* (roster data
exists for the selected event(s), this district or COE is not in it) and *No
data* (no roster row at all for the selected event(s), so nothing can be said).
Neither is black. Palettes are colour-blind safe: ColorBrewer YlGnBu (without
its palest step, which printed too close to the cream of *No data*) for counts,
with an orange for a team with a count of zero; Okabe-Ito blue / sky blue /
orange for status. tests/test_palettes_cvd.py holds every class that can be on
one map at least 10 CAM02-UCS delta E apart under simulated deuteranomaly,
protanomaly and tritanomaly (up to dichromacy), 12 between legend neighbours;
that is why the YlGnBu steps are #edf8b1 / #41b6c4 (not #c7e9b4 / #7fcdbb,
which a protanope saw 8 from the grey of *no team*) and the grey is #cccccc.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from loaders import participation
from loaders.events import load_events
from loaders.vocab import STATUS_LABELS

__all__ = [
    "MEASURES",
    "NO_DATA",
    "NO_TEAM",
    "REGISTRY",
    "Measure",
    "MeasureClass",
    "compared_events",
    "legend",
    "mapped_event_ids",
    "measure_layer",
    "measure_spec",
]

NO_TEAM = "No team from this district"
NO_DATA = "No data for the selected event(s)"
_NO_TEAM_COLOR = "#cccccc"  # light grey (tests/test_palettes_cvd.py)
_NO_DATA_COLOR = "#fbf3dc"  # pale cream, clearly not grey and not black


@dataclass(frozen=True)
class MeasureClass:
    """One legend class of a measure: its label and fill colour (hex ``#rrggbb``)."""

    label: str
    color: str


#: A compute function: the teams of the selected events (rows of
#: :func:`loaders.participation.teams_by_event`, never empty) → a frame indexed
#: by ``geoid`` (str) with ``value`` (float, the measure's number) and
#: ``klass`` (int, index into :attr:`Measure.classes`), one row per district or
#: COE that has a team at one of those events.
Compute = Callable[[pd.DataFrame], pd.DataFrame]


@dataclass(frozen=True)
class Measure:
    """One map measure.

    Attributes
    ----------
    key : str
        Identifier (``"events_attended"``), used in URLs, session state and
        ``--measure``.
    label : str
        Name shown on the pages and over the legend.
    one_event : bool
        True when the measure is for exactly one event (the pages then offer
        one event, and a map needs one).
    classes : tuple of MeasureClass
        The measure's own classes, in legend order ("no team" and "no data"
        are added by :func:`legend`).
    compute : callable
        See :data:`Compute`.
    title : str
        Words a map title starts with (``"{title}: {area}"``).
    compare : bool, default False
        True for a measure over events in time (changes, outreach): its
        ``compute(teams, event_ids)`` also takes the event ids in date order
        (a one-event measure: the event, then the event it is compared with,
        see :func:`compared_events`) and gets the teams of those events.
    unlisted : int or None, default None
        Index of the class of a district/COE the compute function does not
        list (no team at the events): the outreach map's *Never reached*.
        ``None``: such a district is *No team from this district*, and the
        legend lists that class.
    """

    key: str
    label: str
    one_event: bool
    classes: tuple[MeasureClass, ...]
    compute: Compute
    title: str
    compare: bool = False
    unlisted: int | None = None


def _per_geoid(value: pd.Series, klass: Sequence[int] | np.ndarray) -> pd.DataFrame:
    """The frame a compute function returns (index ``geoid``)."""
    return pd.DataFrame(
        {"value": value.astype(float).to_numpy(), "klass": np.asarray(klass, int)},
        index=pd.Index(value.index.astype(str), name="geoid"),
    )


def _count_class(counts: pd.Series, lower_bounds: Sequence[int]) -> np.ndarray:
    """Class index of each count: how many of the ascending bounds it reaches.

    ``lower_bounds=(1, 2, 3, 5)`` gives 0 → 0, 1 → 1, 2 → 2, 3-4 → 3, 5+ → 4.
    """
    return np.searchsorted(np.asarray(lower_bounds), counts.to_numpy(), side="right")


# ------------------------------------------------------------- compute functions
def events_attended(teams: pd.DataFrame) -> pd.DataFrame:
    """Number of the selected events each team attended (classes 0/1/2/3-4/5+)."""
    n = (teams["team_status"] == "attended").groupby(teams["geoid"]).sum()
    return _per_geoid(n, _count_class(n, (1, 2, 3, 5)))


def event_status(teams: pd.DataFrame) -> pd.DataFrame:
    """The team's status at the event: attended (0), registered (1), else 2."""
    status = teams.drop_duplicates("geoid").set_index("geoid")["team_status"]
    klass = status.map({"attended": 0, "registered": 1}).fillna(2).astype(int)
    return _per_geoid(klass, klass)


def completeness(teams: pd.DataFrame) -> pd.DataFrame:
    """Roles that came (attended teams) or that applied (the others), in 3 classes.

    The value is ``role_completeness`` (0-4) of
    :func:`loaders.participation.teams_by_event`, which counts the roles that
    *came* for a team that attended and the roles that *applied* for any other
    (``completeness_basis``). The class says which, so that "4 roles applied"
    never reads as "4 roles came": 0 = did not attend (applied only, whatever
    the number of roles), 1 = came with fewer than 4 roles, 2 = came with all
    four (complete).
    """
    first = teams.drop_duplicates("geoid").set_index("geoid")
    k = first["role_completeness"].astype(int)
    if "completeness_basis" in first.columns:
        came = first["completeness_basis"].eq("came").to_numpy()
    else:  # a frame without the basis: the team's status says it
        came = first["team_status"].eq("attended").to_numpy()
    klass = np.where(came, np.where(k.to_numpy() >= 4, 2, 1), 0)
    return _per_geoid(k, klass)


def people(teams: pd.DataFrame) -> pd.DataFrame:
    """Distinct people the team brought to the selected events (0/1-2/3-4/5+).

    The one definition of "people" (:func:`loaders.participation.distinct_people`,
    as in the tables): a person at two of the events counts once; a
    shared-governance team's people show on each district it reaches.
    """
    n = participation.distinct_people(teams, "geoid")
    return _per_geoid(n, _count_class(n, (1, 3, 5)))


def compared_events(
    event_ids: Sequence[str], events: pd.DataFrame | None = None
) -> list[str]:
    """The event and the event it is compared with, for the changes measure.

    Parameters
    ----------
    event_ids : sequence of str
        Event B, optionally followed by the comparison event A.
    events : pandas.DataFrame, optional
        The events table (default the published ones,
        :func:`loaders.events.load_events`), for the default comparison
        (:func:`loaders.participation.comparison_event`).

    Returns
    -------
    list of str
        ``[B, A]``, or ``[B]`` when B has no comparison event (the first
        event, or one without a date).
    """
    ids = list(event_ids)[:2]
    if len(ids) == 1:
        table = load_events() if events is None else events
        since = participation.comparison_event(table, ids[0])
        ids += [since] if since else []
    return ids


def changes(
    teams: pd.DataFrame, event_ids: Sequence[str] | None = None
) -> pd.DataFrame:
    """New (0), returning (1), lapsed (2) or attended neither (3), B against A.

    ``event_ids`` is ``[B, A]`` or ``[B]`` (no comparison), taken as given
    (:func:`measure_layer` resolves them with :func:`mapped_event_ids`);
    without it, B is the latest of the events in ``teams`` (published dates)
    and A its default comparison. The value is the roles that came at B (0
    for a lapsed team). Computed by
    :func:`loaders.participation.change_status`, as the changes table.
    """
    if event_ids:
        ids = list(event_ids)[:2]
    else:
        order = participation.order_event_ids(teams["event_id"].unique(), load_events())
        ids = compared_events([order[-1]])
    status = participation.change_status(
        teams, ids[0], ids[1] if len(ids) > 1 else None
    )
    klass = status["change"].map({c: i for i, c in enumerate(participation.CHANGES)})
    return _per_geoid(status["roles_came"].fillna(0), klass.to_numpy())


def outreach(
    teams: pd.DataFrame, event_ids: Sequence[str] | None = None
) -> pd.DataFrame:
    """Applied only (1), lapsed (2) or attended the latest event (3).

    Over ``event_ids`` taken as given, oldest first (:func:`measure_layer`
    orders them; default: every event in ``teams``, ordered by the published
    dates); computed by :func:`loaders.participation.outreach_status`, as the
    outreach list. A district or COE on no roster of those events is not
    listed: it is *Never reached* (class 0, :attr:`Measure.unlisted`). The
    value is the number of those events the team attended.
    """
    if event_ids:
        order = list(event_ids)
    else:
        ids = teams["event_id"].unique()
        order = participation.order_event_ids(ids, load_events(), undated="first")
    status = participation.outreach_status(teams, order)
    classes = {c: i for i, c in enumerate(participation.OUTREACH_CLASSES)}
    klass = status["outreach"].replace({"never": "applied_only"}).map(classes)
    return _per_geoid(status["events_attended"], klass.to_numpy())


#: Every map measure, in the order pages and legends list them.
REGISTRY: dict[str, Measure] = {
    m.key: m
    for m in (
        Measure(
            key="events_attended",
            label="Number of events attended",
            one_event=False,
            classes=(
                MeasureClass("Team, attended none", "#fdae61"),
                MeasureClass("Attended 1 event", "#edf8b1"),
                MeasureClass("Attended 2 events", "#41b6c4"),
                MeasureClass("Attended 3-4 events", "#2c7fb8"),
                MeasureClass("Attended 5+ events", "#253494"),
            ),
            compute=events_attended,
            title="CA LMI events attended by district teams",
        ),
        Measure(
            key="event_status",
            label="Status at one event",
            one_event=True,
            classes=(
                MeasureClass(STATUS_LABELS["attended"], "#0072b2"),
                MeasureClass(STATUS_LABELS["registered"], "#56b4e9"),
                MeasureClass(STATUS_LABELS["applied"], "#e69f00"),
            ),
            compute=event_status,
            title="District teams",
        ),
        Measure(
            key="completeness",
            label="Role completeness at one event",
            one_event=True,
            classes=(
                MeasureClass("Did not attend (roles applied only)", "#fdae61"),
                MeasureClass("Came, fewer than 4 roles", "#41b6c4"),
                MeasureClass("Came, all 4 roles (complete)", "#253494"),
            ),
            compute=completeness,
            title="Role completeness of district teams",
        ),
        Measure(
            key="people",
            label="People at the selected events",
            one_event=False,
            classes=(
                MeasureClass("Team, 0 people", "#fdae61"),
                MeasureClass("1-2 people", "#edf8b1"),
                MeasureClass("3-4 people", "#41b6c4"),
                MeasureClass("5+ people", "#253494"),
            ),
            compute=people,
            title="People district teams brought to CA LMI events",
        ),
        Measure(
            key="changes",
            label="Changes since the event before",
            one_event=True,
            classes=tuple(
                MeasureClass(participation.CHANGE_LABELS[c], colour)
                for c, colour in zip(
                    participation.CHANGES,
                    # Okabe-Ito bluish green, blue, vermillion; pale orange
                    ("#009e73", "#0072b2", "#d55e00", "#fdd49e"),
                )
            ),
            compute=changes,
            title="District teams new, returning and lapsed",
            compare=True,
        ),
        Measure(
            key="outreach",
            label="Outreach: never reached, applied only or lapsed",
            one_event=False,
            classes=tuple(
                MeasureClass(participation.OUTREACH_LABELS[s], colour)
                for s, colour in zip(
                    participation.OUTREACH_CLASSES,
                    # never reached the strongest (Okabe-Ito vermillion), then
                    # Okabe-Ito yellow, PRGn dark purple; pale blue for done
                    # (tests/test_palettes_cvd.py: >= 20 over the minimums)
                    ("#d55e00", "#f0e442", "#762a83", "#9ecae1"),
                )
            ),
            compute=outreach,
            title="Districts to reach: never reached, applied only or lapsed",
            compare=True,
            unlisted=0,
        ),
    )
}

#: Measure key → label, in registry order (for select boxes and legends).
MEASURES: dict[str, str] = {key: m.label for key, m in REGISTRY.items()}


def measure_spec(key: str) -> Measure:
    """The registry entry of a measure.

    Raises
    ------
    KeyError
        If ``key`` is not a key of :data:`REGISTRY` (the message lists them).
    """
    try:
        return REGISTRY[key]
    except KeyError:
        raise KeyError(
            f"Unknown measure {key!r}; choose one of {', '.join(REGISTRY)}."
        ) from None


def legend(measure: str, *, include_no_data: bool = True) -> list[tuple[str, str]]:
    """Legend classes of a measure: ``[(label, hex colour), ...]``.

    The measure's classes, then *no team* (unless the measure gives such a
    district a class of its own, :attr:`Measure.unlisted`) and (unless
    ``include_no_data`` is False) *no data*.

    Raises
    ------
    KeyError
        If ``measure`` is not one of :data:`REGISTRY`.
    """
    spec = measure_spec(measure)
    items = [(c.label, c.color) for c in spec.classes]
    if spec.unlisted is None:
        items.append((NO_TEAM, _NO_TEAM_COLOR))
    if include_no_data:
        items.append((NO_DATA, _NO_DATA_COLOR))
    return items


def mapped_event_ids(
    measure: str,
    event_ids: Sequence[str] | None,
    events: pd.DataFrame | None = None,
    *,
    present: Sequence[str] = (),
) -> list[str]:
    """The events a measure maps, in the order its compute function takes them.

    The one place a map orders events: by
    :func:`loaders.participation.order_event_ids` and
    :func:`loaders.participation.comparison_event` (through
    :func:`compared_events`) on the events table the page or command uses,
    so an event added in the workspace takes its place by date on the map as
    on the Trends page and in the tables.

    Parameters
    ----------
    measure : str
        A key of :data:`REGISTRY`.
    event_ids : sequence of str or None
        The events chosen (empty: every event in ``present``).
    events : pandas.DataFrame, optional
        The events table (:func:`loaders.events.all_events` of the workspace);
        default the published events (:func:`loaders.events.load_events`).
    present : sequence of str
        Event ids with roster rows (what "every event" means for a measure
        over events in time).

    Returns
    -------
    list of str
        One-event measure: ``[event]`` (a changes measure ``[B, A]``); over
        events in time (outreach): the chosen (or present) events oldest
        first, undated first; otherwise ``event_ids`` as given (``[]`` for
        all).
    """
    spec = measure_spec(measure)
    ids = list(event_ids or [])
    table = load_events() if events is None and spec.compare else events
    if spec.one_event:
        return compared_events(ids, table) if spec.compare else ids[:1]
    if spec.compare:
        return participation.order_event_ids(
            ids or list(dict.fromkeys(present)), table, undated="first"
        )
    return ids


def measure_layer(
    layer: pd.DataFrame,
    teams: pd.DataFrame,
    *,
    measure: str,
    event_ids: Sequence[str] | None = None,
    events: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Add the chosen measure, its class label and fill colour to each district/COE.

    Parameters
    ----------
    layer : GeoDataFrame or DataFrame
        Districts or counties (needs ``geoid``, str), n rows.
    teams : pandas.DataFrame
        :func:`loaders.participation.teams_by_event` output.
    measure : str
        A key of :data:`REGISTRY`.
    event_ids : sequence of str, optional
        Events to consider; a one-event measure uses the first one only.
        ``None`` (or empty) means all events present in ``teams``.
    events : pandas.DataFrame, optional
        The events table that orders them (default the published events):
        see :func:`mapped_event_ids`.

    Returns
    -------
    Same type as ``layer``
        n rows (a copy), with ``measure_value`` (float; NaN for no team / no
        data), ``measure_label`` (str, one of :func:`legend` labels) and
        ``fill_color`` (hex str). A measure with an :attr:`Measure.unlisted`
        class gives it (value 0) to every district/COE without a team.

    Raises
    ------
    KeyError
        If ``measure`` is unknown.
    ValueError
        If a one-event measure is asked without an event.
    """
    spec = measure_spec(measure)
    if spec.one_event and not event_ids:
        raise ValueError(f"The measure {spec.label!r} needs one event.")
    event_ids = mapped_event_ids(
        measure, event_ids, events, present=teams["event_id"].unique()
    )
    sel = teams if not event_ids else teams.loc[teams["event_id"].isin(event_ids)]
    out = layer.copy()
    labels = [c.label for c in spec.classes]
    value = pd.Series(np.nan, index=out.index, dtype=float)
    absent = NO_TEAM if spec.unlisted is None else labels[spec.unlisted]
    label = pd.Series(NO_DATA if sel.empty else absent, index=out.index, dtype=object)
    if not sel.empty:
        per = spec.compute(sel, event_ids) if spec.compare else spec.compute(sel)
        geoids = out["geoid"].astype(str)
        value = geoids.map(per["value"]).astype(float)
        klass = geoids.map(per["klass"])
        has = klass.notna()
        if has.any():
            label[has] = [labels[int(k)] for k in klass[has]]
        if spec.unlisted is not None:
            value = value.fillna(0.0)
    colors = dict(legend(measure))
    out["measure_value"] = value.to_numpy()
    out["measure_label"] = label.astype(str).to_numpy()
    out["fill_color"] = out["measure_label"].map(colors).to_numpy()
    return out
