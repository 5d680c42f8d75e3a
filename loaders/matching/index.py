"""The reference table as lookup indexes: codes, exact and loose names, aliases.

:func:`reference_index` turns the reference table (the 1,002 districts and
COEs of ``geodata.boundaries.entity_reference()``, passed in by the caller)
into plain Python lists, dicts and numpy arrays once, so matching thousands of
rows never goes back to pandas. Entities are numbered by their row in the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from cachetools import LRUCache

from loaders.aliases import alias_table, governance_links
from loaders.entities import ENTITY_TYPES
from loaders.normalize import MODIFIER_WORDS, is_missing, normalize_county, parse_name

#: Columns the reference table must have.
REFERENCE_COLUMNS = [
    "geoid",
    "cd_code",
    "name",
    "census_name",
    "district_type",
    "county",
]

#: District type → small integer compared in the fuzzy score matrix.
LEVEL_CODE = {None: 0, **{t: i for i, t in enumerate(ENTITY_TYPES, 1)}}
_MOD_BIT = {m: 1 << i for i, m in enumerate(sorted(MODIFIER_WORDS))}


@dataclass
class Hit:
    """One alias rule pointing at an entity."""

    entity: int
    county: int  # county code the rule is limited to, -1 for any
    linked: tuple[int, ...] = ()
    tier: int = 1
    none: bool = False  # user said "not a California district"


@dataclass
class Index:
    """Every lookup matching needs, built once per reference table."""

    geoid: list[str]
    name: list[str]
    county: list[str]
    cd: list[str]
    dtype: list[str]
    has_boundary: list[bool]
    enrollment: np.ndarray
    county_of: np.ndarray  # entity → county code
    county_codes: dict[str, int]
    by_cds: dict[str, int]
    by_cd: dict[str, int]
    by_geoid: dict[str, int]
    exact: dict[str, list[int]]
    loose: dict[str, list[int]]
    loose_mods: dict[str, list[tuple[int, int]]]
    v_place: list[str]
    v_level: np.ndarray
    v_mods: np.ndarray
    v_county: np.ndarray
    v_entity: np.ndarray
    v_norm: list[str]
    vocab: frozenset[str]
    group: dict[int, tuple[int, ...]]
    alias_name: dict[str, list[Hit]]
    alias_acr: dict[str, list[Hit]]

    def label(self, e: int) -> str:
        """``"Name (County)"`` of entity ``e``."""
        return f"{self.name[e]} ({self.county[e]})"

    def group_of(self, e: int) -> tuple[int, ...]:
        """Entity ``e`` and the districts it shares governance with."""
        return (e, *self.group.get(e, ()))


def mods_mask(mods: frozenset[str]) -> int:
    """Bit mask of modifier words (``union``, ``joint``...)."""
    out = 0
    for m in mods:
        out |= _MOD_BIT.get(m, 0)
    return out


def _fingerprint(reference: pd.DataFrame) -> int:
    missing = set(REFERENCE_COLUMNS) - set(reference.columns)
    if missing:
        raise ValueError(
            f"reference table lacks column(s) {sorted(missing)}; expected "
            "geodata.boundaries.entity_reference()."
        )
    hashed = pd.util.hash_pandas_object(reference[REFERENCE_COLUMNS], index=False)
    return int(hashed.sum())


# One entry: the reference table does not change within a process. Keyed by a
# content hash (a DataFrame cannot key functools' caches).
_INDEX_CACHE: LRUCache = LRUCache(maxsize=1)


def reference_index(reference: pd.DataFrame) -> Index:
    """The lookup indexes of a reference table, built once per content.

    Parameters
    ----------
    reference : pandas.DataFrame
        ``geodata.boundaries.entity_reference()``: one row per district or COE
        with at least :data:`REFERENCE_COLUMNS` (``cds_code``,
        ``has_boundary`` and ``enrollment`` used when present).

    Returns
    -------
    Index

    Raises
    ------
    ValueError
        If a column of :data:`REFERENCE_COLUMNS` is missing.
    """
    key = _fingerprint(reference)
    idx = _INDEX_CACHE.get(key)
    if idx is None:
        idx = _build_index(reference.reset_index(drop=True))
        _INDEX_CACHE[key] = idx
    return idx


def text(value: Any) -> str:
    """A cell as stripped text, ``""`` when missing."""
    return "" if is_missing(value) else str(value).strip()


def _build_index(ref: pd.DataFrame) -> Index:
    n = len(ref)
    geoid = [text(v) for v in ref["geoid"]]
    name = [text(v) for v in ref["name"]]
    census = [text(v) for v in ref["census_name"]]
    county = [text(v) for v in ref["county"]]
    cd = [text(v) for v in ref["cd_code"]]
    cds = (
        [text(v) for v in ref["cds_code"]]
        if "cds_code" in ref.columns
        else [c + "0000000" for c in cd]
    )
    dtype = [text(v) for v in ref["district_type"]]
    has_boundary = (
        [bool(v) for v in ref["has_boundary"]]
        if "has_boundary" in ref.columns
        else [True] * n
    )
    enrollment = (
        pd.to_numeric(ref["enrollment"], errors="coerce").fillna(0).to_numpy(float)
        if "enrollment" in ref.columns
        else np.zeros(n)
    )

    county_codes: dict[str, int] = {}
    for c in sorted(set(county)):
        county_codes[normalize_county(c)] = len(county_codes)
    # County written as its CDS county code ("19") or FIPS ("06037") also works.
    for i in range(n):
        code = county_codes[normalize_county(county[i])]
        if dtype[i] == "coe":
            county_codes.setdefault(cd[i][:2], code)
            county_codes.setdefault(geoid[i], code)
    county_of = np.array([county_codes[normalize_county(c)] for c in county])

    exact: dict[str, list[int]] = {}
    loose: dict[str, list[int]] = {}
    loose_mods: dict[str, list[tuple[int, int]]] = {}
    v_place, v_level, v_mods, v_county, v_entity, v_norm = [], [], [], [], [], []
    for i in range(n):
        texts = [name[i]]
        if dtype[i] == "coe":
            texts.append(f"{county[i]} County Office of Education")
        elif census[i]:
            texts.append(census[i])
        seen: set[str] = set()
        for t in texts:
            p = parse_name(t)
            if not p.norm or p.norm in seen:
                continue
            seen.add(p.norm)
            exact.setdefault(p.norm, [])
            if i not in exact[p.norm]:
                exact[p.norm].append(i)
            lk = f"{p.place}|{dtype[i]}"
            loose.setdefault(lk, [])
            if i not in loose[lk]:
                loose[lk].append(i)
            loose_mods.setdefault(lk, []).append((i, mods_mask(p.modifiers)))
            v_place.append(p.place)
            v_level.append(LEVEL_CODE.get(dtype[i], 0))
            v_mods.append(mods_mask(p.modifiers))
            v_county.append(county_of[i])
            v_entity.append(i)
            v_norm.append(p.norm)

    by_geoid = {g: i for i, g in enumerate(geoid)}
    groups = {
        by_geoid[g]: tuple(by_geoid[o] for o in others if o in by_geoid)
        for g, others in governance_links(ref).items()
        if g in by_geoid
    }

    alias_name: dict[str, list[Hit]] = {}
    alias_acr: dict[str, list[Hit]] = {}
    table = alias_table(ref)
    for rec in table.itertuples(index=False):
        if rec.geoid not in by_geoid:
            continue
        ent = by_geoid[rec.geoid]
        linked = tuple(
            by_geoid[g] for g in str(rec.linked_geoids).split(";") if g in by_geoid
        )
        c = (
            -1
            if is_missing(rec.county)
            else county_codes.get(normalize_county(rec.county), -1)
        )
        hit = Hit(ent, c, linked, int(rec.tier))
        target = alias_acr if rec.rule in ("acronym", "coe_acronym") else alias_name
        target.setdefault(str(rec.key), []).append(hit)

    return Index(
        geoid=geoid,
        name=name,
        county=county,
        cd=cd,
        dtype=dtype,
        has_boundary=has_boundary,
        enrollment=enrollment,
        county_of=county_of,
        county_codes=county_codes,
        by_cds={c: i for i, c in enumerate(cds) if c},
        by_cd={c: i for i, c in enumerate(cd) if c},
        by_geoid=by_geoid,
        exact=exact,
        loose=loose,
        loose_mods=loose_mods,
        v_place=v_place,
        v_level=np.array(v_level, dtype=np.int8),
        v_mods=np.array(v_mods, dtype=np.int64),
        v_county=np.array(v_county, dtype=np.int64),
        v_entity=np.array(v_entity, dtype=np.int64),
        v_norm=v_norm,
        vocab=frozenset(w for n in v_norm for w in n.split()),
        group=groups,
        alias_name=alias_name,
        alias_acr=alias_acr,
    )
