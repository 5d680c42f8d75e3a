"""The Data page in a real browser keeps its promises where streamlit.testing
cannot see: the browser resets a radio whose labels change, so the section
chosen must survive "Saved rosters (1)" becoming "Saved rosters (0)", and Undo
after removing a roster must bring it back (one ``streamlit run``, offline
Chromium, empty workspace)."""

from __future__ import annotations

import re

import pytest

from tests.browser_support import chromium_path, offline_browser, running_app
from tests.test_e2e_browser import WAIT, _assert_clean, _goto, _idle, _roster_csv

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(chromium_path() is None, reason="needs Debian's chromium"),
]


def _main_text(page) -> str:
    return page.locator("[data-testid='stMain']").inner_text()


def test_undo_after_remove_restores_the_roster_and_keeps_the_section(tmp_path):
    workspace = tmp_path / "ws"
    workspace.mkdir()
    roster = tmp_path / "undo.csv"
    roster.write_bytes(_roster_csv())
    with running_app(workspace) as url, offline_browser() as (page, _blocked):
        page.set_default_timeout(WAIT)
        _goto(page, url, "Data")
        page.locator(
            "[data-testid='stFileUploader'] input[type='file']"
        ).first.set_input_files(roster)
        page.get_by_text("Preview of undo.csv").wait_for()
        _idle(page)
        page.get_by_role("button", name="Save roster").click()
        page.get_by_text("Saved roster").first.wait_for()
        _idle(page)
        page.get_by_text(re.compile(r"^Saved rosters \(1\)$")).first.click()
        _idle(page)
        page.get_by_role("button", name="Remove this roster…").click()
        _idle(page)
        page.get_by_role("button", name="Yes, remove it").click()
        _idle(page)
        # the label lost its count; the section stays
        assert "Removed roster" in _main_text(page)
        page.get_by_role("button", name="Undo").click()
        _idle(page)
        text = _main_text(page)
        assert "is back" in text, text[:800]
        assert "Saved rosters (1)" in text
        assert "Upload a roster" not in text  # not sent back to Upload
        assert page.get_by_role("combobox", name="Roster").first.input_value() == (
            "#1 undo"
        )
        _assert_clean(page, "Data after undo")
