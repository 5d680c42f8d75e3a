"""The matching pipeline: every roster row to a district or COE, explainably.

Every roster row names the district or county office of education (COE) its
team comes from, by code or by name or both. :func:`match_roster` finds the
entity in the reference table (``geodata.boundaries.entity_reference()``: 944
CDE districts and 58 COEs, passed in by the caller) and says how sure it is:

1. each distinct (name, county) is matched by name once
   (:mod:`loaders.matching.by_name`: saved aliases, exact name, shipped
   aliases and acronyms, fuzzy with district type and county as evidence);
2. each distinct (name, county, codes) is then decided with its codes
   (:mod:`loaders.matching.by_code`): a code must exist, and a code whose
   entity disagrees with the name or the county goes to review;
3. each decision is described as the match columns
   (:data:`loaders.columns.MATCH_COLUMNS`) of every row that has it.

An elementary and a high school district run as one (Santa Rosa City Schools)
count as one candidate; a match to either links the other (``linked_geoids``,
:mod:`loaders.matching.governance`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from loaders.columns import ENTITY_COLUMNS, MATCH_COLUMNS
from loaders.matching.by_code import combine
from loaders.matching.by_name import match_names, user_alias_index
from loaders.matching.decisions import Result
from loaders.matching.governance import linked_entities
from loaders.matching.index import Index, reference_index
from loaders.matching.names import county_suffix
from loaders.normalize import normalize_county

__all__ = ["match_roster"]


def match_roster(
    rows: pd.DataFrame,
    reference: pd.DataFrame,
    *,
    aliases: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Match every roster row to a district or COE.

    Parameters
    ----------
    rows : pandas.DataFrame
        Canonical roster (see ARCHITECTURE.md): uses ``entity_name``,
        ``county``, ``cds_code`` (14 digits), ``cd_code`` (7), ``nces_id`` (7);
        any may be missing or ``<NA>``. Codes are normalised again defensively
        (lost leading zeros are restored). Other columns are carried through.
    reference : pandas.DataFrame
        The districts and COEs a row can match, one row each:
        ``geodata.boundaries.entity_reference()`` (1,002 rows). Needs ``geoid``,
        ``cd_code``, ``name``, ``census_name``, ``district_type``, ``county``;
        uses ``cds_code``, ``has_boundary`` and ``enrollment`` when present.
    aliases : pandas.DataFrame, optional
        User-confirmed aliases: ``alias``, ``county`` (may be ``<NA>``: any
        county), ``geoid``; an empty ``geoid`` or a true ``not_california``
        marks "not a California district" (as the workspace's
        ``list_aliases()`` returns them; the caller reads them).

    Returns
    -------
    pandas.DataFrame
        The input rows, same order and index, every input column kept, plus
        :data:`MATCH_COLUMNS`:

        ``match_status``
            ``matched``, ``ambiguous`` (send to review) or ``unmatched``.
        ``geoid`` / ``cd_code`` / ``matched_name``
            NCES id (county FIPS ``06xxx`` for a COE), CD code and CDE name of
            the matched entity; ``<NA>`` unless matched (``cd_code`` then keeps
            the roster's own value).
        ``match_method``
            ``cds_code``, ``cd_code``, ``nces_id``, ``exact_name``, ``alias``,
            ``user_alias`` or ``fuzzy``: the step that decided.
        ``score``, ``runner_up_score``
            0-100 (``Float64``).
        ``runner_up``
            For a match: the next-best name ("Name (County)") when fuzzy; for an
            ambiguous row: the candidates, ``"; "``-separated, best first; for
            an unmatched row: the closest name, if any is near.
        ``candidate_geoids``
            The geoids behind ``runner_up`` (``;``-separated).
        ``linked_geoids``
            Other districts the same team stands for (shared governance),
            ``;``-separated, ``""`` when none.
        ``match_note``
            Why, in words (``"no boundary: …"``, ``"county differs: …"``,
            ``"code and name disagree: …"``), ``"; "``-separated.

    Raises
    ------
    ValueError
        If ``rows`` has none of the columns ``entity_name``, ``cds_code``,
        ``cd_code``, ``nces_id``, ``reference`` lacks a needed column, or
        ``aliases`` lacks ``alias``/``geoid``.

    Examples
    --------
    A reference of three real districts (the product passes all 1,002):

    >>> reference = pd.DataFrame({
    ...     "geoid": ["0634320", "0629940", "0637500"],
    ...     "cd_code": ["3768338", "1964881", "1965029"],
    ...     "name": ["San Diego Unified", "Pasadena Unified",
    ...              "South Pasadena Unified"],
    ...     "census_name": ["San Diego City Unified School District", None, None],
    ...     "district_type": ["unified"] * 3,
    ...     "county": ["San Diego", "Los Angeles", "Los Angeles"],
    ... })
    >>> roster = pd.DataFrame({
    ...     "entity_name": ["SDUSD", "Pasadena USD", "South Pasadena Unified"],
    ...     "cd_code": [None, None, "1964881"],
    ... })
    >>> out = match_roster(roster, reference)
    >>> out[["match_status", "geoid", "match_method"]]
      match_status    geoid match_method
    0      matched  0634320        alias
    1      matched  0629940   exact_name
    2    ambiguous     <NA>      cd_code
    >>> out["candidate_geoids"].iloc[2]
    '0629940;0637500'
    """
    if not any(c in rows.columns for c in ENTITY_COLUMNS):
        raise ValueError(
            "the roster has none of the columns entity_name, cds_code, cd_code, "
            "nces_id: nothing names a district or COE."
        )
    idx = reference_index(reference)
    user = user_alias_index(idx, aliases)

    def col(name: str) -> list[str]:
        if name not in rows.columns:
            return [""] * len(rows)
        values = rows[name].astype("string").str.strip().fillna("")
        return values.tolist()

    names, counties = col("entity_name"), col("county")
    cds, cd, nces = col("cds_code"), col("cd_code"), col("nces_id")

    # County text → code, once per distinct text.
    county_code: dict[str, int] = {}
    county_note: dict[str, str] = {}
    for c in set(counties):
        if not c:
            county_code[c] = -1
            continue
        code = idx.county_codes.get(normalize_county(c))
        if code is None:
            county_code[c] = -1
            county_note[c] = f"county {c!r} is not a California county; ignored"
        else:
            county_code[c] = code

    # Each distinct (name, county) is matched once.
    name_keys: dict[tuple[str, int], int] = {}
    key_list: list[tuple[str, int, str]] = []
    row_name_key: list[int] = []
    split: dict[str, tuple[str, int, str]] = {}
    for n, c in zip(names, counties, strict=True):
        if n not in split:
            split[n] = county_suffix(idx, n)
        name, from_name, tail = split[n]
        code, ctext = county_code[c], c
        if code < 0 and from_name >= 0:
            code, ctext = from_name, tail
        k = (name, code)
        if k not in name_keys:
            name_keys[k] = len(key_list)
            key_list.append((name, code, ctext))
        row_name_key.append(name_keys[k])
    name_results = match_names(idx, user, key_list)

    combos: dict[tuple, int] = {}
    distinct: list[Result] = []
    which = np.empty(len(rows), dtype=np.int64)
    for i in range(len(rows)):
        nk = row_name_key[i]
        ck = (nk, cds[i], cd[i], nces[i], counties[i])
        j = combos.get(ck)
        if j is None:
            _name, county, county_text = key_list[nk]
            res = combine(
                idx,
                names[i],
                {"cds": cds[i], "cd": cd[i], "nces": nces[i]},
                name_results[nk],
                county,
                county_text,
            )
            if counties[i] in county_note:
                res.notes.insert(0, county_note[counties[i]])
            j = combos[ck] = len(distinct)
            distinct.append(res)
        which[i] = j
    return _assemble(idx, rows, distinct, which, cd)


def _describe(idx: Index, r: Result) -> dict[str, object]:
    """One decision as the values of :data:`MATCH_COLUMNS` (``cd_code`` may be None)."""
    notes = list(r.notes)
    if r.status == "matched" and r.entity is not None:
        e = r.entity
        links = linked_entities(idx, e, r.linked)
        for x in (e, *links):
            if not idx.has_boundary[x]:
                notes.append(f"no boundary: {idx.name[x]} has no 2021 Census polygon")
        others = [c for c in r.candidates if c[0] != e][:1]
        return {
            "match_status": "matched",
            "geoid": idx.geoid[e],
            "cd_code": idx.cd[e],
            "matched_name": idx.name[e],
            "match_method": r.method,
            "score": r.score,
            "runner_up": idx.label(others[0][0]) if others else None,
            "runner_up_score": others[0][1] if others else None,
            "linked_geoids": ";".join(idx.geoid[x] for x in links),
            "match_note": "; ".join(notes) or None,
            "candidate_geoids": ";".join(idx.geoid[c[0]] for c in others) or None,
        }
    cands = r.candidates
    if len(cands) > 1:
        second = cands[1][1]
    elif cands and r.status == "unmatched":
        second = cands[0][1]
    else:
        second = None
    return {
        "match_status": r.status,
        "geoid": None,
        "cd_code": None,
        "matched_name": None,
        "match_method": r.method,
        "score": r.score,
        "runner_up": "; ".join(idx.label(c[0]) for c in cands) or None,
        "runner_up_score": second,
        "linked_geoids": "",
        "match_note": "; ".join(notes) or None,
        "candidate_geoids": ";".join(idx.geoid[c[0]] for c in cands) or None,
    }


def _assemble(
    idx: Index,
    rows: pd.DataFrame,
    distinct: list[Result],
    which: np.ndarray,
    roster_cd: list[str],
) -> pd.DataFrame:
    described = [_describe(idx, r) for r in distinct]
    out = rows.copy()
    for name in MATCH_COLUMNS:
        column = np.array([d[name] for d in described], dtype=object)
        values = column[which] if len(which) else []
        if name in ("score", "runner_up_score"):
            arr = pd.array(
                [np.nan if v is None else round(float(v), 1) for v in values],
                dtype="Float64",
            )
        else:
            if name == "cd_code":
                values = [
                    v if v is not None else (roster_cd[i] or None)
                    for i, v in enumerate(values)
                ]
            arr = pd.array(list(values), dtype="string")
        out[name] = pd.Series(arr, index=out.index, dtype=arr.dtype)
    return out
