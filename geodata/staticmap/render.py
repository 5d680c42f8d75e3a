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
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from geodata.layers import PRINT, participation_layers
from geodata.maprequest import (
    SOURCE_LINE,
    MapRequest,
    map_titles,
    request_venues,
    select_area,
)
from geodata.measures import NO_DATA, NO_TEAM, measure_spec
from geodata.printpage import DEFAULT_PAGE, PAGE_SIZES, PrintLayout
from geodata.staticmap.geometry import (
    dissolved_regions,
    expand_view,
    label_point,
    simplified,
    to_static_crs,
)
from geodata.staticmap.insets import (
    METRO_INSETS,
    draw_locator,
    frame_inset,
    inset_frames,
    outline_on_main,
    state_outline,
)
from geodata.staticmap.labels import (
    LabelCandidate,
    district_label_text,
    marker_boxes,
    place_labels,
    text_boxes,
)
from geodata.staticmap.legend import (
    fit_text,
    legend_handles,
    used_classes,
    wrap_to_width,
)
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


def _draw_layers(ax, dist, cnty_draw, regions, *, scale, fine) -> None:
    """Land, district fills, high school hatching, county and region lines."""
    _draw_polys(ax, cnty_draw.geometry, facecolor=LAND, edgecolor="none", zorder=1)
    base = dist.loc[dist["district_type"] != "secondary"]
    secondary = dist.loc[dist["district_type"] == "secondary"]
    _draw_polys(
        ax,
        base.geometry,
        facecolor=base["fill_color"].tolist(),
        edgecolor=DISTRICT_EDGE,
        linewidth=(0.5 if fine else 0.25) * scale,
        zorder=2,
    )
    if not secondary.empty:
        coll_before = len(ax.collections)
        _draw_polys(
            ax,
            secondary.geometry,
            facecolor="none",
            edgecolor=SECONDARY_EDGE,
            linewidth=(0.9 if fine else 0.5) * scale,
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
        linewidth=(0.8 if fine else 0.45) * scale,
        zorder=4,
    )
    if regions is not None:
        _draw_polys(
            ax, regions.boundary, color=REGION_EDGE, linewidth=1.3 * scale, zorder=5
        )


def _map_axes(fig, rect, view):
    ax = fig.add_axes(rect)
    x0, y0, x1, y1 = view
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax


def render_static_map(
    districts: gpd.GeoDataFrame,
    counties: gpd.GeoDataFrame,
    legend: Sequence[tuple[str, str]],
    *,
    title: str,
    subtitle: str | None = None,
    note: str | None = None,
    venues: pd.DataFrame | None = None,
    region: int | None = None,
    county: str | Sequence[str] | None = None,
    show_regions: bool = True,
    region_labels: bool = True,
    source_line: str = SOURCE_LINE,
    page: tuple[float, float] = PAGE_SIZES[DEFAULT_PAGE],
    dpi: int = 300,
    simplify: bool = True,
    legend_title: str | None = None,
    insets: bool = True,
    district_labels: bool = True,
) -> Figure:
    """Draw a print-ready map of districts coloured by a measure, on one page.

    Parameters
    ----------
    districts : geopandas.GeoDataFrame
        One row per district polygon, any CRS (reprojected to EPSG:3310):
        ``geoid`` (str), ``district_type`` (``unified`` / ``elementary`` /
        ``secondary``), ``fill_color`` (hex ``#rrggbb``, from
        :func:`geodata.mapview.measure_layer`), ``geometry``; optional ``name``
        (printed on region and county maps) and ``measure_label``. COE rows,
        if any, are ignored here (pass counties for them).
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
        (:func:`geodata.mapview.legend`). Only classes drawn are listed.
    title, subtitle : str
        Printed above the map (subtitle: event and date, for example). A line
        too long for the page's width goes on two lines, then gets smaller.
    note : str, optional
        Printed under the legend, above the source line (wrapped).
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
        Credit line at the foot of the page.
    page : (float, float)
        Page ``(width, height)`` in inches
        (:func:`geodata.printpage.page_size_in`; default Letter portrait).
        The figure is exactly this size: a PDF page of ``72 ×`` these points,
        a PNG of ``dpi ×`` these pixels. Fonts scale with the page's short side
        (1 on Letter).
    dpi : int
        Dots per inch stored in the PNG and used to rasterise.
    simplify : bool
        Simplify boundaries (coverage-preserving, EPSG:3310) to about a third
        of a pixel: keeps rendering fast with no visible change.
    legend_title : str, optional
        Heading over the legend classes.
    insets : bool
        Statewide maps: draw the Bay Area and Los Angeles/Orange insets
        (:data:`geodata.staticmap.insets.METRO_INSETS`), outlined on the map.
    district_labels : bool
        Region and county maps: print district names where they fit without
        overlapping (:func:`geodata.staticmap.labels.place_labels`).

    Returns
    -------
    matplotlib.figure.Figure
        A figure not attached to pyplot (safe in threads), with an Agg canvas;
        save it with :func:`figure_bytes`.

    Raises
    ------
    ValueError
        If a frame has no CRS, a district has no ``fill_color``, the page or dpi
        is not positive, or the region/county is unknown.
    """
    width_in, height_in = (float(v) for v in page)
    if width_in <= 0 or height_in <= 0 or dpi <= 0:
        raise ValueError("The page size and dpi must be positive.")
    _check_colors(districts, "districts")
    selection = select_area(counties, region=region, county=county)
    dist = to_static_crs(districts, "districts")
    if "district_type" not in dist.columns:
        dist = dist.assign(district_type="unified")
    dist = dist.loc[dist["district_type"] != "coe"]
    cnty = coe_flags(to_static_crs(counties, "counties"))
    statewide = selection.statewide

    # --- text and legend sizes (inches, points) ------------------------------
    scale = min(width_in, height_in) / 8.5
    margin = 0.5 * scale
    text_w = width_in - 2 * margin
    legend_fs = 9 * scale
    source_fs = 7.5 * scale
    title, title_fs = fit_text(title, 17 * scale, text_w, bold=True)
    title_h = title_fs * (1 + LINE_PITCH * title.count("\n"))
    if subtitle:
        subtitle, sub_fs = fit_text(subtitle, title_fs * 11.5 / 17, text_w)
        sub_h = sub_fs * (1.5 + LINE_PITCH * subtitle.count("\n"))
    else:
        sub_fs = sub_h = 0.0
    top_band = margin + (title_h + sub_h) / 72 * 1.45
    note_fs = 8.5 * scale
    note_text = wrap_to_width(note, note_fs, text_w) if note else ""
    note_h = (note_text.count("\n") + 1) * note_fs * LINE_PITCH / 72 if note else 0
    source_text = wrap_to_width(source_line, source_fs, text_w)
    source_h = (source_text.count("\n") + 1) * source_fs * LINE_PITCH / 72
    foot_band = margin + source_h + (note_h + 0.12 * scale if note else 0)

    # --- the view: the selection, widened to fill the map box -----------------
    if statewide:
        sel_geom = None
        bounds = cnty.total_bounds
    else:
        chosen = cnty.loc[cnty["county_fips"].isin(selection.county_fips)]
        sel_geom = shapely.union_all(chosen.geometry.values)
        bounds = chosen.total_bounds
    map_w = text_w
    coe_pts = coe_points(cnty, shapely.box(*expand_view(bounds, 0.6, 0, 99)))
    venue_pts = venue_points(venues, shapely.box(*expand_view(bounds, 0.6, 0, 99)))
    locator_w = 0.0 if statewide else 1.5 * scale
    legend_w = map_w - locator_w - (0.2 * scale if locator_w else 0)
    # the legend lists the classes present in the selection
    in_sel = dist if statewide else dist.loc[dist.intersects(sel_geom)]
    cnty_sel = cnty if statewide else cnty.loc[cnty.intersects(sel_geom)]
    entries = legend_handles(
        used_classes(legend, in_sel, cnty_sel),
        has_secondary=bool((in_sel["district_type"] == "secondary").any()),
        has_coes=not coe_pts[0].empty,
        coes_at_office=bool(coe_pts[0].attrs.get("at_office", True)),
        has_venues=not venue_pts[0].empty,
        show_regions=show_regions,
        faded=not statewide,
        scale=scale,
    )
    col_w = 2.5 * scale
    ncol = max(1, min(len(entries), int(legend_w // col_w)))
    nrows = math.ceil(len(entries) / ncol) + (1 if legend_title else 0)
    lines = sum(lab.count("\n") for _, lab in entries[::ncol]) if ncol else 0
    legend_h = (nrows * 1.75 + lines * 1.1) * legend_fs / 72 + 0.1 * scale
    bottom_band = max(legend_h, locator_w * 1.15) + 0.15 * scale
    map_bottom = foot_band + bottom_band + 0.1 * scale
    map_h = height_in - top_band - 0.1 * scale - map_bottom
    if map_h < 1.0:
        raise ValueError(
            f"A {width_in:.1f} × {height_in:.1f} in page leaves no room for the map."
        )
    pad = 0.02 if statewide else 0.05
    view = expand_view(bounds, pad, map_h / map_w, map_h / map_w)
    x0, y0, x1, y1 = view
    view_box = shapely.box(x0, y0, x1, y1)
    metres_per_px = (x1 - x0) / (map_w * dpi)
    tol = metres_per_px / 3 if simplify else 0.0
    full_dist, cnty_draw = dist, cnty
    if simplify:
        # the whole coverage is simplified (and cached), then cut to the view
        dist = simplified(dist, tol)
        cnty_draw = simplified(cnty, tol)
    dist = dist.loc[dist.intersects(view_box)]
    cnty_draw = cnty_draw.loc[cnty_draw.intersects(view_box)]
    coe_pts = coe_points(cnty, view_box)
    venue_pts = venue_points(venues, view_box)

    fig = Figure(figsize=(width_in, height_in), dpi=dpi, facecolor="white")
    FigureCanvasAgg(fig)  # a renderer for measuring labels
    fig.set_layout_engine(None)

    def box(left, bottom, w, h):  # inches → figure fraction
        return [left / width_in, bottom / height_in, w / width_in, h / height_in]

    def margin_text(y: float, text: str, *, va: str, gid: str, **style) -> None:
        # a line block at the left margin, ``y`` a figure fraction
        fig.text(
            margin / width_in,
            y,
            text,
            ha="left",
            va=va,
            linespacing=LINE_SPACING,
            parse_math=False,
            gid=gid,
            **style,
        )

    # title / subtitle
    margin_text(
        1 - margin / height_in,
        title,
        va="top",
        gid="map-title",
        fontsize=title_fs,
        fontweight="bold",
        color=TEXT,
    )
    if subtitle:
        margin_text(
            1 - (margin + (title_h + 0.4 * title_fs) / 72) / height_in,
            subtitle,
            va="top",
            gid="map-subtitle",
            fontsize=sub_fs,
            color=MUTED,
        )

    ax = _map_axes(fig, box(margin, map_bottom, map_w, map_h), view)
    ax.set_gid("map")
    regions = dissolved_regions(cnty, tol) if show_regions else None
    _draw_layers(ax, dist, cnty_draw, regions, scale=scale, fine=not statewide)
    if not statewide:
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
    if regions is not None and region_labels and statewide:
        _region_labels(ax, regions, venues, scale)
    draw_coes(ax, coe_pts, scale)
    draw_venues(ax, venue_pts, scale, view_box)
    if not statewide:
        _county_and_district_labels(
            ax, cnty, full_dist, selection, coe_pts, scale, district_labels
        )

    # --- legend (+ locator) ----------------------------------------------------
    leg_ax = fig.add_axes(box(margin, foot_band, legend_w, bottom_band))
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
    leg.set_gid("map-legend")
    if legend_title:
        leg.get_title().set_fontweight("bold")
    if statewide and insets:  # after the legend: fig.axes[1] is the legend
        _metro_insets(
            fig, ax, full_dist, cnty, regions, box, (margin, map_bottom), scale,
            dpi, view, simplify,
        )  # fmt: skip
    if not statewide:
        draw_locator(
            fig.add_axes(
                box(margin + map_w - locator_w, foot_band, locator_w, locator_w * 1.1)
            ),
            cnty,
            sel_geom,
            view,
            selection.label,
            scale,
        )
    if note:
        margin_text(
            (margin + source_h + 0.12 * scale) / height_in,
            note_text,
            va="bottom",
            gid="map-note",
            fontsize=note_fs,
            color=TEXT,
        )
    margin_text(
        margin / height_in,
        source_text,
        va="bottom",
        gid="map-source",
        fontsize=source_fs,
        color=MUTED,
    )
    return fig


def _region_labels(ax, regions, venues, scale) -> None:
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
            gid="region-label",
        )


def _county_and_district_labels(
    ax, cnty, dist, selection, coe_pts, scale, district_labels
) -> None:
    """County names, then district names where they fit (none overprinted)."""
    chosen = cnty.loc[cnty["county_fips"].isin(selection.county_fips)]
    obstacles = text_boxes(ax) + marker_boxes(
        ax, np.array([[p.x, p.y] for p in coe_pts[0]]).reshape(-1, 2), 9 * scale
    )
    county_names = [
        LabelCandidate(pt.x, pt.y, str(row["county"]), float(row.geometry.area))
        for _, row in chosen.iterrows()
        for pt in [label_point(row.geometry)]
    ]
    placed, _ = place_labels(
        ax,
        county_names,
        fontsize=9 * scale,
        obstacles=obstacles,
        gid="county-label",
        style={"fontstyle": "italic", "fontweight": "bold", "color": MUTED},
    )
    if not district_labels or "name" not in dist.columns:
        return
    renderer = ax.figure.canvas.get_renderer()
    obstacles = obstacles + [t.get_window_extent(renderer) for t in placed]
    sel_geom = shapely.union_all(chosen.geometry.values)
    inside = dist.loc[dist.representative_point().within(sel_geom)]
    absent = (
        inside["measure_label"].isin([NO_TEAM, NO_DATA])
        if ("measure_label" in inside.columns)
        else pd.Series(False, index=inside.index)
    )
    candidates = []
    for idx, row in inside.iterrows():
        if not isinstance(row["name"], str) or not row["name"].strip():
            continue
        pt = label_point(row.geometry)
        # districts with a team first, then the largest
        priority = float(row.geometry.area) + (0 if absent[idx] else 1e15)
        candidates.append(
            LabelCandidate(pt.x, pt.y, district_label_text(row["name"]), priority)
        )
    place_labels(ax, candidates, fontsize=5.8 * scale, obstacles=obstacles)


def _metro_insets(
    fig, ax, dist, cnty, regions, box, origin, scale, dpi, view, simplify
) -> None:
    """The Bay Area and Los Angeles/Orange insets of a statewide map."""
    x0, y0, x1, y1 = view
    left, bottom = origin
    pos = ax.get_position()
    map_w_in = pos.width * fig.get_figwidth()
    inch_per_m = map_w_in / (x1 - x0)
    frames = inset_frames(view, state_outline(cnty))
    for inset in METRO_INSETS:
        fx0, fy0, fx1, fy1 = frames[inset.key]
        bx0, by0, bx1, by1 = inset.bounds
        inner = shapely.box(bx0, by0, bx1, by1)
        w_in = (fx1 - fx0) * inch_per_m
        tol = (bx1 - bx0) / (w_in * dpi) / 3 if simplify else 0.0
        d = simplified(dist, tol) if simplify else dist
        c = simplified(cnty, tol) if simplify else cnty
        d = d.loc[d.intersects(inner)]
        c = c.loc[c.intersects(inner)]
        inset_ax = fig.add_axes(
            box(
                left + (fx0 - x0) * inch_per_m,
                bottom + (fy0 - y0) * inch_per_m,
                w_in,
                (fy1 - fy0) * inch_per_m,
            )
        )
        frame_inset(inset_ax, inset, scale)
        reg = dissolved_regions(cnty, tol) if regions is not None else None
        _draw_layers(inset_ax, d, c, reg, scale=scale, fine=True)
        draw_coes(inset_ax, coe_points(cnty, inner), scale)
        inset_ax.set_xlabel("")  # geopandas labels projected axes
        inset_ax.set_ylabel("")
        outline_on_main(ax, inset, scale)


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
    layout: PrintLayout | None = None,
    dpi: int = 300,
) -> Figure:
    """The static map of a request on a page, titled and credited.

    Parameters
    ----------
    teams : pandas.DataFrame
        :func:`loaders.participation.teams_by_event`.
    events : pandas.DataFrame
        :func:`loaders.events.load_events`.
    request : MapRequest
    layout : PrintLayout, optional
        Paper, orientation, the reader's words and insets
        (:class:`geodata.printpage.PrintLayout`; default Letter portrait
        with the automatic title, subtitle and source line of
        :func:`geodata.maprequest.map_titles` and :data:`SOURCE_LINE`).
    dpi : int
        Print resolution (a PNG is the page's inches × ``dpi`` pixels).

    Returns
    -------
    matplotlib.figure.Figure
        Exactly the page's size (see :func:`render_static_map`).

    Raises
    ------
    ValueError
        If the request is invalid (see :meth:`MapRequest.checked`).
    """
    layout = layout or PrintLayout()
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
        title=title if layout.title is None else layout.title,
        subtitle=subtitle if layout.subtitle is None else layout.subtitle,
        note=layout.note,
        source_line=SOURCE_LINE if layout.source is None else layout.source,
        venues=request_venues(request, events),
        region=request.region,
        county=request.county,
        page=layout.size_in,
        dpi=dpi,
        legend_title=measure_spec(request.measure).label,
        insets=layout.insets,
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
