"""Legend entries and text fitting of the printed map."""

from __future__ import annotations

import textwrap

import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.textpath import TextToPath

from geodata.staticmap.style import (
    COUNTY_EDGE,
    LAND,
    REGION_EDGE,
    SECONDARY_EDGE,
    TEXT,
    VEIL_ALPHA,
    VENUE_FACE,
)


def used_classes(legend, dist, cnty) -> list[tuple[str, str]]:
    """Legend classes drawn on the map, in the legend's order.

    Parameters
    ----------
    legend : sequence of (str, str)
        Every class of the measure: label and hex colour.
    dist, cnty : pandas.DataFrame
        The districts and counties (COEs) drawn; a ``measure_label`` column
        says each one's class.

    Returns
    -------
    list of (str, str)
        The classes some drawn district or COE falls in (all of them when no
        frame has a ``measure_label``: plain frames without a measure).
    """
    drawn = set()
    labelled = False
    for frame in (dist, cnty):
        if "measure_label" in frame.columns:
            labelled = True
            shown = frame
            if "show_coe" in frame.columns:
                shown = frame.loc[frame["show_coe"].fillna(False).astype(bool)]
            drawn.update(shown["measure_label"].dropna().astype(str))
    if not labelled:
        return list(legend)
    return [(label, color) for label, color in legend if label in drawn]


def legend_handles(
    legend,
    *,
    has_secondary,
    has_coes,
    has_venues,
    show_regions,
    scale,
    coes_at_office=True,
    faded=False,
):
    entries: list[tuple[object, str]] = []
    for label, color in legend:
        entries.append(
            (Patch(facecolor=color, edgecolor="#9a9a9a", linewidth=0.4 * scale), label)
        )
    if has_secondary:
        entries.append(
            (
                Patch(
                    facecolor="white",
                    edgecolor=SECONDARY_EDGE,
                    hatch="////",
                    linewidth=0.6 * scale,
                ),
                (
                    "High school district (hatched in its class colour over the "
                    "elementary districts it serves)"
                ),
            )
        )
    if has_coes:
        entries.append(
            (
                Line2D(
                    [],
                    [],
                    marker="s",
                    linestyle="none",
                    markerfacecolor="#bbbbbb",
                    markeredgecolor=TEXT,
                    markersize=8 * scale,
                ),
                "County office of education: square "
                + ("at its office" if coes_at_office else "inside its county")
                + ", in its class colour",
            )
        )
    if has_venues:
        entries.append(
            (
                Line2D(
                    [],
                    [],
                    marker="*",
                    linestyle="none",
                    markerfacecolor=VENUE_FACE,
                    markeredgecolor=TEXT,
                    markersize=12 * scale,
                ),
                "Meeting venue",
            )
        )
    if faded:
        # a middle class colour under the white veil, as outside the crop
        colors = [c for _, c in legend] or [LAND]
        middle = np.array(to_rgb(colors[len(colors) // 2]))
        entries.append(
            (
                Patch(
                    facecolor=tuple(middle * (1 - VEIL_ALPHA) + VEIL_ALPHA),
                    edgecolor="#bdbdbd",
                    linewidth=0.4 * scale,
                ),
                "Outside the selection (faded)",
            )
        )
    entries.append((Line2D([], [], color=COUNTY_EDGE, linewidth=1 * scale), "County"))
    if show_regions:
        entries.append(
            (
                Line2D([], [], color=REGION_EDGE, linewidth=1.6 * scale),
                "CCSESA region",
            )
        )
    # wrap long labels so columns stay narrow
    return [(h, _wrap(lab, 34)) for h, lab in entries]


def fit_text(
    text: str, fontsize: float, width_in: float, *, bold: bool = False
) -> tuple[str, float]:
    """Fit one line of text to a width: as is, else on two lines, else smaller.

    Parameters
    ----------
    text : str
        A map title or subtitle.
    fontsize : float
        Preferred size, points.
    width_in : float
        Width available, inches.
    bold : bool
        Measure the bold weight.

    Returns
    -------
    (str, float)
        The text (two lines are joined by a newline: after a colon, semicolon or
        comma when both lines then fit, else where the longer line is shortest)
        and the font size (points, at most ``fontsize``, smaller only when two
        lines are still too wide). Widths are measured with the font matplotlib
        draws with (unhinted outlines, as in SVG/PDF), less 3 % for PNG hinting
        (measured up to 2 % wider at 72 dpi).
    """
    prop = FontProperties(size=fontsize, weight="bold" if bold else "normal")
    measure = TextToPath().get_text_width_height_descent
    room = width_in * 72 * 0.97  # points

    def width(line: str) -> float:  # points at ``fontsize``
        return measure(line, prop, ismath=False)[0]

    text = " ".join(str(text).split())
    if width(text) <= room:
        return text, fontsize
    words = text.split(" ")
    splits = []  # (rank of the punctuation broken after, widest line, text)
    for k in range(1, len(words)):
        first, second = " ".join(words[:k]), " ".join(words[k:])
        widest = max(width(first), width(second))
        rank = ":;,".find(words[k - 1][-1])
        splits.append((rank if rank >= 0 else 3, widest, f"{first}\n{second}"))
    if not splits:  # one long word
        return text, fontsize * room / width(text)
    fitting = [s for s in splits if s[1] <= room]
    if fitting:  # the strongest punctuation, then the most even lines
        return min(fitting, key=lambda s: (s[0], s[1]))[2], fontsize
    _, widest, wrapped = min(splits, key=lambda s: s[1])
    return wrapped, fontsize * room / widest


def wrap_to_width(text: str, fontsize: float, width_in: float) -> str:
    """Break a text between words into lines no wider than ``width_in`` inches.

    Widths are measured as in :func:`fit_text` (the font matplotlib draws
    with). A single word wider than the width stays on its own line.
    """
    prop = FontProperties(size=fontsize)
    measure = TextToPath().get_text_width_height_descent
    room = width_in * 72 * 0.97
    lines: list[str] = []
    for paragraph in str(text).splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}".strip()
            if line and measure(trial, prop, ismath=False)[0] > room:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
    return "\n".join(lines)


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)
