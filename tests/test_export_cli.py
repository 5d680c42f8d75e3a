"""`lmi-dashboard export map|table`: files written atomically, errors in one line."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from typer.testing import CliRunner

from dashboard.cli import app
from geodata.staticmap import MapRequest
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
    # Letter, the default page, at 300 dpi
    assert (width, height) == (2550, 3300) and dpi == pytest.approx(300, abs=0.05)
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
        "About",  # source, filter, date and the data dictionary
        "By district",
        "By county",
        "By region",
        "By event",
        "Team completeness",
        "Changes",
        "Trends",
        "Outreach",
    ]
    assert wb["By region"].max_row == 2
    about = {r[0]: r[1] for r in wb["About"].iter_rows(values_only=True) if r[0]}
    assert about["Region"] == "CCSESA region 4" and about["Roster"] == "saved workspace"
    assert "California Department of Education" in about["Source"]

    out = tmp_path / "completeness.csv"
    result = _run(
        runner, "table", "--event", EVENTS_USED[1], "--table", "completeness",
        "--out", out,
    )  # fmt: skip
    assert result.exit_code == 0, _error(result)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 7
    assert {"CD code", "Team status", "Roles counted (of 4)"} <= set(rows[0])
    assert "Email" not in rows[0] and "Name" not in rows[0]
    assert "email" not in rows[0] and "person_name" not in rows[0]

    raw = tmp_path / "completeness-raw.csv"
    result = _run(
        runner, "table", "--event", EVENTS_USED[1], "--table", "completeness",
        "--raw-headers", "--out", raw,
    )  # fmt: skip
    assert result.exit_code == 0, _error(result)
    raw_rows = list(csv.DictReader(io.StringIO(raw.read_text(encoding="utf-8-sig"))))
    assert list(raw_rows[0])[:5] == ["event_id", "event", "date", "geoid", "cd_code"]
    assert [r["cd_code"] for r in raw_rows] == [r["CD code"] for r in rows]

    out = tmp_path / "contacts.csv"
    result = _run(
        runner, "table", "--table", "contacts", "--include-contacts", "--out", out
    )
    assert result.exit_code == 0, _error(result)
    text = out.read_text(encoding="utf-8-sig")
    assert "@example.org" in text
    rows = list(csv.reader(io.StringIO(text)))
    assert not [c for r in rows[1:] for c in r if c[:1] in ("=", "+", "-", "@")]


def _one_line(err: str) -> bool:
    """One ``error:`` line: no usage box, no traceback."""
    lines = [line for line in err.splitlines() if line.strip()]
    return len(lines) == 1 and lines[0].startswith("error: ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["map", "--region", 12, "--out", "{tmp}/m.png"], "CCSESA"),
        (["map", "--region", 42, "--out", "{tmp}/m.png"], "1-11"),
        (["map", "--region", "four", "--out", "{tmp}/m.png"], "'--region'"),
        (["map", "--out", "{tmp}/m.gif"], "--format png/svg/pdf/html/gpkg/geojson"),
        (["map", "--measure", "completeness", "--out", "{tmp}/m.png"], "one event"),
        (
            ["map", "--measure", "bogus", "--out", "{tmp}/m.png"],
            "'events_attended', 'event_status', 'completeness'",
        ),
        (["map", "--event", "NOPE", "--out", "{tmp}/m.png"], "--event NOPE"),
        (["table", "--event", "NOPE", "--out", "{tmp}/t.xlsx"], "CALMI-2015-SYMP"),
        (["map", "--type", "charter", "--out", "{tmp}/m.png"], "'elementary'"),
        (
            ["table", "--table", "contacts", "--out", "{tmp}/t.csv"],
            "--table contacts needs --contacts",
        ),
        (["table", "--table", "people", "--out", "{tmp}/t.csv"], "district, county"),
        (["table", "--county", "Atlantis", "--out", "{tmp}/t.xlsx"], "58 counties"),
        (["map", "--county", "Riversde", "--out", "{tmp}/m.png"], "Riverside?"),
        (
            ["map", "--region", 4, "--county", "Riverside", "--out", "{tmp}/m.png"],
            "--county Riverside is in CCSESA region 10, not region 4",
        ),
        (
            ["table", "--region", 4, "--county", "Riverside", "--out", "{tmp}/t.xlsx"],
            "Alameda, Contra Costa",
        ),
        (["table", "--out", "{tmp}/nowhere/t.xlsx"], "does not exist"),
        (["map", "--out", "{tmp}/nowhere/m.png"], "the folder"),
        (["map", "--format", "png", "--out", "{tmp}/t.xlsx"], "ends in .xlsx"),
        (["table", "--format", "xlsx", "--out", "{tmp}/t.csv"], "ends in .csv"),
        (["table", "--format", "csv", "--out", "{tmp}/m.png"], "ends in .png"),
    ],
)
def test_arguments_are_checked_first_in_one_line(
    runner, tmp_path, workspace_dir, args, message
):
    """Bad arguments: one line naming the option, before any roster is read.

    The workspace is empty: were the roster read first, the demo roster note
    would come before the error (or the export would be written).
    """
    for name in ("m.png", "t.csv", "t.xlsx"):
        (tmp_path / name).write_bytes(b"earlier export")
    result = _run(runner, *[str(a).format(tmp=tmp_path) for a in args])
    assert result.exit_code == 2
    err = result.stderr
    assert _one_line(err) and not result.stdout, err
    assert message in err and "demo roster" not in err
    for name in ("m.png", "t.csv", "t.xlsx"):
        assert (tmp_path / name).read_bytes() == b"earlier export"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "m.png",
        "t.csv",
        "t.xlsx",
        "workspace",
    ]


def test_empty_workspace_falls_back_to_the_demo_roster(runner, tmp_path, workspace_dir):
    book = tmp_path / "t.xlsx"
    result = _run(runner, "table", "--out", book)
    assert result.exit_code == 0, _error(result)
    notes = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(notes) == 1 and "built-in demo roster" in notes[0], notes
    assert "wrote 8 table(s)" in result.stdout
    wb = openpyxl.load_workbook(book)
    assert wb["By district"].max_row > 100  # the demo's teams
    svg = tmp_path / "m.svg"
    result = _run(runner, "map", "--region", 4, "--out", svg)
    assert result.exit_code == 0, _error(result)
    assert result.stderr.strip() == notes[0]
    assert svg.read_bytes().lstrip().startswith(b"<?xml")


def test_format_follows_the_out_suffix(runner, tmp_path, saved_roster):
    pdf = tmp_path / "r.pdf"
    result = _run(runner, "map", "--region", 4, "--out", pdf)
    assert result.exit_code == 0, _error(result)
    assert "wrote PDF map" in result.output
    assert pdf.read_bytes()[:5] == b"%PDF-"
    # --format agreeing with the suffix, or with no suffix at all, is fine
    plain = tmp_path / "region4"
    result = _run(runner, "map", "--region", 4, "--format", "png", "--out", plain)
    assert result.exit_code == 0, _error(result)
    assert plain.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # a contradiction is refused and leaves the earlier file alone
    result = _run(runner, "map", "--format", "png", "--out", pdf)
    assert result.exit_code == 2 and _one_line(result.stderr)
    assert "--format png but --out" in result.stderr
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_csv_table_defaults_to_the_district_table(runner, tmp_path, saved_roster):
    out = tmp_path / "t.csv"
    result = _run(runner, "table", "--region", 4, "--out", out)
    assert result.exit_code == 0, _error(result)
    assert "wrote the district table (By district" in result.stdout
    assert "--table picks another" in result.stdout
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    # Alameda, Oakland: codes as text, leading zero kept
    assert {r["NCES id / county FIPS"] for r in rows} >= {"0601770", "0628050"}
    assert {r["CCSESA region"] for r in rows} == {"4"}
    result = _run(
        runner, "table", "--table", "district", "--table", "region", "--out", out
    )
    assert result.exit_code == 2 and "holds one table" in _error(result)


@pytest.mark.parametrize("flag", ["--contacts", "--include-contacts"])
def test_contacts_flag_has_both_spellings(runner, tmp_path, saved_roster, flag):
    out = tmp_path / "contacts.csv"
    result = _run(runner, "table", "--table", "contacts", flag, "--out", out)
    assert result.exit_code == 0, _error(result)
    assert "@example.org" in out.read_text(encoding="utf-8-sig")

    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER_CSV, encoding="utf-8")
    matched = tmp_path / "matched.csv"
    result = runner.invoke(app, ["match", str(roster), "--out", str(matched), flag])
    assert result.exit_code == 0, _error(result)
    assert "@example.org" in matched.read_text(encoding="utf-8-sig")
    result = runner.invoke(app, ["match", str(roster), "--out", str(matched)])
    assert result.exit_code == 0, _error(result)
    assert "@example.org" not in matched.read_text(encoding="utf-8-sig")


def _text_boxes(fig):
    """Window extents (pixels) of the title, the subtitle and the map axes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    texts = {t.get_gid(): t for t in fig.texts}
    return (
        texts["map-title"].get_window_extent(renderer),
        texts["map-subtitle"].get_window_extent(renderer),
        fig.axes[0].get_window_extent(renderer),
        fig.bbox,
    )


LONG_TITLE = (
    "Role completeness of district teams at the CA LMI Summer Institute: Alameda "
    "County, Contra Costa County, Marin County, Napa County, San Francisco County, "
    "San Mateo County and Solano County (CCSESA Region 4)"
)


@pytest.mark.parametrize(
    ("county", "title", "page", "dpi"),
    [
        # the reported one: "CA LMI events attended by district teams: Riv..."
        ("Riverside", None, "letter", 150),
        ("Riverside", None, "letter", 72),  # smallest: hinting widens text most
        ("Alameda", LONG_TITLE, "a4", 150),
        ("Alameda", "Supercalifragilisticexpialidocious" * 3, "letter", 150),
    ],
)
def test_map_title_lies_inside_the_figure(reference, county, title, page, dpi):
    from geodata import staticmap
    from loaders.events import load_events
    from loaders.participation import teams_by_event

    events = load_events()
    teams = teams_by_event(sample_matched(reference))
    request = MapRequest(county=county)
    if title is None:
        layout = staticmap.PrintLayout(page)
        fig = staticmap.participation_figure(
            teams, events, request, layout=layout, dpi=dpi
        )
        full = "CA LMI events attended by district teams: Riverside County"
    else:
        districts, counties, legend = staticmap.measure_layers(teams, request)
        fig = staticmap.render_static_map(
            districts,
            counties,
            legend,
            title=title,
            subtitle="All 20 CA LMI events " * 8,
            county=county,
            page=staticmap.page_size_in(page),
            dpi=dpi,
        )
        full = title
    title_box, sub_box, map_box, page = _text_boxes(fig)
    for box in (title_box, sub_box):
        assert page.x0 <= box.x0 and box.x1 <= page.x1
        assert page.y0 <= box.y0 and box.y1 <= page.y1
    # top to bottom: title, subtitle, map, without overlap
    assert title_box.y0 >= sub_box.y1 - 1 and sub_box.y0 >= map_box.y1
    shown = next(t for t in fig.texts if t.get_gid() == "map-title").get_text()
    assert " ".join(shown.split()) == " ".join(full.split())  # nothing cut
    assert shown.count("\n") <= 1
    if title is None:  # a title that fits on two lines keeps its size
        assert shown.split("\n")[1] == "Riverside County"


def test_table_without_out_is_named_as_the_export_page_names_it(
    runner, tmp_path, saved_roster, monkeypatch
):
    from datetime import date

    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    result = _run(runner, "table", "--region", 4)  # no --out: XLSX, all tables
    assert result.exit_code == 0, _error(result)
    today = f"{date.today():%Y-%m-%d}"
    book = here / f"ca-lmi_events-attended_all-events_region-4_{today}.xlsx"
    assert [p.name for p in here.iterdir()] == [book.name]
    assert "By district" in openpyxl.load_workbook(book).sheetnames
    folder = tmp_path / "out"
    folder.mkdir()
    result = _run(runner, "table", "--format", "csv", "--out", folder)
    assert result.exit_code == 0, _error(result)
    name = f"ca-lmi_events-attended_all-events_california_{today}-by-district.csv"
    assert [p.name for p in folder.iterdir()] == [name]
