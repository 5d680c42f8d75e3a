"""Name matching: saved aliases, exact names, shipped aliases, then fuzzy.

In order, for each distinct (name, county) of a roster:

1. **Saved aliases**, a person's confirmed choices from the review queue (a
   choice limited to a county, or naming another county's district, applies
   only there);
2. the **exact normalised name** (:func:`loaders.normalize.parse_name`) against
   both the CDE and the Census spelling, within the roster's county when one is
   given; then the same name without ``Union``/``Joint``/``City``...
   (``Fallbrook High`` = Fallbrook Union High, score 97). A real name that
   another district's name equals but for a dropped word ("Oak Grove
   Elementary" / "Oak Grove Union Elementary") goes to review unless the county
   decides; so does a name whose only place words are generic (``North``,
   ``Central``...), which shares words rather than naming a district;
3. the **alias table** (:mod:`loaders.aliases`): the shipped rules (shared
   governance, nicknames), then acronyms built from the real names (``SDUSD``,
   ``RCOE``...). An acronym several entities share needs the county, unless
   one bearer enrolls ten times more pupils than every other (``LAUSD`` is Los
   Angeles Unified, not Los Alamitos Unified);
4. **fuzzy** (:mod:`loaders.matching.scoring`) on the distinctive words only,
   with the district type and county as evidence.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from loaders.matching.decisions import Result, choose
from loaders.matching.index import Hit, Index, mods_mask, text
from loaders.matching.names import county_suffix, vocab_correct
from loaders.matching.scoring import (
    ACCEPT_MARGIN,
    ACCEPT_SCORE,
    REVIEW_SCORE,
    ranked,
    score_matrix,
)
from loaders.normalize import (
    ParsedName,
    compact,
    is_missing,
    normalize_county,
    parse_name,
)

#: Score of a name equal to a real one but for a dropped Union/Joint/City.
LOOSE_SCORE = 97.0
#: Score of the exact name of an entity in another county than the roster's.
OUT_OF_COUNTY_SCORE = 90.0


def user_alias_index(idx: Index, aliases: pd.DataFrame | None) -> dict[str, list[Hit]]:
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
    out: dict[str, list[Hit]] = {}
    for alias, county, geoid, none in zip(
        aliases["alias"], counties, aliases["geoid"], not_ca, strict=True
    ):
        if is_missing(alias):
            continue
        # Saved as written, e.g. "Jefferson Elementary (San Mateo County)".
        bare, from_name, _tail = county_suffix(idx, str(alias).strip())
        key = vocab_correct(idx, parse_name(bare)).norm
        if not key:
            continue
        c = (
            from_name
            if is_missing(county)
            else idx.county_codes.get(normalize_county(county), -2)
        )
        if c == -2:
            continue  # an alias limited to an unknown county can never apply
        g = text(geoid)
        if none or not g:
            out.setdefault(key, []).append(Hit(-1, c, none=True, tier=0))
        elif g in idx.by_geoid:
            out.setdefault(key, []).append(Hit(idx.by_geoid[g], c, tier=0))
    return out


def alias_verdict(
    idx: Index, hits: list[Hit], county: int, method: str, is_acronym: bool
) -> Result | None:
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
        return Result("unmatched", None, method, None, notes=[note])
    if is_acronym:
        inside = [h for h in usable if county < 0 or idx.county_of[h.entity] == county]
        pool = inside or usable
        best_tier = min(h.tier for h in pool)
        usable = [h for h in pool if h.tier == best_tier]
    linked = {h.entity: h.linked for h in usable}
    verdict, ents = choose(
        idx, [h.entity for h in usable], county, dominance=is_acronym
    )
    if verdict == "matched":
        e = ents[0]
        return Result("matched", e, method, 100.0, linked=linked.get(e, ()))
    if verdict == "ambiguous":
        note = (
            "acronym shared by several districts: give the county"
            if is_acronym and county < 0
            else "several districts or COEs go by this name"
        )
    else:
        note = "county differs: the roster's county has no district by this name"
    return Result("ambiguous", None, method, 100.0, [(e, 100.0) for e in ents], [note])


def name_first_pass(
    idx: Index, user: dict[str, list[Hit]], name: str, county: int
) -> tuple[Result | None, ParsedName, list[int]]:
    """Saved aliases, exact name, shipped aliases.

    Returns (result or None when fuzzy matching must decide, the parsed name,
    entities of the exact name found only outside the roster's county).
    """
    p = vocab_correct(idx, parse_name(name))
    if not p.norm:
        return Result("unmatched", notes=["no entity name"]), p, []

    # 1. A person's confirmed choice comes first.
    if p.norm in user:
        res = alias_verdict(idx, user[p.norm], county, "user_alias", False)
        if res is not None and res.status != "ambiguous":
            return res, p, []

    # 2. Exact name (CDE or Census), then the same without Union/Joint/City.
    pending: Result | None = None
    out_of_county: list[int] = []
    for keyset, score in (
        (idx.exact.get(p.norm), 100.0),
        (idx.loose.get(f"{p.place}|{p.level}") if p.level else None, LOOSE_SCORE),
    ):
        if not keyset:
            continue
        verdict, ents = choose(idx, keyset, county)
        if verdict == "matched":
            e = ents[0]
            # "Oak Grove Elementary" is a real name, and also how people write
            # "Oak Grove Union Elementary" (a dropped word): then ask.
            q_mods = mods_mask(p.modifiers)
            near = list(
                dict.fromkeys(
                    x
                    for x, m in idx.loose_mods.get(f"{p.place}|{idx.dtype[e]}", [])
                    if x not in idx.group_of(e)
                    and (county < 0 or idx.county_of[x] == county)
                    and m & q_mods == q_mods
                    and (m != q_mods or p.level is None)
                )
            )
            if not near:
                return Result("matched", e, "exact_name", score), p, []
            pending = Result(
                "ambiguous",
                None,
                "exact_name",
                score,
                [(e, score)] + [(x, LOOSE_SCORE) for x in near],
                [
                    "another district's name differs only by Union, Joint or "
                    "City: give the county"
                    if county < 0
                    else "another district of this county has nearly this name"
                ],
            )
        elif verdict == "ambiguous":
            pending = Result(
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
    hit_lists: list[tuple[list[Hit], bool]] = []
    if p.norm in idx.alias_name:
        hit_lists.append((idx.alias_name[p.norm], False))
    key = compact(name)
    acr = idx.alias_acr.get(key) or idx.alias_acr.get(p.norm.replace(" ", ""))
    if acr and len(key) <= 12:
        hit_lists.append((acr, True))
    if pending is None:
        for hits, is_acronym in hit_lists:
            res = alias_verdict(idx, hits, county, "alias", is_acronym)
            if res is not None:
                return res, p, []
    if pending is not None:
        return pending, p, []
    return None, p, out_of_county


def fuzzy_decide(
    idx: Index,
    scores: np.ndarray,
    county: int,
    county_text: str,
    out_of_county: list[int],
) -> Result:
    top = ranked(idx, scores)
    if out_of_county:
        best_in = top[0] if top and top[0][1] >= REVIEW_SCORE else None
        where = ", ".join(sorted({idx.county[e] for e in out_of_county}))
        note = f"county differs: the roster says {county_text}, the name is in {where}"
        if best_in is None and len(out_of_county) == 1:
            e = out_of_county[0]
            return Result("matched", e, "exact_name", OUT_OF_COUNTY_SCORE, notes=[note])
        cands = [(e, OUT_OF_COUNTY_SCORE) for e in out_of_county]
        if best_in is not None:
            cands.append(best_in)
        return Result(
            "ambiguous",
            None,
            "exact_name",
            OUT_OF_COUNTY_SCORE,
            sorted(cands, key=lambda c: -c[1]),
            [note],
        )
    if not top or top[0][1] <= 0:
        return Result("unmatched", notes=["no district or COE resembles this name"])
    best, b1 = top[0]
    b2 = top[1][1] if len(top) > 1 else 0.0
    if b1 >= ACCEPT_SCORE and b1 - b2 >= ACCEPT_MARGIN:
        return Result("matched", best, "fuzzy", b1, top[1:2])
    if b1 >= REVIEW_SCORE:
        cands = [c for c in top if c[1] >= max(REVIEW_SCORE - 10, b1 - 15)]
        why = (
            f"close to {len(cands)} names"
            if len(cands) > 1 and b1 - b2 < ACCEPT_MARGIN
            else "similar name, not close enough to accept"
        )
        return Result("ambiguous", None, "fuzzy", b1, cands, [why])
    return Result(
        "unmatched",
        None,
        None,
        b1,
        [top[0]] if b1 >= 50 else [],
        ["no district or COE name is close enough"],
    )


def match_names(
    idx: Index,
    user: dict[str, list[Hit]],
    keys: list[tuple[str, int, str]],
) -> list[Result]:
    results: list[Result | None] = []
    need: list[int] = []
    parsed: list[ParsedName] = []
    outs: list[list[int]] = []
    for i, (name, county, _ctext) in enumerate(keys):
        res, p, out = name_first_pass(idx, user, name, county)
        results.append(res)
        parsed.append(p)
        outs.append(out)
        if res is None:
            need.append(i)
    if need:
        counties = np.array([keys[i][1] for i in need], dtype=np.int64)
        # Out-of-county candidates are compared against this county's entities.
        matrix = score_matrix(idx, [parsed[i] for i in need], counties)
        for row, i in enumerate(need):
            scores = matrix[row]
            if outs[i]:
                scores = np.where(idx.county_of == keys[i][1], scores, 0)
            results[i] = fuzzy_decide(idx, scores, keys[i][1], keys[i][2], outs[i])
    return [r for r in results if r is not None]
