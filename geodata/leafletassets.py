"""Leaflet served by the app or inlined in a file: maps that need no internet.

folium's default page loads Leaflet, jQuery, Bootstrap and fonts from public
CDNs. The maps here load Leaflet only (the ``xstatic-leaflet`` package's files),
from one of three places (:func:`link_leaflet`):

* the app's static folder (:func:`install_static_assets` copies the files,
  :func:`asset_url` is where Streamlit serves them);
* ``data:`` URLs, for a server that does not serve static files;
* inlined in the page, for a single self-contained HTML file
  (:func:`map_html_standalone`).
"""

from __future__ import annotations

import base64
import shutil
from importlib import metadata
from pathlib import Path

import folium
from branca.element import Element
from xstatic.pkg import leaflet as xstatic_leaflet

from geodata.compactgeojson import asset_links
from loaders.fileio import atomic_directory

__all__ = [
    "LEAFLET_VERSION",
    "asset_url",
    "external_urls",
    "install_static_assets",
    "link_leaflet",
    "map_html_standalone",
]

LEAFLET_VERSION = metadata.version("xstatic-leaflet").rsplit(".", 1)[0]
_ASSET_FOLDER = f"vendor/leaflet-{LEAFLET_VERSION}"
_SOURCE = Path(xstatic_leaflet.BASE_DIR)


def install_static_assets(static_dir: Path) -> Path:
    """Copy Leaflet's script, style and images into an app's static folder.

    Parameters
    ----------
    static_dir : pathlib.Path
        The Streamlit app's ``static/`` folder (served at ``/app/static/``).

    Returns
    -------
    pathlib.Path
        The folder holding ``leaflet.js`` and ``leaflet.css``. Copies are made
        into a uniquely named temporary folder and moved into place
        (:func:`loaders.fileio.atomic_directory`), so a half-copied folder is
        never served and two processes never share a temporary folder; an
        existing complete copy is reused.
    """
    target = Path(static_dir) / _ASSET_FOLDER
    if (target / "leaflet.js").is_file() and (target / "leaflet.css").is_file():
        return target
    # a uniquely named folder beside the target, then one rename: two processes
    # starting at once each copy into their own and the first complete one stays
    with atomic_directory(target) as tmp:
        if tmp is not None:
            for name in ("leaflet.js", "leaflet.css"):
                shutil.copy2(_SOURCE / name, tmp / name)
            shutil.copytree(_SOURCE / "images", tmp / "images")
    return target


def asset_url(base_url_path: str = "") -> str:
    """URL folder of the served Leaflet files for a server's ``baseUrlPath``."""
    base = "/" + base_url_path.strip("/") if base_url_path.strip("/") else ""
    return f"{base}/app/static/{_ASSET_FOLDER}"


def _data_url(path: Path, mime: str) -> str:
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode()


def link_leaflet(m: folium.Map, base: str) -> None:
    """Make ``m`` load Leaflet (and nothing else) from ``base``.

    Parameters
    ----------
    m : folium.Map
    base : str
        URL folder serving ``leaflet.js`` and ``leaflet.css`` (e.g.
        :func:`asset_url`), ``"data"`` (``data:`` URLs) or ``"inline"`` (the
        files' text in the page header).
    """
    if base == "data":  # data: URLs, for a server that does not serve static files
        js = _data_url(_SOURCE / "leaflet.js", "text/javascript")
        m.default_js = [("leaflet", js)]
        m.default_css = [
            ("leaflet_css", _data_url(_SOURCE / "leaflet.css", "text/css"))
        ]
    elif base == "inline":
        m.default_js = []
        m.default_css = []
        css = (_SOURCE / "leaflet.css").read_text(encoding="utf-8")
        js = (_SOURCE / "leaflet.js").read_text(encoding="utf-8")
        m.get_root().header.add_child(
            Element(f"<style>{css}</style>"), name="leaflet_css"
        )
        m.get_root().header.add_child(
            Element(f"<script>{js}</script>"), name="leaflet_js"
        )
    else:
        m.default_js = [("leaflet", f"{base}/leaflet.js")]
        m.default_css = [("leaflet_css", f"{base}/leaflet.css")]


def external_urls(m: folium.Map) -> list[str]:
    """Every script or style URL the map would load from another host.

    Walks all elements of the map (as streamlit-folium does) and collects
    ``default_js`` / ``default_css`` entries that start with ``http`` or ``//``.
    An empty list means the map works with no internet.
    """
    css, js = asset_links(m)
    return [url for url in js + css if url.startswith(("http:", "https:", "//"))]


def map_html_standalone(m: folium.Map) -> str:
    """The whole page of a map whose Leaflet is inlined (``link_leaflet(m, "inline")``).

    Returns
    -------
    str
        A self-contained HTML document (Leaflet inlined, no external request).

    Raises
    ------
    ValueError
        If the map would still load a script or style from another host.
    """
    urls = external_urls(m)
    if urls or m.default_js:
        raise ValueError(
            "map_html_standalone needs a map built with offline_map(asset_base="
            f"'inline'); this one loads {urls or m.default_js}."
        )
    return m.get_root().render()
