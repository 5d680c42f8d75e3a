"""The participation layers of a map request: one pipeline for every map.

:func:`participation_layers` turns a :class:`~geodata.maprequest.MapRequest`
and the teams of a roster into the districts and counties to draw, each with
its measure value, class label and colour (:func:`geodata.measures.measure_layer`),
the county outlines, the extent and the legend. The Map page, the interactive
HTML export (:mod:`geodata.htmlmap`) and the static export
(:mod:`geodata.staticmap`) all draw what it returns, so what is exported is
what is on screen.

Two resolutions: a web level of detail (``"state"``, ``"region"`` or
``"county"``, :data:`geodata.simplify.LEVELS`: simplified layers cropped to the
area, as the browser draws them) or ``"print"`` (the full-resolution Census
boundaries of the whole state, which the static renderer crops and simplifies
for its own pixel size).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from geodata import boundaries, simplify
from geodata.maprequest import MapRequest, detail_level, drill_view
from geodata.measures import legend, measure_layer

__all__ = ["PRINT", "ParticipationLayers", "participation_layers"]

#: The level of :func:`participation_layers` for print (full resolution).
PRINT = "print"


@dataclass(frozen=True)
class ParticipationLayers:
    """What a participation map draws.

    Attributes
    ----------
    request : MapRequest
        The request the layers were built for.
    level : str
        ``"state"``, ``"region"``, ``"county"`` (web) or :data:`PRINT`.
    districts : geopandas.GeoDataFrame
        Districts of the requested types (EPSG:4326; web levels: inside the
        area only) with ``measure_value`` (float), ``measure_label`` (str) and
        ``fill_color`` (hex str).
    counties : geopandas.GeoDataFrame
        Counties (COEs). Web levels: inside the area, with the measure, empty
        when ``"coe"`` is not a requested type. Print: all 58 (the renderer
        needs them for county lines and the inset), with the measure only when
        ``"coe"`` is requested, plus ``lat`` / ``lon`` (float degrees, the COE
        office from :func:`geodata.boundaries.entity_reference`; NaN unknown).
    outlines : geopandas.GeoDataFrame
        County outlines to draw over the map (statewide layer, the region's
        counties when a region is chosen).
    bounds : tuple of float
        ``(minx, miny, maxx, maxy)`` degrees: the extent to show.
    legend : list of (str, str)
        Legend classes of the measure (label, hex colour).
    precision : int
        Coordinate decimals the browser gets (the level's; 6 for print).
    """

    request: MapRequest
    level: str
    districts: gpd.GeoDataFrame
    counties: gpd.GeoDataFrame
    outlines: gpd.GeoDataFrame
    bounds: tuple[float, float, float, float]
    legend: list[tuple[str, str]]
    precision: int


def participation_layers(
    teams: pd.DataFrame,
    request: MapRequest,
    *,
    level: str | None = None,
    events: pd.DataFrame | None = None,
) -> ParticipationLayers:
    """Districts and counties coloured by the request's measure.

    Parameters
    ----------
    teams : pandas.DataFrame
        :func:`loaders.participation.teams_by_event` of the roster.
    request : MapRequest
        Checked or not (a one-event measure without an event raises).
    level : str, optional
        ``"state"``, ``"region"``, ``"county"`` or :data:`PRINT`; default the
        web level of the request's area (:func:`geodata.maprequest.detail_level`).
    events : pandas.DataFrame, optional
        The events table of the page or command (published and added,
        :func:`loaders.events.all_events`): it orders the events of a measure
        over time (:func:`geodata.measures.mapped_event_ids`). Default the
        published events.

    Returns
    -------
    ParticipationLayers

    Raises
    ------
    KeyError
        Unknown measure or level.
    ValueError
        A one-event measure without an event.
    """
    ids = list(request.event_ids) or None
    types = list(request.district_types)
    measure = request.measure
    if level == PRINT:
        districts = boundaries.district_boundaries()
        districts = districts.loc[districts["district_type"].isin(types)]
        counties = boundaries.county_boundaries()
        districts = measure_layer(
            districts, teams, measure=measure, event_ids=ids, events=events
        )
        if "coe" in types:
            counties = measure_layer(
                counties, teams, measure=measure, event_ids=ids, events=events
            )
        ref = boundaries.entity_reference()
        office = ref.loc[ref["district_type"] == "coe"].set_index("geoid")
        counties = counties.assign(
            lat=counties["geoid"].map(office["lat"]).astype(float).to_numpy(),
            lon=counties["geoid"].map(office["lon"]).astype(float).to_numpy(),
        )
        _, _, bounds = drill_view(
            districts, counties, region=request.region, county=request.county
        )
        return ParticipationLayers(
            request=request,
            level=PRINT,
            districts=districts,
            counties=counties,
            outlines=counties,
            bounds=bounds,
            legend=legend(measure),
            precision=6,
        )
    level = level or detail_level(request.region, request.county)
    districts, counties = simplify.web_layers(level)
    districts, counties, bounds = drill_view(
        districts,
        counties,
        region=request.region,
        county=request.county,
        district_types=types,
    )
    _, outlines = simplify.web_layers("state")
    if request.region is not None:
        outlines = outlines.loc[outlines["ccsesa_region"] == int(request.region)]
    return ParticipationLayers(
        request=request,
        level=level,
        districts=measure_layer(
            districts, teams, measure=measure, event_ids=ids, events=events
        ),
        counties=measure_layer(
            counties, teams, measure=measure, event_ids=ids, events=events
        ),
        outlines=outlines,
        bounds=bounds,
        legend=legend(measure),
        precision=simplify.LEVELS[level].decimals,
    )
