"""Drive times from a router: a local server speaking OSRM's table API, an
uploaded matrix, batching within the table limit, cache and fallback."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pandas as pd
import pytest

from geodata.distances import (
    SOURCES,
    EstimatedDriveTime,
    OSRMTable,
    TravelTimeMatrix,
    haversine_matrix,
    source_from_dict,
    source_to_dict,
)
from geodata.gazetteer import california_cities
from geodata.siting import VenuePlan, select_teams

SPEED_MPH = 40.0  # the test router drives straight lines at 40 mph


def _minutes(a, b):
    return haversine_matrix(a, b) / SPEED_MPH * 60.0


class _OSRM(BaseHTTPRequestHandler):
    """``/table/v1/driving/{lon,lat;...}?sources=..&destinations=..``, as OSRM."""

    requests: list = []
    max_table_size = 100
    unroutable: set = set()  # source indices OSRM answers with null

    def do_GET(self):  # noqa: N802 - http.server's name
        url = urlsplit(self.path)  # not urlparse: ";" is no parameter here
        parts = url.path.split("/")
        if parts[1:4] != ["table", "v1", "driving"]:
            return self._send(400, {"code": "InvalidUrl", "message": url.path})
        coords = [tuple(map(float, c.split(","))) for c in parts[4].split(";")]
        q = parse_qs(url.query)
        src = [int(i) for i in q["sources"][0].split(";")]
        dst = [int(i) for i in q["destinations"][0].split(";")]
        assert q["annotations"] == ["duration"]
        type(self).requests.append((len(src), len(dst)))
        limit = type(self).max_table_size
        if len(src) * len(dst) > limit * limit:
            return self._send(400, {"code": "TooBig", "message": "Too many"})
        latlon = np.array([(lat, lon) for lon, lat in coords])
        seconds = _minutes(latlon[src], latlon[dst]) * 60.0
        rows = [
            [None if s in type(self).unroutable else float(v) for v in row]
            for s, row in zip(src, seconds, strict=True)
        ]
        self._send(200, {"code": "Ok", "durations": rows})

    def _send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def router():
    _OSRM.requests = []
    _OSRM.unroutable = set()
    _OSRM.max_table_size = 100
    server = ThreadingHTTPServer(("127.0.0.1", 0), _OSRM)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def teams(reference):
    return select_teams(None, reference, serve="all-districts").iloc[::40]


@pytest.fixture(scope="module")
def cities():
    return california_cities(100_000).iloc[:12]


def test_router_durations_in_batches_within_the_table_limit(router, teams, cities):
    _OSRM.max_table_size = 5
    source = OSRMTable(router, max_table_size=5)
    minutes, note = source.cost_matrix_noted(teams, cities)
    assert note == ""
    np.testing.assert_allclose(minutes, _minutes(teams, cities), rtol=1e-9)
    n, m = len(teams), len(cities)
    assert len(_OSRM.requests) == -(-n // 5) * -(-m // 5)
    assert all(s <= 5 and d <= 5 for s, d in _OSRM.requests)
    # cached: the same pairs ask the router nothing new
    before = len(_OSRM.requests)
    np.testing.assert_allclose(source.cost_matrix(teams, cities), minutes)
    assert len(_OSRM.requests) == before


def test_unroutable_pairs_and_a_dead_router_fall_back_with_a_note(
    router, teams, cities
):
    _OSRM.unroutable = {0}
    minutes, note = OSRMTable(router, max_table_size=500).cost_matrix_noted(
        teams.iloc[:3], cities.iloc[:2].assign(lat=cities["lat"].iloc[:2] + 0.001)
    )
    assert "no drive time for 2 of 6" in note and "no route" in note
    dead = OSRMTable("http://127.0.0.1:9", timeout=2)
    minutes, note = dead.cost_matrix_noted(teams, cities)
    assert note.startswith("the router at http://127.0.0.1:9 gave no drive time")
    estimate = EstimatedDriveTime().cost_matrix(teams, cities)
    np.testing.assert_allclose(minutes, estimate)


def test_too_big_a_table_is_a_failure_not_a_crash(router, teams, cities):
    _OSRM.max_table_size = 2
    _, note = OSRMTable(router, max_table_size=50).cost_matrix_noted(teams, cities)
    assert "TooBig" in note


def test_plan_with_a_router_records_its_source(router, teams, cities):
    plan = VenuePlan.from_teams(
        teams,
        cities,
        p=2,
        model="coverage",
        radius=60.0,
        radius_units="minutes",
        travel_time=OSRMTable(router),
    ).solve()
    np.testing.assert_allclose(plan.minutes, _minutes(plan.teams, plan.candidates))
    payload = json.loads(json.dumps(plan.to_dict()))
    assert payload["distance"]["travel_time_source"] == "osrm-table"
    assert payload["options"]["travel_time"]["url"] == router
    again = VenuePlan.from_dict(payload)
    assert isinstance(again.options.travel_time, OSRMTable)
    assert again.venues == plan.venues


def test_uploaded_matrix(teams, cities):
    rows = [
        (g, c, 10.0 + i + j)
        for i, g in enumerate(teams["geoid"])
        for j, c in enumerate(cities["name"])
        if (i, j) != (0, 0)
    ]
    csv = "Origin,Destination,Minutes\n" + "\n".join(f"{g},{c},{v}" for g, c, v in rows)
    source = TravelTimeMatrix.from_csv(csv.encode(), name="drive.csv")
    minutes, note = source.cost_matrix_noted(teams, cities)
    assert minutes[1, 2] == 13.0
    assert "drive.csv has no drive time for 1 of" in note
    assert minutes[0, 0] == pytest.approx(
        EstimatedDriveTime().cost_matrix(teams.iloc[:1], cities.iloc[:1])[0, 0]
    )
    assert source_from_dict(source_to_dict(source)) == source
    assert {"osrm-table", "travel-time-matrix"} <= set(SOURCES)
    with pytest.raises(ValueError, match="minutes"):
        TravelTimeMatrix.from_csv(b"origin,destination\nA,B\n")
    with pytest.raises(ValueError, match="not a number"):
        TravelTimeMatrix.from_csv(b"origin,destination,minutes\nA,B,x\n")
    plan = VenuePlan.from_teams(
        teams.reset_index(drop=True), cities, p=2, travel_time=source
    ).solve()
    assert (
        "drive.csv has no drive time" in plan.to_dict()["distance"]["travel_time_note"]
    )
    assert isinstance(pd.DataFrame(plan.to_dict()["teams"]), pd.DataFrame)


def test_cli_plan_with_a_router(router, tmp_path):
    from typer.testing import CliRunner

    from dashboard.cli import app

    out = tmp_path / "plan.json"
    result = CliRunner().invoke(
        app,
        [
            "plan",
            "--serve",
            "all-districts",
            "--region",
            "1",
            "--venues",
            "2",
            "--osrm",
            router,
            "--max-table-size",
            "50",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "OSRM table service" in result.output
    payload = json.loads(out.read_text())
    assert payload["distance"]["travel_time_source"] == "osrm-table"
    assert payload["distance"]["travel_time_note"] == ""
    assert max(s for s, _ in _OSRM.requests) <= 50
