"""Point symbols of the printed map: county offices of education and venues."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.measures import NO_DATA, NO_TEAM
from geodata.staticmap.geometry import label_point
from geodata.staticmap.style import STATIC_CRS, TEXT, VENUE_FACE, halo


def coe_flags(cnty: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add ``show_coe`` (COE has a team) when the counties carry a measure."""
    if "show_coe" in cnty.columns or "fill_color" not in cnty.columns:
        return cnty
    if "measure_label" not in cnty.columns:
        return cnty
    flags = ~cnty["measure_label"].astype(str).isin([NO_TEAM, NO_DATA])
    return cnty.assign(
        show_coe=flags.to_numpy() & cnty["fill_color"].notna().to_numpy()
    )


def coe_points(cnty: gpd.GeoDataFrame, view_box) -> tuple[gpd.GeoSeries, list]:
    """COE squares inside the view: positions (EPSG:3310) and colours.

    At the office (``lat``/``lon``) where known, else at the county's label
    point; ``attrs["at_office"]`` tells whether every square is at its office.
    """
    empty = gpd.GeoSeries([], crs=STATIC_CRS)
    if "show_coe" not in cnty.columns or "fill_color" not in cnty.columns:
        return empty, []
    shown = cnty.loc[cnty["show_coe"].fillna(False).astype(bool)]
    if shown.empty:
        return empty, []
    pts = gpd.GeoSeries(
        [label_point(g) for g in shown.geometry], index=shown.index, crs=STATIC_CRS
    )
    at_office = pd.Series(False, index=shown.index)
    if {"lat", "lon"} <= set(shown.columns):
        lat = pd.to_numeric(shown["lat"], errors="coerce")
        lon = pd.to_numeric(shown["lon"], errors="coerce")
        at_office = lat.notna() & lon.notna()
        if at_office.any():
            office = gpd.GeoSeries(
                gpd.points_from_xy(lon[at_office], lat[at_office]),
                index=shown.index[at_office.to_numpy()],
                crs="EPSG:4326",
            ).to_crs(STATIC_CRS)
            pts[office.index] = office
    inside = pts.within(view_box)
    out = pts[inside]
    out.attrs["at_office"] = bool(at_office[inside].all())
    return out, shown.loc[inside, "fill_color"].tolist()


def draw_coes(ax, coes: tuple[gpd.GeoSeries, list], scale: float) -> None:
    pts, colors = coes
    if pts.empty:
        return
    ax.scatter(
        pts.x,
        pts.y,
        marker="s",
        s=(7 * scale) ** 2,
        c=colors,
        edgecolors=TEXT,
        linewidths=0.8 * scale,
        zorder=5.5,  # under the veil outside a crop, like the districts
    )


def venue_points(
    venues: pd.DataFrame | None, view_box
) -> tuple[gpd.GeoSeries, list[str]]:
    """Venue stars inside the view: positions (EPSG:3310) and names."""
    empty = gpd.GeoSeries([], crs=STATIC_CRS)
    if venues is None or len(venues) == 0:
        return empty, []
    missing = {"name", "lat", "lon"} - set(venues.columns)
    if missing:
        raise ValueError(
            f"The venues table lacks columns {sorted(missing)}; expected name, lat, "
            "lon (WGS84 degrees)."
        )
    v = venues.dropna(subset=["lat", "lon"])
    pts = gpd.GeoSeries(
        gpd.points_from_xy(v["lon"].astype(float), v["lat"].astype(float)),
        crs="EPSG:4326",
        index=v.index,
    ).to_crs(STATIC_CRS)
    keep = pts.within(view_box)
    return pts[keep], v.loc[keep, "name"].astype(str).tolist()


def draw_venues(ax, venues: tuple[gpd.GeoSeries, list[str]], scale, view_box):
    pts, names = venues
    if pts.empty:
        return
    ax.scatter(
        pts.x,
        pts.y,
        marker="*",
        s=(13 * scale) ** 2,
        c=VENUE_FACE,
        edgecolors=TEXT,
        linewidths=1.0 * scale,
        zorder=11,
    )
    x0, _, x1, _ = view_box.bounds
    for pt, name in zip(pts, names):
        # labels go right of the star, or left of it near the right edge
        right_side = (pt.x - x0) / (x1 - x0) < 0.72
        ax.annotate(
            name,
            (pt.x, pt.y),
            xytext=((7 if right_side else -7) * scale, 5 * scale),
            textcoords="offset points",
            ha="left" if right_side else "right",
            fontsize=8.5 * scale,
            fontweight="bold",
            color=TEXT,
            zorder=12,
            path_effects=halo(2.4 * scale),
        )


def venue_xy(venues: pd.DataFrame | None) -> np.ndarray:
    """Venue positions in EPSG:3310 metres, shape (n, 2)."""
    if venues is None or len(venues) == 0 or not {"lat", "lon"} <= set(venues):
        return np.empty((0, 2))
    v = venues.dropna(subset=["lat", "lon"])
    pts = gpd.GeoSeries(
        gpd.points_from_xy(v["lon"].astype(float), v["lat"].astype(float)),
        crs="EPSG:4326",
    ).to_crs(STATIC_CRS)
    return np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()])
