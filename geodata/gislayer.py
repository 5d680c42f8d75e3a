"""The participation layer for GIS: districts and COEs with their figures.

:func:`participation_layer` is what the GeoPackage and GeoJSON exports of
:mod:`geodata.formats` write (``lmi-dashboard export map --out
participation.gpkg``, the Export page's GIS buttons): one feature per district
(its Census boundary) and per county office of education (its county's
boundary, the area it serves) of the request's area and district types, each
with

* its identity: ``geoid`` (NCES LEA id, or county FIPS for a COE),
  ``cd_code``, ``cds_code``, ``name``, ``district_type``, ``county``,
  ``ccsesa_region`` (codes as text, leading zeros kept);
* the request's map measure: ``measure`` (its key), ``measure_value``,
  ``measure_label`` (the legend class) and ``fill_color``, from
  :func:`geodata.measures.measure_layer`, as on the maps;
* the participation figures of the district table for the same events
  (:func:`loaders.participation.area_figures` at ``"district"`` level, the
  function of the CSV/XLSX tables): ``events``, ``events_attended``,
  ``teams``, ``attended``, ``people``... 0 where no team.

No names of people, e-mail addresses or phone numbers: the layer is built
from team counts only. Geometry is EPSG:4326, full Census detail by default;
``simplified=True`` takes the coverage-simplified boundaries the Map page draws
(:func:`geodata.simplify.web_layers`: 1.5 km statewide, 150 m for a region
or county), without gaps or overlaps between neighbours.

Statewide with every type the layer holds 1,000 features: 942 districts with a
Census boundary and 58 COEs (two districts of the CDE directory have no
boundary and are not on any map).
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from geodata import boundaries, simplify
from geodata.maprequest import MapRequest
from geodata.measures import measure_layer
from loaders import participation as part

__all__ = ["CRS", "LAYER_NAME", "IDENTITY_COLUMNS", "participation_layer"]

#: The CRS every GIS export is written in (WGS 84 longitude/latitude).
CRS = "EPSG:4326"
#: Layer (table) name inside the GeoPackage.
LAYER_NAME = "participation"
#: The identity columns of every feature, in order.
IDENTITY_COLUMNS: list[str] = [
    "geoid",
    "cd_code",
    "cds_code",
    "name",
    "district_type",
    "county",
    "ccsesa_region",
]
_MEASURE_COLUMNS = ["measure", "measure_value", "measure_label", "fill_color"]


def participation_layer(
    teams: pd.DataFrame, request: MapRequest, *, simplified: bool = False
) -> gpd.GeoDataFrame:
    """Districts and COEs of a request with its measure and their figures.

    Parameters
    ----------
    teams : pandas.DataFrame
        :func:`loaders.participation.teams_by_event` of the roster.
    request : MapRequest
        Measure, events, area (region or county) and district types.
    simplified : bool, default False
        Coverage-simplified boundaries (the Map page's) instead of the full
        Census detail.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per district and COE of the area and types (statewide, every
        type: 1,000), districts first, then COEs; columns
        :data:`IDENTITY_COLUMNS`, ``measure`` (str), ``measure_value`` (float,
        NaN: no team), ``measure_label`` (str), ``fill_color`` (hex str),
        ``team_of`` (str, empty unless shared governance), the district
        table's figures (int64, 0 where no team: ``events``,
        ``events_attended``, ``complete_events``, ``reached``, ``teams``,
        ``attended``, ``complete_teams``, ``applied_not_attended``,
        ``people``, ``people_attended``, ``team_events``, ``role_*``), then
        ``geometry`` (Polygon/MultiPolygon, CRS :data:`CRS`).

    Raises
    ------
    KeyError
        Unknown measure.
    ValueError
        A one-event measure without an event.
    """
    level = "full"
    if simplified:
        level = "state" if request.region is None and not request.county else "region"
    districts, counties = simplify.web_layers(level)
    types = list(request.district_types)
    layer = pd.concat(
        [
            districts.loc[districts["district_type"].isin(types)],
            counties.assign(district_type="coe") if "coe" in types else counties[:0],
        ],
        ignore_index=True,
    )
    if request.county:
        layer = layer.loc[layer["county"] == request.county]
    elif request.region is not None:
        layer = layer.loc[layer["ccsesa_region"] == int(request.region)]
    ids = list(request.mapped_events) or None
    layer = measure_layer(layer, teams, measure=request.measure, event_ids=ids)
    layer["measure"] = request.measure

    reference = boundaries.entity_reference()
    filtered = part.filter_teams(teams, reference, event_ids=ids)
    figures = part.area_figures(filtered, reference, "district").set_index("geoid")
    counts = [
        c
        for c in figures.columns
        if c not in IDENTITY_COLUMNS and c != "team_of"
    ]
    geoids = layer["geoid"].astype(str)
    out = layer[IDENTITY_COLUMNS + _MEASURE_COLUMNS].copy()
    for col in IDENTITY_COLUMNS:
        if col != "ccsesa_region":
            out[col] = out[col].astype("string")
    out["ccsesa_region"] = out["ccsesa_region"].astype("int64")
    out["team_of"] = geoids.map(figures["team_of"]).fillna("").astype("string")
    for col in counts:
        out[col] = geoids.map(figures[col]).fillna(0).astype("int64")
    frame = gpd.GeoDataFrame(out, geometry=layer.geometry.to_numpy(), crs=layer.crs)
    return frame.to_crs(CRS).reset_index(drop=True)
