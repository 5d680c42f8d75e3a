"""Trends page: is the network growing, who is new or lapsed, whom to reach next."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import state, trendview
from dashboard.tables import show_table
from geodata.gazetteer import PlaceNotFoundError, find_city
from geodata.outreach import outreach_with_distances
from loaders import participation
from loaders.exports import table_csv_bytes

ALL = "All"


@st.cache_data(show_spinner=False, max_entries=16)
def _trends(key: str, level: str, events_key: str, _teams, _events) -> pd.DataFrame:
    return participation.trends(_teams, state.reference(), _events, level=level)


@st.cache_data(show_spinner=False, max_entries=64)
def _outreach(key, events_key, region, county, lapsed, venue, by, _teams, _events):
    return outreach_with_distances(
        _teams,
        state.reference(),
        _events,
        venue=venue,
        rank_by=by,
        regions=[region] if region is not None else None,
        counties=[county] if county else None,
        include_lapsed=lapsed,
    )


def _metrics(items: list[tuple[str, str, str]]) -> None:
    for col, (label, value, help_text) in zip(st.columns(len(items)), items):
        col.metric(label, value, help=help_text)


def _download(label: str, table: pd.DataFrame, name: str) -> None:
    st.download_button(
        label,
        data=table_csv_bytes(table),
        file_name=name,
        mime="text/csv",
        icon=":material/download:",
    )


def render() -> None:
    events = state.events()
    roster = state.current_roster()
    teams = state.teams(roster.rows, roster.key)
    events_key = state.content_key(events[["event_id", "start_date", "event_type"]])
    labels = dict(zip(events["event_id"], events["label"]))
    st.title("How the network changes")
    st.caption(f"Roster: {roster.label}.")

    # ------------------------------------------------------------ over time
    st.header("Over time")
    areas = ["California", *[f"Region {r}" for r in range(1, 12)]]
    area = st.selectbox("Area", areas, key="trends_area")
    level = "all" if area == "California" else "region"
    table = _trends(roster.key, level, events_key, teams, events)
    table = table.loc[table["area"] == area].reset_index(drop=True)
    if table.empty:
        st.info("The roster has no team yet.")
        return
    _metrics(trendview.trend_metrics(table))
    st.caption(trendview.trend_caption(table))
    st.vega_lite_chart(trendview.trend_chart_spec(table), width="stretch")
    undated = table.loc[~table["dated"], "event"].tolist()
    if undated:
        st.caption(
            "Events without a published date are not on the time axis: "
            + "; ".join(undated)
            + " (listed at the end of the table)."
        )
    with st.expander("The numbers, event by event"):
        show_table(table, hide_index=True)
        _download("Download the trends (CSV)", table, "trends.csv")

    # -------------------------------------------------------------- changes
    st.header("Changes since the event before")
    dated, _ = participation.event_order(events)
    seen = set(teams["event_id"])
    order = [e for e in dated if e in seen]
    if not order:
        st.info("No dated event has roster rows.")
        return
    left, right = st.columns(2)
    event_b = left.selectbox(
        "Event",
        order[::-1],
        format_func=lambda e: labels.get(e, e),
        key="trends_event",
    )
    default_a = participation.comparison_event(events, event_b)
    choices = [e for e in order[::-1] if e != event_b]
    event_a = right.selectbox(
        "Compared with",
        choices,
        index=choices.index(default_a) if default_a in choices else None,
        format_func=lambda e: labels.get(e, e),
        placeholder="No earlier event: every team is new",
        key=f"trends_since_{event_b}",
    )
    changes = participation.changes(teams, state.reference(), events, event_b, event_a)
    _metrics(trendview.change_metrics(participation.change_counts(changes)))
    by_region, by_county, every = st.tabs(["By region", "By county", "Every team"])
    with by_region:
        show_table(participation.changes_by_area(changes, "region"), hide_index=True)
    with by_county:
        show_table(participation.changes_by_area(changes, "county"), hide_index=True)
    with every:
        show_table(changes, hide_index=True)
    _download("Download the changes (CSV)", changes, f"changes-{event_b}.csv")
    st.caption(
        "The Map page shows the same changes: measure 'Changes since the event before'."
    )

    # ------------------------------------------------------------- outreach
    st.header("Whom to reach next")
    c1, c2, c3 = st.columns(3)
    region = c1.selectbox(
        "CCSESA region",
        [ALL, *range(1, 12)],
        format_func=lambda r: "All California" if r == ALL else f"Region {r}",
        key="outreach_region",
    )
    region_value = None if region == ALL else int(region)
    county = c2.selectbox(
        "County",
        [ALL, *state.county_choices(region_value)],
        format_func=lambda c: "All counties" if c == ALL else c,
        key="outreach_county",
    )
    lapsed = c3.checkbox("Include lapsed districts", value=True, key="outreach_lapsed")
    city = st.text_input(
        "Rank by distance to a venue (city, optional)",
        key="outreach_venue",
        placeholder="e.g. Fresno",
    )
    venue = None
    if city.strip():
        try:
            place = find_city(city)
            venue = (float(place["lat"]), float(place["lon"]))
        except PlaceNotFoundError as exc:
            st.warning(str(exc))
    to_reach = _outreach(
        roster.key,
        events_key,
        region_value,
        None if county == ALL else county,
        lapsed,
        venue,
        "distance" if venue else "enrollment",
        teams,
        events,
    )
    st.caption(
        f"{len(to_reach):,} districts and COEs: never attended first, then lapsed, "
        + ("nearest the venue first." if venue else "largest enrollment first.")
    )
    show_table(to_reach, hide_index=True)
    _download("Download the outreach list (CSV)", to_reach, "outreach.csv")


render()
