"""Drawing the print-ready map (PNG, SVG, PDF) with matplotlib.

:func:`render_static_map` lays out and draws a map of districts that carry a
``fill_color`` (see :func:`geodata.measures.measure_layer`);
:func:`participation_figure` draws a request's print layers
(:func:`geodata.layers.participation_layers`) with its titles;
:func:`figure_bytes` writes a figure. How the map reads is described in
:mod:`geodata.staticmap`.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from geodata.layers import PRINT, participation_layers
from geodata.maprequest import (
    SOURCE_LINE,
    MapRequest,
    map_titles,
    request_venues,
    select_area,
)
from geodata.measures import measure_spec
from geodata.staticmap.geometry import (
    cached,
    dissolved_regions,
    expand_view,
    geom_key,
    label_point,
    simplified,
    to_static_crs,
)
from geodata.staticmap.legend import fit_text, legend_handles, used_classes
from geodata.staticmap.markers import (
    coe_flags,
    coe_points,
    draw_coes,
    draw_venues,
    venue_points,
    venue_xy,
)
from geodata.staticmap.style import (
    COUNTY_EDGE,
    DESIGN_WIDTH_IN,
    DISTRICT_EDGE,
    LAND,
    LINE_PITCH,
    LINE_SPACING,
    MUTED,
    REGION_EDGE,
    SECONDARY_EDGE,
    SELECT_EDGE,
    STATIC_CRS,
    TEXT,
    VEIL_ALPHA,
    halo,
)

__all__ = [
    "STATIC_FORMATS",
    "figure_bytes",
    "measure_layers",
    "participation_figure",
    "render_static_map",
    "static_map_bytes",
]

#: Formats :func:`figure_bytes` writes.
STATIC_FORMATS: tuple[str, ...] = ("png", "svg", "pdf")


def _check_colors(frame: pd.DataFrame, what: str) -> None:
    if "fill_color" not in frame.columns:
        raise ValueError(
            f"The {what} GeoDataFrame has no 'fill_color' column; build it with "
            "geodata.mapview.measure_layer(...) first."
        )
    bad = frame["fill_color"].isna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        ident = frame["geoid"].iloc[row] if "geoid" in frame.columns else row
        raise ValueError(
            f"The {what} GeoDataFrame has no fill_color for row {row} "
            f"(geoid {ident}); every drawn feature needs a class colour."
        )


def _draw_polys(ax, geoms: gpd.GeoSeries, **kwargs) -> None:
    geoms = geoms[~geoms.is_empty & geoms.notna()]
    if geoms.empty:
        return
    geoms.plot(ax=ax, **kwargs)


def render_static_map(
    districts: gpd.GeoDataFrame,
    counties: gpd.GeoDataFrame,
    legend: Sequence[tuple[str, str]],
    *,
    title: str,
    subtitle: str | None = None,
    venues: pd.DataFrame | None = None,
    region: int | None = None,
    county: str | Sequence[str] | None = None,
    show_regions: bool = True,
    region_labels: bool = True,
    source_line: str = SOURCE_LINE,
    width_px: int = 2400,
    dpi: int = 300,
    simplify: bool = True,
    legend_title: str | None = None,
) -> Figure:
    """Draw a print-ready map of districts coloured by a measure.

    Parameters
    ----------
    districts : geopandas.GeoDataFrame
        One row per district polygon, any CRS (reprojected to EPSG:3310):
        ``geoid`` (str), ``district_type`` (``unified`` / ``elementary`` /
        ``secondary``), ``fill_color`` (hex ``#rrggbb``, from
        :func:`geodata.mapview.measure_layer`), ``geometry``. COE rows, if any,
        are ignored here (pass counties for them).
    counties : geopandas.GeoDataFrame
        The 58 counties (:func:`geodata.boundaries.county_boundaries`):
        ``county_fips``, ``county``, ``ccsesa_region`` (int 1-11), ``geometry``.
        Optionally ``fill_color`` and ``measure_label`` (from
        :func:`geodata.mapview.measure_layer`): each COE with a team gets a
        square in its class colour; a boolean ``show_coe`` column overrides
        which COEs are marked. Optional ``lat`` / ``lon`` (WGS84 degrees, the
        COE office, as in :func:`geodata.boundaries.entity_reference`) place
        the squares; without them a square sits at a point inside its county
        and the legend says so.
    legend : sequence of (str, str)
        Class label and hex colour, in display order
        (:func:`geodata.mapview.legend`).
    title, subtitle : str
        Printed above the map (subtitle: event and date, for example). A line
        too long for the map's width goes on two lines, then gets smaller.
    venues : pandas.DataFrame, optional
        ``name`` (str), ``lat``, ``lon`` (WGS84 degrees): drawn as stars with
        labels.
    region : int, optional
        CCSESA region (1-11) to crop to.
    county : str or sequence of str, optional
        County name(s) or FIPS code(s) to crop to (takes precedence).
    show_regions, region_labels : bool
        Draw CCSESA region outlines / "Region N" labels.
    source_line : str
        Credit line at the bottom.
    width_px : int
        Image width in pixels for raster output (PNG); with ``dpi`` it sets the
        print width in inches (2400 px at 300 dpi = 8 in). Fonts scale with the
        print width so they read the same at any size.
    dpi : int
        Dots per inch stored in the PNG and used to rasterise.
    simplify : bool
        Simplify boundaries (coverage-preserving, EPSG:3310) to about a third
        of a pixel: keeps rendering fast with no visible change.
    legend_title : str, optional
        Heading over the legend classes.

    Returns
    -------
    matplotlib.figure.Figure
        A figure not attached to pyplot (safe in threads); save it with
        :func:`figure_bytes`.

    Raises
    ------
    ValueError
        If a frame has no CRS, a district has no ``fill_color``, the size is not
        positive, or the region/county is unknown.
    """
    if width_px <= 0 or dpi <= 0:
        raise ValueError("width_px and dpi must be positive.")
    _check_colors(districts, "districts")
    selection = select_area(counties, region=region, county=county)
    dist = to_static_crs(districts, "districts")
    if "district_type" not in dist.columns:
        dist = dist.assign(district_type="unified")
    dist = dist.loc[dist["district_type"] != "coe"]
    cnty = coe_flags(to_static_crs(counties, "counties"))

    # --- view ------------------------------------------------------------------
    if selection.statewide:
        sel_geom = None
        view = expand_view(cnty.total_bounds, 0.02, 0.5, 1.6)
    else:
        chosen = cnty.loc[cnty["county_fips"].isin(selection.county_fips)]
        sel_geom = shapely.union_all(chosen.geometry.values)
        view = expand_view(chosen.total_bounds, 0.05, 0.6, 1.25)
    x0, y0, x1, y1 = view
    view_box = shapely.box(x0, y0, x1, y1)

    width_in = width_px / dpi
    scale = width_in / DESIGN_WIDTH_IN
    metres_per_px = (x1 - x0) / width_px
    tol = metres_per_px / 3 if simplify else 0.0
    if simplify:
        # the whole coverage is simplified (and cached), then cut to the view
        dist = simplified(dist, tol)
        cnty_draw = simplified(cnty, tol)
    else:
        cnty_draw = cnty
    dist = dist.loc[dist.intersects(view_box)]
    cnty_draw = cnty_draw.loc[cnty_draw.intersects(view_box)]

    # --- layout (inches) -------------------------------------------------------
    margin = 0.3 * scale
    map_w = width_in - 2 * margin
    map_h = map_w * (y1 - y0) / (x1 - x0)
    legend_fs = 9.5 * scale
    source_fs = 7.5 * scale
    # long titles (a county list, a long event name) wrap, then shrink, to fit
    # the map's width and half the right margin
    text_w = map_w + 0.5 * margin
    title, title_fs = fit_text(title, 17 * scale, text_w, bold=True)
    title_h = title_fs * (1 + LINE_PITCH * title.count("\n"))
    if subtitle:
        # never larger than the title (which may have shrunk)
        subtitle, sub_fs = fit_text(subtitle, title_fs * 11.5 / 17, text_w)
        sub_h = sub_fs * (1.5 + LINE_PITCH * subtitle.count("\n"))
    else:
        sub_fs = sub_h = 0.0
    top_band = margin + (title_h + sub_h) / 72 * 1.45
    coe_pts = coe_points(cnty, view_box)
    venue_pts = venue_points(venues, view_box)
    entries = legend_handles(
        used_classes(legend, dist, cnty),
        has_secondary=bool((dist["district_type"] == "secondary").any()),
        has_coes=not coe_pts[0].empty,
        coes_at_office=bool(coe_pts[0].attrs.get("at_office", True)),
        has_venues=not venue_pts[0].empty,
        show_regions=show_regions,
        faded=not selection.statewide,
        scale=scale,
    )
    inset_w = 0.0 if selection.statewide else 1.5 * scale
    legend_w = map_w - inset_w - (0.2 * scale if inset_w else 0)
    col_w = 2.6 * scale
    ncol = max(1, min(len(entries), int(legend_w // col_w)))
    nrows = math.ceil(len(entries) / ncol) + (1 if legend_title else 0)
    legend_h = nrows * legend_fs / 72 * 1.75 + 0.15 * scale
    bottom_band = max(legend_h, inset_w * 1.15) + 0.2 * scale
    source_band = source_fs / 72 * 2.4 + margin * 0.6
    height_in = top_band + map_h + 0.1 * scale + bottom_band + source_band

    fig = Figure(figsize=(width_in, height_in), dpi=dpi, facecolor="white")
    fig.set_layout_engine(None)

    def box(left, bottom, w, h):  # inches → figure fraction
        return [left / width_in, bottom / height_in, w / width_in, h / height_in]

    # title / subtitle
    fig.text(
        margin / width_in,
        1 - margin / height_in,
        title,
        ha="left",
        va="top",
        fontsize=title_fs,
        fontweight="bold",
        color=TEXT,
        linespacing=LINE_SPACING,
        parse_math=False,
        gid="map-title",
    )
    if subtitle:
        fig.text(
            margin / width_in,
            1 - (margin + (title_h + 0.4 * title_fs) / 72) / height_in,
            subtitle,
            ha="left",
            va="top",
            fontsize=sub_fs,
            color=MUTED,
            linespacing=LINE_SPACING,
            parse_math=False,
            gid="map-subtitle",
        )

    map_bottom = source_band + bottom_band + 0.1 * scale
    ax = fig.add_axes(box(margin, map_bottom, map_w, map_h))
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_axis_off()

    # land underneath (areas without any district polygon stay light grey)
    _draw_polys(ax, cnty_draw.geometry, facecolor=LAND, edgecolor="none", zorder=1)
    base = dist.loc[dist["district_type"] != "secondary"]
    secondary = dist.loc[dist["district_type"] == "secondary"]
    edge_lw = (0.25 if selection.statewide else 0.5) * scale
    _draw_polys(
        ax,
        base.geometry,
        facecolor=base["fill_color"].tolist(),
        edgecolor=DISTRICT_EDGE,
        linewidth=edge_lw,
        zorder=2,
    )
    if not secondary.empty:
        coll_before = len(ax.collections)
        _draw_polys(
            ax,
            secondary.geometry,
            facecolor="none",
            edgecolor=SECONDARY_EDGE,
            linewidth=(0.5 if selection.statewide else 0.9) * scale,
            zorder=3,
        )
        for coll in ax.collections[coll_before:]:
            coll.set_hatch("////")
            coll.set_hatchcolor(secondary["fill_color"].tolist())
            coll.set_hatch_linewidth(1.6 * scale)
    _draw_polys(
        ax,
        cnty_draw.boundary,
        color=COUNTY_EDGE,
        linewidth=(0.45 if selection.statewide else 0.8) * scale,
        zorder=4,
    )
    regions = dissolved_regions(cnty, tol) if show_regions else None
    if regions is not None:
        _draw_polys(
            ax, regions.boundary, color=REGION_EDGE, linewidth=1.3 * scale, zorder=5
        )
    if not selection.statewide:
        outside = shapely.difference(view_box.buffer((x1 - x0) * 0.05), sel_geom)
        _draw_polys(
            ax,
            gpd.GeoSeries([outside], crs=STATIC_CRS),
            facecolor="white",
            edgecolor="none",
            alpha=VEIL_ALPHA,
            zorder=6,
        )
        _draw_polys(
            ax,
            gpd.GeoSeries([sel_geom], crs=STATIC_CRS).boundary,
            color=SELECT_EDGE,
            linewidth=1.8 * scale,
            zorder=7,
        )
        # county names inside the selection
        chosen = cnty.loc[cnty["county_fips"].isin(selection.county_fips)]
        has_coe = (
            chosen["show_coe"].fillna(False).astype(bool)
            if "show_coe" in chosen.columns and "fill_color" in chosen.columns
            else pd.Series(False, index=chosen.index)
        )
        coe_at = coe_pts[0]
        for idx, row in chosen.iterrows():
            pt = label_point(row.geometry)
            # a COE square on (or near) the label point: the name goes under it
            near = (
                has_coe[idx]
                and idx in coe_at.index
                and coe_at[idx].distance(pt) < 0.03 * (x1 - x0)
            )
            ax.annotate(
                str(row["county"]),
                (pt.x, pt.y),
                xytext=(0, -11 * scale if near else 0),
                textcoords="offset points",
                ha="center",
                va="center",
                fontsize=8.5 * scale,
                fontstyle="italic",
                color=TEXT,
                zorder=9,
                path_effects=halo(2.2 * scale),
            )
    if regions is not None and region_labels and selection.statewide:
        stars = venue_xy(venues)
        for _, row in regions.iterrows():
            pt = label_point(row.geometry)
            lx, ly = pt.x, pt.y
            # keep region labels clear of venue stars and their names
            if len(stars):
                near = np.hypot(stars[:, 0] - lx, stars[:, 1] - ly)
                k = int(near.argmin())
                if near[k] < 45_000:
                    ly += 45_000 if ly >= stars[k, 1] else -45_000
            ax.text(
                lx,
                ly,
                f"Region {int(row['ccsesa_region'])}",
                ha="center",
                va="center",
                fontsize=9 * scale,
                fontweight="bold",
                color=TEXT,
                zorder=9,
                path_effects=halo(2.6 * scale),
            )
    draw_coes(ax, coe_pts, scale)
    draw_venues(ax, venue_pts, scale, view_box)

    # --- legend (+ inset) ----------------------------------------------------------
    leg_ax = fig.add_axes(box(margin, source_band, legend_w, bottom_band))
    leg_ax.set_axis_off()
    leg = leg_ax.legend(
        handles=[h for h, _ in entries],
        labels=[lab for _, lab in entries],
        loc="upper left",
        ncol=ncol,
        frameon=False,
        fontsize=legend_fs,
        title=legend_title,
        title_fontsize=legend_fs * 1.05,
        alignment="left",
        handlelength=2.2,
        handleheight=1.3,
        borderaxespad=0.0,
        columnspacing=1.2,
    )
    if legend_title:
        leg.get_title().set_fontweight("bold")
    if not selection.statewide:
        _draw_inset(
            fig.add_axes(
                box(
                    margin + map_w - inset_w, source_band + 0.05, inset_w, inset_w * 1.1
                )
            ),
            cnty,
            sel_geom,
            view,
            selection.label,
            scale,
        )
    fig.text(
        margin / width_in,
        (margin * 0.5) / height_in,
        source_line,
        ha="left",
        va="bottom",
        fontsize=source_fs,
        color=MUTED,
    )
    return fig


def _draw_inset(ax, cnty, sel_geom, view, label, scale) -> None:
    state = cached(
        ("outline", geom_key(cnty)),
        lambda: gpd.GeoSeries(
            [shapely.union_all(cnty.geometry.values)], crs=STATIC_CRS
        ).simplify(2000),
    )
    state.plot(ax=ax, facecolor="#e6e6e6", edgecolor="#777777", linewidth=0.5 * scale)
    gpd.GeoSeries([sel_geom], crs=STATIC_CRS).simplify(1000).plot(
        ax=ax, facecolor="#444444", edgecolor="none"
    )
    x0, y0, x1, y1 = view
    ax.add_patch(
        Rectangle(
            (x0, y0),
            x1 - x0,
            y1 - y0,
            fill=False,
            edgecolor="#d62728",
            linewidth=1.0 * scale,
        )
    )
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(label, fontsize=7.5 * scale, color=MUTED, pad=2 * scale)


def figure_bytes(fig: Figure, fmt: str, *, dpi: int | None = None) -> bytes:
    """Serialise a figure to PNG, SVG or PDF bytes.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        From :func:`render_static_map`.
    fmt : {"png", "svg", "pdf"}
        Output format. PNG carries the figure's dpi in its ``pHYs`` header.
    dpi : int, optional
        Override the figure's dpi (PNG pixel size = inches × dpi).

    Returns
    -------
    bytes

    Raises
    ------
    ValueError
        If the format is not one of :data:`STATIC_FORMATS`.
    """
    fmt = fmt.lower().lstrip(".")
    if fmt not in STATIC_FORMATS:
        raise ValueError(
            f"Static maps are written as {', '.join(STATIC_FORMATS)}, not {fmt!r}."
        )
    buf = io.BytesIO()
    metadata = {
        "png": {"Software": "CA LMI network dashboard (matplotlib)"},
        "svg": {"Creator": "CA LMI network dashboard (matplotlib)"},
        "pdf": {"Creator": "CA LMI network dashboard (matplotlib)"},
    }[fmt]
    fig.savefig(
        buf,
        format=fmt,
        dpi=dpi or fig.dpi,
        facecolor="white",
        metadata=metadata,
    )
    return buf.getvalue()


def static_map_bytes(
    districts: gpd.GeoDataFrame,
    counties: gpd.GeoDataFrame,
    legend: Sequence[tuple[str, str]],
    *,
    fmt: str = "png",
    **kwargs,
) -> bytes:
    """Render with :func:`render_static_map` and return the file's bytes.

    Parameters
    ----------
    districts, counties, legend
        As for :func:`render_static_map`.
    fmt : {"png", "svg", "pdf"}
        Output format.
    **kwargs
        Passed to :func:`render_static_map` (``title`` is required).

    Returns
    -------
    bytes
    """
    fig = render_static_map(districts, counties, legend, **kwargs)
    return figure_bytes(fig, fmt)


def participation_figure(
    teams: pd.DataFrame,
    events: pd.DataFrame,
    request: MapRequest,
    *,
    width_px: int = 2400,
    dpi: int = 300,
) -> Figure:
    """The static map of a request, titled and credited (see :func:`render_static_map`).

    Parameters
    ----------
    teams : pandas.DataFrame
        :func:`loaders.participation.teams_by_event`.
    events : pandas.DataFrame
        :func:`loaders.events.load_events`.
    request : MapRequest
    width_px, dpi : int
        Raster width (pixels) and print resolution.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If the request is invalid (see :meth:`MapRequest.checked`).
    """
    request = request.checked(events)
    layers = participation_layers(teams, request, level=PRINT, events=events)
    selection = select_area(
        layers.counties, region=request.region, county=request.county
    )
    title, subtitle = map_titles(request, events, selection.label)
    return render_static_map(
        layers.districts,
        layers.counties,
        layers.legend,
        title=title,
        subtitle=subtitle,
        venues=request_venues(request, events),
        region=request.region,
        county=request.county,
        width_px=width_px,
        dpi=dpi,
        legend_title=measure_spec(request.measure).label,
    )


def measure_layers(
    teams: pd.DataFrame, request: MapRequest, events: pd.DataFrame | None = None
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, list[tuple[str, str]]]:
    """Full-resolution districts, counties and legend of a request.

    The print layers of :func:`geodata.layers.participation_layers` as a tuple
    (``level=PRINT``): districts of the requested types and the 58 counties
    (EPSG:4326) with the measure, COE office ``lat`` / ``lon`` on counties;
    ``events`` orders a measure over time (default the published events).
    """
    layers = participation_layers(teams, request, level=PRINT, events=events)
    return layers.districts, layers.counties, layers.legend
