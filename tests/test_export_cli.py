"""`lmi-dashboard export map|table`: files written atomically, errors in one line."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from typer.testing import CliRunner

from dashboard.cli import app
from tests.test_exports import EVENTS_USED, sample_matched
from tests.test_staticmap import png_header

ROSTER_CSV = """Event,District,County,CDS Code,Role,Status,Name,Email
CALMI-2015-EMERYVILLE,Oakland Unified,Alameda,01612590000000,Superintendent,Attended,\
"=cmd|' /C calc'!A0",a@example.org
CALMI-2015-EMERYVILLE,Oakland Unified,Alameda,01612590000000,Teachers union \
president,Attended,<script>alert(1)</script>,b@example.org
CALMI-2015-EMERYVILLE,Alameda Unified,Alameda,,Board member,Registered,Pat Doe,\
c@example.org
CALMI-2015-SYMP,San Diego Unified,San Diego,,Superintendent,Attended,Sam Roe,\
d@example.org
"""


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def saved_roster(workspace_dir, reference):
    from loaders.workspace import open_workspace

    ws = open_workspace()
    ws.save_roster(
        "sample", b"placeholder", "sample.csv", rows=sample_matched(reference)
    )
    yield ws
    ws.close()


def _run(runner, *args):
    return runner.invoke(app, ["export", *[str(a) for a in args]])


def _error(result) -> str:
    return (result.stderr or "") + (result.output or "")


def test_map_png_from_a_roster_file(runner, tmp_path, workspace_dir):
    folder = tmp_path / "out"
    folder.mkdir()
    roster = folder / "roster.csv"
    roster.write_text(ROSTER_CSV, encoding="utf-8")
    out = folder / "region4.png"
    result = _run(
        runner,
        "map", "--roster", roster, "--event", EVENTS_USED[1],
        "--measure", "completeness", "--region", 4, "--format", "png", "--out", out,
    )  # fmt: skip
    assert result.exit_code == 0, _error(result)
    width, height, dpi = png_header(out.read_bytes())
    assert width == 2400 and height > 0 and dpi == pytest.approx(300, abs=0.05)
    assert sorted(p.name for p in folder.iterdir()) == ["region4.png", "roster.csv"]
    assert "wrote PNG map" in result.output


def test_map_html_from_the_saved_workspace(runner, tmp_path, saved_roster):
    out = tmp_path / "map.html"
    result = _run(
        runner, "map", "--event", EVENTS_USED[1], "--measure", "event_status",
        "--county", "Alameda", "--out", out,
    )  # fmt: skip
    assert result.exit_code == 0, _error(result)
    text = out.read_text(encoding="utf-8")
    assert '"0628050"' in text and '"0601770"' in text  # Oakland, Alameda Unified
    assert "Placeholder Person" not in text and "@example.org" not in text


def test_table_xlsx_and_csv_from_the_workspace(runner, tmp_path, saved_roster):
    book = tmp_path / "tables.xlsx"
    result = _run(runner, "table", "--region", 4, "--format", "xlsx", "--out", book)
    assert result.exit_code == 0, _error(result)
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == [
        "By district",
        "By county",
        "By region",
        "By event",
        "Team completeness",
    ]
    assert wb["By region"].max_row == 2

    out = tmp_path / "completeness.csv"
    result = _run(
        runner, "table", "--event", EVENTS_USED[1], "--table", "completeness",
        "--out", out,
    )  # fmt: skip
    assert result.exit_code == 0, _error(result)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 7
    assert "email" not in rows[0] and "person_name" not in rows[0]

    out = tmp_path / "contacts.csv"
    result = _run(
        runner, "table", "--table", "contacts", "--include-contacts", "--out", out
    )
    assert result.exit_code == 0, _error(result)
    text = out.read_text(encoding="utf-8-sig")
    assert "@example.org" in text
    rows = list(csv.reader(io.StringIO(text)))
    assert not [c for r in rows[1:] for c in r if c[:1] in ("=", "+", "-", "@")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["map", "--region", 12, "--out", "{tmp}/m.png"], "CCSESA"),
        (["map", "--out", "{tmp}/m.gif"], "--format png/svg/pdf/html"),
        (["map", "--measure", "completeness", "--out", "{tmp}/m.png"], "one event"),
        (["map", "--event", "NOPE", "--out", "{tmp}/m.png"], "Unknown event"),
        (["table", "--out", "{tmp}/t.csv"], "--table"),
        (
            ["table", "--table", "contacts", "--out", "{tmp}/t.csv"],
            "--include-contacts",
        ),
        (["table", "--county", "Atlantis", "--out", "{tmp}/t.xlsx"], "58 counties"),
        (["table", "--out", "{tmp}/nowhere/t.xlsx"], "does not exist"),
    ],
)
def test_errors_are_one_line_and_leave_files_alone(
    runner, tmp_path, saved_roster, args, message
):
    for name in ("m.png", "t.csv", "t.xlsx"):
        (tmp_path / name).write_bytes(b"earlier export")
    result = _run(runner, *[str(a).format(tmp=tmp_path) for a in args])
    assert result.exit_code == 2
    err = _error(result)
    assert "error:" in err and message in err and "Traceback" not in err
    for name in ("m.png", "t.csv", "t.xlsx"):
        assert (tmp_path / name).read_bytes() == b"earlier export"


def test_empty_workspace_says_what_to_do(runner, tmp_path, workspace_dir):
    result = _run(runner, "table", "--format", "xlsx", "--out", tmp_path / "t.xlsx")
    assert result.exit_code == 2
    assert "--roster" in _error(result)
    assert not (tmp_path / "t.xlsx").exists()
