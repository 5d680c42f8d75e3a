"""`lmi-dashboard match`: every input row, in input order, with its own columns."""

from __future__ import annotations

import csv

from dashboard.match_command import match_command

ROSTER = (
    "event_id,entity_name,role,status,person_name,Notes\n"
    "CALMI-2015-SYMP,San Diego USD,Supt.,Attended,A,first\n"
    "CALMI-2015-SYMP,,Trustee,Yes,B,no district\n"
    "CALMI-2015-SYMP,San Diego USD,Supt.,Attended,A,again\n"
    "CALMI-2015-SYMP,Nowhere Academy,Board member,applied,C,unknown\n"
    "CALMI-2015-SYMP,Feather Falls Union Elementary,Trustee,applied,D,no polygon\n"
)


def test_every_row_in_order_with_its_own_columns(tmp_path, workspace_dir):
    roster = tmp_path / "r.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    out = tmp_path / "m.csv"
    summary = match_command(roster, out=out, sheet=None, header_row=None)
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["Notes"] for r in rows] == [
        "first",
        "no district",
        "again",
        "unknown",
        "no polygon",
    ]
    assert [r["match_status"] for r in rows] == [
        "matched",
        "unmatched",
        "matched",
        "unmatched",
        "matched",
    ]
    assert rows[0]["geoid"] == "0634320" and rows[0]["cd_code"] == "3768338"
    assert "rejected" in rows[1]["match_note"]
    assert "duplicate of row 2" in rows[2]["match_note"]
    assert "no boundary" in rows[4]["match_note"]
    assert {"match_method", "score", "matched_name"} <= set(rows[0])
    # names are personal data: only on request
    assert "person_name" not in rows[0] and "--contacts" in summary
    match_command(roster, out=out, sheet=None, header_row=None, contacts=True)
    with out.open(encoding="utf-8-sig") as fh:
        assert next(csv.DictReader(fh))["person_name"] == "A"


def test_cell_problems_and_unknown_events_are_in_the_note(tmp_path, workspace_dir):
    roster = tmp_path / "bad.csv"
    roster.write_text(
        "event_id,entity_name,role,status,cds_code\n"
        "CALMI-1999-NOPE,San Diego USD,janitor,maybe,123\n",
        encoding="utf-8",
    )
    out = tmp_path / "m.csv"
    match_command(roster, out=out, sheet=None, header_row=None)
    with out.open(encoding="utf-8-sig") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["match_status"] == "matched"  # the district itself is clear
    for word in ("janitor", "maybe", "'123'", "not a known CA LMI event"):
        assert word in row["match_note"]
