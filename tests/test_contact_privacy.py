"""Contact details under any header stay private (issue 12, item 6).

Each test writes a real roster file to tmp_path and runs what a user runs:
``lmi-dashboard match`` (through typer's CliRunner), the reader, the export
tables. Names, e-mail addresses and phone numbers appear in an output only with
``--contacts``.
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from dashboard.cli import app
from loaders.exports import (
    contact_columns,
    neutralise_text,
    prepare_table,
    table_csv_bytes,
)
from loaders.roster import read_roster

PEOPLE = [
    ("Ada Quill", "ada.quill@example.org", "(510) 555-0101"),
    ("Bozhena Ferrante", "bozhena.ferrante@example.org", "510.555.0102"),
    ("Cy Okonkwo", "cy@example.org", "+1 510 555 0103"),
]
ROLES = ["Superintendent", "Board member", "Teachers union president"]


def _roster(tmp_path, headers, rows, name="roster.csv"):
    path = tmp_path / name
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows([headers, *rows])
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _basic(tmp_path):
    headers = ["Event", "District", "Role", "Status", "Participant",
               "E-mail address", "Phone", "Notes"]  # fmt: skip
    rows = [
        [
            "CALMI-2015-SYMP",
            "Oakland Unified",
            role,
            "Attended",
            name,
            mail,
            tel,
            f"note {i}",
        ]  # fmt: skip
        for i, (role, (name, mail, tel)) in enumerate(zip(ROLES, PEOPLE, strict=True))
    ]
    return _roster(tmp_path, headers, rows)


def _match(tmp_path, roster, *flags, out_name="matched.csv"):
    out = tmp_path / out_name
    result = CliRunner().invoke(app, ["match", str(roster), "--out", str(out), *flags])
    assert result.exit_code == 0, (result.output, result.exception)
    return out, result.output


def _secrets():
    return [part for person in PEOPLE for part in person]


def _written(tmp_path, roster) -> str:
    """Every file the command wrote (all but the roster), as text."""
    texts = []
    for path in sorted(tmp_path.iterdir()):
        if path == roster or path.is_dir():
            continue
        if path.suffix == ".xlsx":
            book = openpyxl.load_workbook(path, read_only=True)
            texts += [
                str(v) for ws in book.worksheets for r in ws.iter_rows(values_only=True)
                for v in r if v is not None
            ]  # fmt: skip
            book.close()
        else:
            texts.append(path.read_text(encoding="utf-8-sig"))
    return "\n".join(texts)


def test_match_leaves_contacts_out_under_any_header(tmp_path, workspace_dir):
    roster = _basic(tmp_path)
    out, said = _match(tmp_path, roster)
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 3
    assert not {"Participant", "E-mail address", "Phone"} & set(rows[0])
    assert [r["Notes"] for r in rows] == ["note 0", "note 1", "note 2"]
    assert [r["match_status"] for r in rows] == ["matched"] * 3
    text = _written(tmp_path, roster)
    leaked = [s for s in _secrets() if s in text]
    assert not leaked, f"contact details written without --contacts: {leaked}"
    assert "Participant, E-mail address, Phone" in said and "--contacts" in said


def test_match_with_contacts_keeps_them(tmp_path, workspace_dir):
    roster = _basic(tmp_path)
    out, said = _match(tmp_path, roster, "--contacts")
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["Participant"] for r in rows] == [p[0] for p in PEOPLE]
    assert [r["E-mail address"] for r in rows] == [p[1] for p in PEOPLE]
    # formula-safe as every cell ("+1 ..." gets a leading quote)
    assert [r["Phone"] for r in rows] == [neutralise_text(p[2]) for p in PEOPLE]
    assert "left out" not in said


def test_match_xlsx_output_leaves_contacts_out(tmp_path, workspace_dir):
    roster = _basic(tmp_path)
    out, _ = _match(tmp_path, roster, out_name="matched.xlsx")
    book = openpyxl.load_workbook(out, read_only=True)
    header = next(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    assert "Notes" in header and "Participant" not in header
    assert not [s for s in _secrets() if s in _written(tmp_path, roster)]


@pytest.mark.parametrize(
    "contact_headers",
    [
        ["Name", "Mail", "Tel"],
        ["Person", "E-mail", "Mobile"],
        ["Contact", "Email Address", "Cell"],
        ["First", "Last", "Telephone"],
        ["Attendee", "Work email", "Fax"],
    ],
)
def test_every_spelling_of_a_contact_header(tmp_path, workspace_dir, contact_headers):
    headers = ["Event", "District", "Role", *contact_headers]
    rows = [
        ["CALMI-2015-SYMP", "Oakland Unified", role, *person]
        for role, person in zip(ROLES, PEOPLE, strict=True)
    ]
    if contact_headers[:2] == ["First", "Last"]:  # first and last names
        rows = [[*r[:3], *r[3].split(), r[5]] for r in rows]
        secrets = [w for p in PEOPLE for w in (*p[0].split(), p[2])]
    else:
        secrets = _secrets()
    roster = _roster(tmp_path, headers, rows)
    out, _ = _match(tmp_path, roster)
    with out.open(encoding="utf-8-sig") as fh:
        header = next(csv.reader(fh))
    assert not set(contact_headers) & set(header), header
    assert not [s for s in secrets if s in _written(tmp_path, roster)]


def test_columns_of_addresses_or_phones_are_private_whatever_their_header(
    tmp_path, workspace_dir
):
    headers = ["Event", "District", "Role", "Info", "Reach at", "Comment"]
    rows = [
        ["CALMI-2015-SYMP", "Oakland Unified", role, mail, tel, "came late"]
        for role, (_, mail, tel) in zip(ROLES, PEOPLE, strict=True)
    ]
    roster = _roster(tmp_path, headers, rows)
    load = read_roster(roster)
    assert load.contact_columns == ["Info", "Reach at"]
    out, _ = _match(tmp_path, roster)
    with out.open(encoding="utf-8-sig") as fh:
        rows_out = list(csv.DictReader(fh))
    assert "Comment" in rows_out[0] and not {"Info", "Reach at"} & set(rows_out[0])
    assert not [p[1] for p in PEOPLE if p[1] in _written(tmp_path, roster)]


def test_how_contact_columns_enter_the_roster(tmp_path):
    """Mapped (Participant, E-mail address) or kept aside (Phone): both private."""
    roster = _basic(tmp_path)
    headers = ["Event", "District", "Role", "Status", "Participant",
               "E-mail address", "Phone", "Notes"]  # fmt: skip
    load = read_roster(roster)
    # mapped to the canonical person_name / email columns...
    assert load.column_map["person_name"] == "Participant"
    assert load.column_map["email"] == "E-mail address"
    assert load.rows["person_name"].tolist() == [p[0] for p in PEOPLE]
    # ...or kept only in the source columns (Phone feeds no roster column)
    assert "Phone" in load.unmapped_columns and "Phone" not in load.rows
    assert list(load.source.columns) == headers
    assert load.contact_columns == ["Participant", "E-mail address", "Phone"]
    # the canonical rows as an export table: person_name and email left out
    table = prepare_table(load.rows)
    assert not {"person_name", "email"} & set(table.columns)
    assert "person_name" in prepare_table(load.rows, include_contacts=True)
    # the source rows as an export table: every contact column left out
    source_csv = table_csv_bytes(load.source).decode("utf-8-sig")
    assert not [s for s in _secrets() if s in source_csv]
    assert "Notes" in source_csv


def test_rejected_rows_never_quote_contact_details(tmp_path):
    headers = ["District", "Role", "Participant", "E-mail address", "Phone", "Notes"]
    rows = [["", "Trustee", *PEOPLE[0], "no district given"]]
    load = read_roster(_roster(tmp_path, headers, rows))
    assert len(load.rejected) == 1 and load.rows.empty
    values = load.rejected["values"].iloc[0]
    assert values == "Trustee | no district given"


def test_contact_columns_by_header_and_content():
    table = pd.DataFrame(
        {
            "name": ["Oakland Unified"],  # a product table's entity name
            "Participant": ["Ada Quill"],
            "Tel.": ["510 555 0101"],
            "Info": ["mailto:ada.quill@example.org"],
            "cds_code": ["01612590000000"],
            "cd_code": ["0161259"],
            "score": [97.5],
        }
    )
    assert contact_columns(table) == ["Participant", "Tel.", "Info"]
    assert contact_columns(table, roster=True) == ["name", "Participant", "Tel.",
                                                   "Info"]  # fmt: skip
    assert contact_columns(table.columns) == ["Participant", "Tel."]
