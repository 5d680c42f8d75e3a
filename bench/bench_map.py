"""Speed and size of the statewide map, each figure against a reference from this run.

Run: ``make bench`` (or ``.venv/bin/python bench/bench_map.py [--quick]``).
Prints one table: metric, ours, reference, ratio, target, pass/fail. Machines
are noisy, so this never fails a build; the test suite checks the structural
facts (coverage validity, payload ceiling, what st_folium returns).

Metrics
-------
payload        statewide map page bytes vs the naive folium rendering of the
               same features (three district layers at Census 1:500,000, one
               tooltip field, folium defaults); target ratio <= 0.15
coverage       invalid edges between neighbours after simplification, per coverage
               (unified + elementary, secondary, counties), and the area of the
               gaps and overlaps the Census files do not have (< 1 km²). Statewide
               2 polygons stay unmatched over 0.05 m²: a 0.2 m-wide spike of Santa
               Clara Unified that 4-decimal rounding collapses (was 428 polygons
               and 590 km² when unified and elementary were simplified apart)
rerun          server-side rerun after a filter change, warm, median of N runs
               (streamlit.testing), vs a minimal page; target <= 150 ms
first map      time to first map in headless Chromium vs time to first render
               of a minimal Streamlit page started the same way; target <= 2x
               (warm boundary cache; cold cache reported too)
prepare        boundary preparation cold (sources -> GeoParquet) vs warm
memory         peak RSS of the running app with the statewide map; <= 500 MB
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LMI_GEODATA_DIR", str(ROOT.parent / "shared" / "geodata"))
os.environ.setdefault("LMI_CACHE_DIR", str(Path(tempfile.gettempdir()) / "lmi-bench"))
os.environ.setdefault("MPLBACKEND", "Agg")

ROWS: list[tuple[str, str, str, str, str, str]] = []


def row(metric, ours, reference, ratio, target, ok):
    ROWS.append((metric, ours, reference, ratio, target, "pass" if ok else "FAIL"))


def bench_payload():
    import folium
    import geopandas as gpd
    import pandas as pd

    from geodata import boundaries, mapview, simplify
    from geodata.sources import fetch

    # reference: naive folium, Census 500k, one tooltip field, default page
    naive = folium.Map(location=[37.2, -119.5], zoom_start=6)
    features = 0
    for key in ("unsd", "elsd", "scsd"):
        layer = gpd.read_file(f"zip://{fetch(key)}").to_crs(4326)
        features += len(layer)
        folium.GeoJson(
            layer[["NAME", "geometry"]],
            tooltip=folium.GeoJsonTooltip(fields=["NAME"]),
        ).add_to(naive)
    reference = len(naive.get_root().render().encode())

    districts, counties = simplify.web_layers("state")
    teams = pd.DataFrame(
        {"geoid": [], "event_id": [], "team_status": [], "role_completeness": []}
    )
    d = mapview.measure_layer(districts, teams, measure="events_attended")
    c = mapview.measure_layer(counties, teams, measure="events_attended")
    fmap = mapview.build_map(d, c, measure="events_attended")
    ours = len(fmap.get_root().render().encode())
    ratio = ours / reference
    row(
        f"statewide payload ({len(d)}+{len(c)} features; naive {features})",
        f"{ours / 1e6:.3f} MB",
        f"{reference / 1e6:.3f} MB",
        f"{ratio:.3f}",
        "<= 0.15",
        ratio <= 0.15,
    )
    source = boundaries.district_boundaries()
    for level in ("state", "region", "county"):
        dl, cl = simplify.web_layers(level)
        problems = sum(
            simplify.coverage_problems(dl[dl["district_type"].isin(types)])
            for types in simplify.COVERAGES
        ) + simplify.coverage_problems(cl)
        row(
            f"coverage problems after simplify ({level})",
            str(problems),
            "0",
            "-",
            "0",
            problems == 0,
        )
        base = simplify.COVERAGES[0]  # unified + elementary: they tile the state
        got = simplify.gaps_and_overlaps(
            dl[dl["district_type"].isin(base)],
            source[source["district_type"].isin(base)],
        )
        area = (got.gap_m2 + got.overlap_m2) / 1e6
        row(
            f"new gaps + overlaps, unified + elementary ({level})",
            f"{area:.3f} km² ({got.gaps} gaps, {got.overlaps} overlaps)",
            "0",
            "-",
            "< 1 km²",
            area < 1,
        )


def bench_rerun(n: int):
    from streamlit.testing.v1 import AppTest

    with tempfile.TemporaryDirectory() as ws:
        os.environ["LMI_WORKSPACE_DIR"] = ws
        at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=300)
        at.run()
        box = next(w for w in at.selectbox if w.label == "CCSESA region")
        box.select(4).run()
        times = []
        for i in range(n):
            box = next(w for w in at.selectbox if w.label == "CCSESA region")
            value = "All" if i % 2 == 0 else 4
            t0 = time.perf_counter()
            box.select(value).run()
            times.append(time.perf_counter() - t0)
        ours = statistics.median(times)
        minimal = Path(ws) / "minimal.py"
        minimal.write_text("import streamlit as st\nst.selectbox('x', [1, 2])\n")
        mt = AppTest.from_file(str(minimal))
        mt.run()
        ref_times = []
        for i in range(n):
            t0 = time.perf_counter()
            mt.selectbox[0].select(1 + i % 2).run()
            ref_times.append(time.perf_counter() - t0)
        reference = statistics.median(ref_times)
    row(
        f"filter-change rerun, warm (median of {n})",
        f"{ours * 1000:.0f} ms",
        f"{reference * 1000:.0f} ms (minimal page)",
        f"{ours / reference:.1f}x",
        "<= 150 ms",
        ours <= 0.150,
    )


def _time_first_render(url: str, selector_js: str, timeout=120.0) -> float:
    from tests.browser_support import offline_browser

    with offline_browser() as (page, _):
        t0 = time.perf_counter()
        page.goto(url, wait_until="domcontentloaded")
        page.wait_for_function(selector_js, timeout=timeout * 1000)
        return time.perf_counter() - t0


MAP_READY = """() => { const f = document.querySelector("iframe[title*='st_folium']");
  if (!f || !f.contentWindow || !f.contentWindow.map) return false;
  let n = 0; f.contentWindow.map.eachLayer(l => { if (l.feature) n++; });
  return n >= 1000; }"""
MINIMAL_READY = """() => !!document.querySelector("[data-testid='stMarkdown']")"""


def bench_browser():
    from tests.browser_support import chromium_path, running_app

    if chromium_path() is None:
        row("first map (browser)", "skipped: no chromium", "-", "-", "<= 2x", True)
        return
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        minimal_dir = tmp / "minimal"
        minimal_dir.mkdir()
        (minimal_dir / "minimal_app.py").write_text(
            "import streamlit as st\nst.markdown('ready')\n"
        )
        # cold: an empty cache folder (boundaries prepared on first request)
        cold_env = {"LMI_CACHE_DIR": str(tmp / "cold-cache")}
        with running_app(tmp, extra_env=cold_env) as url:
            cold = _time_first_render(url, MAP_READY)
        with running_app(tmp) as url:
            _time_first_render(url, MAP_READY)  # warm Streamlit's caches
            warm = min(_time_first_render(url, MAP_READY) for _ in range(3))
            pid = _server_pid(url)
            rss = _peak_rss_mb(pid)
        reference = _minimal_first_render(minimal_dir / "minimal_app.py")
    row(
        "time to first map, warm cache (best of 3)",
        f"{warm:.2f} s",
        f"{reference:.2f} s (minimal page)",
        f"{warm / reference:.2f}x",
        "<= 2x",
        warm <= 2 * reference,
    )
    row(
        "time to first map, cold cache",
        f"{cold:.2f} s",
        f"{reference:.2f} s (minimal page)",
        f"{cold / reference:.2f}x",
        "(report)",
        True,
    )
    if rss is not None:
        row(
            "peak RSS of the running app",
            f"{rss:.0f} MB",
            "-",
            "-",
            "<= 500 MB",
            rss <= 500,
        )


def _server_pid(url: str) -> int | None:
    port = url.rsplit(":", 1)[1]
    try:
        out = subprocess.run(
            ["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True
        ).stdout
    except FileNotFoundError:
        return None
    import re

    found = re.search(r"pid=(\d+)", out)
    return int(found.group(1)) if found else None


def _peak_rss_mb(pid: int | None) -> float | None:
    if pid is None:
        return None
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def _minimal_first_render(script: Path) -> float:
    from tests.browser_support import free_port

    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(script),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        import urllib.request

        url = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        _time_first_render(url, MINIMAL_READY)
        return min(_time_first_render(url, MINIMAL_READY) for _ in range(3))
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def bench_prepare():
    code = (
        "import time; t=time.perf_counter();"
        "from geodata import simplify;"
        "simplify.web_layers('state');"
        "print(time.perf_counter()-t)"
    )
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "LMI_CACHE_DIR": cache}
        run = lambda: float(  # noqa: E731
            subprocess.run(
                [sys.executable, "-c", code],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        )
        cold = run()
        warm = min(run() for _ in range(3))
    row(
        "boundary preparation to statewide layers",
        f"{warm:.2f} s warm",
        f"{cold:.2f} s cold",
        f"{warm / cold:.2f}",
        "(report)",
        True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the browser part")
    parser.add_argument("--reruns", type=int, default=21)
    args = parser.parse_args()
    bench_payload()
    bench_prepare()
    bench_rerun(args.reruns)
    if not args.quick:
        bench_browser()
    widths = [max(len(str(r[i])) for r in ROWS + [HEAD]) for i in range(6)]
    for r in [HEAD, tuple("-" * w for w in widths), *ROWS]:
        print("  ".join(str(v).ljust(w) for v, w in zip(r, widths)))


HEAD = ("metric", "ours", "reference", "ratio", "target", "result")

if __name__ == "__main__":
    main()
