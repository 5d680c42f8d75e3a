"""The export-format registry: every file the Export page and the CLI can write.

One :class:`ExportFormat` entry per format says its key, file suffix(es), MIME
type, kind (``"map"`` or ``"table"``), whether it is drawn from the boundary
geometry, and its writer. ``lmi-dashboard export map`` / ``export table`` take
their ``--format`` choices and read the format of ``--out`` from here; the
Export page makes one download button per entry.

Writers of one kind share one signature:

``map``
    ``writer(teams, events, request, *, width_px, dpi) -> bytes``: the
    participation map of a :class:`~geodata.maprequest.MapRequest`
    (``teams`` from :func:`loaders.participation.teams_by_event`, ``events``
    from :func:`loaders.events.load_events`). Map files never carry personal
    data. Printed formats (:data:`PRINTED`) also take ``layout``, a
    :class:`geodata.printpage.PrintLayout` (paper, words, insets); their
    size is the page's, so they ignore ``width_px``. A GIS layer format
    (``layer=True``: GeoPackage, GeoJSON) is a map format whose writer is
    ``writer(teams, events, request, *, simplified) -> bytes``: the
    participation layer of :mod:`geodata.gislayer` in EPSG:4326, written with
    pyogrio (GDAL).
``table``
    ``writer(tables, *, include_contacts, raw_headers, about) -> bytes``:
    ``tables`` maps sheet names to frames (a format with ``many_tables=False``
    takes exactly one). Formula-safe, contact columns only with
    ``include_contacts``; column titles in words and one number format per
    column unless ``raw_headers``; ``about`` (source, filter, date) goes on an
    XLSX "About" sheet with the data dictionary (:mod:`loaders.exports`).

Adding a format is one entry in :data:`REGISTRY`, one writer and one test (see
ARCHITECTURE.md, "Where to add…").
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pyogrio

from geodata.gislayer import LAYER_NAME, participation_layer
from loaders.exports import table_csv_bytes, tables_xlsx_bytes

if TYPE_CHECKING:
    import pandas as pd

    from geodata.maprequest import MapRequest

__all__ = [
    "PRINTED",
    "REGISTRY",
    "ExportFormat",
    "format_for_path",
    "formats_of",
    "participation_map_bytes",
    "tables_bytes",
]

#: Map formats printed on a page (they take a ``layout``).
PRINTED: tuple[str, ...] = ("png", "svg", "pdf")

Kind = Literal["map", "table"]


@dataclass(frozen=True)
class ExportFormat:
    """One export format.

    Attributes
    ----------
    key : str
        Identifier and ``--format`` value (``"png"``).
    label : str
        What a person calls it ("PNG image"), for buttons and help.
    suffixes : tuple of str
        File suffixes without the dot, the one written first (``("html",
        "htm")``).
    mime : str
        MIME type of the file.
    kind : {"map", "table"}
        Which writer signature it has (see the module docstring).
    needs_geometry : bool
        Drawn from the boundary files (maps), so building it loads them.
    writer : callable
        Returns the file's bytes.
    many_tables : bool
        For tables: the file holds several tables (sheets); else exactly one.
    layer : bool
        For maps: a GIS layer (features with attributes, not a picture),
        written by ``writer(teams, events, request, *, simplified)``.
    """

    key: str
    label: str
    suffixes: tuple[str, ...]
    mime: str
    kind: Kind
    needs_geometry: bool
    writer: Callable[..., bytes]
    many_tables: bool = False
    layer: bool = False

    @property
    def suffix(self) -> str:
        """The suffix written (``".png"``)."""
        return "." + self.suffixes[0]


# ------------------------------------------------------------------------ writers
# The map writers import their renderer when a map is written: matplotlib and
# folium are the dearest imports here (measured on the shared 2-core machine:
# `import dashboard.cli` 2.0-2.4 s, 3.3-5.2 s with geodata.staticmap.render and
# geodata.htmlmap), and the command line reads this registry at start-up for
# its --format choices, so every command (and --help) would pay them.
def _static_map(
    teams: pd.DataFrame,
    events: pd.DataFrame,
    request: MapRequest,
    *,
    fmt: str,
    width_px: int | None = None,
    dpi: int = 300,
    layout=None,
) -> bytes:
    """The static map of a request on a page (``width_px`` unused: the page
    and ``dpi`` set the size; :func:`geodata.staticmap.participation_figure`)."""
    # Imported here: matplotlib costs 1-3 s to import (measured, see above).
    from geodata.staticmap.render import figure_bytes, participation_figure

    fig = participation_figure(teams, events, request, layout=layout, dpi=dpi)
    return figure_bytes(fig, fmt)


def _html_map(
    teams: pd.DataFrame,
    events: pd.DataFrame,
    request: MapRequest,
    *,
    width_px: int = 2400,
    dpi: int = 300,
) -> bytes:
    """The interactive map as one HTML file, UTF-8 (size options do not apply)."""
    # Imported here: folium costs 0.2-0.7 s to import (measured, see above).
    from geodata.htmlmap import participation_map_html

    return participation_map_html(teams, events, request).encode("utf-8")


def _gis_layer(
    teams: pd.DataFrame,
    events: pd.DataFrame,
    request: MapRequest,
    *,
    driver: str,
    simplified: bool = False,
) -> bytes:
    """The participation layer as one GDAL file (:mod:`geodata.gislayer`).

    pyogrio writes it in memory; the CRS (EPSG:4326) is written in the file
    (GeoPackage: its spatial reference table; GeoJSON: the ``crs`` member,
    ``urn:ogc:def:crs:OGC:1.3:CRS84``). Polygons are promoted to
    MultiPolygons so the layer has one geometry type.
    """
    layer = participation_layer(teams, request, simplified=simplified)
    buf = io.BytesIO()
    pyogrio.write_dataframe(
        layer, buf, driver=driver, layer=LAYER_NAME, promote_to_multi=True
    )
    return buf.getvalue()


def _csv_table(
    tables: Mapping[str, pd.DataFrame],
    *,
    include_contacts: bool = False,
    raw_headers: bool = False,
    about: Mapping[str, str] | None = None,
) -> bytes:
    """One table as CSV (:func:`loaders.exports.table_csv_bytes`)."""
    if len(tables) != 1:
        raise ValueError(
            f"A CSV file holds one table; {len(tables)} were given "
            f"({', '.join(tables)}). Choose one table or write XLSX."
        )
    return table_csv_bytes(
        next(iter(tables.values())),
        include_contacts=include_contacts,
        raw_headers=raw_headers,
    )


def _xlsx_tables(
    tables: Mapping[str, pd.DataFrame],
    *,
    include_contacts: bool = False,
    raw_headers: bool = False,
    about: Mapping[str, str] | None = None,
) -> bytes:
    """Tables as sheets of one workbook (:func:`loaders.exports.tables_xlsx_bytes`)."""
    return tables_xlsx_bytes(
        dict(tables),
        include_contacts=include_contacts,
        raw_headers=raw_headers,
        about=about,
    )


#: Every export format, in the order buttons and help list them.
REGISTRY: dict[str, ExportFormat] = {
    f.key: f
    for f in (
        ExportFormat(
            "png", "PNG image", ("png",), "image/png", "map", True,
            partial(_static_map, fmt="png"),
        ),
        ExportFormat(
            "svg", "SVG (vector)", ("svg",), "image/svg+xml", "map", True,
            partial(_static_map, fmt="svg"),
        ),
        ExportFormat(
            "pdf", "PDF (print)", ("pdf",), "application/pdf", "map", True,
            partial(_static_map, fmt="pdf"),
        ),
        ExportFormat(
            "html", "Interactive HTML", ("html", "htm"), "text/html", "map", True,
            _html_map,
        ),
        ExportFormat(
            "gpkg", "GeoPackage (GIS)", ("gpkg",), "application/geopackage+sqlite3",
            "map", True, partial(_gis_layer, driver="GPKG"), layer=True,
        ),
        ExportFormat(
            "geojson", "GeoJSON (GIS)", ("geojson",), "application/geo+json",
            "map", True, partial(_gis_layer, driver="GeoJSON"), layer=True,
        ),
        ExportFormat(
            "csv", "CSV", ("csv",), "text/csv", "table", False, _csv_table,
        ),
        ExportFormat(
            "xlsx", "XLSX",
            ("xlsx",),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "table", False, _xlsx_tables, many_tables=True,
        ),
    )
}  # fmt: skip


def formats_of(kind: Kind) -> dict[str, ExportFormat]:
    """The registry's formats of one kind, in registry order."""
    return {k: f for k, f in REGISTRY.items() if f.kind == kind}


def format_for_path(path: str | Path, kind: Kind | None = None) -> ExportFormat | None:
    """The format a file name's suffix says (case ignored), or ``None``.

    Parameters
    ----------
    path : str or pathlib.Path
        A file name or path (``"out/region4.PNG"``).
    kind : {"map", "table"}, optional
        Only formats of this kind.
    """
    suffix = Path(path).suffix.lstrip(".").lower()
    for fmt in REGISTRY.values():
        if suffix in fmt.suffixes and (kind is None or fmt.kind == kind):
            return fmt
    return None


def _of_kind(key: str, kind: Kind) -> ExportFormat:
    fmt = REGISTRY.get(str(key).lower().lstrip("."))
    if fmt is None or fmt.kind != kind:
        names = list(formats_of(kind))
        choices = ", ".join(names[:-1]) + " or " + names[-1]
        what = "Maps" if kind == "map" else "Tables"
        raise ValueError(f"{what} are exported as {choices}, not {key!r}.")
    return fmt


def participation_map_bytes(
    teams: pd.DataFrame,
    events: pd.DataFrame,
    request: MapRequest,
    fmt: str,
    *,
    width_px: int = 2400,
    dpi: int = 300,
    layout=None,
    simplified: bool = False,
) -> bytes:
    """A request's map in a map format of :data:`REGISTRY`.

    Parameters
    ----------
    teams : pandas.DataFrame
        :func:`loaders.participation.teams_by_event`.
    events : pandas.DataFrame
        :func:`loaders.events.load_events`.
    request : MapRequest
    fmt : str
        A map format key (``"png"``, ``"svg"``, ``"pdf"``, ``"html"``,
        ``"gpkg"``, ``"geojson"``).
    width_px, dpi : int
        Raster width (pixels; formats not printed on a page) and print
        resolution (dots per inch).
    layout : geodata.printpage.PrintLayout, optional
        Paper, orientation, words and insets of the printed formats
        (:data:`PRINTED`; default Letter portrait, automatic words); other
        formats ignore it.
    simplified : bool, default False
        GIS layers: the Map page's simplified boundaries instead of the full
        Census detail (other formats ignore it).

    Returns
    -------
    bytes
        The file (HTML and GeoJSON in UTF-8).

    Raises
    ------
    ValueError
        Unknown format (the message lists the map formats) or invalid request.
    """
    spec = _of_kind(fmt, "map")
    if spec.layer:
        return spec.writer(teams, events, request, simplified=simplified)
    extra = {"layout": layout} if layout is not None and spec.key in PRINTED else {}
    return spec.writer(teams, events, request, width_px=width_px, dpi=dpi, **extra)


def tables_bytes(
    tables: Mapping[str, pd.DataFrame],
    fmt: str,
    *,
    include_contacts: bool = False,
    raw_headers: bool = False,
    about: Mapping[str, str] | None = None,
) -> bytes:
    """Tables (sheet name → frame) in a table format of :data:`REGISTRY`.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        Sheet name → table.
    fmt : str
        A table format key (``"csv"``, ``"xlsx"``).
    include_contacts : bool, default False
        Keep names, emails and phones (:func:`loaders.exports.prepare_table`).
    raw_headers : bool, default False
        Machine column names (``cd_code``) and values as computed, for
        scripts; default: titles in words ("CD code") and one number format
        per column (:mod:`loaders.tablecolumns`).
    about : mapping of str to str, optional
        Source, filter and date (:func:`loaders.exports.export_about`) for the
        XLSX "About" sheet (CSV has no place for it).

    Raises
    ------
    ValueError
        Unknown format, or several tables for a one-table format (CSV).
    """
    writer = _of_kind(fmt, "table").writer
    return writer(
        tables, include_contacts=include_contacts, raw_headers=raw_headers, about=about
    )
