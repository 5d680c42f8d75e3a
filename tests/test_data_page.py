"""The Data page through streamlit.testing: upload → preview → save → review →
confirm, saved rosters (remove with confirmation and undo), aliases, contact
details, mappings remembered per layout, and errors shown without traceback."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from loaders.workspace import SETTING_SHOW_CONTACTS, open_workspace

PAGE = str(Path(__file__).resolve().parent.parent / "dashboard" / "views" / "data.py")
INJECT = "data_upload_inject"  # the page's test seam (dashboard/views/data.py)

ROSTER = (
    b"District,County,Role,Status,Event,Name,Email\n"
    b"San Diego Unified,San Diego,Superintendent,Attended,CALMI-2015-SYMP,Ann Example,"
    b"ann@example.org\n"
    b"Alameda Unified,Alameda,Trustee,Registered,CALMI-2015-SYMP,Bob Example,\n"
    b"Foo Bar Valley Schools,,Trustee,Applied,CALMI-2015-SYMP,Cy Example,\n"
    b"Foo Bar Valley Schools,,CTA chapter president,Applied,CALMI-2015-SYMP,"
    b"Di Example,\n"
    b",,Superintendent,Attended,CALMI-2015-SYMP,Ed Example,\n"
)


@pytest.fixture
def page(workspace_dir):
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    yield at
    open_workspace().close()


def _upload(at, data=ROSTER, name="spring.csv"):
    at.session_state[INJECT] = {"name": name, "data": data}
    at.run()
    assert not at.exception, at.exception
    return at


def _metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def _section_radio(at):
    """The section radio (its key follows its labels: dashboard/views/data.py)."""
    return next(r for r in at.radio if (r.key or "").startswith("data_section"))


def _section(at, name):
    _section_radio(at).set_value(name).run()
    assert not at.exception, at.exception
    return at


def _texts(at):
    return [e.value for e in [*at.markdown, *at.caption, *at.info, *at.success]]


def test_empty_workspace(page, workspace_dir):
    assert any(str(workspace_dir) in c.value for c in page.caption)
    assert any("Nothing uploaded" in c.value for c in page.caption)
    _section(page, "rosters")
    assert any(
        "No roster saved yet — the map shows the built-in demo roster" in i.value
        for i in page.info
    )
    _section(page, "review")
    assert any("Nothing to review" in s.value for s in page.success)
    _section(page, "aliases")
    assert any("No aliases yet" in i.value for i in page.info)
    assert not page.error


def test_upload_preview_save_review_confirm(page):
    _upload(page)
    assert _metric(page, "Rows read") == "5"
    assert _metric(page, "Rejected") == "1"
    assert any(c.value == "5 rows read: 4 usable, 1 rejected" for c in page.caption)
    assert page.radio(key="data_preview_filter").options[0] == "All (5)"
    matched = int(_metric(page, "Matched"))
    to_review = int(_metric(page, "Ambiguous")) + int(_metric(page, "Unmatched"))
    assert (matched, to_review) == (2, 2)
    table = page.dataframe[0].value
    assert "person_name" not in table.columns and "email" not in table.columns
    assert list(table["match_status"]) == [  # every row of the file, in order
        "matched",
        "matched",
        *[table["match_status"][2]] * 2,
        "rejected",
    ]
    assert table["match_note"].iloc[4].startswith("rejected: ")
    # filters
    page.radio(key="data_preview_filter").set_value("rejected").run()
    rejected = page.dataframe[0].value
    assert list(rejected["row"]) == [6]
    assert "values" not in rejected.columns  # the row's text holds names
    page.radio(key="data_preview_filter").set_value("matched").run()
    assert len(page.dataframe[0].value) == 2

    page.button(key="data_save").click().run()
    assert not page.exception, page.exception
    assert any("Saved roster" in s.value for s in page.success)
    ws = open_workspace()
    listing = ws.list_rosters()
    assert listing["name"].tolist() == ["spring"]
    assert (listing["rows"].iloc[0], listing["rejected"].iloc[0]) == (4, 1)
    assert ws.original_file(int(listing["roster_id"].iloc[0])) == ROSTER
    assert page.session_state["data_section"] == "review"  # sent to the queue

    # review: one name, two rows; the candidates come from the real reference
    picks = [s for s in page.selectbox if (s.key or "").startswith("rq_pick_")]
    assert len(picks) == 1
    pick = picks[0]
    assert pick.options[0] == "— choose —"
    assert pick.options[-1].startswith("✗ Not a California district")
    search = next(t for t in page.text_input if (t.key or "").startswith("rq_q_"))
    search.set_value("Alameda Unified").run()
    pick = next(s for s in page.selectbox if (s.key or "").startswith("rq_pick_"))
    label = next(o for o in pick.options if o.startswith("Alameda Unified — Alameda"))
    pick.select(label).run()
    assert not page.exception, page.exception
    pending = ws.review_choices()
    assert set(pending["geoid"]) == {"0601770"} and set(pending["state"]) == {"pending"}

    # the choice survives a restart of the page (a new session)
    fresh = AppTest.from_file(PAGE, default_timeout=120)
    fresh.session_state["data_section"] = "review"
    fresh.run()
    again = next(s for s in fresh.selectbox if (s.key or "").startswith("rq_pick_"))
    assert again.value == "0601770"

    confirm = page.button(key="data_review_confirm")
    assert confirm.label == "Confirm 1 choice"
    confirm.click().run()
    assert not page.exception, page.exception
    assert any("Confirmed 2 rows" in s.value for s in page.success)
    assert any("Nothing to review" in s.value for s in page.success)
    rows, _, meta = ws.load_roster(int(listing["roster_id"].iloc[0]))
    assert meta["counts"]["matched"] == 4
    assert set(rows.loc[rows["match_method"] == "review", "geoid"]) == {"0601770"}
    al = ws.list_aliases()
    assert al["alias"].tolist() == ["Foo Bar Valley Schools"]

    # the alias applies to the next upload automatically
    _section(page, "upload")
    _upload(page, ROSTER.replace(b"Ann Example", b"Ann Other"), "summer.csv")
    assert _metric(page, "Matched") == "4"


def test_not_a_california_district(page):
    _upload(page)
    page.button(key="data_save").click().run()
    pick = next(s for s in page.selectbox if (s.key or "").startswith("rq_pick_"))
    pick.select(pick.options[-1]).run()
    page.button(key="data_review_confirm").click().run()
    assert not page.exception
    rows = open_workspace().all_rows()
    foo = rows[rows["entity_name"] == "Foo Bar Valley Schools"]
    assert set(foo["match_note"]) == {"not a California district"}
    assert bool(open_workspace().list_aliases()["not_california"].iloc[0])


def test_remove_roster_with_confirmation_and_undo(page):
    _upload(page)
    page.button(key="data_save").click().run()
    _section(page, "rosters")
    assert _metric(page, "Saved rosters") == "1"
    assert page.dataframe[0].value["name"].tolist() == ["spring"]
    page.button(key="data_remove").click().run()
    assert any("Remove roster" in w.value for w in page.warning)
    page.button(key="data_remove_no").click().run()  # cancel: nothing happens
    assert len(open_workspace().list_rosters()) == 1
    page.button(key="data_remove").click().run()
    page.button(key="data_remove_yes").click().run()
    assert not page.exception
    assert open_workspace().list_rosters().empty
    assert any("No roster saved yet" in i.value for i in page.info)
    assert any("Removed roster" in i.value for i in page.info)
    page.button(key="data_undo_btn").click().run()
    assert len(open_workspace().list_rosters()) == 1
    assert any("is back" in s.value for s in page.success)
    # remove again and empty the trash
    page.button(key="data_remove").click().run()
    page.button(key="data_remove_yes").click().run()
    page.checkbox(key="data_trash_sure").check().run()
    page.button(key="data_trash_empty").click().run()
    assert not page.exception
    assert open_workspace().list_rosters(deleted=True).empty


def test_contact_details_only_when_operator_allows(page, monkeypatch):
    _upload(page)
    assert "person_name" not in page.dataframe[0].value.columns
    # no sign-in configured: a visitor has no switch; the operator's is the
    # environment the app was started with
    assert not [t for t in page.toggle if t.key == "data_show_contacts"]
    monkeypatch.setenv("LMI_SHOW_CONTACTS", "1")
    page.run()
    table = page.dataframe[0].value
    assert "Ann Example" in set(table["person_name"])
    assert open_workspace().get_setting(SETTING_SHOW_CONTACTS, False) is False


def test_matched_roster_download_has_no_contacts(page):
    _upload(page)
    page.button(key="data_save").click().run()
    _section(page, "rosters")
    assert not page.exception
    ws = open_workspace()
    rid = int(ws.list_rosters()["roster_id"].iloc[0])
    assert not [c for c in page.checkbox if c.key == f"data_dl_contacts_{rid}"]
    from loaders.exports import table_csv_bytes

    rows, _, _ = ws.load_roster(rid)
    csv = pd.read_csv(io.BytesIO(table_csv_bytes(rows)), dtype=str)
    assert "person_name" not in csv.columns and "email" not in csv.columns


def test_aliases_add_edit_delete(page):
    _section(page, "aliases")
    form_inputs = [
        t for t in page.text_input if t.label == "Alias (as typed in rosters)"
    ]
    form_inputs[0].set_value("SDUSD")
    means = next(s for s in page.selectbox if s.label == "Means")
    means.select(next(o for o in means.options if o.startswith("San Diego Unified —")))
    next(b for b in page.button if b.label == "Save alias").click().run()
    assert not page.exception, page.exception
    al = open_workspace().list_aliases()
    assert al["alias"].tolist() == ["SDUSD"] and al["geoid"].tolist() == ["0634320"]
    shown = page.dataframe[0].value
    assert shown["means"].iloc[0].startswith("San Diego Unified")

    aid = int(al["alias_id"].iloc[0])
    page.selectbox(key="data_alias_pick").set_value(aid).run()
    county = next(s for s in page.selectbox if s.label == "Only in county")
    county.select("San Diego")
    next(t for t in page.text_input if t.label == "Note").set_value("board packet")
    next(b for b in page.button if b.label == "Save alias").click().run()
    row = open_workspace().list_aliases().iloc[0]
    assert (row["county"], row["note"]) == ("San Diego", "board packet")

    page.selectbox(key="data_alias_pick").set_value(aid).run()
    page.button(key=f"data_alias_del_{aid}").click().run()
    assert open_workspace().list_aliases().empty


def test_alias_without_target_is_refused(page):
    _section(page, "aliases")
    next(t for t in page.text_input if t.label.startswith("Alias")).set_value("X")
    next(b for b in page.button if b.label == "Save alias").click().run()
    assert any("Choose what the alias means" in e.value for e in page.error)
    assert open_workspace().list_aliases().empty


@pytest.mark.parametrize(
    "name, data",
    [
        ("roster.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"),
        ("roster.xlsx", b"PK\x03\x04 not really a workbook"),
        ("roster.csv", b""),
    ],
)
def test_bad_file_shows_message_not_traceback(page, name, data):
    _upload(page, data, name)
    assert not page.exception
    assert page.error and name in page.error[0].value
    assert open_workspace().list_rosters().empty


def test_manual_mapping_is_remembered_per_layout(page):
    odd = b"Org Unit,Job,Event\nSan Diego Unified,Superintendent,CALMI-2015-SYMP\n"
    _upload(page, odd, "odd.csv")
    assert page.error  # no column names the district yet: a clear message
    assert "entity_name" in page.error[0].value
    page.selectbox(
        key=next(s.key for s in page.selectbox if s.label == "entity_name")
    ).select("Org Unit").run()
    assert not page.error, [e.value for e in page.error]
    assert _metric(page, "Matched") == "1"
    page.button(key="data_save").click().run()
    # same columns, another file: the mapping comes back by itself
    _section(page, "upload")
    _upload(page, odd.replace(b"San Diego Unified", b"Alameda Unified"), "odd2.csv")
    assert not page.error
    assert any("remembered" in e.label for e in page.expander)
    assert _metric(page, "Matched") == "1"


def test_same_file_twice_warns(page):
    _upload(page)
    page.button(key="data_save").click().run()
    _section(page, "upload")
    _upload(page)
    assert any("already saved" in w.value for w in page.warning)
    assert page.button(key="data_save").disabled
    page.checkbox(key="data_save_again").check().run()
    assert not page.button(key="data_save").disabled


def test_roster_text_is_not_rendered_as_markup(page):
    evil = (
        b"District,Role,Event\n"
        b"![x](http://evil.example/p.png) <b>Bold</b> $x$,Superintendent,"
        b"CALMI-2015-SYMP\n"
    )
    _upload(page, evil, "evil.csv")
    page.button(key="data_save").click().run()
    item = next(m.value for m in page.markdown if "evil" in m.value)
    assert "\\!\\[x\\]" in item and "\\<b\\>" in item and "\\$x\\$" in item
    assert not page.exception


def _titles(frame_element):
    """Column titles a table is shown with (its column_config labels)."""
    import json

    config = json.loads(frame_element.proto.columns or "{}")
    return {k: v.get("label") for k, v in config.items() if v.get("label")}


def test_unreadable_cells_never_show_contact_details(page):
    odd_name = 'Zoë =HYPERLINK("x") O\'Brien'
    quoted = '"' + odd_name.replace('"', '""') + '"'
    data = (
        "District,County,Role,Status,Event,Name,Email\n"
        f"San Diego Unified,San Diego,Supt.,Attended,CALMI-2015-SYMP,{quoted},"
        "Zoe.OBrien AT Example.ORG\n"
        f",,Supt.,Attended,CALMI-2015-SYMP,{quoted},zoe@example.org\n"
    ).encode()
    _upload(page, data, "odd.csv")
    issues = next(e for e in page.expander if e.label.startswith("Cells that"))
    table = issues.dataframe[0].value
    cells = " ".join(table.astype(str).to_numpy().ravel()).casefold()
    assert "zoe.obrien" not in cells and "(hidden)" in cells
    page.radio(key="data_preview_filter").set_value("rejected").run()
    rejected = " ".join(page.dataframe[0].value.astype(str).to_numpy().ravel())
    assert "Zoë" not in rejected and "zoe@" not in rejected
    page.radio(key="data_preview_filter").set_value("all").run()
    shown = " ".join(map(str, page.dataframe[0].value.to_numpy().ravel()))
    assert "Zoë" not in shown and "obrien" not in shown.casefold()


def test_tables_have_titles_and_blank_empty_text(page):
    _upload(page)
    preview = page.dataframe[0]
    titles = _titles(preview)
    assert titles["source_row"] == "File row"
    assert titles["match_status"] == "Match"
    assert titles["row_notes"] == "Reading notes"
    table = preview.value
    assert not table["matched_name"].isna().any()  # blank, not "None"
    assert (table["matched_name"] == "").any()


def test_csv_upload_lays_out_header_row_without_sheet(page):
    _upload(page)
    assert not [s for s in page.selectbox if s.label == "Sheet"]
    header = next(n for n in page.number_input if n.label.startswith("Header row"))
    row = next(c for c in page.columns if header.key in {w.key for w in c.number_input})
    assert row.weight == pytest.approx(1 / 3)  # first, narrow column, not alone right
    assert any("Column names found on row 1" in c.value for c in page.caption)


def test_review_hint_and_list_show_the_same_candidates(page, reference):
    _upload(page, ROSTER.replace(b"Foo Bar Valley Schools", b"Springfield Elementary"))
    page.button(key="data_save").click().run()
    item_caption = next(c.value for c in page.caption if "Closest names" in c.value)
    item_caption = item_caption.replace("\\", "")  # Markdown escapes
    pick = next(s for s in page.selectbox if (s.key or "").startswith("rq_pick_"))
    listed = pick.options[1:4]
    from loaders.matching import candidates

    expected = candidates("Springfield Elementary", None, reference, k=8).head(3)
    for option, r in zip(listed, expected.itertuples(index=False), strict=True):
        assert option.startswith(f"{r.name} — {r.county} County")
        assert option.endswith(f"similarity {r.score:.0f}")
    hint = "; ".join(
        f"{r.name} ({r.county}) {r.score:.0f}" for r in expected.itertuples()
    )
    assert hint in item_caption  # same names, same order, same scores


# ----------------------------------------------------------------- issue 12
FORMULA_START = ("=", "+", "-", "@")


def _cells_starting_with_formula(frame):
    return [
        v
        for v in frame.astype("string").fillna("").to_numpy().ravel()
        if str(v).startswith(FORMULA_START)
    ]


def test_preview_grid_hands_no_formula_to_its_csv_download(page):
    evil = (
        b"District,County,Role,Status,Event\n"
        b'=HYPERLINK("http://evil.example"),,Superintendent,Applied,CALMI-2015-SYMP\n'
        b"+Alameda Unified,Alameda,Board member,Applied,CALMI-2015-SYMP\n"
        b"@SUM(A1),,Superintendent,Applied,-2+3\n"
    )
    _upload(page, evil, "evil.csv")
    assert not page.exception
    for show in ("all", "unmatched", "ambiguous"):
        page.radio(key="data_preview_filter").set_value(show).run()
        for grid in page.dataframe:
            assert _cells_starting_with_formula(grid.value) == [], show
    page.radio(key="data_preview_filter").set_value("all").run()
    shown = " ".join(map(str, page.dataframe[0].value.to_numpy().ravel()))
    assert "HYPERLINK" in shown  # shown, as inert text


def test_upload_says_which_rows_merge_as_one_person(page):
    _upload(page)
    page.button(key="data_save").click().run()
    _section(page, "upload")
    updated = ROSTER.replace(b"Registered", b"Attended")  # an updated export
    _upload(page, updated, "spring-v2.csv")
    assert any("person already counted" in i.value for i in page.info)
    box = next(e for e in page.expander if e.label.startswith("Rows merged"))
    merged = box.dataframe[0].value
    # Ann (e-mail) and Bob (name, role, team) again; the unmatched rows form no team
    assert merged["source_row"].tolist() == [2, 3]
    assert merged["district"].tolist() == ["San Diego Unified", "Alameda Unified"]
    assert merged["same_as"].str.contains("saved roster #1").all()
    cells = " ".join(merged.astype(str).to_numpy().ravel())
    assert "Ann" not in cells and "Bob" not in cells and "@" not in cells


def test_roster_without_event_column_gets_its_event_at_upload(page):
    no_event = (
        b"District,County,Role\n"
        b"San Diego Unified,San Diego,Superintendent\n"
        b"Alameda Unified,Alameda,Board member\n"
    )
    _upload(page, no_event, "noevent.csv")
    assert any("name no known event" in w.value for w in page.warning)
    assert any("Still without an event: 2 rows" in c.value for c in page.caption)
    whole = next(s for s in page.selectbox if s.label.startswith("Event for every"))
    whole.set_value("CALMI-2015-SYMP").run()
    assert not any("Still without an event" in c.value for c in page.caption)
    # the warning gives way once every row has its event (no stale warning)
    assert not any("name no known event" in w.value for w in page.warning)
    assert any("will reach the map once saved" in m.value for m in page.success)
    assert set(page.dataframe[0].value["event_id"]) == {"CALMI-2015-SYMP"}
    page.button(key="data_save").click().run()
    rows = open_workspace().all_rows()
    assert set(rows["event_id"]) == {"CALMI-2015-SYMP"}


def test_unknown_event_values_are_mapped_one_by_one(page):
    data = (
        b"District,County,Role,Event\n"
        b"San Diego Unified,San Diego,Superintendent,Spring retreat\n"
        b"Alameda Unified,Alameda,Board member,Fall thing\n"
    )
    _upload(page, data, "odd-events.csv")
    spring = next(s for s in page.selectbox if "Spring retreat" in s.label)
    assert spring.label.endswith("1 row")
    spring.set_value("CALMI-2015-SYMP").run()
    assert any(
        "Still without an event: 1 row (file row 3)" in c.value for c in page.caption
    )


def test_review_item_shows_event_role_status_and_alias_scope(page):
    _upload(page)
    page.button(key="data_save").click().run()
    item = next(m.value for m in page.markdown if "Foo Bar Valley" in m.value)
    assert "2 rows" in item
    assert "Event: CALMI\\-2015\\-SYMP ×2" in item
    assert "board\\_member" in item and "teachers\\_union\\_president" in item
    assert "status: applied ×2" in item
    search = next(t for t in page.text_input if (t.key or "").startswith("rq_q_"))
    search.set_value("Alameda Unified").run()
    pick = next(s for s in page.selectbox if (s.key or "").startswith("rq_pick_"))
    pick.select(
        next(o for o in pick.options if o.startswith("Alameda Unified — "))
    ).run()
    assert any("for Alameda County only" in c.value for c in page.caption)
    page.button(key="data_review_confirm").click().run()
    al = open_workspace().list_aliases()
    assert al["county"].tolist() == ["Alameda"]  # the chosen district's county


def test_review_choice_widened_to_every_county(page):
    _upload(page)
    page.button(key="data_save").click().run()
    pick = next(s for s in page.selectbox if (s.key or "").startswith("rq_pick_"))
    pick.select(pick.options[1]).run()
    wide = next(c for c in page.checkbox if (c.key or "").startswith("rq_wide_"))
    wide.check().run()
    assert any("for every county" in c.value for c in page.caption)
    page.button(key="data_review_confirm").click().run()
    assert open_workspace().list_aliases()["county"].isna().all()


def test_decided_rows_leave_the_waiting_counts(page):
    _upload(page)
    page.button(key="data_save").click().run()
    _section(page, "rosters")
    assert _metric(page, "Waiting for review") == "2"
    _section(page, "review")
    pick = next(s for s in page.selectbox if (s.key or "").startswith("rq_pick_"))
    pick.select(pick.options[-1]).run()  # not a California district
    page.button(key="data_review_confirm").click().run()
    _section(page, "rosters")
    assert _metric(page, "Waiting for review") == "0"
    assert _metric(page, "Rows on the map") == "2"
    assert _metric(page, "Not on the map") == "2"
    table = page.dataframe[0].value
    assert table["to_review"].tolist() == [0]
    assert table["not_california"].tolist() == [2]
    box = next(e for e in page.expander if e.label.startswith("Rows not on the map"))
    assert set(box.dataframe[0].value["reason"]) == {"not_california"}
    assert _section_radio(page).value == "rosters"


def test_a_link_opens_the_section_it_names(workspace_dir):
    """The Map page's caption links to ``?section=review``: the page opens there."""
    at = AppTest.from_file(PAGE, default_timeout=180)
    at.query_params["section"] = "review"
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["data_section"] == "review"
    assert "section" not in at.query_params  # taken once
    at.run()  # the radio rules afterwards
    assert at.session_state["data_section"] == "review"
