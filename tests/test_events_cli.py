"""``lmi-dashboard events``: list, add, edit, remove, restore; a mistake is one
line ``error: ...`` naming the option, exit status 2; the other commands use the
added events (``export table --event``, ``match``)."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from typer.testing import CliRunner

from dashboard.cli import app
from loaders.workspace import open_workspace

ADD = [
    "events", "add", "--id", "calmi-2027-si", "--name",
    "2027 CA LMI Summer Institute", "--label", "2027 Summer Institute",
    "--type", "summer institute", "--start", "2027-06-22", "--end", "2027-06-24",
    "--venue", "Town and Country Resort", "--city", "San Diego",
]  # fmt: skip


def _run(*args: str):
    return CliRunner().invoke(app, list(args))


def _error(result) -> str:
    assert result.exit_code == 2, result.output
    lines = [x for x in result.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


@pytest.fixture
def cli_ws(workspace_dir):
    yield workspace_dir
    open_workspace().close()


def test_add_list_edit_remove_restore(cli_ws):
    result = _run(*ADD)
    assert result.exit_code == 0, result.output
    assert "added CALMI-2027-SI (summer_institute, 2027-06-22 to 2027-06-24, " \
        "San Diego)" in result.stdout  # fmt: skip
    listing = _run("events", "list")
    assert listing.exit_code == 0
    assert "CALMI-2027-SI" in listing.stdout and "CALMI-2015-SYMP" in listing.stdout
    added = _run("events", "list", "--added").stdout
    assert "CALMI-2027-SI" in added and "CALMI-2015-SYMP" not in added
    edited = _run("events", "edit", "CALMI-2027-SI", "--city", "Fresno", "--end", "")
    assert edited.exit_code == 0, edited.output
    assert "saved CALMI-2027-SI (summer_institute, 2027-06-22, Fresno)" in edited.stdout
    removed = _run("events", "remove", "calmi-2027-si")
    assert removed.exit_code == 0
    assert "events restore CALMI-2027-SI" in removed.stdout
    assert "CALMI-2027-SI" not in _run("events", "list").stdout
    assert _run("events", "restore", "CALMI-2027-SI").exit_code == 0
    saved = open_workspace().list_events()
    assert saved["event_id"].tolist() == ["CALMI-2027-SI"]
    assert saved["city"].tolist() == ["Fresno"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--id", "CALMI-2017-SI"], "--id (event_id): CALMI-2017-SI is a published"),
        (["--id", "2027-SI"], "--id (event_id): '2027-SI' is not shaped like"),
        (["--type", "party"], "--type (event_type): 'party' is not a kind"),
        (["--start", "22.6.2027"], "--start (start_date): '22.6.2027' is not a date"),
        (["--end", "2027-06-01"], "--end (end_date) 2027-06-01 is before start_date"),
        (["--status", "maybe"], "--status (status): 'maybe' is not an event status"),
    ],
)
def test_add_errors_are_one_line_naming_the_option(cli_ws, args, words):
    given = list(ADD)
    if args[0] in given:
        given[given.index(args[0]) + 1] = args[1]
    else:
        given += args
    assert words in _error(_run(*given))
    assert open_workspace().list_events().empty


def test_other_mistakes(cli_ws):
    assert "Missing option '--id'" in _error(_run("events", "add", "--name", "x"))
    required = _error(_run("events", "add", "--id", "CALMI-2027-SI", "--name", "x",
                           "--type", "symposium"))  # fmt: skip
    assert "--start (start_date) is required" in required
    assert _run(*ADD).exit_code == 0
    assert "already saved" in _error(_run(*ADD))
    assert "published event" in _error(_run("events", "edit", "CALMI-2017-SI",
                                            "--city", "Fresno"))  # fmt: skip
    assert "no event CALMI-2031-X" in _error(_run("events", "remove", "CALMI-2031-X"))
    assert "at least one option" in _error(_run("events", "edit", "CALMI-2027-SI"))
    assert "in the trash" in _error(_run("events", "restore", "CALMI-2027-SI"))


def test_help_lists_types_and_commands():
    words = " ".join(_run("events", "add", "--help").output.replace("│", " ").split())
    assert "summer_institute" in words and "YYYY-MM-DD" in words
    assert "<bool>" not in _run("events", "list", "--help").output
    top = _run("events", "--help").output
    for command in ("list", "add", "edit", "remove", "restore"):
        assert command in top


def test_commands_use_added_events(cli_ws, tmp_path):
    assert _run(*ADD).exit_code == 0
    roster = tmp_path / "r.csv"
    roster.write_text(
        "District,County,Role,Status,Event\n"
        "Fresno Unified,Fresno,Superintendent,Attended,2027 Summer Institute\n"
        "Fresno Unified,Fresno,Trustee,Attended,CALMI-2027-SI\n"
    )
    out = tmp_path / "event.csv"
    result = _run("export", "table", "--roster", str(roster), "--event",
                  "calmi-2027-si", "--table", "event", "--out", str(out))  # fmt: skip
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, dtype=str)
    assert table["Event id"].tolist() == ["CALMI-2027-SI"]
    matched_out = tmp_path / "m.csv"
    result = _run("match", str(roster), "--out", str(matched_out))
    assert result.exit_code == 0, result.output
    notes = pd.read_csv(matched_out, dtype=str)["match_note"].fillna("")
    assert not notes.str.contains("not a known").any()
    assert "not a CA LMI event id" in _error(
        _run("export", "table", "--event", "CALMI-2031-X", "--out", str(out))
    )


def test_console_script(cli_ws):
    """The installed entry point: same one line, same exit status."""
    done = subprocess.run(
        [sys.executable, "-c", "from dashboard.cli import main; main()",
         "events", "add", "--id", "CALMI-2027-SI", "--name", "x", "--type",
         "symposium", "--start", "2027-13-01"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        "error: --start (start_date): '2027-13-01' is not a date; write the start "
        "date as YYYY-MM-DD, e.g. 2027-06-22."
    ]
