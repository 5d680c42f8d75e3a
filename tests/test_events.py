"""Events a user adds (issue 12, item 8): checked, saved in the workspace beside
the published list, and used wherever the published events are: roster event
columns (ids, names, dates), the match command's notes, teams by event, the
exported tables, the venues of maps and plans.

Everything runs on a real SQLite workspace file, the shipped events table, the
real district reference and the offline gazetteer.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from geodata.gazetteer import candidate_venues, past_venues
from loaders.events import (
    ADDED,
    EVENT_COLUMNS,
    EVENT_TYPES,
    PUBLISHED,
    EventError,
    all_events,
    load_events,
    validate_event,
)
from loaders.exports import participation_tables
from loaders.matching import input_rows_with_matches, match_roster
from loaders.participation import teams_by_event
from loaders.roster import read_roster
from loaders.vocab import normalize_event
from loaders.workspace import WorkspaceError, open_workspace

SI_2027 = {
    "event_id": "CALMI-2027-SI",
    "event_name": "2027 CA LMI Summer Institute",
    "label": "2027 Summer Institute",
    "event_type": "summer_institute",
    "start_date": "2027-06-22",
    "end_date": "2027-06-24",
    "venue_name": "Town and Country Resort",
    "city": "San Diego",
}

ROSTER_2027 = (
    "District,County,Role,Status,Event\n"
    "Fresno Unified,Fresno,Superintendent,Attended,CALMI-2027-SI\n"
    "Fresno Unified,Fresno,Trustee,Attended,2027 Summer Institute\n"
    "Oakland Unified,Alameda,Superintendent,Registered,CALMI-2017-SI\n"
)


@pytest.fixture
def ws(workspace_url):
    """An empty workspace, once on SQLite and once on PostgreSQL (``postgres``)."""
    workspace = open_workspace(workspace_url)
    yield workspace
    workspace.close()


# ---------------------------------------------------------------- validation
def test_published_table_uses_the_vocabularies():
    events = load_events()
    assert set(events["event_type"]) == set(EVENT_TYPES)
    assert all_events()["origin"].eq(PUBLISHED).all()
    assert list(all_events().columns) == [*EVENT_COLUMNS, "origin"]


def test_valid_event_is_cleaned():
    record = validate_event(
        {
            "event_id": " calmi-2027-si ",
            "event_name": "2027  CA LMI Summer Institute",
            "event_type": "Summer Institute",
            "start_date": dt.date(2027, 6, 22),
            "city": "San Diego",
        }
    )
    assert record["event_id"] == "CALMI-2027-SI"
    assert record["event_type"] == "summer_institute"
    assert record["event_name"] == record["label"] == "2027 CA LMI Summer Institute"
    assert record["start_date"] == record["end_date"] == "2027-06-22"
    assert record["status"] == "planned"
    assert set(record) == set(EVENT_COLUMNS)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"event_id": "2027 institute"}, "event_id", "e.g. CALMI-2027-SI"),
        ({"event_id": "CALMI-2027"}, "event_id", "CALMI-, the year"),
        ({"event_id": "CALMI-2017-SI"}, "event_id", "published event"),
        ({"event_name": "  "}, "event_name", "event_name is required"),
        ({"event_type": "party"}, "event_type", "summer_institute, symposium"),
        ({"start_date": ""}, "start_date", "YYYY-MM-DD"),
        ({"start_date": "22/06/2027"}, "start_date", "write the start date as"),
        ({"end_date": "2027-02-30"}, "end_date", "is not a date"),
        ({"end_date": "2027-06-21"}, "end_date", "before start_date 2027-06-22"),
        ({"status": "maybe"}, "status", "planned, held, cancelled"),
        ({"city": "x" * 301}, "city", "shorten it to 300"),
        ({"colour": "red"}, "colour", "not an event field"),
    ],
)
def test_invalid_event_names_the_field(change, field, words):
    with pytest.raises(EventError) as err:
        validate_event({**SI_2027, **change})
    assert err.value.field == field
    assert words in str(err.value)
    assert str(err.value).split()[0].strip(":") in (field, "event_id")


# ---------------------------------------------------------------- the store
def test_add_edit_remove_restore_on_a_real_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'ws.sqlite'}"
    ws = open_workspace(url)
    start = ws.revision()
    saved = ws.add_event({**SI_2027, "event_id": "calmi-2027-si"})
    assert saved["event_id"] == "CALMI-2027-SI" and ws.revision() == start + 1
    with pytest.raises(EventError, match="already saved") as err:
        ws.add_event({**SI_2027, "event_name": "again"})
    assert err.value.field == "event_id"
    with pytest.raises(EventError, match="published event"):
        ws.add_event({**SI_2027, "event_id": "CALMI-2024-SI"})
    edited = ws.edit_event("calmi-2027-si", {"city": "Sacramento", "end_date": ""})
    assert edited["city"] == "Sacramento" and edited["end_date"] == "2027-06-22"
    with pytest.raises(EventError, match="cannot change"):
        ws.edit_event("CALMI-2027-SI", {"event_id": "CALMI-2027-SI2"})
    with pytest.raises(EventError, match="before start_date"):
        ws.edit_event("CALMI-2027-SI", {"end_date": "2027-01-01"})
    with pytest.raises(EventError, match="published"):
        ws.edit_event("CALMI-2017-SI", {"city": "Fresno"})
    with pytest.raises(WorkspaceError, match="no event CALMI-2031-X"):
        ws.remove_event("CALMI-2031-X")
    ws.close()

    ws = open_workspace(url)  # saved on disk, not only in memory
    listed = ws.list_events()
    assert listed["event_id"].tolist() == ["CALMI-2027-SI"]
    assert listed.loc[0, "city"] == "Sacramento"
    assert listed["deleted_at"].isna().all()
    ws.remove_event("CALMI-2027-SI")
    assert ws.list_events().empty
    assert ws.list_events(deleted=True)["event_id"].tolist() == ["CALMI-2027-SI"]
    assert "CALMI-2027-SI" not in set(all_events(ws)["event_id"])
    ws.restore_event("CALMI-2027-SI")  # the undo
    assert ws.list_events()["event_id"].tolist() == ["CALMI-2027-SI"]
    with pytest.raises(WorkspaceError, match="in the trash"):
        ws.restore_event("CALMI-2027-SI")
    # an id whose event is in the trash may be used again
    ws.remove_event("CALMI-2027-SI")
    ws.add_event({**SI_2027, "city": "Fresno"})
    assert ws.list_events(deleted=True).empty
    assert ws.list_events()["city"].tolist() == ["Fresno"]
    ws.remove_event("CALMI-2027-SI")
    assert ws.purge_deleted_events() == 1
    ws.close()


def test_all_events_joins_published_and_added(ws):
    ws.add_event(SI_2027)
    norcal = {"event_id": "CALMI-2026-NORCAL", "start_date": "2026-09-30"}
    ws.add_event(
        {**SI_2027, **norcal, "end_date": "", "event_type": "network convening"}
    )
    events = all_events(ws)
    assert len(events) == len(load_events()) + 2
    assert events["event_id"].is_unique
    assert list(events.columns) == [*EVENT_COLUMNS, "origin"]
    assert (events.dtypes == "string").all()
    added = events.loc[events["origin"] == ADDED, "event_id"].tolist()
    assert added == ["CALMI-2026-NORCAL", "CALMI-2027-SI"]  # by start date
    dated = events.loc[events["start_date"] != "", "start_date"]
    assert dated.is_monotonic_increasing


# ------------------------------------------------- used where events are used
def test_roster_event_column_resolves_added_events(ws):
    ws.add_event(SI_2027)
    events = all_events(ws)
    assert normalize_event("calmi-2027-si", events=events).value == "CALMI-2027-SI"
    assert normalize_event("2027 Summer Institute", events=events).value == (
        "CALMI-2027-SI"
    )
    by_date = normalize_event(None, date=dt.date(2027, 6, 23), events=events)
    assert by_date.value == "CALMI-2027-SI"
    # without the workspace's events, it is unknown (as before)
    assert normalize_event("CALMI-2027-SI").note
    load = read_roster(ROSTER_2027.encode(), filename="r.csv", events=events)
    assert load.rows["event_id"].tolist() == [
        "CALMI-2027-SI",
        "CALMI-2027-SI",
        "CALMI-2017-SI",
    ]
    dated = "District,Role,Status,Date\nFresno Unified,Trustee,Attended,6/23/2027\n"
    load = read_roster(dated.encode(), filename="d.csv", events=events)
    assert load.rows["event_id"].tolist() == ["CALMI-2027-SI"]


def test_match_notes_know_added_events(ws, reference):
    ws.add_event(SI_2027)
    events = all_events(ws)
    load = read_roster(ROSTER_2027.encode(), filename="r.csv", events=events)
    matched = match_roster(load.rows, reference)
    with_added = input_rows_with_matches(load, matched, events)
    assert not with_added["match_note"].fillna("").str.contains("not a known").any()
    published_only = input_rows_with_matches(load, matched)
    unknown = published_only["match_note"].fillna("").str.contains("not a known")
    assert unknown.sum() == 2


def test_added_event_reaches_teams_and_tables(ws, reference):
    """The Map/Export pipeline: a roster row for an added event is a team at it."""
    ws.add_event(SI_2027)
    events = all_events(ws)
    load = read_roster(ROSTER_2027.encode(), filename="r.csv", events=events)
    matched = match_roster(load.rows, reference)
    teams = teams_by_event(matched)
    fresno = teams.loc[teams["event_id"] == "CALMI-2027-SI"]
    assert len(fresno) == 1
    assert fresno["team_status"].item() == "attended"
    tables = participation_tables(teams, reference, events, matched=matched)
    row = tables["event"].set_index("event_id").loc["CALMI-2027-SI"]
    assert row.filter(like="attended").max() >= 1
    only = participation_tables(
        teams, reference, events, event_ids=["CALMI-2027-SI"], matched=matched
    )
    assert only["event"]["event_id"].tolist() == ["CALMI-2027-SI"]
    assert "Fresno Unified" in only["district"].to_string()


def test_added_venues_are_candidates_and_unknown_cities_skipped(ws):
    ws.add_event({**SI_2027, "city": "Redding"})
    ws.add_event({**SI_2027, "event_id": "CALMI-2027-ATL", "city": "Atlantis"})
    events = all_events(ws)
    venues = past_venues(events)
    assert "Redding" in set(venues["name"])
    assert venues.attrs["skipped_events"] == ["2027 Summer Institute"]
    assert "Redding" in set(past_venues(events)["name"])
    assert "Redding" not in set(past_venues()["name"])  # published only
    candidates = candidate_venues(include_cities=False, events=events)
    assert "Redding" in set(candidates["name"])


def test_published_city_that_is_unknown_still_fails():
    broken = load_events().assign(origin=PUBLISHED)
    broken.loc[0, "city"] = "Atlantis"
    with pytest.raises(LookupError, match="row 2, column city"):
        past_venues(broken)


def test_frames_are_plain_text(ws):
    ws.add_event(SI_2027)
    frame = ws.list_events()
    assert isinstance(frame, pd.DataFrame)
    assert frame.loc[0, "venue_address"] == ""  # empty text, not <NA>
