"""A roster's name read against the real names: type words, county suffix.

:func:`loaders.normalize.parse_name` knows no real district; here the
reference's own vocabulary corrects misspelt type words, and a county written
into the name (``"Jefferson Elementary (San Mateo County)"``) is split off.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz, process

from loaders.matching.index import Index
from loaders.normalize import ParsedName, normalize_county, parse_name

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

_SUFFIX = re.compile(
    r"^(?P<name>.+?)\s*(?:\((?P<a>[^()]+)\)|\[(?P<b>[^\[\]]+)\]|,\s*(?P<c>[^,]+)"
    r"|\s[-\u2013\u2014]\s*(?P<d>[^-\u2013\u2014]+))\s*$"
)


def vocab_correct(idx: Index, p: ParsedName) -> ParsedName:
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


def county_suffix(idx: Index, name: str) -> tuple[str, int, str]:
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
