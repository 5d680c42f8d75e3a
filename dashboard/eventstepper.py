"""The Map page's event stepper: step through events in date order, watch reach grow.

:func:`event_stepper` is called once from the Map page's sidebar (one line in
``dashboard/views/map.py``). Ticked, it shows a slider over the dated events
with roster rows, oldest first, and returns the events the map then shows: the
chosen event for a one-event measure (the changes measure compares it with
the event before), every event up to and including it for the others (reach as
it stood then). The map, its legend and the headline figures follow, since the
page builds them from the returned ids. Undated events cannot be placed on the
slider and are left out (the Trends page lists them apart).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geodata.measures import measure_spec
from loaders.participation import event_order

__all__ = ["event_stepper", "stepped_events"]


def stepped_events(order: list[str], step: str, measure: str) -> list[str]:
    """The events a map shows at one step (no Streamlit).

    Parameters
    ----------
    order : list of str
        Dated event ids with roster rows, oldest first.
    step : str
        The chosen event (one of ``order``).
    measure : str
        A key of ``geodata.measures.REGISTRY``.

    Returns
    -------
    list of str
        ``[step]`` for a one-event measure, else ``order`` up to and
        including ``step``.
    """
    if measure_spec(measure).one_event:
        return [step]
    return order[: order.index(step) + 1]


def event_stepper(
    events: pd.DataFrame, with_data: list[str], measure: str, event_ids: list[str]
) -> list[str]:
    """Sidebar control: step through events in date order (Streamlit).

    Parameters
    ----------
    events : pandas.DataFrame
        The events table (``event_id``, ``label``, ``start_date``).
    with_data : list of str
        Event ids with roster rows.
    measure : str
        The map's measure key.
    event_ids : list of str
        The events chosen above (returned unchanged when the stepper is off).

    Returns
    -------
    list of str
        The events the map shows.
    """
    dated, _ = event_order(events)
    order = [e for e in dated if e in set(with_data)]
    if len(order) < 2:
        return event_ids
    on = st.toggle(
        "Step through events",
        key="map_step_on",
        help="Move along the events in date order; the map, legend and figures "
        "follow. Undated events are not on this scale.",
    )
    if not on:
        return event_ids
    labels = dict(zip(events["event_id"], events["label"]))
    dates = dict(zip(events["event_id"], events["start_date"]))
    if st.session_state.get("map_step") not in order:
        st.session_state["map_step"] = order[-1]
    # the thumb and the ends show dates only: event names there wrap and overlap
    step = st.select_slider(
        "Event (date order)",
        options=order,
        format_func=lambda e: str(dates.get(e, ""))[:10] or e,
        key="map_step",
    )
    shown = stepped_events(order, step, measure)
    if len(shown) == 1:
        st.caption(
            f"Showing {labels.get(step, step)} ({dates.get(step, '')}; the event "
            "box is set aside)."
        )
    else:
        st.caption(f"Showing the {len(shown)} events up to {labels.get(step, step)}.")
    return shown
