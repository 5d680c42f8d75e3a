"""The built-in demo roster: placeholder people, real districts and COEs.

A realistic history of the CA LMI network, generated with a fixed seed from the
real events (``loaders/data/events.csv``) and the real districts and county
offices of education (the reference table the caller passes in:
``geodata.boundaries.entity_reference()``):

- **2015 Symposium** (``CALMI-2015-SYMP``): about 100 teams apply; exactly 47
  district teams and 4 COE teams attend; the others stay ``applied`` (not
  admitted), ``waitlisted`` or ``cancelled``.
- **Los Angeles** (``CALMI-2015-LA-REGIONAL``) and **Bay Area**
  (``CALMI-2015-EMERYVILLE``) convenings: mostly teams that applied to the
  Symposium but did not attend, from the southern CCSESA regions 8-11 and the
  Bay Area / northern-central regions 3-6 respectively, plus a few new teams.
- **Spring 2016 sessions**, the **2016-17 regional cohort trainings** (Bay
  Area regions 4-5, Southern California regions 9-11), the **2019 Northern
  California network convening** (regions 1-7) and the **summer institutes**
  2017-2024: returning teams mixed with new ones. The planned Sacramento cohort
  has no roster.
- Attendance falls with distance: at every event held in a known city
  (:data:`_CITY_LATLON`), a registered team's chance to come is
  logit⁻¹(2.6 − 0.9 × miles / 100) (93 % next door, 50 % at about 290 miles,
  :data:`DEMO_DECAY`), so the Plan page's turnout curve has something real to
  show. The draws are the same as without it (one per team), so the roster's
  teams and people do not change, only some statuses.
- Incomplete teams are common (often one role missing: a no-show, a
  cancellation, or a role never named).

People are placeholders only: "Superintendent 014", "Board Member 014",
"Teachers Union President 014", "Classified Union President 014" (014 is the
team's number in the demo) with addresses such as ``sup014@example.org``.

District and COE names are written the way people write them: CDE names,
Census names ("Los Angeles Unified School District"), abbreviations ("San Diego
USD", "Alta Loma ESD", "Kern COE"), "Fresno Unified Schools", trailing spaces
and lower case. A handful of rows are deliberately hard for a matcher: the
acronyms "SDUSD", "LAUSD" and "RCOE" and one misspelling ("Sacremento City
Unified"). No row is wrong on purpose beyond that: every code given is the
entity's real code (sometimes with its leading zero lost, as Excel does), and
every county given is the entity's county. CDS codes are on about 30 % of rows,
CD codes on about 15 %, NCES ids on about 5 %.

``demo_roster(reference, with_geoid=True)`` adds the hidden ``true_geoid`` of
every row, for tests and matching benchmarks.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from loaders.columns import ROSTER_COLUMNS
from loaders.events import load_events
from loaders.fileio import atomic_output
from loaders.normalize import fold_text
from loaders.vocab import ROLES

__all__ = ["DEMO_DECAY", "DEMO_SEED", "demo_roster", "write_demo_roster"]

#: Default seed (the year of the first Symposium).
DEMO_SEED = 2015

_PEOPLE = {
    "superintendent": ("Superintendent", "sup"),
    "board_member": ("Board Member", "board"),
    "teachers_union_president": ("Teachers Union President", "tu"),
    "classified_union_president": ("Classified Union President", "cu"),
}
#: The demo's distance decay of attendance at events held in a known city:
#: logit P(attend) = intercept + slope × great-circle miles / 100.
DEMO_DECAY = {"intercept": 2.6, "slope_per_100_miles": -0.9}
# Event cities of loaders/data/events.csv (WGS84 lat, lon of the city centre,
# GeoNames), here because loaders never imports the gazetteer in geodata.
_CITY_LATLON = {
    "San Diego": (32.71571, -117.16472),
    "Los Angeles": (34.05223, -118.24368),
    "Emeryville": (37.83132, -122.28525),
    "Norco": (33.93113, -117.54866),
    "Milpitas": (37.42827, -121.90662),
    "American Canyon": (38.17492, -122.26080),
}
# Which role is missing from an incomplete team, relative weights.
_MISSING_ROLE_WEIGHTS = np.array([0.15, 0.35, 0.2, 0.3])

# Name forms forced on one team at one event (entity CDE name → (event, text)).
_TRICKY = {
    "San Diego Unified": [
        ("CALMI-2015-SYMP", "SDUSD"),
        ("CALMI-2017-SI", "San Diego USD"),
    ],
    "Los Angeles Unified": [
        ("CALMI-2015-SYMP", "Los Angeles Unified School District"),
        ("CALMI-2018-SI", "LAUSD"),
    ],
    "Fresno Unified": [("CALMI-2015-SYMP", "Fresno Unified Schools")],
    "Sacramento City Unified": [("CALMI-2015-SYMP", "Sacremento City Unified")],
    "Riverside County Office of Education": [
        ("CALMI-2015-SYMP", "Riverside County Office of Education"),
        ("CALMI-2017-SI", "RCOE"),
    ],
}
# Teams that are in the network from the start and return to the summer institutes
# where a tricky form is used.
_FORCED_SYMPOSIUM = list(_TRICKY)


@dataclass
class _Event:
    event_id: str
    regions: tuple[int, ...] | None  # None = statewide
    teams: int
    returning: float  # share of teams that were at an earlier event
    statuses: dict[str, float] = field(default_factory=dict)


# Team-level outcomes at events people register for (not applications).
_REGISTRATION = {
    "attended": 0.87,
    "registered": 0.04,
    "cancelled": 0.05,
    "waitlisted": 0.04,
}
_PLAN = [
    _Event("CALMI-2016-SPRING-SOCAL", (8, 9, 10, 11), 12, 0.8, _REGISTRATION),
    _Event("CALMI-2016-SPRING-CENTRAL", (6, 7), 10, 0.5, _REGISTRATION),
    _Event("CALMI-2016-SPRING-SOUTHBAY", (5,), 8, 0.5, _REGISTRATION),
    _Event("CALMI-2017-SI", None, 36, 0.6, _REGISTRATION),
    _Event("CALMI-2018-SI", None, 40, 0.6, _REGISTRATION),
    _Event("CALMI-2019-SI", None, 45, 0.55, _REGISTRATION),
    _Event("CALMI-2019-NORCAL", (1, 2, 3, 4, 5, 6, 7), 26, 0.5, _REGISTRATION),
    _Event("CALMI-2021-SI", None, 50, 0.5, _REGISTRATION),
    _Event("CALMI-2022-SI", None, 45, 0.55, _REGISTRATION),
    _Event("CALMI-2023-SI", None, 50, 0.55, _REGISTRATION),
    _Event("CALMI-2024-SI", None, 55, 0.55, _REGISTRATION),
]
_COHORTS = {
    # sessions of one cohort: the same teams, attendance varying per session
    (
        "CALMI-2016-17-COHORT-BAY-S1",
        "CALMI-2016-17-COHORT-BAY-S2",
        "CALMI-2016-17-COHORT-BAY-S3",
    ): ((4, 5), 10),
    ("CALMI-2016-17-COHORT-SOCAL-S2", "CALMI-2016-17-COHORT-SOCAL-S3"): (
        (9, 10, 11),
        10,
    ),
}


class _Builder:
    def __init__(self, full: pd.DataFrame, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        ref = full.loc[full["has_boundary"]].sort_values("geoid").reset_index(drop=True)
        self.ref = {str(r["geoid"]): r for r in ref.astype(object).to_dict("records")}
        # Names that only the county tells apart ("Jefferson Elementary" x3,
        # "Evergreen Elementary" vs "Evergreen Union"): always written with county
        # or a code.
        keys = full["name"].map(_name_key) + "|" + full["district_type"]
        self.duplicate_names = set(full.loc[keys.duplicated(keep=False), "name"])
        enrol = ref["enrollment"].astype("Float64").fillna(0).to_numpy(float)
        county_enrol = ref.groupby("county")["enrollment"].sum().astype(float)
        coe = (ref["district_type"] == "coe").to_numpy()
        weight = np.sqrt(np.maximum(enrol, 50.0))
        weight[coe] = np.sqrt(ref.loc[coe, "county"].map(county_enrol).to_numpy(float))
        self.weight = pd.Series(weight, index=ref["geoid"])
        self.is_coe = pd.Series(coe, index=ref["geoid"])
        self.region = pd.Series(ref["ccsesa_region"].to_numpy(), index=ref["geoid"])
        self.team_no: dict[str, int] = {}
        self.rows: list[dict[str, object]] = []
        self.attended: list[str] = []  # geoids that attended something, in order
        self.latlon = (
            {
                str(g): (float(la), float(lo))
                for g, la, lo in zip(ref["geoid"], ref["lat"], ref["lon"], strict=True)
                if pd.notna(la) and pd.notna(lo)
            }
            if {"lat", "lon"} <= set(ref.columns)
            else {}
        )
        events = load_events()
        self.venue = {
            str(e): _CITY_LATLON[str(c)]
            for e, c in zip(events["event_id"], events["city"], strict=True)
            if str(c) in _CITY_LATLON
        }
        self.name_to_geoid = {
            n: g
            for g, n in zip(ref["geoid"], ref["name"])
            if n not in self.duplicate_names
        }

    # -- choosing teams -------------------------------------------------------------
    def pick(
        self,
        n: int,
        *,
        regions: tuple[int, ...] | None = None,
        coe: bool | None = None,
        exclude: list[str] | tuple[str, ...] = (),
        among: list[str] | None = None,
    ) -> list[str]:
        pool = self.weight.index if among is None else pd.Index(among)
        mask = ~pool.isin(list(exclude))
        if regions is not None:
            mask &= self.region.reindex(pool).isin(regions).to_numpy()
        if coe is not None:
            mask &= (self.is_coe.reindex(pool) == coe).to_numpy()
        pool = pool[mask]
        if len(pool) == 0 or n <= 0:
            return []
        n = min(n, len(pool))
        w = self.weight.reindex(pool).to_numpy(float)
        chosen = self.rng.choice(len(pool), size=n, replace=False, p=w / w.sum())
        return [pool[i] for i in chosen]

    def number(self, geoid: str) -> int:
        if geoid not in self.team_no:
            self.team_no[geoid] = len(self.team_no) + 1
        return self.team_no[geoid]

    # -- writing one team's rows ---------------------------------------------------
    def team_roles(self) -> list[str]:
        """Roles a team names: usually all four, often one missing."""
        u = self.rng.random()
        if u < 0.62:
            return list(ROLES)
        k = 1 if u < 0.9 else 2
        missing = self.rng.choice(
            4,
            size=k,
            replace=False,
            p=_MISSING_ROLE_WEIGHTS / _MISSING_ROLE_WEIGHTS.sum(),
        )
        return [r for i, r in enumerate(ROLES) if i not in set(missing.tolist())]

    def add_team(self, event_id: str, geoid: str, team_status: str) -> None:
        roles = self.team_roles()
        statuses = [team_status] * len(roles)
        if team_status == "attended":
            # one listed role often stays away (no-show or cancelled)
            if len(roles) == 4 and self.rng.random() < 0.3:
                i = int(self.rng.integers(len(roles)))
                statuses[i] = "registered" if self.rng.random() < 0.6 else "cancelled"
        elif team_status == "registered" and len(roles) > 1 and self.rng.random() < 0.3:
            statuses[int(self.rng.integers(len(roles)))] = "cancelled"
        if team_status == "attended" and geoid not in self.attended:
            self.attended.append(geoid)
        form = self.name_form(event_id, geoid)
        codes = self.codes(geoid)
        county = self.county_form(geoid, bool(codes["cds_code"] or codes["cd_code"]))
        no = self.number(geoid)
        for role, status in zip(roles, statuses):
            label, prefix = _PEOPLE[role]
            name = form
            u = self.rng.random()
            if u < 0.04:
                name = name + " "
            elif u < 0.06:
                name = name.lower()
            elif u < 0.07:
                name = name.replace(" ", "  ", 1)
            self.rows.append(
                {
                    "event_id": event_id,
                    "entity_name": name,
                    **codes,
                    "county": county,
                    "role": role,
                    "status": status,
                    "person_name": f"{label} {no:03d}",
                    "email": f"{prefix}{no:03d}@example.org"
                    if self.rng.random() < 0.85
                    else "",
                    "true_geoid": geoid,
                }
            )

    def name_form(self, event_id: str, geoid: str) -> str:
        entity = self.ref[geoid]
        name = str(entity["name"])
        for forced_event, text in _TRICKY.get(name, []):
            if forced_event == event_id:
                return text
        forms = _name_variants(
            name, str(entity["census_name"]), entity["district_type"]
        )
        weights = np.array([w for _, w in forms], dtype=float)
        i = int(self.rng.choice(len(forms), p=weights / weights.sum()))
        return forms[i][0]

    def codes(self, geoid: str) -> dict[str, str]:
        entity = self.ref[geoid]
        out = {"cds_code": "", "cd_code": "", "nces_id": ""}
        lose_zero = self.rng.random() < 0.5
        u = self.rng.random()
        if u < 0.30:
            out["cds_code"] = str(entity["cds_code"])
        elif u < 0.45:
            out["cd_code"] = str(entity["cd_code"])
        elif u < 0.50 and entity["district_type"] != "coe":
            out["nces_id"] = str(entity["geoid"])
        if lose_zero:
            for key in ("cds_code", "cd_code"):
                out[key] = out[key].removeprefix("0")
        return out

    def county_form(self, geoid: str, has_code: bool) -> str:
        entity = self.ref[geoid]
        county = str(entity["county"])
        needs = entity["name"] in self.duplicate_names and not has_code
        if not needs and self.rng.random() < 0.35:
            return ""
        u = self.rng.random()
        if u < 0.15:
            return county + " County"
        if u < 0.2:
            return county.lower()
        return county


_GENERIC = frozenset(
    [
        "union",
        "joint",
        "city",
        "elementary",
        "unified",
        "high",
        "school",
        "schools",
        "district",
    ]
)


def _name_key(name: str) -> str:
    return " ".join(w for w in fold_text(name).split() if w not in _GENERIC)


def _name_variants(
    name: str, census_name: str, district_type: str
) -> list[tuple[str, float]]:
    """Ways people write one district's or COE's name, with relative weights."""
    forms: list[tuple[str, float]] = [(name, 10.0)]
    if district_type == "coe":
        m = re.match(
            r"^(.*) County (Office of Education|Superintendent of Schools|"
            r"Department of Education)$",
            name,
        )
        if m:
            county = m.group(1)
            forms += [
                (f"{county} COE", 2.0),
                (f"{county} County Office of Ed.", 1.0),
                (
                    f"{county} County Office of Education",
                    1.0 if m.group(2) != "Office of Education" else 0.0,
                ),
            ]
        return [(f, w) for f, w in forms if w > 0]
    if census_name and census_name != name:
        forms.append((census_name, 3.0))
    rules = [
        (r" Joint Unified$", [" JUSD", " Joint Unified School District"]),
        (r" Unified$", [" USD", " Unified School District", " Unified Schools"]),
        (r" Union Elementary$", [" Union ESD", " UESD"]),
        (r" Elementary$", [" ESD", " Elementary School District"]),
        (r" Joint Union High$", [" JUHSD", " Joint Union High School District"]),
        (r" Union High$", [" UHSD", " Union High School District"]),
        (r" High$", [" HSD", " High School District"]),
    ]
    for pattern, replacements in rules:
        if re.search(pattern, name):
            weights = [3.0] + [1.0] * (len(replacements) - 1)
            for text, w in zip(replacements, weights):
                forms.append((re.sub(pattern, text, name), w))
            break
    seen: dict[str, float] = {}
    for text, w in forms:
        seen[text] = seen.get(text, 0.0) + w
    return list(seen.items())


def _build(reference: pd.DataFrame, seed: int) -> pd.DataFrame:
    b = _Builder(reference, seed)
    rng = b.rng
    forced = [b.name_to_geoid[n] for n in _FORCED_SYMPOSIUM]
    forced_districts = [g for g in forced if not b.is_coe[g]]
    forced_coes = [g for g in forced if b.is_coe[g]]

    # --- 2015 Symposium: ~100 applications, 47 districts + 4 COEs attend --------------
    sym = "CALMI-2015-SYMP"
    applicant_districts = forced_districts + b.pick(
        96 - len(forced_districts), coe=False, exclude=forced_districts
    )
    applicant_coes = forced_coes + b.pick(
        6 - len(forced_coes), coe=True, exclude=forced_coes
    )
    rest = [g for g in applicant_districts if g not in forced_districts]
    attending = forced_districts + b.pick(47 - len(forced_districts), among=rest)
    attending_coes = forced_coes + b.pick(
        4 - len(forced_coes), among=[g for g in applicant_coes if g not in forced_coes]
    )
    attending_set = set(attending) | set(attending_coes)
    order = list(applicant_districts + applicant_coes)
    rng.shuffle(order)
    for geoid in order:
        if geoid in attending_set:
            status = "attended"
        else:
            u = rng.random()
            status = (
                "applied" if u < 0.78 else "waitlisted" if u < 0.92 else "cancelled"
            )
        b.add_team(sym, geoid, status)
    not_attending = [g for g in order if g not in attending_set]

    # --- late-2015 convenings: mostly Symposium applicants who did not attend --------
    for event_id, regions, n_new in (
        ("CALMI-2015-LA-REGIONAL", (8, 9, 10, 11), 5),
        ("CALMI-2015-EMERYVILLE", (3, 4, 5, 6), 4),
    ):
        from_symposium = [g for g in not_attending if b.region[g] in regions]
        k = max(1, round(len(from_symposium) * 0.85))
        teams = b.pick(k, among=from_symposium)
        teams += b.pick(n_new, regions=regions, exclude=list(b.team_no))
        teams += b.pick(1, among=[g for g in attending if b.region[g] in regions])
        for geoid in teams:
            miles = _miles(b, event_id, geoid)
            b.add_team(event_id, geoid, _team_status(rng, _REGISTRATION, miles))

    # --- spring 2016, cohorts, network convening and summer institutes ---------------
    plan = list(_PLAN)
    cohort_at = {"CALMI-2017-SI": list(_COHORTS.items())}
    for spec in plan[:3]:
        _regular_event(b, spec, forced=[])
    for sessions, (regions, n) in cohort_at["CALMI-2017-SI"]:
        returning = [g for g in b.attended if b.region[g] in regions]
        teams = b.pick(int(n * 0.6), among=returning) if returning else []
        teams += b.pick(n - len(teams), regions=regions, exclude=teams)
        for event_id in sessions:
            for geoid in teams:
                miles = _miles(b, event_id, geoid)
                b.add_team(event_id, geoid, _team_status(rng, _REGISTRATION, miles))
    for spec in plan[3:]:
        forced_here = [
            b.name_to_geoid[n]
            for n, uses in _TRICKY.items()
            for event_id, _ in uses
            if event_id == spec.event_id
        ]
        _regular_event(b, spec, forced=forced_here)

    frame = pd.DataFrame(b.rows, columns=[*ROSTER_COLUMNS, "true_geoid"])
    return frame.astype("string")


def _team_status(
    rng: np.random.Generator, weights: dict[str, float], miles: float | None = None
) -> str:
    """One team's status at an event: one draw, ``attended`` falling with
    ``miles`` (:data:`DEMO_DECAY`) when the venue is known."""
    names = list(weights)
    p = np.array([weights[k] for k in names], dtype=float)
    p = p / p.sum()
    if miles is not None and "attended" in weights:
        i = names.index("attended")
        eta = DEMO_DECAY["intercept"] + DEMO_DECAY["slope_per_100_miles"] * miles / 100
        came = 1.0 / (1.0 + np.exp(-eta))
        rest = np.delete(p, i)
        p = np.insert(rest / rest.sum() * (1.0 - came), i, came)
    return names[int(rng.choice(len(names), p=p))]


def _miles(b: _Builder, event_id: str, geoid: str) -> float | None:
    """Great-circle miles from a team's office to the event's city, if known."""
    if event_id not in b.venue or geoid not in b.latlon:
        return None
    (la1, lo1), (la2, lo2) = (
        map(np.radians, b.latlon[geoid]),
        map(np.radians, b.venue[event_id]),
    )
    h = (
        np.sin((la2 - la1) / 2) ** 2
        + np.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
    )
    return float(2 * 3958.7613 * np.arcsin(np.sqrt(min(h, 1.0))))


def _regular_event(b: _Builder, spec: _Event, forced: list[str]) -> None:
    returning_pool = [
        g
        for g in b.attended
        if g not in forced and (spec.regions is None or b.region[g] in spec.regions)
    ]
    n_return = min(len(returning_pool), round(spec.teams * spec.returning))
    teams = list(forced)
    teams += b.pick(n_return, among=returning_pool)
    teams += b.pick(spec.teams - len(teams), regions=spec.regions, exclude=teams)
    order = list(teams)
    b.rng.shuffle(order)
    for geoid in order:
        status = (
            "attended"
            if geoid in forced
            else _team_status(b.rng, spec.statuses, _miles(b, spec.event_id, geoid))
        )
        b.add_team(spec.event_id, geoid, status)


def demo_roster(
    reference: pd.DataFrame, seed: int = DEMO_SEED, *, with_geoid: bool = False
) -> pd.DataFrame:
    """The demo roster: realistic CA LMI participation, placeholder people.

    Parameters
    ----------
    reference : pandas.DataFrame
        The districts and COEs teams come from: ``geodata.boundaries.
        entity_reference()`` (1,002 rows; uses ``geoid``, ``name``,
        ``census_name``, ``district_type``, ``county``, ``cds_code``,
        ``cd_code``, ``enrollment``, ``ccsesa_region``, ``has_boundary``).
        Only entities with a boundary send teams.
    seed : int
        Random seed; the same seed always gives the same roster.
    with_geoid : bool
        Add ``true_geoid`` (the NCES id, or county FIPS for a COE, each row was
        generated from), for tests and matching benchmarks. Not part of the
        canonical roster.

    Returns
    -------
    pandas.DataFrame
        About 2,000 rows with :data:`loaders.columns.ROSTER_COLUMNS` (``string``
        dtype; optional values empty as ``<NA>``), in event order.

    Raises
    ------
    KeyError
        If ``reference`` lacks one of the columns above.
    """
    frame = _build(reference, seed).replace("", pd.NA)
    if not with_geoid:
        frame = frame.drop(columns="true_geoid")
    return frame


def write_demo_roster(
    out: Path | str, reference: pd.DataFrame, seed: int = DEMO_SEED
) -> int:
    """Write the demo roster to a CSV or XLSX file, atomically.

    Parameters
    ----------
    out : path
        Target file; ``.csv`` writes UTF-8 CSV, ``.xlsx`` an Excel workbook (codes
        whose leading zero was lost are stored as numbers, as Excel does). The
        folder is created if needed. The file is written to a temporary file in
        the same folder and then renamed over ``out``, so a reader never sees a
        half-written file. It gets the permissions of a normal user file (mode
        0666 less the umask, e.g. 0644), as :func:`loaders.fileio.atomic_output`
        gives.
    reference : pandas.DataFrame
        ``geodata.boundaries.entity_reference()`` (see :func:`demo_roster`).
    seed : int
        Random seed (see :func:`demo_roster`).

    Returns
    -------
    int
        Number of roster rows written.

    Raises
    ------
    ValueError
        If the suffix is neither ``.csv`` nor ``.xlsx``.
    OSError
        If the folder cannot be written.
    """
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValueError(
            f"{out.name}: the demo roster is written as .csv or .xlsx; "
            f"{suffix or 'no suffix'} is not supported."
        )
    frame = demo_roster(reference, seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(out) as tmp:
        if suffix == ".csv":
            text = frame.fillna("").to_csv(index=False, lineterminator="\n")
            tmp.write_bytes(text.encode("utf-8"))
        else:
            _write_xlsx(frame, tmp)
    return len(frame)


def _write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    # Imported here: openpyxl costs 0.24 s to import (python -X importtime,
    # measured) and only the XLSX demo file needs it, not the app's demo roster.
    from openpyxl import Workbook

    # A normal (not write-only) workbook stores text as shared strings, as Excel
    # does; write-only mode's inline strings are several times slower to read.
    book = Workbook()
    fixed = dt.datetime(2015, 5, 8)
    book.properties.created = fixed
    book.properties.modified = fixed
    sheet = book.active
    sheet.title = "Roster"
    sheet.append(list(frame.columns))
    codes = {"cds_code": 13, "cd_code": 6}
    for record in frame.fillna("").itertuples(index=False):
        values: list[object] = []
        for column, value in zip(frame.columns, record):
            if column in codes and len(value) == codes[column]:
                values.append(int(value))  # Excel dropped the leading zero
            else:
                values.append(value or None)
        sheet.append(values)
    book.save(path)
