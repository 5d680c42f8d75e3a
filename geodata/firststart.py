"""First start on a fresh machine: download the source files and build the
boundary layers, saying how far it got (bytes and steps).

:func:`prepare` is what ``lmi-dashboard run`` (and so ``make run``) does before
the map can be drawn: it downloads the source files that are missing (see
:func:`geodata.sources.fetch`: resumed after an interruption), joins the
boundary layers and simplifies the statewide map layers, all into the cache
folder (:func:`geodata.sources.cache_dir`). It reports to

* the terminal: the cache folder, one line per step and a byte progress bar
  per download (tqdm, the bar pooch itself uses);
* :data:`STATUS`, which the app's pages read to show the same progress to a
  visitor who arrives meanwhile (one status per process; thread-safe).

On a machine that has everything already, every step is skipped or takes
milliseconds.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from typing import TextIO

from tqdm import tqdm

from geodata import boundaries, simplify
from geodata.sources import SOURCES, SourceError, cache_dir, fetch, missing_sources

__all__ = ["STATUS", "PreparationState", "PreparationStatus", "plan_steps", "prepare"]

JOIN_STEP = "Joining the district, county and CDE tables"
SIMPLIFY_STEP = "Simplifying the statewide map layers"


@dataclass(frozen=True)
class PreparationState:
    """A snapshot of the first-start preparation.

    Attributes
    ----------
    phase : str
        ``"idle"`` (never started in this process), ``"running"``, ``"done"``
        or ``"failed"``.
    steps : tuple of str
        Every step, in order.
    step : int
        Index of the current step in ``steps`` (0-based).
    bytes_done, bytes_total : int, int or None
        Bytes of the current download so far, and in all (None: unknown).
    cache : str
        The cache folder.
    error : str
        What went wrong and what to do (``phase == "failed"``).
    started : float
        ``time.monotonic()`` at the start (0 when idle).
    """

    phase: str = "idle"
    steps: tuple[str, ...] = ()
    step: int = 0
    bytes_done: int = 0
    bytes_total: int | None = None
    cache: str = ""
    error: str = ""
    started: float = 0.0

    @property
    def fraction(self) -> float:
        """Share of the current download received, 0-1 (0 when unknown)."""
        if not self.bytes_total:
            return 0.0
        return min(1.0, self.bytes_done / self.bytes_total)

    @property
    def label(self) -> str:
        """``"Step 2 of 8: Downloading …"`` (empty when idle)."""
        if not self.steps:
            return ""
        i = min(self.step, len(self.steps) - 1)
        return f"Step {i + 1} of {len(self.steps)}: {self.steps[i]}"

    def bytes_text(self) -> str:
        """``"1.2 of 3.4 MB"`` for the current download ('' outside downloads)."""
        if not self.bytes_done and not self.bytes_total:
            return ""
        mb = self.bytes_done / 1e6
        if self.bytes_total:
            return f"{mb:,.1f} of {self.bytes_total / 1e6:,.1f} MB"
        return f"{mb:,.1f} MB"


@dataclass
class PreparationStatus:
    """Thread-safe holder of the current :class:`PreparationState`."""

    _state: PreparationState = field(default_factory=PreparationState)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self) -> PreparationState:
        """The current snapshot."""
        with self._lock:
            return self._state

    def update(self, **changes: object) -> None:
        """Replace some fields of the snapshot."""
        with self._lock:
            self._state = replace(self._state, **changes)


#: The preparation of this process (read by the app's pages).
STATUS = PreparationStatus()


def plan_steps() -> list[tuple[str, str | None]]:
    """The steps :func:`prepare` would take now: ``(label, source key or None)``.

    Returns
    -------
    list of (str, str or None)
        One download per missing source file (key given), then the two
        building steps (key None).
    """
    steps: list[tuple[str, str | None]] = [
        (f"Downloading {SOURCES[k].filename} ({SOURCES[k].description})", k)
        for k in missing_sources()
    ]
    return [*steps, (JOIN_STEP, None), (SIMPLIFY_STEP, None)]


def prepare(level: str = "state", *, stream: TextIO | None = None) -> float:
    """Download what is missing and build the boundary layers, reporting progress.

    Parameters
    ----------
    level : str, default "state"
        The map level whose simplified layers are built
        (:data:`geodata.simplify.LEVELS`).
    stream : text stream, optional
        Where the terminal report goes (e.g. ``sys.stderr``); None: silent
        (:data:`STATUS` is updated either way).

    Returns
    -------
    float
        Seconds it took.

    Raises
    ------
    geodata.sources.SourceError
        A source file cannot be downloaded or verified (the message says what
        to do; :data:`STATUS` is ``"failed"`` with the same message).
    """
    started = time.monotonic()
    where = cache_dir()
    steps = plan_steps()
    STATUS.update(
        phase="running",
        steps=tuple(label for label, _ in steps),
        step=0,
        bytes_done=0,
        bytes_total=None,
        cache=str(where),
        error="",
        started=started,
    )
    say = (lambda text: print(text, file=stream, flush=True)) if stream else None
    if say:
        say(f"Cache folder: {where} (set LMI_CACHE_DIR to move it)")
    try:
        for i, (label, key) in enumerate(steps):
            STATUS.update(step=i, bytes_done=0, bytes_total=None)
            if say:
                say(f"[{i + 1}/{len(steps)}] {label}")
            if key is not None:
                _download_step(key, stream)
            elif label == JOIN_STEP:
                boundaries.district_boundaries()
            else:
                simplify.web_layers(level)
    except SourceError as exc:
        STATUS.update(phase="failed", error=str(exc))
        raise
    except Exception as exc:
        STATUS.update(phase="failed", error=f"{type(exc).__name__}: {exc}")
        raise
    STATUS.update(phase="done", step=len(steps) - 1)
    return time.monotonic() - started


def _download_step(key: str, stream: TextIO | None) -> None:
    bar = None
    if stream is not None:
        bar = tqdm(
            total=None,
            unit="B",
            unit_scale=True,
            unit_divisor=1024,
            file=stream,
            leave=True,
            desc=SOURCES[key].filename,
        )

    def progress(done: int, total: int | None) -> None:
        STATUS.update(bytes_done=done, bytes_total=total)
        if bar is not None:
            if total is not None and bar.total != total:
                bar.total = total
            bar.update(done - bar.n)

    try:
        fetch(key, progress=progress)
    finally:
        if bar is not None:
            bar.close()
