"""One rule everywhere: a roster row not on the map counts in no figure.

A row at an unknown event (``NOPE-EVENT``) or with a status that could not be
read (``maybe``) is listed as "not on the map" with its reason, and the map
layer, the headline figures, the district and event tables, the contacts table
and the command line's ``export table --roster`` all leave it out. A row with
an unreadable role (``janitor``) counts for its team but for no role.
Real files: a roster CSV written here, the real districts and events.
"""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from dashboard.cli import app
from geodata.layers import participation_layers
from geodata.maprequest import MapRequest
from loaders import participation as p
from loaders.events import load_events
from loaders.exports import participation_tables
from loaders.matching import match_roster
from loaders.roster import read_roster
from loaders.vocab import UNREADABLE_STATUS

EVENT = "CALMI-2015-SYMP"
ROSTER = f"""event_id,entity_name,county,role,status,person_name,email
{EVENT},Oakland Unified,Alameda,superintendent,attended,Ann,ann@example.org
NOPE-EVENT,Fresno Unified,Fresno,teachers_union_president,attended,Jane,j@example.org
{EVENT},San Jose Unified,Santa Clara,superintendent,maybe,Zoe,z@example.org
{EVENT},Los Angeles Unified,Los Angeles,janitor,attended,Lou,l@example.org
"""


@pytest.fixture
def roster_file(tmp_path):
    path = tmp_path / "hostile.csv"
    path.write_text(ROSTER, encoding="utf-8")
    return path


@pytest.fixture
def matched(roster_file, reference):
    load = read_roster(roster_file, events=load_events())
    return match_roster(load.rows, reference)


def _geoid(matched, name):
    row = matched.loc[matched["entity_name"] == name]
    assert row["match_status"].tolist() == ["matched"], name
    return str(row["geoid"].iloc[0])


def test_the_reader_marks_an_unreadable_status_and_keeps_an_unreadable_role(
    roster_file,
):
    load = read_roster(roster_file, events=load_events())
    by_name = load.rows.set_index("entity_name")
    assert by_name.loc["San Jose Unified", "status"] == UNREADABLE_STATUS
    assert by_name.loc["Los Angeles Unified", "status"] == "attended"
    role = by_name.loc["Los Angeles Unified", "role"]
    assert pd.isna(role) or role == ""  # no role, the row stays
    problems = set(load.issues["value"])
    assert {"maybe", "janitor"} <= problems  # still listed as cells not read


def test_rows_not_on_map_are_listed_with_their_reason(matched):
    reason = p.not_on_map_reason(matched, load_events())
    by_name = dict(zip(matched["entity_name"], reason))
    assert by_name["Fresno Unified"] == "no_event"
    assert by_name["San Jose Unified"] == "status_unreadable"
    assert pd.isna(by_name["Oakland Unified"]) and pd.isna(
        by_name["Los Angeles Unified"]
    )
    table = p.rows_not_on_map(matched, None, load_events()).set_index("reason")
    assert table.loc["no_event", "rows"] == 1
    assert table.loc["status_unreadable", "rows"] == 1
    assert table.loc["status_unreadable", "label"] == "status not readable"
    on_map = p.rows_on_map(matched, load_events())
    # nothing dropped silently: every row is either on the map or listed
    assert len(on_map) + int(table["rows"].sum()) == len(matched)
    assert set(on_map["entity_name"]) == {"Oakland Unified", "Los Angeles Unified"}


def test_map_headline_district_event_and_contacts_tables_agree(matched, reference):
    events = load_events()
    fresno, san_jose = (
        _geoid(matched, "Fresno Unified"),
        _geoid(matched, "San Jose Unified"),
    )
    oakland, la = (
        _geoid(matched, "Oakland Unified"),
        _geoid(matched, "Los Angeles Unified"),
    )
    teams = p.teams_by_event(matched, events)
    assert set(teams["geoid"]) == {oakland, la}
    assert set(teams["event_id"]) == {EVENT}
    # unreadable role: the person counts for the team, for no role
    la_team = teams.set_index("geoid").loc[la]
    assert la_team["n_people"] == 1 and la_team["role_completeness"] == 0
    # the headline figures
    headline = p.headline_figures(p.filter_teams(teams, reference))
    assert headline["teams"] == 2 and headline["people"] == 2
    # the map layer: only the counted districts carry a value
    layers = participation_layers(teams, MapRequest(), events=events)
    valued = layers.districts.loc[layers.districts["measure_value"].fillna(0) > 0]
    assert set(valued["geoid"].astype(str)) == {oakland, la}
    assert not {fresno, san_jose} & set(valued["geoid"].astype(str))
    # the tables, contacts included: the same rows
    tables = participation_tables(
        teams, reference, events, matched=matched, include_contacts=True
    )
    district = tables["district"]
    attended = district.loc[district["geoid"].astype(str).isin([fresno, san_jose])]
    assert (attended.select_dtypes("number").fillna(0).to_numpy() == 0).all()
    by_event = tables["event"].set_index("event_id")
    assert "NOPE-EVENT" not in by_event.index
    assert by_event["teams"].sum() == by_event.loc[EVENT, "teams"] == 2
    assert set(tables["contacts"]["geoid"].astype(str)) == {oakland, la}
    # a district's detail (the team panel) leaves them out too
    assert (
        p.team_details(matched, events)["geoid"]
        .astype(str)
        .isin([fresno, san_jose])
        .sum()
        == 0
    )


def test_cli_table_from_the_roster_file_leaves_them_out(
    roster_file, tmp_path, workspace_dir
):
    out = tmp_path / "district.csv"
    result = CliRunner().invoke(
        app,
        ["export", "table", "--roster", str(roster_file), "--table", "event",
         "--raw-headers", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    by_event = pd.read_csv(out, dtype={"event_id": str}).set_index("event_id")
    assert "NOPE-EVENT" not in by_event.index
    assert by_event["teams"].sum() == by_event.loc[EVENT, "teams"] == 2
    out = tmp_path / "district.csv"
    result = CliRunner().invoke(
        app,
        ["export", "table", "--roster", str(roster_file), "--table", "district",
         "--raw-headers", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    district = pd.read_csv(out, dtype={"geoid": str}).set_index("geoid")
    assert int(district["teams"].sum()) == 2
    assert district.loc[district["name"] == "Fresno Unified", "events"].sum() == 0
