"""Start the real app with `streamlit run` and drive Debian's Chromium with Playwright.

Every request to a host other than 127.0.0.1 / localhost is blocked and recorded,
as on a school-district network with no CDN access.
"""

from __future__ import annotations

import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

from deploy.several import free_port, spawn_app, stop, wait_http

ROOT = Path(__file__).resolve().parent.parent
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    """Debian's chromium (``LMI_CHROMIUM`` overrides), or None when missing."""
    return os.environ.get("LMI_CHROMIUM") or shutil.which("chromium")


@contextmanager
def running_app(
    workspace: Path,
    *,
    extra_env: dict | None = None,
    timeout=90,
    port=None,
    wait_for_boundaries=True,
):
    """Run the app as ``lmi-dashboard run`` does, on a free loopback port (or
    ``port``, e.g. one a sign-in redirect URI already names); yield URL once
    it answers and (unless ``wait_for_boundaries`` is False) has prepared the
    boundaries."""
    port = port or free_port()
    env = {**os.environ, "LMI_WORKSPACE_DIR": str(workspace), **(extra_env or {})}
    env.pop("LMI_WORKSPACE_URL", None)
    log = workspace / "streamlit.log"
    # Started exactly as `make run` starts it (`lmi-dashboard run`), so the
    # tests see the same configuration a user gets; only port/address differ.
    proc = spawn_app(port, log, env)
    url = f"http://127.0.0.1:{port}"
    try:
        # the server answers at once; the pages wait for the boundaries the
        # first start prepares beside it
        wait_http(
            f"{url}/_stcore/health",
            proc,
            log,
            timeout,
            ready=lambda: (
                not wait_for_boundaries or b"Boundaries ready" in log.read_bytes()
            ),
        )
        yield url
    finally:
        stop(proc)


@contextmanager
def offline_browser():
    """A Playwright Chromium page reaching only 127.0.0.1; yields (page, blocked)."""
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": 1400, "height": 1000})

        def guard(route):
            host = urlparse(route.request.url).hostname or ""
            scheme = urlparse(route.request.url).scheme
            if scheme in ("data", "blob", "about") or host in LOCAL_HOSTS:
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        page = context.new_page()
        try:
            yield page, blocked
        finally:
            context.close()
            browser.close()


def map_frame(page, timeout=60_000):
    """The streamlit-folium iframe, once Leaflet has drawn the map in it."""
    page.wait_for_selector("iframe[title*='st_folium']", timeout=timeout)
    frame = page.frame_locator("iframe[title*='st_folium']").first
    frame.locator(".leaflet-container").wait_for(timeout=timeout)
    # a rerun may be replacing the iframe (a new map): ask until one is there
    deadline = time.monotonic() + timeout / 1000
    while True:
        handle = page.query_selector("iframe[title*='st_folium']")
        content = handle.content_frame() if handle is not None else None
        if content is not None and not content.is_detached():
            return content
        if time.monotonic() > deadline:
            raise TimeoutError("the map's iframe did not settle")
        page.wait_for_timeout(200)


def choose(page, label: str, option, *, typed: str | None = None, tries: int = 3):
    """Pick ``option`` in the Streamlit select box ``label`` (typing ``typed``).

    A script run that ends while the list is open can close it (slow CI
    machines): then the list is opened again, up to ``tries`` times.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = page.get_by_role("combobox", name=label).first
    for attempt in range(tries):
        box.click()
        if typed:
            box.fill(typed)
        try:
            page.get_by_role("option", name=option).first.click(
                timeout=15_000 if attempt < tries - 1 else 60_000
            )
            return
        except PlaywrightTimeout:
            if attempt == tries - 1:
                raise
            page.keyboard.press("Escape")
            page.wait_for_timeout(1000)


# ------------------------------------------------------------ accessibility
#: axe-core's rules for WCAG 2.0 / 2.1, levels A and AA (issue 14 item 4).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
#: Impacts that fail a test (axe's "moderate" and "minor" are reported only).
AXE_FAILING = ("serious", "critical")


def axe_script() -> str:
    """axe-core's script as the ``axe-playwright-python`` wheel ships it.

    Read from the installed package (test extras of pyproject.toml), never
    from a CDN: the test browser reaches nothing but 127.0.0.1.
    """
    from importlib.resources import files

    return files("axe_playwright_python").joinpath("axe.min.js").read_text("utf-8")


_AXE_RUN = """async (tags) => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                     iframes: false, resultTypes: ['violations']});
  return {version: axe.version, violations: r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html,
                              impact: n.impact, summary: n.failureSummary}))}))};
}"""


def axe_violations(page, *, tags=AXE_TAGS) -> list[dict]:
    """Run axe-core in the page and in each of its frames (Streamlit components).

    Each frame gets its own copy of axe (they are documents of their own; the
    map is one), and its violations carry ``frame`` (the frame's URL path).

    Returns
    -------
    list of dict
        axe's violations: ``id``, ``impact``, ``help``, ``helpUrl``, ``frame``,
        ``version`` and ``nodes`` (each ``target`` CSS selector, ``html``,
        ``impact``, ``summary``).
    """
    script = axe_script()
    found: list[dict] = []
    for frame in page.frames:
        if frame.is_detached() or frame.url in ("", "about:blank"):
            continue
        frame.add_script_tag(content=script)
        result = frame.evaluate(_AXE_RUN, tags)
        path = urlparse(frame.url).path or "/"
        for violation in result["violations"]:
            found.append({**violation, "frame": path, "version": result["version"]})
    return found


def failing_violations(violations, exclusions=()) -> list[dict]:
    """Serious and critical violations, less the nodes a named exclusion covers.

    ``exclusions`` are ``(rule id, frame path prefix, CSS selector)`` triples:
    a node is excluded when its rule and frame match and its axe target
    selector is ``selector`` or ends with it. A rule is never excluded whole.
    """
    failing = []
    for v in violations:
        if v["impact"] not in AXE_FAILING:
            continue
        nodes = [
            n
            for n in v["nodes"]
            if not any(
                rule == v["id"]
                and v["frame"].startswith(frame)
                and (n["target"] == sel or n["target"].endswith(" " + sel))
                for rule, frame, sel in exclusions
            )
        ]
        if nodes:
            failing.append({**v, "nodes": nodes})
    return failing


def describe_violations(violations, where: str = "") -> str:
    """A readable list: rule, impact, help, frame, then each node and its fix."""
    lines = []
    for v in violations:
        lines.append(
            f"{where}[{v['impact']}] {v['id']}: {v['help']} "
            f"({len(v['nodes'])} node(s), frame {v['frame']}) {v['helpUrl']}"
        )
        for n in v["nodes"]:
            lines.append(f"    {n['target']}\n      {n['html'][:200]}")
            summary = " ".join((n.get("summary") or "").split())
            lines.append(f"      {summary[:400]}")
    return "\n".join(lines)
