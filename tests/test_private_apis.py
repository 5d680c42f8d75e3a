"""Canaries: fail loudly when a library changes the private API we rely on.

Each library's private use lives in one module, with an upper version bound in
``pyproject.toml``:

* folium / branca — :mod:`geodata.compactgeojson` (GeoJson template, element tree);
* streamlit-folium — :mod:`dashboard.fastmap` (rendering helpers, component call,
  the frontend's ``window.map`` / ``window.feature_group``);
* typer (its click copy) — :mod:`dashboard.cligroup`.

When one of these fails after an upgrade, adapt that one module (and raise the
bound), not the callers.
"""

from __future__ import annotations

import ast
import inspect
import tomllib
from importlib import metadata
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd
import pytest
import shapely
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent


def _declared(name: str) -> Requirement:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        dependencies = tomllib.load(fh)["project"]["dependencies"]
    for line in dependencies:
        req = Requirement(line)
        if req.name == name:
            return req
    raise AssertionError(f"{name} is not a dependency in pyproject.toml")


@pytest.mark.parametrize("name", ["folium", "streamlit-folium", "typer"])
def test_installed_version_is_within_the_pinned_bound(name):
    req = _declared(name)
    assert any(s.operator == "<" for s in req.specifier), f"{name} has no upper bound"
    assert Version(metadata.version(name)) in req.specifier


# ------------------------------------------------------------------------ folium
def test_folium_geojson_template_is_what_compact_geojson_wraps():
    from geodata.compactgeojson import CompactGeoJson, encode_features

    template = folium.GeoJson._template
    assert "json.dumps_kwargs" in template.environment.policies
    assert callable(template.module.script)
    square = shapely.box(-120.0, 37.0, -119.9, 37.1)
    frame = pd.DataFrame({"geoid": ["x"], "geometry": [square]})
    data = encode_features(
        gpd.GeoDataFrame(frame, crs="EPSG:4326"), pd.DataFrame({"n": ["a"]}), 4
    )
    m = folium.Map(tiles=None)
    layer = CompactGeoJson(data, embed=True).add_to(m)
    page = m.get_root().render()
    # the data line the wrapper rewrites: "<name>_add(<json>);"
    assert f"{layer.get_name()}_add(lmiDecode(" in page
    assert '"id":"x"' in page  # compact JSON policy applied


def test_branca_elements_keep_their_children():
    from geodata.compactgeojson import asset_links, iter_elements

    m = folium.Map(tiles=None)
    marker = folium.Marker([37, -120]).add_to(m)
    assert marker in list(iter_elements(m))
    css, js = asset_links(m)
    assert any("leaflet" in url for url in js) and css


# ------------------------------------------------------------- streamlit-folium
def _call_keywords(source: str, func: str) -> set[str]:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", None))
            if name == func:
                return {k.arg for k in node.keywords}
    raise AssertionError(f"no call to {func}")


def test_streamlit_folium_component_is_called_as_st_folium_calls_it():
    import streamlit_folium as sf

    from dashboard import fastmap

    theirs = _call_keywords(inspect.getsource(sf.st_folium), "_component_func")
    ours = _call_keywords(inspect.getsource(fastmap), "_component_func")
    assert ours == theirs
    for name in ("_get_html", "_get_header", "_get_map_string", "get_full_id"):
        assert callable(getattr(sf, name)), name
    params = list(inspect.signature(sf.generate_js_hash).parameters)
    assert params[:3] == ["js_string", "key", "return_on_hover"]


def test_streamlit_folium_helpers_render_a_map():
    import streamlit_folium as sf

    m = folium.Map(tiles=None)
    folium.Marker([37, -120]).add_to(m)
    m.get_root().render()
    m.render()
    script = sf._get_map_string(m)
    assert m.get_name() in script and "L.map" in script
    assert isinstance(sf._get_header(m), str) and isinstance(sf._get_html(m), str)
    assert sf.get_full_id(m).endswith(m.get_name().split("_")[-1])
    assert len(sf.generate_js_hash(script, None, False)) >= 32


def test_streamlit_folium_frontend_exposes_map_and_feature_group():
    import streamlit_folium as sf

    build = Path(sf.__file__).parent / "frontend" / "build" / "static" / "js"
    bundle = "".join(p.read_text(encoding="utf-8") for p in build.glob("main.*.js"))
    # selection_overlay_js draws through these (geodata.mapview)
    assert "window.map" in bundle and "window.feature_group" in bundle


# ------------------------------------------------------------------------ typer
def test_typer_click_exceptions_and_group_hooks():
    from typer.core import TyperGroup

    from dashboard.cligroup import ClickException, NoArgsIsHelpError, UsageError

    assert issubclass(UsageError, ClickException)
    assert issubclass(NoArgsIsHelpError, UsageError)
    for hook in ("get_params", "resolve_command", "main"):
        assert callable(getattr(TyperGroup, hook)), hook
    assert "standalone_mode" in inspect.signature(TyperGroup.main).parameters


def test_typer_usage_error_is_one_line(tmp_path, workspace_dir):
    from typer.testing import CliRunner

    from dashboard.cli import app

    result = CliRunner().invoke(app, ["export", "map", "--dpi", "10", "--out", "m.png"])
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ")
