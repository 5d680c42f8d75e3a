"""Distances between teams and venues: great-circle miles / km and drive time.

Every cost matrix in the siting code comes from a *distance source*: any object
with a ``units`` attribute and a ``cost_matrix(origins, destinations)`` method
(see :class:`DistanceSource`). Four sources ship here:

:class:`GreatCircle`
    Haversine distance on a sphere of the Earth's mean radius, in miles or km.
:class:`EstimatedDriveTime`
    Minutes of driving estimated from the great-circle distance with a circuity
    factor and an average road speed (numbers and sources in its docstring);
    the offline default.
:class:`OSRMTable`
    Road drive minutes from an OSRM-compatible table service (batched within
    its table-size limit, cached, estimated where the service fails).
:class:`TravelTimeMatrix`
    Drive minutes from an uploaded table (origin, destination, minutes).

A source that may fall back to the estimate also has
``cost_matrix_noted(origins, destinations) -> (matrix, note)``; the note says
what was estimated and why, and a plan shows and saves it.

A road-network router (OSRM, Valhalla, a precomputed table...) plugs in by
implementing the same two members; :func:`validate_cost_matrix` then checks what
it returns (shape, no NaN, no infinity, no negative value) before any model uses
it. A saved plan names its sources (:func:`source_to_dict`) and is rebuilt with
them (:func:`source_from_dict`, for the sources of :data:`SOURCES`).

Points are given as latitude / longitude in WGS84 degrees (EPSG:4326), either as
an ``(n, 2)`` array of ``(lat, lon)`` pairs or as a frame with ``lat`` and
``lon`` columns (the layout of :func:`geodata.boundaries.entity_reference` and
of the candidate venues in :mod:`geodata.gazetteer`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, fields
from typing import ClassVar, Protocol, runtime_checkable

import numpy as np
import pandas as pd
import requests
from cachetools import LRUCache

__all__ = [
    "AVERAGE_SPEED_MPH",
    "CIRCUITY_FACTOR",
    "EARTH_RADIUS_KM",
    "EARTH_RADIUS_MILES",
    "KM_PER_MILE",
    "SOURCES",
    "CostMatrixError",
    "DistanceSource",
    "EstimatedDriveTime",
    "GreatCircle",
    "OSRMTable",
    "TravelTimeMatrix",
    "as_latlon",
    "drive_minutes",
    "haversine_matrix",
    "source_from_dict",
    "source_to_dict",
    "validate_cost_matrix",
]

#: Mean Earth radius (IUGG R1 = 6,371.0088 km), in km and in statute miles.
EARTH_RADIUS_KM = 6371.0088
KM_PER_MILE = 1.609344
EARTH_RADIUS_MILES = EARTH_RADIUS_KM / KM_PER_MILE

#: Road distance / great-circle distance. About 1.2 for road travel in the United
#: States: Ballou, Rahardja & Sakai (2002), "Selected country circuity factors for
#: road travel distance estimation", Transportation Research Part A 36(9), give
#: 1.20 for the US; Newell (1980) reports the same 1.2 for urban networks.
CIRCUITY_FACTOR = 1.2
#: Average door-to-door road speed (mph) used to turn road miles into minutes. A
#: planning assumption, not a measurement: California's usual freeway limit is
#: 65 mph (Vehicle Code 22349) and trips to a meeting also use city streets and
#: meet traffic, so 50 mph averages the two. Replace the distance source with a
#: road router where real drive times matter.
AVERAGE_SPEED_MPH = 50.0

_UNITS = ("miles", "km")


class CostMatrixError(ValueError):
    """A cost matrix (or the points it is built from) cannot be used."""


@runtime_checkable
class DistanceSource(Protocol):
    """What the siting models need from a distance or travel-time source.

    Attributes
    ----------
    units : str
        Units of the returned costs, e.g. ``"miles"``, ``"km"`` or ``"minutes"``.

    Notes
    -----
    ``cost_matrix(origins, destinations)`` takes ``n`` origins and ``m``
    destinations (each an ``(k, 2)`` array of ``(lat, lon)`` WGS84 degrees or a
    frame with ``lat`` / ``lon`` columns) and returns a float64 array of shape
    ``(n, m)``: finite, non-negative costs in :attr:`units`. Sources should pass
    their result through :func:`validate_cost_matrix`.
    """

    units: str

    def cost_matrix(self, origins, destinations) -> np.ndarray:  # pragma: no cover
        """Return the ``(n, m)`` cost matrix from origins to destinations."""
        ...


def as_latlon(points, *, what: str = "points") -> np.ndarray:
    """Coerce points to an ``(n, 2)`` float64 array of ``(lat, lon)`` degrees.

    Parameters
    ----------
    points : array-like of shape (n, 2) or pandas.DataFrame
        ``(lat, lon)`` pairs in WGS84 degrees (EPSG:4326), or a frame with
        ``lat`` and ``lon`` columns.
    what : str
        Name used in error messages (``"teams"``, ``"candidate venues"``...).

    Returns
    -------
    numpy.ndarray
        Shape ``(n, 2)``, dtype float64.

    Raises
    ------
    CostMatrixError
        If the shape is wrong, a coordinate is missing or not a number, or a
        latitude / longitude is out of range (first offending row named).
    """
    if isinstance(points, pd.DataFrame):
        missing = {"lat", "lon"} - set(points.columns)
        if missing:
            raise CostMatrixError(
                f"{what}: columns {sorted(missing)} are missing; expected 'lat' "
                "and 'lon' in WGS84 degrees."
            )
        labels = points.index
        arr = np.column_stack(
            [
                pd.to_numeric(points["lat"], errors="coerce").to_numpy(float),
                pd.to_numeric(points["lon"], errors="coerce").to_numpy(float),
            ]
        )
    else:
        arr = np.asarray(points, dtype=float)
        if arr.ndim == 1 and arr.size == 2:
            arr = arr.reshape(1, 2)
        labels = None
        if arr.ndim != 2 or arr.shape[1] != 2:
            raise CostMatrixError(
                f"{what}: expected an (n, 2) array of (lat, lon) pairs, got shape "
                f"{arr.shape}."
            )
    row_name = (
        (lambda i: f"row {labels[i]!r}")
        if labels is not None
        else (lambda i: f"row {i}")
    )
    bad = ~np.isfinite(arr).all(axis=1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise CostMatrixError(
            f"{what}, {row_name(i)}: latitude/longitude missing or not a number "
            f"({int(bad.sum())} such rows); give WGS84 degrees."
        )
    out = (np.abs(arr[:, 0]) > 90) | (np.abs(arr[:, 1]) > 180)
    if out.any():
        i = int(np.flatnonzero(out)[0])
        raise CostMatrixError(
            f"{what}, {row_name(i)}: ({arr[i, 0]}, {arr[i, 1]}) is not a latitude/"
            "longitude pair in degrees (lat within ±90, lon within ±180)."
        )
    return arr


def haversine_matrix(origins, destinations, *, units: str = "miles") -> np.ndarray:
    """Great-circle distance from every origin to every destination.

    Parameters
    ----------
    origins, destinations : array-like of shape (n, 2) / (m, 2) or DataFrame
        ``(lat, lon)`` in WGS84 degrees (see :func:`as_latlon`).
    units : {"miles", "km"}
        Statute miles or kilometres.

    Returns
    -------
    numpy.ndarray
        Shape ``(n, m)``, float64, on a sphere of radius :data:`EARTH_RADIUS_KM`
        (error under 0.5 % against the WGS84 ellipsoid).

    Raises
    ------
    CostMatrixError
        For bad coordinates; ValueError for unknown ``units``.

    Examples
    --------
    >>> la, sf = (34.0522, -118.2437), (37.7749, -122.4194)
    >>> round(float(haversine_matrix([la], [sf])[0, 0]))
    347
    """
    if units not in _UNITS:
        raise ValueError(f"units must be one of {_UNITS}, got {units!r}.")
    a = np.radians(as_latlon(origins, what="origins"))
    b = np.radians(as_latlon(destinations, what="destinations"))
    lat1, lon1 = a[:, :1], a[:, 1:]
    lat2, lon2 = b[:, 0][None, :], b[:, 1][None, :]
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    radius = EARTH_RADIUS_MILES if units == "miles" else EARTH_RADIUS_KM
    return 2 * radius * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def drive_minutes(
    miles,
    *,
    circuity: float = CIRCUITY_FACTOR,
    speed_mph: float = AVERAGE_SPEED_MPH,
):
    """Estimated drive time (minutes) for a great-circle distance in miles.

    ``minutes = miles * circuity / speed_mph * 60``, with the defaults
    :data:`CIRCUITY_FACTOR` (1.2) and :data:`AVERAGE_SPEED_MPH` (50 mph): one hour
    of driving is about 41.7 great-circle miles, two hours about 83.3.

    Parameters
    ----------
    miles : float or numpy.ndarray
        Great-circle miles (non-negative).
    circuity, speed_mph : float
        Road / straight-line ratio (≥ 1) and average speed in mph (> 0).

    Returns
    -------
    float or numpy.ndarray
        Minutes, same shape as ``miles``.
    """
    if not circuity >= 1.0:
        raise ValueError(f"circuity must be at least 1, got {circuity!r}.")
    if not speed_mph > 0:
        raise ValueError(f"speed_mph must be positive, got {speed_mph!r}.")
    return np.asarray(miles, dtype=float) * (circuity / speed_mph * 60.0)


def validate_cost_matrix(
    matrix,
    n_origins: int | None = None,
    n_destinations: int | None = None,
    *,
    name: str = "cost matrix",
) -> np.ndarray:
    """Check a cost matrix before a model uses it.

    Parameters
    ----------
    matrix : array-like of shape (n, m)
        Costs from ``n`` origins (teams) to ``m`` destinations (venues).
    n_origins, n_destinations : int, optional
        Expected shape; checked when given.
    name : str
        Used in error messages (e.g. ``"drive-time matrix from OSRM"``).

    Returns
    -------
    numpy.ndarray
        The matrix as a float64 array (a copy only when conversion is needed).

    Raises
    ------
    CostMatrixError
        If it is not 2-D, has the wrong shape, or holds a NaN, an infinite or a
        negative value (the message names the first offending cell and counts
        them all).
    """
    try:
        arr = np.asarray(matrix, dtype=float)
    except (TypeError, ValueError) as exc:
        raise CostMatrixError(f"{name}: values are not numbers ({exc}).") from None
    if arr.ndim != 2:
        raise CostMatrixError(f"{name}: expected a 2-D array, got shape {arr.shape}.")
    expected = (
        arr.shape[0] if n_origins is None else n_origins,
        arr.shape[1] if n_destinations is None else n_destinations,
    )
    if arr.shape != expected:
        raise CostMatrixError(
            f"{name}: shape {arr.shape} does not match {expected[0]} origins "
            f"(teams) × {expected[1]} destinations (venues)."
        )
    for bad, what in (
        (np.isnan(arr), "missing (NaN)"),
        (np.isinf(arr), "infinite"),
        (arr < 0, "negative"),
    ):
        if bad.any():
            i, j = np.argwhere(bad)[0]
            raise CostMatrixError(
                f"{name}: {int(bad.sum())} cell(s) are {what}, first at origin "
                f"{int(i)}, destination {int(j)}; every team-venue cost must be a "
                "finite number ≥ 0."
            )
    return arr


@dataclass(frozen=True)
class GreatCircle:
    """Great-circle (haversine) distance source.

    Parameters
    ----------
    units : {"miles", "km"}
        Units of the cost matrix (default miles).

    Examples
    --------
    >>> GreatCircle().cost_matrix([(34.05, -118.24)], [(34.05, -118.24)])
    array([[0.]])
    >>> source_from_dict(GreatCircle("km").to_dict()) == GreatCircle("km")
    True
    """

    kind: ClassVar[str] = "great-circle"
    units: str = "miles"

    def __post_init__(self) -> None:
        if self.units not in _UNITS:
            raise ValueError(f"units must be one of {_UNITS}, got {self.units!r}.")

    def describe(self) -> str:
        """One line saying how costs are computed (shown with results)."""
        return f"great-circle (haversine) distance in {self.units}"

    def to_dict(self) -> dict:
        """What rebuilds this source (:func:`source_from_dict`), JSON-ready."""
        return {"kind": self.kind, "units": self.units}

    def cost_matrix(self, origins, destinations) -> np.ndarray:
        """``(n, m)`` great-circle distances in :attr:`units` (see
        :func:`haversine_matrix`)."""
        out = haversine_matrix(origins, destinations, units=self.units)
        return validate_cost_matrix(out, name=self.describe())


@dataclass(frozen=True)
class EstimatedDriveTime:
    """Drive time in minutes estimated from great-circle distance.

    ``minutes = great-circle miles × circuity / speed_mph × 60``.

    Parameters
    ----------
    circuity : float
        Road distance over straight-line distance, default :data:`CIRCUITY_FACTOR`
        = 1.2 (Ballou, Rahardja & Sakai 2002, US; Newell 1980).
    speed_mph : float
        Average door-to-door speed, default :data:`AVERAGE_SPEED_MPH` = 50 mph (a
        planning assumption between California's 65 mph freeway limit and city
        driving; not measured).

    Notes
    -----
    No congestion, ferries, mountain passes or water crossings: a district across
    the Golden Gate or over the Sierra is closer here than by road. A road router
    implementing :class:`DistanceSource` with ``units = "minutes"`` replaces this.

    Examples
    --------
    >>> EstimatedDriveTime().describe()
    'estimated drive time: great-circle miles × 1.2 circuity at 50 mph'
    """

    kind: ClassVar[str] = "estimated-drive-time"
    units: ClassVar[str] = "minutes"
    circuity: float = CIRCUITY_FACTOR
    speed_mph: float = AVERAGE_SPEED_MPH

    def __post_init__(self) -> None:
        drive_minutes(0.0, circuity=self.circuity, speed_mph=self.speed_mph)
        object.__setattr__(self, "circuity", float(self.circuity))
        object.__setattr__(self, "speed_mph", float(self.speed_mph))

    def describe(self) -> str:
        """One line saying how costs are computed (shown with results)."""
        return (
            f"estimated drive time: great-circle miles × {self.circuity:g} "
            f"circuity at {self.speed_mph:g} mph"
        )

    def to_dict(self) -> dict:
        """What rebuilds this source (:func:`source_from_dict`), JSON-ready."""
        return {
            "kind": self.kind,
            "circuity": self.circuity,
            "speed_mph": self.speed_mph,
        }

    def minutes(self, miles):
        """Minutes for great-circle ``miles`` (array or float)."""
        return drive_minutes(miles, circuity=self.circuity, speed_mph=self.speed_mph)

    def cost_matrix(self, origins, destinations) -> np.ndarray:
        """``(n, m)`` estimated drive minutes."""
        miles = haversine_matrix(origins, destinations, units="miles")
        return validate_cost_matrix(self.minutes(miles), name=self.describe())


def _estimate(origins, destinations, fallback) -> np.ndarray:
    return np.asarray(fallback.cost_matrix(origins, destinations), dtype=float)


def _estimate_missing(
    out: np.ndarray, origins, destinations, fallback, what: str, why: str = ""
) -> str:
    """Fill the NaN cells of ``out`` (in place) from ``fallback``; say how many.

    Returns the note of :meth:`cost_matrix_noted`: ``"{what} for N of M
    team-venue pairs{why}; those are estimated (...)"``, or ``""`` when no cell
    was missing.
    """
    missing = np.isnan(out)
    if not missing.any():
        return ""
    out[missing] = _estimate(origins, destinations, fallback)[missing]
    return (
        f"{what} for {int(missing.sum()):,} of {missing.size:,} team-venue pairs"
        f"{why}; those are estimated ({fallback.describe()})"
    )


#: Durations already fetched, per router URL: ``(url, origin, destination)`` →
#: minutes, origin / destination rounded to 1e-5 degrees (about 1 m). Shared by
#: every :class:`OSRMTable` of the process, so a plan re-solved with other
#: options, or reloaded, asks the router nothing new.
_ROUTER_CACHE: LRUCache = LRUCache(maxsize=2_000_000)


@dataclass(frozen=True)
class OSRMTable:
    """Drive minutes from an OSRM-compatible table service (a road router).

    Calls ``{url}/table/v1/{profile}/{lon,lat;...}?sources=..&destinations=..
    &annotations=duration`` (the OSRM HTTP API, also served by Valhalla's and
    GraphHopper's OSRM-compatible endpoints), in batches of at most
    ``max_table_size`` sources × ``max_table_size`` destinations (OSRM's
    ``--max-table-size``, default 100, bounds sources × destinations by its
    square). Durations are cached per router and coordinate pair. A batch the
    service does not answer (network error, timeout, HTTP error, a code other
    than ``"Ok"``) and a pair it cannot route (``null``) are estimated with
    ``fallback``; :meth:`cost_matrix_noted` says how many and why.

    Parameters
    ----------
    url : str
        Base URL of the service, e.g. ``"http://localhost:5000"``.
    profile : str
        Routing profile in the path (default ``"driving"``).
    max_table_size : int
        Most sources (and most destinations) per request, ≥ 1.
    timeout : float
        Seconds per request.
    fallback : EstimatedDriveTime
        Used where the service gives no duration.

    Examples
    --------
    >>> OSRMTable("http://localhost:5000/").describe()
    'road drive time from the OSRM table service at http://localhost:5000'
    """

    kind: ClassVar[str] = "osrm-table"
    units: ClassVar[str] = "minutes"
    url: str
    profile: str = "driving"
    max_table_size: int = 100
    timeout: float = 30.0
    fallback: EstimatedDriveTime = EstimatedDriveTime()

    def __post_init__(self) -> None:
        url = str(self.url).strip().rstrip("/")
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"router URL must start with http:// or https://: {url!r}")
        object.__setattr__(self, "url", url)
        if isinstance(self.fallback, dict):
            object.__setattr__(self, "fallback", source_from_dict(self.fallback))
        if int(self.max_table_size) < 1:
            raise ValueError(
                f"max_table_size must be at least 1, got {self.max_table_size!r}."
            )
        object.__setattr__(self, "max_table_size", int(self.max_table_size))

    def describe(self) -> str:
        """One line saying how costs are computed (shown with results)."""
        return f"road drive time from the OSRM table service at {self.url}"

    def to_dict(self) -> dict:
        """What rebuilds this source (:func:`source_from_dict`), JSON-ready."""
        return {
            "kind": self.kind,
            "url": self.url,
            "profile": self.profile,
            "max_table_size": self.max_table_size,
            "timeout": self.timeout,
            "fallback": self.fallback.to_dict(),
        }

    def _request(self, coords: np.ndarray, n_src: int) -> np.ndarray:
        """One table request: the first ``n_src`` coords are sources."""
        path = ";".join(f"{lon:.6f},{lat:.6f}" for lat, lon in coords)
        k = len(coords)
        params = {
            "sources": ";".join(map(str, range(n_src))),
            "destinations": ";".join(map(str, range(n_src, k))),
            "annotations": "duration",
        }
        response = requests.get(
            f"{self.url}/table/v1/{self.profile}/{path}",
            params=params,
            timeout=self.timeout,
        )
        body = response.json() if response.content else {}
        if response.status_code != 200 or body.get("code") != "Ok":
            raise ValueError(
                f"HTTP {response.status_code}, "
                f"{body.get('code', 'no code')}: {body.get('message', '')}".strip()
            )
        durations = np.array(body["durations"], dtype=float)  # None -> nan
        if durations.shape != (n_src, k - n_src):
            raise ValueError(f"durations of shape {durations.shape} for {k} points")
        return durations / 60.0

    def cost_matrix_noted(self, origins, destinations) -> tuple[np.ndarray, str]:
        """``(n, m)`` drive minutes and a note on what was estimated instead.

        Returns
        -------
        minutes : numpy.ndarray
            Shape ``(n, m)``, float64.
        note : str
            Empty when the router answered every pair; else how many pairs were
            estimated with ``fallback`` and the first error.
        """
        a = as_latlon(origins, what="origins")
        b = as_latlon(destinations, what="destinations")
        out = np.full((len(a), len(b)), np.nan)
        ka = [(round(x, 5), round(y, 5)) for x, y in a]
        kb = [(round(x, 5), round(y, 5)) for x, y in b]
        for i, oi in enumerate(ka):
            for j, dj in enumerate(kb):
                hit = _ROUTER_CACHE.get((self.url, self.profile, oi, dj))
                if hit is not None:
                    out[i, j] = hit
        errors: list[str] = []
        size = self.max_table_size
        for r0 in range(0, len(a), size):
            for c0 in range(0, len(b), size):
                block = out[r0 : r0 + size, c0 : c0 + size]
                if not np.isnan(block).any():
                    continue
                coords = np.vstack([a[r0 : r0 + size], b[c0 : c0 + size]])
                try:
                    got = self._request(coords, len(block))
                except (requests.RequestException, ValueError, KeyError) as exc:
                    errors.append(str(exc))
                    continue
                block[:] = got
                for i, j in zip(*np.nonzero(np.isfinite(got)), strict=True):
                    key = (self.url, self.profile, ka[r0 + i], kb[c0 + j])
                    _ROUTER_CACHE[key] = float(got[i, j])
        note = _estimate_missing(
            out,
            a,
            b,
            self.fallback,
            f"the router at {self.url} gave no drive time",
            why=f" ({errors[0]})" if errors else " (no route)",
        )
        return validate_cost_matrix(out, name=self.describe()), note

    def cost_matrix(self, origins, destinations) -> np.ndarray:
        """``(n, m)`` drive minutes (see :meth:`cost_matrix_noted`)."""
        return self.cost_matrix_noted(origins, destinations)[0]


@dataclass(frozen=True)
class TravelTimeMatrix:
    """Drive minutes from an uploaded table: origin, destination, minutes.

    Origins are matched to the teams by ``geoid`` (NCES LEA id / CDS code, as
    :func:`geodata.siting.select_teams` gives them) or else by ``name``;
    destinations to the venues by ``name`` (case-insensitive, trimmed). A pair
    missing from the table is estimated with ``fallback`` and counted in
    :meth:`cost_matrix_noted`'s note.

    Parameters
    ----------
    entries : tuple of (str, str, float)
        ``(origin, destination, minutes)``; build with :meth:`from_csv`.
    name : str
        Where the table came from (a file name), shown with results.
    fallback : EstimatedDriveTime

    Examples
    --------
    >>> t = TravelTimeMatrix.from_csv(b"origin,destination,minutes\\nA,Fresno,42\\n")
    >>> teams = pd.DataFrame({"geoid": ["A"], "lat": [36.0], "lon": [-119.0]})
    >>> venues = pd.DataFrame({"name": ["fresno"], "lat": [36.7], "lon": [-119.8]})
    >>> t.cost_matrix(teams, venues)
    array([[42.]])
    """

    kind: ClassVar[str] = "travel-time-matrix"
    units: ClassVar[str] = "minutes"
    entries: tuple = ()
    name: str = "uploaded matrix"
    fallback: EstimatedDriveTime = EstimatedDriveTime()

    def __post_init__(self) -> None:
        if isinstance(self.fallback, dict):
            object.__setattr__(self, "fallback", source_from_dict(self.fallback))
        rows = tuple(
            (str(o).strip(), str(d).strip(), float(m)) for o, d, m in self.entries
        )
        bad = [r for r in rows if not (np.isfinite(r[2]) and r[2] >= 0)]
        if bad:
            raise ValueError(
                f"{self.name}: minutes must be finite and ≥ 0; {bad[0][0]} → "
                f"{bad[0][1]} has {bad[0][2]!r}."
            )
        object.__setattr__(self, "entries", rows)

    @classmethod
    def from_csv(cls, data, *, name: str = "uploaded matrix") -> TravelTimeMatrix:
        """Read a CSV (bytes, text or path) with columns origin, destination,
        minutes (header names case-insensitive).

        Raises
        ------
        ValueError
            Missing columns, a value that is not a number ≥ 0.
        """
        if isinstance(data, bytes | bytearray):
            data = io.BytesIO(bytes(data))
        elif isinstance(data, str) and "\n" in data:
            data = io.StringIO(data)
        frame = pd.read_csv(data, dtype=str, keep_default_na=False)
        frame.columns = [str(c).strip().lower() for c in frame.columns]
        missing = {"origin", "destination", "minutes"} - set(frame.columns)
        if missing:
            raise ValueError(
                f"{name}: columns {sorted(missing)} are missing; expected origin, "
                "destination, minutes."
            )
        minutes = pd.to_numeric(frame["minutes"], errors="coerce")
        if minutes.isna().any():
            i = int(np.flatnonzero(minutes.isna())[0])
            raise ValueError(
                f"{name}, row {i + 2}: minutes {frame['minutes'].iloc[i]!r} is not "
                "a number."
            )
        return cls(
            tuple(zip(frame["origin"], frame["destination"], minutes, strict=True)),
            name=name,
        )

    def describe(self) -> str:
        """One line saying how costs are computed (shown with results)."""
        return f"drive times from {self.name} ({len(self.entries):,} pairs)"

    def to_dict(self) -> dict:
        """What rebuilds this source: the table itself, JSON-ready."""
        return {
            "kind": self.kind,
            "name": self.name,
            "entries": [list(e) for e in self.entries],
            "fallback": self.fallback.to_dict(),
        }

    def cost_matrix_noted(self, origins, destinations) -> tuple[np.ndarray, str]:
        """``(n, m)`` minutes and a note on the pairs estimated instead.

        ``origins`` / ``destinations`` are frames with ``lat``, ``lon`` and
        ``geoid`` or ``name`` (origins) / ``name`` (destinations).
        """

        def keys(frame, cols, what):
            for col in cols:
                if isinstance(frame, pd.DataFrame) and col in frame.columns:
                    return [str(v).strip().casefold() for v in frame[col]]
            raise CostMatrixError(f"{what}: a {' or '.join(cols)} column is needed.")

        ko = keys(origins, ("geoid", "name"), "origins")
        kd = keys(destinations, ("name",), "destinations")
        table = {(o.casefold(), d.casefold()): m for o, d, m in self.entries}
        out = np.array([[table.get((o, d), np.nan) for d in kd] for o in ko], float)
        out = out.reshape(len(ko), len(kd))
        note = _estimate_missing(
            out, origins, destinations, self.fallback, f"{self.name} has no drive time"
        )
        return validate_cost_matrix(out, name=self.describe()), note

    def cost_matrix(self, origins, destinations) -> np.ndarray:
        """``(n, m)`` minutes (see :meth:`cost_matrix_noted`)."""
        return self.cost_matrix_noted(origins, destinations)[0]


#: Distance sources a saved plan can name and be rebuilt with (``kind`` → class).
#: A new source is one entry here, a ``kind``, a ``to_dict()`` and its
#: constructor's keyword arguments.
SOURCES: dict[str, type] = {
    GreatCircle.kind: GreatCircle,
    EstimatedDriveTime.kind: EstimatedDriveTime,
    OSRMTable.kind: OSRMTable,
    TravelTimeMatrix.kind: TravelTimeMatrix,
}


def source_to_dict(source) -> dict:
    """How a distance source is saved: its ``to_dict()``, else a description.

    Parameters
    ----------
    source : DistanceSource

    Returns
    -------
    dict
        ``kind`` plus the source's parameters (``units``, ``circuity``...) for
        a source of :data:`SOURCES`; for any other source ``kind`` is its
        class name, with ``units`` and ``description`` only (it cannot be
        rebuilt from the file: :func:`source_from_dict` says so).
    """
    to_dict = getattr(source, "to_dict", None)
    if callable(to_dict) and getattr(source, "kind", None) in SOURCES:
        return dict(to_dict())
    describe = getattr(source, "describe", None)
    return {
        "kind": type(source).__name__,
        "units": getattr(source, "units", None),
        "description": describe() if callable(describe) else repr(source),
    }


def source_from_dict(spec: dict) -> DistanceSource:
    """Rebuild a distance source saved by :func:`source_to_dict`.

    Parameters
    ----------
    spec : dict
        ``kind`` (a key of :data:`SOURCES`) and the source's parameters.

    Returns
    -------
    DistanceSource

    Raises
    ------
    ValueError
        Unknown ``kind`` (e.g. a road router that cannot be rebuilt from a
        file) or bad parameters.

    Examples
    --------
    >>> source_from_dict({"kind": "estimated-drive-time", "speed_mph": 40})
    EstimatedDriveTime(circuity=1.2, speed_mph=40.0)
    """
    params = dict(spec)
    kind = params.pop("kind", None)
    cls = SOURCES.get(kind)
    if cls is None:
        raise ValueError(
            f"distance source {kind!r} cannot be rebuilt from a saved file (known: "
            f"{', '.join(SOURCES)}); pass the source itself."
        )
    names = {f.name for f in fields(cls)}
    try:
        return cls(**{k: v for k, v in params.items() if k in names})
    except (TypeError, ValueError) as exc:
        raise ValueError(f"distance source {kind!r}: {exc}") from None
