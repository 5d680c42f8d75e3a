"""Roles end to end: a real OpenID Connect sign-in against a local provider
(``oidc-provider-mock`` on 127.0.0.1), the app started as ``lmi-dashboard
run`` with ``[auth]`` and ``[lmi.roles]`` secrets, driven in Chromium.

A viewer can neither upload nor see contact details; an editor uploads but
sees no contact details either (they are an admin's) and cannot remove
rosters; an admin sees the contact details the operator switched on, empties
the trash and reads the audit trail, which names the editor.
"""

from __future__ import annotations

import re
import secrets
import threading

import pytest
import werkzeug.serving

from loaders.workspace import Principal, Role, open_workspace
from tests.browser_support import chromium_path, free_port, offline_browser, running_app
from tests.test_e2e_browser import WAIT, _assert_clean, _goto, _idle, _roster_csv
from tests.test_workspace import _save

oidc_provider_mock = pytest.importorskip("oidc_provider_mock")
pytest.importorskip("authlib")  # streamlit[auth]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(chromium_path() is None, reason="needs Debian's chromium"),
]

VIEWER = "vera@district.example.org"
EDITOR = "eddie@lmi.example.org"
ADMIN = "ada@lmi.example.org"


def _provider():
    """The OIDC provider on 127.0.0.1 (one-click users: the three above)."""
    users = [
        oidc_provider_mock.User(sub=e, claims={"email": e, "email_verified": True})
        for e in (VIEWER, EDITOR, ADMIN)
    ]
    server = werkzeug.serving.make_server(
        "127.0.0.1", 0, oidc_provider_mock.app(user_claims=users), threaded=True
    )
    thread = threading.Thread(target=server.serve_forever, args=(0.1,), daemon=True)
    thread.start()
    return server, thread


@pytest.fixture(scope="module")
def signed_app(tmp_path_factory):
    base = tmp_path_factory.mktemp("roles")
    workspace, home = base / "ws", base / "home"
    workspace.mkdir()
    (home / ".streamlit").mkdir(parents=True)
    # one live roster (with names and e-mails) and one in the trash
    ws = open_workspace(f"sqlite:///{workspace / 'workspace.sqlite'}")
    _save(ws, name="Kept roster")
    ws.delete_roster(_save(ws, name="Old roster", original=b"District\nX\n"))
    ws.close()
    server, thread = _provider()
    port = free_port()
    (home / ".streamlit" / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        'client_id = "lmi-dashboard"\n'
        'client_secret = "test-client-secret"\n'
        f'server_metadata_url = "http://127.0.0.1:{server.server_port}'
        '/.well-known/openid-configuration"\n'
        "\n[lmi.roles]\n"
        f'admins = ["{ADMIN}"]\n'
        'editor_domains = ["lmi.example.org"]\n'
        'viewer_domains = ["district.example.org"]\n'
        'default = "none"\n'
    )
    env = {"HOME": str(home), "LMI_SHOW_CONTACTS": "1"}
    try:
        with running_app(workspace, extra_env=env, port=port) as url:
            yield url, workspace
    finally:
        server.shutdown()
        thread.join(10)


def _sign_in(page, url: str, email: str) -> None:
    """Through the provider's authorization page, as a person does."""
    page.context.clear_cookies()
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/oauth2/authorize"))
    page.get_by_role("button", name=email).click()
    page.wait_for_url(re.compile(rf"^{re.escape(url)}/?(\?.*)?$"))
    page.wait_for_selector("h1", timeout=WAIT)
    _idle(page)
    sidebar = page.locator("[data-testid='stSidebar']").inner_text()
    assert f"Signed in as {email}" in sidebar, sidebar[:500]


def _section(page, title: str) -> str:
    page.locator("[data-testid='stMain'] label", has_text=title).first.click()
    _idle(page)
    return page.locator("[data-testid='stMain']").inner_text()


def test_viewer_editor_admin_through_a_real_sign_in(signed_app, tmp_path):
    url, workspace = signed_app
    roster = tmp_path / "editor.csv"
    roster.write_bytes(_roster_csv())
    with offline_browser() as (page, _blocked):
        page.set_default_timeout(WAIT)

        # ---- viewer: no upload, no contact details, no audit trail
        _sign_in(page, url, VIEWER)
        _goto(page, url, "Data")
        text = page.locator("[data-testid='stMain']").inner_text()
        assert "Uploading a roster needs the editor role" in text, text[:800]
        assert page.locator("[data-testid='stFileUploader']").count() == 0
        assert "Audit trail" not in text
        text = _section(page, "Saved rosters")
        assert "Trash (1)" in text
        roster_pick = page.get_by_role("combobox", name="Roster").first
        assert roster_pick.input_value() == "#1 Kept roster"
        assert (
            page.get_by_role("button", name="Download the original file").count() == 0
        )
        assert page.get_by_text("Include contact details").count() == 0
        assert page.get_by_role("button", name="Remove this roster…").is_disabled()
        _assert_clean(page, "Data as viewer")

        # ---- editor: uploads; no contact details; cannot remove
        _sign_in(page, url, EDITOR)
        _goto(page, url, "Data")
        page.locator(
            "[data-testid='stFileUploader'] input[type='file']"
        ).first.set_input_files(roster)
        page.get_by_text("Preview of editor.csv").wait_for()
        _idle(page)
        page.get_by_role("button", name="Save roster").click()
        page.get_by_text("Saved roster").first.wait_for()
        _idle(page)
        _section(page, "Saved rosters")
        assert (
            page.get_by_role("button", name="Download the original file").count() == 0
        )
        assert page.get_by_role("button", name="Remove this roster…").is_disabled()
        _assert_clean(page, "Data as editor")

        # ---- admin: sees contact details, empties the trash, reads the audit trail
        _sign_in(page, url, ADMIN)
        _goto(page, url, "Data")
        _section(page, "Saved rosters")
        page.get_by_role("button", name="Download the original file").wait_for()
        page.get_by_text(re.compile(r"^Trash \(1\)$")).click()
        _idle(page)
        page.get_by_text("I understand this cannot be undone").click()
        _idle(page)
        page.get_by_role("button", name="Empty the trash").click()
        _idle(page)
        assert (
            "Deleted 1 roster for good"
            in page.locator("[data-testid='stMain']").inner_text()
        )
        text = _section(page, "Audit trail")
        # the grid is a canvas: its rows are checked through the library below
        assert re.search(r"\d+ changes recorded", text), text[-1500:]
        assert page.get_by_role("button", name="Download the audit trail (CSV)").count()
        _assert_clean(page, "Data as admin")

    ws = open_workspace(f"sqlite:///{workspace / 'workspace.sqlite'}")
    try:
        trail = ws.as_user(Principal(ADMIN, Role.ADMIN)).audit_trail()
        assert ws.list_rosters(deleted=True).empty
        assert set(ws.list_rosters()["name"]) == {"Kept roster", "editor"}
    finally:
        ws.close()
    actions = list(zip(trail["actor"], trail["action"], strict=True))[::-1]
    assert (EDITOR, "roster.upload") in actions
    assert actions[-1] == (ADMIN, "trash.purge")
    assert not any(a == VIEWER for a, _ in actions)
