"""`lmi-dashboard`: usage errors are one line, help shows no stray types.

Usage errors (a bad option value, a missing argument, an unknown option) are
printed by the command group itself, so the console script (``main()``) and
typer's test runner see the same single ``error: ...`` line and exit status 2.
"""

from __future__ import annotations

import sys

import pytest
from typer.testing import CliRunner

from dashboard import cli
from dashboard.cli import app

USAGE_ERRORS = [
    # (arguments, what the line must say)
    (["plan", "--venues", "0", "--out", "{tmp}/p.json"], "'--venues'"),
    (["plan", "--region", "12", "--out", "{tmp}/p.json"], "1-11"),
    (["export", "map", "--region", "four", "--out", "{tmp}/m.png"], "'four'"),
    (
        ["export", "map", "--measure", "bogus", "--out", "{tmp}/m.png"],
        "'events_attended', 'event_status', 'completeness'",
    ),
    (["export", "table", "--format", "ods", "--out", "{tmp}/t.ods"], "'csv'"),
    (["export", "map", "--dpi", "10", "--out", "{tmp}/m.png"], "'--dpi'"),
    (["export", "map", "--colour", "red", "--out", "{tmp}/m.png"], "--colour"),
    (["export", "map", "--page", "b5", "--out", "{tmp}/m.pdf"], "'--page'"),
    (["match"], "Missing argument 'ROSTER'"),
    (["demo-roster", "--out"], "'--out'"),
]


def _one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("error: "), err
    assert "╭" not in err and "Usage:" not in err and "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize(("args", "message"), USAGE_ERRORS)
def test_usage_errors_are_one_line(tmp_path, workspace_dir, args, message):
    args = [a.format(tmp=tmp_path) for a in args]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    line = _one_error_line(result.stderr)
    assert message in line and "--help" in line  # says where to look
    assert not result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["workspace"]


@pytest.mark.parametrize(("args", "message"), USAGE_ERRORS[:3] + USAGE_ERRORS[-2:])
def test_console_script_prints_the_same_line(
    tmp_path, workspace_dir, monkeypatch, capsys, args, message
):
    args = [a.format(tmp=tmp_path) for a in args]
    monkeypatch.setattr(sys, "argv", ["lmi-dashboard", *args])
    with pytest.raises(SystemExit) as stop:
        cli.main()
    assert stop.value.code == 2
    out, err = capsys.readouterr()
    assert message in _one_error_line(err) and not out


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["run"],
        ["demo-roster"],
        ["match"],
        ["plan"],
        ["export"],
        ["export", "map"],
        ["export", "table"],
    ],
)
def test_help_shows_no_type_beside_flags(args):
    result = CliRunner().invoke(app, [*args, "--help"])
    assert result.exit_code == 0, result.output
    assert "--help" in result.output and "Show this message" in result.output
    assert "<bool>" not in result.output


def _help_words(*args: str) -> str:
    """The help text of a command as one line of words (box borders removed)."""
    output = CliRunner().invoke(app, [*args, "--help"]).output
    return " ".join(output.replace("│", " ").split())


def test_help_lists_the_choices():
    words = _help_words("export", "map")
    for measure in ("events_attended", "event_status", "completeness"):
        assert measure in words
    assert "png, svg, pdf, html, gpkg or geojson" in words
    words = _help_words("export", "table")
    assert (
        "district, county, region, event, completeness, changes, trends, outreach, "
        "dictionary or contacts" in words
    )
    assert "--include-contacts" in words


def test_no_arguments_prints_help():
    result = CliRunner().invoke(app, ["export"])
    assert result.exit_code == 2
    assert "map" in result.output and "table" in result.output
    assert "error:" not in result.output
