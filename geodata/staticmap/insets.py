"""Insets of the printed map: Bay Area and Los Angeles/Orange, and the locator.

A statewide map is too small for the districts of the two metropolitan areas
where most teams are, so it carries two enlarged insets (:data:`METRO_INSETS`),
each outlined on the main map with its name. They sit in the empty corners of
the map frame (Nevada to the upper right, the Pacific to the lower left):
:func:`inset_frames` finds the largest frame in each corner that stays clear of
California. A cropped map (region or county) carries the small California
locator instead (:func:`draw_locator`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import geopandas as gpd
import shapely
from matplotlib.patches import Rectangle
from pyproj import Transformer

from geodata.staticmap.geometry import cached, geom_key
from geodata.staticmap.style import MUTED, STATIC_CRS, TEXT, halo

__all__ = ["METRO_INSETS", "MetroInset", "draw_locator", "inset_frames"]


@dataclass(frozen=True)
class MetroInset:
    """An enlarged part of a statewide map.

    Attributes
    ----------
    key : str
        Identifier (the ``gid`` of its axes and outline: ``inset-{key}``).
    title : str
        Printed in the inset and beside its outline on the main map.
    lonlat : tuple of float
        ``(west, south, east, north)`` in degrees (WGS84).
    corner : {"upper right", "lower left"}
        Corner of the main map it sits in.
    """

    key: str
    title: str
    lonlat: tuple[float, float, float, float]
    corner: str

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """The inset's extent in EPSG:3310 metres."""
        return _project(self.lonlat)


#: The statewide map's insets.
METRO_INSETS: tuple[MetroInset, ...] = (
    MetroInset("bay-area", "San Francisco Bay Area", (-122.65, 37.2, -121.55, 38.2),
               "upper right"),
    MetroInset("la-orange", "Los Angeles and Orange", (-118.75, 33.4, -117.4, 34.35),
               "lower left"),
)  # fmt: skip


@cache
def _project(lonlat: tuple[float, float, float, float]):
    west, south, east, north = lonlat
    to_albers = Transformer.from_crs("EPSG:4326", STATIC_CRS, always_xy=True)
    xs, ys = to_albers.transform([west, east, west, east], [south, south, north, north])
    return min(xs), min(ys), max(xs), max(ys)


def inset_frames(
    view: tuple[float, float, float, float],
    land,
    insets=METRO_INSETS,
    *,
    min_frac: float = 0.22,
    max_frac: float = 0.42,
) -> dict[str, tuple[float, float, float, float]]:
    """Where each inset sits on the main map, in its data coordinates.

    Parameters
    ----------
    view : tuple of float
        ``(x0, y0, x1, y1)`` of the main map (EPSG:3310 metres).
    land : shapely geometry
        California (EPSG:3310); frames stay clear of it where they can.
    insets : sequence of MetroInset
    min_frac, max_frac : float
        Frame width as a share of the map's width: the largest clear frame up
        to ``max_frac``; ``min_frac`` if even that is not clear.

    Returns
    -------
    dict
        ``{key: (x0, y0, x1, y1)}``, each frame with the inset's own aspect.
    """
    x0, y0, x1, y1 = view
    width = x1 - x0
    margin = 0.01 * width
    taken: list = []
    frames = {}
    clear_of = land.buffer(0.01 * width)
    for inset in insets:
        bx0, by0, bx1, by1 = inset.bounds
        aspect = (by1 - by0) / (bx1 - bx0)
        frame = None
        steps = int(round((max_frac - min_frac) * 100)) + 1
        for frac in (max_frac - k * 0.01 for k in range(steps)):
            w = frac * width
            h = w * aspect
            if inset.corner == "upper right":
                box = (x1 - margin - w, y1 - margin - h, x1 - margin, y1 - margin)
            else:
                box = (x0 + margin, y0 + margin, x0 + margin + w, y0 + margin + h)
            geom = shapely.box(*box)
            if not geom.intersects(clear_of) and not any(
                geom.intersects(t) for t in taken
            ):
                frame = box
                break
        if frame is None:
            frame = box  # the smallest: it covers some land, but stays legible
        frames[inset.key] = frame
        taken.append(shapely.box(*frame))
    return frames


def outline_on_main(ax, inset: MetroInset, scale: float) -> None:
    """Outline an inset's extent on the main map, with its name."""
    bx0, by0, bx1, by1 = inset.bounds
    ax.add_patch(
        Rectangle(
            (bx0, by0),
            bx1 - bx0,
            by1 - by0,
            fill=False,
            edgecolor=TEXT,
            linewidth=1.1 * scale,
            zorder=8,
            gid=f"inset-outline-{inset.key}",
            label=f"inset outline: {inset.title}",
        )
    )


def frame_inset(ax, inset: MetroInset, scale: float) -> None:
    """Limits, frame and title of an inset's axes."""
    bx0, by0, bx1, by1 = inset.bounds
    ax.set_xlim(bx0, bx1)
    ax.set_ylim(by0, by1)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor("white")
    for spine in ax.spines.values():
        spine.set_edgecolor(TEXT)
        spine.set_linewidth(1.1 * scale)
    ax.set_gid(f"inset-{inset.key}")
    ax.set_label(f"inset: {inset.title}")
    ax.text(
        0.03,
        0.97,
        inset.title,
        transform=ax.transAxes,
        ha="left",
        va="top",
        fontsize=8 * scale,
        fontweight="bold",
        color=TEXT,
        zorder=10,
        path_effects=halo(2.4 * scale),
        gid=f"inset-title-{inset.key}",
    )


def draw_locator(ax, cnty, sel_geom, view, label, scale) -> None:
    """The small California locator of a cropped map (the crop in red)."""
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
    ax.set_gid("locator")
    ax.set_title(label, fontsize=7.5 * scale, color=MUTED, pad=2 * scale)


def state_outline(cnty: gpd.GeoDataFrame):
    """California as one simplified polygon (EPSG:3310), cached."""
    return cached(
        ("land", geom_key(cnty)),
        lambda: shapely.union_all(cnty.geometry.values).simplify(1500),
    )
