"""California school-district and county boundaries, joined to CDE attributes.

Sources (see :mod:`geodata.sources`): the Census Bureau's 2021 cartographic
school-district files for California (unified, elementary, secondary), its 2020
county file, CDE's district-areas attribute table (``DistrictAreas1819.csv``),
CDE's public-districts directory (``pubdistricts.txt``) and the CCSESA region of
each county (shipped in ``loaders/data/counties.csv``, :mod:`loaders.counties`).

Two kinds of *entity* can send a team: a school district (identified by its
NCES LEA id, which is the Census ``GEOID``) and a county office of education
(COE, identified by its county's FIPS code ``06xxx``, and drawn as the county).

The public functions return frames with these columns (all text columns are
pandas string dtype, codes keep their leading zeros):

``geoid``
    NCES LEA id (7 chars, ``06`` + 5 digits) for a district; county FIPS
    (5 chars, ``06xxx``) for a COE.
``cd_code`` / ``cds_code``
    CDE county-district code (7 digits) and CDS code (14 digits).
``name``
    CDE name (``"San Diego Unified"``; ``"Alameda County Office of Education"``).
``census_name``
    Census ``NAME`` (``"San Diego City Unified School District"``); for a COE the
    county's name with "County".
``district_type``
    ``"unified"``, ``"elementary"``, ``"secondary"`` or ``"coe"``.
``county``, ``county_fips``, ``ccsesa_region``
    County name, 5-char FIPS, CCSESA service region (int 1-11).
``enrollment``
    2018-19 K-12 enrollment (``Int64``; missing for COEs).
``lat``, ``lon``
    District / COE office location (WGS84 degrees) from CDE's directory; where
    the directory has none, a point inside the polygon.
``location_source``
    ``"cde_directory"``, ``"polygon_point"`` or ``"county_office"`` (the two
    districts with neither an office location nor a polygon).
``has_boundary``
    Whether a 2021 Census polygon exists (False for Feather Falls Union
    Elementary and Elkins Elementary).
"""

from __future__ import annotations

import json
import math
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.cache import cached_frames
from geodata.sources import SOURCES, SourceError, fetch
from loaders.counties import county_table
from loaders.entities import CDE_TYPES, CENSUS_LAYERS, ENTITY_TYPES, entity_labels

__all__ = [
    "DISTRICT_TYPES",
    "ENTITY_TYPES",
    "PSEUDO_DISTRICT_GEOIDS",
    "county_boundaries",
    "district_boundaries",
    "districts_at",
    "entity_labels",
    "entity_reference",
    "region_table",
]

#: Census layer key → district type used throughout the product.
DISTRICT_TYPES: dict[str, str] = CENSUS_LAYERS
#: Census GEOID that is no district ("School District Not Defined").
PSEUDO_DISTRICT_GEOIDS = frozenset({"0699997"})

_WEB_CRS = "EPSG:4326"


def region_table() -> pd.DataFrame:
    """The 58 California counties and their CCSESA service region.

    Returns
    -------
    pandas.DataFrame
        58 rows: ``county_fips`` (str, ``06xxx``), ``county`` (str),
        ``cds_county_code`` (str, ``01``-``58``), ``ccsesa_region`` (int 1-11),
        ``region_source`` (str, where the assignment was published).
    """
    return _region_table().copy()


@lru_cache(maxsize=1)
def _region_table() -> pd.DataFrame:
    table = county_table()
    table = table.rename(columns={"county_name": "county", "source": "region_source"})
    table["ccsesa_region"] = table["ccsesa_region"].astype(int)
    return table


def _read_cde_districts() -> pd.DataFrame:
    path = fetch("cde_districts")
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    needed = {"FedID", "CDCode", "CDSCode", "DistrictNa", "DistrictTy", "CountyName"}
    missing = needed - set(table.columns)
    if missing:
        raise SourceError(
            f"{path}: columns {sorted(missing)} are missing; expected CDE's "
            "DistrictAreas1819 attribute table."
        )
    out = pd.DataFrame(
        {
            "geoid": table["FedID"].str.strip().str.zfill(7),
            "cd_code": table["CDCode"].str.strip().str.zfill(7),
            "cds_code": table["CDSCode"].str.strip().str.zfill(14),
            "name": table["DistrictNa"].str.strip(),
            "district_type": table["DistrictTy"].str.strip().map(CDE_TYPES),
            "county": table["CountyName"].str.strip(),
            "enrollment": pd.to_numeric(table.get("EnrollTota"), errors="coerce")
            .round()
            .astype("Int64"),
        }
    )
    bad = out["district_type"].isna()
    if bad.any():
        row = int(np.flatnonzero(bad)[0]) + 2
        raise SourceError(
            f"{path}, row {row}, column DistrictTy: unknown district type "
            f"{table['DistrictTy'].iloc[row - 2]!r} (expected Unified, Elementary "
            "or High)."
        )
    return out


def _read_cde_directory() -> pd.DataFrame:
    path = fetch("cde_directory")
    table = pd.read_csv(
        path, sep="\t", dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
    table.columns = [c.strip() for c in table.columns]
    needed = {"CD Code", "County", "District", "Latitude", "Longitude", "DOCType"}
    missing = needed - set(table.columns)
    if missing:
        raise SourceError(
            f"{path}: columns {sorted(missing)} are missing; expected CDE's public "
            "districts directory (pubdistricts.txt)."
        )
    return pd.DataFrame(
        {
            "cd_code": table["CD Code"].str.strip().str.zfill(7),
            "county": table["County"].str.strip(),
            "name": table["District"].str.strip(),
            "doc_type": table["DOCType"].str.strip(),
            "lat": pd.to_numeric(table["Latitude"], errors="coerce"),
            "lon": pd.to_numeric(table["Longitude"], errors="coerce"),
            "city": table.get("City", pd.Series("", index=table.index)).str.strip(),
        }
    )


def _read_census_layer(key: str) -> gpd.GeoDataFrame:
    path = fetch(key)
    layer = gpd.read_file(f"zip://{path}", engine="pyogrio")
    return layer


@lru_cache(maxsize=1)
def _build_layers() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, pd.DataFrame]:
    """Districts (942 polygons), counties (58) and the entity reference table."""
    districts, counties, reference = cached_frames(
        ("districts.parquet", "counties.parquet", "entities.parquet"),
        _build_layers_from_sources,
    )
    return districts, counties, reference


def _build_layers_from_sources() -> tuple[
    gpd.GeoDataFrame, gpd.GeoDataFrame, pd.DataFrame
]:
    regions = _region_table()
    cde = _read_cde_districts()
    directory = _read_cde_directory()

    # --- districts: Census polygons joined to CDE on NCES id = GEOID ----------
    parts = []
    for key, dtype in DISTRICT_TYPES.items():
        layer = _read_census_layer(key)
        layer = layer.loc[~layer["GEOID"].isin(PSEUDO_DISTRICT_GEOIDS)]
        # Census pseudo-districts (e.g. "Tracy Unified School District (9-12)")
        # carry GEOIDs that are not NCES ids: they have no row in CDE's table.
        layer = layer.loc[layer["GEOID"].isin(cde["geoid"])]
        parts.append(
            gpd.GeoDataFrame(
                {
                    "geoid": layer["GEOID"].astype(str).to_numpy(),
                    "census_name": layer["NAME"].astype(str).to_numpy(),
                    "layer_type": dtype,
                },
                geometry=layer.geometry.to_numpy(),
                crs=layer.crs,
            )
        )
    polys = pd.concat(parts, ignore_index=True)
    polys = gpd.GeoDataFrame(polys, geometry="geometry", crs=parts[0].crs).to_crs(
        _WEB_CRS
    )
    polys["geometry"] = polys.geometry.make_valid()

    county_fips_by_name = dict(zip(regions["county"], regions["county_fips"]))
    region_by_fips = dict(zip(regions["county_fips"], regions["ccsesa_region"]))

    dist_ref = cde.merge(polys[["geoid", "census_name"]], on="geoid", how="left")
    dist_ref["has_boundary"] = dist_ref["census_name"].notna()
    dist_ref["county_fips"] = dist_ref["county"].map(county_fips_by_name)
    if dist_ref["county_fips"].isna().any():
        bad = dist_ref.loc[dist_ref["county_fips"].isna(), "county"].iloc[0]
        raise SourceError(f"CDE county name {bad!r} is not one of the 58 counties.")
    dist_ref["ccsesa_region"] = dist_ref["county_fips"].map(region_by_fips)
    office = directory.drop_duplicates("cd_code").set_index("cd_code")
    dist_ref["lat"] = dist_ref["cd_code"].map(office["lat"])
    dist_ref["lon"] = dist_ref["cd_code"].map(office["lon"])

    # --- counties (COEs) ---------------------------------------------------------
    county_layer = _read_census_layer("county")
    county_layer = county_layer.loc[county_layer["STATEFP"] == "06"].to_crs(_WEB_CRS)
    county_layer = county_layer.rename(columns={"GEOID": "county_fips"})
    coes = directory.loc[directory["doc_type"].str.startswith("County Office")]
    coe_by_county = coes.drop_duplicates("county").set_index("county")
    coe_ref = regions.copy()
    coe_ref["geoid"] = coe_ref["county_fips"]
    coe_ref["cd_code"] = coe_ref["county"].map(coe_by_county["cd_code"])
    coe_ref["cds_code"] = coe_ref["cd_code"] + "0000000"
    coe_ref["name"] = coe_ref["county"].map(coe_by_county["name"])
    coe_ref["census_name"] = coe_ref["county"] + " County"
    coe_ref["district_type"] = "coe"
    coe_ref["enrollment"] = pd.array([pd.NA] * len(coe_ref), dtype="Int64")
    coe_ref["lat"] = coe_ref["county"].map(coe_by_county["lat"])
    coe_ref["lon"] = coe_ref["county"].map(coe_by_county["lon"])
    coe_ref["has_boundary"] = coe_ref["county_fips"].isin(county_layer["county_fips"])
    if coe_ref["cd_code"].isna().any():
        bad = coe_ref.loc[coe_ref["cd_code"].isna(), "county"].iloc[0]
        raise SourceError(f"CDE directory lists no county office for {bad} County.")

    columns = [
        "geoid",
        "cd_code",
        "cds_code",
        "name",
        "census_name",
        "district_type",
        "county",
        "county_fips",
        "ccsesa_region",
        "enrollment",
        "lat",
        "lon",
        "has_boundary",
    ]
    reference = pd.concat(
        [dist_ref[columns], coe_ref[columns]], ignore_index=True
    ).reset_index(drop=True)

    districts = polys.drop(columns="census_name").merge(
        reference.drop(columns=["lat", "lon", "has_boundary"]), on="geoid", how="left"
    )
    mismatch = districts["district_type"] != districts["layer_type"]
    if mismatch.any():
        row = districts.loc[mismatch].iloc[0]
        raise SourceError(
            f"District {row['geoid']} ({row['name']}) is {row['district_type']} in "
            f"CDE's table but in the Census {row['layer_type']} layer."
        )
    districts = districts.drop(columns="layer_type")

    # Fall back to a point inside the polygon where CDE's directory has no office.
    rep = districts.set_index("geoid").geometry.representative_point()
    no_point = reference["lat"].isna() & reference["geoid"].isin(rep.index)
    reference["location_source"] = np.where(
        reference["lat"].notna(), "cde_directory", "polygon_point"
    )
    if no_point.any():
        ids = reference.loc[no_point, "geoid"]
        reference.loc[no_point, "lat"] = ids.map(rep.y).astype(float).to_numpy()
        reference.loc[no_point, "lon"] = ids.map(rep.x).astype(float).to_numpy()

    # Last resort (no office listed, no polygon): the county office's location.
    still = reference["lat"].isna()
    if still.any():
        coe_at = coe_ref.set_index("county_fips")
        fips = reference.loc[still, "county_fips"]
        reference.loc[still, "lat"] = fips.map(coe_at["lat"]).astype(float).to_numpy()
        reference.loc[still, "lon"] = fips.map(coe_at["lon"]).astype(float).to_numpy()
        reference.loc[still, "location_source"] = "county_office"

    counties = gpd.GeoDataFrame(
        county_layer[["county_fips", "geometry"]].merge(
            reference.loc[reference["district_type"] == "coe"].drop(
                columns=["lat", "lon", "has_boundary", "location_source"]
            ),
            on="county_fips",
        ),
        geometry="geometry",
        crs=_WEB_CRS,
    )
    counties = counties[
        [
            "geoid",
            *[c for c in columns if c not in ("geoid", "lat", "lon", "has_boundary")],
            "geometry",
        ]
    ]
    districts = districts[counties.columns.tolist()]

    for frame in (districts, counties, reference):
        for col in frame.columns:
            if frame[col].dtype == object and col != "geometry":
                frame[col] = frame[col].astype("string")
    reference["ccsesa_region"] = reference["ccsesa_region"].astype(int)
    return (
        districts.sort_values(["district_type", "geoid"]).reset_index(drop=True),
        counties.sort_values("geoid").reset_index(drop=True),
        reference,
    )


def district_boundaries() -> gpd.GeoDataFrame:
    """The 942 real California school districts with CDE attributes.

    Returns
    -------
    geopandas.GeoDataFrame
        942 rows (344 unified, 522 elementary, 76 secondary), CRS EPSG:4326,
        full Census 1:500,000 resolution; columns ``geoid``, ``cd_code``,
        ``cds_code``, ``name``, ``census_name``, ``district_type``, ``county``,
        ``county_fips``, ``ccsesa_region``, ``enrollment``, ``geometry``.

    Raises
    ------
    geodata.sources.SourceError
        If a source file is missing, fails its pinned hash, or has unexpected
        columns.

    Notes
    -----
    Built once from the sources and stored as GeoParquet in the cache
    (``<cache>/derived/<fingerprint>/``), reused across restarts.
    """
    return _build_layers()[0].copy()


def county_boundaries() -> gpd.GeoDataFrame:
    """The 58 California counties, standing for their county offices of education.

    Returns
    -------
    geopandas.GeoDataFrame
        58 rows, CRS EPSG:4326, the same columns as :func:`district_boundaries`
        with ``geoid`` = county FIPS and ``district_type`` = ``"coe"``.
    """
    return _build_layers()[1].copy()


def entity_reference() -> pd.DataFrame:
    """Every district and COE that can send a team (944 districts + 58 COEs).

    Returns
    -------
    pandas.DataFrame
        1,002 rows with the columns described in the module docstring, including
        the two CDE districts that have no 2021 polygon (``has_boundary`` False).
    """
    return _build_layers()[2].copy()


def districts_at(lon: float, lat: float) -> pd.DataFrame:
    """Every district and COE whose polygon holds a point (a click on the map).

    Elementary and high-school districts overlap by design, so a point in the
    territory of an elementary district usually lies in a high-school district
    too; both are returned (a click there offers both), with the county office
    of education of the county the point lies in.

    Parameters
    ----------
    lon, lat : float
        WGS84 longitude and latitude in decimal degrees (EPSG:4326).

    Returns
    -------
    pandas.DataFrame
        0-4 rows, columns of :func:`entity_reference` (``geoid``, ``name``,
        ``district_type``, ``county``...), ordered by ``district_type`` as in
        :data:`ENTITY_TYPES` (unified, elementary, secondary, coe), then
        ``geoid``; the index runs 0..n-1. Tested against the full-resolution
        Census polygons; a point on a shared border belongs to both
        neighbours. Empty (same columns) for a point outside California.

    Raises
    ------
    ValueError
        If ``lon`` or ``lat`` is not a finite number within -180..180 /
        -90..90.

    Examples
    --------
    Downtown Santa Rosa lies in an elementary and a high-school district:

    >>> districts_at(-122.7141, 38.4405)["name"].tolist()
    ['Santa Rosa Elementary', 'Santa Rosa High', 'Sonoma County Office of Education']
    """
    if not (
        math.isfinite(lon)
        and math.isfinite(lat)
        and -180 <= lon <= 180
        and -90 <= lat <= 90
    ):
        raise ValueError(
            f"({lon!r}, {lat!r}) is not a longitude, latitude pair in degrees "
            "(EPSG:4326)."
        )
    districts, counties, reference = _build_layers()
    point = shapely.Point(lon, lat)
    hits = [
        frame["geoid"].iloc[frame.sindex.query(point, predicate="intersects")]
        for frame in (districts, counties)
    ]
    geoids = set(pd.concat(hits).astype(str))
    found = reference.loc[reference["geoid"].isin(geoids)].copy()
    order = {t: i for i, t in enumerate(ENTITY_TYPES)}
    found["_order"] = found["district_type"].map(order)
    found = found.sort_values(["_order", "geoid"]).drop(columns="_order")
    return found.reset_index(drop=True)


def source_summary() -> str:
    """One line per source file: its name and where it was read from."""
    return json.dumps({k: str(fetch(k)) for k in SOURCES}, indent=1)
