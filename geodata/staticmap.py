"""Print-ready static maps (PNG, SVG, PDF) drawn with matplotlib.

The static map is drawn from the same GeoDataFrames the app shows on its
interactive map (:func:`geodata.mapview.measure_layer` adds ``fill_color`` and
``measure_label`` to every district and county; :func:`geodata.mapview.legend`
gives the legend classes), so that what is exported is what is on screen. It
needs no browser, no map tiles and no network: everything is drawn in
California Albers (EPSG:3310) from the Census boundary files.

How the map reads
-----------------
* Unified and elementary districts (which tile the state between them) are
  filled with their class colour, with thin white borders.
* Secondary (high school) districts overlap elementary districts. They are
  drawn *on top* as diagonal hatching in their own class colour, with the
  purple outline they have on the interactive map, so the elementary fill
  stays visible between the hatch lines and both districts can be read at the
  same place.
* County lines are thin and grey; CCSESA region lines thick and dark, with
  "Region N" labels (optional).
* A county office of education (COE) with a team is drawn as a square in its
  class colour at its office (the CDE directory location in
  :func:`geodata.boundaries.entity_reference`); a COE without a known office
  falls back to a point inside its county, and the legend then says so. COEs
  without a team are not marked.
* When the map is cropped to a region or county, the areas outside the
  selection are veiled in white ("Outside the selection" in the legend) and a
  small California inset beside the legend locates the crop.

No personal data is ever drawn: the inputs are per-district measures and venue
names only.
"""

from __future__ import annotations

import hashlib
import io
import math
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from jinja2 import Template
from matplotlib import patheffects
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

__all__ = [
    "ALL_TYPES",
    "MAX_VENUE_EVENTS",
    "SOURCE_LINE",
    "STATIC_CRS",
    "STATIC_FORMATS",
    "MapRequest",
    "MapSelection",
    "figure_bytes",
    "map_titles",
    "measure_layers",
    "participation_figure",
    "participation_map_bytes",
    "participation_map_html",
    "render_static_map",
    "request_venues",
    "select_area",
    "static_map_bytes",
]

#: Credit line printed under every static map.
SOURCE_LINE = (
    "Boundaries: U.S. Census Bureau 2021; district data: California Department "
    "of Education; participation: CA LMI"
)
#: California Albers, the projection of every static map.
STATIC_CRS = "EPSG:3310"
#: Formats :func:`figure_bytes` writes.
STATIC_FORMATS: tuple[str, ...] = ("png", "svg", "pdf")

_DISTRICT_EDGE = "#ffffff"
_COUNTY_EDGE = "#6b6b6b"
_REGION_EDGE = "#1a1a1a"
_SECONDARY_EDGE = "#6a3d9a"  # the purple of high school districts on screen
_LAND = "#f2f2f2"
_TEXT = "#1a1a1a"
_MUTED = "#555555"
_SELECT_EDGE = "#000000"
_VENUE_FACE = "#ffffff"
_VEIL_ALPHA = 0.62  # white veil over what lies outside a cropped selection
#: Print width (inches) the font sizes are designed for; fonts scale with width.
_DESIGN_WIDTH_IN = 8.0
#: Line spacing of wrapped titles (matplotlib ``linespacing``) and the resulting
#: pitch between lines in font sizes (DejaVu Sans: ~1.17 em per line at 1.0).
_LINE_SPACING = 1.15
_LINE_PITCH = 1.17 * _LINE_SPACING


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


def _coverage_simplify(geoms: gpd.GeoSeries, tolerance: float) -> gpd.GeoSeries:
    """Coverage-preserving simplification (shared edges stay shared), metres."""
    if tolerance <= 0 or geoms.empty:
        return geoms
    try:
        values = shapely.coverage_simplify(geoms.values, tolerance)
    except shapely.errors.GEOSException:  # not a clean coverage: per polygon
        values = shapely.simplify(geoms.values, tolerance, preserve_topology=True)
    return gpd.GeoSeries(values, index=geoms.index, crs=geoms.crs)


_CACHE: OrderedDict[tuple, object] = OrderedDict()
_CACHE_SIZE = 32
_CACHE_LOCK = threading.Lock()


def _cached(key: tuple, build):
    """Small in-process LRU for projected / simplified geometry (thread-safe)."""
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    value = build()
    with _CACHE_LOCK:
        _CACHE[key] = value
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return value


def _geom_key(frame: gpd.GeoDataFrame) -> str:
    """Content key of a frame's geometry, CRS and district types."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(str(frame.crs).encode())
    digest.update(b"".join(shapely.to_wkb(frame.geometry.values)))
    if "district_type" in frame.columns:
        digest.update("|".join(frame["district_type"].astype(str)).encode())
    return digest.hexdigest()


def _tolerance_bucket(tolerance: float) -> float:
    """Round a tolerance to two significant digits (so near views share a cache)."""
    if tolerance <= 0:
        return 0.0
    return float(f"{tolerance:.2g}")


def _simplified(
    frame: gpd.GeoDataFrame, tolerance: float, groups: dict[str, list[str]] | None
) -> gpd.GeoDataFrame:
    """Coverage-simplified copy of a frame in EPSG:3310 (cached by content)."""
    tolerance = _tolerance_bucket(tolerance)
    key = ("simplified", _geom_key(frame), tolerance, repr(groups))
    geoms = _cached(key, lambda: _simplify_frame(frame, tolerance, groups).geometry)
    out = frame.copy()
    out["geometry"] = geoms.to_numpy()
    return out


def _simplify_frame(
    frame: gpd.GeoDataFrame, tolerance: float, groups: dict[str, list[str]] | None
) -> gpd.GeoDataFrame:
    out = frame.copy()
    if tolerance <= 0:
        return out
    if groups is None or "district_type" not in out.columns:
        out["geometry"] = _coverage_simplify(out.geometry, tolerance)
        return out
    for types in groups.values():
        mask = out["district_type"].isin(types)
        if mask.any():
            out.loc[mask, "geometry"] = _coverage_simplify(
                out.loc[mask].geometry, tolerance
            ).values
    rest = ~out["district_type"].isin([t for ts in groups.values() for t in ts])
    if rest.any():
        out.loc[rest, "geometry"] = _coverage_simplify(
            out.loc[rest].geometry, tolerance
        ).values
    return out


def _to_static_crs(frame: gpd.GeoDataFrame, what: str) -> gpd.GeoDataFrame:
    if frame.crs is None:
        raise ValueError(
            f"The {what} GeoDataFrame has no CRS; set it (EPSG:4326 for the "
            "boundaries of geodata.boundaries) before drawing a static map."
        )
    if frame.empty:
        return frame.to_crs(STATIC_CRS)
    geoms = _cached(
        ("projected", _geom_key(frame)), lambda: frame.geometry.to_crs(STATIC_CRS)
    )
    out = gpd.GeoDataFrame(
        frame.drop(columns=frame.geometry.name), geometry=geoms.values, crs=STATIC_CRS
    )
    out.index = frame.index
    return out


def _halo(width: float) -> list:
    return [patheffects.withStroke(linewidth=width, foreground="white")]


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


def _expand_view(
    bounds: tuple[float, float, float, float],
    pad: float,
    min_aspect: float,
    max_aspect: float,
) -> tuple[float, float, float, float]:
    """Pad bounds by ``pad`` (fraction) and keep height/width in the range."""
    x0, y0, x1, y1 = bounds
    w, h = max(x1 - x0, 1.0), max(y1 - y0, 1.0)
    x0, x1 = x0 - pad * w, x1 + pad * w
    y0, y1 = y0 - pad * h, y1 + pad * h
    w, h = x1 - x0, y1 - y0
    if h / w < min_aspect:
        grow = (min_aspect * w - h) / 2
        y0, y1 = y0 - grow, y1 + grow
    elif h / w > max_aspect:
        grow = (h / max_aspect - w) / 2
        x0, x1 = x0 - grow, x1 + grow
    return x0, y0, x1, y1


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
    dist = _to_static_crs(districts, "districts")
    if "district_type" not in dist.columns:
        dist = dist.assign(district_type="unified")
    dist = dist.loc[dist["district_type"] != "coe"]
    cnty = _coe_flags(_to_static_crs(counties, "counties"))

    # --- view ------------------------------------------------------------------
    if selection.statewide:
        sel_geom = None
        view = _expand_view(cnty.total_bounds, 0.02, 0.5, 1.6)
    else:
        chosen = cnty.loc[cnty["county_fips"].isin(selection.county_fips)]
        sel_geom = shapely.union_all(chosen.geometry.values)
        view = _expand_view(chosen.total_bounds, 0.05, 0.6, 1.25)
    x0, y0, x1, y1 = view
    view_box = shapely.box(x0, y0, x1, y1)

    width_in = width_px / dpi
    scale = width_in / _DESIGN_WIDTH_IN
    metres_per_px = (x1 - x0) / width_px
    tol = metres_per_px / 3 if simplify else 0.0
    if simplify:
        # the whole coverage is simplified (and cached), then cut to the view
        dist = _simplified(dist, tol, {"base": ["unified", "elementary"]})
        cnty_draw = _simplified(cnty, tol, None)
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
    title, title_fs = _fit_text(title, 17 * scale, text_w, bold=True)
    title_h = title_fs * (1 + _LINE_PITCH * title.count("\n"))
    if subtitle:
        # never larger than the title (which may have shrunk)
        subtitle, sub_fs = _fit_text(subtitle, title_fs * 11.5 / 17, text_w)
        sub_h = sub_fs * (1.5 + _LINE_PITCH * subtitle.count("\n"))
    else:
        sub_fs = sub_h = 0.0
    top_band = margin + (title_h + sub_h) / 72 * 1.45
    coe_pts = _coe_points(cnty, view_box)
    venue_pts = _venue_points(venues, view_box)
    entries = _legend_handles(
        _used_classes(legend, dist, cnty),
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
        color=_TEXT,
        linespacing=_LINE_SPACING,
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
            color=_MUTED,
            linespacing=_LINE_SPACING,
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
    _draw_polys(ax, cnty_draw.geometry, facecolor=_LAND, edgecolor="none", zorder=1)
    base = dist.loc[dist["district_type"] != "secondary"]
    secondary = dist.loc[dist["district_type"] == "secondary"]
    edge_lw = (0.25 if selection.statewide else 0.5) * scale
    _draw_polys(
        ax,
        base.geometry,
        facecolor=base["fill_color"].tolist(),
        edgecolor=_DISTRICT_EDGE,
        linewidth=edge_lw,
        zorder=2,
    )
    if not secondary.empty:
        coll_before = len(ax.collections)
        _draw_polys(
            ax,
            secondary.geometry,
            facecolor="none",
            edgecolor=_SECONDARY_EDGE,
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
        color=_COUNTY_EDGE,
        linewidth=(0.45 if selection.statewide else 0.8) * scale,
        zorder=4,
    )
    regions = _regions(cnty, tol) if show_regions else None
    if regions is not None:
        _draw_polys(
            ax, regions.boundary, color=_REGION_EDGE, linewidth=1.3 * scale, zorder=5
        )
    if not selection.statewide:
        outside = shapely.difference(view_box.buffer((x1 - x0) * 0.05), sel_geom)
        _draw_polys(
            ax,
            gpd.GeoSeries([outside], crs=STATIC_CRS),
            facecolor="white",
            edgecolor="none",
            alpha=_VEIL_ALPHA,
            zorder=6,
        )
        _draw_polys(
            ax,
            gpd.GeoSeries([sel_geom], crs=STATIC_CRS).boundary,
            color=_SELECT_EDGE,
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
            pt = _label_point(row.geometry)
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
                color=_TEXT,
                zorder=9,
                path_effects=_halo(2.2 * scale),
            )
    if regions is not None and region_labels and selection.statewide:
        venue_xy = _venue_xy(venues)
        for _, row in regions.iterrows():
            pt = _label_point(row.geometry)
            lx, ly = pt.x, pt.y
            # keep region labels clear of venue stars and their names
            if len(venue_xy):
                near = np.hypot(venue_xy[:, 0] - lx, venue_xy[:, 1] - ly)
                k = int(near.argmin())
                if near[k] < 45_000:
                    ly += 45_000 if ly >= venue_xy[k, 1] else -45_000
            ax.text(
                lx,
                ly,
                f"Region {int(row['ccsesa_region'])}",
                ha="center",
                va="center",
                fontsize=9 * scale,
                fontweight="bold",
                color=_TEXT,
                zorder=9,
                path_effects=_halo(2.6 * scale),
            )
    _draw_coes(ax, coe_pts, scale)
    _draw_venues(ax, venue_pts, scale, view_box)

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
        color=_MUTED,
    )
    return fig


def _regions(cnty: gpd.GeoDataFrame, tolerance: float) -> gpd.GeoDataFrame:
    """CCSESA regions dissolved from the counties (EPSG:3310), cached."""
    tolerance = _tolerance_bucket(tolerance)

    def build():
        regions = cnty[["ccsesa_region", "geometry"]].dissolve(
            by="ccsesa_region", as_index=False
        )
        regions["geometry"] = _coverage_simplify(regions.geometry, tolerance)
        return regions

    return _cached(("regions", _geom_key(cnty), tolerance), build).copy()


def _coe_flags(cnty: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add ``show_coe`` (COE has a team) when the counties carry a measure."""
    if "show_coe" in cnty.columns or "fill_color" not in cnty.columns:
        return cnty
    if "measure_label" not in cnty.columns:
        return cnty
    from geodata.mapview import NO_DATA, NO_TEAM

    flags = ~cnty["measure_label"].astype(str).isin([NO_TEAM, NO_DATA])
    return cnty.assign(
        show_coe=flags.to_numpy() & cnty["fill_color"].notna().to_numpy()
    )


def _label_point(geom):
    """A label anchor inside a polygon: the pole of inaccessibility of its
    largest part (the point farthest from its edges), to 1 km."""
    from shapely.ops import polylabel

    if geom.geom_type == "MultiPolygon":
        geom = max(geom.geoms, key=lambda g: g.area)
    try:
        return polylabel(geom, tolerance=1000)
    except (ValueError, shapely.errors.ShapelyError):
        return geom.representative_point()


def _used_classes(legend, dist, cnty) -> list[tuple[str, str]]:
    """Legend classes, without "no team" / "no data" when nothing is drawn so.

    The measure's own classes are always listed (a stable scale across maps);
    the two absence classes only when some drawn district or COE falls in them.
    """
    from geodata.mapview import NO_DATA, NO_TEAM

    drawn = set()
    for frame in (dist, cnty):
        if "measure_label" in frame.columns:
            drawn.update(frame["measure_label"].dropna().astype(str))
    if not drawn:
        return list(legend)
    return [
        (label, color)
        for label, color in legend
        if label not in (NO_TEAM, NO_DATA) or label in drawn
    ]


def _legend_handles(
    legend,
    *,
    has_secondary,
    has_coes,
    has_venues,
    show_regions,
    scale,
    coes_at_office=True,
    faded=False,
):
    entries: list[tuple[object, str]] = []
    for label, color in legend:
        entries.append(
            (Patch(facecolor=color, edgecolor="#9a9a9a", linewidth=0.4 * scale), label)
        )
    if has_secondary:
        entries.append(
            (
                Patch(
                    facecolor="white",
                    edgecolor=_SECONDARY_EDGE,
                    hatch="////",
                    linewidth=0.6 * scale,
                ),
                (
                    "High school district (hatched in its class colour over the "
                    "elementary districts it serves)"
                ),
            )
        )
    if has_coes:
        entries.append(
            (
                Line2D(
                    [],
                    [],
                    marker="s",
                    linestyle="none",
                    markerfacecolor="#bbbbbb",
                    markeredgecolor=_TEXT,
                    markersize=8 * scale,
                ),
                "County office of education: square "
                + ("at its office" if coes_at_office else "inside its county")
                + ", in its class colour",
            )
        )
    if has_venues:
        entries.append(
            (
                Line2D(
                    [],
                    [],
                    marker="*",
                    linestyle="none",
                    markerfacecolor=_VENUE_FACE,
                    markeredgecolor=_TEXT,
                    markersize=12 * scale,
                ),
                "Meeting venue",
            )
        )
    if faded:
        # a middle class colour under the white veil, as outside the crop
        colors = [c for _, c in legend] or [_LAND]
        middle = np.array(to_rgb(colors[len(colors) // 2]))
        entries.append(
            (
                Patch(
                    facecolor=tuple(middle * (1 - _VEIL_ALPHA) + _VEIL_ALPHA),
                    edgecolor="#bdbdbd",
                    linewidth=0.4 * scale,
                ),
                "Outside the selection (faded)",
            )
        )
    entries.append((Line2D([], [], color=_COUNTY_EDGE, linewidth=1 * scale), "County"))
    if show_regions:
        entries.append(
            (
                Line2D([], [], color=_REGION_EDGE, linewidth=1.6 * scale),
                "CCSESA region",
            )
        )
    # wrap long labels so columns stay narrow
    return [(h, _wrap(lab, 34)) for h, lab in entries]


def _fit_text(
    text: str, fontsize: float, width_in: float, *, bold: bool = False
) -> tuple[str, float]:
    """Fit one line of text to a width: as is, else on two lines, else smaller.

    Parameters
    ----------
    text : str
        A map title or subtitle.
    fontsize : float
        Preferred size, points.
    width_in : float
        Width available, inches.
    bold : bool
        Measure the bold weight.

    Returns
    -------
    (str, float)
        The text (two lines are joined by a newline: after a colon, semicolon or
        comma when both lines then fit, else where the longer line is shortest)
        and the font size (points, at most ``fontsize``, smaller only when two
        lines are still too wide). Widths are measured with the font matplotlib
        draws with (unhinted outlines, as in SVG/PDF), less 3 % for PNG hinting
        (measured up to 2 % wider at 72 dpi).
    """
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    prop = FontProperties(size=fontsize, weight="bold" if bold else "normal")
    measure = TextToPath().get_text_width_height_descent
    room = width_in * 72 * 0.97  # points

    def width(line: str) -> float:  # points at ``fontsize``
        return measure(line, prop, ismath=False)[0]

    text = " ".join(str(text).split())
    if width(text) <= room:
        return text, fontsize
    words = text.split(" ")
    splits = []  # (rank of the punctuation broken after, widest line, text)
    for k in range(1, len(words)):
        first, second = " ".join(words[:k]), " ".join(words[k:])
        widest = max(width(first), width(second))
        rank = ":;,".find(words[k - 1][-1])
        splits.append((rank if rank >= 0 else 3, widest, f"{first}\n{second}"))
    if not splits:  # one long word
        return text, fontsize * room / width(text)
    fitting = [s for s in splits if s[1] <= room]
    if fitting:  # the strongest punctuation, then the most even lines
        return min(fitting, key=lambda s: (s[0], s[1]))[2], fontsize
    _, widest, wrapped = min(splits, key=lambda s: s[1])
    return wrapped, fontsize * room / widest


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def _coe_points(cnty: gpd.GeoDataFrame, view_box) -> tuple[gpd.GeoSeries, list]:
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
        [_label_point(g) for g in shown.geometry], index=shown.index, crs=STATIC_CRS
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


def _draw_coes(ax, coes: tuple[gpd.GeoSeries, list], scale: float) -> None:
    pts, colors = coes
    if pts.empty:
        return
    ax.scatter(
        pts.x,
        pts.y,
        marker="s",
        s=(7 * scale) ** 2,
        c=colors,
        edgecolors=_TEXT,
        linewidths=0.8 * scale,
        zorder=5.5,  # under the veil outside a crop, like the districts
    )


def _venue_points(
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


def _draw_venues(ax, venues: tuple[gpd.GeoSeries, list[str]], scale, view_box):
    pts, names = venues
    if pts.empty:
        return
    ax.scatter(
        pts.x,
        pts.y,
        marker="*",
        s=(13 * scale) ** 2,
        c=_VENUE_FACE,
        edgecolors=_TEXT,
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
            color=_TEXT,
            zorder=12,
            path_effects=_halo(2.4 * scale),
        )


def _venue_xy(venues: pd.DataFrame | None) -> np.ndarray:
    """Venue positions in EPSG:3310 metres, shape (n, 2)."""
    if venues is None or len(venues) == 0 or not {"lat", "lon"} <= set(venues):
        return np.empty((0, 2))
    v = venues.dropna(subset=["lat", "lon"])
    pts = gpd.GeoSeries(
        gpd.points_from_xy(v["lon"].astype(float), v["lat"].astype(float)),
        crs="EPSG:4326",
    ).to_crs(STATIC_CRS)
    return np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()])


def _draw_inset(ax, cnty, sel_geom, view, label, scale) -> None:
    state = _cached(
        ("outline", _geom_key(cnty)),
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
    ax.set_title(label, fontsize=7.5 * scale, color=_MUTED, pad=2 * scale)


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


# ---------------------------------------------------------------------------
# The export path shared by the Export page and ``lmi-dashboard export map``
# ---------------------------------------------------------------------------
#: Every district type and COEs, the Map page's default.
ALL_TYPES: tuple[str, ...] = ("unified", "elementary", "secondary", "coe")
#: Show venue stars only when at most this many events are mapped.
MAX_VENUE_EVENTS = 6


@dataclass(frozen=True)
class MapRequest:
    """A map selection, as chosen on the Map or Export page or on the command line.

    Attributes
    ----------
    measure : str
        One of :data:`geodata.mapview.MEASURES` (``"events_attended"``,
        ``"event_status"``, ``"completeness"``).
    event_ids : tuple of str
        Events mapped; empty means all events (``events_attended`` only: the
        one-event measures use the first id).
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
        from geodata.mapview import MEASURES

        if self.measure not in MEASURES:
            raise ValueError(
                f"Unknown measure {self.measure!r}; choose one of "
                f"{', '.join(MEASURES)}."
            )
        known = set(events["event_id"])
        unknown = [e for e in self.event_ids if e not in known]
        if unknown:
            raise ValueError(
                f"Unknown event {unknown[0]!r}; event ids are listed in "
                "loaders/data/events.csv (e.g. "
                f"{events['event_id'].iloc[0]})."
            )
        if self.measure != "events_attended" and not self.event_ids:
            raise ValueError(
                f"The measure {MEASURES[self.measure]!r} is for one event: give "
                "an event id."
            )
        bad = [t for t in self.district_types if t not in ALL_TYPES]
        if bad:
            raise ValueError(
                f"Unknown district type {bad[0]!r}; choose from {', '.join(ALL_TYPES)}."
            )
        return self

    @property
    def mapped_events(self) -> tuple[str, ...]:
        """The event ids the measure actually uses."""
        if self.measure != "events_attended":
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
    """
    ev = events.set_index("event_id")
    ids = list(request.mapped_events)
    area = area_label or "California"

    def when(eid: str) -> str:
        start = str(ev.at[eid, "start_date"] or "") if "start_date" in ev else ""
        end = str(ev.at[eid, "end_date"] or "") if "end_date" in ev else ""
        if not start or start == "<NA>":
            return "date not published"
        return start if not end or end in (start, "<NA>") else f"{start} to {end}"

    if request.measure == "events_attended":
        title = f"CA LMI events attended by district teams: {area}"
        if not ids:
            subtitle = f"All {len(events)} CA LMI events"
        elif len(ids) == 1:
            subtitle = f"{ev.at[ids[0], 'label']} ({when(ids[0])})"
        else:
            names = "; ".join(str(ev.at[e, "label"]) for e in ids[:3])
            more = f" and {len(ids) - 3} more" if len(ids) > 3 else ""
            subtitle = f"{len(ids)} events: {names}{more}"
    else:
        what = {
            "event_status": "District teams",
            "completeness": "Role completeness of district teams",
        }[request.measure]
        title = f"{what}: {area}"
        subtitle = f"{ev.at[ids[0], 'label']} ({when(ids[0])})"
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
    from geodata.gazetteer import past_venues

    chosen = events.loc[events["event_id"].isin(ids)]
    try:
        venues = past_venues(chosen)
    except (LookupError, ValueError):  # an ungeocodable city only loses its star
        return None
    if venues.empty:
        return None
    return venues[["name", "lat", "lon"]].reset_index(drop=True)


def measure_layers(
    teams: pd.DataFrame, request: MapRequest
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, list[tuple[str, str]]]:
    """Full-resolution districts and counties with the request's measure.

    Parameters
    ----------
    teams : pandas.DataFrame
        :func:`loaders.participation.teams_by_event`.
    request : MapRequest

    Returns
    -------
    (districts, counties, legend)
        Districts of the requested types and the 58 counties (EPSG:4326, with
        ``measure_value``, ``measure_label``, ``fill_color`` from
        :func:`geodata.mapview.measure_layer`; counties lose their colours when
        ``"coe"`` is not a requested type; counties also carry ``lat`` /
        ``lon``, the COE office from the CDE directory) and the legend classes.
    """
    from geodata import boundaries, mapview

    ids = list(request.mapped_events) or None
    districts = boundaries.district_boundaries()
    districts = districts.loc[districts["district_type"].isin(request.district_types)]
    counties = boundaries.county_boundaries()
    districts = mapview.measure_layer(
        districts, teams, measure=request.measure, event_ids=ids
    )
    if "coe" in request.district_types:
        counties = mapview.measure_layer(
            counties, teams, measure=request.measure, event_ids=ids
        )
    ref = boundaries.entity_reference()
    office = ref.loc[ref["district_type"] == "coe"].set_index("geoid")
    counties = counties.assign(
        lat=counties["geoid"].map(office["lat"]).astype(float).to_numpy(),
        lon=counties["geoid"].map(office["lon"]).astype(float).to_numpy(),
    )
    return districts, counties, mapview.legend(request.measure)


def participation_figure(
    teams: pd.DataFrame,
    events: pd.DataFrame,
    request: MapRequest,
    *,
    width_px: int = 2400,
    dpi: int = 300,
) -> Figure:
    """The static map of a request, titled and credited (see :func:`render_static_map`).

    Raises
    ------
    ValueError
        If the request is invalid (see :meth:`MapRequest.checked`).
    """
    from geodata import boundaries
    from geodata.mapview import MEASURES

    request = request.checked(events)
    selection = select_area(
        boundaries.county_boundaries(), region=request.region, county=request.county
    )
    districts, counties, legend = measure_layers(teams, request)
    title, subtitle = map_titles(request, events, selection.label)
    return render_static_map(
        districts,
        counties,
        legend,
        title=title,
        subtitle=subtitle,
        venues=request_venues(request, events),
        region=request.region,
        county=request.county,
        width_px=width_px,
        dpi=dpi,
        legend_title=MEASURES[request.measure],
    )


def participation_map_bytes(
    teams: pd.DataFrame,
    events: pd.DataFrame,
    request: MapRequest,
    fmt: str,
    *,
    width_px: int = 2400,
    dpi: int = 300,
) -> bytes:
    """A request's map as PNG, SVG or PDF (``fmt``) or standalone HTML (``"html"``).

    Parameters
    ----------
    teams, events, request
        As for :func:`participation_figure`.
    fmt : {"png", "svg", "pdf", "html"}
    width_px, dpi : int
        Raster size (PNG) and print resolution.

    Returns
    -------
    bytes
        HTML is UTF-8.

    Raises
    ------
    ValueError
        Unknown format or invalid request.
    """
    fmt = fmt.lower().lstrip(".")
    if fmt == "html":
        return participation_map_html(teams, events, request).encode("utf-8")
    if fmt not in STATIC_FORMATS:
        raise ValueError(f"Maps are exported as png, svg, pdf or html, not {fmt!r}.")
    fig = participation_figure(teams, events, request, width_px=width_px, dpi=dpi)
    return figure_bytes(fig, fmt)


def participation_map_html(
    teams: pd.DataFrame, events: pd.DataFrame, request: MapRequest
) -> str:
    """The interactive map of a request as one self-contained HTML page.

    Built exactly as the Map page builds it (same level of detail, drill view,
    layers, legend and tooltips, :func:`geodata.mapview.build_map`), with
    Leaflet inlined (:func:`geodata.mapview.map_html_standalone`): the file
    opens in a browser with no app and no internet. Every drawn feature keeps
    its ``geoid`` as GeoJSON ``id``.

    Raises
    ------
    ValueError
        If the request is invalid.
    """
    import html as html_mod

    from branca.element import Element

    from geodata import mapview, simplify

    request = request.checked(events)
    ids = list(request.mapped_events) or None
    level = mapview.detail_level(request.region, request.county)
    districts, counties = simplify.web_layers(level)
    districts, counties, bounds = mapview.drill_view(
        districts,
        counties,
        region=request.region,
        county=request.county,
        district_types=list(request.district_types),
    )
    _, outlines = simplify.web_layers("state")
    if request.region is not None:
        outlines = outlines.loc[outlines["ccsesa_region"] == int(request.region)]
    districts = mapview.measure_layer(
        districts, teams, measure=request.measure, event_ids=ids
    )
    counties = mapview.measure_layer(
        counties, teams, measure=request.measure, event_ids=ids
    )
    area = select_area(outlines, region=request.region, county=request.county).label
    title, subtitle = map_titles(request, events, area)
    fmap = mapview.build_map(
        districts,
        counties,
        measure=request.measure,
        show_types=tuple(request.district_types),
        bounds=bounds,
        title="",  # the legend is headed by the measure's name
        asset_base="inline",
        outlines=outlines,
    )
    # The credit line goes into Leaflet's attribution control, which wraps it
    # next to "Leaflet" instead of running under it.
    fmap.add_child(_Attribution(SOURCE_LINE))
    root = fmap.get_root()
    root.title = title
    root.header.add_child(
        Element(
            "<style>.lmi-head{position:fixed;top:8px;left:54px;z-index:1000;"
            "max-width:calc(100% - 440px);min-width:200px;"
            "background:rgba(255,255,255,.92);padding:4px 10px;border-radius:4px;"
            "font:600 15px/1.3 system-ui,sans-serif;box-shadow:0 1px 4px "
            "rgba(0,0,0,.3)}.lmi-head small{display:block;font-weight:400;"
            "font-size:12px;color:#444}"
            ".leaflet-control-attribution{max-width:min(420px,60vw);"
            "white-space:normal;font:11px/1.3 system-ui,sans-serif}</style>"
        ),
        name="lmi_export_style",
    )
    root.html.add_child(
        Element(
            f'<div class="lmi-head">{html_mod.escape(title)}'
            f"<small>{html_mod.escape(subtitle)}</small></div>"
        ),
        name="lmi_export_text",
    )
    return mapview.map_html_standalone(fmap)


class _Attribution(MacroElement):
    """Text added to the Leaflet attribution control of its parent map."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution(
            {{ this.text }});
        {% endmacro %}
        """
    )

    def __init__(self, text: str):
        import html as html_mod
        import json

        super().__init__()
        self._name = "Attribution"
        self.text = json.dumps(html_mod.escape(text))
