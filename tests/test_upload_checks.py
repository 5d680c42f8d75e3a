"""What the Data page computes at upload and review, without Streamlit: rows
merged as one person (loaders.upload), rows without a known event and the
user's mapping (loaders.event_mapping), rows not on the map by reason
(loaders.participation.rows_not_on_map), review items' event/role/status and
the county a confirmed alias holds for (loaders.review). Real reader, real
matcher, real reference (tests/conftest.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from loaders.event_mapping import (
    EVENT_MAPPING_NOTE,
    apply_event_mapping,
    unresolved_events,
)
from loaders.events import load_events
from loaders.matching import match_roster
from loaders.participation import (
    NOT_ON_MAP_REASONS,
    headline_figures,
    rows_not_on_map,
    teams_by_event,
)
from loaders.review import (
    alias_county,
    alias_scope_text,
    decision_counts,
    review_groups,
)
from loaders.roster import read_roster
from loaders.upload import HIDDEN, hide_contact_cells, merged_rows
from loaders.workspace import open_workspace

EVENT = "CALMI-2015-SYMP"
HEAD = "District,County,Role,Status,Event,Name,Email\n"
SPRING = (
    HEAD
    + f"San Diego Unified,San Diego,Superintendent,Attended,{EVENT},Ann A,ann@x.org\n"
    + f"Alameda Unified,Alameda,Board member,Attended,{EVENT},Bob B,bob@x.org\n"
    + f"Fresno Unified,Fresno,Superintendent,Applied,{EVENT},Cy C,\n"
)


def _load(text: str, name: str = "r.csv"):
    return read_roster(text.encode(), filename=name)


def _match(load, reference):
    return match_roster(load.rows, reference)


def _cells(frame: pd.DataFrame) -> str:
    return " ".join(frame.astype(str).to_numpy().ravel())


# ----------------------------------------------------------------- merged rows
def test_updated_export_on_top_of_a_saved_one_lists_the_merged_rows(
    reference, workspace_dir
):
    ws = open_workspace()
    first = _load(SPRING, "spring.csv")
    ws.save_roster("spring", b"1", "spring.csv", _match(first, reference), None, {})
    # the updated export: the same three people, one new, Bob's status changed
    updated = (
        SPRING.replace("Board member,Attended", "Board member,Cancelled")
        + f"Redding Elementary,Shasta,Superintendent,Applied,{EVENT},Di D,di@x.org\n"
    )
    load = _load(updated, "spring-v2.csv")
    matched = _match(load, reference)
    merged = merged_rows(
        matched, merged_into=load.merged_into, saved=ws.all_rows(),
        roster_names={1: "spring"},
    )  # fmt: skip
    assert merged["source_row"].tolist() == [2, 3, 4]
    assert set(merged["event_id"]) == {EVENT}
    assert merged["district"].tolist() == [
        "San Diego Unified", "Alameda Unified", "Fresno Unified",
    ]  # fmt: skip
    assert merged["same_as"].tolist() == [
        "row 2 of saved roster #1 spring",
        "row 3 of saved roster #1 spring",
        "row 4 of saved roster #1 spring",
    ]
    # the same figure the map counts: four people, not seven
    both = pd.concat([ws.all_rows(), matched], ignore_index=True)
    assert headline_figures(teams_by_event(both), reference)["people"] == 4
    ws.close()


def test_same_person_twice_in_one_file_is_listed_without_names(reference):
    text = SPRING + (
        # the same person again (same e-mail) and the same name without e-mail
        f"San Diego Unified,San Diego,Superintendent,Attended,{EVENT},Ann A,"
        "ANN@x.org\n"
        f"Fresno Unified,Fresno,Superintendent,Attended,{EVENT},cy  c,\n"
    )
    load = _load(text)
    matched = _match(load, reference)
    merged = merged_rows(matched, merged_into=load.merged_into)
    assert merged["source_row"].tolist() == [5, 6]
    assert merged["same_as"].tolist() == ["row 2", "row 4"]
    assert merged["role"].tolist() == ["superintendent"] * 2
    cells = _cells(merged)
    assert "Ann" not in cells and "@" not in cells and "Cy" not in cells


def test_nothing_merged_is_an_empty_frame(reference):
    load = _load(SPRING)
    merged = merged_rows(_match(load, reference), merged_into=load.merged_into)
    assert merged.empty and list(merged.columns)[:2] == ["source_row", "event_id"]


def test_unreadable_contact_cells_are_hidden():
    load = _load(
        HEAD + f"San Diego Unified,San Diego,Supt.,Attended,{EVENT},Zoë,zoe AT x\n"
    )
    hidden = hide_contact_cells(load.issues, load.contact_columns)
    assert HIDDEN in set(hidden["value"]) and "zoe AT x" not in _cells(hidden)


# ----------------------------------------------------------------- events
def test_roster_without_event_column_gets_one_event_for_the_file(reference):
    text = "District,County,Role\nSan Diego Unified,San Diego,Superintendent\n" + (
        "Alameda Unified,Alameda,Board member\n"
    )
    load = _load(text)
    matched = _match(load, reference)
    todo = unresolved_events(matched)
    assert todo[["value", "kind", "rows"]].to_dict("records") == [
        {"value": "", "kind": "missing", "rows": 2}
    ]
    assert todo["source_rows"].iloc[0] == [2, 3]
    before = rows_not_on_map(matched, load.rejected).set_index("reason")["rows"]
    assert before["no_event"] == 2 and before.sum() == 2
    fixed = apply_event_mapping(matched, dict.fromkeys(todo["value"], EVENT))
    assert set(fixed["event_id"]) == {EVENT}
    assert unresolved_events(fixed).empty
    assert rows_not_on_map(fixed, load.rejected)["rows"].sum() == 0
    note = EVENT_MAPPING_NOTE.format(value="no event given", event_id=EVENT)
    assert fixed["row_notes"].str.contains(note, regex=False).all()


def test_unknown_dates_and_names_are_mapped_value_by_value(reference):
    text = (
        "District,County,Role,Event,Event date\n"
        "San Diego Unified,San Diego,Superintendent,,2031-03-04\n"
        "Alameda Unified,Alameda,Board member,,2031-03-04\n"
        "Fresno Unified,Fresno,Superintendent,Spring retreat,\n"
        f"Redding Elementary,Shasta,Superintendent,{EVENT},\n"
    )
    load = _load(text)
    matched = _match(load, reference)
    where = {"source": load.source, "column_map": load.column_map}
    todo = unresolved_events(matched, **where)
    assert todo[["value", "kind", "rows"]].to_dict("records") == [
        {"value": "2031-03-04", "kind": "date", "rows": 2},
        {"value": "Spring retreat", "kind": "name", "rows": 1},
    ]
    events = load_events()
    other = events["event_id"].iloc[0]
    fixed = apply_event_mapping(matched, {"2031-03-04": other}, **where)
    assert fixed["event_id"].tolist()[:2] == [other, other]
    left = unresolved_events(fixed, **where)
    assert left["value"].tolist() == ["Spring retreat"] and left["source_rows"].iloc[
        0
    ] == [4]
    with pytest.raises(ValueError, match="Not a known event"):
        apply_event_mapping(matched, {"Spring retreat": "NO-SUCH-EVENT"}, **where)


def test_rows_not_on_map_counts_every_reason(reference):
    text = SPRING + (
        f"Jefferson Elementary,,Superintendent,Applied,{EVENT},E,\n"  # 3 districts
        f"Zzyzx Qwerty Academy,,Superintendent,Applied,{EVENT},F,\n"
        "Alameda Unified,Alameda,Superintendent,Applied,Board retreat 2030,G,\n"
        f",,Superintendent,Applied,{EVENT},H,\n"  # no district: rejected
    )
    load = _load(text)
    matched = _match(load, reference)
    table = rows_not_on_map(matched, load.rejected)
    assert table["reason"].tolist() == list(NOT_ON_MAP_REASONS)
    counts = dict(zip(table["reason"], table["rows"], strict=True))
    assert counts == {
        "rejected": 1, "ambiguous": 1, "unmatched": 1, "not_california": 0,
        "no_event": 1, "status_unreadable": 0,
    }  # fmt: skip
    # a review decision moves a row from "unmatched" to "not_california"
    decided = matched.copy()
    i = decided.index[decided["entity_name"] == "Zzyzx Qwerty Academy"]
    decided.loc[i, ["match_method", "match_note"]] = [
        "review", "not a California district",
    ]  # fmt: skip
    counts = rows_not_on_map(decided).set_index("reason")["rows"]
    assert (counts["unmatched"], counts["not_california"]) == (0, 1)


# ----------------------------------------------------------------- review
def test_review_items_say_event_role_status_and_rows(reference):
    text = SPRING + (
        f"Foo Bar Valley Schools,,Board member,Applied,{EVENT},E,\n"
        f"Foo Bar Valley Schools,,Superintendent,Attended,{EVENT},F,\n"
        f"Foo Bar Valley Schools,,Board member,Applied,{EVENT},G,\n"
    )
    matched = _match(_load(text), reference)
    item = review_groups(matched).iloc[0]
    assert item["n_rows"] == 3
    assert item["events"] == f"{EVENT} ×3"
    assert item["roles"] == "board_member ×2, superintendent"
    assert item["statuses"] == "applied ×2, attended"


def test_review_items_say_why_the_matcher_held_them_back(reference):
    """South Pasadena Unified with Pasadena Unified's CD code: the item says so."""
    text = (
        "District,County,CD Code,Role,Status,Event\n"
        f"South Pasadena Unified,Los Angeles,1964881,Superintendent,Attended,{EVENT}\n"
    )
    matched = _match(_load(text), reference)
    assert matched["match_status"].tolist() == ["ambiguous"]
    item = review_groups(matched).iloc[0]
    assert "disagree" in item["match_notes"]
    assert "Pasadena Unified" in item["match_notes"]


def test_decided_rows_no_longer_wait(reference):
    text = SPRING + f"Zzyzx Qwerty Academy,,Superintendent,Applied,{EVENT},F,\n"
    matched = _match(_load(text), reference)
    assert decision_counts(matched).iloc[0]["to_review"] == 1
    decided = matched.copy()
    decided.loc[3, ["match_method", "match_note"]] = [
        "review", "not a California district",
    ]  # fmt: skip
    counts = decision_counts(decided).iloc[0].to_dict()
    assert counts == {"matched": 3, "to_review": 0, "not_california": 1, "unmatched": 0}


def test_confirmed_alias_holds_for_a_county_unless_widened(reference, workspace_dir):
    county_of = dict(zip(reference["geoid"], reference["county"], strict=True))
    assert alias_county(None, county_of["0601770"]) == "Alameda"
    assert alias_county("Kern", "Alameda") == "Kern"
    assert alias_county(None, "Alameda", every_county=True) is None
    assert alias_scope_text("Alameda") == "for Alameda County only"

    ws = open_workspace()
    text = SPRING + (
        f"Foo Bar Valley Schools,,Board member,Applied,{EVENT},E,\n"
        f"Qux Quux Schools,,Board member,Applied,{EVENT},F,\n"
    )
    rid = ws.save_roster("r", b"r", "r.csv", _match(_load(text), reference), None, {})
    queue = ws.review_queue(rid).set_index("entity_name")
    for name in ("Foo Bar Valley Schools", "Qux Quux Schools"):
        ws.set_review_choice(rid, queue.loc[name, "row_indexes"], geoid="0601770")
    ws.confirm_review(
        alias_county=lambda d: alias_county(
            d.county,
            county_of.get(d.geoid),
            every_county=d.entity_name == "Qux Quux Schools",
        )
    )
    al = ws.list_aliases().set_index("alias")
    assert al.loc["Foo Bar Valley Schools", "county"] == "Alameda"
    assert pd.isna(al.loc["Qux Quux Schools", "county"])
    # the narrow alias applies in its county and where no county is given
    rows = _load(
        HEAD + f"Foo Bar Valley Schools,,Board member,Applied,{EVENT},E,\n"
        f"Foo Bar Valley Schools,Kern,Board member,Applied,{EVENT},E2,\n"
    ).rows
    again = match_roster(rows, reference, aliases=ws.list_aliases())
    assert again["geoid"].tolist()[0] == "0601770"
    assert again["match_status"].tolist()[1] != "matched"
    ws.close()


def test_alias_scope_is_only_ever_a_real_county(reference, workspace_dir):
    # the rows' county "Atlantis" is no California county (ignored when read):
    # the alias holds in the chosen district's county, never "Atlantis County"
    assert alias_county("Atlantis", "Alameda") == "Alameda"
    assert alias_county("Atlantis", None) is None  # not California: every county
    assert alias_county("kern county", None) == "Kern"  # spelled as the table does
    assert alias_scope_text(alias_county("Atlantis", None)) == "for every county"
    assert alias_scope_text("Atlantis") == "for every county"
    assert "Atlantis" not in alias_scope_text(alias_county("Atlantis", "Alameda"))

    ws = open_workspace()
    text = HEAD + f"Atlantis Unified,Atlantis,Superintendent,Attended,{EVENT},A,\n"
    load = _load(text)
    assert any("Atlantis" in str(v) for v in load.issues["value"])
    rid = ws.save_roster("r", b"r", "r.csv", _match(load, reference), None, {})
    queue = ws.review_queue(rid).set_index("entity_name")
    ws.set_review_choice(rid, queue.loc["Atlantis Unified", "row_indexes"],
                         not_california=True)  # fmt: skip
    ws.confirm_review()  # the store's default scope: the same rule
    al = ws.list_aliases().set_index("alias")
    assert pd.isna(al.loc["Atlantis Unified", "county"])
    ws.close()
