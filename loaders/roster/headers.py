"""Header rows: where the header is, and which header feeds which roster column.

Header names come in many spellings ("District", "LEA", "School District Name",
"CDS", "County-District Code", "Position", "Attendance", "Registered?", "Name",
"E-mail", "First Name" + "Last Name"...). :data:`HEADER_SYNONYMS` lists them per
canonical column, in order of preference; :func:`propose_column_map` maps a
file's headers; :func:`find_header` finds the header row among the first rows
of a file; :func:`layout_signature` identifies a layout so a mapping can be
remembered.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from loaders.roster import limits
from loaders.roster.cells import cell_text
from loaders.roster.model import (
    ENTITY_COLUMNS,
    JOIN,
    TARGETS,
)
from loaders.vocab import fold

__all__ = [
    "HEADER_SYNONYMS",
    "classify_header",
    "find_header",
    "header_score",
    "headers_of",
    "layout_signature",
    "name_headers",
    "propose_column_map",
    "used_headers",
]

# For each target column, header spellings (folded, see vocab.fold) in order of
# preference: when two headers of one file map to the same column, the one whose
# spelling comes first wins; equal rank is ambiguous and maps neither.
HEADER_SYNONYMS: dict[str, list[str]] = {
    "event_id": [
        "event id",
        "event_id",
        "event code",
        "event",
        "event name",
        "event title",
        "meeting",
        "meeting name",
        "convening",
        "session",
        "session name",
        "training",
        "conference",
        "program",
    ],
    "entity_name": [
        "entity name",
        "entity_name",
        "district name",
        "school district name",
        "district coe name",
        "district or coe name",
        "lea name",
        "district coe",
        "district or coe",
        "district county office",
        "district or county office",
        "school district",
        "district",
        "lea",
        "local educational agency",
        "local education agency",
        "entity",
        "agency name",
        "organization name",
        "organisation name",
        "agency",
        "organization",
        "organisation",
        "org",
        "employer",
        "team",
        "district team",
    ],
    "cds_code": [
        "cds code",
        "cds_code",
        "cdscode",
        "cds",
        "cds number",
        "cds no",
        "cds id",
        "county district school code",
        "county district school",
    ],
    "cd_code": [
        "cd code",
        "cd_code",
        "cdcode",
        "county district code",
        "cd",
        "cd number",
        "county district",
    ],
    "nces_id": [
        "nces id",
        "nces_id",
        "nces lea id",
        "ncesid",
        "nces",
        "nces district id",
        "nces code",
        "lea id",
        "leaid",
        "fedid",
        "fed id",
        "federal id",
        "geoid",
    ],
    "county": ["county", "county name", "cnty", "county_name"],
    "role": [
        "role",
        "team role",
        "role on team",
        "lmi role",
        "participant role",
        "role title",
        "role position",
        "position",
        "position title",
        "title",
        "job title",
        "stakeholder",
        "stakeholder group",
        "constituency",
        "group",
    ],
    "status": [
        "status",
        "attendance",
        "attendance status",
        "attended",
        "registration status",
        "registered",
        "registration",
        "application status",
        "applied",
        "present",
        "checked in",
        "check in",
        "rsvp",
        "participation",
    ],
    "person_name": [
        "person name",
        "person_name",
        "name",
        "full name",
        "participant name",
        "participant",
        "attendee name",
        "attendee",
        "registrant name",
        "registrant",
        "contact name",
        "member name",
        "person",
        "contact",
    ],
    "email": [
        "email",
        "e mail",
        "email address",
        "e mail address",
        "work email",
        "contact email",
        "mail",
    ],
    "event_date": [
        "event date",
        "event_date",
        "date of event",
        "date",
        "meeting date",
        "session date",
        "dates",
        "start date",
    ],
    "_first_name": ["first name", "first", "given name", "firstname", "fname"],
    "_last_name": ["last name", "last", "surname", "family name", "lastname", "lname"],
}
# Looser rules for headers not in the table (rank after every listed spelling).
_HEADER_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bcds\b"), "cds_code"),
    (re.compile(r"\bnces\b"), "nces_id"),
    (re.compile(r"\be ?mail\b"), "email"),
    (re.compile(r"\b(district|lea)\b.*\bname\b"), "entity_name"),
    (re.compile(r"\brole\b|\bposition\b"), "role"),
    (re.compile(r"\battend\w*|\bstatus\b"), "status"),
    (re.compile(r"\bevent\b"), "event_id"),
    (re.compile(r"\bregist\w*"), "status"),
    (
        re.compile(
            r"\bname of (the |your )?(district|lea|coe|agency|organi[sz]ation)\b"
        ),
        "entity_name",
    ),
    (re.compile(r"^(?!.*\b(code|id|number|no|fips|office)\b).*\bcounty\b"), "county"),
    (re.compile(r"\bname\b"), "person_name"),
]
# Headers about when something happened ("Registration Date", "Timestamp") feed
# no column by pattern: their values are no statuses, roles or events.
_WHEN = re.compile(r"\b(date|dates|time|timestamp|submitted|day)\b")
_MULTI = {"status"}  # several status columns are combined ("Registered?" + "Attended")


@lru_cache(maxsize=1)
def _synonym_rank() -> dict[str, tuple[str, int]]:
    ranks: dict[str, tuple[str, int]] = {}
    for target, spellings in HEADER_SYNONYMS.items():
        for rank, spelling in enumerate(spellings):
            ranks.setdefault(fold(spelling), (target, rank))
    return ranks


def classify_header(header: str) -> tuple[str, int] | None:
    """The roster column a header feeds and its rank, or None.

    Parameters
    ----------
    header : str
        One header as typed.

    Returns
    -------
    (str, int) or None
        Target column (:data:`~loaders.roster.model.TARGETS`, or
        ``_first_name``/``_last_name``) and rank: the position of the spelling
        in :data:`HEADER_SYNONYMS` (lower is better), 100 for a looser pattern.
        None for a header that feeds nothing (dates and times included).

    Examples
    --------
    >>> classify_header("E-mail address"), classify_header("Registration Date")
    (('email', 3), None)
    """
    key = fold(header)
    if not key:
        return None
    hit = _synonym_rank().get(key)
    if hit:
        return hit
    if _WHEN.search(key):
        return None
    for pattern, target in _HEADER_PATTERNS:
        if pattern.search(key):
            return target, 100
    return None


def propose_column_map(
    headers: Iterable[str],
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Map source headers to canonical roster columns where unambiguous.

    Parameters
    ----------
    headers : iterable of str
        Header names as they appear in the file.

    Returns
    -------
    column_map : dict
        Canonical column (:data:`ROSTER_COLUMNS` or :data:`EXTRA_COLUMNS`) →
        source header. ``person_name`` may be ``"First Name + Last Name"``;
        ``status`` may join several status columns the same way
        (``"Registered? + Attended"``: the row's furthest status wins).
    ambiguous : dict
        Canonical column → headers that could each feed it with equal
        confidence; none of them is mapped and a user must choose.

    Examples
    --------
    >>> propose_column_map(["LEA", "CDS", "Position", "Registered?"])[0]
    ... # doctest: +NORMALIZE_WHITESPACE
    {'entity_name': 'LEA', 'cds_code': 'CDS', 'role': 'Position',
     'status': 'Registered?'}
    """
    best: dict[str, list[tuple[int, str]]] = {}
    for header in headers:
        hit = classify_header(header)
        if hit:
            best.setdefault(hit[0], []).append((hit[1], header))
    mapping: dict[str, str] = {}
    ambiguous: dict[str, list[str]] = {}
    for target, found in best.items():
        if target in _MULTI:
            mapping[target] = JOIN.join(h for _, h in found)
            continue
        top = min(rank for rank, _ in found)
        winners = [h for rank, h in found if rank == top]
        if len(winners) == 1:
            mapping[target] = winners[0]
        else:
            ambiguous[target] = winners
    first, last = mapping.pop("_first_name", None), mapping.pop("_last_name", None)
    ambiguous.pop("_first_name", None)
    ambiguous.pop("_last_name", None)
    if "person_name" not in mapping and "person_name" not in ambiguous:
        parts = [p for p in (first, last) if p]
        if parts:
            mapping["person_name"] = JOIN.join(parts)
    ordered = {t: mapping[t] for t in TARGETS if t in mapping}
    return ordered, {t: ambiguous[t] for t in TARGETS if t in ambiguous}


def layout_signature(headers: Iterable[str]) -> str:
    """Stable hash of a file's header names, to remember a mapping per layout.

    Parameters
    ----------
    headers : iterable of str
        Source header names. Order, case, accents, punctuation and spacing do not
        change the signature.

    Returns
    -------
    str
        16 hexadecimal characters (SHA-256 prefix of the sorted folded headers).
    """
    names = sorted(fold(h) for h in headers if fold(h))
    return hashlib.sha256("\x1f".join(names).encode("utf-8")).hexdigest()[:16]


def headers_of(row: list[Any]) -> list[str]:
    """The cells of a row as header text (:func:`~.cells.cell_text`)."""
    return [cell_text(v) for v in row]


def header_score(cells: list[str]) -> tuple[float, dict[str, str]]:
    """How much a row looks like a roster's header row.

    Parameters
    ----------
    cells : list of str
        The row's cells as text.

    Returns
    -------
    score : float
        Number of roster columns the row's cells would feed (less 0.01 per cell
        longer than 60 characters); 0 when none feeds a district/COE column.
    mapping : dict
        The :func:`propose_column_map` of the row.
    """
    nonempty = [c for c in cells if c]
    if len(nonempty) < 1:
        return 0.0, {}
    mapping, ambiguous = propose_column_map(nonempty)
    targets = set(mapping) | set(ambiguous)
    if not targets & set(ENTITY_COLUMNS):
        return 0.0, mapping
    # Data rows rarely contain header words; long texts are no header either.
    score = float(len(targets)) - 0.01 * sum(len(c) > 60 for c in nonempty)
    return score, mapping


def find_header(grid: list[list[Any]]) -> tuple[int | None, float]:
    """The header row among the first rows of a file or sheet.

    Parameters
    ----------
    grid : list of list
        Rows as read (cell values); only the first
        :data:`HEADER_SCAN_ROWS` are looked at.

    Returns
    -------
    index : int or None
        0-based position in ``grid`` of the best :func:`header_score`, None when
        no row names a district or COE column.
    score : float
        Its score.

    Examples
    --------
    >>> find_header([["LMI roster 2024"], ["District", "Role"], ["Napa", "Supt"]])
    (1, 2.0)
    """
    best, best_score = None, 0.0
    for index, row in enumerate(grid[: limits.HEADER_SCAN_ROWS]):
        score, _ = header_score(headers_of(row))
        if score > best_score:
            best, best_score = index, score
    return best, best_score


def name_headers(raw: list[str]) -> list[str]:
    """Header names a user can tell apart.

    Parameters
    ----------
    raw : list of str
        Header cells as text, one per kept column.

    Returns
    -------
    list of str
        A blank header named after its spreadsheet letter (``"Column C"``), a
        repeated name suffixed ``" (2)"``, ``" (3)"``...

    Examples
    --------
    >>> name_headers(["Name", "", "name"])
    ['Name', 'Column B', 'name (2)']
    """
    names: list[str] = []
    seen: dict[str, int] = {}
    for i, header in enumerate(raw):
        if not header:
            # openpyxl costs ~250 ms to import (measured): only for a blank header
            from openpyxl.utils import get_column_letter

            header = f"Column {get_column_letter(i + 1)}"
        key = header.casefold()
        if key in seen:
            seen[key] += 1
            header = f"{header} ({seen[key]})"
        else:
            seen[key] = 1
        names.append(header)
    return names


def used_headers(mapping: Mapping[str, str]) -> set[str]:
    """Source headers a column mapping reads (joined headers split apart)."""
    used: set[str] = set()
    for value in mapping.values():
        used.update(value.split(JOIN))
    return used
