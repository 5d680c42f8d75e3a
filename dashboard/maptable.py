"""The Map page's table alternative: the map's figures as text, in an expander.

One call from the page (:func:`show`). The rows come from
:func:`geodata.maptable.map_table` of :func:`geodata.layers.participation_layers`,
the function the map itself is drawn from, so the table, the legend counts and
the colours on the map are the same figures.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geodata.layers import participation_layers
from geodata.maprequest import MapRequest
from geodata.maptable import class_counts, map_table

__all__ = ["show"]


@st.cache_data(show_spinner=False, max_entries=32)
def _tables(
    roster_key: str, request_key: str, level: str, events_key, _request, _teams, _events
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The map's table and its class counts (cached per roster, request, level)."""
    layers = participation_layers(_teams, _request, level=level, events=_events)
    table = map_table(layers)
    return table, class_counts(table, layers.legend)


def show(
    teams: pd.DataFrame,
    request: MapRequest,
    *,
    level: str,
    roster_key: str,
    events: pd.DataFrame | None = None,
) -> None:
    """Draw the "map as a table" expander under the map.

    Parameters
    ----------
    teams : pandas.DataFrame
        :func:`loaders.participation.teams_by_event` of the roster on the map.
    request : MapRequest
        The map's request (measure, events, region, county, district types).
    level : str
        The map's level of detail (``"state"``, ``"region"``, ``"county"``).
    roster_key : str
        The roster's content key (cache key; ``teams`` is not hashed).
    events : pandas.DataFrame, optional
        The page's events (published and added): they order a measure over
        time, as on the map.
    """
    events_key = None
    if events is not None:
        events_key = tuple(map(tuple, events[["event_id", "start_date"]].to_numpy()))
    table, counts = _tables(
        roster_key, repr(request), level, events_key, request, teams, events
    )
    # Lazy: drawn only while open (Streamlit's expander with on_change="rerun"
    # tracks .open). Drawn closed on every rerun it cost 6 ms of the warm
    # filter-change rerun (bench/bench_map.py: 41 ms with it, 35 ms without).
    box = st.expander(
        f"The map as a table ({len(table):,} districts and COEs)",
        key="map_table_open",
        on_change="rerun",
    )
    if not box.open:
        return
    with box:
        st.caption(
            "The same figures as the map's colours, one row per district or "
            "county office drawn, with the legend class in words. Sort by a "
            "column header; the table is read with the arrow keys."
        )
        # st.table: a plain HTML table a screen reader reads as a table
        st.table(counts.set_index(counts.columns[0]))
        st.dataframe(table, hide_index=True, width="stretch")
