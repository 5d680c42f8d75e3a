"""Rosters as people really send them: every kind of file loads, or says why not.

Each test writes its own small file (tmp_path) and checks the exact outcome.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pandas as pd
import pytest

from loaders import roster as roster_mod
from loaders.roster import (
    ISSUE_COLUMNS,
    REJECTED_COLUMNS,
    ROLES,
    ROSTER_COLUMNS,
    STATUSES,
    RosterFileError,
    RosterLoad,
    inspect_roster,
    layout_signature,
    propose_column_map,
    read_roster,
)
from loaders.vocab import (
    normalize_event,
    normalize_role,
    normalize_status,
    parse_date,
    status_yes_means,
)

BASIC = (
    "Event,District,County,Role,Status,Name,Email\n"
    "CALMI-2015-SYMP,La Cañada Unified,Los Angeles,Superintendent,Attended,"
    "Superintendent 001,sup001@example.org\n"
    "CALMI-2015-SYMP,La Cañada Unified,Los Angeles,Board Member,Registered,"
    "Board Member 001,board001@example.org\n"
)


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _xlsx(tmp_path, name, sheets, merge=None):
    """Write a workbook: sheets is {title: [row, ...]}; merge is {title: "A1:F1"}."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if merge and title in merge:
            sheet.merge_cells(merge[title])
    path = tmp_path / name
    book.save(path)
    return path


def _check_basic(load: RosterLoad) -> None:
    rows = load.rows
    assert list(rows.columns) == [*ROSTER_COLUMNS, "source_row", "row_notes"]
    assert all(str(rows[c].dtype) == "string" for c in ROSTER_COLUMNS)
    assert rows["entity_name"].tolist() == ["La Cañada Unified"] * 2
    assert rows["role"].tolist() == ["superintendent", "board_member"]
    assert rows["status"].tolist() == ["attended", "registered"]
    assert rows["event_id"].tolist() == ["CALMI-2015-SYMP"] * 2
    assert rows["county"].tolist() == ["Los Angeles"] * 2
    assert rows["source_row"].tolist() == [2, 3]
    assert rows["row_notes"].isna().all()
    assert load.rejected.empty and load.issues.empty
    assert load.header_row == 1


# --- encodings and separators --------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "reported"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("cp1252", "windows-1252"),
        ("latin-1", "windows-1252"),  # ñ is the same byte in both
        ("utf-16", "utf-16"),  # Excel's "Unicode Text"
    ],
)
def test_csv_encodings_keep_accents(tmp_path, encoding, reported):
    path = _write(tmp_path, "roster.csv", BASIC.encode(encoding))
    load = read_roster(path)
    _check_basic(load)
    assert load.encoding == reported
    assert load.filename == "roster.csv"
    assert "Ã" not in "".join(load.rows["entity_name"])


def test_latin1_only_bytes_fall_back_to_latin1(tmp_path):
    # 0x81 is undefined in Windows-1252: the file can only be Latin-1.
    data = "District,Name\nLa Cañada Unified,A\x81\n".encode("latin-1")
    load = read_roster(_write(tmp_path, "r.csv", data))
    assert load.encoding == "latin-1"
    assert load.rows["entity_name"].tolist() == ["La Cañada Unified"]


def test_mojibake_from_a_previous_round_trip_is_repaired(tmp_path):
    text = "District,Role\nLa CaÃ±ada Unified,Supt.\n"  # UTF-8 read as cp1252
    load = read_roster(_write(tmp_path, "r.csv", text.encode("utf-8")))
    assert load.rows["entity_name"].tolist() == ["La Cañada Unified"]
    assert any("repaired" in n for n in load.notes)


def test_tab_separated_text(tmp_path):
    path = _write(tmp_path, "roster.txt", BASIC.replace(",", "\t").encode("utf-8"))
    load = read_roster(path)
    _check_basic(load)
    assert load.delimiter == "\t"
    assert "fields separated by tab" in load.notes


def test_semicolon_separated_csv(tmp_path):
    path = _write(tmp_path, "roster.csv", BASIC.replace(",", ";").encode("utf-8"))
    _check_basic(read_roster(path))


def test_bytes_and_uploaded_file_objects():
    _check_basic(read_roster(BASIC.encode("utf-8"), filename="upload.csv"))
    upload = io.BytesIO(BASIC.encode("utf-8"))
    upload.name = "from_browser.csv"
    load = read_roster(upload)
    _check_basic(load)
    assert load.filename == "from_browser.csv"


def test_quoted_fields_with_commas_and_line_breaks(tmp_path):
    text = (
        "District,Role,Name\n"
        '"Los Angeles Unified, LAUSD",Supt.,"Superintendent 002"\n'
        '"San Diego Unified","Board\nPresident",Board Member 003\n'
        "Fresno Unified,Trustee,Board Member 004\n"
    )
    load = read_roster(_write(tmp_path, "r.csv", text.encode()))
    assert load.rows["entity_name"].tolist() == [
        "Los Angeles Unified, LAUSD",
        "San Diego Unified",
        "Fresno Unified",
    ]
    assert load.rows["role"].tolist() == ["superintendent", "board_member"] * 1 + [
        "board_member"
    ]
    # Row numbers are records, as a spreadsheet shows them.
    assert load.rows["source_row"].tolist() == [2, 3, 4]


# --- XLSX


def test_xlsx_several_sheets_guesses_the_roster_and_lists_all(tmp_path):
    path = _xlsx(
        tmp_path,
        "lmi.xlsx",
        {
            "Instructions": [["Fill in one row per person."], ["Questions: staff"]],
            "Lists": [["Role"], ["Superintendent"], ["Board Member"]],
            "Registrations": [
                ["District", "Position", "Attendance"],
                ["Fresno Unified", "Supt.", "Yes"],
                ["Fresno Unified", "Trustee", "No"],
            ],
            "Hotels": [["Hotel", "City"], ["Handlery", "San Diego"]],
        },
    )
    load = read_roster(path)
    assert load.sheets == ["Instructions", "Lists", "Registrations", "Hotels"]
    assert load.sheet == "Registrations"
    assert load.rows["role"].tolist() == ["superintendent", "board_member"]
    assert load.rows["status"].tolist() == ["attended", "registered"]
    assert any("guessed among 4 sheets" in n for n in load.notes)


def test_xlsx_user_picks_another_sheet(tmp_path):
    path = _xlsx(
        tmp_path,
        "two.xlsx",
        {
            "2015": [["District", "Role"], ["Fresno Unified", "Supt."]],
            "2016": [
                ["District", "Role"],
                ["Clovis Unified", "Supt."],
                ["Clovis Unified", "Trustee"],
            ],
        },
    )
    assert read_roster(path).sheet == "2015"  # equal: the first
    picked = read_roster(path, sheet="2016")
    assert picked.sheet == "2016"
    assert picked.rows["entity_name"].tolist() == ["Clovis Unified"] * 2
    assert read_roster(path, sheet=1).sheet == "2016"
    with pytest.raises(RosterFileError, match=r"has no sheet 'Roster'.*'2015', '2016'"):
        read_roster(path, sheet="Roster")


def test_xlsx_hidden_sheet_is_not_preferred(tmp_path):
    book = openpyxl.Workbook()
    hidden = book.active
    hidden.title = "Old roster"
    hidden.append(["District", "Role", "Status", "Email"])
    hidden.append(["Fresno Unified", "Supt.", "Attended", "a@example.org"])
    hidden.sheet_state = "hidden"
    visible = book.create_sheet("Roster")
    visible.append(["District", "Role", "Status", "Email"])
    visible.append(["Clovis Unified", "Supt.", "Attended", "b@example.org"])
    path = tmp_path / "h.xlsx"
    book.save(path)
    assert read_roster(path).sheet == "Roster"


def test_xlsx_title_rows_and_merged_cells_above_header(tmp_path):
    path = _xlsx(
        tmp_path,
        "titled.xlsx",
        {
            "Sheet1": [
                ["CA LMI 2015 Symposium - Team Roster"],
                ["Exported 2015-05-01"],
                [],
                ["School District Name", "CDS", "Title", "Registered?", "E-mail"],
                [
                    "San Diego Unified",
                    37683380000000,
                    "Superintendent",
                    "Yes",
                    "s@x.org",
                ],
                ["Alameda Unified", 1611190000000, "Board President", "No", "b@x.org"],
            ]
        },
        merge={"Sheet1": "A1:E1"},
    )
    load = read_roster(path)
    assert load.header_row == 4
    assert "header found on row 4" in load.notes
    assert load.rows["source_row"].tolist() == [5, 6]
    assert load.rows["cds_code"].tolist() == ["37683380000000", "01611190000000"]
    assert load.rows["status"].tolist() == ["registered", "applied"]
    assert load.column_map == {
        "entity_name": "School District Name",
        "cds_code": "CDS",
        "role": "Title",
        "status": "Registered?",
        "email": "E-mail",
    }


def test_csv_title_row_and_header_row_override(tmp_path):
    text = "Roster for LA convening\n\nDistrict,Role\nCompton Unified,Supt.\n"
    path = _write(tmp_path, "r.csv", text.encode())
    assert read_roster(path).header_row == 3
    load = read_roster(path, header_row=3)
    assert load.rows["source_row"].tolist() == [4]
    with pytest.raises(RosterFileError, match="header row 9 is outside the 4 rows"):
        read_roster(path, header_row=9)


def test_xlsx_codes_as_numbers_text_apostrophe_and_scientific(tmp_path):
    path = _xlsx(
        tmp_path,
        "codes.xlsx",
        {
            "Roster": [
                ["District", "CDS Code", "CD Code", "NCES ID"],
                ["Alameda Unified", 1611190000000, 161119, 601770],  # numbers
                ["Alameda Unified", "'01611190000000", "0161119", "0601770"],
                ["Alameda Unified", "1611190000000.0", "161119.0", None],
                ["San Diego Unified", "37-68338-0000000", "37 68338", "634320"],
                ["Los Angeles Unified", "1.964733E+13", None, None],
                ["Los Angeles Unified", "1.96473E+13", None, None],  # precision lost
            ]
        },
    )
    load = read_roster(path)
    rows = load.rows
    assert rows["cds_code"].tolist() == [
        "01611190000000",
        "01611190000000",
        "01611190000000",
        "37683380000000",
        "19647330000000",
        pd.NA,
    ]
    assert rows["cd_code"].tolist() == [
        "0161119",
        "0161119",
        "0161119",
        "3768338",
        pd.NA,
        pd.NA,
    ]
    assert rows["nces_id"].tolist() == [
        "0601770",
        "0601770",
        pd.NA,
        "0634320",
        pd.NA,
        pd.NA,
    ]
    assert list(load.issues.columns) == ISSUE_COLUMNS
    assert load.issues[["row", "column", "value"]].values.tolist() == [
        [7, "CDS Code", "1.96473E+13"]
    ]
    assert "scientific notation" in load.issues["reason"].iat[0]
    assert "CDS code: leading zero restored" in rows["row_notes"].iat[0]
    # the row is kept: it still names its district
    assert rows["entity_name"].iat[5] == "Los Angeles Unified"


def test_xlsx_dates_real_serial_and_text(tmp_path):
    path = _xlsx(
        tmp_path,
        "dates.xlsx",
        {
            "Roster": [
                ["District", "Event", "Event Date"],
                ["Fresno Unified", "Summer Institute", dt.datetime(2018, 6, 26)],
                ["Fresno Unified", "Summer Institute", 43277],  # serial: 2018-06-26
                ["Fresno Unified", "Summer Institute", "6/20/2017"],
                ["Fresno Unified", "Summer Institute", "TBD"],
                ["Fresno Unified", None, "2015-05-08"],
            ]
        },
    )
    load = read_roster(path)
    assert load.rows["event_id"].tolist() == [
        "CALMI-2018-SI",
        "CALMI-2018-SI",
        "CALMI-2017-SI",
        "Summer Institute",
        "CALMI-2015-SYMP",
    ]
    assert load.issues[["row", "column", "value"]].values.tolist() == [
        [5, "Event Date", "TBD"]
    ]
    assert "no date given" in load.issues["reason"].iat[0]


def test_xlsx_header_only_and_empty_sheet(tmp_path):
    path = _xlsx(tmp_path, "h.xlsx", {"Roster": [["District", "Role"]], "Empty": []})
    load = read_roster(path, sheet="Roster")
    assert load.rows.empty and load.rejected.empty
    assert list(load.rows.columns) == [*ROSTER_COLUMNS, "source_row", "row_notes"]
    with pytest.raises(RosterFileError, match="sheet 'Empty' has no rows"):
        read_roster(path, sheet="Empty")


# --- header spellings


@pytest.mark.parametrize(
    ("header", "target"),
    [
        ("District", "entity_name"),
        ("LEA", "entity_name"),
        ("School District Name", "entity_name"),
        ("District/COE", "entity_name"),
        ("Organization", "entity_name"),
        ("CDS", "cds_code"),
        ("CDS Code", "cds_code"),
        ("CDS #", "cds_code"),
        ("CDSCode", "cds_code"),
        ("County-District Code", "cd_code"),
        ("CD Code", "cd_code"),
        ("NCES LEA ID", "nces_id"),
        ("NCES", "nces_id"),
        ("County", "county"),
        ("Position", "role"),
        ("Title", "role"),
        ("Role on Team", "role"),
        ("Attendance", "status"),
        ("Registered?", "status"),
        ("Status", "status"),
        ("Event", "event_id"),
        ("Event Name", "event_id"),
        ("Name", "person_name"),
        ("Participant Name", "person_name"),
        ("E-mail", "email"),
        ("Email Address", "email"),
        ("Event Date", "event_date"),
        ("  district\u00a0NAME ", "entity_name"),  # case, NBSP, spaces
    ],
)
def test_header_spellings(header, target):
    mapping, ambiguous = propose_column_map([header])
    assert mapping == {target: header}
    assert ambiguous == {}


def test_google_forms_style_questions():
    headers = [
        "Timestamp",
        "Email Address",
        "District or COE name",
        "What is your role on the team?",
        "Which event are you registering for?",
        "Registration Date",
        "Date of event",
        "Your name",
    ]
    mapping, ambiguous = propose_column_map(headers)
    assert mapping == {
        "event_id": "Which event are you registering for?",
        "entity_name": "District or COE name",
        "role": "What is your role on the team?",
        "email": "Email Address",
        "person_name": "Your name",
        "event_date": "Date of event",
    }
    assert ambiguous == {}
    assert propose_column_map(["Name of your district", "Participant's full name"])[
        0
    ] == {
        "entity_name": "Name of your district",
        "person_name": "Participant's full name",
    }
    assert propose_column_map(["County Code", "Your county"])[0] == {
        "county": "Your county"
    }


def test_header_preference_and_ambiguity():
    mapping, ambiguous = propose_column_map(["Role", "Title", "District", "Team"])
    assert mapping == {"entity_name": "District", "role": "Role"}
    mapping, ambiguous = propose_column_map(["LEA", "lea", "Role"])
    assert mapping == {"role": "Role"}
    assert ambiguous == {"entity_name": ["LEA", "lea"]}


def test_first_and_last_name_are_joined(tmp_path):
    text = "District,First Name,Last Name\nFresno Unified,Board,Member 004\n"
    load = read_roster(_write(tmp_path, "r.csv", text.encode()))
    assert load.column_map["person_name"] == "First Name + Last Name"
    assert load.rows["person_name"].tolist() == ["Board Member 004"]


def test_registered_and_attended_columns_are_combined(tmp_path):
    text = (
        "District,Registered?,Attended?\n"
        "A Unified,Yes,Yes\n"
        "B Unified,Yes,No\n"
        "C Unified,No,\n"
        "D Unified,Yes,No-show\n"
    )
    load = read_roster(_write(tmp_path, "r.csv", text.encode()))
    assert load.column_map["status"] == "Registered? + Attended?"
    assert load.rows["status"].tolist() == [
        "attended",
        "registered",
        "applied",
        "registered",
    ]


def test_column_map_override_and_unmap(tmp_path):
    text = "Org,Who,Position,Notes\nFresno Unified,Sup 1,Supt.,vegetarian\n"
    path = _write(tmp_path, "r.csv", text.encode())
    proposed = inspect_roster(path)
    assert proposed.column_map == {"entity_name": "Org", "role": "Position"}
    assert proposed.unmapped_columns == ["Who", "Notes"]
    load = read_roster(path, column_map={"person_name": "Who", "role": None})
    assert load.column_map == {"entity_name": "Org", "person_name": "Who"}
    assert load.rows["person_name"].tolist() == ["Sup 1"]
    assert load.rows["role"].isna().all()
    assert load.unmapped_columns == ["Position", "Notes"]
    with pytest.raises(
        RosterFileError, match=r"column 'Whom' \(mapped to person_name\)"
    ):
        read_roster(path, column_map={"person_name": "Whom"})
    with pytest.raises(RosterFileError, match="'colour', which is not a roster column"):
        read_roster(path, column_map={"colour": "Notes"})


def test_column_map_rescues_a_file_without_recognisable_header(tmp_path):
    text = "Agencia,Cargo\nFresno Unified,Supt.\n"
    path = _write(tmp_path, "r.csv", text.encode())
    with pytest.raises(RosterFileError, match="no header row naming the district"):
        read_roster(path)
    load = read_roster(
        path, header_row=1, column_map={"entity_name": "Agencia", "role": "Cargo"}
    )
    assert load.rows["entity_name"].tolist() == ["Fresno Unified"]


def test_layout_signature_is_stable_across_order_case_and_spacing():
    a = layout_signature(["District", "CDS", "Role"])
    assert a == layout_signature(["role", " cds ", "DISTRICT"])
    assert a != layout_signature(["District", "CDS", "Position"])
    assert len(a) == 16


def test_layout_signature_reported_by_read_and_inspect(tmp_path):
    path = _write(tmp_path, "r.csv", BASIC.encode())
    sig = layout_signature(
        ["Event", "District", "County", "Role", "Status", "Name", "Email"]
    )
    assert read_roster(path).layout_signature == sig
    assert inspect_roster(path).layout_signature == sig


def test_blank_and_repeated_headers_get_names(tmp_path):
    text = "District,,Name,Name\nFresno Unified,x,A,B\n"
    load = read_roster(_write(tmp_path, "r.csv", text.encode()))
    assert list(load.source.columns) == ["District", "Column B", "Name", "Name (2)"]
    assert load.column_map["person_name"] == "Name"


def test_title_column_with_honorifics_is_not_the_role(tmp_path):
    text = "District,Title,Name\nFresno Unified,Dr.,A\nClovis Unified,Ms.,B\n"
    load = read_roster(_write(tmp_path, "r.csv", text.encode()))
    assert "role" not in load.column_map
    assert load.rows["role"].isna().all()
    assert any("honorifics" in n for n in load.notes)


# --- whitespace, case, duplicates, free-text roles and statuses --------------------


def test_whitespace_noise_and_mixed_case(tmp_path):
    text = (
        "District,County,Role,Status,Email\n"
        "  San  Diego\u00a0Unified  ,san diego county,SUPT.,ATTENDED,"
        " MAILTO:Sup@Example.ORG \n"
        "san diego unified\t,San Diego ,board member,attended,\n"
    )
    load = read_roster(_write(tmp_path, "r.csv", text.encode()))
    rows = load.rows
    assert rows["entity_name"].tolist() == ["San Diego Unified", "san diego unified"]
    assert rows["county"].tolist() == ["San Diego", "San Diego"]
    assert rows["role"].tolist() == ["superintendent", "board_member"]
    assert rows["email"].tolist() == ["sup@example.org", pd.NA]


def test_contact_details_never_in_reasons_or_notes(tmp_path):
    weird = 'Zoë =HYPERLINK("x") O\'Brien-Ñúñez'
    bad = "Ann.Example AT Example.ORG"
    quoted = '"' + weird.replace('"', '""') + '"'
    text = (
        "Event,District,Role,Status,Name,Email\n"
        f"CALMI-2017-SI,Fresno Unified,Supt.,Registered,{quoted},{bad}\n"
        "CALMI-2017-SI,Fresno Unified,Supt.,Attended,Zed Other,ok@example.org\n"
        "CALMI-2017-SI,Fresno Unified,Supt.,Attended,Zed Another,OK@example.org\n"
        f"CALMI-2017-SI,,Supt.,Attended,{quoted},{bad}\n"
        "CALMI-2017-SI,Clovis Unified,Supt.,Attended,Cy,n/a\n"
        "CALMI-2017-SI,Clovis Unified,Trustee,Attended,Di,n/a\n"
    )
    load = read_roster(_write(tmp_path, "r.csv", text.encode()))
    secrets = [weird, bad, "Zed Other", "Zed Another", "n/a", "ok@example.org"]
    texts = [
        *load.issues["reason"].dropna(),
        *load.rejected.drop(columns=["row"]).stack().dropna().astype(str),
        *load.rows["row_notes"].dropna(),
        *load.notes,
    ]
    leaks = [(s, t) for s in secrets for t in texts if s.casefold() in t.casefold()]
    assert not leaks
    assert load.issues["reason"].tolist().count(roster_mod.EMAIL_PROBLEM) == 3
    assert "person_name (differs between the rows)" in load.rows["row_notes"].iat[1]
    assert load.rejected["values"].tolist() == ["CALMI-2017-SI | Supt. | Attended"]
    # invalid addresses are kept exactly as typed; valid ones normalised; an
    # invalid address never makes two people one ("n/a" for Cy and Di)
    assert load.rows["email"].tolist() == [bad, "ok@example.org", "n/a", "n/a"]
    assert load.rows["person_name"].tolist() == [weird, "Zed Other", "Cy", "Di"]


def test_unknown_county_is_kept_and_reported(tmp_path):
    text = "District,County\nFresno Unified,Fresnoo\n"
    load = read_roster(_write(tmp_path, "r.csv", text.encode()))
    assert load.rows["county"].tolist() == ["Fresnoo"]
    assert load.issues["reason"].tolist() == [
        "county 'Fresnoo' is not one of California's 58 counties"
    ]


def test_duplicate_person_and_event_merged_with_note(tmp_path):
    text = (
        "Event,District,Role,Status,Name,Email\n"
        "CALMI-2017-SI,Fresno Unified,Supt.,Registered,Sup 1,sup1@example.org\n"
        "CALMI-2017-SI,Clovis Unified,Supt.,Registered,Sup 2,sup2@example.org\n"
        "CALMI-2017-SI,Fresno Unified,Supt.,Attended,Sup 1,SUP1@example.org\n"
        "CALMI-2018-SI,Fresno Unified,Supt.,Attended,Sup 1,sup1@example.org\n"
        "CALMI-2017-SI,Fresno Unified,,,Board 1,\n"
        "CALMI-2017-SI,Fresno Unified,Trustee,Attended,board 1,\n"
    )
    load = read_roster(_write(tmp_path, "r.csv", text.encode()))
    rows = load.rows
    assert rows["source_row"].tolist() == [2, 3, 5, 6]
    assert rows["status"].tolist() == ["attended", "registered", "attended", "attended"]
    assert "merged with duplicate row(s) 4" in rows["row_notes"].iat[0]
    # the merged row takes missing values from its duplicate
    assert rows["role"].iat[3] == "board_member"
    assert "merged with duplicate row(s) 7" in rows["row_notes"].iat[3]
    assert "2 duplicate rows (same person, same event) merged" in load.notes


def test_rows_without_person_are_not_merged(tmp_path):
    text = "District,Role\nFresno Unified,Supt.\nFresno Unified,Supt.\n"
    load = read_roster(_write(tmp_path, "r.csv", text.encode()))
    assert len(load.rows) == 2


def test_free_text_roles_and_statuses_in_a_file(tmp_path):
    text = (
        "District,Position,Attendance\n"
        "A,Supt.,Yes\n"
        "A,Asst. Superintendent,Attended\n"
        "A,CTA chapter president,No-show\n"
        "A,CSEA chapter president,Waitlist\n"
        "A,Teachers Association President,No\n"
        "A,Classified union,Cancelled\n"
        "A,Trustee,Maybe\n"
    )
    load = read_roster(_write(tmp_path, "r.csv", text.encode()))
    rows = load.rows
    assert rows["role"].tolist() == [
        "superintendent",
        pd.NA,
        "teachers_union_president",
        "classified_union_president",
        "teachers_union_president",
        "classified_union_president",
        "board_member",
    ]
    assert rows["status"].tolist() == [
        "attended",
        "attended",
        "registered",
        "waitlisted",
        "registered",
        "cancelled",
        "unreadable",  # loaders.vocab.UNREADABLE_STATUS: not on the map
    ]
    assert load.issues[["row", "column", "value"]].values.tolist() == [
        [3, "Position", "Asst. Superintendent"],
        [8, "Attendance", "Maybe"],
    ]
    assert "not one of the four team roles" in load.issues["reason"].iat[0]
    assert "no-show: registered but did not attend" in rows["row_notes"].iat[2]


# --- rejected rows


def test_rows_without_entity_are_rejected_never_lost(tmp_path):
    text = (
        "District,CDS,Role,Name\n"
        "Fresno Unified,,Supt.,A\n"
        ",,Trustee,B\n"
        ",,,\n"
        ",1.96473E+13,Supt.,C\n"
        "Total: 3,,,\n"
    )
    load = read_roster(_write(tmp_path, "r.csv", text.encode()), filename="team.csv")
    assert load.rows["source_row"].tolist() == [2, 6]  # "Total: 3" names an entity
    assert list(load.rejected.columns) == REJECTED_COLUMNS
    assert load.rejected[["file", "row", "column"]].values.tolist() == [
        ["team.csv", 3, "District / CDS"],
        ["team.csv", 5, "District / CDS"],
    ]
    assert load.rejected["reason"].iat[0].startswith("no district or COE")
    assert "scientific notation" in load.rejected["reason"].iat[1]
    assert load.rejected["values"].tolist() == [  # without the names
        "Trustee",
        "1.96473E+13 | Supt.",
    ]
    assert "1 blank rows skipped" in load.notes
    assert "2 rows rejected (no district or COE)" in load.notes
    # issues of rejected rows are not repeated
    assert load.issues.empty


def test_event_id_for_single_event_files(tmp_path):
    text = "District,Role\nFresno Unified,Supt.\n"
    path = _write(tmp_path, "r.csv", text.encode())
    assert read_roster(path).rows["event_id"].isna().all()
    load = read_roster(path, event_id="CALMI-2019-NORCAL")
    assert load.rows["event_id"].tolist() == ["CALMI-2019-NORCAL"]


# --- files that cannot be read


def _encrypted_like() -> bytes:
    # An OLE2 container whose directory names the EncryptionInfo stream, as in
    # every password-protected OOXML workbook.
    return (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 500
        + "EncryptionInfo".encode("utf-16-le")
        + b"\x00" * 100
    )


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "r.csv: the file is empty. Export the roster again"),
        (b"\xef\xbb\xbf\r\n  \r\n", "the file is empty"),
        (b"%PDF-1.7\n...", "is a PDF, not a spreadsheet. Export the roster"),
        (b"<html><body><table>", r"is a web page \(HTML\)"),
        (bytes(range(256)) * 4, "is a binary file, not a CSV, text or XLSX"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
            r"Excel 97-2003 \(\.xls\)",
        ),
        (_encrypted_like(), "protected with a password. Open it in Excel, remove"),
        (b"PK\x03\x04 broken", "damaged or incomplete"),
        (_zip({"word/document.xml": b"<w/>"}), "a zip file but not an Excel workbook"),
        (
            _zip(
                {
                    "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                    "content.xml": b"<x/>",
                }
            ),
            r"OpenDocument spreadsheet \(.ods\)",
        ),
        (b"Name,Email\nA,a@example.org\n", "no header row naming the district or COE"),
    ],
)
def test_unreadable_files_give_one_clear_message(data, message):
    with pytest.raises(RosterFileError, match=message) as info:
        read_roster(data, filename="r.csv")
    assert str(info.value).startswith("r.csv: ")
    assert isinstance(info.value, ValueError)


def test_missing_file(tmp_path):
    with pytest.raises(RosterFileError, match="nothere.csv: the file does not exist"):
        read_roster(tmp_path / "nothere.csv")


def test_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(roster_mod.limits, "MAX_BYTES", 100)
    path = _write(tmp_path, "big.csv", b"District\n" + b"Fresno Unified\n" * 20)
    with pytest.raises(RosterFileError, match=r"big.csv: is 0.0 MB; the limit is 0 MB"):
        read_roster(path)


def test_row_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(roster_mod.limits, "MAX_ROWS", 5)
    path = _write(tmp_path, "many.csv", b"District\n" + b"Fresno Unified\n" * 6)
    with pytest.raises(RosterFileError, match="more than 5 data rows; the limit is 5"):
        read_roster(path)
    ok = _write(tmp_path, "ok.csv", b"District\n" + b"Fresno Unified\n" * 5)
    assert len(read_roster(ok).rows) == 5


def test_xlsx_zip_bomb_is_refused_before_opening(tmp_path, monkeypatch):
    monkeypatch.setattr(roster_mod.limits, "MAX_XLSX_UNPACKED", 1024 * 1024)
    data = _zip(
        {
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": b"\x00" * (2 * 1024 * 1024),
        }
    )
    assert len(data) < 20_000
    with pytest.raises(RosterFileError, match="would unpack to 2 MB"):
        read_roster(data, filename="bomb.xlsx")


# --- vocabulary


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("Supt.", "superintendent"),
        ("Superintendent", "superintendent"),
        ("Interim Superintendent", "superintendent"),
        ("Sup't", "superintendent"),
        ("Trustee", "board_member"),
        ("Board President", "board_member"),
        ("Board Member", "board_member"),
        ("Board Vice President", "board_member"),
        ("CTA chapter president", "teachers_union_president"),
        ("Teachers Association President", "teachers_union_president"),
        ("President, Fresno Teachers Association", "teachers_union_president"),
        ("CSEA chapter president", "classified_union_president"),
        ("Classified union", "classified_union_president"),
        ("SEIU Local 1021 President", "classified_union_president"),
        ("teachers_union_president", "teachers_union_president"),
    ],
)
def test_roles_from_free_text(text, role):
    assert normalize_role(text).value == role


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Asst. Superintendent", "not one of the four team roles"),
        ("Deputy Superintendent", "not one of the four team roles"),
        ("CTA Vice President", "not one of the four team roles"),
        ("Union President", "not whether teachers or classified"),
        ("Teacher", "a teacher is not one of the four team roles"),
        ("Principal", "is not recognised"),
    ],
)
def test_roles_flagged(text, problem):
    result = normalize_role(text)
    assert result.value is None and problem in result.problem


@pytest.mark.parametrize(
    ("text", "yes_means", "status"),
    [
        ("Yes", "attended", "attended"),
        ("No", "attended", "registered"),
        ("Yes", "registered", "registered"),
        ("No", "registered", "applied"),
        ("Yes", "applied", "applied"),
        ("Attended", "attended", "attended"),
        ("No-show", "attended", "registered"),
        ("no show", "registered", "registered"),
        ("Waitlist", "attended", "waitlisted"),
        ("Wait-listed", "attended", "waitlisted"),
        ("Registered", "attended", "registered"),
        ("Applied", "attended", "applied"),
        ("Cancelled", "attended", "cancelled"),
        ("Canceled", "attended", "cancelled"),
        ("Registered - paid", "attended", "registered"),
        ("Not selected", "attended", "applied"),
        ("x", "registered", "registered"),
        (True, "attended", "attended"),
    ],
)
def test_statuses_from_free_text(text, yes_means, status):
    assert normalize_status(text, yes_means=yes_means).value == status


def test_status_flags_and_column_meaning():
    assert normalize_status("Not registered").value is None
    assert normalize_status("No", yes_means="applied").problem
    assert status_yes_means("Registered?") == "registered"
    assert status_yes_means("Attendance") == "attended"
    assert status_yes_means("Status") == "attended"
    assert status_yes_means("Applied?") == "applied"
    assert set(STATUSES) == {
        "applied",
        "registered",
        "waitlisted",
        "attended",
        "cancelled",
    }
    assert ROLES == (
        "superintendent",
        "board_member",
        "teachers_union_president",
        "classified_union_president",
    )


@pytest.mark.parametrize(
    ("raw", "date"),
    [
        (dt.datetime(2015, 5, 8, 9, 30), dt.date(2015, 5, 8)),
        (dt.date(2015, 5, 8), dt.date(2015, 5, 8)),
        (pd.Timestamp("2015-05-08"), dt.date(2015, 5, 8)),
        (42132, dt.date(2015, 5, 8)),  # Excel serial, day 0 = 1899-12-30
        (42132.75, dt.date(2015, 5, 8)),  # time of day ignored
        ("42132", dt.date(2015, 5, 8)),
        (61, None),  # 1900-03-01: outside the plausible range
        ("2015-05-08", dt.date(2015, 5, 8)),
        ("5/8/2015", dt.date(2015, 5, 8)),  # US order
        ("05/08/15", dt.date(2015, 5, 8)),
        ("May 8, 2015", dt.date(2015, 5, 8)),
        ("May 8th, 2015", dt.date(2015, 5, 8)),
        ("8-May-2015", dt.date(2015, 5, 8)),
        ("5/8/2015 9:00 AM", dt.date(2015, 5, 8)),
    ],
)
def test_dates(raw, date):
    assert parse_date(raw).value == date


def test_excel_epoch():
    assert parse_date(1, earliest=dt.date(1800, 1, 1)).value is None  # before 61
    assert parse_date(61, earliest=dt.date(1800, 1, 1)).value == dt.date(1900, 3, 1)


@pytest.mark.parametrize("raw", ["TBD", "tba", "N/A", "someday", 12])
def test_dates_flagged(raw):
    result = parse_date(raw)
    assert result.value is None and result.problem


@pytest.mark.parametrize(
    ("text", "date", "event_id"),
    [
        ("CALMI-2015-SYMP", None, "CALMI-2015-SYMP"),
        ("calmi-2015-symp", None, "CALMI-2015-SYMP"),
        ("2015 Symposium, San Diego", None, "CALMI-2015-SYMP"),
        ("2015 Symposium", None, "CALMI-2015-SYMP"),
        ("Spring 2015 Symposium", None, "CALMI-2015-SYMP"),
        ("LA Regional", None, "CALMI-2015-LA-REGIONAL"),
        ("Summer Institute 2019", None, "CALMI-2019-SI"),
        ("Summer Institute", dt.date(2022, 6, 22), "CALMI-2022-SI"),
        (None, dt.date(2015, 12, 14), "CALMI-2015-EMERYVILLE"),
        ("Summer Institute", None, "Summer Institute"),  # kept, not guessed
    ],
)
def test_events(text, date, event_id):
    assert normalize_event(text, date=date).value == event_id
