"""Charts of the Plan page, as Vega-Lite specs through Altair (no Streamlit here)."""

from __future__ import annotations

import altair as alt
import pandas as pd

__all__ = ["turnout_chart"]


def turnout_chart(curve: pd.DataFrame, bins: pd.DataFrame | None) -> alt.LayerChart:
    """The turnout curve with its 95 % band, over the data behind it.

    Parameters
    ----------
    curve : pandas.DataFrame
        :meth:`geodata.siting.TurnoutModel.curve` (``miles``, ``probability``,
        ``low``, ``high``).
    bins : pandas.DataFrame or None
        :func:`geodata.siting.turnout_bins` (``miles``, ``share``, ``teams``,
        ``event_type``); None or empty: no dots.

    Returns
    -------
    altair.LayerChart
        Band (area), curve (line) and, when there is data, one dot per
        distance band and event type sized by its team-events.
    """
    x = alt.X("miles:Q", title="Great-circle miles from the team to the venue")
    y = alt.Y("probability:Q", title="Share of invited teams that come")
    band = (
        alt.Chart(curve)
        .mark_area(opacity=0.25)
        .encode(x=x, y=alt.Y("low:Q", scale=alt.Scale(domain=[0, 1])), y2="high:Q")
    )
    line = alt.Chart(curve).mark_line().encode(x=x, y=y)
    layers = [band, line]
    if bins is not None and not bins.empty:
        layers.append(
            alt.Chart(bins)
            .mark_circle(opacity=0.7)
            .encode(
                x="miles:Q",
                y=alt.Y("share:Q"),
                size=alt.Size("teams:Q", title="Team-events"),
                color=alt.Color("event_type:N", title="Event type"),
                tooltip=["event_type", "miles", "share", "teams"],
            )
        )
    return alt.layer(*layers).properties(height=300)
