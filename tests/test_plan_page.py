"""The Plan page through streamlit.testing: solve, change, compare, save, delete."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")


@pytest.fixture
def app(workspace_dir):
    at = AppTest.from_file(APP, default_timeout=180)
    at.switch_page("views/plan.py")
    at.run()
    assert not at.exception, at.exception
    return at


def _metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def _venues(at):
    return at.dataframe[0].value


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _table_with(at, column):
    """The (last) table on the page that has this column."""
    return [d.value for d in at.dataframe if column in d.value.columns][-1]


def test_default_plan_for_teams_that_applied_but_did_not_attend(app):
    assert any(t.value == "Plan regional meetings" for t in app.title)
    assert app.session_state["plan_serve"] == "applied-not-attended"
    assert app.session_state["plan_events"] == ["CALMI-2015-SYMP"]
    assert int(_metric(app, "Teams served").replace(",", "")) > 10
    assert _metric(app, "Average distance").endswith("mi")
    venues = _venues(app)
    assert len(venues) == 3
    assert {"venue", "teams", "mean_miles", "p90_miles", "share_within_1h"} <= set(
        venues.columns
    )
    invites = app.dataframe[2].value
    assert "missing_roles" in invites.columns
    assert "contacts" not in invites.columns
    assert not app.error


def test_tables_show_titles_with_units(app):
    import json

    def titles(element):
        config = json.loads(element.proto.columns or "{}")
        return {k: v.get("label") for k, v in config.items()}

    venues, regions, invites = (titles(app.dataframe[i]) for i in range(3))
    assert venues["mean_miles"] == "Mean distance (mi)"
    assert venues["share_within_1h"] == "Within 1 h drive"
    assert regions["ccsesa_region"] == "CCSESA region"
    assert invites["team_status"] == "Team status"
    assert invites["role_completeness"] == "Roles counted (of 4)"
    assert not app.dataframe[2].value["missing_roles"].isna().any()  # blank


def test_meetings_capacity_and_clear_infeasibility(app):
    app.slider[0].set_value(2).run()
    assert not app.exception
    assert len(_venues(app)) == 2
    app.checkbox(key="plan_use_capacity").check().run()
    app.number_input(key="plan_capacity").set_value(3).run()
    assert not app.exception
    assert any("seats" in e.value for e in app.error)
    app.number_input(key="plan_capacity").set_value(400).run()
    assert not app.error
    assert (_venues(app)["teams"] <= 400).all()


def test_coverage_model(app):
    app.radio(key="plan_model").set_value("coverage").run()
    assert not app.exception and not app.error
    assert _metric(app, "Covered").endswith("people")


def test_typed_venue_can_be_booked(app):
    app.text_input(key="plan_venue_text").input("Visalia").run()
    assert app.session_state["plan_user_venues"] == ["Visalia"]
    app.multiselect(key="plan_booked").select("Visalia").run()
    assert not app.exception
    venues = _venues(app)
    assert "Visalia" in set(venues["venue"])
    assert bool(venues.set_index("venue").loc["Visalia", "booked"])
    app.text_input(key="plan_venue_text").input("Atlantis").run()
    assert any("not a California city" in e.value for e in app.error)


def test_compare_2015_choice_with_best(app):
    _button(app, "2015 choice vs best 2, 3, 4").click().run()
    assert not app.exception
    table = _table_with(app, "scenario")
    assert list(table["scenario"]) == [
        "2015 choice (LA + Emeryville)",
        "best 2",
        "best 3",
        "best 4",
    ]
    obj = table.set_index("scenario")["objective"]
    assert obj["best 2"] <= obj["2015 choice (LA + Emeryville)"]
    assert obj["best 4"] <= obj["best 3"] <= obj["best 2"]
    differences = _table_with(app, "field").set_index("field")
    assert {"venues", "p"} <= set(differences.index)


def test_a_capacitated_plan_with_the_same_venues_is_compared_not_replaced(app):
    """Issue 12 item 10: each compared plan has its own key."""
    _button(app, "Add this plan to the comparison").click().run()
    p_median = list(_venues(app)["venue"])
    app.checkbox(key="plan_use_capacity").check().run()
    app.number_input(key="plan_capacity").set_value(400).run()
    assert list(_venues(app)["venue"]) == p_median  # the same cities
    _button(app, "Add this plan to the comparison").click().run()
    assert not app.exception and not app.error
    table = _table_with(app, "scenario")
    assert list(table["model"]) == ["p-median", "capacitated p-median"]  # before: 1
    assert table["venues"].nunique() == 1
    differences = _table_with(app, "field").set_index("field")
    assert set(differences.index) == {"model", "capacity"}
    assert list(differences.loc["capacity"]) == ["", "400"]
    # the same plan again adds nothing
    _button(app, "Add this plan to the comparison").click().run()
    assert len(_table_with(app, "scenario")) == 2
    assert any("already in the comparison" in c.value for c in app.caption)
    # one plan can be taken out, by its key
    app.selectbox(key="plan_compare_pick").set_value("plan-1").run()
    _button(app, "Remove from the comparison").click().run()
    assert list(_table_with(app, "scenario")["model"]) == ["capacitated p-median"]


def test_save_show_and_delete_a_scenario(app):
    app.text_input(key="plan_scenario_name").input("three venues").run()
    _button(app, "Save").click().run()
    assert not app.exception
    assert any("Saved scenario 'three venues' as #1" in s.value for s in app.success)
    assert app.selectbox(key="plan_saved_choice").value == 1
    live = _venues(app)
    _button(app, "Show").click().run()
    shown = [i.value for i in app.info if "Showing saved scenario" in i.value]
    assert shown and "three venues" in shown[0] and "(#1)" in shown[0]
    assert list(_venues(app)["venue"]) == list(live["venue"])
    _button(app, "Back to the live plan").click().run()
    app.checkbox(key="plan_confirm_delete").check().run()
    _button(app, "Delete").click().run()
    assert not app.exception
    assert any("No saved scenario" in c.value for c in app.caption)


def test_exact_solution_on_request(app):
    fast = _metric(app, "Average distance")
    _button(app, "Solve exactly").click().run(timeout=300)
    assert not app.exception and not app.error
    assert any("spopt PMedian + CBC" in c.value for c in app.caption)
    assert any("proven optimal" in c.value for c in app.caption)
    assert float(_metric(app, "Average distance").split()[0]) <= float(fast.split()[0])


def test_page_and_command_line_save_the_same_selection(app, tmp_path):
    """One pipeline: the page's scenario and `lmi-dashboard plan` agree."""
    import json

    from typer.testing import CliRunner

    from dashboard.cli import app as cli
    from loaders.workspace import open_workspace

    app.text_input(key="plan_scenario_name").input("page").run()
    _button(app, "Save").click().run()
    ws = open_workspace()
    try:
        page = ws.load_scenario("page")
    finally:
        ws.close()
    out = tmp_path / "cli.json"
    result = CliRunner().invoke(
        cli, ["plan", "--event", "CALMI-2015-SYMP", "--venues", "3", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    line = json.loads(out.read_text(encoding="utf-8"))
    # the roster is described in words that differ (page: "Built-in demo
    # roster (placeholder people)", CLI: "built-in demo roster ...")
    assert {k: v for k, v in page["selection"].items() if k != "roster"} == {
        k: v for k, v in line["selection"].items() if k != "roster"
    }
    assert "demo roster" in page["selection"]["roster"].lower()
    assert page["venues"] == line["venues"] and page["objective"] == line["objective"]


def test_saved_plans_are_chosen_and_deleted_by_id(app):
    """Names may repeat: two saves under one name are two scenarios."""
    app.text_input(key="plan_scenario_name").input("north").run()
    _button(app, "Save").click().run()
    app.slider[0].set_value(2).run()
    _button(app, "Save").click().run()
    assert not app.exception
    choice = app.selectbox(key="plan_saved_choice")
    assert choice.options == [
        o for o in choice.options if o.startswith("north: p-median")
    ]
    assert len(choice.options) == 2 and choice.value == 2  # the newest
    assert "2 venues" in choice.options[0] and "(#2)" in choice.options[0]
    assert "3 venues" in choice.options[1] and "(#1)" in choice.options[1]
    # both saved plans compared, under their ids, with what differs
    _button(app, "Add to the comparison").click().run()
    app.selectbox(key="plan_saved_choice").set_value(1).run()
    _button(app, "Add to the comparison").click().run()
    table = _table_with(app, "scenario")
    assert [s.rsplit(" ", 1)[-1] for s in table["scenario"]] == ["(#2)", "(#1)"]
    differences = _table_with(app, "field").set_index("field")
    assert {"p", "venues"} <= set(differences.index)
    # deleting #1 keeps #2
    app.checkbox(key="plan_confirm_delete").check().run()
    _button(app, "Delete").click().run()
    assert not app.exception
    choice = app.selectbox(key="plan_saved_choice")
    assert len(choice.options) == 1 and choice.value == 2
