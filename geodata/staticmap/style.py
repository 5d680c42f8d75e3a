"""Colours, line widths and type of the printed map (shared by its modules)."""

from __future__ import annotations

from matplotlib import patheffects

#: California Albers, the projection of every static map.
STATIC_CRS = "EPSG:3310"

DISTRICT_EDGE = "#ffffff"
COUNTY_EDGE = "#6b6b6b"
REGION_EDGE = "#1a1a1a"
SECONDARY_EDGE = "#6a3d9a"  # the purple of high school districts on screen
LAND = "#f2f2f2"
TEXT = "#1a1a1a"
MUTED = "#555555"
SELECT_EDGE = "#000000"
VENUE_FACE = "#ffffff"
VEIL_ALPHA = 0.62  # white veil over what lies outside a cropped selection
#: Line spacing of wrapped titles (matplotlib ``linespacing``) and the resulting
#: pitch between lines in font sizes (DejaVu Sans: ~1.17 em per line at 1.0).
LINE_SPACING = 1.15
LINE_PITCH = 1.17 * LINE_SPACING


def halo(width: float) -> list:
    """A white outline behind text (matplotlib path effects), ``width`` points."""
    return [patheffects.withStroke(linewidth=width, foreground="white")]
