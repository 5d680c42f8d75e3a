"""Figures people can trust (issue 12, items 1-4), on real files.

The demo roster is built from the real CDE/Census reference and matched by the
real matcher; the small rosters are CSV files read by the real roster reader.
"""

from __future__ import annotations

import pandas as pd
import pytest

from loaders import participation as p
from loaders.demo import demo_roster
from loaders.events import load_events
from loaders.exports import TABLE_NAMES, participation_tables
from loaders.matching import match_roster
from loaders.roster import read_roster

EVENT = "CALMI-2024-SI"
SANTA_ROSA = {"0635810", "0635830"}  # Santa Rosa Elementary and High


@pytest.fixture(scope="module")
def demo_matched(reference):
    rows = demo_roster(reference)
    rows = rows.assign(source_row=range(2, len(rows) + 2))
    return match_roster(rows, reference)


@pytest.fixture(scope="module")
def demo_teams(demo_matched):
    return p.teams_by_event(demo_matched)


def _read(tmp_path, name, text, reference):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    load = read_roster(path, event_id=EVENT)
    return match_roster(load.rows, reference)


FILTERS = [
    {},
    {"event_ids": ["CALMI-2015-SYMP"]},
    {"regions": [3]},
    {"regions": [11]},
    {"counties": ["Sonoma"]},
    {"counties": ["Los Angeles"], "event_ids": ["CALMI-2024-SI", "CALMI-2023-SI"]},
    {"district_types": ["coe", "unified"]},
    {"regions": [4], "event_ids": ["CALMI-2015-EMERYVILLE"]},
]


# ---------------------------------------------------------------- 1. one figure
@pytest.mark.parametrize("selection", FILTERS, ids=str)
def test_every_row_of_every_table_keeps_the_order_of_figures(
    demo_teams, reference, selection
):
    """complete <= attended <= teams <= reached <= entities, on every row."""
    tables = participation_tables(demo_teams, reference, load_events(), **selection)
    for key in ("district", "county", "region", "event"):
        table = tables[key]
        assert p.check_figures(table).empty, (key, p.check_figures(table))
        assert (table["complete_teams"] <= table["attended"]).all()
        assert (table["attended"] <= table["teams"]).all()
        assert (table["teams"] <= table["reached"]).all()
    assert (tables["district"]["reached"] == 1).all()
    state = p.figures_by_area(demo_teams, reference, "all", **selection)
    assert p.check_figures(state).empty
    # a region row adds up to its counties, the state to its regions
    for column in ("entities", "reached", "teams", "attended", "complete_teams"):
        total = int(state[column].iloc[0])
        assert tables["region"][column].sum() == total, column
        assert tables["county"][column].sum() == total, column
        if column != "entities":
            assert tables["district"][column].sum() == total, column


def test_region_3_and_11_complete_teams_are_teams_not_team_events(
    demo_teams, reference
):
    region = p.figures_by_area(demo_teams, reference, "region").set_index(
        "ccsesa_region"
    )
    # demo counts since its attendance falls with distance (loaders/demo.py,
    # DEMO_DECAY); complete teams are counted once per team, never per event
    assert region.loc[3, ["teams", "attended"]].tolist() == [19, 7]
    assert region.loc[3, "complete_teams"] == 4
    assert region.loc[11, "teams"] == 32
    assert region.loc[11, "complete_teams"] == 20


@pytest.mark.parametrize(
    "region, county, types, events",
    [
        (None, None, ["unified", "elementary", "secondary", "coe"], None),
        (3, None, ["unified", "elementary", "secondary", "coe"], None),
        (11, None, ["unified", "elementary", "secondary", "coe"], None),
        (1, "Sonoma", ["unified", "elementary", "secondary", "coe"], None),
        (None, None, ["coe"], ["CALMI-2015-SYMP"]),
        (None, None, ["elementary", "secondary"], None),
    ],
)
def test_map_page_headline_equals_the_tables(
    demo_matched, demo_teams, reference, region, county, types, events
):
    """The Map page's own function gives the numbers the tables and files give."""
    from dashboard import state

    roster = state.Roster(demo_matched, "demo", state.content_key(demo_matched))
    headline = state.headline_figures(
        roster, event_ids=events, region=region, county=county, district_types=types
    )
    selection = {
        "event_ids": events,
        "regions": [region] if region else None,
        "counties": [county] if county else None,
        "district_types": types,
    }
    tables = participation_tables(demo_teams, reference, load_events(), **selection)
    by_region = tables["region"]
    for column in (
        "reached",
        "teams",
        "attended",
        "complete_teams",
        "applied_not_attended",
        "team_events",
        *[f"role_{r}" for r in p.ROLES],
    ):
        assert headline[column] == by_region[column].sum(), column
        assert headline[column] == tables["county"][column].sum(), column
    state_row = p.figures_by_area(demo_teams, reference, "all", **selection)
    assert headline["people"] == int(state_row["people"].iloc[0])
    # a person belongs to one team, so people add up over regions too
    assert headline["people"] == by_region["people"].sum()


def test_the_exports_carry_a_data_dictionary(demo_teams, reference):
    tables = participation_tables(demo_teams, reference, load_events())
    dictionary = tables["dictionary"].set_index("column")
    for column in ("entities", "reached", "teams", "attended", "complete_teams"):
        assert dictionary.loc[column, "definition"] == p.DATA_DICTIONARY[column]
    assert "By region" in dictionary.loc["complete_teams", "table"]
    every = {str(c) for k, t in tables.items() if k != "dictionary" for c in t.columns}
    assert every <= set(dictionary.index), every - set(dictionary.index)
    assert list(TABLE_NAMES).index("dictionary") < list(TABLE_NAMES).index("contacts")


# ------------------------------------------------- 2. shared governance: one team
SHARED = """District,County,Role,Status,Name,Email
Santa Rosa City Schools,Sonoma,Superintendent,Attended,Ana Ruiz,ana@sr.example
Santa Rosa City Schools,Sonoma,Board member,Attended,Bo Lee,bo@sr.example
Santa Rosa City Schools,Sonoma,Teachers union president,Attended,Cy Wu,cy@sr.example
Santa Rosa City Schools,Sonoma,Classified union president,Attended,Di Oz,di@sr.example
Petaluma City Schools,Sonoma,Superintendent,Attended,Ed Po,ed@pcs.example.org
"""


def test_a_shared_governance_team_is_one_team_reaching_two_districts(
    tmp_path, reference
):
    matched = _read(tmp_path, "shared.csv", SHARED, reference)
    assert matched["match_status"].eq("matched").all()
    teams = p.teams_by_event(matched)
    # reach view: both Santa Rosa districts and both Petaluma districts coloured
    santa_rosa = teams.loc[teams["geoid"].isin(SANTA_ROSA)]
    assert len(santa_rosa) == 2
    assert santa_rosa["team_geoid"].nunique() == 1
    assert (santa_rosa["roles_came"] == 4).all()
    figures = p.figures_by_area(teams, reference, "all")
    assert figures.loc[0, "reached"] == 4
    assert figures.loc[0, "teams"] == 2  # before: 4
    assert figures.loc[0, "complete_teams"] == 1  # before: 2
    assert figures.loc[0, "people"] == 5  # before: 10 (8 from Santa Rosa)
    sonoma = p.figures_by_area(teams, reference, "county", counties=["Sonoma"])
    assert sonoma[["reached", "teams", "people"]].iloc[0].tolist() == [4, 2, 5]
    per_event = p.participation_by_event(
        p.filter_teams(teams, reference), load_events()
    )
    row = per_event.set_index("event_id").loc[EVENT]
    assert (row["reached"], row["teams"], row["people"]) == (4, 2, 5)
    # the district table: a row per district reached, the team counted once
    district = p.figures_by_area(teams, reference, "district").set_index("geoid")
    assert district.loc[sorted(SANTA_ROSA), "teams"].sum() == 1
    linked = district.loc[sorted(SANTA_ROSA)]
    assert set(linked["team_of"]) == {"", linked["team_of"].max()}
    # the completeness table lists the team once, with its other district
    table = participation_tables(teams, reference, load_events())["completeness"]
    assert len(table) == 2
    assert set(table["linked_geoids"]) & {"0635830", "0635810"}


def test_the_map_colours_both_districts_of_a_shared_team(tmp_path, reference):
    from geodata import mapview

    teams = p.teams_by_event(_read(tmp_path, "shared.csv", SHARED, reference))
    layer = mapview.measure_layer(
        reference[["geoid"]], teams, measure="completeness", event_ids=[EVENT]
    ).set_index("geoid")
    assert (layer.loc[sorted(SANTA_ROSA), "measure_value"] == 4).all()
    assert layer.loc[sorted(SANTA_ROSA), "measure_label"].nunique() == 1


# ------------------------------------------------- 3. a person counts once per event
EARLIER = """District,County,Role,Status,Name,Email
Oakland Unified,Alameda,Superintendent,Registered,Kyla Johnson,kj@ousd.example.org
Oakland Unified,Alameda,Board member,Registered,Sam Davis,sd@ousd.example.org
Oakland Unified,Alameda,Teachers union president,Registered,José Pérez,
"""
UPDATED = """District,County,Role,Status,Name,Email
Oakland Unified,Alameda,Superintendent,Attended,Kyla Johnson,KJ@ousd.example.org
Oakland Unified,Alameda,Teachers union president,Attended,jose perez,
"""


def test_a_person_uploaded_twice_counts_once(tmp_path, reference, workspace_dir):
    from loaders.workspace import open_workspace

    workspace = open_workspace()
    for name, text in (("earlier.csv", EARLIER), ("updated.csv", UPDATED)):
        matched = _read(tmp_path, name, text, reference)
        workspace.save_roster(name, text.encode(), name, matched)
    rows = workspace.all_rows()
    assert len(rows) == 5
    teams = p.teams_by_event(rows)
    assert teams["n_people"].tolist() == [3]  # before: 5
    figures = p.figures_by_area(teams, reference, "all")
    assert figures.loc[0, "people"] == 3  # before: 5
    assert figures.loc[0, "people_attended"] == 2
    assert teams.loc[0, "team_status"] == "attended"
    assert teams.loc[0, "role_completeness"] == 2  # came: superintendent, union
    merged = p.duplicate_people(rows)
    assert len(merged) == 2
    assert merged["source_row"].tolist() == [2, 3]
    assert merged["same_as_row"].tolist() == [2, 4]
    assert merged["reason"].tolist() == ["same e-mail", "same name, role and team"]
    assert (merged["roster_id"] != merged["same_as_roster_id"]).all()
    text = merged.to_string()
    assert "ousd.example.org" not in text and "Pérez" not in text


def test_person_keys_are_one_definition():
    rows = pd.DataFrame(
        {
            "email": ["A@x.org", "a@x.org", None, None, None, None],
            "person_name": ["A", "B", "José Pérez", "jose  perez", "jose perez", None],
            "role": ["superintendent"] * 4 + ["board_member", "board_member"],
            "geoid": ["1"] * 6,
        }
    )
    keys = p.person_keys(rows)
    assert keys[0] == keys[1]  # same address, any name
    assert keys[2] == keys[3]  # same folded name, role and team
    assert keys[4] != keys[3]  # another role: another person
    assert keys[5].startswith("row:")  # nothing identifies the person


# ---------------------------------------------- 4. completeness says what it counts
INVITES = """District,County,Role,Status,Name,Email
Oakland Unified,Alameda,Superintendent,Cancelled,,
Oakland Unified,Alameda,Board member,Cancelled,,
Oakland Unified,Alameda,Teachers union president,Cancelled,,
Oakland Unified,Alameda,Classified union president,Cancelled,,
Berkeley Unified,Alameda,Superintendent,Applied,,
Berkeley Unified,Alameda,Board member,Applied,,
Berkeley Unified,Alameda,Teachers union president,Registered,,
Berkeley Unified,Alameda,Classified union president,Waitlisted,,
Alameda Unified,Alameda,Superintendent,Attended,,
Alameda Unified,Alameda,Board member,Attended,,
Alameda Unified,Alameda,Teachers union president,Attended,,
Alameda Unified,Alameda,Classified union president,Registered,,
"""
OAKLAND, BERKELEY, ALAMEDA = "0628050", "0604740", "0601770"


def test_role_completeness_says_came_or_applied(tmp_path, reference):
    matched = _read(tmp_path, "invites.csv", INVITES, reference)
    assert matched["match_status"].eq("matched").all()
    teams = p.teams_by_event(matched).set_index("geoid")
    # a fully cancelled team: nothing counts (before: 4/4)
    assert teams.loc[OAKLAND, "team_status"] == "cancelled"
    assert teams.loc[OAKLAND, "role_completeness"] == 0
    assert teams.loc[OAKLAND, "completeness_basis"] == "applied"
    # an invite list: 4 roles applied, none came
    assert teams.loc[BERKELEY, "role_completeness"] == 4
    assert teams.loc[BERKELEY, "completeness_basis"] == "applied"
    assert teams.loc[BERKELEY, "roles_came"] == 0
    # attended: the roles that came
    assert teams.loc[ALAMEDA, "role_completeness"] == 3
    assert teams.loc[ALAMEDA, "completeness_basis"] == "came"
    assert "Classified union president" in teams.loc[ALAMEDA, "missing_roles"]
    events = load_events()
    labels = {
        geoid: p.team_detail(matched, geoid, events)["role_completeness"].item()
        for geoid in (OAKLAND, BERKELEY, ALAMEDA)
    }
    assert labels == {
        OAKLAND: "0/4 applied",
        BERKELEY: "4/4 applied",
        ALAMEDA: "3/4 came",
    }
    # no applied-only or cancelled team is complete, anywhere
    figures = p.figures_by_area(p.teams_by_event(matched), reference, "all")
    assert figures.loc[0, "complete_teams"] == 0
    assert figures.loc[0, "attended"] == 1
    table = participation_tables(p.teams_by_event(matched), reference, events)
    comp = table["completeness"].set_index("geoid")
    assert comp.loc[BERKELEY, "completeness_basis"] == "applied"
    assert comp.loc[OAKLAND, "role_completeness"] == 0
