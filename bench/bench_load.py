"""Many people on the Map page at once: filter response under load, on loopback.

Run: ``.venv/bin/python bench/bench_load.py`` (20 websocket sessions, 120 s),
``--client browser`` for Chromium pages, ``--think 3,7`` for slower people,
``--sessions 5 --seconds 20`` for a short run. Prints figures; never fails on a
figure (``tests/test_load.py`` runs a short browser version and checks for
errors only).

What it does
------------
One ``streamlit run`` on 127.0.0.1 (empty workspace: the built-in demo roster)
and N concurrent sessions, each looping until the deadline: choose a CCSESA
region (or all California), now and then change what the colour shows, then
open a district of that region from the "District or COE" box, and pause
(``--think``). First one session runs alone (the reference, same server, warm
caches), then N together. Two kinds of client (``--client``):

``ws`` (default)  the app's own websocket protocol (what the page sends on a
                  widget change; every ForwardMsg read, the map payload
                  included): the server's load alone
``browser``       Chromium pages (one context each, Playwright, every
                  non-loopback request blocked): what people see, but on 2
                  cores the 20 pages drawing maps take most of the CPU

Figures
-------
filter response  from the change to the end of the script run it starts
                 (ws: request sent to ``script_finished`` received; browser:
                 click on the option to the page receiving ``script_finished``
                 for the rerun it sent, timed in the page): p50 / p95 / max
open district    the same for choosing a district
errors           exception boxes or messages, failed runs, lost connections,
                 actions that timed out (120 s)
CPU              seconds used by the app server and by everything else on the
                 machine (the clients, and any other work running)

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
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LMI_GEODATA_DIR", str(ROOT.parent / "shared" / "geodata"))
os.environ.setdefault("LMI_CACHE_DIR", str(Path(tempfile.gettempdir()) / "lmi-bench"))

#: Milliseconds after which an action counts as an error (timed out).
ACTION_TIMEOUT = 120_000
#: Seconds a person pauses between rounds (uniform), set by --think.
THINK = (3.0, 7.0)
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}

# Page-side recorder, installed before the page's own scripts: the time of
# every click, of every rerun request the page sends and of every "script
# finished" message it receives, read from the app's websocket (protobuf field
# numbers from Streamlit's own BackMsg / ForwardMsg), timed with the page's
# clock (performance.now()). The DOM's script-state attribute is not enough: a
# fast run's "running" and "finished" can reach the page in one batch and never
# show.
RECORDER = """
(() => {
  if (window.__lmi) return;
  const FINISHED = %(finished)d, RERUN = %(rerun)d;
  window.__lmi = {clicks: [], reruns: [], finished: []};
  const fields = (bytes) => {  // top-level field numbers of a protobuf message
    const out = []; let i = 0;
    const varint = () => { let v = 0, m = 1, b;
      do { b = bytes[i++]; v += (b & 127) * m; m *= 128; }
      while (b & 128 && i < bytes.length); return v; };
    while (i < bytes.length) {
      const key = varint(), f = Math.floor(key / 8), w = key %% 8;
      out.push(f);
      if (w === 0) varint(); else if (w === 1) i += 8;
      else if (w === 2) i += varint(); else if (w === 5) i += 4; else break;
    }
    return out;
  };
  const bytesOf = (d) => d instanceof ArrayBuffer ? new Uint8Array(d)
    : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength)
    : null;
  const Original = window.WebSocket;
  class Recorded extends Original {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (ev) => {
        const t = performance.now(), b = bytesOf(ev.data);
        const note = (bytes) => {
          if (fields(bytes).includes(FINISHED)) window.__lmi.finished.push(t);
        };
        if (b) note(b);
        else if (ev.data instanceof Blob)
          ev.data.arrayBuffer().then((buf) => note(new Uint8Array(buf)));
      });
    }
    send(data) {
      const b = bytesOf(data);
      if (b && fields(b).includes(RERUN)) window.__lmi.reruns.push(performance.now());
      return super.send(data);
    }
  }
  window.WebSocket = Recorded;
  document.addEventListener('click', () => window.__lmi.clicks.push(
    performance.now()), true);
})();
"""


def recorder_js() -> str:
    """:data:`RECORDER` with the field numbers of this Streamlit's protocol."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    return RECORDER % {
        "finished": ForwardMsg.DESCRIPTOR.fields_by_name["script_finished"].number,
        "rerun": BackMsg.DESCRIPTOR.fields_by_name["rerun_script"].number,
    }


# Seconds from the last click to the end of the first script run it requested.
DONE_AFTER_CLICK = """
() => {
  const r = window.__lmi; if (!r || !r.clicks.length) return null;
  const t0 = r.clicks[r.clicks.length - 1];
  const sent = r.reruns.find((t) => t >= t0);
  if (sent === undefined) return null;
  const done = r.finished.slice().sort((a, b) => a - b).find((t) => t >= sent);
  return done === undefined ? null : (done - t0) / 1000;
}
"""

# Every rerun the page asked for has finished, and nothing happened for 0.8 s
# (the map component's own value, sent once a new map is drawn, may start one
# more run after the first).
SETTLED = """
() => {
  const r = window.__lmi; if (!r || !r.finished.length) return false;
  const last = (a) => a.length ? Math.max(...a) : -1;
  const sent = last(r.reruns), done = last(r.finished);
  return done >= sent && performance.now() - Math.max(sent, done) > 800;
}
"""


@dataclass
class Figures:
    filter_s: list[float] = field(default_factory=list)
    district_s: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    actions_per_session: list[int] = field(default_factory=list)
    reopened: int = 0  # option lists a rerun closed before the click (browser)

    def merge(self, other: Figures) -> None:
        self.reopened += other.reopened
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
    """Names of the districts and COEs of each CCSESA region that no other
    entity in California shares (so the name is also the "District or COE"
    box's label and the heading the page shows)."""
    from geodata.boundaries import entity_labels, entity_reference

    ref = entity_reference()
    labels = entity_labels(ref)
    unique = ref.loc[[labels[g] == n for g, n in zip(ref["geoid"], ref["name"])]]
    return {
        int(region): sorted(names.unique())
        for region, names in unique.groupby("ccsesa_region")["name"]
    }


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


async def _choose(
    page, label: str, option: str, figures: Figures, typed: str | None = None
) -> None:
    """Pick an option; reopen the list if a rerun closed it (counted)."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    box = page.get_by_role("combobox", name=label).first
    for attempt in range(3):
        await box.click()
        if typed:
            await box.fill(typed)
        try:
            await page.get_by_role("option", name=option, exact=True).first.click(
                timeout=ACTION_TIMEOUT // 4 if attempt < 2 else ACTION_TIMEOUT
            )
            return
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            figures.reopened += 1
            await page.keyboard.press("Escape")
            await page.wait_for_function(SETTLED, timeout=ACTION_TIMEOUT, polling=100)


async def _one_round(page, rng, names, measures, figures: Figures) -> None:
    """Choose a region (maybe the measure), then open one of its districts."""
    region = rng.choice([None, *range(1, 12)])
    label = "All California" if region is None else f"Region {region}"
    box = page.get_by_role("combobox", name="CCSESA region").first
    if await box.input_value() == label:
        region, label = (None, "All California") if region else (1, "Region 1")
    await _choose(page, "CCSESA region", label, figures)
    figures.filter_s.append(await _wait_done(page))
    if rng.random() < 0.25:  # now and then: what the colour shows
        radio = page.locator(
            "[data-testid='stSidebar'] label", has_text=rng.choice(measures)
        ).first
        if not await radio.locator("input").is_checked():
            await radio.click()
            figures.filter_s.append(await _wait_done(page))
    name = rng.choice(names[region] if region else names[rng.randint(1, 11)])
    await _choose(page, "District or COE", name, figures, typed=name)
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
    await context.add_init_script(recorder_js())
    await context.route("**/*", _guard)
    page = await context.new_page()
    page.set_default_timeout(ACTION_TIMEOUT)
    errors_seen: list[str] = []
    page.on("pageerror", lambda exc: errors_seen.append(str(exc)[:200]))
    actions = 0

    async def start() -> None:
        await page.goto(url, wait_until="domcontentloaded")
        await page.wait_for_selector("[data-testid='stMetric']")
        await page.wait_for_function(SETTLED, timeout=ACTION_TIMEOUT, polling=100)

    def failed(exc: Exception) -> None:
        first = (str(exc).splitlines() or [""])[0][:160]
        figures.errors.append(f"session {seed}: {type(exc).__name__}: {first}")

    try:
        try:
            await start()
        except Exception as exc:  # noqa: BLE001 - counted
            failed(exc)
            return figures
        rounds = 0
        while rounds == 0 or time.monotonic() < deadline:  # at least one round
            rounds += 1
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
            await asyncio.sleep(rng.uniform(*THINK))
    finally:
        figures.actions_per_session.append(actions)
        figures.errors += [f"session {seed}: page error: {e}" for e in errors_seen]
        await context.close()
    return figures


# ------------------------------------------------------- websocket clients
class WsSession:
    """A Streamlit client without a browser: the app's own websocket protocol.

    Sends what the page sends on a widget change (a ``BackMsg`` asking for a
    rerun with the widget states) and reads the ``ForwardMsg`` stream (every
    delta, the map's payload included) until the script run has finished. The
    map component's own value, which a browser sends once a new map is drawn,
    is not sent: one run per change.
    """

    SENT_KINDS = ("selectbox", "radio", "multiselect")

    def __init__(self, ws) -> None:
        self.ws = ws
        self.page_hash = ""
        self.widgets: dict[
            str, tuple[str, str, object]
        ] = {}  # label -> id, kind, value

    async def rerun(
        self, change: dict[str, object] | None = None
    ) -> tuple[float, list]:
        """Rerun with ``{label: new value}``; seconds to script end, problems."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = ""
        state.page_script_hash = self.page_hash
        values = {label: v for label, (_, _, v) in self.widgets.items()}
        values.update(change or {})
        for label, value in values.items():
            if label not in self.widgets or value in (None, ""):
                continue
            wid, kind, _ = self.widgets[label]
            widget = state.widget_states.widgets.add()
            widget.id = wid
            if kind == "multiselect":
                widget.string_array_value.data.extend(value)
            else:
                widget.string_value = str(value)
        started = time.monotonic()
        await self.ws.send(msg.SerializeToString())
        return await self._read(started)

    async def _read(self, started: float) -> tuple[float, list]:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        problems: list[str] = []
        while True:
            raw = await self.ws.recv()
            fmsg = ForwardMsg()
            fmsg.ParseFromString(raw)
            kind = fmsg.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = fmsg.new_session.page_script_hash
            elif kind == "delta" and fmsg.delta.WhichOneof("type") == "new_element":
                self._element(fmsg.delta.new_element, problems)
            elif kind == "script_finished":
                status = ForwardMsg.ScriptFinishedStatus.Name(fmsg.script_finished)
                if status not in ("FINISHED_SUCCESSFULLY", "FINISHED_EARLY_FOR_RERUN"):
                    problems.append(f"script finished: {status}")
                return time.monotonic() - started, problems

    def _element(self, element, problems: list[str]) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            problems.append(f"exception: {element.exception.message[:160]}")
        elif kind == "alert" and re.search(
            "Something went wrong|could not be shown", element.alert.body
        ):
            problems.append(f"error message: {element.alert.body[:160]}")
        elif kind in self.SENT_KINDS:
            widget = getattr(element, kind)
            value = (
                list(widget.raw_values) if kind == "multiselect" else widget.raw_value
            )
            self.widgets[widget.label] = (widget.id, kind, value)


async def ws_session(
    url: str,
    deadline: float,
    names: dict[int, list[str]],
    seed: int,
    start_delay: float = 0.0,
) -> Figures:
    """One person as a websocket client: region, measure, district."""
    import websockets

    from geodata.mapview import MEASURES

    figures = Figures()
    rng = random.Random(seed)
    measures = list(MEASURES.values())
    await asyncio.sleep(start_delay)
    stream = url.replace("http://", "ws://") + "/_stcore/stream"
    actions = 0

    def record(kind: list[float], result: tuple[float, list]) -> None:
        nonlocal actions
        seconds, problems = result
        kind.append(seconds)
        figures.errors += [f"ws session {seed}: {p}" for p in problems]
        actions += 1

    try:
        async with websockets.connect(
            stream, subprotocols=["streamlit"], max_size=None, open_timeout=60
        ) as ws:
            client = WsSession(ws)
            _, problems = await asyncio.wait_for(client.rerun(), ACTION_TIMEOUT / 1000)
            figures.errors += [f"ws session {seed}: {p}" for p in problems]
            rounds = 0
            while rounds == 0 or time.monotonic() < deadline:  # at least one round
                rounds += 1
                region = rng.choice([None, *range(1, 12)])
                label = "All California" if region is None else f"Region {region}"
                if client.widgets.get("CCSESA region", (0, 0, ""))[2] == label:
                    region, label = (
                        (None, "All California") if region else (1, "Region 1")
                    )
                wait = ACTION_TIMEOUT / 1000
                record(
                    figures.filter_s,
                    await asyncio.wait_for(
                        client.rerun({"CCSESA region": label}), wait
                    ),
                )
                if rng.random() < 0.25:
                    record(
                        figures.filter_s,
                        await asyncio.wait_for(
                            client.rerun({"Measure": rng.choice(measures)}), wait
                        ),
                    )
                name = rng.choice(
                    names[region] if region else names[rng.randint(1, 11)]
                )
                record(
                    figures.district_s,
                    await asyncio.wait_for(
                        client.rerun({"District or COE": name}), wait
                    ),
                )
                await asyncio.sleep(rng.uniform(*THINK))  # a person reads
    except Exception as exc:  # noqa: BLE001 - counted
        first = (str(exc).splitlines() or [""])[0][:160]
        figures.errors.append(f"ws session {seed}: {type(exc).__name__}: {first}")
    figures.actions_per_session.append(actions)
    return figures


async def run_ws_sessions(
    url: str, n: int, seconds: float, names: dict[int, list[str]], seed0: int = 0
) -> Figures:
    """Run ``n`` concurrent websocket clients for ``seconds``."""
    ramp = min(10.0, seconds / 6)
    deadline = time.monotonic() + ramp + seconds
    results = await asyncio.gather(
        *(
            ws_session(url, deadline, names, seed0 + i, ramp * i / max(n, 1))
            for i in range(n)
        )
    )
    total = Figures()
    for figures in results:
        total.merge(figures)
    return total


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
        "reopened": figures.reopened,
        "seconds": seconds,
    }


def measure(
    sessions: int,
    seconds: float,
    reference_seconds: float,
    client: str = "ws",
    thinks: tuple[tuple[float, float], ...] = ((3.0, 7.0),),
    reference_think: tuple[float, float] = (0.2, 1.0),
    url: str | None = None,
) -> dict:
    """Start the app (or use the running one at ``url``: nginx in front of
    several processes, deploy/several.py), run the single-session reference,
    then one load per pause."""
    from tests.browser_support import running_app

    global THINK
    names = districts_by_region()
    workspace = Path(tempfile.mkdtemp(prefix="lmi-load-"))
    given = url
    with nullcontext(given) if given else running_app(workspace) as url:
        server_pid = None if given else _server_pid(workspace)
        # warm-up: the first session pays boundary and layer caches
        run = run_ws_sessions if client == "ws" else run_sessions
        THINK = reference_think
        warm = asyncio.run(run(url, 1, 8, names, seed0=1000))
        marks = []

        def mark() -> None:
            server = process_tree_cpu(server_pid) if server_pid else float("nan")
            marks.append((time.monotonic(), server, machine_cpu()))

        mark()
        single = asyncio.run(run(url, 1, reference_seconds, names, seed0=0))
        mark()
        loads = []
        for k, think in enumerate(thinks):
            THINK = think
            loads.append(
                asyncio.run(run(url, sessions, seconds, names, seed0=100 * (k + 1)))
            )
            mark()
        peak_rss_mb = _peak_rss_mb(server_pid) if server_pid else float("nan")
        log_file = workspace / "streamlit.log"
        log = "" if given else log_file.read_text(errors="replace")
    phases = [
        {"wall": b[0] - a[0], "server_cpu": b[1] - a[1], "machine_cpu": b[2] - a[2]}
        for a, b in zip(marks, marks[1:])
    ]
    return {
        "single": summary("1 session", single, reference_seconds),
        "loads": [summary(f"{sessions} sessions", load, seconds) for load in loads],
        "thinks": list(thinks),
        "reference_think": reference_think,
        "single_errors": warm.errors + single.errors,
        "load_errors": [e for load in loads for e in load.errors],
        "phases": phases,
        "peak_rss_mb": peak_rss_mb,
        "server_log_errors": [
            line for line in log.splitlines() if re.search(r"Traceback|ERROR", line)
        ],
    }


def _peak_rss_mb(pid: int) -> float:
    """Peak resident memory of a process (VmHWM, Linux /proc), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


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


def _pause(text: str) -> tuple[float, float]:
    low, high = (float(v) for v in text.split(","))
    if not 0 <= low <= high <= 60:
        raise argparse.ArgumentTypeError("a pause is 'min,max' seconds, 0-60")
    return low, high


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--url", help="load this running app (e.g. nginx's)")
    parser.add_argument("--reference-seconds", type=float, default=40)
    parser.add_argument(
        "--think",
        type=_pause,
        action="append",
        help="pause between a person's rounds, 'min,max' seconds (default 3,7); "
        "repeat for several load runs on the same server, e.g. --think 3,7 "
        "--think 0.2,1 (the second: people clicking without reading, a "
        "saturation test)",
    )
    parser.add_argument(
        "--reference-think",
        type=_pause,
        default=(0.2, 1.0),
        help="pause of the lone reference session (default 0.2,1: many actions, "
        "so a steady p95; one person's response does not depend on pauses)",
    )
    parser.add_argument(
        "--client",
        choices=["ws", "browser"],
        default="ws",
        help="websocket clients (the server's load alone) or Chromium pages "
        "(what people see; the browsers share the machine's cores)",
    )
    args = parser.parse_args()
    if not 1 <= args.sessions <= 40 or not 5 <= args.seconds <= 600:
        parser.error("bounded: 1-40 sessions, 5-600 seconds")
    thinks = tuple(args.think or [(3.0, 7.0)])
    out = measure(
        args.sessions,
        args.seconds,
        args.reference_seconds,
        args.client,
        thinks,
        args.reference_think,
        args.url,
    )
    ref_low, ref_high = out["reference_think"]
    print(
        f"client: {args.client}; {args.sessions} sessions on "
        f"{args.url or 'loopback'} for "
        f"{args.seconds:.0f} s each run (rounds: a region, sometimes the measure, "
        f"a district; then a pause); {os.cpu_count()} cores. Reference: 1 "
        f"session, pause {ref_low:g}-{ref_high:g} s"
    )
    s = out["single"]
    print(
        f"{'run':<14}{'pause s':>9}{'actions':>8}{'per s':>7}{'filter n':>9}"
        f"{'p50 s':>7}{'p95 s':>7}{'max s':>7}{'district p50':>13}{'p95':>6}"
        f"{'errors':>7}{'p95 ratio':>10}"
    )
    rows = [(s, out["reference_think"], out["phases"][0])] + [
        (m, t, ph) for m, t, ph in zip(out["loads"], out["thinks"], out["phases"][1:])
    ]
    verdicts = []
    for r, (low, high), phase in rows:
        ratio = r["filter_p95"] / s["filter_p95"]
        print(
            f"{r['run']:<14}{f'{low:g}-{high:g}':>9}{r['actions']:>8}"
            f"{r['actions'] / phase['wall']:>7.1f}{r['filter_n']:>9}"
            f"{r['filter_p50']:>7.2f}{r['filter_p95']:>7.2f}{r['filter_max']:>7.2f}"
            f"{r['district_p50']:>13.2f}{r['district_p95']:>6.2f}{r['errors']:>7}"
            f"{ratio:>10.2f}"
        )
        if r is not s:
            verdicts.append((low, high, ratio, r["errors"]))
    for low, high, ratio, errors in verdicts:
        ok = ratio <= 3 and errors == 0 and s["errors"] == 0
        print(
            f"pause {low:g}-{high:g} s: p95 filter response {ratio:.2f}x one "
            f"person's (target <= 3, errors 0): {'pass' if ok else 'FAIL'}"
        )
    if args.client == "browser":
        print(
            "option lists closed by a rerun before the click (reopened): "
            f"{s['reopened']} alone, "
            f"{', '.join(str(m['reopened']) for m in out['loads'])} under load"
        )
    cores = os.cpu_count() or 1
    for r, _, phase in rows:
        busy = phase["machine_cpu"] / (phase["wall"] * cores)
        per_action = 1000 * phase["server_cpu"] / max(r["actions"], 1)
        print(
            f"{r['run']}: wall {phase['wall']:.0f} s, CPU s: app server "
            f"{phase['server_cpu']:.0f} ({per_action:.0f} ms per action), "
            f"everything else (clients, other work) "
            f"{phase['machine_cpu'] - phase['server_cpu']:.0f}; machine busy "
            f"{busy:.0%} of {cores} cores"
        )
    print(f"app server peak memory (VmHWM): {out['peak_rss_mb']:.0f} MB")
    for line in (out["single_errors"] + out["load_errors"])[:20]:
        print("error:", line)
    for line in out["server_log_errors"][:10]:
        print("server log:", line)


if __name__ == "__main__":
    main()
