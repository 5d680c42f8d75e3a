"""Print-ready static maps (PNG, SVG, PDF) drawn with matplotlib.

The static map draws the same layers as the app's interactive map
(:func:`geodata.layers.participation_layers` at full resolution, with the
measure's classes and colours from :mod:`geodata.measures`), so what is
exported is what is on screen. It needs no browser, no map tiles and no
network: everything is drawn in California Albers (EPSG:3310) from the Census
boundary files.

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
  small California inset beside the legend locates the crop; districts are
  named where their names fit without overlapping another label.
* A statewide map carries enlarged insets of the Bay Area and Los
  Angeles/Orange, each outlined on the main map.
* The map is printed on a page (Letter by default; :class:`PrintLayout`): a PDF
  page is exactly the paper's size, a PNG that size at the chosen dpi. The
  legend lists only the classes drawn.

No personal data is ever drawn: the inputs are per-district measures and venue
names only.

Modules: :mod:`~geodata.staticmap.render` (layout and drawing),
:mod:`~geodata.staticmap.geometry` (projection, simplification, cache),
:mod:`~geodata.staticmap.legend` (legend entries, text fitting),
:mod:`~geodata.staticmap.markers` (COE squares, venue stars),
:mod:`~geodata.staticmap.insets` (metro insets, locator),
:mod:`~geodata.staticmap.labels` (district names without overlaps),
:mod:`~geodata.printpage` (paper sizes, the reader's words),
:mod:`~geodata.staticmap.style` (colours and type). The map request and area
(:mod:`geodata.maprequest`) and the interactive HTML export
(:mod:`geodata.htmlmap`) are re-exported here for callers of the former
single module; a request's map in any format is
:func:`geodata.formats.participation_map_bytes`.
"""

from __future__ import annotations

from geodata.htmlmap import participation_map_html
from geodata.maprequest import (
    ALL_TYPES,
    MAX_VENUE_EVENTS,
    SOURCE_LINE,
    MapRequest,
    MapSelection,
    map_titles,
    request_venues,
    select_area,
)
from geodata.printpage import (
    DEFAULT_PAGE,
    PAGE_LABELS,
    PAGE_SIZES,
    PrintLayout,
    page_size_in,
)
from geodata.staticmap.render import (
    STATIC_FORMATS,
    figure_bytes,
    measure_layers,
    participation_figure,
    render_static_map,
    static_map_bytes,
)
from geodata.staticmap.style import STATIC_CRS

__all__ = [
    "ALL_TYPES",
    "DEFAULT_PAGE",
    "MAX_VENUE_EVENTS",
    "PAGE_LABELS",
    "PAGE_SIZES",
    "SOURCE_LINE",
    "STATIC_CRS",
    "STATIC_FORMATS",
    "MapRequest",
    "MapSelection",
    "PrintLayout",
    "figure_bytes",
    "map_titles",
    "measure_layers",
    "page_size_in",
    "participation_figure",
    "participation_map_html",
    "render_static_map",
    "request_venues",
    "select_area",
    "static_map_bytes",
]
