"""Fuzzy scores of roster names against the real names, and their thresholds.

Fuzzy score of a roster name against a reference name, 0-100::

    max(ratio, token_sort_ratio)(place words)       # never token_set: a name
    - 30 if the names give different district types  # inside a longer one
    -  6 if the roster name gives no type            # ("Pasadena" in "South
    -  3 per modifier word in one name only          # Pasadena") must not score
    - 25 if the roster's county is another county    # 100

A fuzzy match is accepted without review only when its score reaches
:data:`ACCEPT_SCORE` *and* leads the runner-up by :data:`ACCEPT_MARGIN`.
"""

from __future__ import annotations

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from loaders.matching.index import LEVEL_CODE, Index, mods_mask
from loaders.matching.names import vocab_correct
from loaders.normalize import ParsedName, parse_name

#: Lowest fuzzy score accepted without review.
ACCEPT_SCORE = 88.0
#: Lead over the runner-up a fuzzy match needs to be accepted without review.
ACCEPT_MARGIN = 8.0
#: Lowest score that still goes to review as ``ambiguous`` (else ``unmatched``).
REVIEW_SCORE = 70.0

NO_LEVEL_PENALTY = 6.0
LEVEL_PENALTY = 30.0
MOD_PENALTY = 3.0
COUNTY_PENALTY = 25.0


def score_matrix(
    idx: Index, queries: list[ParsedName], counties: np.ndarray
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
        q_level = np.array([LEVEL_CODE[q.level] for q in qs], dtype=np.int8)
        q_mods = np.array([mods_mask(q.modifiers) for q in qs], dtype=np.int64)
        q_county = counties[lo : lo + chunk]
        pen = np.where(
            q_level[:, None] == 0,
            NO_LEVEL_PENALTY,
            np.where(q_level[:, None] == v_level[None, :], 0.0, LEVEL_PENALTY),
        ).astype(np.float32)
        diff = q_mods[:, None] ^ v_mods[None, :]
        pen += MOD_PENALTY * np.bitwise_count(diff.astype(np.uint64)).astype(np.float32)
        pen += np.where(
            (q_county[:, None] >= 0) & (q_county[:, None] != v_county[None, :]),
            COUNTY_PENALTY,
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


def ranked(idx: Index, scores: np.ndarray, k: int = 5) -> list[tuple[int, float]]:
    """Best entities, one per governance group, best first."""
    top = np.argsort(-scores, kind="stable")[: k * 3]
    out: list[tuple[int, float]] = []
    seen: set[int] = set()
    for e in top:
        e = int(e)
        if e in seen:
            continue
        seen.update(idx.group_of(e))
        out.append((e, float(scores[e])))
        if len(out) == k:
            break
    return out


def score_one(idx: Index, name: str, entity: int) -> float:
    """Fuzzy score of a name against one entity (county not considered)."""
    p = vocab_correct(idx, parse_name(name))
    if not p.place:
        return 0.0
    level, mods = LEVEL_CODE[p.level], mods_mask(p.modifiers)
    best = 0.0
    for j in np.flatnonzero(idx.v_entity == entity):
        sim = max(
            fuzz.ratio(p.place, idx.v_place[j]),
            fuzz.token_sort_ratio(p.place, idx.v_place[j]),
        )
        pen = (
            NO_LEVEL_PENALTY
            if level == 0
            else (0.0 if level == idx.v_level[j] else LEVEL_PENALTY)
        )
        pen += MOD_PENALTY * int(mods ^ int(idx.v_mods[j])).bit_count()
        best = max(best, sim - pen)
    return max(best, 0.0)
