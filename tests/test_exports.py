"""CSV / XLSX tables: formula-safe cells, contact details only on request."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest

from loaders import exports
from loaders.exports import (
    FORMULA_PREFIXES,
    TABLE_NAMES,
    contact_columns,
    neutralise_text,
    participation_tables,
    prepare_table,
    table_csv_bytes,
    tables_xlsx_bytes,
    write_table,
)

SCRIPT_NAME = "<script>alert('x')</script> Unified"
FORMULA_NAME = '=HYPERLINK("http://evil.example","click")'
BAD_EMAIL = "Call The Office (Ext 12)"
EVENTS_USED = ("CALMI-2015-SYMP", "CALMI-2015-EMERYVILLE")


def sample_matched(reference: pd.DataFrame) -> pd.DataFrame:
    """A small matched roster on real districts (placeholder people).

    Region 4 and a few other districts; one team complete, one with one role;
    a roster name with ``<script>`` and a person and an entity name that start
    with ``=``; one unmatched row.
    """
    ref = reference.set_index("geoid")
    teams = [
        # geoid, event, roles (None = all four), status
        ("0601770", EVENTS_USED[1], None, "attended"),  # Alameda Unified
        ("0628050", EVENTS_USED[1], 2, "attended"),  # Oakland Unified
        ("0634410", EVENTS_USED[1], 1, "registered"),  # San Francisco Unified
        ("06001", EVENTS_USED[1], 3, "attended"),  # Alameda COE
        ("0634320", EVENTS_USED[0], None, "attended"),  # San Diego Unified
        ("0622710", EVENTS_USED[0], 3, "attended"),  # Los Angeles Unified
        ("0601770", EVENTS_USED[0], 1, "applied"),
        ("0604740", EVENTS_USED[1], 2, "attended"),  # Berkeley Unified
        ("0601650", EVENTS_USED[1], None, "attended"),  # Acalanes Union High
        ("0605910", EVENTS_USED[1], 2, "registered"),  # Brentwood Union Elem.
    ]
    roles = [
        "superintendent",
        "board_member",
        "teachers_union_president",
        "classified_union_president",
    ]
    rows = []
    for i, (geoid, event, n, status) in enumerate(teams):
        entity = ref.loc[geoid]
        for j, role in enumerate(roles[: n or 4]):
            rows.append(
                {
                    "event_id": event,
                    "entity_name": str(entity["name"]),
                    "cds_code": str(entity["cds_code"]),
                    "cd_code": str(entity["cd_code"]),
                    "nces_id": geoid if len(geoid) == 7 else pd.NA,
                    "county": str(entity["county"]),
                    "role": role,
                    "status": status,
                    "person_name": f"Placeholder Person {i}-{j}",
                    "email": f"person{i}{j}@example.org",
                    "source_row": len(rows) + 2,
                    "match_status": "matched",
                    "geoid": geoid,
                    "matched_name": str(entity["name"]),
                    "match_method": "cds_code",
                    "score": 100.0,
                    "runner_up": pd.NA,
                    "runner_up_score": float("nan"),
                    "linked_geoids": "",
                    "match_note": pd.NA,
                }
            )
    frame = pd.DataFrame(rows)
    frame.loc[0, "person_name"] = FORMULA_NAME
    frame.loc[1, "person_name"] = SCRIPT_NAME
    frame.loc[2, "entity_name"] = "=1+2"
    frame.loc[3, "email"] = BAD_EMAIL
    unmatched = frame.iloc[[0]].copy()
    unmatched[["entity_name", "match_status", "geoid", "match_method"]] = [
        SCRIPT_NAME,
        "unmatched",
        pd.NA,
        pd.NA,
    ]
    frame = pd.concat([frame, unmatched], ignore_index=True)
    for col in frame.columns:
        if col not in ("source_row", "score", "runner_up_score"):
            frame[col] = frame[col].astype("string")
    frame["source_row"] = frame["source_row"].astype("Int64")
    return frame


@pytest.fixture(scope="module")
def matched(reference):
    return sample_matched(reference)


@pytest.fixture(scope="module")
def tables(matched, reference):
    from loaders.events import load_events
    from loaders.participation import teams_by_event

    return participation_tables(
        teams_by_event(matched),
        reference,
        load_events(),
        matched=matched,
        include_contacts=True,
    )


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8 right
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


# ------------------------------------------------------------------ cells
@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_every_formula_prefix_is_neutralised(prefix):
    assert neutralise_text(prefix + "SUM(A1:A9)") == "'" + prefix + "SUM(A1:A9)"


def test_plain_text_and_non_text_cells_are_unchanged():
    frame = pd.DataFrame(
        {
            "name": pd.array(["Alameda Unified", "-3", pd.NA], dtype="string"),
            "n": [-3, 4, 5],
            "x": [-1.5, 2.0, float("nan")],
        }
    )
    out = exports.neutralise_frame(frame)
    assert out["name"].tolist()[:2] == ["Alameda Unified", "'-3"]
    assert out["name"].isna().iloc[2]
    assert out["n"].tolist() == [-3, 4, 5]
    assert out["name"].dtype == frame["name"].dtype


def test_contact_columns_are_found_in_many_spellings():
    cols = [
        "person_name",
        "email",
        "phone",
        "Email Address",
        "First Name",
        "contact_phone",
        "Mobile",
        "name",
        "entity_name",
        "district",
        "venue_name",
        "matched_name",
    ]
    assert contact_columns(cols) == cols[:7]


def test_prepare_table_drops_contacts_unless_asked():
    invite = pd.DataFrame(
        {
            "district": ["Oakland Unified"],
            "venue_name": ["Emeryville"],
            "Email Address": ["x@example.org"],
            "Phone": ["510 555 0100"],
        }
    )
    assert list(prepare_table(invite).columns) == ["district", "venue_name"]
    assert list(prepare_table(invite, include_contacts=True).columns) == list(
        invite.columns
    )


# ------------------------------------------------------------------- tables
def test_participation_tables_shapes(tables, matched):
    assert set(tables) == set(TABLE_NAMES)
    assert len(tables["county"]) == 58
    assert len(tables["region"]) == 11
    # 10 teams in the roster: 9 distinct districts/COEs
    assert len(tables["completeness"]) == 10
    assert len(tables["district"]) == 9
    complete = tables["completeness"].set_index(["geoid", "event_id"])
    assert complete.loc[("0601770", EVENTS_USED[1]), "role_completeness"] == 4
    assert complete.loc[("0601770", EVENTS_USED[1]), "missing_roles"] == ""
    assert (
        "Superintendent"
        not in complete.loc[("0634410", EVENTS_USED[1]), "missing_roles"]
    )
    assert "Board member" in complete.loc[("0634410", EVENTS_USED[1]), "missing_roles"]
    assert len(tables["contacts"]) == int((matched["match_status"] == "matched").sum())
    assert not any(
        contact_columns(t.columns) for k, t in tables.items() if k != "contacts"
    )


def test_contacts_keep_invalid_emails_as_typed_and_mark_them(tables, reference):
    contacts = tables["contacts"]
    assert contacts["email"].tolist().count(BAD_EMAIL) == 1  # not lower-cased
    valid = dict(zip(contacts["email"], contacts["email_valid"], strict=True))
    assert not valid[BAD_EMAIL]
    assert contacts["email_valid"].sum() == len(contacts) - 1
    # only ever with contact details explicitly included
    from loaders.events import load_events
    from loaders.participation import teams_by_event

    matched = sample_matched(reference)
    plain = participation_tables(
        teams_by_event(matched), reference, load_events(), matched=matched
    )
    text = b"".join(table_csv_bytes(t) for t in plain.values()).decode()
    assert BAD_EMAIL not in text and "email_valid" not in text


def test_participation_tables_region_filter_and_errors(matched, reference):
    from loaders.events import load_events
    from loaders.participation import teams_by_event

    teams = teams_by_event(matched)
    t = participation_tables(teams, reference, load_events(), regions=[4])
    assert set(t) == set(TABLE_NAMES) - {"contacts"}
    assert set(t["district"]["ccsesa_region"]) == {4}
    assert list(t["region"]["ccsesa_region"]) == [4]
    with pytest.raises(ValueError, match="CCSESA"):
        participation_tables(teams, reference, load_events(), regions=[12])
    with pytest.raises(ValueError, match="58 counties"):
        participation_tables(teams, reference, load_events(), counties=["Atlantis"])


# ---------------------------------------------------------------------- CSV
def test_csv_is_formula_safe_and_keeps_text(tables):
    data = table_csv_bytes(tables["contacts"], include_contacts=True)
    rows = _csv_rows(data)
    header, body = rows[0], rows[1:]
    assert "person_name" in header and "email" in header
    cells = [c for row in body for c in row]
    assert not [c for c in cells if c.startswith(FORMULA_PREFIXES)]
    assert "'" + FORMULA_NAME in cells
    assert SCRIPT_NAME in cells  # inert text in a CSV, kept as typed


def test_csv_has_no_contacts_by_default(tables, matched):
    data = table_csv_bytes(tables["contacts"])
    header = _csv_rows(data)[0]
    assert "person_name" not in header and "email" not in header
    text = data.decode("utf-8-sig")
    assert "@example.org" not in text and "Placeholder Person" not in text


def test_csv_neutralises_entity_names_from_any_table():
    frame = pd.DataFrame({"entity_name": ["=1+2", "+cmd", "@SUM(1)", "\tx", "ok"]})
    body = [r[0] for r in _csv_rows(table_csv_bytes(frame))[1:]]
    assert body == ["'=1+2", "'+cmd", "'@SUM(1)", "'\tx", "ok"]


# --------------------------------------------------------------------- XLSX
def test_xlsx_sheets_rows_styles(tables):
    named = {TABLE_NAMES[k]: v for k, v in tables.items()}
    wb = openpyxl.load_workbook(
        io.BytesIO(tables_xlsx_bytes(named, include_contacts=True))
    )
    assert wb.sheetnames == list(named)
    for name, frame in named.items():
        ws = wb[name]
        assert ws.max_row == len(frame) + 1
        assert [c.value for c in ws[1]] == list(frame.columns)
        assert ws.freeze_panes == "A2"
        assert ws["A1"].font.b
        assert ws["A1"].fill.fgColor.rgb.endswith("1F4E79")
        assert ws.column_dimensions["A"].width >= len(str(frame.columns[0]))
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                assert cell.data_type != "f"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_PREFIXES)
    contacts = wb["Contacts"]
    values = [c.value for row in contacts.iter_rows(min_row=2) for c in row]
    assert "'" + FORMULA_NAME in values and SCRIPT_NAME in values
    county = wb["By county"]
    assert county["B2"].number_format == "#,##0"
    header = [c.value for c in county[1]]
    coverage = header.index("coverage_pct") + 1
    assert county.cell(2, coverage).number_format == "0.0"


def test_xlsx_without_contacts_by_default(tables):
    data = tables_xlsx_bytes({"Contacts": tables["contacts"]})
    ws = openpyxl.load_workbook(io.BytesIO(data))["Contacts"]
    header = [c.value for c in ws[1]]
    assert "person_name" not in header and "email" not in header
    assert ws.max_row == len(tables["contacts"]) + 1


def test_xlsx_sheet_names_are_made_valid_and_unique():
    frame = pd.DataFrame({"a": [1]})
    data = tables_xlsx_bytes(
        {"Venue plan: p-median [3]": frame, "Venue plan: p-median [3]?": frame}
    )
    names = openpyxl.load_workbook(io.BytesIO(data)).sheetnames
    assert len(names) == 2 and len({n.lower() for n in names}) == 2
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)


def test_xlsx_drops_control_characters_instead_of_failing():
    frame = pd.DataFrame({"note": ["bell\x07 inside", "fine"]})
    ws = openpyxl.load_workbook(io.BytesIO(tables_xlsx_bytes({"t": frame})))["t"]
    assert ws["A2"].value == "bell inside"


# ---------------------------------------------------------------- files
def test_write_table_is_atomic_and_checks_format(tmp_path, tables):
    out = tmp_path / "district.csv"
    write_table(out, tables["district"])
    assert _csv_rows(out.read_bytes())[0][0] == "geoid"
    before = out.read_bytes()
    with pytest.raises(ValueError, match="one table"):
        write_table(out, {"a": tables["district"], "b": tables["county"]})
    with pytest.raises(ValueError, match="csv or xlsx"):
        write_table(tmp_path / "x.ods", tables["district"])
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["district.csv"]
    with pytest.raises(OSError, match="does not exist"):
        write_table(tmp_path / "missing" / "t.xlsx", tables["district"])
    book = write_table(tmp_path / "all.xlsx", {"By district": tables["district"]})
    assert openpyxl.load_workbook(book).sheetnames == ["By district"]
