"""A file's rows are counted one way everywhere, and "All" lists every row.

"9 rows read: 8 usable, 1 rejected" on the Data page's preview, the Map page's
roster line and the command line (:class:`loaders.upload.RowCounts`); the
preview's "All" lists the rejected row too, with its reason. Real files.
"""

from __future__ import annotations

import doctest

import pandas as pd
import pytest
from typer.testing import CliRunner

import loaders.upload
from dashboard import mapnav
from dashboard.cli import app
from loaders import participation as p
from loaders.events import load_events
from loaders.matching import match_roster
from loaders.roster import read_roster
from loaders.upload import REJECTED_STATUS, RowCounts, preview_rows, row_counts

EVENT = "CALMI-2015-SYMP"
NAMES = [
    "Oakland Unified",
    "Berkeley Unified",
    "Alameda Unified",
    "San Leandro Unified",
    "Fremont Unified",
    "Hayward Unified",
    "Newark Unified",
    "Dublin Unified",
]
TEXT = "9 rows read: 8 usable, 1 rejected"


@pytest.fixture
def roster_file(tmp_path):
    lines = ["event_id,entity_name,county,role,status,person_name,email"]
    lines += [
        f"{EVENT},{n},Alameda,superintendent,attended,P{i},p{i}@example.org"
        for i, n in enumerate(NAMES[:6])
    ]
    lines.append(f"{EVENT},,,,,,")  # no district, COE or code: rejected
    lines += [
        f"{EVENT},{n},Alameda,board_member,attended,Q{i},q{i}@example.org"
        for i, n in enumerate(NAMES[6:])
    ]
    path = tmp_path / "nine.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_doctests():
    assert doctest.testmod(loaders.upload).failed == 0


def test_counts_and_all_rows_of_the_file(roster_file, reference):
    load = read_roster(roster_file, events=load_events())
    counts = row_counts(load)
    assert counts == RowCounts(usable=8, rejected=1, merged=0)
    assert counts.read == 9 and counts.text() == TEXT
    matched = match_roster(load.rows, reference)
    every = preview_rows(load, matched)
    assert len(every) == counts.read == 9
    assert every["source_row"].tolist() == list(range(2, 11))
    rejected = every.loc[every["match_status"] == REJECTED_STATUS]
    assert rejected["source_row"].tolist() == [8]
    assert rejected["match_note"].iloc[0].startswith("rejected: ")
    assert len(every) - len(rejected) == len(matched)


def test_merged_duplicates_are_rows_read_too(tmp_path, reference):
    path = tmp_path / "twice.csv"
    path.write_text(
        "event_id,entity_name,county,role,status,person_name,email\n"
        f"{EVENT},Oakland Unified,Alameda,superintendent,attended,Ann,a@example.org\n"
        f"{EVENT},Oakland Unified,Alameda,superintendent,attended,Ann,a@example.org\n",
        encoding="utf-8",
    )
    load = read_roster(path, events=load_events())
    counts = row_counts(load)
    assert (counts.usable, counts.merged, counts.read) == (1, 1, 2)
    every = preview_rows(load, match_roster(load.rows, reference))
    assert every["match_status"].tolist() == ["matched", "merged"]
    assert every["match_note"].iloc[1] == "duplicate of row 2 (merged)"


def test_map_caption_and_command_line_say_the_same(roster_file, reference, tmp_path,
                                                    workspace_dir):  # fmt: skip
    load = read_roster(roster_file, events=load_events())
    matched = match_roster(load.rows, reference)
    table = p.rows_not_on_map(matched, row_counts(load).rejected, load_events())
    caption = mapnav.roster_caption("Saved rosters", len(matched), table)
    assert TEXT in caption
    out = tmp_path / "matched.csv"
    result = CliRunner().invoke(app, ["match", str(roster_file), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert TEXT in result.output
    assert len(pd.read_csv(out, dtype=str)) == 9
    book = tmp_path / "t.csv"
    result = CliRunner().invoke(
        app, ["export", "table", "--roster", str(roster_file), "--out", str(book)]
    )
    assert result.exit_code == 0, result.output
    assert TEXT in (result.stderr or "") + result.output
