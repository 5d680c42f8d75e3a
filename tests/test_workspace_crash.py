"""Crash safety of the workspace: SIGKILL in the middle of saves.

A helper process imports the project once, then forks one writer per repetition
(so 30 repetitions cost seconds, not 30 interpreter start-ups). Each writer loops
over the kinds of save the app makes: a new roster (original file + Parquet
rows), a review decision on it (rewrites its rows), an alias import, a scenario
and a setting. Before each save it appends ``start <item> <version>`` to a
progress file and after the save returns ``done <item> <version>``. The test
kills the writer with SIGKILL at a random moment, reopens the workspace and
checks, for every item, that it holds the last *done* version or the version
that was being written (never a mix, never a half-written roster), and that
``PRAGMA integrity_check`` is ``ok`` (SQLite). It runs on SQLite and on
PostgreSQL.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from loaders.workspace import Workspace

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork (POSIX)"),
]

ROOT = Path(__file__).resolve().parent.parent
REPETITIONS = 30
N_ALIASES = 40

# The helper ("zygote"): imports once, forks a writer per "run" command.
ZYGOTE = r"""
import os, sys, json
sys.path.insert(0, sys.argv[1])
# preloaded once; no threads are started before the fork
import numpy as np, pandas as pd, pyarrow.parquet  # noqa: F401
from loaders import workspace as W

url = sys.argv[2]
if url.startswith("postgresql"):  # the driver too, so a writer starts at once
    import psycopg  # noqa: F401
    import sqlalchemy.dialects.postgresql.psycopg  # noqa: F401


def log(fd, text):
    os.write(fd, (text + "\n").encode())


def roster(version, rng):
    n = int(rng.integers(500, 3000))
    s = lambda v: pd.array(v, dtype="string")
    status = np.where(np.arange(n) < 5, "unmatched", "matched")
    rows = pd.DataFrame({
        "entity_name": s([f"District {version}-{k}" for k in range(n)]),
        "county": s(["Kern"] * n),
        "source_row": pd.array(np.arange(2, n + 2), dtype="Int64"),
        "match_status": s(list(status)),
        "geoid": s([None if st == "unmatched" else "0600001" for st in status]),
        "match_method": s([None] * n),
        "score": np.full(n, 99.0),
        "version": np.full(n, version),
    })
    rejected = pd.DataFrame({"file": s(["f.csv"]), "row": [n + 2],
                             "column": s(["role"]), "reason": s(["bad"])})
    original = (f"version={version}\n".encode()
                + rng.bytes(int(rng.integers(10_000, 200_000))))
    return rows, rejected, original


def aliases_csv(version):
    lines = ["alias,geoid,note"]
    lines += [f"Alias {k},06{k:05d},v{version}" for k in range(__N_ALIASES__)]
    return ("\n".join(lines) + "\n").encode()


def work(progress, seed, version):
    rng = np.random.default_rng(seed)
    ws = W.open_workspace(url)
    fd = os.open(progress, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    while True:
        version += 1
        rows, rejected, original = roster(version, rng)
        log(fd, f"start roster {version}")
        rid = ws.save_roster(f"crash-{version}", original, "c.csv", rows, rejected,
                             {"version": version})
        log(fd, f"done roster {version}")
        log(fd, f"start review {version}")
        ws.set_review_choice(rid, [0, 1, 2], geoid="0600002")
        ws.set_review_choice(rid, [3, 4], not_california=True)
        ws.confirm_review(rid)
        log(fd, f"done review {version}")
        log(fd, f"start aliases {version}")
        ws.import_aliases_csv(aliases_csv(version))
        log(fd, f"done aliases {version}")
        payload = {"v": version, "data": [version] * int(rng.integers(1000, 50000))}
        log(fd, f"start scenario {version}")
        ws.save_scenario("crash", payload)
        log(fd, f"done scenario {version}")
        log(fd, f"start setting {version}")
        ws.set_setting("crash", version)
        log(fd, f"done setting {version}")


print("ready", flush=True)
for line in sys.stdin:
    cmd = line.split()
    if not cmd or cmd[0] == "quit":
        break
    progress, seed, version = cmd[1], int(cmd[2]), int(cmd[3])
    pid = os.fork()
    if pid == 0:
        try:
            work(progress, seed, version)
        finally:
            os._exit(0)
    print("pid", pid, flush=True)
    _, status = os.waitpid(pid, 0)
    print("exit", status, flush=True)
""".replace("__N_ALIASES__", str(N_ALIASES))


def _progress(path: Path) -> dict[str, tuple[int | None, int | None]]:
    """item -> (last done version, version started but not done)."""
    state: dict[str, list] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            what, item, version = line.split()
            entry = state.setdefault(item, [None, None])
            if what == "start":
                entry[1] = int(version)
            else:
                entry[0] = int(version)
                entry[1] = None
    return {k: (v[0], v[1]) for k, v in state.items()}


def _observed(ws: Workspace, known: dict[int, bool]) -> dict[str, int | None]:
    """Each item's version in the database, checking every new roster whole.

    ``known`` maps roster version -> reviewed, for rosters already checked.
    """
    listing = ws.list_rosters()
    versions = sorted(int(n.split("-")[1]) for n in listing["name"])
    assert versions == list(range(1, len(versions) + 1)), "a roster is missing"
    review_state: dict[int, bool] = {}
    for r in listing.itertuples(index=False):
        version = int(r.name.split("-")[1])
        if version in known and version < len(versions):
            continue
        rows, rejected, meta = ws.load_roster(int(r.roster_id))
        original = ws.original_file(int(r.roster_id))
        assert hashlib.sha256(original).hexdigest() == r.file_sha256
        assert original.startswith(f"version={version}\n".encode())
        assert meta["version"] == version
        assert (rows["version"] == version).all()
        assert len(rows) == r.rows and len(rejected) == r.rejected == 1
        counts = rows["match_status"].value_counts()
        assert r.matched == counts.get("matched", 0)
        assert r.unmatched == counts.get("unmatched", 0)
        done = (rows["match_method"].iloc[:5] == "review").fillna(False)
        assert done.all() or not done.any(), "review applied to part of the rows"
        assert r.matched == len(rows) - 5 + (3 if done.all() else 0)
        review_state[version] = bool(done.all())
    al = ws.list_aliases()
    by_review = al[al["alias"].str.startswith("District ")]["alias"]
    for version, done in review_state.items():  # a review saves its aliases
        n = by_review.str.startswith(f"District {version}-").sum()
        assert n == (5 if done else 0), f"roster {version}: {n} review aliases"
    known.update(review_state)
    al = al[al["alias"].str.startswith("Alias ")]
    notes = set(al["note"])
    assert len(al) in (0, N_ALIASES) and len(notes) <= 1, f"mixed aliases {notes}"
    try:
        sc = ws.load_scenario("crash")
        assert sc["data"] == [sc["v"]] * len(sc["data"])
        scenario = sc["v"]
    except ValueError:
        scenario = None
    return {
        "roster": versions[-1] if versions else None,
        "review": max((v for v, ok in known.items() if ok), default=None),
        "aliases": int(notes.pop()[1:]) if notes else None,
        "scenario": scenario,
        "setting": ws.get_setting("crash"),
    }


def test_sigkill_mid_save_leaves_old_or_new_state(tmp_path, workspace_url):
    """On SQLite and on PostgreSQL (``postgres``): the server survives, the
    writer's open transaction is rolled back when its connection dies."""
    url = workspace_url
    zygote = subprocess.Popen(
        [sys.executable, "-c", ZYGOTE, str(ROOT), url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        bufsize=1,
    )
    rng = random.Random(20240607)
    current: dict[str, int | None] = dict.fromkeys(
        ("roster", "review", "aliases", "scenario", "setting")
    )
    known: dict[int, bool] = {}
    mid_save = 0
    landed: dict[str, int] = {}  # item being saved when the kill came
    try:
        assert zygote.stdout.readline().strip() == "ready"
        for rep in range(REPETITIONS):
            progress = tmp_path / f"progress-{rep}.txt"
            base = max([v for v in current.values() if v is not None], default=0)
            zygote.stdin.write(f"run {progress} {rep} {base}\n")
            zygote.stdin.flush()
            what, pid = zygote.stdout.readline().split()
            assert what == "pid"
            # PostgreSQL: the writer first connects (a TCP connection, a backend)
            time.sleep(rng.uniform(0.02, 0.6) + (0.5 if "postgresql" in url else 0))
            os.kill(int(pid), signal.SIGKILL)
            what, status = zygote.stdout.readline().split()
            assert what == "exit"
            assert os.WIFSIGNALED(int(status)), "the writer died before the kill"

            ws = Workspace(url)  # a fresh process would do the same
            try:
                assert ws.integrity_check() == "ok"
                seen = _observed(ws, known)
            finally:
                ws.close()
            prog = _progress(progress)
            for item, (_, started) in prog.items():
                if started is not None:
                    mid_save += 1
                    landed[item] = landed.get(item, 0) + 1
            for item, version in seen.items():
                done, started = prog.get(item, (None, None))
                old = done if done is not None else current[item]
                allowed = {old, started}
                assert version in allowed, (
                    f"rep {rep}: {item} at version {version}, expected one of "
                    f"{allowed} (progress {prog})"
                )
            current = seen
        zygote.stdin.write("quit\n")
        zygote.stdin.flush()
        zygote.wait(timeout=30)
    finally:
        if zygote.poll() is None:
            zygote.kill()
            zygote.wait()
    # Kills landed inside saves (saving is what the writers spend their time on).
    assert mid_save >= 1
    assert current["roster"] is not None and current["roster"] >= REPETITIONS // 3
    print(
        f"\n{REPETITIONS} kills, {mid_save} inside a save {landed}; "
        f"final state {current}"
    )
