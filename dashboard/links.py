"""What a page's address holds, read and written without Streamlit.

The Map page keeps its view in the query parameters of its address, so that a
reload or a link sent to a colleague opens the same view:

``event``     event id, repeatable (``CALMI-2015-EMERYVILLE``)
``measure``   measure key (:data:`geodata.measures.REGISTRY`)
``region``    CCSESA region, 1-11
``county``    county name (as people type it: ``Alameda``, ``alameda county``)
``district``  NCES LEA id / GEOID of a district, or county FIPS of a COE

:func:`parse_map_params` checks an address against the events, measures and
districts the app knows and says, in words, what it could not use;
:func:`map_params` writes a view back. Other pages keep their own settings the
same way through a list of :class:`Setting` (:func:`parse_settings`,
:func:`settings_params`). ``dashboard.addressbar`` is the Streamlit side.

A bad value never opens a wrong place: an unknown, out-of-range or
contradictory region, county or district returns the statewide view with a
note; unknown events are left out with a note; an unknown measure falls back to
the default measure with a note.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from loaders.counties import normalize_county

__all__ = [
    "MAP_PARAMS",
    "REGIONS",
    "MapView",
    "Params",
    "Setting",
    "map_params",
    "param_values",
    "parse_map_params",
    "parse_settings",
    "same_params",
    "settings_params",
]

#: Query parameters of the Map page, in the order the address lists them.
MAP_PARAMS: tuple[str, ...] = ("event", "measure", "region", "county", "district")
#: The CCSESA regions.
REGIONS: tuple[int, ...] = tuple(range(1, 12))

#: A page's query parameters: name → value, or values for a repeated name
#: (``st.query_params`` read with ``get_all``, or a plain dict).
Params = Mapping[str, "str | Sequence[str]"]


@dataclass(frozen=True)
class MapView:
    """One view of the Map page: what colours the map and where it looks.

    Attributes
    ----------
    measure : str
        Measure key (:data:`geodata.measures.REGISTRY`).
    event_ids : tuple of str
        Selected events (empty: all events for a many-event measure, the
        page's default event for a one-event measure).
    region : int or None
        CCSESA region 1-11; None for all California.
    county : str or None
        County name as :func:`loaders.counties.county_table` spells it.
    district : str or None
        NCES LEA id (7 digits) of a district or county FIPS (``06xxx``) of a
        COE; None when no district is open.
    """

    measure: str
    event_ids: tuple[str, ...] = ()
    region: int | None = None
    county: str | None = None
    district: str | None = None


def param_values(params: Params, name: str) -> list[str]:
    """The non-empty values of one query parameter, stripped, in address order.

    Examples
    --------
    >>> param_values({"event": ["A", " B ", ""], "region": "4"}, "event")
    ['A', 'B']
    >>> param_values({"region": "4"}, "region"), param_values({}, "region")
    (['4'], [])
    """
    value = params.get(name)
    if value is None:
        return []
    values = [value] if isinstance(value, str) else list(value)
    return [str(v).strip() for v in values if str(v).strip()]


def _words(values: Iterable[str]) -> str:
    return ", ".join(f"“{v}”" for v in values)


def parse_map_params(
    params: Params,
    *,
    measures: Mapping[str, bool],
    event_ids: Sequence[str],
    reference: pd.DataFrame,
    default_measure: str | None = None,
) -> tuple[MapView | None, list[str]]:
    """The Map page's view from its address, and what could not be used.

    Parameters
    ----------
    params : mapping
        Query parameters (see :data:`Params`); names other than
        :data:`MAP_PARAMS` are ignored.
    measures : mapping of str to bool
        Measure key → whether it shows one event (``Measure.one_event``), in
        page order.
    event_ids : sequence of str
        Every known event id.
    reference : pandas.DataFrame
        Districts and COEs (``geoid`` str, ``ccsesa_region`` int, ``county``
        str; :func:`geodata.boundaries.entity_reference`).
    default_measure : str, optional
        Measure of a link without one (or with an unknown one); default the
        first of ``measures``.

    Returns
    -------
    (MapView or None, list of str)
        None when the address holds none of :data:`MAP_PARAMS` (the page keeps
        its own defaults). The notes say, one sentence each, which values were
        not used and what is shown instead. A bad or contradictory ``region``,
        ``county`` or ``district`` gives the statewide view (all three None);
        every bad one of them gets its own note.

    Examples
    --------
    >>> ref = pd.DataFrame({"geoid": ["0628050"], "ccsesa_region": [4],
    ...                     "county": ["Alameda"]})
    >>> view, notes = parse_map_params(
    ...     {"region": "4", "district": "0628050", "measure": "completeness",
    ...      "event": ["CALMI-2015-EMERYVILLE"]},
    ...     measures={"events_attended": False, "completeness": True},
    ...     event_ids=["CALMI-2015-EMERYVILLE"], reference=ref)
    >>> view, notes
    (MapView(measure='completeness', event_ids=('CALMI-2015-EMERYVILLE',), \
region=4, county=None, district='0628050'), [])
    >>> parse_map_params({"region": "12"}, measures={"events_attended": False},
    ...                  event_ids=[], reference=ref)[1]
    ['Region “12” in the link is not a CCSESA region (1-11): showing all California.']
    """
    if not any(param_values(params, name) for name in MAP_PARAMS):
        return None, []
    notes: list[str] = []
    default = default_measure or next(iter(measures))

    measure = default
    asked = param_values(params, "measure")
    if asked:
        if asked[0] in measures:
            measure = asked[0]
        else:
            notes.append(
                f"Measure {_words(asked[:1])} in the link is not one of "
                f"{', '.join(measures)}: showing {default}."
            )

    known = set(event_ids)
    wanted = list(dict.fromkeys(param_values(params, "event")))
    unknown = [e for e in wanted if e not in known]
    events = tuple(e for e in wanted if e in known)
    if unknown:
        notes.append(f"Unknown event(s) in the link left out: {_words(unknown)}.")
    if measures.get(measure) and len(events) > 1:
        notes.append(
            f"The measure {measure} shows one event: showing {events[0]}, "
            f"not {_words(events[1:])}."
        )
        events = events[:1]

    region, county, district, problems = _place(params, reference)
    if problems:
        notes += [p + ": showing all California." for p in problems]
        region = county = district = None
    view = MapView(measure, events, region, county, district)
    return view, notes


def _place(
    params: Params, reference: pd.DataFrame
) -> tuple[int | None, str | None, str | None, list[str]]:
    """``(region, county, district, problems)``; problems empty when all agree.

    Each of ``region``, ``county`` and ``district`` is checked on its own
    first, so a link with two bad values gets a note for each (a bad county
    never hides a bad district); whether they agree is checked only when
    each is known.
    """
    region = county = district = None
    problems: list[str] = []
    texts = {n: param_values(params, n)[:1] for n in ("region", "county", "district")}
    if texts["region"]:
        text = texts["region"][0]
        try:
            region = int(text)
        except ValueError:
            region = None
        if region not in REGIONS:
            region = None
            problems.append(
                f"Region {_words([text])} in the link is not a CCSESA region (1-11)"
            )
    if texts["county"]:
        text = texts["county"][0]
        county = normalize_county(text)
        if county is None:
            problems.append(f"County {_words([text])} is not a California county")
    row = None
    if texts["district"]:
        text = texts["district"][0]
        hit = reference.loc[reference["geoid"].astype(str) == text]
        if hit.empty:
            problems.append(
                f"No district or COE has the NCES id or county FIPS {_words([text])}"
            )
        else:
            row, district = hit.iloc[0], text
    if problems:
        return None, None, None, problems
    if county is not None:
        rows = reference.loc[reference["county"] == county, "ccsesa_region"]
        home = int(rows.iloc[0]) if not rows.empty else None
        if region is not None and home is not None and home != region:
            return None, None, None, [
                f"{county} County is in Region {home}, not Region {region}"
            ]
        region = home if region is None else region
    if row is not None:
        home_region, home_county = int(row["ccsesa_region"]), str(row["county"])
        if region is not None and region != home_region:
            return None, None, None, [
                f"District {district} is in Region {home_region}, not Region {region}"
            ]
        if county is not None and county != home_county:
            return None, None, None, [
                f"District {district} is in {home_county} County, not {county} County"
            ]
        if region is None:  # a district alone: open it as a click does
            region, county = home_region, home_county
    return region, county, district, []


def map_params(view: MapView) -> dict[str, list[str]]:
    """The query parameters of a view (what :func:`parse_map_params` reads back).

    Empty values are left out: no ``event`` means all events, no ``region``
    all California.

    Examples
    --------
    >>> map_params(MapView("completeness", ("CALMI-2015-EMERYVILLE",), 4,
    ...                    None, "0628050"))
    {'event': ['CALMI-2015-EMERYVILLE'], 'measure': ['completeness'], \
'region': ['4'], 'district': ['0628050']}
    """
    out: dict[str, list[str]] = {}
    if view.event_ids:
        out["event"] = [str(e) for e in view.event_ids]
    out["measure"] = [view.measure]
    if view.region is not None:
        out["region"] = [str(int(view.region))]
    if view.county:
        out["county"] = [view.county]
    if view.district:
        out["district"] = [str(view.district)]
    return out


def same_params(a: Params, b: Params) -> bool:
    """Whether two sets of query parameters hold the same values (order kept).

    Examples
    --------
    >>> same_params({"region": "4"}, {"region": ["4"], "county": []})
    True
    """
    names = set(a) | set(b)
    return all(param_values(a, n) == param_values(b, n) for n in names)


# --------------------------------------------------------------- page settings
@dataclass(frozen=True)
class Setting:
    """One page setting kept in the address.

    Attributes
    ----------
    param : str
        Query parameter name.
    key : str
        Session-state key of the widget holding it.
    kind : {"text", "int", "texts", "ints", "flag"}
        One value or a repeated parameter; ``flag`` is ``1`` / ``0``.
    choices : collection, optional
        Allowed values (after conversion: ints for ``int``/``ints``); None
        allows any.
    absent : object, optional
        The value that the address leaves out (e.g. ``"All"`` for no region).
    """

    param: str
    key: str
    kind: str
    choices: object = None
    absent: object = None


def _convert(setting: Setting, text: str):
    if setting.kind in ("int", "ints"):
        return int(text)
    if setting.kind == "flag":
        if text not in ("0", "1"):
            raise ValueError(text)
        return text == "1"
    return text


def parse_settings(
    params: Params, settings: Sequence[Setting]
) -> tuple[dict[str, object], list[str]]:
    """Session-state values from the address, and what could not be used.

    Parameters
    ----------
    params : mapping
        Query parameters (see :data:`Params`).
    settings : sequence of Setting

    Returns
    -------
    (dict, list of str)
        Session-state key → value for each parameter present and valid (lists
        for ``texts``/``ints``, invalid items dropped); the notes name each
        value left out (the page keeps its own value for it).

    Examples
    --------
    >>> s = [Setting("model", "plan_model", "text", ("p-median", "coverage")),
    ...      Setting("region", "plan_regions", "ints", range(1, 12))]
    >>> parse_settings({"model": "coverage", "region": ["4", "x", "12"]}, s)
    ({'plan_model': 'coverage', 'plan_regions': [4]}, \
['“x”, “12” in the link is not a valid region: left out.'])
    """
    values: dict[str, object] = {}
    notes: list[str] = []
    for setting in settings:
        texts = param_values(params, setting.param)
        if not texts:
            continue
        good, bad = [], []
        for text in texts if setting.kind in ("texts", "ints") else texts[:1]:
            try:
                value = _convert(setting, text)
            except ValueError:
                bad.append(text)
                continue
            if setting.choices is not None and value not in setting.choices:
                bad.append(text)
            else:
                good.append(value)
        if bad:
            notes.append(
                f"{_words(bad)} in the link is not a valid {setting.param}: left out."
            )
        if setting.kind in ("texts", "ints"):
            if good or not bad:
                values[setting.key] = list(dict.fromkeys(good))
        elif good:
            values[setting.key] = good[0]
    return values, notes


def settings_params(
    values: Mapping[str, object], settings: Sequence[Setting]
) -> dict[str, list[str]]:
    """Query parameters of a page's settings (read back by :func:`parse_settings`).

    Settings missing from ``values``, equal to their ``absent`` value or empty
    lists are left out.

    Examples
    --------
    >>> s = [Setting("model", "plan_model", "text"),
    ...      Setting("region", "plan_regions", "ints"),
    ...      Setting("capacity", "plan_use_capacity", "flag")]
    >>> settings_params({"plan_model": "coverage", "plan_regions": [4, 5],
    ...                  "plan_use_capacity": False}, s)
    {'model': ['coverage'], 'region': ['4', '5'], 'capacity': ['0']}
    """
    out: dict[str, list[str]] = {}
    for setting in settings:
        if setting.key not in values:
            continue
        value = values[setting.key]
        if value is None or (setting.absent is not None and value == setting.absent):
            continue
        if setting.kind in ("texts", "ints"):
            items = [str(v) for v in (value or [])]
            if items:
                out[setting.param] = items
        elif setting.kind == "flag":
            out[setting.param] = ["1" if value else "0"]
        else:
            out[setting.param] = [str(value)]
    return out
