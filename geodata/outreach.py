"""The outreach list with distances: how far each district is from past venues.

:func:`loaders.participation.outreach` lists the districts and COEs that never
sent a team or lapsed; this module adds where they are: great-circle miles
(:func:`geodata.distances.haversine_matrix`) from each district's or COE's
office (``lat`` / ``lon`` of :func:`geodata.boundaries.entity_reference`) to
the nearest city where a CA LMI event was held
(:func:`geodata.gazetteer.past_venues`), and, when a venue is chosen or
planned, to that venue, by which the list can then be ranked.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geodata.distances import haversine_matrix
from geodata.gazetteer import past_venues
from loaders.participation import outreach

__all__ = ["VENUE_COLUMNS", "add_venue_distances", "outreach_with_distances"]

#: Columns :func:`outreach_with_distances` adds (the last two with a venue).
VENUE_COLUMNS: list[str] = [
    "nearest_past_venue",
    "miles_to_nearest_past_venue",
    "miles_to_venue",
]


def _held(events: pd.DataFrame) -> pd.DataFrame:
    if "status" not in events.columns:
        return events
    return events.loc[events["status"].fillna("held").isin(["held", ""])]


def outreach_with_distances(
    teams: pd.DataFrame,
    reference: pd.DataFrame,
    events: pd.DataFrame,
    *,
    venue: tuple[float, float] | None = None,
    rank_by: str = "enrollment",
    **selection,
) -> pd.DataFrame:
    """:func:`loaders.participation.outreach` with distances to venues.

    Parameters
    ----------
    teams, reference, events : pandas.DataFrame
        As for :func:`loaders.participation.outreach`; ``reference`` needs
        ``lat`` / ``lon`` (WGS84 degrees) of each district/COE office.
    venue : (float, float), optional
        ``(lat, lon)`` of a chosen or planned venue (WGS84 degrees).
    rank_by : {"enrollment", "distance"}
        ``"enrollment"`` keeps the library's order (never-attended first,
        largest first); ``"distance"`` ranks by ``miles_to_venue`` (nearest
        first; needs ``venue``).
    **selection
        ``event_ids``, ``regions``, ``counties``, ``district_types``,
        ``include_lapsed`` (see :func:`loaders.participation.outreach`).

    Returns
    -------
    pandas.DataFrame
        The outreach list plus ``nearest_past_venue`` (str, city),
        ``miles_to_nearest_past_venue`` (float, one decimal; NaN when no
        held event has a city or the office has no location) and, with a
        venue, ``miles_to_venue`` (float). ``rank`` renumbered 1..n.

    Raises
    ------
    ValueError
        If ``rank_by`` is unknown, or is ``"distance"`` without a venue.
    """
    if rank_by not in ("enrollment", "distance"):
        raise ValueError(f"rank_by must be enrollment or distance, not {rank_by!r}")
    if rank_by == "distance" and venue is None:
        raise ValueError("Ranking by distance needs a venue (lat, lon).")
    table = outreach(teams, reference, events, **selection)
    table = add_venue_distances(table, reference, events, venue=venue)
    if rank_by == "distance":
        table = table.sort_values(
            ["miles_to_venue", "name"], na_position="last", ignore_index=True
        )
        table["rank"] = np.arange(1, len(table) + 1, dtype="int64")
    return table


def add_venue_distances(
    table: pd.DataFrame,
    reference: pd.DataFrame,
    events: pd.DataFrame,
    *,
    venue: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """Add miles to the nearest past venue (and to ``venue``) to a list of districts.

    Parameters
    ----------
    table : pandas.DataFrame
        Any table with ``geoid`` (e.g. :func:`loaders.participation.outreach`).
    reference : pandas.DataFrame
        ``geoid``, ``lat``, ``lon`` (WGS84 degrees) of every district/COE office.
    events : pandas.DataFrame
        The events table; held events with a ``city`` are the past venues.
    venue : (float, float), optional
        ``(lat, lon)`` of a chosen or planned venue.

    Returns
    -------
    pandas.DataFrame
        A copy with ``nearest_past_venue``, ``miles_to_nearest_past_venue``
        and, with a venue, ``miles_to_venue`` (see
        :func:`outreach_with_distances`).
    """
    table = table.copy()
    where = reference.set_index("geoid")[["lat", "lon"]].astype(float)
    points = where.reindex(table["geoid"]).to_numpy()
    ok = np.isfinite(points).all(axis=1)
    venues = past_venues(_held(events))
    nearest = np.full(len(table), np.nan)
    names = np.full(len(table), "", dtype=object)
    if len(venues) and ok.any():
        miles = haversine_matrix(points[ok], venues[["lat", "lon"]])
        nearest[ok] = miles.min(axis=1)
        names[ok] = venues["name"].to_numpy()[miles.argmin(axis=1)]
    table["nearest_past_venue"] = names
    table["miles_to_nearest_past_venue"] = np.round(nearest, 1)
    if venue is not None:
        to_venue = np.full(len(table), np.nan)
        if ok.any():
            to_venue[ok] = haversine_matrix(points[ok], [venue])[:, 0]
        table["miles_to_venue"] = np.round(to_venue, 1)
    return table
