"""Canary: the openpyxl internals the roster reader relies on are still there.

Everything the reader takes from openpyxl beyond its public API is in
``loaders/roster/_openpyxl_compat.py``; pyproject.toml pins openpyxl below the
next minor version. When a new openpyxl moves any of it, these tests fail with
a message that says what changed and where to look.
"""

from __future__ import annotations

import datetime as dt
import io
import tomllib
from pathlib import Path

import openpyxl
import pytest

from loaders.roster import _openpyxl_compat as compat
from loaders.roster import read_roster
from loaders.roster.xlsx import Workbook

ROOT = Path(__file__).resolve().parent.parent
WHERE = (
    "openpyxl changed internals the roster reader relies on; see "
    "loaders/roster/_openpyxl_compat.py"
)


def _workbook_bytes() -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Roster"
    ws.append(["District", "Role", "Event date", "Attended", "CDS"])
    ws.append(["Napa Valley Unified", "Superintendent", dt.date(2019, 10, 3), True,
               28662660000000])  # fmt: skip
    ws.append(["Napa Valley Unified", "Board member", dt.date(2019, 10, 3), False,
               "28662660000000"])  # fmt: skip
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def test_internals_are_where_the_reader_expects_them():
    problems = compat.internals_problems()
    assert not problems, f"{WHERE}:\n- " + "\n- ".join(problems)


def test_the_pin_matches_the_tested_versions():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    pins = [d for d in project["project"]["dependencies"] if d.startswith("openpyxl")]
    assert len(pins) == 1, pins
    (tested,) = compat.TESTED_VERSIONS
    major, minor = (int(x) for x in tested.split("."))
    assert pins[0].replace(" ", "") == f"openpyxl>={tested},<{major}.{minor + 1}", (
        f"pyproject.toml pins {pins[0]!r}; the compat module was written for "
        f"openpyxl {tested} (TESTED_VERSIONS)"
    )


def test_sheets_are_opened_without_reading_their_size():
    """The reason for the internals: opening must not parse each sheet."""
    book = compat.open_workbook(_workbook_bytes())
    try:
        (ws,) = book.worksheets
        # openpyxl wrote <dimension ref="A1:E3">; an unsized sheet never read it
        assert ws._max_row is None and ws._max_column is None, (
            f"{WHERE}: ReadOnlyWorksheet no longer sizes itself through "
            "_get_size(), so a sheet without <dimension> is parsed to its end "
            "when the workbook opens"
        )
    finally:
        book.close()


def test_cells_are_parsed_as_openpyxl_reads_them():
    book = Workbook(_workbook_bytes(), "canary.xlsx")
    try:
        assert book.sheets == ["Roster"]
        read = book.rows("Roster")
    finally:
        book.close()
    assert read.numbers == [1, 2, 3], WHERE
    header, first, second = read.rows
    assert header == ["District", "Role", "Event date", "Attended", "CDS"], WHERE
    assert first[:2] == ["Napa Valley Unified", "Superintendent"], WHERE
    assert first[2] == dt.datetime(2019, 10, 3), f"{WHERE}: dates ({first[2]!r})"
    assert first[3] is True and second[3] is False, f"{WHERE}: booleans"
    assert first[4] == 28662660000000 and second[4] == "28662660000000", WHERE


@pytest.mark.parametrize("header_row", [None, 1])
def test_a_workbook_reads_end_to_end(header_row):
    load = read_roster(_workbook_bytes(), filename="canary.xlsx", header_row=header_row)
    assert load.rows["role"].tolist() == ["superintendent", "board_member"]
    assert load.rows["status"].tolist() == ["attended", "registered"]
    assert load.rows["cds_code"].tolist() == ["28662660000000"] * 2
    assert load.sheet == "Roster"
