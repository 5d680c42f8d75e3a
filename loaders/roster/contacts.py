"""Contact details: which columns hold them, and e-mail addresses as stored.

Names, e-mail addresses and phone numbers of the people on a roster are
personal data: every table the product writes leaves them out unless a user
asks for them. :func:`contact_columns` is the one place that says which columns
hold them, by header and by content:

- by header: the roster's own spellings of a person's name and e-mail
  (:data:`~loaders.roster.headers.HEADER_SYNONYMS` of ``person_name``,
  ``email``, first and last name: "Participant", "Person", "Contact",
  "E-mail address", "Mail", "First", "Last"...), phone words ("Phone", "Tel",
  "Mobile", "Cell", "Fax") and other headers that contain them
  ("contact_phone", "Alt. email", "Contact person");
- by content: a text column whose non-empty values are mostly (at least half)
  e-mail addresses or phone numbers, whatever its header ("Notes", "Info").

A bare "Name" is a person's name in a roster file (the reader maps it to
``person_name``) but an entity's name in the product's own tables
(``participation_tables``' ``name`` is the district); ``roster=True`` says the
headers are a roster file's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import pandas as pd

from loaders.roster.headers import HEADER_SYNONYMS
from loaders.vocab import fold

__all__ = [
    "CONTACT_COLUMNS",
    "CONTACT_TARGETS",
    "EMAIL_PATTERN",
    "EMAIL_PROBLEM",
    "contact_columns",
    "is_contact_header",
    "looks_like_contacts",
    "normalize_email",
]

#: Canonical roster columns holding contact details.
CONTACT_TARGETS: tuple[str, ...] = ("person_name", "email")
#: Column names that always hold contact details (the product's own names).
CONTACT_COLUMNS: frozenset[str] = frozenset({"person_name", "email", "phone"})
#: Reason given for an email cell that is not an email address (never the text).
EMAIL_PROBLEM = (
    "not an email address (expected name@domain); kept as typed, not used to "
    "recognise duplicate rows"
)
#: Share of a column's non-empty values that must be e-mail addresses or phone
#: numbers for the column to count as contact details.
CONTENT_SHARE = 0.5
#: Non-empty values looked at per column (evenly spread over the column).
CONTENT_SAMPLE = 2_000

#: What an e-mail address looks like (``name@domain.tld``), for ``str.match``.
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
_EMAIL = re.compile(EMAIL_PATTERN)
_MAILTO = re.compile(r"^\s*mailto:", re.IGNORECASE)
# North American numbers as people type them ("(510) 555-0100", "510.555.0100
# x12", "+1 510 555 0100", "5105550100") and international ones starting with
# "+"; 7-digit CD codes, 14-digit CDS codes (also "37-68338-0000000") and
# 5-digit FIPS codes are none of these.
_PHONE = re.compile(
    r"^(?:(?:\+?1[\s.\-]?)?(?:\(\d{3}\)|\d{3})[\s.\-]?\d{3}[\s.\-]?\d{4}"
    r"|\+\d[\d\s().\-]{6,18}\d)"
    r"(?:\s*(?:x|ext\.?|extension)\s*\d{1,6})?$",
    re.IGNORECASE,
)
_PHONE_WORDS = (
    "phone",
    "phone number",
    "phone no",
    "telephone",
    "telephone number",
    "tel",
    "tel no",
    "mobile",
    "mobile number",
    "cell",
    "cell phone",
    "cellphone",
    "cell number",
    "fax",
)
# Headers containing one of these words (folded text) are contact headers.
_CONTACT_WORDS = re.compile(
    r"\b(?:e ?mail|email address|phone|telephone|tel|mobile|cellphone|fax"
    r"|surname|contact)\b"
    r"|\bcell(?: phone| number| no)?$"
    r"|\b(?:first|last|given|family|full|middle|person|participant|attendee"
    r"|registrant|member)s? ?name\b"
)


@lru_cache(maxsize=1)
def _contact_spellings() -> frozenset[str]:
    targets = ("person_name", "email", "_first_name", "_last_name")
    spellings = {fold(s) for t in targets for s in HEADER_SYNONYMS[t]}
    spellings.update(fold(s) for s in (*CONTACT_COLUMNS, *_PHONE_WORDS))
    return frozenset(spellings)


def is_contact_header(header: object, *, roster: bool = False) -> bool:
    """Whether a column name says the column holds contact details.

    Parameters
    ----------
    header : object
        Column name (``str``; other types are compared as text).
    roster : bool, default False
        The name is a roster file's own header: a bare "Name" is then a
        person's name (as :func:`loaders.roster.read_roster` reads it), not an
        entity's.

    Returns
    -------
    bool

    Examples
    --------
    >>> [is_contact_header(h) for h in ["Participant", "E-mail address", "Tel."]]
    [True, True, True]
    >>> is_contact_header("name"), is_contact_header("Name", roster=True)
    (False, True)
    >>> [is_contact_header(h) for h in ["matched_name", "District", "venue_name"]]
    [False, False, False]
    """
    key = fold(header)
    if not key:
        return False
    if key == "name":
        return roster
    key_plain = key.replace("_", " ")
    return key_plain in _contact_spellings() or bool(_CONTACT_WORDS.search(key_plain))


def looks_like_contacts(values: pd.Series) -> bool:
    """Whether a column's values are mostly e-mail addresses or phone numbers.

    Parameters
    ----------
    values : pandas.Series
        One column. Only text is looked at (``object`` or ``string`` dtype);
        numbers, dates and booleans never count as contacts.

    Returns
    -------
    bool
        True when at least :data:`CONTENT_SHARE` of the non-empty values
        (of up to :data:`CONTENT_SAMPLE` values, evenly spread) are e-mail
        addresses (``mailto:`` and ``<...>`` allowed) or phone numbers.

    Examples
    --------
    >>> looks_like_contacts(pd.Series(["a@b.org", "", None, "(510) 555-0100"]))
    True
    >>> looks_like_contacts(pd.Series(["0161119", "37-68338-0000000", "06001"]))
    False
    """
    if not (
        pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)
    ):
        return False
    text = values.dropna()
    if len(text) > CONTENT_SAMPLE:
        step = len(text) / CONTENT_SAMPLE
        text = text.iloc[[int(i * step) for i in range(CONTENT_SAMPLE)]]
    text = text.loc[text.map(lambda v: isinstance(v, str))].astype(str).str.strip()
    text = text.loc[text != ""]
    if text.empty:
        return False
    address = text.str.replace(_MAILTO, "", regex=True).str.strip("<> ")
    hits = address.str.match(_EMAIL) | text.str.match(_PHONE)
    return bool(hits.mean() >= CONTENT_SHARE)


def contact_columns(
    table: pd.DataFrame | Iterable[object], *, roster: bool = False
) -> list[str]:
    """The columns of a table that hold contact details: by header and content.

    The one definition used by every output (match CSV, export tables, the
    roster reader's ``rejected`` values); :func:`loaders.exports.contact_columns`
    is this function.

    Parameters
    ----------
    table : pandas.DataFrame or iterable
        A table (headers and values are looked at) or column names only
        (headers only).
    roster : bool, default False
        The headers are a roster file's own (see :func:`is_contact_header`).

    Returns
    -------
    list
        The contact columns, in table order: :data:`CONTACT_COLUMNS`, other
        spellings of person names, e-mails and phone numbers
        (:func:`is_contact_header`), and text columns whose values are mostly
        e-mail addresses or phone numbers (:func:`looks_like_contacts`).
        District, event and venue names are no contact details.

    Examples
    --------
    >>> roster = pd.DataFrame({"Participant": ["A. Ames"], "District": ["Napa"],
    ...                        "Info": ["a.ames@example.org"]})
    >>> contact_columns(roster)
    ['Participant', 'Info']
    >>> contact_columns(["name", "email", "geoid"])
    ['email']
    """
    if isinstance(table, pd.DataFrame):
        names = list(table.columns)
        found = set()
        for j, col in enumerate(names):
            if is_contact_header(col, roster=roster) or looks_like_contacts(
                table.iloc[:, j]
            ):
                found.add(j)
        return [names[j] for j in sorted(found)]
    return [col for col in table if is_contact_header(col, roster=roster)]


def normalize_email(text: object) -> str | None:
    """An email address as the roster stores it, or ``None`` when invalid.

    Parameters
    ----------
    text : object
        One roster cell (``str``; ``None``/NaN count as empty).

    Returns
    -------
    str or None
        ``""`` for an empty cell; the address lower-cased, without a
        ``mailto:`` prefix, surrounding ``<>`` or spaces when it looks like
        ``name@domain.tld``; ``None`` when it does not (the loader then keeps
        the cell as typed and reports :data:`EMAIL_PROBLEM`).

    Examples
    --------
    >>> normalize_email(" MAILTO:<Sup@Example.ORG> ")
    'sup@example.org'
    >>> normalize_email("call the office") is None
    True
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    value = _MAILTO.sub("", str(text)).strip().strip("<>").strip()
    if not value:
        return ""
    return value.lower() if _EMAIL.match(value) else None
