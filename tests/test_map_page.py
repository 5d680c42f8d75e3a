"""The Map page through streamlit.testing (every filter and the drill-down)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")


@pytest.fixture
def app(workspace_dir):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def _metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def _box(at, label):
    return next(w for w in at.selectbox if w.label == label)


def test_default_view_shows_headline_figures(app):
    teams = int(_metric(app, "District / COE teams").replace(",", ""))
    assert teams > 50
    assert int(_metric(app, "Complete teams (4/4)").replace(",", "")) > 0
    assert any("demo roster" in c.value for c in app.caption)
    assert not app.error


def test_region_county_and_district_drill_down(app):
    statewide = _metric(app, "District / COE teams")
    _box(app, "CCSESA region").select(11).run()
    assert not app.exception
    region = _metric(app, "District / COE teams")
    assert region != statewide
    counties = _box(app, "County").options
    assert counties == ["All counties", "Los Angeles"]
    _box(app, "County").select("Los Angeles").run()
    assert not app.exception
    district = _box(app, "District or COE")
    district.select("0622710").run()  # Los Angeles Unified
    assert not app.exception
    assert any("Los Angeles Unified" in h.value for h in app.subheader)
    assert any("CD code 1964733" in c.value for c in app.caption)
    # back up one level: the county button clears the district
    next(b for b in app.button if b.label == "Los Angeles County").click().run()
    assert app.session_state["drill_geoid"] is None
    next(b for b in app.button if b.label == "California").click().run()
    assert app.session_state["map_region"] == "All"
    assert _metric(app, "District / COE teams") == statewide


@pytest.mark.parametrize("measure", ["event_status", "completeness"])
def test_one_event_measures(app, measure):
    app.radio[0].set_value(measure).run()
    assert not app.exception
    event = _box(app, "Event")
    assert event.value == "CALMI-2015-SYMP"
    event.select("CALMI-2015-LA-REGIONAL").run()
    assert not app.exception and not app.error


def test_event_and_type_filters_change_figures(app):
    all_events = _metric(app, "District / COE teams")
    app.multiselect[0].set_value(["CALMI-2015-SYMP"]).run()
    assert not app.exception
    symposium = int(_metric(app, "Teams attended").replace(",", ""))
    assert 47 <= symposium <= 60  # 47 district teams + a few COEs
    assert _metric(app, "District / COE teams") != all_events
    types = next(w for w in app.multiselect if w.label == "District types")
    types.set_value(["coe"]).run()
    assert not app.exception
    assert int(_metric(app, "Teams attended").replace(",", "")) < symposium
    types.set_value([]).run()
    assert any("No district type" in i.value for i in app.info)


def test_map_component_returns_only_what_a_click_needs(app):
    import json

    (component,) = app.get("component_instance")
    args = json.loads(component.proto.json_args)
    # pan and zoom change bounds/zoom, which are not returned: no rerun; the
    # clicked point is, so that clicking a district again selects it again
    assert args["returned_objects"] == ["last_active_drawing", "last_object_clicked"]
    assert all(u.startswith("/app/static/") for u in args["js_links"])
    assert all(u.startswith("/app/static/") for u in args["css_links"])
    # statewide payload sent to the browser, with an absolute ceiling
    assert len(args["script"]) + len(args["header"]) + len(args["html"]) < 600_000


def test_opening_a_district_keeps_the_map_and_sends_only_its_outline(app):
    import json

    def component():
        (c,) = app.get("component_instance")
        return json.loads(c.proto.json_args)

    _box(app, "CCSESA region").select(9).run()
    before = component()
    assert "L.geoJSON" not in (before["feature_group"] or "")
    _box(app, "District or COE").select("0634320").run()  # San Diego Unified
    assert not app.exception
    after = component()
    # the same cached map (and so the same component: the browser does not
    # redraw it); the outline comes as the component's dynamic layer
    assert after["script"] == before["script"]
    overlay = after["feature_group"]
    assert "L.geoJSON" in overlay and "#d62728" in overlay
    assert "window.feature_group" in overlay and "fitBounds" in overlay
    assert len(overlay) < 20_000
    assert any("San Diego Unified" in h.value for h in app.subheader)


def test_districts_sharing_a_name_are_told_apart_and_each_opens(app):
    box = _box(app, "District or COE")
    labels = list(box.options)
    assert len(labels) == len(set(labels))  # statewide: every label distinct
    assert "Washington Unified (Fresno County)" in labels
    assert "Washington Unified (Yolo County)" in labels
    box.select("0601415").run()  # Washington Unified, Fresno County
    assert not app.exception
    assert any(h.value == "Washington Unified" for h in app.subheader)
    assert any("Fresno County" in c.value for c in app.caption)


def test_a_label_handed_back_by_the_box_is_read_as_its_district(app):
    # a select box whose options changed under a pending choice sends back the
    # label it showed; the page must open that district, not fail
    app.session_state["drill_geoid"] = "Washington Unified (Yolo County)"
    app.run()
    assert not app.exception
    assert app.session_state["drill_geoid"] == "0641580"
    assert any("Yolo County" in c.value for c in app.caption)


def test_as_geoid_reads_geoids_and_labels_only():
    from dashboard import state

    assert state.as_geoid("0641580") == "0641580"
    assert state.as_geoid("Washington Unified (Fresno County)") == "0601415"
    assert state.as_geoid("San Diego Unified") == "0634320"
    assert state.as_geoid("Nowhere Unified") is None
    assert state.as_geoid(None) is None


def test_a_district_opened_statewide_can_be_closed(app):
    california = next(b for b in app.button if b.label == "California")
    assert california.disabled  # nothing to go up from
    _box(app, "District or COE").select("0634320").run()
    california = next(b for b in app.button if b.label == "California")
    assert not california.disabled
    california.click().run()
    assert app.session_state["drill_geoid"] is None
    assert not app.subheader


def test_no_district_type_ticked_counts_no_team(app):
    next(w for w in app.multiselect if w.label == "District types").set_value([]).run()
    assert _metric(app, "District / COE teams") == "0"
    assert _metric(app, "Teams attended") == "0"


# issue 12, item 1: the headline equals the tables for the same filter
@pytest.fixture(scope="module")
def demo_teams(reference):
    from loaders import participation
    from loaders.demo import demo_roster
    from loaders.matching import match_roster

    rows = demo_roster(reference)  # what the page shows without saved rosters
    rows = rows.assign(source_row=range(2, len(rows) + 2))
    return participation.teams_by_event(match_roster(rows, reference))


def _shown(at):
    return {m.label: int(m.value.replace(",", "")) for m in at.metric}


def test_headline_equals_the_tables_for_the_same_filter(app, demo_teams, reference):
    from dashboard import mapnav
    from loaders import participation

    def check(**selection):
        shown = _shown(app)
        row = participation.figures_by_area(
            demo_teams, reference, "all", **selection
        ).iloc[0]
        regions = participation.figures_by_area(
            demo_teams, reference, "region", **selection
        )
        for metric in [*mapnav.HEADLINE, *mapnav.role_metrics()]:
            assert shown[metric.label] == row[metric.key], metric.key
            assert shown[metric.label] == regions[metric.key].sum(), metric.key
        helps = {m.label: m.help for m in app.metric}
        reached = participation.DATA_DICTIONARY["reached"]
        assert helps["Districts/COEs reached"] == reached

    types = list(mapnav.TYPE_OPTIONS)
    check(district_types=types)
    _box(app, "CCSESA region").select(3).run()
    check(regions=[3], district_types=types)
    app.multiselect[0].set_value(["CALMI-2015-SYMP"]).run()
    check(regions=[3], event_ids=["CALMI-2015-SYMP"], district_types=types)
    _box(app, "County").select("Sacramento").run()
    check(
        regions=[3],
        counties=["Sacramento"],
        event_ids=["CALMI-2015-SYMP"],
        district_types=types,
    )


def test_caption_says_every_demo_row_is_on_the_map(app):
    caption = next(c.value for c in app.caption if "Roster:" in c.value)
    assert "demo roster" in caption
    assert "every row is on the map" in caption or "not on the map" in caption


def test_completeness_measure_names_its_basis(app):
    app.radio[0].set_value("completeness").run()
    assert not app.exception
    from geodata.measures import legend

    labels = [label for label, _ in legend("completeness")]
    assert any("came" in label.lower() for label in labels)
    assert any("applied" in label for label in labels)


def test_shared_link_opens_the_view_and_the_address_follows(workspace_dir):
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(
        region="4",
        district="0628050",
        event="CALMI-2015-EMERYVILLE",
        measure="completeness",
    )
    at.run()
    assert not at.exception, at.exception
    assert any(h.value == "Oakland Unified" for h in at.subheader)
    # the team's table titles its columns in words (not team_status)
    team = next(d for d in at.dataframe if "team_status" in d.value.columns)
    assert "Team status" in team.proto.columns
    assert at.session_state["map_region"] == 4
    assert at.session_state["map_event"] == "CALMI-2015-EMERYVILLE"
    assert at.session_state["map_measure"] == "completeness"
    assert not at.warning
    # the linked table lists Region 4's counties, Oakland's marked
    areas = list(at.dataframe[-1].value["area"])
    assert "▶ Alameda" in areas and "Marin" in areas
    # a change of view is written to the address
    next(b for b in at.button if b.label == "California").click().run()
    assert at.query_params.get("region") is None
    assert at.query_params["measure"] == "completeness"


def test_bad_link_says_so_and_shows_california(workspace_dir):
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(region="14", measure="nope")
    at.run()
    assert not at.exception, at.exception
    text = " ".join(w.value for w in at.warning)
    assert "“14”" in text and "“nope”" in text and "all California" in text
    assert at.session_state["map_region"] == "All"
