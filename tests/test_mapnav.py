"""The Map page's decisions, without Streamlit (dashboard.mapnav) on real files."""

from __future__ import annotations

import doctest

import pandas as pd
import pytest

from dashboard import mapnav
from geodata.boundaries import districts_at
from loaders import participation as p
from loaders.events import load_events

SR_ELEMENTARY, SR_HIGH, SONOMA_COE = "0635810", "0635830", "06097"
DOWNTOWN_SANTA_ROSA = (-122.7141, 38.4405)
SAN_DIEGO = (-117.1, 32.75)
ALL_TYPES = list(mapnav.TYPE_OPTIONS)


def test_doctests():
    result = doctest.testmod(mapnav)
    assert result.attempted >= 5 and result.failed == 0


# -------------------------------------------------------------- figures and help
def test_every_metric_has_the_data_dictionary_definition():
    metrics = [*mapnav.HEADLINE, *mapnav.role_metrics()]
    assert {m.key for m in metrics} <= set(p.FIGURE_COLUMNS)
    for m in metrics:
        assert m.help == p.DATA_DICTIONARY[m.key]
    assert "reached" in {m.key for m in metrics}
    # the old help said a shared team "counts for each" district: no longer
    assert not any("counts for each" in m.help for m in metrics)


# --------------------------------------------------------------------- drill-down
def _entity(reference, geoid):
    return reference.set_index("geoid", drop=False).loc[geoid]


def test_drill_down_transitions(reference):
    ss: dict = {}
    mapnav.set_defaults(ss, ["E1"])
    assert (ss["map_region"], ss["map_county"], ss["drill_geoid"]) == ("All",) * 2 + (
        None,
    )
    # a click moves region and county to the district's
    mapnav.open_entity(ss, _entity(reference, SR_HIGH), follow=True)
    assert (ss["map_region"], ss["map_county"], ss["drill_geoid"]) == (
        1,
        "Sonoma",
        SR_HIGH,
    )
    mapnav.go_up(ss, "county")
    assert ss["drill_geoid"] is None and ss["map_county"] == "Sonoma"
    mapnav.go_up(ss, "region")
    assert ss["map_county"] == "All" and ss["map_region"] == 1
    mapnav.go_up(ss, "state")
    assert ss["map_region"] == "All"
    # chosen in the box: a statewide view stays statewide
    mapnav.open_entity(ss, _entity(reference, "0634320"), follow=False)
    assert (ss["map_region"], ss["map_county"]) == ("All", "All")
    # ... a region that does not hold it moves to the district's
    ss["map_region"], ss["map_county"] = 1, "Sonoma"
    mapnav.open_entity(ss, _entity(reference, "0634320"), follow=False)
    assert (ss["map_region"], ss["map_county"]) == (9, "All")
    ss["map_click_choices"] = [SR_ELEMENTARY, SR_HIGH]
    mapnav.region_changed(ss)
    assert ss["drill_geoid"] is None and ss["map_click_choices"] == []


# ------------------------------------------------------------------------ clicks
def test_read_click_takes_the_feature_and_the_point():
    assert mapnav.read_click(None) is None
    assert mapnav.read_click({"last_active_drawing": None}) is None
    value = {
        "last_active_drawing": {"id": SR_HIGH, "properties": {}},
        "last_object_clicked": {"lat": 38.4405, "lng": -122.7141},
    }
    assert mapnav.read_click(value) == (SR_HIGH, -122.7141, 38.4405)
    value["last_object_clicked"] = None
    assert mapnav.read_click(value) == (SR_HIGH, None, None)


def test_a_click_where_elementary_and_high_school_overlap_offers_both():
    here = districts_at(*DOWNTOWN_SANTA_ROSA)
    assert set(here["geoid"]) == {SR_ELEMENTARY, SR_HIGH, SONOMA_COE}
    # the map reports the high-school district (drawn on top): both offered
    choices = mapnav.click_choices(SR_HIGH, "secondary", here, ALL_TYPES)
    assert choices == [SR_ELEMENTARY, SR_HIGH]
    # the same from the elementary district; the COE is never offered beside them
    assert mapnav.click_choices(SR_ELEMENTARY, "elementary", here, ALL_TYPES) == (
        choices
    )
    # a type not drawn is not offered
    only_high = mapnav.click_choices(SR_HIGH, "secondary", here, ["secondary"])
    assert only_high == [SR_HIGH]


def test_a_click_in_a_unified_district_or_on_a_coe_offers_one():
    here = districts_at(*SAN_DIEGO)
    assert mapnav.click_choices("0634320", "unified", here, ALL_TYPES) == ["0634320"]
    assert mapnav.click_choices("06073", "coe", here, ALL_TYPES) == ["06073"]
    # no point (an old value): the clicked feature alone
    assert mapnav.click_choices(SR_HIGH, "secondary", pd.DataFrame(), ALL_TYPES) == [
        SR_HIGH
    ]


# ----------------------------------------------------------------------- caption
ROSTER = """District,County,Role,Status,Event
Oakland Unified,Alameda,Superintendent,Attended,CALMI-2024-SI
Berkeley Unified,Alameda,Superintendent,Attended,2019 retreat
Nowhere Imaginary School District,Alameda,Superintendent,Attended,CALMI-2024-SI
"""


def test_caption_counts_rows_not_on_the_map_by_reason(tmp_path, reference):
    from loaders.matching import match_roster
    from loaders.roster import read_roster

    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    load = read_roster(path)
    matched = match_roster(load.rows, reference)
    table = p.rows_not_on_map(matched, None, load_events())
    counts = table.set_index("reason")["rows"]
    assert counts["no_event"] == 1
    assert counts["unmatched"] + counts["ambiguous"] == 1
    assert counts.sum() == 2
    caption = mapnav.roster_caption("Saved rosters", len(matched), table)
    assert "3 rows read: 3 usable, 0 rejected" in caption
    assert "2 not on the map" in caption
    assert "1 no event" in caption
    links = dict((section, text) for text, section in mapnav.not_on_map_links(table))
    assert set(links) == {"review", "rosters"}
    assert links["rosters"].startswith("1 row to fix")


def test_caption_when_every_row_is_on_the_map():
    table = pd.DataFrame({"reason": list(p.NOT_ON_MAP_REASONS), "rows": 0})
    assert mapnav.roster_caption("X", 4, table).endswith("every row is on the map")
    assert mapnav.not_on_map_links(table) == []


@pytest.mark.parametrize("reason", list(mapnav.REASON_SECTIONS))
def test_every_reason_has_a_data_page_section(reason):
    assert reason in p.NOT_ON_MAP_REASONS
    assert mapnav.REASON_SECTIONS[reason] in {"upload", "review", "rosters", "aliases"}


def test_area_table_rows_follow_the_drill_down_and_agree_with_the_headline():
    import pandas as pd

    from dashboard.roster_source import demo_rows
    from geodata import boundaries
    from loaders import participation

    ref = boundaries.entity_reference()
    teams = participation.teams_by_event(demo_rows(ref))
    types = list(mapnav.TYPE_OPTIONS)
    regions = mapnav.area_table(
        teams, ref, event_ids=None, region=None, county=None, district_types=types
    )
    assert list(regions["key"]) == [str(r) for r in range(1, 12)]
    head = participation.headline_figures(
        participation.filter_teams(teams, ref, district_types=types)
    )
    assert int(regions["teams"].sum()) == head["teams"]
    counties = mapnav.area_table(
        teams, ref, event_ids=None, region=4, county=None, district_types=types
    )
    assert "Alameda" in set(counties["key"])
    districts = mapnav.area_table(
        teams, ref, event_ids=None, region=4, county="Alameda", district_types=types
    )
    alameda = ref.loc[ref["county"] == "Alameda"]
    assert len(districts) == len(alameda)  # districts without a team too
    assert "0628050" in set(districts["key"])
    assert isinstance(districts, pd.DataFrame)
    # a row opens the place it names
    ss: dict = {}
    mapnav.set_defaults(ss, [])
    mapnav.pick_area(ss, "region", "4")
    assert ss["map_region"] == 4 and ss["map_county"] == mapnav.ALL
    mapnav.pick_area(ss, "county", "Alameda")
    assert ss["map_county"] == "Alameda"
    oakland = ref.set_index("geoid", drop=False).loc["0628050"]
    mapnav.pick_area(ss, "district", "0628050", oakland)
    assert ss["drill_geoid"] == "0628050" and ss["map_county"] == "Alameda"
    assert mapnav.highlighted_key("district", oakland) == "0628050"


def test_one_roster_row_is_singular():
    empty = pd.DataFrame({"reason": [], "rows": []})
    assert "· 1 row read: 1 usable" in mapnav.roster_caption("X", 1, empty)
    assert "· 2 rows read: 2 usable" in mapnav.roster_caption("X", 2, empty)
