"""Candidates for a typed name: the review queue's search box.

Unlike :func:`loaders.matching.match_roster`, which decides, this ranks: every
district and COE a name, an acronym or a fragment (``"pasad"``) may mean, with
a score, so a person can choose.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from loaders.matching.index import reference_index
from loaders.matching.scoring import COUNTY_PENALTY, score_matrix
from loaders.normalize import compact, normalize_county, parse_name

__all__ = ["candidates"]


def candidates(
    name: str,
    county: str | None,
    reference: pd.DataFrame,
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
    reference : pandas.DataFrame
        The districts and COEs to search: ``geodata.boundaries.entity_reference()``
        (see :func:`loaders.matching.match_roster`).
    k : int, default 8
        How many candidates to return.

    Returns
    -------
    pandas.DataFrame
        At most ``k`` rows: ``geoid``, ``name`` (CDE), ``county``,
        ``district_type``, ``score`` (0-100 float), best first.

    Raises
    ------
    ValueError
        If ``reference`` lacks a needed column.
    """
    idx = reference_index(reference)
    c = idx.county_codes.get(normalize_county(county), -1) if county else -1
    p = parse_name(name or "")
    n_ent = len(idx.geoid)
    scores = (
        score_matrix(idx, [p], np.array([c]))[0]
        if p.place
        else np.zeros(n_ent, dtype=np.float32)
    )
    if p.norm:
        # A fragment typed into a search box: partial similarity, a little lower.
        part = cdist([p.norm], idx.v_norm, scorer=fuzz.partial_ratio, workers=-1)[0]
        part = part * 0.9 - np.where(
            (c >= 0) & (idx.v_county != c), COUNTY_PENALTY, 0.0
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
