"""What the Trends page shows, without Streamlit: chart specification and metrics.

The numbers come from :mod:`loaders.participation` (``trends``, ``changes``,
``outreach``); this module only says how they read: the Vega-Lite
specification of the chart (drawn by Streamlit's own bundled Vega, nothing
from a CDN) and the headline metrics with their definitions from the data
dictionary.
"""

from __future__ import annotations

import pandas as pd

from loaders.participation import DATA_DICTIONARY
from loaders.text import n_of

__all__ = [
    "CHANGE_METRICS",
    "TREND_METRICS",
    "change_metrics",
    "trend_caption",
    "trend_chart_spec",
    "trend_metrics",
]

#: Headline figures of the trends (key in the last dated row → label).
TREND_METRICS: dict[str, str] = {
    "cumulative_teams": "Teams so far",
    "cumulative_complete_teams": "Complete teams so far",
    "cumulative_people": "People so far",
    "districts_reached": "Districts/COEs attended",
    "enrollment_share_pct": "K-12 enrollment reached",
}
#: Headline figures of the changes (key of ``change_counts`` → label).
CHANGE_METRICS: dict[str, str] = {
    "new": "New teams",
    "returning": "Returning teams",
    "lapsed": "Lapsed teams",
    "rose": "Brought more roles",
    "fell": "Brought fewer roles",
}

#: The series of the chart: column → legend label (dashes tell them apart
#: without colour: each series has its own stroke pattern and point shape).
_SERIES = {
    "cumulative_teams": ("Teams so far", [1, 0], "circle"),
    "districts_reached": ("Districts/COEs attended", [6, 3], "square"),
    "cumulative_complete_teams": ("Complete teams so far", [2, 2], "triangle"),
    "teams": ("Teams at the event", [1, 0], "diamond"),
}


def trend_metrics(table: pd.DataFrame) -> list[tuple[str, str, str]]:
    """``(label, value text, help)`` of the headline, from the last dated event.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`loaders.participation.trends` of one area.

    Returns
    -------
    list of tuple
        Empty when no event is dated. Percentages read ``"45.0 %"``.
    """
    dated = table.loc[table["dated"]]
    if dated.empty:
        return []
    last = dated.iloc[-1]
    out = []
    for key, label in TREND_METRICS.items():
        value = last[key]
        text = f"{float(value):.1f} %" if key.endswith("_pct") else f"{int(value):,}"
        out.append((label, text, DATA_DICTIONARY.get(key, "")))
    return out


def trend_caption(table: pd.DataFrame) -> str:
    """What the headline of the trends counts, in one sentence.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`loaders.participation.trends` of one area.

    Returns
    -------
    str
        The latest dated event the figures run to, that undated events are
        left out (when there are any), and how they relate to the Map page's
        figures ("so far" = the Map page for those events; "attended" =
        reached by a team that came).
    """
    dated = table.loc[table["dated"]]
    if dated.empty:
        return "No event has a published date: no figures over time."
    last = dated.iloc[-1]
    undated = int((~table["dated"]).sum())
    left_out = ""
    if undated:
        verb = "is" if undated == 1 else "are"
        left_out = (
            f" {n_of(undated, 'event', 'events')} without a date {verb} left out."
        )
    return (
        f"Up to {last['event']} ({last['date']}), every team counted once "
        "whatever its status, as the Map page counts the same events."
        + left_out
        + " Districts/COEs attended: reached by a team that came (the Map "
        "page's Districts/COEs reached also counts teams that did not come)."
    )


def change_metrics(counts: dict[str, int]) -> list[tuple[str, str, str]]:
    """``(label, value text, help)`` of :func:`loaders.participation.change_counts`."""
    return [
        (label, f"{counts[key]:,}", DATA_DICTIONARY.get(key, ""))
        for key, label in CHANGE_METRICS.items()
    ]


def trend_chart_spec(table: pd.DataFrame) -> dict:
    """Vega-Lite specification of the trends chart (dated events only).

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`loaders.participation.trends` of one area.

    Returns
    -------
    dict
        A Vega-Lite v5 spec with inline data (one row per dated event per
        series: ``date``, ``event``, ``series``, ``value``; lines with a
        stroke pattern and point shape per series, a tooltip with the numbers).
        The share of enrollment is a second layer on its own axis.
    """
    dated = table.loc[table["dated"]]
    rows = []
    for _, r in dated.iterrows():
        for column, (label, _, _) in _SERIES.items():
            rows.append(
                {
                    "date": str(r["date"]),
                    "event": str(r["event"]),
                    "series": label,
                    "value": int(r[column]),
                    "share": float(r["enrollment_share_pct"]),
                }
            )
    labels = [label for label, _, _ in _SERIES.values()]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "description": "CA LMI network over time: teams, districts attended",
        "data": {"values": rows},
        "mark": {"type": "line", "point": {"filled": True, "size": 60}},
        "encoding": {
            "x": {"field": "date", "type": "temporal", "title": "Event date"},
            "y": {
                "field": "value",
                "type": "quantitative",
                "title": "Count",
                "axis": {"tickMinStep": 1, "format": "d"},  # whole teams
            },
            "color": {
                "field": "series",
                "type": "nominal",
                "sort": labels,
                "title": None,
                "legend": {"orient": "bottom"},
            },
            "strokeDash": {
                "field": "series",
                "type": "nominal",
                "sort": labels,
                "scale": {
                    "domain": labels,
                    "range": [d for _, d, _ in _SERIES.values()],
                },
                "legend": None,
            },
            "shape": {
                "field": "series",
                "type": "nominal",
                "sort": labels,
                "scale": {
                    "domain": labels,
                    "range": [s for _, _, s in _SERIES.values()],
                },
                "legend": None,
            },
            "tooltip": [
                {"field": "event", "title": "Event"},
                {"field": "date", "type": "temporal", "title": "Date"},
                {"field": "series", "title": "Figure"},
                {"field": "value", "title": "Value", "format": ","},
                {"field": "share", "title": "Share of K-12 enrollment (%)"},
            ],
        },
    }
