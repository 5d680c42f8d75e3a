"""Normalise school-district and COE names (and county names) for matching.

People write the same district many ways: ``"San Diego Unified"`` (CDE),
``"San Diego City Unified School District"`` (Census), ``"San Diego USD"``,
``"SAN DIEGO UNIFIED SCHOOL DIST."``. This module turns each form into one
canonical text and splits it into the parts matching compares:

``place``
    The distinctive words (``"san diego"``); they must carry any match.
``level``
    The district type the words name: ``"unified"``, ``"elementary"``,
    ``"secondary"`` (a *high* school district) or ``"coe"`` (county office of
    education), or None when the name does not say.
``modifiers``
    Words that often come and go in the same district's name (``union``,
    ``joint``, ``city``, ``county``, ``community``, ``charter``,
    ``consolidated``) when they trail the place: weak evidence only.

Generic words (``school``, ``schools``, ``district``, ``the``, ``of``...) are
dropped so that they cannot carry a match. Abbreviations are expanded
(``USD`` → unified, ``ESD`` → elementary, ``UESD`` → union elementary,
``UHSD`` → union high, ``JUHSD`` → joint union high, ``HSD`` → high, ``JUSD`` →
joint unified, ``CUSD`` → unified, ``Mt.`` → mount, ``St.`` → saint...), and
the COE phrasings CDE uses (``County Office of Education``, ``County
Superintendent of Schools``, ``County Department of Education``) and their
abbreviations (``COE``, ``County DOE``) all become the level ``coe``.
Misspelt type words (``Unifed``, ``Elementry``, ``Distict``) are corrected.

Nothing here knows the list of real districts; :mod:`loaders.matching` and
:mod:`loaders.aliases` build on it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, NamedTuple

from rapidfuzz import fuzz, process

from loaders.counties import COUNTY_ABBREVIATIONS
from loaders.counties import county_key as normalize_county
from loaders.text import fold_text, is_missing

__all__ = [
    "COMPASS_WORDS",
    "COUNTY_ABBREVIATIONS",
    "GENERIC_WORDS",
    "LEVEL_WORDS",
    "MODIFIER_WORDS",
    "ParsedName",
    "compact",
    "fold_text",
    "fold_words",
    "is_missing",
    "normalize_county",
    "normalize_name",
    "parse_name",
]

#: Word → district type it names.
LEVEL_WORDS: dict[str, str] = {
    "unified": "unified",
    "elementary": "elementary",
    "high": "secondary",
    "secondary": "secondary",
    "coe": "coe",
}
#: Words that come and go in the same district's name (weak evidence).
MODIFIER_WORDS: frozenset[str] = frozenset(
    {"union", "joint", "city", "county", "community", "charter", "consolidated"}
)
#: Words that name a direction, not a place: never a place on their own.
COMPASS_WORDS: frozenset[str] = frozenset(
    {"north", "south", "east", "west", "northern", "southern", "eastern", "western"}
)
#: Words dropped before comparing: they cannot carry a match.
GENERIC_WORDS: frozenset[str] = frozenset(
    {
        "school",
        "schools",
        "district",
        "districts",
        "the",
        "of",
        "and",
        "public",
        "board",
        "trustees",
        "education",
        "office",
        "inc",
    }
)

# Abbreviation → its words (applied to whole tokens only).
_EXPANSIONS: dict[str, tuple[str, ...]] = {
    "usd": ("unified",),
    "cusd": ("unified",),
    "jusd": ("joint", "unified"),
    "ud": ("unified",),
    "unif": ("unified",),
    "unfd": ("unified",),
    "esd": ("elementary",),
    "uesd": ("union", "elementary"),
    "jesd": ("joint", "elementary"),
    "juesd": ("joint", "union", "elementary"),
    "elem": ("elementary",),
    "elm": ("elementary",),
    "hsd": ("high",),
    "uhsd": ("union", "high"),
    "juhsd": ("joint", "union", "high"),
    "jhsd": ("joint", "high"),
    "hs": ("high",),
    "sd": (),
    "jt": ("joint",),
    "un": ("union",),
    "co": ("county",),
    "cnty": ("county",),
    "cty": ("county",),
    "mt": ("mount",),
    "st": ("saint",),
    "ste": ("sainte",),
    "ft": ("fort",),
    "pt": ("point",),
    "sch": ("school",),
    "schl": ("school",),
    "schs": ("schools",),
    "dist": ("district",),
    "dst": ("district",),
    "ed": ("education",),
    "educ": ("education",),
    "supt": ("superintendent",),
    "supts": ("superintendent",),
    "dept": ("department",),
    "ofc": ("office",),
    "doe": ("department", "of", "education"),
    "cde": ("department", "of", "education"),
}

# Token sequences naming a county office of education (longest first).
_COE_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    sorted(
        (
            ("county", "office", "of", "education"),
            ("county", "superintendent", "of", "schools"),
            ("county", "department", "of", "education"),
            ("county", "board", "of", "education"),
            ("county", "schools", "office"),
            ("county", "education", "office"),
            ("county", "superintendent"),
            ("county", "coe"),
            ("office", "of", "education"),
            ("superintendent", "of", "schools"),
            ("department", "of", "education"),
            ("coe",),
        ),
        key=len,
        reverse=True,
    )
)

_COE_BY_FIRST: dict[str, list[tuple[str, ...]]] = {}
for _phrase in _COE_PHRASES:
    _COE_BY_FIRST.setdefault(_phrase[0], []).append(_phrase)
_COE_FIRST = frozenset(_COE_BY_FIRST)

# Type words whose misspellings are corrected (place words are never touched).
_TYPE_VOCAB: tuple[str, ...] = (
    "unified",
    "elementary",
    "district",
    "school",
    "schools",
    "union",
    "joint",
    "community",
    "education",
    "superintendent",
    "department",
    "office",
    "county",
)
# Real place words that resemble a type word and must stay as written.
_PROTECTED = frozenset({"unity", "unión", "jointa", "countryside", "edison"})



class ParsedName(NamedTuple):
    """A district or COE name split into the parts matching compares.

    Attributes
    ----------
    norm : str
        The whole normalised name (words joined by one space).
    place : str
        Distinctive words (never empty unless the name had none).
    level : str or None
        ``"unified"``, ``"elementary"``, ``"secondary"``, ``"coe"`` or None.
    modifiers : frozenset of str
        Trailing words from :data:`MODIFIER_WORDS` removed from ``place``.
    """

    norm: str
    place: str
    level: str | None
    modifiers: frozenset[str]


def fold_words(text: Any) -> list[str]:
    """Words of :func:`fold_text`, a run of single letters merged into one word.

    Examples
    --------
    >>> fold_words("L.A. Unified")
    ['la', 'unified']
    >>> fold_words("Kings River-Hardwick")
    ['kings', 'river', 'hardwick']
    """
    tokens = fold_text(text).split()
    # "L.A.U.S.D." → "l a u s d" → "lausd": merge runs of single letters.
    merged: list[str] = []
    run: list[str] = []
    for tok in tokens + [""]:
        if len(tok) == 1 and tok.isalpha():
            run.append(tok)
            continue
        if len(run) >= 2:
            merged.append("".join(run))
        else:
            merged.extend(run)
        run = []
        if tok:
            merged.append(tok)
    return merged


@lru_cache(maxsize=20_000)
def _correct_type_word(token: str) -> str:
    if len(token) < 5 or token in _PROTECTED or token in _TYPE_VOCAB:
        return token
    hit = process.extractOne(token, _TYPE_VOCAB, scorer=fuzz.ratio, score_cutoff=86)
    return hit[0] if hit else token


def _expand(tokens: list[str]) -> list[str]:
    out: list[str] = []
    for tok in tokens:
        if tok in _EXPANSIONS:
            out.extend(_EXPANSIONS[tok])
        elif tok.isalpha():
            out.append(_correct_type_word(tok))
        else:
            out.append(tok)
    return out


def _replace_coe(tokens: list[str]) -> list[str]:
    if _COE_FIRST.isdisjoint(tokens):
        return tokens
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for phrase in _COE_BY_FIRST.get(tokens[i], ()):
            n = len(phrase)
            if tuple(tokens[i : i + n]) == phrase:
                out.append("coe")
                i += n
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


@lru_cache(maxsize=50_000)
def parse_name(text: str) -> ParsedName:
    """Split a district or COE name into normalised place, level and modifiers.

    Parameters
    ----------
    text : str
        A name as written on a roster or in CDE's / the Census Bureau's tables.

    Returns
    -------
    ParsedName
        ``norm``, ``place``, ``level`` and ``modifiers`` (see the module
        docstring). Empty text gives ``ParsedName("", "", None, frozenset())``.

    Examples
    --------
    >>> p = parse_name("San Diego City Unified School District")
    >>> p.norm, p.place, p.level, sorted(p.modifiers)
    ('san diego city unified', 'san diego', 'unified', ['city'])
    >>> parse_name("Riverside County Office of Education").level
    'coe'
    >>> p = parse_name("North County Joint Union Elementary")
    >>> p.place, sorted(p.modifiers)
    ('north county', ['joint', 'union'])
    """
    tokens = _replace_coe(_expand(fold_words(text)))
    tokens = [t for t in tokens if t not in GENERIC_WORDS]
    levels = {LEVEL_WORDS[t] for t in tokens if t in LEVEL_WORDS}
    level = levels.pop() if len(levels) == 1 else None
    rest = [t for t in tokens if t not in LEVEL_WORDS]
    mods: set[str] = set()
    # Trailing modifiers leave the place ("Junction City" keeps "junction" as
    # place and "city" as modifier); the first word always stays, and a compass
    # word never stays alone: "North County" is a place, and "North Elementary"
    # must not equal North County Joint Union Elementary.
    while (
        len(rest) > 1
        and rest[-1] in MODIFIER_WORDS
        and not (len(rest) == 2 and rest[0] in COMPASS_WORDS)
    ):
        mods.add(rest.pop())
    # Modifiers between place words and the level ("Kings River-Hardwick Union
    # Elementary") were handled above; a modifier that the COE phrase left
    # behind ("Riverside County COE") is dropped for a COE.
    if level == "coe":
        mods.discard("county")
    return ParsedName(" ".join(tokens), " ".join(rest), level, frozenset(mods))


def normalize_name(text: Any) -> str:
    """Canonical text of a district or COE name, for comparing names.

    Case, accents, punctuation and spacing are folded; abbreviations are
    expanded (``USD``, ``ESD``, ``UHSD``, ``JUHSD``, ``Mt.``...); the COE
    phrasings become ``coe``; generic words (``School``, ``District``,
    ``Schools``...) are dropped.

    Parameters
    ----------
    text : str or None
        Any name; missing values (None, NaN, ``<NA>``) give ``""``.

    Returns
    -------
    str
        Lower-case ASCII words separated by one space.

    Examples
    --------
    >>> normalize_name("SAN DIEGO USD")
    'san diego unified'
    >>> normalize_name("La Cañada Unified School District")
    'la canada unified'
    >>> normalize_name("Madera County Superintendent of Schools")
    'madera coe'
    """
    if is_missing(text):
        return ""
    return parse_name(str(text)).norm


def compact(text: Any) -> str:
    """Letters and digits only, lower case: :func:`fold_text` without spaces.

    Examples
    --------
    >>> compact("S.D.U.S.D.")
    'sdusd'
    """
    return fold_text(text).replace(" ", "")
