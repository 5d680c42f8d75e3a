"""Many people on the Map page at once: filter response under load, on loopback.

Run: ``.venv/bin/python bench/bench_load.py`` (20 sessions, 120 s) or
``--sessions 5 --seconds 20`` for a short run. Prints figures; never fails on a
figure (``tests/test_load.py`` runs a short version and checks for errors only).

What it does
------------
One ``streamlit run`` on 127.0.0.1 (empty workspace: the built-in demo roster)
and one headless Chromium (Debian's, every non-loopback request blocked) with
one browser context per session, driven concurrently by asyncio. Each session
loops until the deadline: choose a CCSESA region (or all California) in the
sidebar, then open a district of that region from the "District or COE" box;
now and then change what the colour shows. First a single session runs alone
(the reference, same server, warm caches), then N sessions together.

Figures
-------
filter response  from the click on a filter option to the end of the script
                 run it starts (the page's ``data-test-script-state`` back to
                 ``notRunning``, timed in the page): p50 / p95 / max
open district    click on a district to its heading on the page
errors           exception boxes, "Something went wrong", lost connections,
                 actions that timed out
CPU              seconds used by the app server and by Chromium (2 cores here:
                 the browsers and the server share them, as they would not in
                 real use; reported so the ratio can be read honestly)

Target: p95 filter response with N sessions <= 3x the single-session p95.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LMI_GEODATA_DIR", str(ROOT.parent / "shared" / "geodata"))
os.environ.setdefault("LMI_CACHE_DIR", str(Path(tempfile.gettempdir()) / "lmi-bench"))

ACTION_TIMEOUT = 120_000  # ms: an action slower than this counts as an error
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}

# Page-side recorder: every change of the script state and every click, timed
# with the page's own clock (performance.now()).
RECORDER = """
() => {
  window.__lmi = {states: [], clicks: []};
  const log = () => {
    const app = document.querySelector('[data-testid=stApp]');
    if (!app) return;
    const s = app.getAttribute('data-test-script-state');
    const c = app.getAttribute('data-test-connection-state');
    const last = window.__lmi.states[window.__lmi.states.length - 1];
    if (!last || last[1] !== s || last[2] !== c)
      window.__lmi.states.push([performance.now(), s, c]);
  };
  new MutationObserver(log).observe(document, {
    subtree: true, attributes: true, childList: true,
    attributeFilter: ['data-test-script-state', 'data-test-connection-state']});
  document.addEventListener('click', () => window.__lmi.clicks.push(
    performance.now()), true);
  log();
}
"""
# Seconds from the last click to the end of the first script run after it.
DONE_AFTER_CLICK = """
() => {
  const r = window.__lmi; if (!r || !r.clicks.length) return null;
  const t0 = r.clicks[r.clicks.length - 1];
  let started = false;
  for (const [t, s] of r.states) {
    if (t < t0) continue;
    if (s !== 'notRunning') started = true;
    else if (started) return (t - t0) / 1000;
  }
  return null;
}
"""

# The page has been idle (no script run) for 0.8 s: the map component's own
# value (sent once the new map is drawn) may start one more run after the first.
SETTLED = """
() => {
  const r = window.__lmi; if (!r || !r.states.length) return false;
  const [t, s] = r.states[r.states.length - 1];
  return s === 'notRunning' && performance.now() - t > 800;
}
"""


@dataclass
class Figures:
    filter_s: list[float] = field(default_factory=list)
    district_s: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    actions_per_session: list[int] = field(default_factory=list)

    def merge(self, other: Figures) -> None:
        self.filter_s += other.filter_s
        self.district_s += other.district_s
        self.errors += other.errors
        self.actions_per_session += other.actions_per_session


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def districts_by_region() -> dict[int, list[str]]:
    """District names per CCSESA region that appear once in their region."""
    from geodata.boundaries import entity_reference

    ref = entity_reference()
    out: dict[int, list[str]] = {}
    for region, names in ref.groupby("ccsesa_region")["name"]:
        counts = names.value_counts()
        out[int(region)] = sorted(n for n in names.unique() if counts[n] == 1)
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and its children (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    ticks = sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> float:
    """CPU seconds used by the whole machine, all cores (/proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    busy = sum(int(v) for i, v in enumerate(fields) if i not in (3, 4))  # not idle
    return busy / os.sysconf("SC_CLK_TCK")


def process_tree_cpu(root_pid: int) -> float:
    """CPU seconds of a process and all its live descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0.0, [root_pid]
    while todo:
        pid = todo.pop()
        total += cpu_seconds(pid)
        todo += children.get(pid, [])
    return total


async def _guard(route) -> None:
    parsed = urlparse(route.request.url)
    if parsed.scheme in ("data", "blob", "about") or parsed.hostname in LOCAL_HOSTS:
        await route.continue_()
    else:
        await route.abort()


async def _wait_done(page, timeout_ms: int = ACTION_TIMEOUT) -> float:
    """Seconds from the last click to the end of its script run; then settle."""
    handle = await page.wait_for_function(
        DONE_AFTER_CLICK, timeout=timeout_ms, polling=50
    )
    seconds = float(await handle.json_value())
    await page.wait_for_function(SETTLED, timeout=timeout_ms, polling=100)
    return seconds


async def _check_page(page, figures: Figures, label: str) -> None:
    if await page.locator("[data-testid='stException']").count():
        figures.errors.append(f"{label}: exception box")
    text = await page.locator("[data-testid='stMain']").inner_text()
    if "Something went wrong" in text:
        figures.errors.append(f"{label}: 'Something went wrong'")
    state = await page.locator("[data-testid='stApp']").get_attribute(
        "data-test-connection-state"
    )
    if state not in (None, "CONNECTED"):
        figures.errors.append(f"{label}: connection {state}")


async def _choose(page, label: str, option: str, typed: str | None = None) -> None:
    box = page.get_by_role("combobox", name=label).first
    await box.click()
    if typed:
        await box.fill(typed)
    await page.get_by_role("option", name=option, exact=True).first.click()


async def _one_round(page, rng, names, measures, figures: Figures) -> None:
    """Choose a region (maybe the measure), then open one of its districts."""
    region = rng.choice([None, *range(1, 12)])
    label = "All California" if region is None else f"Region {region}"
    box = page.get_by_role("combobox", name="CCSESA region").first
    if await box.input_value() == label:
        region, label = (None, "All California") if region else (1, "Region 1")
    await _choose(page, "CCSESA region", label)
    figures.filter_s.append(await _wait_done(page))
    if rng.random() < 0.25:  # now and then: what the colour shows
        radio = page.locator(
            "[data-testid='stSidebar'] label", has_text=rng.choice(measures)
        ).first
        if not await radio.locator("input").is_checked():
            await radio.click()
            figures.filter_s.append(await _wait_done(page))
    name = rng.choice(names[region] if region else names[rng.randint(1, 11)])
    await _choose(page, "District or COE", name, typed=name)
    figures.district_s.append(await _wait_done(page))
    await page.get_by_role("heading", name=name, exact=True).wait_for()


async def session(
    browser,
    url: str,
    deadline: float,
    names: dict[int, list[str]],
    seed: int,
    start_delay: float = 0.0,
) -> Figures:
    """One person: region, then a district, until the deadline."""
    from geodata.mapview import MEASURES

    measures = list(MEASURES.values())
    figures = Figures()
    rng = random.Random(seed)
    await asyncio.sleep(start_delay)
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    await context.route("**/*", _guard)
    page = await context.new_page()
    page.set_default_timeout(ACTION_TIMEOUT)
    errors_seen: list[str] = []
    page.on("pageerror", lambda exc: errors_seen.append(str(exc)[:200]))
    actions = 0

    async def start() -> None:
        await page.goto(url, wait_until="domcontentloaded")
        await page.wait_for_selector("[data-testid='stMetric']")
        await page.evaluate(RECORDER)
        await page.wait_for_selector(
            "[data-testid='stApp'][data-test-script-state='notRunning']"
        )

    def failed(exc: Exception) -> None:
        first = (str(exc).splitlines() or [""])[0][:160]
        figures.errors.append(f"session {seed}: {type(exc).__name__}: {first}")

    try:
        try:
            await start()
        except Exception as exc:  # noqa: BLE001 - counted
            failed(exc)
            return figures
        while time.monotonic() < deadline:
            try:
                await _one_round(page, rng, names, measures, figures)
                actions = len(figures.filter_s) + len(figures.district_s)
            except Exception as exc:  # noqa: BLE001 - counted, the session goes on
                failed(exc)
                shots = os.environ.get("LMI_LOAD_SHOTS")
                if shots:
                    await page.screenshot(
                        path=f"{shots}/error-{seed}-{len(figures.errors)}.png"
                    )
                try:
                    await start()
                except Exception as again:  # noqa: BLE001
                    failed(again)
                    break
            await _check_page(page, figures, f"session {seed}")
    finally:
        figures.actions_per_session.append(actions)
        figures.errors += [f"session {seed}: page error: {e}" for e in errors_seen]
        await context.close()
    return figures


async def run_sessions(
    url: str, n: int, seconds: float, names: dict[int, list[str]], seed0: int = 0
) -> Figures:
    """Run ``n`` concurrent sessions for ``seconds`` in one headless Chromium."""
    from playwright.async_api import async_playwright

    from tests.browser_support import CHROMIUM_ARGS, chromium_path

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        ramp = min(10.0, seconds / 6)  # people do not all arrive in one second
        deadline = time.monotonic() + ramp + seconds
        results = await asyncio.gather(
            *(
                session(browser, url, deadline, names, seed0 + i, ramp * i / max(n, 1))
                for i in range(n)
            )
        )
        await browser.close()
    total = Figures()
    for figures in results:
        total.merge(figures)
    return total


def summary(name: str, figures: Figures, seconds: float) -> dict:
    f, d = figures.filter_s, figures.district_s
    return {
        "run": name,
        "actions": sum(figures.actions_per_session),
        "per_session_min": min(figures.actions_per_session or [0]),
        "filter_n": len(f),
        "filter_p50": percentile(f, 0.5),
        "filter_p95": percentile(f, 0.95),
        "filter_max": max(f) if f else float("nan"),
        "district_p50": percentile(d, 0.5),
        "district_p95": percentile(d, 0.95),
        "errors": len(figures.errors),
        "seconds": seconds,
    }


def measure(sessions: int, seconds: float, reference_seconds: float) -> dict:
    """Start the app, run the single-session reference, then the load."""
    from tests.browser_support import running_app

    names = districts_by_region()
    workspace = Path(tempfile.mkdtemp(prefix="lmi-load-"))
    with running_app(workspace) as url:
        server_pid = _server_pid(workspace)
        # warm-up: the first session pays boundary and layer caches
        warm = asyncio.run(run_sessions(url, 1, 8, names, seed0=1000))
        marks = []

        def mark() -> None:
            server = process_tree_cpu(server_pid) if server_pid else float("nan")
            marks.append((time.monotonic(), server, machine_cpu()))

        mark()
        single = asyncio.run(run_sessions(url, 1, reference_seconds, names, seed0=0))
        mark()
        load = asyncio.run(run_sessions(url, sessions, seconds, names, seed0=100))
        mark()
        log = (workspace / "streamlit.log").read_text(errors="replace")
    return {
        "single": summary("1 session", single, reference_seconds),
        "load": summary(f"{sessions} sessions", load, seconds),
        "single_errors": warm.errors + single.errors,
        "load_errors": load.errors,
        "phases": [
            {
                "wall": b[0] - a[0],
                "server_cpu": b[1] - a[1],
                "machine_cpu": b[2] - a[2],
            }
            for a, b in zip(marks, marks[1:])
        ],
        "server_log_errors": [
            line for line in log.splitlines() if re.search(r"Traceback|ERROR", line)
        ],
    }


def _server_pid(workspace: Path) -> int | None:
    """The streamlit process serving ``workspace`` (found by its environment)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            env = (entry / "environ").read_bytes()
            cmd = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if (b"streamlit" in cmd or b"dashboard" in cmd) and (
            f"LMI_WORKSPACE_DIR={workspace}".encode() in env
        ):
            return int(entry.name)
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--reference-seconds", type=float, default=40)
    args = parser.parse_args()
    if not 1 <= args.sessions <= 40 or not 5 <= args.seconds <= 600:
        parser.error("bounded: 1-40 sessions, 5-600 seconds")
    out = measure(args.sessions, args.seconds, args.reference_seconds)
    s, m = out["single"], out["load"]
    print(
        f"{'run':<14}{'actions':>8}{'min/sess':>9}{'filter n':>9}{'p50 s':>8}"
        f"{'p95 s':>8}{'max s':>8}{'district p50':>13}{'p95':>7}{'errors':>7}"
    )
    for r in (s, m):
        print(
            f"{r['run']:<14}{r['actions']:>8}{r['per_session_min']:>9}"
            f"{r['filter_n']:>9}{r['filter_p50']:>8.2f}{r['filter_p95']:>8.2f}"
            f"{r['filter_max']:>8.2f}{r['district_p50']:>13.2f}"
            f"{r['district_p95']:>7.2f}{r['errors']:>7}"
        )
    ratio = m["filter_p95"] / s["filter_p95"]
    ok = ratio <= 3 and m["errors"] == 0 and s["errors"] == 0
    print(
        f"p95 filter response ratio {ratio:.2f} (target <= 3, errors 0): "
        f"{'pass' if ok else 'FAIL'}"
    )
    cores = os.cpu_count() or 1
    for name, phase in zip(("1 session", f"{args.sessions} sessions"), out["phases"]):
        busy = phase["machine_cpu"] / (phase["wall"] * cores)
        print(
            f"{name}: wall {phase['wall']:.0f} s, CPU s: app server "
            f"{phase['server_cpu']:.0f}, everything else (Chromium, Playwright) "
            f"{phase['machine_cpu'] - phase['server_cpu']:.0f}; machine busy "
            f"{busy:.0%} of {cores} cores"
        )
    for line in (out["single_errors"] + out["load_errors"])[:20]:
        print("error:", line)
    for line in out["server_log_errors"][:10]:
        print("server log:", line)


if __name__ == "__main__":
    main()
