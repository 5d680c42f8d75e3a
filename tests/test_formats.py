"""The export-format registry: every format is written, offered and typed right.

The contract tests run over :data:`geodata.formats.REGISTRY`; a format added
there needs its file signature in :data:`SIGNATURE` (its one test) or
:func:`test_every_format_has_a_signature_test` fails.
"""

from __future__ import annotations

import io
import json
import zipfile

import pandas as pd
import pytest
from typer.testing import CliRunner

from dashboard.cli import app
from geodata.formats import (
    REGISTRY,
    format_for_path,
    formats_of,
    participation_map_bytes,
    tables_bytes,
)
from geodata.maprequest import MapRequest
from tests.test_exports import EVENTS_USED


def _png(data: bytes) -> bool:
    return data.startswith(b"\x89PNG\r\n\x1a\n")


def _svg(data: bytes) -> bool:
    return b"<svg" in data[:2000]


def _pdf(data: bytes) -> bool:
    return data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")


def _html(data: bytes) -> bool:
    return data.lstrip().lower().startswith(b"<!doctype html")


def _csv(data: bytes) -> bool:
    text = data.decode("utf-8-sig")
    return text.splitlines()[0] == "NCES id / county FIPS,District or COE" and (
        "0628050,Oakland" in text
    )


def _gpkg(data: bytes) -> bool:
    return data[:16] == b"SQLite format 3\x00" and b"gpkg_contents" in data


def _geojson(data: bytes) -> bool:
    doc = json.loads(data)
    return doc["type"] == "FeatureCollection" and "CRS84" in str(doc["crs"])


def _xlsx(data: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return "xl/workbook.xml" in book.namelist()


#: Each format's check of a written file (the one test a new format adds).
SIGNATURE = {
    "png": _png,
    "svg": _svg,
    "pdf": _pdf,
    "html": _html,
    "gpkg": _gpkg,
    "geojson": _geojson,
    "csv": _csv,
    "xlsx": _xlsx,
}


def test_every_format_has_a_signature_test():
    assert set(SIGNATURE) == set(REGISTRY)


@pytest.mark.parametrize("key", list(formats_of("map")))
def test_map_formats_write_their_file(key, teams, events):
    request = MapRequest("completeness", EVENTS_USED[1:], county="Alameda")
    data = participation_map_bytes(teams, events, request, key, width_px=600, dpi=72)
    assert SIGNATURE[key](data), data[:80]
    assert b"@example.org" not in data


@pytest.mark.parametrize("key", list(formats_of("table")))
def test_table_formats_write_their_file(key):
    tables = {"By district": pd.DataFrame({"geoid": ["0628050"], "name": ["Oakland"]})}
    assert SIGNATURE[key](tables_bytes(tables, key))


@pytest.mark.parametrize("key", list(REGISTRY))
def test_entry_is_complete(key):
    fmt = REGISTRY[key]
    assert fmt.key == key and fmt.label and fmt.mime and fmt.suffixes
    assert fmt.kind in ("map", "table")
    assert fmt.needs_geometry == (fmt.kind == "map")
    for suffix in fmt.suffixes:
        assert format_for_path(f"out/file.{suffix.upper()}") is fmt


def test_one_table_formats_refuse_several():
    frame = pd.DataFrame({"a": [1]})
    with pytest.raises(ValueError, match="holds one table"):
        tables_bytes({"A": frame, "B": frame}, "csv")
    with pytest.raises(ValueError, match="csv or xlsx"):
        tables_bytes({"A": frame}, "ods")


def test_cli_choices_come_from_the_registry():
    for kind in ("map", "table"):
        words = " ".join(
            CliRunner().invoke(app, ["export", kind, "--help"]).output.split()
        )
        for fmt in formats_of(kind).values():
            assert fmt.suffix in words and fmt.key in words
