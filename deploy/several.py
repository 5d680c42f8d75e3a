"""Several ``lmi-dashboard run`` processes behind Debian's nginx, on one machine.

    python -m deploy.several --processes 2 --port 8080

starts N app processes on free loopback ports, all on the workspace of
``LMI_WORKSPACE_URL`` (PostgreSQL: they share it) and on one boundary cache
(``LMI_CACHE_DIR``), and nginx on ``127.0.0.1:<port>`` with sticky sessions
(``nginx.conf.template``), run from a temporary prefix folder (no root needed,
nothing written under /etc). Ctrl-C stops everything. ``tests/test_deploy.py``
runs exactly this with two processes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TEMPLATE = HERE / "nginx.conf.template"


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def nginx_binary() -> str | None:
    """Debian's nginx (``/usr/sbin/nginx``), or None when not installed."""
    return shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )


def wait_http(
    url: str,
    proc: subprocess.Popen,
    log: Path,
    timeout: float,
    ready: Callable[[], bool] | None = None,
) -> None:
    """Wait until ``url`` answers HTTP 200 (and ``ready()``, when given, is true).

    Parameters
    ----------
    url : str
        A loopback URL, e.g. ``http://127.0.0.1:8501/_stcore/health``.
    proc : subprocess.Popen
        The server process; its end stops the wait.
    log : pathlib.Path
        The process' log, whose last 3,000 characters the error carries.
    timeout : float
        Seconds to wait at most.
    ready : callable, optional
        A further condition checked after each 200 answer (e.g. a line in
        ``log``).

    Raises
    ------
    RuntimeError
        When the process ended or ``timeout`` passed first.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200 and (ready is None or ready()):
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(
                f"{url} did not answer:\n" + log.read_text(errors="replace")[-3000:]
            )
        time.sleep(0.3)


def stop(proc: subprocess.Popen) -> None:
    """Terminate ``proc`` (SIGTERM), killing it when it is still up after 10 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def spawn_app(port: int, log: Path, env: dict[str, str]) -> subprocess.Popen:
    """Start one ``lmi-dashboard run`` on ``127.0.0.1:port`` (not waiting).

    Its output (stdout and stderr) goes to the file ``log``.
    """
    with open(log, "wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "dashboard.cli", "run",
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip


def nginx_config(prefix: Path, port: int, backends: list[int]) -> Path:
    """Write ``prefix/nginx.conf`` from the template; return its path."""
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / "tmp" / sub).mkdir(parents=True, exist_ok=True)
        os.chmod(prefix / "tmp" / sub, 0o777)  # workers run as nobody under root
    upstreams = "\n".join(f"        server 127.0.0.1:{p};" for p in backends)
    text = (
        TEMPLATE.read_text()
        .replace("@PREFIX@", str(prefix))
        .replace("@PORT@", str(port))
        .replace("@UPSTREAMS@", upstreams)
    )
    conf = prefix / "nginx.conf"
    conf.write_text(text)
    return conf


@contextmanager
def nginx(port: int, backends: list[int], prefix: Path, timeout=30) -> Iterator[str]:
    """nginx on ``127.0.0.1:port`` in front of ``backends``; yields its URL."""
    binary = nginx_binary()
    if binary is None:
        raise RuntimeError("nginx is not installed (apt-get install nginx)")
    conf = nginx_config(prefix, port, backends)
    log = prefix / "error.log"
    log.touch()
    proc = subprocess.Popen(
        [binary, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=open(prefix / "stderr.log", "wb"),
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        wait_http(f"{url}/_stcore/health", proc, prefix / "stderr.log", timeout)
        yield url
    finally:
        stop(proc)


@contextmanager
def several(
    processes: int = 2,
    port: int | None = None,
    env: dict[str, str] | None = None,
    workdir: Path | None = None,
) -> Iterator[tuple[str, list[str]]]:
    """N app processes behind nginx; yields (nginx URL, the processes' URLs).

    The app processes start at the same moment (they create or upgrade the
    workspace and build the boundary cache together, as on a server's boot).
    """
    env = {**os.environ, **(env or {})}
    with ExitStack() as stack:
        if workdir is None:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        prefix = Path(tempfile.mkdtemp(prefix="lmi-nginx-", dir=workdir))
        os.chmod(prefix, 0o755)
        ports = [free_port() for _ in range(processes)]
        # all at once
        procs = [spawn_app(p, prefix / f"app-{p}.log", env) for p in ports]
        for proc in procs:
            stack.callback(stop, proc)
        urls = [f"http://127.0.0.1:{p}" for p in ports]
        for url, proc, p in zip(urls, procs, ports):
            wait_http(f"{url}/_stcore/health", proc, prefix / f"app-{p}.log", 180)
        front = stack.enter_context(nginx(port or free_port(), ports, prefix))
        yield front, urls


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args(argv)
    # stop cleanly on Ctrl-C and on SIGTERM (systemd, kill), even when started
    # in the background (where the shell ignores SIGINT)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with several(args.processes, args.port) as (front, urls):
        print(f"nginx {front} -> {' '.join(urls)} (Ctrl-C stops)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
