"""Match roster entities to California school districts and COEs, explainably.

Every roster row names the district or county office of education (COE) its
team comes from, by code or by name or both. :func:`match_roster` finds the
entity in :func:`geodata.boundaries.entity_reference` (944 CDE districts and 58
COEs) and says how sure it is. The steps, in order:

1. **Code** — CDS code (14 digits; a school's CDS code leads to its district),
   then CD code (7), then NCES LEA id (7; a COE's county FIPS ``06xxx`` also
   works). The code must exist; a code whose entity disagrees with the name is
   reported (``match_note``), and when the name clearly names another entity
   the row goes to review.
2. **Saved aliases**, a person's confirmed choices from the review queue (a
   choice limited to a county, or naming another county's district, applies
   only there); then the **exact normalised name**
   (:func:`loaders.normalize.normalize_name`) against
   both the CDE and the Census spelling, within the roster's county when one is
   given; then the same name without ``Union``/``Joint``/``City``...
   (``Fallbrook High`` = Fallbrook Union High, score 97).
   A real name that another district's name equals but for a dropped
   ``Union``/``Joint``/``City`` ("Oak Grove Elementary" / "Oak Grove Union
   Elementary") goes to review unless the county decides.
3. **Alias table** (:mod:`loaders.aliases`): the shipped rules (shared
   governance, nicknames), then acronyms built from the real names (``SDUSD``,
   ``RCOE``...). An acronym several entities share needs the county, unless
   one bearer enrolls ten times more pupils than every other (``LAUSD`` is Los
   Angeles Unified, not Los Alamitos Unified).
4. **Fuzzy** (rapidfuzz) on the distinctive words only, with the district type
   and county as evidence. Accepted automatically only when the score reaches
   :data:`ACCEPT_SCORE` *and* leads the runner-up by :data:`ACCEPT_MARGIN`;
   otherwise ``ambiguous`` (goes to review) or ``unmatched``.

Fuzzy score of a roster name against a reference name, 0-100::

    max(ratio, token_sort_ratio)(place words)       # never token_set: a name
    - 30 if the names give different district types  # inside a longer one
    -  6 if the roster name gives no type            # ("Pasadena" in "South
    -  3 per modifier word in one name only          # Pasadena") must not score
    - 25 if the roster's county is another county    # 100

An elementary and a high school district run as one (Santa Rosa City Schools)
count as one candidate; a match to either links the other (``linked_geoids``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.process import cdist

from loaders.aliases import alias_table, governance_links
from loaders.normalize import (
    MODIFIER_WORDS,
    ParsedName,
    compact,
    is_missing,
    normalize_county,
    normalize_name,
    parse_name,
)

__all__ = [
    "ACCEPT_MARGIN",
    "ACCEPT_SCORE",
    "MATCH_COLUMNS",
    "REVIEW_SCORE",
    "candidates",
    "match_command",
    "match_roster",
    "normalize_name",
]

#: Lowest fuzzy score accepted without review.
ACCEPT_SCORE = 88.0
#: Lead over the runner-up a fuzzy match needs to be accepted without review.
ACCEPT_MARGIN = 8.0
#: Lowest score that still goes to review as ``ambiguous`` (else ``unmatched``).
REVIEW_SCORE = 70.0
#: Columns :func:`match_roster` adds to the roster.
MATCH_COLUMNS: list[str] = [
    "match_status",
    "geoid",
    "cd_code",
    "matched_name",
    "match_method",
    "score",
    "runner_up",
    "runner_up_score",
    "linked_geoids",
    "match_note",
    "candidate_geoids",
]

_LOOSE_SCORE = 97.0
_OUT_OF_COUNTY_SCORE = 90.0
_LEVEL_CODE = {None: 0, "unified": 1, "elementary": 2, "secondary": 3, "coe": 4}
_MOD_BIT = {m: 1 << i for i, m in enumerate(sorted(MODIFIER_WORDS))}
_NO_LEVEL_PENALTY = 6.0
_LEVEL_PENALTY = 30.0
_MOD_PENALTY = 3.0
_COUNTY_PENALTY = 25.0
_DOMINANCE = 10.0
_TYPE_WORDS = (
    "unified",
    "elementary",
    "high",
    "union",
    "joint",
    "city",
    "county",
    "community",
    "charter",
    "school",
    "schools",
    "district",
    "education",
    "superintendent",
    "department",
    "office",
)
_CODE_LABEL = {"cds": "CDS code", "cd": "CD code", "nces": "NCES id"}
_METHOD = {"cds": "cds_code", "cd": "cd_code", "nces": "nces_id"}


# --------------------------------------------------------------------------- index
@dataclass
class _Hit:
    entity: int
    county: int  # county code the rule is limited to, -1 for any
    linked: tuple[int, ...] = ()
    tier: int = 1
    none: bool = False  # user said "not a California district"


@dataclass
class _Index:
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
    alias_name: dict[str, list[_Hit]]
    alias_acr: dict[str, list[_Hit]]


def _mods_mask(mods: frozenset[str]) -> int:
    out = 0
    for m in mods:
        out |= _MOD_BIT.get(m, 0)
    return out


def _fingerprint(reference: pd.DataFrame) -> int:
    cols = ["geoid", "cd_code", "name", "census_name", "district_type", "county"]
    missing = set(cols) - set(reference.columns)
    if missing:
        raise ValueError(
            f"reference table lacks column(s) {sorted(missing)}; expected "
            "geodata.boundaries.entity_reference()."
        )
    return int(pd.util.hash_pandas_object(reference[cols], index=False).sum())


_INDEX_CACHE: dict[int, _Index] = {}


def _index(reference: pd.DataFrame) -> _Index:
    key = _fingerprint(reference)
    idx = _INDEX_CACHE.get(key)
    if idx is None:
        idx = _build_index(reference.reset_index(drop=True))
        _INDEX_CACHE.clear()
        _INDEX_CACHE[key] = idx
    return idx


def _text(value: Any) -> str:
    return "" if is_missing(value) else str(value).strip()


def _build_index(ref: pd.DataFrame) -> _Index:
    n = len(ref)
    geoid = [_text(v) for v in ref["geoid"]]
    name = [_text(v) for v in ref["name"]]
    census = [_text(v) for v in ref["census_name"]]
    county = [_text(v) for v in ref["county"]]
    cd = [_text(v) for v in ref["cd_code"]]
    cds = (
        [_text(v) for v in ref["cds_code"]]
        if "cds_code" in ref.columns
        else [c + "0000000" for c in cd]
    )
    dtype = [_text(v) for v in ref["district_type"]]
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
        for text in texts:
            p = parse_name(text)
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
            loose_mods.setdefault(lk, []).append((i, _mods_mask(p.modifiers)))
            v_place.append(p.place)
            v_level.append(_LEVEL_CODE.get(dtype[i], 0))
            v_mods.append(_mods_mask(p.modifiers))
            v_county.append(county_of[i])
            v_entity.append(i)
            v_norm.append(p.norm)

    by_geoid = {g: i for i, g in enumerate(geoid)}
    groups = {
        by_geoid[g]: tuple(by_geoid[o] for o in others if o in by_geoid)
        for g, others in governance_links(ref).items()
        if g in by_geoid
    }

    alias_name: dict[str, list[_Hit]] = {}
    alias_acr: dict[str, list[_Hit]] = {}
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
        hit = _Hit(ent, c, linked, int(rec.tier))
        target = alias_acr if rec.rule in ("acronym", "coe_acronym") else alias_name
        target.setdefault(str(rec.key), []).append(hit)

    return _Index(
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


def _user_alias_index(
    idx: _Index, aliases: pd.DataFrame | None
) -> dict[str, list[_Hit]]:
    if aliases is None or len(aliases) == 0:
        return {}
    if "alias" not in aliases.columns or "geoid" not in aliases.columns:
        raise ValueError(
            "saved aliases lack the alias or geoid column; expected columns "
            "alias, county, geoid."
        )
    counties = (
        aliases["county"] if "county" in aliases.columns else [pd.NA] * len(aliases)
    )
    not_ca = (
        aliases["not_california"].fillna(False).astype(bool).tolist()
        if "not_california" in aliases.columns
        else [False] * len(aliases)
    )
    out: dict[str, list[_Hit]] = {}
    for alias, county, geoid, none in zip(
        aliases["alias"], counties, aliases["geoid"], not_ca, strict=True
    ):
        if is_missing(alias):
            continue
        # Saved as written, e.g. "Jefferson Elementary (San Mateo County)".
        bare, from_name, _tail = _county_suffix(idx, str(alias).strip())
        key = _vocab_correct(idx, parse_name(bare)).norm
        if not key:
            continue
        c = (
            from_name
            if is_missing(county)
            else idx.county_codes.get(normalize_county(county), -2)
        )
        if c == -2:
            continue  # an alias limited to an unknown county can never apply
        g = _text(geoid)
        if none or not g:
            out.setdefault(key, []).append(_Hit(-1, c, none=True, tier=0))
        elif g in idx.by_geoid:
            out.setdefault(key, []).append(_Hit(idx.by_geoid[g], c, tier=0))
    return out


# ------------------------------------------------------------------------ scoring
def _score_matrix(
    idx: _Index, queries: list[ParsedName], counties: np.ndarray
) -> np.ndarray:
    """Fuzzy scores, queries × entities (float32, 0-100)."""
    n_ent = len(idx.geoid)
    out = np.zeros((len(queries), n_ent), dtype=np.float32)
    if not queries:
        return out
    order = np.argsort(idx.v_entity, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(idx.v_entity[order]) != 0])
    ents = idx.v_entity[order][starts]
    v_place = [idx.v_place[j] for j in order]
    v_level = idx.v_level[order]
    v_mods = idx.v_mods[order]
    v_county = idx.v_county[order]
    chunk = 512
    for lo in range(0, len(queries), chunk):
        qs = queries[lo : lo + chunk]
        places = [q.place for q in qs]
        sim = cdist(places, v_place, scorer=fuzz.ratio, dtype=np.float32, workers=-1)
        multi = [i for i, q in enumerate(qs) if " " in q.place]
        if multi:
            sim_ts = cdist(
                [places[i] for i in multi],
                v_place,
                scorer=fuzz.token_sort_ratio,
                dtype=np.float32,
                workers=-1,
            )
            sim[multi] = np.maximum(sim[multi], sim_ts)
        q_level = np.array([_LEVEL_CODE[q.level] for q in qs], dtype=np.int8)
        q_mods = np.array([_mods_mask(q.modifiers) for q in qs], dtype=np.int64)
        q_county = counties[lo : lo + chunk]
        pen = np.where(
            q_level[:, None] == 0,
            _NO_LEVEL_PENALTY,
            np.where(q_level[:, None] == v_level[None, :], 0.0, _LEVEL_PENALTY),
        ).astype(np.float32)
        diff = q_mods[:, None] ^ v_mods[None, :]
        pen += _MOD_PENALTY * np.bitwise_count(diff.astype(np.uint64)).astype(
            np.float32
        )
        pen += np.where(
            (q_county[:, None] >= 0) & (q_county[:, None] != v_county[None, :]),
            _COUNTY_PENALTY,
            0.0,
        ).astype(np.float32)
        scores = np.clip(sim - pen, 0, 100)
        empty = np.array([not q.place for q in qs])
        scores[empty] = 0
        ent_scores = np.maximum.reduceat(scores, starts, axis=1)
        block = np.zeros((len(qs), n_ent), dtype=np.float32)
        block[:, ents] = ent_scores
        out[lo : lo + len(qs)] = block
    return out


def _group_of(idx: _Index, e: int) -> tuple[int, ...]:
    return (e, *idx.group.get(e, ()))


def _ranked(idx: _Index, scores: np.ndarray, k: int = 5) -> list[tuple[int, float]]:
    """Best entities, one per governance group, best first."""
    top = np.argsort(-scores, kind="stable")[: k * 3]
    out: list[tuple[int, float]] = []
    seen: set[int] = set()
    for e in top:
        e = int(e)
        if e in seen:
            continue
        seen.update(_group_of(idx, e))
        out.append((e, float(scores[e])))
        if len(out) == k:
            break
    return out


# ----------------------------------------------------------------------- decisions
@dataclass
class _Result:
    status: str
    entity: int | None = None
    method: str | None = None
    score: float | None = None
    candidates: list[tuple[int, float]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    linked: tuple[int, ...] = ()


def _label(idx: _Index, e: int) -> str:
    return f"{idx.name[e]} ({idx.county[e]})"


def _dedupe_groups(idx: _Index, ents: list[int]) -> list[int]:
    out: list[int] = []
    seen: set[int] = set()
    for e in ents:
        if e not in seen:
            out.append(e)
            seen.update(_group_of(idx, e))
    return out


def _choose(
    idx: _Index, ents: list[int], county: int, *, dominance: bool = False
) -> tuple[str, list[int]]:
    """Decide among entities a name or alias points to: matched/ambiguous/out."""
    ents = _dedupe_groups(idx, list(dict.fromkeys(ents)))
    if not ents:
        return "none", []
    if county >= 0:
        inside = [e for e in ents if idx.county_of[e] == county]
        if not inside:
            return "out", ents
        ents = inside
    if len(ents) == 1:
        return "matched", ents
    if dominance and county < 0:
        enr = sorted(((idx.enrollment[e], e) for e in ents), reverse=True)
        if enr[0][0] > 0 and enr[0][0] >= _DOMINANCE * enr[1][0]:
            return "matched", [enr[0][1]]
    return "ambiguous", ents


def _vocab_correct(idx: _Index, p: ParsedName) -> ParsedName:
    """Correct misspelt type words, knowing every real place word.

    :func:`loaders.normalize.parse_name` corrects only near-certain misspellings
    (it does not know the real names); here any word that is no word of a real
    district name and is close to a type word (``nUified``, ``Uinon``,
    ``Schhol``) is taken for that type word.
    """
    tokens = p.norm.split()
    changed = False
    for i, tok in enumerate(tokens):
        if len(tok) < 4 or tok in idx.vocab or not tok.isalpha():
            continue
        fixed = _type_word(tok)
        if fixed:
            tokens[i] = fixed
            changed = True
    return parse_name(" ".join(tokens)) if changed else p


@lru_cache(maxsize=20_000)
def _type_word(token: str) -> str | None:
    hit = process.extractOne(token, _TYPE_WORDS, scorer=fuzz.ratio, score_cutoff=74)
    return hit[0] if hit else None


def _alias_verdict(
    idx: _Index, hits: list[_Hit], county: int, method: str, is_acronym: bool
) -> _Result | None:
    """Decide among alias hits; None when no hit applies to this county."""
    usable = [h for h in hits if h.county < 0 or county < 0 or h.county == county]
    if method == "user_alias":
        # A saved choice for another county's district does not apply here.
        usable = [
            h
            for h in usable
            if h.none or county < 0 or idx.county_of[h.entity] == county
        ]
    if not usable:
        return None
    if any(h.none for h in usable):
        note = "marked not a California district or COE in review"
        return _Result("unmatched", None, method, None, notes=[note])
    if is_acronym:
        inside = [h for h in usable if county < 0 or idx.county_of[h.entity] == county]
        pool = inside or usable
        best_tier = min(h.tier for h in pool)
        usable = [h for h in pool if h.tier == best_tier]
    linked = {h.entity: h.linked for h in usable}
    verdict, ents = _choose(
        idx, [h.entity for h in usable], county, dominance=is_acronym
    )
    if verdict == "matched":
        e = ents[0]
        return _Result("matched", e, method, 100.0, linked=linked.get(e, ()))
    if verdict == "ambiguous":
        note = (
            "acronym shared by several districts: give the county"
            if is_acronym and county < 0
            else "several districts or COEs go by this name"
        )
    else:
        note = "county differs: the roster's county has no district by this name"
    return _Result("ambiguous", None, method, 100.0, [(e, 100.0) for e in ents], [note])


def _name_first_pass(
    idx: _Index, user: dict[str, list[_Hit]], name: str, county: int
) -> tuple[_Result | None, ParsedName, list[int]]:
    """Saved aliases, exact name, shipped aliases.

    Returns (result or None when fuzzy matching must decide, the parsed name,
    entities of the exact name found only outside the roster's county).
    """
    p = _vocab_correct(idx, parse_name(name))
    if not p.norm:
        return _Result("unmatched", notes=["no entity name"]), p, []

    # 1. A person's confirmed choice comes first.
    if p.norm in user:
        res = _alias_verdict(idx, user[p.norm], county, "user_alias", False)
        if res is not None and res.status != "ambiguous":
            return res, p, []

    # 2. Exact name (CDE or Census), then the same without Union/Joint/City.
    pending: _Result | None = None
    out_of_county: list[int] = []
    for keyset, score in (
        (idx.exact.get(p.norm), 100.0),
        (idx.loose.get(f"{p.place}|{p.level}") if p.level else None, _LOOSE_SCORE),
    ):
        if not keyset:
            continue
        verdict, ents = _choose(idx, keyset, county)
        if verdict == "matched":
            e = ents[0]
            # "Oak Grove Elementary" is a real name, and also how people write
            # "Oak Grove Union Elementary" (a dropped word): then ask.
            q_mods = _mods_mask(p.modifiers)
            near = list(
                dict.fromkeys(
                    x
                    for x, m in idx.loose_mods.get(f"{p.place}|{idx.dtype[e]}", [])
                    if x not in _group_of(idx, e)
                    and (county < 0 or idx.county_of[x] == county)
                    and m & q_mods == q_mods
                    and (m != q_mods or p.level is None)
                )
            )
            if not near:
                return _Result("matched", e, "exact_name", score), p, []
            pending = _Result(
                "ambiguous",
                None,
                "exact_name",
                score,
                [(e, score)] + [(x, _LOOSE_SCORE) for x in near],
                [
                    "another district's name differs only by Union, Joint or "
                    "City: give the county"
                    if county < 0
                    else "another district of this county has nearly this name"
                ],
            )
        elif verdict == "ambiguous":
            pending = _Result(
                "ambiguous",
                None,
                "exact_name",
                score,
                [(e, score) for e in ents],
                [
                    "several districts or COEs have this name: give the county"
                    if county < 0
                    else "several districts or COEs of this county match"
                ],
            )
        else:
            out_of_county = ents
        break

    # 3. Shipped rules (shared governance, nicknames), then acronyms.
    hit_lists: list[tuple[list[_Hit], bool]] = []
    if p.norm in idx.alias_name:
        hit_lists.append((idx.alias_name[p.norm], False))
    key = compact(name)
    acr = idx.alias_acr.get(key) or idx.alias_acr.get(p.norm.replace(" ", ""))
    if acr and len(key) <= 12:
        hit_lists.append((acr, True))
    if pending is None:
        for hits, is_acronym in hit_lists:
            res = _alias_verdict(idx, hits, county, "alias", is_acronym)
            if res is not None:
                return res, p, []
    if pending is not None:
        return pending, p, []
    return None, p, out_of_county


def _fuzzy_decide(
    idx: _Index,
    scores: np.ndarray,
    county: int,
    county_text: str,
    out_of_county: list[int],
) -> _Result:
    ranked = _ranked(idx, scores)
    if out_of_county:
        best_in = ranked[0] if ranked and ranked[0][1] >= REVIEW_SCORE else None
        where = ", ".join(sorted({idx.county[e] for e in out_of_county}))
        note = f"county differs: the roster says {county_text}, the name is in {where}"
        if best_in is None and len(out_of_county) == 1:
            e = out_of_county[0]
            return _Result(
                "matched", e, "exact_name", _OUT_OF_COUNTY_SCORE, notes=[note]
            )
        cands = [(e, _OUT_OF_COUNTY_SCORE) for e in out_of_county]
        if best_in is not None:
            cands.append(best_in)
        return _Result(
            "ambiguous",
            None,
            "exact_name",
            _OUT_OF_COUNTY_SCORE,
            sorted(cands, key=lambda c: -c[1]),
            [note],
        )
    if not ranked or ranked[0][1] <= 0:
        return _Result("unmatched", notes=["no district or COE resembles this name"])
    best, b1 = ranked[0]
    b2 = ranked[1][1] if len(ranked) > 1 else 0.0
    if b1 >= ACCEPT_SCORE and b1 - b2 >= ACCEPT_MARGIN:
        return _Result("matched", best, "fuzzy", b1, ranked[1:2])
    if b1 >= REVIEW_SCORE:
        cands = [c for c in ranked if c[1] >= max(REVIEW_SCORE - 10, b1 - 15)]
        why = (
            f"close to {len(cands)} names"
            if len(cands) > 1 and b1 - b2 < ACCEPT_MARGIN
            else "similar name, not close enough to accept"
        )
        return _Result("ambiguous", None, "fuzzy", b1, cands, [why])
    return _Result(
        "unmatched",
        None,
        None,
        b1,
        [ranked[0]] if b1 >= 50 else [],
        ["no district or COE name is close enough"],
    )


def _match_names(
    idx: _Index,
    user: dict[str, list[_Hit]],
    keys: list[tuple[str, int, str]],
) -> list[_Result]:
    results: list[_Result | None] = []
    need: list[int] = []
    parsed: list[ParsedName] = []
    outs: list[list[int]] = []
    for i, (name, county, _ctext) in enumerate(keys):
        res, p, out = _name_first_pass(idx, user, name, county)
        results.append(res)
        parsed.append(p)
        outs.append(out)
        if res is None:
            need.append(i)
    if need:
        counties = np.array([keys[i][1] for i in need], dtype=np.int64)
        # Out-of-county candidates are compared against this county's entities.
        matrix = _score_matrix(idx, [parsed[i] for i in need], counties)
        for row, i in enumerate(need):
            scores = matrix[row]
            if outs[i]:
                scores = np.where(idx.county_of == keys[i][1], scores, 0)
            results[i] = _fuzzy_decide(idx, scores, keys[i][1], keys[i][2], outs[i])
    return [r for r in results if r is not None]


_SUFFIX = re.compile(
    r"^(?P<name>.+?)\s*(?:\((?P<a>[^()]+)\)|\[(?P<b>[^\[\]]+)\]|,\s*(?P<c>[^,]+)"
    r"|\s[-\u2013\u2014]\s*(?P<d>[^-\u2013\u2014]+))\s*$"
)


def _county_suffix(idx: _Index, name: str) -> tuple[str, int, str]:
    """Split ``"Jefferson Elementary (San Mateo County)"`` into name and county.

    Returns ``(name, county code or -1, county text)``; a trailing ``, CA`` or
    ``(California)`` is dropped too. A name without such a tail is returned as is.
    """
    m = _SUFFIX.match(name)
    if not m:
        return name, -1, ""
    tail = next(g for g in (m["a"], m["b"], m["c"], m["d"]) if g).strip()
    key = normalize_county(tail)
    if key in ("", "california", "calif"):
        return m["name"], -1, ""
    code = idx.county_codes.get(key)
    if code is None or not key[:1].isalpha():
        return name, -1, ""
    return m["name"], code, tail


def _score_one(idx: _Index, name: str, entity: int) -> float:
    """Fuzzy score of a name against one entity (county not considered)."""
    p = _vocab_correct(idx, parse_name(name))
    if not p.place:
        return 0.0
    level, mods = _LEVEL_CODE[p.level], _mods_mask(p.modifiers)
    best = 0.0
    for j in np.flatnonzero(idx.v_entity == entity):
        sim = max(
            fuzz.ratio(p.place, idx.v_place[j]),
            fuzz.token_sort_ratio(p.place, idx.v_place[j]),
        )
        pen = (
            _NO_LEVEL_PENALTY
            if level == 0
            else (0.0 if level == idx.v_level[j] else _LEVEL_PENALTY)
        )
        pen += _MOD_PENALTY * int(mods ^ int(idx.v_mods[j])).bit_count()
        best = max(best, sim - pen)
    return max(best, 0.0)


# --------------------------------------------------------------------------- codes
try:  # the roster loader's code normaliser, when present
    from loaders.codes import normalize_code as _normalize_code
except ImportError:  # pragma: no cover - loaders.codes ships with the product
    _normalize_code = None


_CODE_LEN = {"cds": 14, "cd": 7, "nces": 7}


@lru_cache(maxsize=20_000)
def _clean_code(value: str, kind: str) -> str:
    if _normalize_code is not None:
        res = _normalize_code(value, kind)
        if res.value:
            return res.value
    digits = "".join(ch for ch in value if ch.isdigit())
    if not digits:
        return ""
    if kind == "nces" and len(digits) in (4, 5):
        return digits.zfill(5)  # a county FIPS code, for a COE
    if len(digits) < _CODE_LEN[kind]:
        return digits.zfill(_CODE_LEN[kind])
    return digits


def _code_lookup(idx: _Index, kind: str, raw: str) -> tuple[int | None, str | None]:
    code = _clean_code(raw, kind)
    label = _CODE_LABEL[kind]
    if not code:
        return None, f"{label} {raw!r} is not a code"
    if kind == "cds":
        if code in idx.by_cds:
            return idx.by_cds[code], None
        if len(code) == 14 and code[:7] in idx.by_cd:
            return idx.by_cd[code[:7]], (
                f"CDS code {code} is a school's; matched to its district"
            )
    elif kind == "cd":
        if len(code) == 14 and code.endswith("0000000"):
            code = code[:7]
        if code in idx.by_cd:
            return idx.by_cd[code], None
    elif kind == "nces":
        if code in idx.by_geoid:
            return idx.by_geoid[code], None
        if len(code) == 12 and code[:7] in idx.by_geoid:
            return idx.by_geoid[code[:7]], (
                f"NCES id {code} is a school's; matched to its district"
            )
    return None, f"{label} {code} is not a district or COE in CDE's table"


def _combine(
    idx: _Index,
    name: str,
    codes: dict[str, str],
    name_res: _Result,
) -> _Result:
    notes: list[str] = []
    found: list[tuple[str, int, str]] = []
    for kind in ("cds", "cd", "nces"):
        raw = codes.get(kind, "")
        if not raw:
            continue
        e, note = _code_lookup(idx, kind, raw)
        if note:
            notes.append(note)
        if e is not None:
            found.append((kind, e, _clean_code(raw, kind)))
    if not found:
        res = _Result(
            name_res.status,
            name_res.entity,
            name_res.method,
            name_res.score,
            list(name_res.candidates),
            notes + name_res.notes,
            name_res.linked,
        )
        if not name and not notes:
            res.notes = ["no entity name and no code"]
        return res
    kind, e, code = found[0]
    others = [f for f in found[1:] if f[1] not in _group_of(idx, e)]
    if others:
        k2, e2, c2 = others[0]
        notes.append(
            f"codes disagree: {_CODE_LABEL[kind]} {code} is {idx.name[e]}, "
            f"{_CODE_LABEL[k2]} {c2} is {idx.name[e2]}"
        )
        return _Result(
            "ambiguous", None, _METHOD[kind], 100.0, [(e, 100.0), (e2, 100.0)], notes
        )
    if not name:
        return _Result("matched", e, _METHOD[kind], 100.0, notes=notes)
    group = _group_of(idx, e)
    agrees = (
        name_res.entity in group
        or any(c[0] in group for c in name_res.candidates)
        or _score_one(idx, name, e) >= 60
    )
    if agrees:
        linked = name_res.linked if name_res.entity == e else ()
        return _Result("matched", e, _METHOD[kind], 100.0, notes=notes, linked=linked)
    label = f"{_CODE_LABEL[kind]} {code} is {idx.name[e]} ({idx.county[e]})"
    named = (
        [(name_res.entity, float(name_res.score or 0))]
        if name_res.status == "matched" and name_res.entity is not None
        else [c for c in name_res.candidates if c[1] >= REVIEW_SCORE]
    )
    if named:
        what = (
            f"the name is {_label(idx, named[0][0])}"
            if len(named) == 1
            else "the name resembles " + ", ".join(_label(idx, c[0]) for c in named)
        )
        notes.append(f"code and name disagree: {label}, {what}")
        return _Result(
            "ambiguous", None, _METHOD[kind], 100.0, [(e, 100.0), *named], notes
        )
    notes.append(f"code and name disagree: {label}; the name does not resemble it")
    return _Result("matched", e, _METHOD[kind], 100.0, notes=notes)


# ------------------------------------------------------------------------- public
def match_roster(
    rows: pd.DataFrame,
    reference: pd.DataFrame | None = None,
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
    reference : pandas.DataFrame, optional
        :func:`geodata.boundaries.entity_reference` (loaded when omitted).
    aliases : pandas.DataFrame, optional
        User-confirmed aliases: ``alias``, ``county`` (may be ``<NA>``: any
        county), ``geoid``; an empty ``geoid`` or a true ``not_california``
        marks "not a California district" (as
        :meth:`loaders.workspace.Workspace.list_aliases` returns them).

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
        ``cd_code``, ``nces_id``, or ``aliases`` lacks ``alias``/``geoid``.

    Examples
    --------
    >>> roster = pd.DataFrame({"entity_name": ["SDUSD", "Pasadena Unified"]})
    >>> match_roster(roster)[["match_status", "geoid", "matched_name"]]
      match_status    geoid       matched_name
    0      matched  0634320  San Diego Unified
    1      matched  0629940   Pasadena Unified
    """
    if reference is None:
        from geodata.boundaries import entity_reference

        reference = entity_reference()
    wanted = ["entity_name", "cds_code", "cd_code", "nces_id"]
    if not any(c in rows.columns for c in wanted):
        raise ValueError(
            "the roster has none of the columns entity_name, cds_code, cd_code, "
            "nces_id: nothing names a district or COE."
        )
    idx = _index(reference)
    user = _user_alias_index(idx, aliases)

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
            split[n] = _county_suffix(idx, n)
        name, from_name, tail = split[n]
        code, ctext = county_code[c], c
        if code < 0 and from_name >= 0:
            code, ctext = from_name, tail
        k = (name, code)
        if k not in name_keys:
            name_keys[k] = len(key_list)
            key_list.append((name, code, ctext))
        row_name_key.append(name_keys[k])
    name_results = _match_names(idx, user, key_list)

    combos: dict[tuple, int] = {}
    distinct: list[_Result] = []
    which = np.empty(len(rows), dtype=np.int64)
    for i in range(len(rows)):
        nk = row_name_key[i]
        ck = (nk, cds[i], cd[i], nces[i], counties[i])
        j = combos.get(ck)
        if j is None:
            res = _combine(
                idx,
                names[i],
                {"cds": cds[i], "cd": cd[i], "nces": nces[i]},
                name_results[nk],
            )
            if counties[i] in county_note:
                res.notes.insert(0, county_note[counties[i]])
            j = combos[ck] = len(distinct)
            distinct.append(res)
        which[i] = j
    return _assemble(idx, rows, distinct, which, cd)


def _describe(idx: _Index, r: _Result) -> tuple:
    """One result as the values of :data:`MATCH_COLUMNS` (``cd_code`` may be None)."""
    notes = list(r.notes)
    if r.status == "matched" and r.entity is not None:
        e = r.entity
        links = tuple(
            dict.fromkeys(x for x in (*r.linked, *idx.group.get(e, ())) if x != e)
        )
        for x in (e, *links):
            if not idx.has_boundary[x]:
                notes.append(f"no boundary: {idx.name[x]} has no 2021 Census polygon")
        others = [c for c in r.candidates if c[0] != e][:1]
        return (
            "matched",
            idx.geoid[e],
            idx.cd[e],
            idx.name[e],
            r.method,
            r.score,
            _label(idx, others[0][0]) if others else None,
            others[0][1] if others else None,
            ";".join(idx.geoid[x] for x in links),
            "; ".join(notes) or None,
            ";".join(idx.geoid[c[0]] for c in others) or None,
        )
    cands = r.candidates
    if len(cands) > 1:
        second = cands[1][1]
    elif cands and r.status == "unmatched":
        second = cands[0][1]
    else:
        second = None
    return (
        r.status,
        None,
        None,
        None,
        r.method,
        r.score,
        "; ".join(_label(idx, c[0]) for c in cands) or None,
        second,
        "",
        "; ".join(notes) or None,
        ";".join(idx.geoid[c[0]] for c in cands) or None,
    )


def _assemble(
    idx: _Index,
    rows: pd.DataFrame,
    distinct: list[_Result],
    which: np.ndarray,
    roster_cd: list[str],
) -> pd.DataFrame:
    described = [_describe(idx, r) for r in distinct]
    columns = list(zip(*described, strict=True)) if described else [()] * 11
    out = rows.copy()
    for k, name in enumerate(MATCH_COLUMNS):
        values = np.array(columns[k], dtype=object)[which] if len(which) else []
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


def candidates(
    name: str,
    county: str | None,
    reference: pd.DataFrame | None = None,
    k: int = 8,
) -> pd.DataFrame:
    """Districts and COEs a typed name may mean, best first (the review search box).

    Parameters
    ----------
    name : str
        What the user typed or what the roster says (any spelling, acronyms
        too; a fragment such as ``"pasad"`` works).
    county : str or None
        County as evidence (other counties' entities score 25 lower).
    reference : pandas.DataFrame, optional
        :func:`geodata.boundaries.entity_reference` (loaded when omitted).
    k : int, default 8
        How many candidates to return.

    Returns
    -------
    pandas.DataFrame
        At most ``k`` rows: ``geoid``, ``name`` (CDE), ``county``,
        ``district_type``, ``score`` (0-100 float), best first.
    """
    if reference is None:
        from geodata.boundaries import entity_reference

        reference = entity_reference()
    idx = _index(reference)
    c = idx.county_codes.get(normalize_county(county), -1) if county else -1
    p = parse_name(name or "")
    n_ent = len(idx.geoid)
    scores = (
        _score_matrix(idx, [p], np.array([c]))[0]
        if p.place
        else np.zeros(n_ent, dtype=np.float32)
    )
    if p.norm:
        # A fragment typed into a search box: partial similarity, a little lower.
        part = cdist([p.norm], idx.v_norm, scorer=fuzz.partial_ratio, workers=-1)[0]
        part = part * 0.9 - np.where(
            (c >= 0) & (idx.v_county != c), _COUNTY_PENALTY, 0.0
        )
        ent_part = np.zeros(n_ent, dtype=np.float32)
        np.maximum.at(ent_part, idx.v_entity, part.astype(np.float32))
        scores = np.maximum(scores, ent_part)
        for e in idx.exact.get(p.norm, []):
            scores[e] = max(scores[e], 100.0 if c < 0 or idx.county_of[e] == c else 75)
        for h in idx.alias_name.get(p.norm, []) + idx.alias_acr.get(compact(name), []):
            ok = c < 0 or idx.county_of[h.entity] == c
            scores[h.entity] = max(scores[h.entity], 99.0 if ok else 74.0)
    order = np.lexsort((np.array(idx.name), -scores))[:k]
    order = [e for e in order if scores[e] > 0]
    return pd.DataFrame(
        {
            "geoid": pd.array([idx.geoid[e] for e in order], dtype="string"),
            "name": pd.array([idx.name[e] for e in order], dtype="string"),
            "county": pd.array([idx.county[e] for e in order], dtype="string"),
            "district_type": pd.array([idx.dtype[e] for e in order], dtype="string"),
            "score": np.round(scores[order].astype(float), 1),
        }
    )


# ------------------------------------------------------------------ command line
def _saved_aliases() -> tuple[pd.DataFrame | None, str | None]:
    try:
        from loaders.workspace import WorkspaceError, open_workspace
    except ImportError:  # pragma: no cover - ships with the product
        return None, None
    try:
        aliases = open_workspace().list_aliases()
    except (WorkspaceError, OSError) as exc:  # matching goes on without them
        return None, f"saved aliases not applied ({exc})"
    return aliases, None


#: Match columns written by ``lmi-dashboard match`` (the review-only
#: ``candidate_geoids`` is left out).
OUTPUT_MATCH_COLUMNS = [c for c in MATCH_COLUMNS if c != "candidate_geoids"]


def input_rows_with_matches(load, matched: pd.DataFrame) -> pd.DataFrame:
    """Every input row, in input order with its own columns, plus match columns.

    Parameters
    ----------
    load : loaders.roster.RosterLoad
        The reader's result (``source``: original columns by ``source_row``;
        ``rejected``; ``merged_into``).
    matched : pandas.DataFrame
        :func:`match_roster` of ``load.rows``.

    Returns
    -------
    pandas.DataFrame
        One row per data row of the file (``len(load.source)`` rows): the
        original columns as text, then :data:`OUTPUT_MATCH_COLUMNS`. A merged
        duplicate repeats the match of the row it was merged into; a rejected row
        is ``unmatched`` with the reader's reason in ``match_note``; the reader's
        notes on a kept row (unknown role, bad code...) and an unknown event id
        are added to its note.
    """
    source = load.source
    by_row = matched.set_index(matched["source_row"].astype(int))
    cols = [c for c in OUTPUT_MATCH_COLUMNS if c in matched.columns]
    result = pd.DataFrame(index=source.index, columns=cols, dtype="object")
    shown = by_row.loc[by_row.index.isin(source.index), cols]
    result.loc[shown.index, cols] = shown.to_numpy()
    for dup, kept in getattr(load, "merged_into", {}).items():
        if dup in result.index and kept in by_row.index:
            result.loc[dup, cols] = by_row.loc[kept, cols].to_numpy()
            note = by_row.loc[kept, "match_note"]
            note = "" if pd.isna(note) else str(note)
            result.loc[dup, "match_note"] = "; ".join(
                x for x in (note, f"duplicate of row {kept} (merged)") if x
            )
    rejected = getattr(load, "rejected", None)
    if rejected is not None and len(rejected):
        reasons = (
            rejected.assign(
                _why="rejected: "
                + rejected["column"].fillna("").astype(str)
                + ": "
                + rejected["reason"].astype(str)
            )
            .groupby("row")["_why"]
            .agg("; ".join)
        )
        for row, why in reasons.items():
            if int(row) in result.index:
                result.loc[int(row), "match_status"] = "unmatched"
                result.loc[int(row), "match_note"] = why
    if "row_notes" in by_row.columns:  # the reader's notes (unknown event...)
        notes = by_row["row_notes"].dropna()
        for row, why in notes.items():
            if int(row) in result.index and str(why):
                note = result.loc[int(row), "match_note"]
                note = "" if note is None or pd.isna(note) else str(note)
                result.loc[int(row), "match_note"] = "; ".join(
                    x for x in (note, str(why)) if x
                )
    if "event_id" in by_row.columns:
        from loaders.events import load_events

        known = set(load_events()["event_id"])
        for row, event in by_row["event_id"].dropna().items():
            if str(event) not in known and int(row) in result.index:
                note = result.loc[int(row), "match_note"]
                note = "" if note is None or pd.isna(note) else str(note)
                why = (
                    f"event_id {event!r} is not a known CA LMI event "
                    "(loaders/data/events.csv); check the id"
                )
                result.loc[int(row), "match_note"] = "; ".join(
                    x for x in (note, why) if x
                )
    missing = result["match_status"].isna()
    result.loc[missing, "match_status"] = "unmatched"
    result.loc[missing, "match_note"] = "not read as a roster row"
    clash = [c for c in cols if c in source.columns]
    out = source.rename(columns={c: f"{c} (input)" for c in clash})
    out = pd.concat([out, result], axis=1).reset_index(drop=True)
    return out


def match_command(
    roster: Path,
    *,
    out: Path | None,
    sheet: str | None,
    header_row: int | None,
    contacts: bool = False,
) -> str:
    """Body of ``lmi-dashboard match``: read, match, write, summarise.

    Parameters
    ----------
    roster : pathlib.Path
        Roster file (CSV, TSV or XLSX), read with :func:`loaders.roster.read_roster`.
    out : pathlib.Path or None
        Where to write every roster row with the match columns (CSV, or XLSX by
        suffix); default ``<roster>_matched.csv`` next to the roster. Rows the
        reader rejected go to ``<out>_rejected.csv``. Written with
        :func:`loaders.exports.write_table`: atomically, formula-safe.
    sheet, header_row : optional
        XLSX sheet name and 1-based header row, passed to the reader.
    contacts : bool, default False
        Keep ``person_name``, ``email`` and other contact columns; without it
        they are left out (:func:`loaders.exports.write_table`).

    Returns
    -------
    str
        One paragraph: rows matched / ambiguous / unmatched / rejected and the
        files written.

    Raises
    ------
    ValueError
        For anything the user can fix: missing or unreadable file, a roster the
        reader rejects, ``out`` equal to the roster, an unwritable ``out`` (its
        folder must exist).
    """
    roster = Path(roster)
    if not roster.is_file():
        raise ValueError(
            f"{roster}: no such file; give the path of a CSV, TSV or XLSX roster."
        )
    out = (
        Path(out) if out is not None else roster.with_name(f"{roster.stem}_matched.csv")
    )
    if out.resolve() == roster.resolve():
        raise ValueError(
            f"{out}: --out would overwrite the roster; choose another file."
        )
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise ValueError(f"{out}: --out must end in .csv or .xlsx.")
    try:
        from loaders.roster import read_roster
    except ImportError as exc:  # pragma: no cover - ships with the product
        raise ValueError(f"the roster reader is not available ({exc}).") from exc
    try:
        load = read_roster(
            roster, filename=roster.name, sheet=sheet, header_row=header_row
        )
    except OSError as exc:
        raise ValueError(f"{roster}: cannot be read ({exc.strerror or exc}).") from exc
    from loaders.exports import write_table

    aliases, alias_problem = _saved_aliases()
    matched = match_roster(load.rows, aliases=aliases)
    rejected = getattr(load, "rejected", None)
    n_rej = 0 if rejected is None else len(rejected)
    every_row = input_rows_with_matches(load, matched)
    # the reader's contact columns: by header ("Name" too), content and mapping
    dropped = [] if contacts else load.contact_columns
    try:
        write_table(out, every_row.drop(columns=dropped), include_contacts=contacts)
    except OSError as exc:
        raise ValueError(f"{out}: cannot be written ({exc}).") from exc
    counts = every_row["match_status"].value_counts()
    n = len(every_row)
    parts = [
        f"{roster.name}: {n} roster row{'s' if n != 1 else ''} read",
        f"{counts.get('matched', 0)} matched",
        f"{counts.get('ambiguous', 0)} ambiguous (to review)",
        f"{counts.get('unmatched', 0)} unmatched",
        f"{n_rej} rejected",
    ]
    text = ", ".join(parts) + f" (listed as unmatched with the reason). Wrote {out}."
    if dropped:
        text += (
            f" Contact columns ({', '.join(dropped)}) left out; add --contacts to "
            "keep them."
        )
    if alias_problem:
        text += f" Note: {alias_problem}."
    return text
