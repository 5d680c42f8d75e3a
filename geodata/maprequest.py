"""What a participation map shows: the request, the area and the extent.

A :class:`MapRequest` is a selection as chosen on the Map or Export page or on
the command line (measure, events, region or county, district types, venues).
This module checks it, resolves its area (:func:`select_area`), chooses the
level of detail and extent of an interactive view (:func:`detail_level`,
:func:`drill_view`) and words its titles (:func:`map_titles`). Drawing is done
elsewhere: :mod:`geodata.layers` builds the layers of a request,
:mod:`geodata.mapview` / :mod:`geodata.htmlmap` draw them with folium and
:mod:`geodata.staticmap` with matplotlib.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from geodata.gazetteer import past_venues
from geodata.measures import (
    REGISTRY,
    compared_events,
    mapped_event_ids,
    measure_spec,
)
from loaders.entities import ENTITY_TYPES

__all__ = [
    "ALL_TYPES",
    "MAX_VENUE_EVENTS",
    "SOURCE_LINE",
    "MapRequest",
    "MapSelection",
    "detail_level",
    "drill_view",
    "map_titles",
    "request_venues",
    "select_area",
]

#: Credit line printed under every exported map (static and HTML).
SOURCE_LINE = (
    "Boundaries: U.S. Census Bureau 2021; district data: California Department "
    "of Education; participation: CA LMI"
)


@dataclass(frozen=True)
class MapSelection:
    """The part of California a static map is cropped to.

    Attributes
    ----------
    label : str
        Human label ("CCSESA Region 4", "Alameda County", "California").
    county_fips : tuple of str
        FIPS codes (``06xxx``) of the selected counties; empty for statewide.
    """

    label: str
    county_fips: tuple[str, ...] = ()

    @property
    def statewide(self) -> bool:
        """True when nothing is selected (the whole state is drawn)."""
        return not self.county_fips


def select_area(
    counties: pd.DataFrame,
    *,
    region: int | None = None,
    county: str | Sequence[str] | None = None,
) -> MapSelection:
    """Resolve a CCSESA region or county filter to a :class:`MapSelection`.

    Parameters
    ----------
    counties : pandas.DataFrame
        At least ``county_fips`` (str ``06xxx``), ``county`` (name, e.g.
        ``"Alameda"``) and ``ccsesa_region`` (int 1-11), as in
        :func:`geodata.boundaries.county_boundaries`.
    region : int, optional
        CCSESA service region, 1-11.
    county : str or sequence of str, optional
        County name(s) (``"Alameda"`` or ``"Alameda County"``) or FIPS code(s).
        Takes precedence over ``region``.

    Returns
    -------
    MapSelection
        Statewide when neither is given.

    Raises
    ------
    ValueError
        If the region is not 1-11 or a county is not one of the 58.
    """
    if county is not None and len(county) > 0:
        wanted = [county] if isinstance(county, str) else list(county)
        by_name = {
            str(n).lower(): f
            for n, f in zip(counties["county"], counties["county_fips"])
        }
        fips_set = set(counties["county_fips"])
        picked: list[str] = []
        for item in wanted:
            key = str(item).strip()
            low = key.lower().removesuffix(" county").strip()
            if key in fips_set:
                picked.append(key)
            elif low in by_name:
                picked.append(by_name[low])
            else:
                raise ValueError(
                    f"County {item!r} is not one of California's 58 counties; give "
                    "its name (e.g. 'Alameda') or FIPS code (e.g. '06001')."
                )
        names = counties.set_index("county_fips")["county"]
        label = (
            f"{names[picked[0]]} County"
            if len(picked) == 1
            else ", ".join(str(names[f]) for f in picked) + " counties"
        )
        return MapSelection(label, tuple(dict.fromkeys(picked)))
    if region is not None:
        try:
            number = int(region)
        except (TypeError, ValueError):
            number = -1
        regions = sorted(int(r) for r in pd.unique(counties["ccsesa_region"]))
        if number not in regions:
            raise ValueError(
                f"Region {region!r} is not a CCSESA service region; choose one of "
                f"{regions[0]}-{regions[-1]}."
            )
        fips = counties.loc[counties["ccsesa_region"] == number, "county_fips"]
        return MapSelection(f"CCSESA Region {number}", tuple(sorted(fips)))
    return MapSelection("California")


def drill_view(
    districts: gpd.GeoDataFrame,
    counties: gpd.GeoDataFrame,
    *,
    region: int | None = None,
    county: str | None = None,
    geoid: str | None = None,
    district_types: list[str] | None = None,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, tuple[float, float, float, float]]:
    """Districts and counties to draw for a drill-down, and the extent to show.

    Parameters
    ----------
    districts, counties : geopandas.GeoDataFrame
        Layers at the level of detail to draw (EPSG:4326).
    region : int, optional
        CCSESA region 1-11; ``None`` is all California.
    county : str, optional
        County name; narrows the region.
    geoid : str, optional
        A district (NCES id) or COE (county FIPS): the extent fits it.
    district_types : list of str, optional
        Keep only these types (``"coe"`` keeps the counties layer).

    Returns
    -------
    (districts, counties, bounds)
        Rows inside the selection and ``(minx, miny, maxx, maxy)`` in degrees.
    """
    d, c = districts, counties
    if region is not None:
        d = d.loc[d["ccsesa_region"] == int(region)]
        c = c.loc[c["ccsesa_region"] == int(region)]
    if county:
        d = d.loc[d["county"] == county]
        c = c.loc[c["county"] == county]
    if district_types is not None:
        d = d.loc[d["district_type"].isin(district_types)]
        if "coe" not in district_types:
            c = c.iloc[0:0]
    focus = None
    if geoid:
        focus = districts.loc[districts["geoid"] == geoid]
        if focus.empty:
            focus = counties.loc[counties["geoid"] == geoid]
    extent_from = focus if focus is not None and not focus.empty else None
    if extent_from is None:
        extent_from = c if not c.empty else d
    if extent_from.empty:
        extent_from = counties
    bounds = tuple(float(v) for v in extent_from.total_bounds)
    return d, c, bounds  # type: ignore[return-value]


def detail_level(region: int | None, county: str | None) -> str:
    """Level of detail for a view: ``"state"``, ``"region"`` or ``"county"``."""
    if county:
        return "county"
    if region is not None:
        return "region"
    return "state"


#: Every district type and COEs, the Map page's default.
ALL_TYPES: tuple[str, ...] = ENTITY_TYPES
#: Show venue stars only when at most this many events are mapped.
MAX_VENUE_EVENTS = 6


@dataclass(frozen=True)
class MapRequest:
    """A map selection, as chosen on the Map or Export page or on the command line.

    Attributes
    ----------
    measure : str
        A key of :data:`geodata.measures.REGISTRY` (``"events_attended"``,
        ``"event_status"``, ``"completeness"``...).
    event_ids : tuple of str
        Events mapped; empty means all events (not for a one-event measure,
        which uses the first id).
    region : int or None
        CCSESA region 1-11 to crop to.
    county : str or None
        County name to crop to (narrows ``region``).
    district_types : tuple of str
        Types drawn (``unified``, ``elementary``, ``secondary``, ``coe``).
    show_venues : bool
        Mark the selected events' venue cities (up to
        :data:`MAX_VENUE_EVENTS` events).
    """

    measure: str = "events_attended"
    event_ids: tuple[str, ...] = ()
    region: int | None = None
    county: str | None = None
    district_types: tuple[str, ...] = ALL_TYPES
    show_venues: bool = True

    def checked(self, events: pd.DataFrame) -> MapRequest:
        """This request after checking it against the events table.

        Raises
        ------
        ValueError
            Unknown measure, event id, district type, or a one-event measure
            without an event; the message says what to choose.
        """
        if self.measure not in REGISTRY:
            raise ValueError(
                f"Unknown measure {self.measure!r}; choose one of "
                f"{', '.join(REGISTRY)}."
            )
        known = set(events["event_id"])
        unknown = [e for e in self.event_ids if e not in known]
        if unknown:
            raise ValueError(
                f"Unknown event {unknown[0]!r}; event ids are listed in "
                "loaders/data/events.csv (e.g. "
                f"{events['event_id'].iloc[0]})."
            )
        spec = REGISTRY[self.measure]
        if spec.one_event and not self.event_ids:
            raise ValueError(
                f"The measure {spec.label!r} is for one event: give an event id."
            )
        bad = [t for t in self.district_types if t not in ALL_TYPES]
        if bad:
            raise ValueError(
                f"Unknown district type {bad[0]!r}; choose from {', '.join(ALL_TYPES)}."
            )
        return self

    @property
    def mapped_events(self) -> tuple[str, ...]:
        """The event ids the measure actually uses (ordered by the published
        events; :func:`geodata.measures.mapped_event_ids` with the events
        table of the page or command is what the maps and titles use)."""
        spec = measure_spec(self.measure)
        if spec.one_event and spec.compare:  # the event, then its comparison
            return tuple(compared_events(self.event_ids[:2]))
        if spec.one_event:
            return self.event_ids[:1]
        return self.event_ids


def map_titles(
    request: MapRequest, events: pd.DataFrame, area_label: str | None = None
) -> tuple[str, str]:
    """Title and subtitle of an exported map.

    Parameters
    ----------
    request : MapRequest
    events : pandas.DataFrame
        :func:`loaders.events.load_events` (``event_id``, ``label``,
        ``start_date``, ``end_date``, ``city``).
    area_label : str, optional
        "California", "CCSESA Region 4", "Alameda County"...

    Returns
    -------
    (title, subtitle) : tuple of str
        ``"{measure title}: {area}"``; the subtitle names the mapped event(s)
        and their dates.
    """
    ev = events.set_index("event_id")
    ids = mapped_event_ids(request.measure, request.event_ids, events)
    area = area_label or "California"

    def when(eid: str) -> str:
        start = str(ev.at[eid, "start_date"] or "") if "start_date" in ev else ""
        end = str(ev.at[eid, "end_date"] or "") if "end_date" in ev else ""
        if not start or start == "<NA>":
            return "date not published"
        return start if not end or end in (start, "<NA>") else f"{start} to {end}"

    spec = measure_spec(request.measure)
    title = f"{spec.title}: {area}"
    if spec.one_event:
        subtitle = f"{ev.at[ids[0], 'label']} ({when(ids[0])})"
        if spec.compare and len(ids) > 1 and ids[1] in ev.index:
            subtitle += f", compared with {ev.at[ids[1], 'label']}"
    else:
        if not ids:
            subtitle = f"All {len(events)} CA LMI events"
        elif len(ids) == 1:
            subtitle = f"{ev.at[ids[0], 'label']} ({when(ids[0])})"
        else:
            names = "; ".join(str(ev.at[e, "label"]) for e in ids[:3])
            more = f" and {len(ids) - 3} more" if len(ids) > 3 else ""
            subtitle = f"{len(ids)} events: {names}{more}"
    return title, subtitle


def request_venues(request: MapRequest, events: pd.DataFrame) -> pd.DataFrame | None:
    """Venue cities of the mapped events (``name``, ``lat``, ``lon``), or None.

    Uses :func:`geodata.gazetteer.past_venues` (offline GeoNames); events with
    no published city have no marker. ``None`` when venues are off, when more
    than :data:`MAX_VENUE_EVENTS` events are mapped, or when none has a city.
    """
    ids = list(request.mapped_events)
    if not request.show_venues or not ids or len(ids) > MAX_VENUE_EVENTS:
        return None
    chosen = events.loc[events["event_id"].isin(ids)]
    try:
        venues = past_venues(chosen)
    except (LookupError, ValueError):  # an ungeocodable city only loses its star
        return None
    if venues.empty:
        return None
    return venues[["name", "lat", "lon"]].reset_index(drop=True)
