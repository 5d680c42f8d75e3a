r"""Expected turnout: how attendance falls with distance, fitted from the rosters.

Every team in a roster that applied, registered, was invited or waitlisted for an
event either came or did not. :func:`turnout_history` pairs each such team with
the great-circle miles from its district / county office to that event's city
(:func:`geodata.gazetteer.find_city`); :func:`fit_turnout` fits the logistic
distance-decay model

.. math::

   \Pr(\text{attend}) = \operatorname{logit}^{-1}\bigl(\alpha_{\text{type}}
   + \beta \cdot \text{miles} / 100\bigr)

with the event type as a factor (one intercept per type, one common slope), by
maximum likelihood in statsmodels' ``Logit`` (its covariance gives the confidence
intervals; a curve's band is the delta method on the linear predictor).

When the history is too thin (fewer than :data:`MIN_TEAMS` team-events with a
known venue, fewer than :data:`MIN_EACH` attended or not attended, no spread of
distance, or a fit that does not converge) the model says so and uses
:data:`DEFAULT_DECAY` instead: 85 % at the door, 50 % at about 190 miles, a
planning assumption, not a measurement.

A :class:`TurnoutModel` gives every plan its expected teams and people per venue
and is the objective of the "maximise expected attendance" model
(:class:`geodata.siting.plan.VenuePlan`).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geodata.distances import haversine_matrix
from geodata.gazetteer import find_city

__all__ = [
    "DEFAULT_DECAY",
    "MIN_EACH",
    "MIN_TEAMS",
    "TurnoutModel",
    "fit_turnout",
    "turnout_bins",
    "turnout_history",
]

#: Team-events with a known venue needed to fit.
MIN_TEAMS = 30
#: Attended and not-attended team-events needed each.
MIN_EACH = 5
#: Distance unit of the slope: per 100 great-circle miles.
_PER = 100.0
_Z95 = 1.959963984540054
#: The stated default when the history is too thin: intercept 1.73 (85 % at 0
#: miles), slope -0.91 per 100 miles (50 % at 190 miles).
DEFAULT_DECAY = {"intercept": 1.73, "slope_per_100_miles": -0.91}


def turnout_history(
    teams_by_event: pd.DataFrame,
    reference: pd.DataFrame,
    events: pd.DataFrame,
) -> pd.DataFrame:
    """Each team at each event with a known venue: how far, and whether it came.

    Parameters
    ----------
    teams_by_event : pandas.DataFrame
        :func:`loaders.participation.teams_by_event` (``geoid``, ``team_geoid``,
        ``event_id``, ``team_status``, ``n_people``, ``roles_came``).
    reference : pandas.DataFrame
        :func:`geodata.boundaries.entity_reference` (``geoid``, ``lat``, ``lon``).
    events : pandas.DataFrame
        :func:`loaders.events.all_events` (``event_id``, ``event_type``, ``city``).

    Returns
    -------
    pandas.DataFrame
        ``geoid``, ``event_id``, ``event_type`` (str), ``miles`` (float,
        great-circle, team office to the event's city), ``attended`` (bool),
        ``people`` (int, the team's people at the event, any status),
        ``people_came`` (int). Events without a city in the gazetteer and teams
        without a location are left out; ``attrs["skipped_events"]`` lists the
        events left out.
    """
    cols = ["geoid", "event_id", "event_type", "miles", "attended", "people"]
    cols.append("people_came")
    if teams_by_event is None or teams_by_event.empty:
        out = pd.DataFrame(columns=cols)
        out.attrs["skipped_events"] = []
        return out
    own = teams_by_event
    if "team_geoid" in own.columns:  # one row per team, at its own district
        own = own.loc[own["geoid"] == own["team_geoid"]]
    places, skipped = {}, []
    for row in events.itertuples(index=False):
        city = str(getattr(row, "city", "") or "").strip()
        if not city or city.lower() == "nan":
            skipped.append(row.event_id)
            continue
        try:
            hit = find_city(city)
        except (LookupError, ValueError):
            skipped.append(row.event_id)
            continue
        places[row.event_id] = (float(hit["lat"]), float(hit["lon"]), row.event_type)
    own = own.loc[own["event_id"].isin(places)]
    loc = reference.set_index("geoid")[["lat", "lon"]]
    own = own.loc[own["geoid"].isin(loc.index)]
    team_ll = loc.loc[own["geoid"]].to_numpy(float)
    venue_ll = np.array([places[e][:2] for e in own["event_id"]], float).reshape(-1, 2)
    miles = (
        np.array(
            [
                haversine_matrix(team_ll[i : i + 1], venue_ll[i : i + 1])[0, 0]
                for i in range(len(own))
            ]
        )
        if len(own)
        else np.zeros(0)
    )
    out = pd.DataFrame(
        {
            "geoid": own["geoid"].astype(str).to_numpy(),
            "event_id": own["event_id"].astype(str).to_numpy(),
            "event_type": [str(places[e][2]) for e in own["event_id"]],
            "miles": miles,
            "attended": (own["team_status"] == "attended").to_numpy(bool),
            "people": pd.to_numeric(own.get("n_people", 4)).to_numpy(int),
            "people_came": pd.to_numeric(own.get("roles_came", 0)).to_numpy(int),
        },
        columns=cols,
    )
    out.attrs["skipped_events"] = sorted(skipped)
    return out


@dataclass(frozen=True)
class TurnoutModel:
    """A logistic distance-decay model of attendance (see the module docstring).

    Parameters
    ----------
    intercepts : dict of str to float
        Logit intercept per event type; ``""`` is the type used when a plan
        names none (the most frequent type of the history, or the default).
    slope : float
        Logit change per 100 great-circle miles (negative: fewer come from
        farther).
    covariance : tuple of tuple of float
        Covariance of ``(intercept of each type in order, slope)``; empty for
        the default decay (no uncertainty known).
    types : tuple of str
        Event types in the covariance's order.
    default_type : str
        The event type a plan's meetings are assumed to be.
    fitted : bool
        True when fitted from a history, False for :data:`DEFAULT_DECAY`.
    n : int
        Team-events fitted.
    note : str
        How the model came to be (the reason for the default, the fit's
        library).

    Examples
    --------
    >>> m = TurnoutModel.default("no roster")
    >>> round(float(m.probability(0.0)), 2), round(float(m.probability(190.0)), 2)
    (0.85, 0.5)
    >>> TurnoutModel.from_dict(m.to_dict()) == m
    True
    """

    intercepts: dict = field(default_factory=dict)
    slope: float = DEFAULT_DECAY["slope_per_100_miles"]
    covariance: tuple = ()
    types: tuple = ()
    default_type: str = ""
    fitted: bool = False
    n: int = 0
    note: str = ""

    def __hash__(self) -> int:
        return hash((tuple(sorted(self.intercepts.items())), self.slope, self.note))

    @classmethod
    def default(cls, reason: str) -> TurnoutModel:
        """:data:`DEFAULT_DECAY`, saying why it is used."""
        return cls(
            intercepts={"": DEFAULT_DECAY["intercept"]},
            slope=DEFAULT_DECAY["slope_per_100_miles"],
            note=(
                f"{reason}; using the default decay (85 % of invited teams come "
                "from next door, 50 % from 190 miles: a planning assumption)"
            ),
        )

    def to_dict(self) -> dict:
        """JSON-ready; :meth:`from_dict` rebuilds it."""
        return {
            "intercepts": {str(k): float(v) for k, v in self.intercepts.items()},
            "slope": float(self.slope),
            "covariance": [list(map(float, r)) for r in self.covariance],
            "types": list(self.types),
            "default_type": self.default_type,
            "fitted": bool(self.fitted),
            "n": int(self.n),
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: dict) -> TurnoutModel:
        """Rebuild from :meth:`to_dict` output."""
        return cls(
            intercepts=dict(data.get("intercepts") or {}),
            slope=float(data.get("slope", DEFAULT_DECAY["slope_per_100_miles"])),
            covariance=tuple(tuple(r) for r in data.get("covariance") or ()),
            types=tuple(data.get("types") or ()),
            default_type=str(data.get("default_type", "")),
            fitted=bool(data.get("fitted", False)),
            n=int(data.get("n", 0)),
            note=str(data.get("note", "")),
        )

    def _intercept(self, event_type: str | None) -> float:
        key = self.default_type if event_type is None else event_type
        if key in self.intercepts:
            return float(self.intercepts[key])
        return float(next(iter(self.intercepts.values())))

    def probability(self, miles, event_type: str | None = None):
        """Probability that an invited team comes, at ``miles`` (array or float).

        Parameters
        ----------
        miles : float or numpy.ndarray
            Great-circle miles from the team to the venue (≥ 0).
        event_type : str, optional
            An event type of the history (default :attr:`default_type`).

        Returns
        -------
        float or numpy.ndarray
            In (0, 1), the shape of ``miles``.
        """
        eta = self._intercept(event_type) + self.slope * np.asarray(miles) / _PER
        return 1.0 / (1.0 + np.exp(-eta))

    def curve(
        self, event_type: str | None = None, max_miles: float = 500.0, points: int = 51
    ) -> pd.DataFrame:
        """The fitted curve with its 95 % band, for a chart.

        Returns
        -------
        pandas.DataFrame
            ``miles``, ``probability``, ``low``, ``high`` (the band; equal to
            ``probability`` for the default decay, whose uncertainty is
            unknown), ``event_type``.
        """
        miles = np.linspace(0.0, float(max_miles), int(points))
        key = self.default_type if event_type is None else event_type
        eta = self._intercept(key) + self.slope * miles / _PER
        se = np.zeros_like(miles)
        if self.covariance and key in self.types:
            cov = np.asarray(self.covariance, float)
            x = np.zeros((len(miles), len(self.types) + 1))
            x[:, self.types.index(key)] = 1.0
            x[:, -1] = miles / _PER
            se = np.sqrt(np.einsum("ij,jk,ik->i", x, cov, x))

        def expit(v):
            return 1.0 / (1.0 + np.exp(-v))

        return pd.DataFrame(
            {
                "miles": miles,
                "probability": expit(eta),
                "low": expit(eta - _Z95 * se),
                "high": expit(eta + _Z95 * se),
                "event_type": key or "default",
            }
        )

    def slope_interval(self) -> tuple[float, float] | None:
        """95 % confidence interval of :attr:`slope`; None for the default."""
        if not self.covariance:
            return None
        se = float(np.sqrt(self.covariance[-1][-1]))
        return self.slope - _Z95 * se, self.slope + _Z95 * se


def fit_turnout(history: pd.DataFrame) -> TurnoutModel:
    """Fit the distance-decay model to :func:`turnout_history` rows.

    Parameters
    ----------
    history : pandas.DataFrame
        ``event_type``, ``miles``, ``attended``.

    Returns
    -------
    TurnoutModel
        Fitted (``fitted`` True, ``note`` says how many team-events), or the
        default decay with ``note`` saying why the history is too thin.
    """
    n = 0 if history is None else len(history)
    if n < MIN_TEAMS:
        return TurnoutModel.default(
            f"only {n} team-events with a known venue (at least {MIN_TEAMS} needed)"
        )
    came = int(history["attended"].sum())
    if min(came, n - came) < MIN_EACH:
        return TurnoutModel.default(
            f"{came} of {n} team-events attended: too few of one kind to fit "
            f"(at least {MIN_EACH} each)"
        )
    miles = history["miles"].to_numpy(float)
    if np.ptp(miles) < 10.0:
        return TurnoutModel.default("every team was about as far from its venue")
    counts = history["event_type"].astype(str).value_counts()
    types = tuple(sorted(counts.index))
    x = np.zeros((n, len(types) + 1))
    idx = history["event_type"].astype(str).map({t: i for i, t in enumerate(types)})
    x[np.arange(n), idx.to_numpy(int)] = 1.0
    x[:, -1] = miles / _PER
    y = history["attended"].to_numpy(float)
    # Measured import cost: statsmodels' Logit takes 2-4 s to import (numpy,
    # scipy and pandas already loaded; 4.0 s on the shared 2-core machine),
    # paid once per process and only when a roster is fitted.
    from statsmodels.discrete.discrete_model import Logit
    from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PerfectSeparationWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            result = Logit(y, x).fit(disp=0, maxiter=100)
        cov = np.asarray(result.cov_params(), float)
        params = np.asarray(result.params, float)
        ok = bool(result.mle_retvals.get("converged", False))
    except (np.linalg.LinAlgError, ValueError, PerfectSeparationWarning) as exc:
        return TurnoutModel.default(f"the fit failed ({type(exc).__name__})")
    if not ok or not np.isfinite(cov).all() or not np.isfinite(params).all():
        return TurnoutModel.default("the fit did not converge")
    return TurnoutModel(
        intercepts={t: float(params[i]) for i, t in enumerate(types)},
        slope=float(params[-1]),
        covariance=tuple(tuple(map(float, r)) for r in cov),
        types=types,
        default_type=str(counts.index[0]),
        fitted=True,
        n=n,
        note=(
            f"fitted to {n:,} team-events at {history['event_id'].nunique()} "
            "events with a known venue (logistic regression, statsmodels)"
            if "event_id" in history.columns
            else f"fitted to {n:,} team-events (logistic regression, statsmodels)"
        ),
    )


def turnout_bins(history: pd.DataFrame, width: float = 50.0) -> pd.DataFrame:
    """The data behind the curve: share attended per distance band.

    Returns
    -------
    pandas.DataFrame
        ``miles`` (band middle), ``share`` (0-1), ``teams`` (team-events in the
        band), ``event_type``; bands without teams left out.
    """
    if history is None or history.empty:
        return pd.DataFrame(columns=["miles", "share", "teams", "event_type"])
    band = np.floor(history["miles"].to_numpy(float) / width) * width + width / 2
    frame = history.assign(miles=band)
    out = (
        frame.groupby(["event_type", "miles"])["attended"]
        .agg(share="mean", teams="size")
        .reset_index()
    )
    return out[["miles", "share", "teams", "event_type"]]
