"""Tables for people: titles in words, one format per column, codes as text, About.

The participation tables of a small real-district roster written as the
command line and the Export page write them (:func:`geodata.formats.tables_bytes`),
read back with the csv module and openpyxl.
"""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pandas as pd
import pytest

from geodata.formats import tables_bytes
from loaders.events import load_events
from loaders.exports import (
    ABOUT_SHEET,
    TABLE_NAMES,
    export_about,
    participation_tables,
)
from loaders.participation import DATA_DICTIONARY, teams_by_event
from loaders.tablecolumns import COLUMN_SPECS, column_definition, column_title
from tests.test_exports import EVENTS_USED, FORMULA_NAME, sample_matched


@pytest.fixture(scope="module")
def events():
    return load_events()


@pytest.fixture(scope="module")
def tables(reference, events):
    matched = sample_matched(reference)
    return participation_tables(
        teams_by_event(matched), reference, events, matched=matched
    )


@pytest.fixture(scope="module")
def named(tables):
    return {TABLE_NAMES[k]: t for k, t in tables.items() if k != "dictionary"}


@pytest.fixture(scope="module")
def about(events):
    return export_about(
        roster="sample.csv",
        source="Boundaries: U.S. Census Bureau 2021",
        events=events,
        event_ids=[EVENTS_USED[1]],
        regions=[4],
    )


@pytest.fixture(scope="module")
def book(named, about):
    data = tables_bytes(named, "xlsx", about=about)
    return openpyxl.load_workbook(io.BytesIO(data))


def _csv_rows(frame: pd.DataFrame, **kwargs) -> list[dict[str, str]]:
    data = tables_bytes({"T": frame}, "csv", **kwargs)
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_headers_are_words(tables):
    rows = _csv_rows(tables["district"])
    assert list(rows[0])[:6] == [
        "NCES id / county FIPS",
        "CD code",
        "District or COE",
        "District type",
        "County",
        "CCSESA region",
    ]
    assert {"Events attended", "Superintendent came (teams)"} <= set(rows[0])
    raw = _csv_rows(tables["district"], raw_headers=True)
    assert list(raw[0])[:4] == ["geoid", "cd_code", "name", "district_type"]
    assert [r["cd_code"] for r in raw] == [r["CD code"] for r in rows]


def test_percentages_have_one_decimal_in_csv(tables):
    rows = _csv_rows(tables["region"])
    shown = [r["Attended (% of districts and COEs)"] for r in rows]
    assert len(shown) == 11 and all(re.fullmatch(r"\d+\.\d", v) for v in shown)
    assert "0.0" in shown  # no team: 0.0, not 0 or 0%
    values = [float(v) for v in shown]
    assert values == tables["region"]["coverage_pct"].round(1).tolist()
    assert all(re.fullmatch(r"\d+", r["Districts and COEs"]) for r in rows)


def test_codes_keep_their_leading_zeros(tables, book):
    rows = _csv_rows(tables["district"])
    oakland = next(r for r in rows if r["NCES id / county FIPS"] == "0628050")
    assert oakland["CD code"] == "0161259"  # CDE code of Oakland Unified
    ws = book["By district"]
    header = [c.value for c in ws[1]]
    for title, pattern in (("NCES id / county FIPS", r"06\d{3}(\d{2})?"),
                           ("CD code", r"\d{7}")):
        col = header.index(title) + 1
        cells = [ws.cell(r, col) for r in range(2, ws.max_row + 1)]
        assert cells and all(isinstance(c.value, str) for c in cells)
        assert all(c.number_format == "@" for c in cells)
        assert all(re.fullmatch(pattern, c.value) for c in cells)
    alameda_coe = next(
        ws.cell(r, 2).value for r in range(2, ws.max_row + 1)
        if ws.cell(r, 1).value == "06001"
    )
    assert alameda_coe == "0110017"  # leading zero kept


def test_xlsx_numbers_are_numbers_with_one_format_per_column(tables, book):
    ws = book["By region"]
    header = [c.value for c in ws[1]]
    pct = header.index("Attended (% of districts and COEs)") + 1
    cells = [ws.cell(r, pct) for r in range(2, ws.max_row + 1)]
    assert {c.number_format for c in cells} == {"0.0%"}
    expected = (tables["region"]["coverage_pct"] / 100).tolist()
    assert [c.value for c in cells] == pytest.approx(expected)
    teams = header.index("Teams") + 1
    cells = [ws.cell(r, teams) for r in range(2, ws.max_row + 1)]
    assert {c.number_format for c in cells} == {"#,##0"}
    assert all(isinstance(c.value, int) for c in cells)
    comp = book["Team completeness"]
    header = [c.value for c in comp[1]]
    day = comp.cell(2, header.index("Date") + 1)
    assert day.is_date and day.number_format == "yyyy-mm-dd"


def test_about_sheet_says_source_filter_date_and_defines_every_column(
    named, book, about
):
    assert book.sheetnames[0] == ABOUT_SHEET
    rows = list(book[ABOUT_SHEET].iter_rows(values_only=True))
    info = {r[0]: r[1] for r in rows[1 : 1 + len(about)]}
    assert info == about
    assert info["Region"] == "CCSESA region 4"
    assert EVENTS_USED[1] in info["Events"] and info["Roster"] == "sample.csv"
    assert re.match(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", info["Exported"])
    start = rows.index(("Sheet", "Column", "Machine name", "Format", "Definition"))
    listed = {(r[0], r[1]) for r in rows[start + 1 :]}
    for sheet in named:
        ws = book[sheet]
        for title in (c.value for c in ws[1]):
            assert (sheet, title) in listed, (sheet, title)
    assert all(r[4] for r in rows[start + 1 :]), "a column without a definition"
    by_name = {r[2]: r for r in rows[start + 1 :]}
    assert by_name["coverage_pct"][4] == DATA_DICTIONARY["coverage_pct"]
    assert by_name["coverage_pct"][3] == "percentage, one decimal"
    assert by_name["cd_code"][3] == "code (text, leading zeros kept)"


def test_every_participation_column_has_a_title_and_a_definition(tables):
    for key, frame in tables.items():
        for col in frame.columns:
            assert col in COLUMN_SPECS, (key, col)
            assert column_definition(col), (key, col)


def test_the_pages_show_the_same_titles_and_help(tables):
    from dashboard.tables import column_config

    frame = tables["district"]
    config = column_config(frame.columns, dict(frame.dtypes))
    for col in frame.columns:
        assert config[col]["label"] == column_title(col, frame[col].dtype)
        assert config[col]["help"] == column_definition(col)


def test_people_tables_stay_formula_safe(reference, events):
    frame = pd.DataFrame(
        {"name": [FORMULA_NAME, "-2", "Fresno"], "coverage_pct": [-1.25, 0.0, 50.0]}
    )
    rows = _csv_rows(frame)
    names = [r["District or COE"] for r in rows]
    assert names == ["'" + FORMULA_NAME, "'-2", "Fresno"]
    # a negative number is a number, written as one
    assert [r["Attended (% of districts and COEs)"] for r in rows][1:] == [
        "0.0",
        "50.0",
    ]
    book = openpyxl.load_workbook(io.BytesIO(tables_bytes({"T": frame}, "xlsx")))
    values = [c.value for c in book["T"]["A"][1:]]
    assert values == ["'" + FORMULA_NAME, "'-2", "Fresno"]
    assert book["T"]["B"][1].data_type == "n"


def test_human_tables_say_yes_no_and_type_words_raw_ones_keep_codes(tables, book):
    from loaders.entities import TYPE_LABELS
    from loaders.tablecolumns import human_words

    rows = _csv_rows(tables["district"])
    assert {r["District type"] for r in rows} <= set(TYPE_LABELS.values())
    assert "County office of education" in {r["District type"] for r in rows}
    raw = _csv_rows(tables["district"], raw_headers=True)
    assert {r["district_type"] for r in raw} <= set(TYPE_LABELS)
    flags = pd.DataFrame({"dated": [True, False], "district_type": ["coe", "x"]})
    people = _csv_rows(flags)
    assert [r["Dated"] for r in people] == ["Yes", "No"]
    assert [r["District type"] for r in people] == ["County office of education", "x"]
    ws = book["By district"]
    header = [c.value for c in ws[1]]
    col = header.index("District type") + 1
    words = {ws.cell(r, col).value for r in range(2, ws.max_row + 1)}
    assert words <= set(TYPE_LABELS.values())
    xlsx = openpyxl.load_workbook(io.BytesIO(tables_bytes({"T": flags}, "xlsx")))
    assert [c.value for c in xlsx["T"]["A"]][1:] == ["Yes", "No"]
    # pages: codes in words, yes/no left to the check boxes
    shown = human_words(flags)
    assert shown["district_type"].tolist() == ["County office of education", "x"]
    assert shown["dated"].tolist() == [True, False]
