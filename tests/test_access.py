"""Who can reach the app and what they see: loopback by default, contact details
hidden unless the operator enables them, secrets never in logs, pages or exports.

The browser tests record everything the server sends to the page (every
websocket frame and every HTTP response body), so text drawn on a canvas
(``st.dataframe``) is checked as well as the HTML. Connections go only to
addresses of this machine.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tomllib
from contextlib import contextmanager
from pathlib import Path

import pytest

from dashboard import cli
from deploy.several import stop, wait_http
from tests.browser_support import choose, chromium_path, free_port, offline_browser

ROOT = Path(__file__).resolve().parent.parent
WAIT = 90_000
PASSWORD = "Pw-9f3b1c7e-never-shown"
COOKIE_SECRET = "cookie-secret-5a1d0e-never-shown"
CLIENT_SECRET = "client-secret-77c2aa-never-shown"
ROSTER = (
    b"District,County,Role,Status,Event,Name,Email\r\n"
    b"San Diego Unified,San Diego,Superintendent,Attended,CALMI-2015-SYMP,"
    b"Person One,one@example.org\r\n"
    b"Alameda Unified,Alameda,Board member,Applied,CALMI-2015-SYMP,"
    b"Person Two,two@example.org\r\n"
    b"Jefferson Elementary,,Superintendent,Applied,CALMI-2015-SYMP,"
    b"Person Three,three@example.org\r\n"
)
# what contact details look like in the demo roster and in ROSTER
CONTACT = re.compile(
    rb"@example\.org|Person (One|Two|Three)|"
    rb"(Superintendent|Board Member|Teachers Union President|"
    rb"Classified Union President) \d{3}"
)
needs_chromium = pytest.mark.skipif(
    chromium_path() is None, reason="needs Debian's chromium"
)


# ---------------------------------------------------------------- helpers
@contextmanager
def _serving(cmd: list[str], port: int, env: dict, log: Path, timeout=120):
    """Run a server command; yield once /_stcore/health answers on loopback."""
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            wait_http(f"http://127.0.0.1:{port}/_stcore/health", proc, log, timeout)
            yield proc
        finally:
            stop(proc)


def _app_env(workspace: Path, **extra: str) -> dict:
    env = {**os.environ, "LMI_WORKSPACE_DIR": str(workspace), **extra}
    if "LMI_WORKSPACE_URL" not in extra:
        env.pop("LMI_WORKSPACE_URL", None)
    return env


def _streamlit_cmd(port: int) -> list[str]:
    return [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"),
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.enableStaticServing", "true", "--server.fileWatcherType", "none",
    ]  # fmt: skip


def _own_addresses() -> list[str]:
    """Non-loopback addresses of this machine (never another host's)."""
    found: set[str] = set()
    if shutil.which("ip"):
        out = subprocess.run(
            ["ip", "-j", "addr", "show"], capture_output=True, text=True
        )
        if out.returncode == 0 and out.stdout.strip():
            for link in json.loads(out.stdout):
                for addr in link.get("addr_info", []):
                    if addr.get("scope") == "global":
                        found.add(addr["local"])
    for info in socket.getaddrinfo(socket.gethostname(), None):
        found.add(info[4][0])
    return sorted(a for a in found if not _loopback(a))


def _loopback(address: str) -> bool:
    return address.startswith("127.") or address in ("::1", "0:0:0:0:0:0:0:1")


def _listening(port: int) -> list[str]:
    """Local addresses with a listening TCP socket on ``port`` (/proc/net/tcp*)."""
    found = []
    for name, width in (("tcp", 8), ("tcp6", 32)):
        path = Path("/proc/net") / name
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            local, state = fields[1], fields[3]
            host, hex_port = local.split(":")
            if state != "0A" or int(hex_port, 16) != port:
                continue
            raw = bytes.fromhex(host)
            if width == 8:
                found.append(socket.inet_ntop(socket.AF_INET, raw[::-1]))
            else:  # four little-endian 32-bit words
                words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
                found.append(socket.inet_ntop(socket.AF_INET6, words))
    return found


class _Recorder:
    """Everything the server sends to a Playwright page, as bytes."""

    def __init__(self, page) -> None:
        self.chunks: list[bytes] = []
        page.on("websocket", self._on_socket)
        page.on("response", self._on_response)

    def _on_socket(self, ws) -> None:
        ws.on("framereceived", self._add)

    def _add(self, payload) -> None:
        self.chunks.append(payload if isinstance(payload, bytes) else payload.encode())

    def _on_response(self, response) -> None:
        if "/static/" in response.url:
            return  # the app's JavaScript and CSS bundles
        try:
            self.chunks.append(response.body())
        except Exception:  # noqa: BLE001 - redirects and aborted requests
            pass

    def find(self, pattern: re.Pattern) -> list[bytes]:
        hits = []
        for chunk in self.chunks:
            for m in pattern.finditer(chunk):
                hits.append(chunk[max(0, m.start() - 60) : m.end() + 20])
        return hits

    def clear(self) -> None:
        self.chunks.clear()


def _idle(page) -> None:
    page.wait_for_timeout(400)
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=WAIT
    )
    page.wait_for_timeout(200)


def _open(page, url: str, path: str = "") -> None:
    page.goto(f"{url}/{path}", wait_until="domcontentloaded")
    page.wait_for_selector("[data-testid='stMain']", timeout=WAIT)
    page.wait_for_timeout(1000)
    _idle(page)


def _no_exception(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0


# ======================================================== listening address
def test_config_and_command_default_to_localhost():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] in ("localhost", "127.0.0.1")
    assert config["server"]["headless"] is True
    assert config["browser"]["gatherUsageStats"] is False
    # what `lmi-dashboard run` hands to `streamlit run`, with and without a
    # command-line address
    args = cli.streamlit_args(["--server.port", "8502"])
    assert args[args.index("--server.address") + 1] == "localhost"
    assert args[-2:] == ["--server.port", "8502"]
    args = cli.streamlit_args(["--server.address", "0.0.0.0"])
    assert args.count("--server.address") == 1
    assert args[args.index("--server.address") + 1] == "0.0.0.0"


def test_secrets_file_is_never_committed():
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", ".streamlit/secrets.toml"], cwd=ROOT
    )
    assert ignored.returncode == 0, ".streamlit/secrets.toml must be in .gitignore"
    tracked = subprocess.run(
        ["git", "ls-files", "--", "*secrets.toml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert tracked.stdout.strip() == ""


@pytest.mark.slow
def test_lmi_dashboard_run_is_reachable_on_loopback_only(tmp_path):
    script = Path(sys.executable).with_name("lmi-dashboard")
    cmd = (
        [str(script)]
        if script.exists()
        else [sys.executable, "-c", "from dashboard.cli import app; app()"]
    )
    port = free_port()
    with _serving(
        [*cmd, "run", "--server.port", str(port)],
        port,
        _app_env(tmp_path),
        tmp_path / "run.log",
    ):
        listening = _listening(port)
        assert listening, "no listening socket found in /proc/net/tcp*"
        assert all(_loopback(a) for a in listening), listening
        others = _own_addresses()
        if not others:
            pytest.skip("this machine has no non-loopback address to try")
        for address in others:
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            with socket.socket(family, socket.SOCK_STREAM) as sock:
                sock.settimeout(3)
                code = sock.connect_ex((address, port))
            assert code != 0, f"the app answers on {address}:{port}"


# ======================================================== contact details
@pytest.fixture(scope="module")
def contacts_app(tmp_path_factory):
    workspace = tmp_path_factory.mktemp("access-ws")
    port = free_port()
    with _serving(
        _streamlit_cmd(port), port, _app_env(workspace), workspace / "app.log"
    ):
        yield f"http://127.0.0.1:{port}", workspace


@pytest.mark.browser
@needs_chromium
def test_contact_details_hidden_on_every_page_by_default(contacts_app, tmp_path):
    url, workspace = contacts_app
    roster = tmp_path / "contacts.csv"
    roster.write_bytes(ROSTER)
    with offline_browser() as (page, _blocked):
        page.set_default_timeout(WAIT)
        seen = _Recorder(page)
        # the demo roster (placeholder emails) on the Map, Plan and Export pages
        _open(page, url)
        page.wait_for_selector("[data-testid='stMetric']")
        choose(page, "District or COE", "San Diego Unified", typed="San Diego Unified")
        _idle(page)
        page.get_by_role("heading", name="San Diego Unified").wait_for()
        _open(page, url, "plan")
        page.get_by_text("Invite list").first.wait_for()
        _open(page, url, "export")
        page.get_by_text("Tables").first.wait_for()
        _no_exception(page)
        # every table of the Export page, one after the other
        table = page.get_by_role("combobox", name="Table").first
        table.click()
        options = [o.inner_text() for o in page.get_by_role("option").all()]
        page.keyboard.press("Escape")
        for option in options:
            table.click()
            page.get_by_role("option", name=option, exact=True).first.click()
            _idle(page)
        # the Data page: preview, save, review queue, saved rosters, aliases
        _open(page, url, "data")
        page.locator(
            "[data-testid='stFileUploader'] input[type='file']"
        ).first.set_input_files(roster)
        page.get_by_text("Preview of contacts.csv").wait_for()
        _idle(page)
        page.get_by_role("button", name="Save roster").click()
        page.get_by_text("Saved roster").first.wait_for()
        _idle(page)
        # ("Saved rosters" keeps the original file: not offered, it holds names)
        for section in ("Aliases", "Review"):
            page.locator(
                "[data-testid='stRadio'] label", has_text=section
            ).first.click()
            _idle(page)
            _no_exception(page)
        # and the Map, Plan and Export pages on the saved roster
        for path in ("", "plan", "export"):
            _open(page, url, path)
            _no_exception(page)
        assert len(seen.chunks) > 20
        assert seen.find(CONTACT) == []

    # positive control: an app the operator started with LMI_SHOW_CONTACTS=1
    # shows them (so the check above could have seen them)
    operator_ws = tmp_path / "operator-ws"
    operator_ws.mkdir()
    port = free_port()
    env = _app_env(operator_ws, LMI_SHOW_CONTACTS="1")
    with _serving(_streamlit_cmd(port), port, env, operator_ws / "app.log"):
        with offline_browser() as (page, _blocked):
            page.set_default_timeout(WAIT)
            seen = _Recorder(page)
            _open(page, f"http://127.0.0.1:{port}", "data")
            page.locator(
                "[data-testid='stFileUploader'] input[type='file']"
            ).first.set_input_files(roster)
            page.get_by_text("Preview of contacts.csv").wait_for()
            _idle(page)
            assert seen.find(re.compile(rb"one@example\.org")), "control: not shown"
    log = (workspace / "app.log").read_bytes()
    assert CONTACT.search(log) is None


@pytest.mark.browser
@needs_chromium
def test_no_visitor_path_reveals_contacts_without_the_operator(contacts_app):
    from loaders.workspace import SETTING_SHOW_CONTACTS, Workspace

    url, workspace = contacts_app
    ws = Workspace(f"sqlite:///{workspace / 'workspace.sqlite'}")
    try:
        assert not ws.get_setting(SETTING_SHOW_CONTACTS, False)
        if ws.list_rosters().empty:
            ws.save_roster("contacts", ROSTER, "contacts.csv", _matched(ROSTER))
    finally:
        ws.close()
    with offline_browser() as (page, _blocked):
        page.set_default_timeout(WAIT)
        seen = _Recorder(page)
        _open(page, url, "data")
        page.locator(
            "[data-testid='stRadio'] label", has_text="Saved rosters"
        ).first.click()
        _idle(page)
        for path, label in (
            ("export", "Include contact details (names, emails, phone numbers)"),
            ("plan", "Include contact details (names and emails from the roster)"),
        ):
            _open(page, url, path)
            boxes = page.get_by_text(label)
            if boxes.count():
                boxes.first.click()
                _idle(page)
        assert seen.find(CONTACT) == []


def _matched(data: bytes):
    from geodata.boundaries import entity_reference
    from loaders.matching import match_roster
    from loaders.roster import read_roster

    rows = read_roster(data, filename="contacts.csv").rows
    return match_roster(rows, entity_reference())


# ================================================================ secrets
@pytest.fixture(scope="module")
def secret_app(tmp_path_factory):
    """The app with sign-in secrets and a workspace URL that holds a password."""
    base = tmp_path_factory.mktemp("secrets")
    home = base / "home"
    (home / ".streamlit").mkdir(parents=True)
    (home / ".streamlit" / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "http://localhost:8501/oauth2callback"\n'
        f'cookie_secret = "{COOKIE_SECRET}"\n'
        'client_id = "lmi-dashboard"\n'
        f'client_secret = "{CLIENT_SECRET}"\n'
        'server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"\n'
    )
    port = free_port()
    env = _app_env(
        base,
        HOME=str(home),
        # port 1 on loopback: nothing listens, nothing leaves the machine
        LMI_WORKSPACE_URL=f"postgresql://lmi:{PASSWORD}@127.0.0.1:1/lmi",
    )
    with _serving(_streamlit_cmd(port), port, env, base / "app.log"):
        yield f"http://127.0.0.1:{port}", base


SECRETS = re.compile(
    "|".join(map(re.escape, (PASSWORD, COOKIE_SECRET, CLIENT_SECRET))).encode()
)


def test_workspace_password_is_masked_in_messages(monkeypatch, tmp_path):
    from loaders.workspace import WorkspaceError, open_workspace

    url = f"postgresql://lmi:{PASSWORD}@127.0.0.1:1/lmi"
    with pytest.raises(WorkspaceError) as info:
        open_workspace(url)
    assert PASSWORD not in str(info.value)
    assert "lmi:***@127.0.0.1" in str(info.value)
    # the command line says the same, on stderr, exit status 2
    env = {**os.environ, "LMI_WORKSPACE_URL": url}
    out = subprocess.run(
        [sys.executable, "-c", "from dashboard.cli import app; app()",
         "export", "table", "--out", str(tmp_path / "t.csv")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert out.returncode != 0
    assert PASSWORD not in out.stdout + out.stderr
    assert "***" in out.stderr
    assert not (tmp_path / "t.csv").exists()


def _rendered(at) -> str:
    """Every element an AppTest run drew (main area and sidebar), as text."""
    parts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    walk(at.sidebar)
    return "\n".join(parts)


PAGES = ["views/map.py", "views/data.py", "views/plan.py", "views/export.py"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("where", ["unreachable-url", "unwritable-folder"])
def test_workspace_that_cannot_be_opened_has_its_own_message(
    monkeypatch, tmp_path, caplog, page, where
):
    """Every page says the workspace cannot be opened, why (password masked)
    and what to do: no traceback, not the generic "something went wrong"."""
    from streamlit.testing.v1 import AppTest

    if where == "unreachable-url":
        # port 1 on loopback: nothing listens, nothing leaves the machine
        monkeypatch.setenv(
            "LMI_WORKSPACE_URL", f"postgresql://lmi:{PASSWORD}@127.0.0.1:1/lmi"
        )
        monkeypatch.setenv("LMI_WORKSPACE_DIR", str(tmp_path))
        reason = "lmi:***@127.0.0.1"
    else:
        # the SQLite file's folder would lie inside a file: no one can create it
        blocker = tmp_path / "not-a-folder"
        blocker.write_text("a file", encoding="utf-8")
        monkeypatch.delenv("LMI_WORKSPACE_URL", raising=False)
        monkeypatch.setenv("LMI_WORKSPACE_DIR", str(blocker / "workspace"))
        reason = "not-a-folder"
    caplog.set_level("WARNING", logger="lmi_dashboard")
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=180)
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    boxes = [e.value for e in at.error]
    assert len(boxes) == 1, boxes
    box = boxes[0]
    assert "The workspace cannot be opened" in box
    assert reason in box  # the reason, from the WorkspaceError
    assert "LMI_WORKSPACE_URL" in box and "LMI_WORKSPACE_DIR" in box
    assert "restart" in box
    assert "Something went wrong" not in box and "Traceback" not in box
    shown = _rendered(at)
    assert PASSWORD not in shown
    assert "Traceback" not in shown and "Something went wrong" not in shown
    assert "cannot be opened" in caplog.text and PASSWORD not in caplog.text
    assert "Traceback" not in caplog.text


def test_only_a_failed_opening_counts_as_workspace_cannot_be_opened(tmp_path):
    from dashboard.errors import opening_failed
    from loaders.workspace import WorkspaceError, open_workspace

    with pytest.raises(WorkspaceError) as info:
        open_workspace(f"postgresql://lmi:{PASSWORD}@127.0.0.1:1/lmi")
    assert opening_failed(info.value)
    ws = open_workspace(f"sqlite:///{tmp_path / 'workspace.sqlite'}")
    try:
        # a workspace that opened: a missing scenario is not "cannot be opened"
        with pytest.raises(WorkspaceError) as info:
            ws.load_scenario("no such scenario")
        assert not opening_failed(info.value)
    finally:
        ws.close()
    assert not opening_failed(ValueError("other"))


@pytest.mark.browser
@needs_chromium
def test_secrets_never_in_pages_or_logs(secret_app):
    url, base = secret_app
    with offline_browser() as (page, _blocked):
        page.set_default_timeout(WAIT)
        seen = _Recorder(page)
        for path in ("", "data", "plan", "export"):
            _open(page, url, path)
            _no_exception(page)
            text = page.locator("[data-testid='stMain']").inner_text()
            assert PASSWORD not in text
        # sign-in is configured here, so every page is the sign-in screen; the
        # masked workspace URL is checked through the CLI and loaders tests
        assert page.get_by_role("button", name="Sign in").count()
        assert seen.find(SECRETS) == []
    log = (base / "app.log").read_bytes()
    assert SECRETS.search(log) is None, log[-2000:]


@pytest.mark.browser
@needs_chromium
def test_workspace_password_masked_on_the_pages_and_in_the_log(tmp_path):
    """No sign-in, a workspace URL with a password that cannot be reached: the
    pages say so with the password masked, the log never holds it."""
    port = free_port()
    env = _app_env(
        tmp_path,
        LMI_WORKSPACE_URL=f"postgresql://lmi:{PASSWORD}@127.0.0.1:1/lmi",
    )
    with _serving(_streamlit_cmd(port), port, env, tmp_path / "app.log"):
        url = f"http://127.0.0.1:{port}"
        with offline_browser() as (page, _blocked):
            page.set_default_timeout(WAIT)
            seen = _Recorder(page)
            for path in ("", "plan", "export", "data"):
                _open(page, url, path)
                _no_exception(page)
            main = page.locator("[data-testid='stMain']").inner_text()
            assert "lmi:***@127.0.0.1" in main, main[:2000]
            assert seen.find(SECRETS) == []
    log = (tmp_path / "app.log").read_bytes()
    assert SECRETS.search(log) is None, log[-2000:]


@pytest.mark.browser
@needs_chromium
def test_sign_in_is_required_when_configured(secret_app):
    url, _ = secret_app
    with offline_browser() as (page, _blocked):
        page.set_default_timeout(WAIT)
        page.goto(url, wait_until="domcontentloaded")
        page.wait_for_selector("[data-testid='stMain']")
        _idle(page)
        assert page.locator("[data-testid='stMetric']").count() == 0
        assert page.get_by_role(
            "button", name=re.compile("sign in|log in", re.I)
        ).count()
