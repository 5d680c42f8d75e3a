"""`lmi-dashboard plan`: venues printed, plan JSON written, errors in one line."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from dashboard.cli import app

EVENT = "CALMI-2015-SYMP"
ROLES = ["Superintendent", "Board member", "Teachers union president"]
# (CDS code of a real district, status of its team at the 2015 Symposium)
TEAMS = [
    ("01612590000000", "Applied"),  # Oakland Unified
    ("01611190000000", "Waitlisted"),  # Alameda Unified
    ("43696660000000", "Applied"),  # San Jose Unified
    ("34674390000000", "Applied"),  # Sacramento City Unified
    ("19647330000000", "Applied"),  # Los Angeles Unified
    ("19646910000000", "Applied"),  # Long Beach Unified
    ("37683380000000", "Applied"),  # San Diego Unified
    ("10621660000000", "Applied"),  # Fresno Unified
    ("15633210000000", "Attended"),  # Bakersfield City
    ("36678760000000", "Attended"),  # San Bernardino City Unified
]


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def roster_file(tmp_path, reference):
    known = set(reference["cds_code"])
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["Event", "CDS Code", "Role", "Status", "Name", "Email"])
    for k, (cds, status) in enumerate(TEAMS):
        assert cds in known, cds
        for role in ROLES:
            writer.writerow(
                [EVENT, cds, role, status, f"Person {k}", f"p{k}@example.org"]
            )
    path = tmp_path / "roster.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _plan(runner, *args):
    return runner.invoke(app, ["plan", *[str(a) for a in args]])


def _error(result) -> str:
    return (result.stderr or "") + (result.output or "")


def test_plan_writes_json_anyone_can_resolve(runner, roster_file, tmp_path):
    out = tmp_path / "plan.json"
    invites = tmp_path / "invites.csv"
    result = _plan(
        runner,
        "--roster",
        roster_file,
        "--serve",
        "applied-not-attended",
        "--event",
        EVENT,
        "--venues",
        3,
        "--model",
        "p-median",
        "--out",
        out,
        "--invites",
        invites,
    )
    assert result.exit_code == 0, _error(result)
    assert "p-median, 3 venue(s)" in result.output
    assert "objective:" in result.output and "miles" in result.output
    payload = json.loads(out.read_text(encoding="utf-8"))
    assert payload["model"] == "p-median" and payload["p"] == 3
    assert payload["objective_units"].startswith("miles")
    # the certificate: a proven lower bound in the objective's units, and the gap
    assert 0 < payload["lower_bound"] <= payload["objective"]
    assert payload["certified_gap"] == pytest.approx(
        (payload["objective"] - payload["lower_bound"]) / payload["objective"]
    )
    assert "certified:" in result.output
    assert len(payload["teams"]) == 8  # the two that attended are not served
    assert len(payload["venues"]) == 3
    assert len(payload["candidates"]) >= 100
    for team in payload["teams"]:
        assert {"geoid", "name", "lat", "lon", "weight", "venue", "miles"} <= set(team)
    for venue in payload["venues"]:
        assert venue["name"] in result.output
        assert {"name", "lat", "lon", "teams", "people", "mean_miles", "max_miles"} <= (
            set(venue)
        )
    assert sum(v["teams"] for v in payload["venues"]) == 8
    # no personal data in the plan or the invite list
    text = out.read_text(encoding="utf-8") + invites.read_text(encoding="utf-8-sig")
    assert "example.org" not in text and "Person 0" not in text
    assert "missing_roles" in invites.read_text(encoding="utf-8-sig")


def test_booked_and_capacity(runner, roster_file, tmp_path):
    out = tmp_path / "plan.json"
    result = _plan(
        runner,
        "--roster",
        roster_file,
        "--event",
        EVENT,
        "--venues",
        2,
        "--capacity",
        5,
        "--booked",
        "Emeryville",
        "--out",
        out,
    )
    assert result.exit_code == 0, _error(result)
    payload = json.loads(out.read_text(encoding="utf-8"))
    assert payload["model"] == "capacitated p-median" and payload["capacity"] == 5
    names = [v["name"] for v in payload["venues"]]
    assert "Emeryville" in names and payload["booked"] == ["Emeryville"]
    assert all(v["teams"] <= 5 for v in payload["venues"])
    assert "Emeryville (booked)" in result.output


def test_infeasible_capacity_is_one_clear_line(runner, roster_file, tmp_path):
    out = tmp_path / "plan.json"
    result = _plan(
        runner,
        "--roster",
        roster_file,
        "--event",
        EVENT,
        "--venues",
        2,
        "--capacity",
        3,
        "--out",
        out,
    )
    assert result.exit_code == 2
    message = _error(result)
    assert "8 teams to serve but 2 venue(s) × 3 teams = 6 seats" in message
    assert "Traceback" not in message
    assert not out.exists()


def test_unknown_booked_city_and_event(runner, roster_file, tmp_path):
    out = tmp_path / "plan.json"
    result = _plan(
        runner,
        "--roster",
        roster_file,
        "--event",
        EVENT,
        "--booked",
        "Emerville",
        "--out",
        out,
    )
    assert result.exit_code == 2 and "Did you mean Emeryville" in _error(result)
    result = _plan(runner, "--roster", roster_file, "--event", "NOPE", "--out", out)
    assert result.exit_code == 2 and "not a CA LMI event id" in _error(result)
    assert not out.exists()
    # a real event the roster has no rows for is said as such
    result = _plan(
        runner, "--roster", roster_file, "--event", "CALMI-2024-SI", "--out", out
    )
    assert result.exit_code == 2 and "no roster rows for event" in _error(result)
    assert not out.exists()
    result = _plan(
        runner, "--roster", roster_file, "--invites", tmp_path / "x.txt", "--out", out
    )
    assert result.exit_code == 2 and ".csv or .xlsx" in _error(result)
    assert not out.exists()


def test_unknown_event_is_one_line_listing_the_valid_ids(
    runner, tmp_path, workspace_dir
):
    from loaders.events import load_events

    out = tmp_path / "plan.json"
    result = _plan(runner, "--event", "NOPE", "--out", out)
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    # one line, checked before any roster is read (no demo-roster note)
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("error: --event NOPE: not a CA LMI event id")
    ids = load_events()["event_id"].tolist()
    assert len(ids) > 10
    for event_id in ids:
        assert event_id in line, event_id
    assert "Traceback" not in _error(result) and not result.stdout
    assert not out.exists()
    # event ids are matched regardless of case
    result = _plan(
        runner, "--event", "calmi-2015-symp", "--serve", "all-network", "--out", out
    )
    assert result.exit_code == 0, _error(result)
    payload = json.loads(out.read_text(encoding="utf-8"))
    assert payload["selection"]["event_ids"] == ["CALMI-2015-SYMP"]


def test_coverage_for_every_district_needs_no_roster(runner, tmp_path, workspace_dir):
    out = tmp_path / "plan.json"
    result = _plan(
        runner,
        "--serve",
        "all-districts",
        "--model",
        "coverage",
        "--radius",
        90,
        "--radius-units",
        "minutes",
        "--venues",
        4,
        "--region",
        4,
        "--out",
        out,
    )
    assert result.exit_code == 0, _error(result)
    payload = json.loads(out.read_text(encoding="utf-8"))
    assert payload["model"] == "coverage"
    assert "within 90 minutes" in payload["objective_units"]
    assert {t["ccsesa_region"] for t in payload["teams"]} == {4}


def test_default_roster_is_the_demo_when_nothing_is_saved(
    runner, tmp_path, workspace_dir
):
    out = tmp_path / "plan.json"
    result = _plan(runner, "--serve", "all-network", "--venues", 2, "--out", out)
    assert result.exit_code == 0, _error(result)
    assert "roster: built-in demo roster" in result.stdout
    payload = json.loads(out.read_text(encoding="utf-8"))
    assert len(payload["teams"]) > 50
    assert payload["selection"]["roster"].startswith("built-in demo roster")
    # said in one line on stderr, the same line export prints (one helper)
    note = result.stderr.strip()
    assert "\n" not in note and "built-in demo roster" in note
    table = tmp_path / "teams.csv"
    result = runner.invoke(app, ["export", "table", "--out", str(table)])
    assert result.exit_code == 0, _error(result)
    assert result.stderr.strip() == note
    assert table.exists()


def test_saved_roster_is_used_before_the_demo(
    runner, roster_file, tmp_path, reference, workspace_dir
):
    from loaders.matching import match_roster
    from loaders.roster import read_roster
    from loaders.workspace import open_workspace

    ws = open_workspace()
    rows = match_roster(read_roster(roster_file).rows, reference)
    ws.save_roster("symposium", roster_file.read_bytes(), "roster.csv", rows=rows)
    try:
        out = tmp_path / "plan.json"
        result = _plan(runner, "--event", EVENT, "--venues", 2, "--out", out)
        assert result.exit_code == 0, _error(result)
        assert "roster: saved workspace" in result.stdout
        assert "demo roster" not in result.stderr
        payload = json.loads(out.read_text(encoding="utf-8"))
        assert len(payload["teams"]) == 8  # as from the file itself
    finally:
        ws.close()
