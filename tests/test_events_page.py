"""The Events page through streamlit.testing: all events listed (published
read-only), add with validation messages, edit, remove with undo, and the
added event offered on the Map/Export pages' event choices."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from loaders.events import load_events
from loaders.workspace import open_workspace

VIEWS = Path(__file__).resolve().parent.parent / "dashboard" / "views"
PAGE = str(VIEWS / "events.py")


@pytest.fixture
def page(workspace_dir):
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    yield at
    open_workspace().close()


def _fill(at, **values):
    for field, value in values.items():
        key = f"events_new_{field}"
        if field.endswith("_date"):
            at.date_input(key=key).set_value(value)
        elif field in ("event_type", "status"):
            at.selectbox(key=key).set_value(value)
        else:
            at.text_input(key=key).set_value(value)
    return at


def _click(at, label):
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return at


def _table_ids(at):
    return at.dataframe[0].value["event_id"].tolist()


def test_lists_published_events_and_says_nothing_added(page, workspace_dir):
    assert _table_ids(page) == load_events()["event_id"].tolist()
    captions = " ".join(c.value for c in page.caption)
    assert str(workspace_dir) in captions and "0 added" in captions
    assert any("No event added yet" in i.value for i in page.info)


def test_add_shows_validation_then_saves(page):
    _fill(page, event_id="CALMI-2017-SI", event_name="Again",
          start_date=dt.date(2027, 6, 22))  # fmt: skip
    _click(page, "Add event")
    assert "published event" in page.error[0].value
    assert page.error[0].value.startswith("**Event id**")
    _fill(page, event_id="calmi-2027-si", event_name="2027 CA LMI Summer Institute",
          event_type="summer_institute", start_date=dt.date(2027, 6, 22),
          end_date=dt.date(2027, 6, 20))  # fmt: skip
    _click(page, "Add event")
    assert page.error[0].value.startswith("**End date**")
    assert "before start_date 2027-06-22" in page.error[0].value
    assert open_workspace().list_events().empty
    _fill(page, end_date=dt.date(2027, 6, 24), city="Atlantis")
    _click(page, "Add event")
    assert not page.error
    assert any("Added **CALMI-2027-SI**" in s.value for s in page.success)
    assert any("not be marked on maps" in w.value for w in page.warning)
    assert "CALMI-2027-SI" in _table_ids(page)
    saved = open_workspace().list_events()
    assert saved[["event_id", "end_date", "city"]].values.tolist() == [
        ["CALMI-2027-SI", "2027-06-24", "Atlantis"]
    ]


def test_edit_remove_and_undo(page):
    open_workspace().add_event(
        {"event_id": "CALMI-2027-SI", "event_name": "2027 SI",
         "event_type": "summer_institute", "start_date": "2027-06-22"}
    )  # fmt: skip
    page.run()
    assert page.selectbox(key="events_pick").value == "CALMI-2027-SI"
    prefix = "events_edit_CALMI-2027-SI"
    page.text_input(key=f"{prefix}_city").set_value("Fresno")
    page.date_input(key=f"{prefix}_end_date").set_value(dt.date(2027, 6, 23))
    _click(page, "Save changes")
    assert any("Saved **CALMI-2027-SI**" in s.value for s in page.success)
    saved = open_workspace().list_events()
    assert saved[["city", "end_date"]].values.tolist() == [["Fresno", "2027-06-23"]]

    page.date_input(key=f"{prefix}_end_date").set_value(dt.date(2027, 6, 1))
    _click(page, "Save changes")
    assert "before start_date" in page.error[0].value
    assert open_workspace().list_events()["end_date"].tolist() == ["2027-06-23"]

    _click(page, "Remove CALMI-2027-SI")
    assert any("Removed **CALMI-2027-SI**" in i.value for i in page.info)
    assert "CALMI-2027-SI" not in _table_ids(page)
    assert open_workspace().list_events().empty
    _click(page, "Undo: restore CALMI-2027-SI")
    assert any("is back" in s.value for s in page.success)
    assert "CALMI-2027-SI" in _table_ids(page)
    assert open_workspace().list_events()["city"].tolist() == ["Fresno"]


def test_added_event_is_offered_on_the_export_page(workspace_dir):
    open_workspace().add_event(
        {"event_id": "CALMI-2027-SI", "event_name": "2027 SI",
         "event_type": "summer_institute", "start_date": "2027-06-22"}
    )  # fmt: skip
    at = AppTest.from_file(str(VIEWS / "export.py"), default_timeout=240)
    at.run()
    assert not at.exception, at.exception
    assert "2027 SI" in at.multiselect(key="export_events").options  # its label
    open_workspace().close()
