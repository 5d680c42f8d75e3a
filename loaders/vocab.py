"""Roles, statuses, dates and event names from the free text people write.

Roles
-----
A CA LMI district team has four roles: ``superintendent``, ``board_member``,
``teachers_union_president`` and ``classified_union_president``. Rosters say
"Supt.", "Trustee", "Board President", "CTA chapter president", "Teachers
Association President", "CSEA chapter president", "SEIU", "Classified union"...
:func:`normalize_role` maps these to the four roles.

Decisions (documented because a different choice changes role completeness):

- **Assistant, associate and deputy superintendents are flagged, not mapped.**
  They are not one of the four roles; counting one as the superintendent would
  make a team look complete when its superintendent did not come. The row keeps
  an empty role and a problem telling the user to enter ``superintendent`` if
  that person formally stood in for the superintendent. "Interim" and "acting"
  superintendents *are* the superintendent.
- Board president, vice president, clerk, trustee and "governing board member"
  are all ``board_member``.
- A union *vice* president, steward or representative is flagged like the
  assistant superintendent; "union president" without saying teachers or
  classified is flagged as ambiguous.
- Teachers' unions are recognised by "teacher", "certificated", "education
  association", CTA, CFT, AFT, NEA and UTLA; classified unions by "classified",
  CSEA and SEIU.

Statuses
--------
Canonical statuses: ``applied``, ``registered``, ``waitlisted``, ``attended``,
``cancelled`` (best to worst for a team: attended > registered > waitlisted >
applied > cancelled). Meanings of the free-text words:

- "No-show", "absent", "did not attend" → ``registered`` (registered but did not
  attend), with a note.
- "Yes"/"No" depend on the column they are in (``yes_means``): in an attendance
  column ("Attended", "Attendance", "Present", "Checked in", or a plain
  "Status") "Yes" → ``attended`` and "No" → ``registered`` (on the event's list,
  did not come); in a "Registered?" column "Yes" → ``registered`` and "No" →
  ``applied``; in an "Applied?" column "Yes" → ``applied`` and "No" is flagged.
- "Not selected", "denied", "declined by CDEF" → ``applied`` (applied, not
  admitted); "Declined", "withdrew", "dropped" → ``cancelled``.

Dates
-----
:func:`parse_date` reads real dates, Excel serial numbers (day 0 is 1899-12-30,
valid from serial 61 = 1900-03-01 on) and text in US order (month/day/year:
these are California files); "TBD", "TBA" and other text are flagged.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata
from functools import lru_cache
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd

from loaders.events import load_events
from loaders.text import INVISIBLE, fold_text

__all__ = [
    "ROLES",
    "ROLE_LABELS",
    "STATUSES",
    "UNREADABLE_STATUS",
    "STATUS_LABELS",
    "VocabResult",
    "clean_text",
    "fold",
    "normalize_event",
    "normalize_role",
    "normalize_status",
    "parse_date",
    "status_yes_means",
]

#: The four roles of a district team, in display order.
ROLES: tuple[str, ...] = (
    "superintendent",
    "board_member",
    "teachers_union_president",
    "classified_union_president",
)
#: Each role as pages, tables and exports name it.
ROLE_LABELS: dict[str, str] = {
    "superintendent": "Superintendent",
    "board_member": "Board member",
    "teachers_union_president": "Teachers union president",
    "classified_union_president": "Classified union president",
}
#: Canonical statuses, best to worst.
STATUSES: tuple[str, ...] = (
    "attended",
    "registered",
    "waitlisted",
    "applied",
    "cancelled",
)
#: A team's status (its best status at an event) as pages and exports name it.
STATUS_LABELS: dict[str, str] = {
    "attended": "Attended",
    "registered": "Registered",
    "waitlisted": "Waitlisted",
    "applied": "Applied, did not attend",
    "cancelled": "Cancelled",
}
#: ``status`` of a roster row whose status cell(s) could not be read ("maybe"):
#: not one of :data:`STATUSES`, so the row is not on the map (reason
#: ``status_unreadable`` in :mod:`loaders.participation.notonmap`) and counts
#: in no figure. An empty status (the file has no status column, or the cell is
#: blank) stays ``""``.
UNREADABLE_STATUS = "unreadable"

YesMeans = Literal["attended", "registered", "applied"]

_SPACES = re.compile(r"[\s\u00a0\u2007\u2009\u202f]+")
_ASCII_BREAKS = re.compile(r"[\t\n\r\x0b\x0c]")


class VocabResult(NamedTuple):
    """Outcome of normalising one free-text value.

    Attributes
    ----------
    value : str, datetime.date or None
        The canonical value, or None when missing or flagged.
    problem : str or None
        Why the input could not be used, naming the fix; None when fine.
    note : str or None
        How the input was interpreted when that is worth telling; else None.
    """

    value: Any
    problem: str | None = None
    note: str | None = None

    @property
    def ok(self) -> bool:
        """True when a canonical value was produced."""
        return self.value is not None


_MISSING = VocabResult(None)


def _is_missing(raw: Any) -> bool:
    if raw is None or raw is pd.NA or raw is pd.NaT:
        return True
    if isinstance(raw, (float, np.floating)) and math.isnan(raw):
        return True
    return isinstance(raw, str) and not clean_text(raw)


def clean_text(raw: Any) -> str:
    """Text with whitespace noise removed (NBSP, doubled, leading/trailing).

    Unicode is put in NFC form (so "Cañada" typed with a combining tilde equals
    the precomposed one), zero-width characters and soft hyphens are removed,
    and every run of spaces (including non-breaking and thin spaces, tabs and
    line breaks) becomes one space. Case is kept.
    """
    if raw is None or raw is pd.NA:
        return ""
    text = str(raw)
    if text.isascii():
        if "  " not in text and not _ASCII_BREAKS.search(text):
            return text.strip()
        return _SPACES.sub(" ", text).strip()
    text = unicodedata.normalize("NFC", text).translate(INVISIBLE)
    return _SPACES.sub(" ", text).strip()


#: Lower-case ASCII words for comparing free text: :func:`loaders.text.fold_text`,
#: the project's one text folding, under the name this module's callers use.
fold = fold_text


# ---------------------------------------------------------------------------
# roles

_ASSISTANT = r"(?:assistant|asst|associate|assoc|deputy|dep|area)"
_SUPT = r"(?:superintendent|superintendant|supt|supe|sup|superintendente)"
_TEACH = (
    r"(?:teachers?|teaching|certificated|faculty|cta|cft|aft|nea|utla"
    r"|educat\w* (?:association|assn|union|federation))"
)
_CLASS = r"(?:classified|csea|seiu|cse|classified employees?)"
_UNION = r"(?:union|association|assn|assoc|federation|chapter|local|cta|csea|seiu)"
_DEPUTY_UNION = r"(?:vice|vp|steward|rep|representative|secretary|treasurer)"

# Checked in order on the folded text; the first match wins.
_ROLE_RULES: list[tuple[re.Pattern[str], str | None, str]] = [
    (
        re.compile(rf"\b{_ASSISTANT}\b.*\b{_SUPT}\b"),
        None,
        (
            "an assistant, associate or deputy superintendent is not one of the four "
            "team roles; enter 'superintendent' if this person stood in for the "
            "superintendent, otherwise leave the row out of team counts"
        ),
    ),
    (
        re.compile(r"\b(?:board|trustee|trustees|governing)\b"),
        "board_member",
        "",
    ),
    (re.compile(rf"\b{_SUPT}\b|\bceo\b"), "superintendent", ""),
    (
        re.compile(rf"\b{_DEPUTY_UNION}\b"),
        None,
        (
            "a union vice president, officer or representative is not one of the four "
            "team roles; enter 'teachers union president' or 'classified union "
            "president' if this person stood in for the president"
        ),
    ),
    (re.compile(rf"\b{_CLASS}\b"), "classified_union_president", ""),
    (re.compile(rf"\b{_TEACH}\b"), "teachers_union_president", ""),
    (
        re.compile(rf"\b{_UNION}\b|\bpresident\b|\blabor\b"),
        None,
        (
            "says union or president but not whether teachers or classified; enter "
            "'teachers union president' or 'classified union president'"
        ),
    ),
]
_ROLE_EXACT = {
    **{r: r for r in ROLES},
    **{r.replace("_", " "): r for r in ROLES},
    "board": "board_member",
    "school board": "board_member",
    "member of the board": "board_member",
    "tu president": "teachers_union_president",
    "cu president": "classified_union_president",
    "teachers union": "teachers_union_president",
    "classified union": "classified_union_president",
}
_ROLE_FLAG_EXACT = {
    "teacher": "a teacher is not one of the four team roles; enter 'teachers union "
    "president' if this is the teachers union's president",
    "teachers": "a teacher is not one of the four team roles; enter 'teachers union "
    "president' if this is the teachers union's president",
}


def normalize_role(raw: Any) -> VocabResult:
    """Map a free-text role or job title to one of the four team roles.

    Parameters
    ----------
    raw : str or None
        What the roster says ("Supt.", "Trustee", "CTA chapter president", ...).

    Returns
    -------
    VocabResult
        ``value`` is one of :data:`ROLES`, or None with ``problem`` (not a team
        role, ambiguous, or not recognised). Missing input gives no problem.

    Examples
    --------
    >>> normalize_role("Board President").value
    'board_member'
    >>> normalize_role("Asst. Superintendent").value is None
    True
    """
    if _is_missing(raw):
        return _MISSING
    folded = fold(raw)
    shown = clean_text(raw)
    if folded in _ROLE_EXACT:
        return VocabResult(_ROLE_EXACT[folded])
    if folded in _ROLE_FLAG_EXACT:
        return VocabResult(None, f"role {shown!r}: {_ROLE_FLAG_EXACT[folded]}.")
    for pattern, role, problem in _ROLE_RULES:
        if pattern.search(folded):
            if role is None:
                return VocabResult(None, f"role {shown!r}: {problem}.")
            return VocabResult(role)
    return VocabResult(
        None,
        f"role {shown!r} is not recognised; use superintendent, board member, "
        "teachers union president or classified union president.",
    )


# ---------------------------------------------------------------------------
# statuses

_STATUS_WORDS: dict[str, tuple[str, str | None]] = {}


def _add(status: str, note: str | None, *words: str) -> None:
    for word in words:
        _STATUS_WORDS[word] = (status, note)


_add(
    "attended",
    None,
    "attended",
    "attend",
    "attendee",
    "present",
    "here",
    "checked in",
    "check in",
    "checkedin",
    "signed in",
    "sign in",
    "came",
    "showed",
    "showed up",
    "participated",
    "completed",
)
_add(
    "registered",
    None,
    "registered",
    "register",
    "reg",
    "confirmed",
    "enrolled",
    "accepted",
    "admitted",
    "approved",
    "rsvp yes",
    "rsvp d",
    "rsvpd",
    "going",
)
_NO_SHOW = "no-show: registered but did not attend"
_add(
    "registered",
    _NO_SHOW,
    "no show",
    "noshow",
    "no showed",
    "absent",
    "did not attend",
    "didnt attend",
    "did not show",
    "dna",
    "not present",
    "not attended",
)
_add(
    "waitlisted",
    None,
    "waitlisted",
    "waitlist",
    "wait list",
    "wait listed",
    "waiting list",
    "on waitlist",
    "on wait list",
    "on the waitlist",
    "wl",
)
_add(
    "applied",
    None,
    "applied",
    "apply",
    "application",
    "application received",
    "submitted",
    "pending",
    "interested",
    "nominated",
    "in review",
    "under review",
)
_add(
    "applied",
    "applied but was not admitted",
    "not selected",
    "not accepted",
    "denied",
    "rejected",
    "not admitted",
)
_add(
    "cancelled",
    None,
    "cancelled",
    "canceled",
    "cancel",
    "cancellation",
    "withdrew",
    "withdrawn",
    "withdraw",
    "declined",
    "dropped",
    "regrets",
    "rsvp no",
    "not attending",
    "no longer attending",
)
_YES = {"yes", "y", "true", "1", "ok", "si", "x", "v"}
_NO = {"no", "n", "false", "0"}
_NO_MEANS: dict[str, tuple[str | None, str | None]] = {
    "attended": (
        "registered",
        "'No' in an attendance column: on the list, did not attend",
    ),
    "registered": ("applied", "'No' in a registered column: applied, not registered"),
    "applied": (None, None),
}


def status_yes_means(header: str | None) -> YesMeans:
    """What "Yes" means in a status column, from the column's header.

    Parameters
    ----------
    header : str or None
        The source column's header ("Registered?", "Attended", "Status"...).

    Returns
    -------
    {"attended", "registered", "applied"}
        ``"registered"`` for headers mentioning registration or RSVP,
        ``"applied"`` for headers mentioning applying, ``"attended"`` otherwise
        (attendance, present, checked in, plain status).
    """
    words = fold(header or "")
    if re.search(r"\b(regist\w*|rsvp|reg|confirmed)\b", words):
        return "registered"
    if re.search(r"\b(appl\w*|nominat\w*)\b", words):
        return "applied"
    return "attended"


def normalize_status(raw: Any, *, yes_means: YesMeans = "attended") -> VocabResult:
    """Map a free-text status to one of the five canonical statuses.

    Parameters
    ----------
    raw : str, bool, int or None
        What the roster says ("Attended", "No-show", "Waitlist", "Yes", ...).
    yes_means : {"attended", "registered", "applied"}
        What "Yes" means in this column (see :func:`status_yes_means`).

    Returns
    -------
    VocabResult
        ``value`` is one of :data:`STATUSES`, or None with ``problem``. A note
        explains interpretations such as "no-show → registered".

    Examples
    --------
    >>> normalize_status("No-show").value
    'registered'
    >>> normalize_status("No-show").note
    'no-show: registered but did not attend'
    """
    if _is_missing(raw):
        return _MISSING
    if isinstance(raw, (bool, np.bool_)):
        raw = "yes" if raw else "no"
    elif isinstance(raw, (int, float, np.integer, np.floating)) and raw in (0, 1):
        raw = "yes" if raw == 1 else "no"
    folded = fold(raw)
    shown = clean_text(raw)
    if folded in _YES or shown in {"✓", "✔", "☑"}:
        return VocabResult(yes_means)
    if folded in _NO:
        status, note = _NO_MEANS[yes_means]
        if status is None:
            return VocabResult(
                None,
                f"status {shown!r} in an 'applied' column says the team did not "
                "apply; remove the row or give its real status.",
            )
        return VocabResult(status, None, note)
    if folded in _STATUS_WORDS:
        status, note = _STATUS_WORDS[folded]
        return VocabResult(status, None, note)
    # Longer phrases: "Registered - paid", "Attended (day 1 only)", "Waitlist #3";
    # never a negated one ("not registered").
    negated = re.search(r"\b(?:not|no|never|didnt|did not)\b", folded)
    for word in sorted(_STATUS_WORDS, key=len, reverse=True):
        if negated and not word.startswith(("no", "not", "did")):
            continue
        if len(word) > 3 and re.search(rf"\b{re.escape(word)}\b", folded):
            status, note = _STATUS_WORDS[word]
            return VocabResult(status, None, note or f"read {shown!r} as {status}")
    return VocabResult(
        None,
        f"status {shown!r} is not recognised; use applied, registered, waitlisted, "
        "attended or cancelled.",
    )


# ---------------------------------------------------------------------------
# dates

_EXCEL_EPOCH = _dt.date(1899, 12, 30)
_FIRST_SERIAL = 61  # 1900-03-01: before it Excel's invented 1900-02-29 shifts days
_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%m/%d/%Y",
    "%m/%d/%y",
    "%m-%d-%Y",
    "%m-%d-%y",
    "%m.%d.%Y",
    "%B %d, %Y",
    "%B %d %Y",
    "%b %d, %Y",
    "%b %d %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%A, %B %d, %Y",
    "%a, %b %d, %Y",
    "%Y%m%d",
)
_NOT_A_DATE = {"tbd", "tba", "tbc", "n a", "na", "none", "unknown", "pending", "later"}


def parse_date(
    raw: Any,
    *,
    earliest: _dt.date = _dt.date(1990, 1, 1),
    latest: _dt.date = _dt.date(2100, 12, 31),
) -> VocabResult:
    """Read an event date from a real date, an Excel serial number or text.

    Parameters
    ----------
    raw : datetime.date, datetime.datetime, pandas.Timestamp, int, float, str
        A cell value. Numbers (and numeric text) are Excel serial day numbers:
        day 0 is 1899-12-30, so 42132 is 2015-05-08; a fractional part (time
        of day) is ignored. Text is read as ISO (2015-05-08) or US order
        (5/8/2015, May 8, 2015); a time after the date is ignored.
    earliest, latest : datetime.date
        Plausible range; dates outside it are flagged (a serial number of 12
        is more likely a count than 1900-01-12).

    Returns
    -------
    VocabResult
        ``value`` is a :class:`datetime.date`, or None with ``problem``
        ("TBD" → "no date given").
    """
    if _is_missing(raw):
        return _MISSING
    note = None
    if isinstance(raw, (pd.Timestamp, _dt.datetime)):
        value = raw.date()
    elif isinstance(raw, _dt.date):
        value = raw
    elif isinstance(raw, (bool, np.bool_)):
        return VocabResult(None, f"{raw!r} is not a date.")
    elif isinstance(raw, (int, float, np.integer, np.floating)):
        return _from_serial(float(raw), earliest, latest)
    else:
        text = clean_text(raw)
        folded = fold(text)
        if folded in _NOT_A_DATE:
            return VocabResult(
                None, f"date {text!r}: no date given; enter the event's date."
            )
        if re.fullmatch(r"\d{4,6}(\.\d+)?", text):
            return _from_serial(float(text), earliest, latest)
        value = _from_text(text)
        if value is None:
            return VocabResult(
                None,
                f"date {text!r} is not a date this reader knows; write it as "
                "2015-05-08 or 5/8/2015.",
            )
    if not earliest <= value <= latest:
        return VocabResult(
            None, f"date {value.isoformat()} is outside {earliest.year}-{latest.year}."
        )
    return VocabResult(value, None, note)


def _from_serial(serial: float, earliest: _dt.date, latest: _dt.date) -> VocabResult:
    if not math.isfinite(serial) or serial < _FIRST_SERIAL:
        return VocabResult(None, f"{serial:g} is not a date (or an Excel date number).")
    value = _EXCEL_EPOCH + _dt.timedelta(days=int(serial))
    if not earliest <= value <= latest:
        return VocabResult(
            None,
            f"{serial:g} read as an Excel date number is {value.isoformat()}, outside "
            f"{earliest.year}-{latest.year}; enter the date as 2015-05-08.",
        )
    return VocabResult(value, None, f"Excel date number {serial:g}")


def _from_text(text: str) -> _dt.date | None:
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text, flags=re.IGNORECASE)
    candidates = [text]
    # drop a trailing time ("5/8/2015 9:00 AM", "2015-05-08T09:00:00")
    stripped = re.split(r"[ T]\d{1,2}:\d{2}", text, maxsplit=1)[0].strip()
    if stripped != text:
        candidates.append(stripped)
    for candidate in candidates:
        candidate = candidate.replace("Sept ", "Sep ").replace("Sept.", "Sep")
        candidate = re.sub(r"\.(?=\s)", "", candidate)
        for fmt in _DATE_FORMATS:
            try:
                return _dt.datetime.strptime(candidate, fmt).date()
            except ValueError:
                continue
    return None


# ---------------------------------------------------------------------------
# events


_EventIndex = tuple[
    dict[str, str],
    list[tuple[str, _dt.date, _dt.date]],
    list[tuple[str, frozenset[str]]],
]


#: Columns of an events table the index reads.
_EVENT_INDEX_COLUMNS = ["event_id", "label", "event_name", "start_date", "end_date"]


def _event_index(events: pd.DataFrame | None = None) -> _EventIndex:
    if events is None:
        return _published_index()
    rows = events[_EVENT_INDEX_COLUMNS].astype("string").fillna("")
    return _index_of(tuple(rows.itertuples(index=False, name=None)))


@lru_cache(maxsize=1)
def _published_index() -> _EventIndex:
    return _event_index(load_events())


@lru_cache(maxsize=8)
def _index_of(rows: tuple[tuple[str, str, str, str, str], ...]) -> _EventIndex:
    by_text: dict[str, str] = {}
    spans = []
    tokens = []
    for event_id, label, event_name, start_date, end_date in rows:
        words: set[str] = set()
        for text in (event_id, label, event_name):
            if text:
                by_text.setdefault(fold(text), event_id)
                words.update(fold(text).split())
        tokens.append((event_id, frozenset(words)))
        if start_date:
            start = _dt.date.fromisoformat(start_date)
            end = _dt.date.fromisoformat(end_date or start_date)
            spans.append((event_id, start, end))
    return by_text, spans, tokens


def normalize_event(
    raw: Any, *, date: _dt.date | None = None, events: pd.DataFrame | None = None
) -> VocabResult:
    """Find the CA LMI event a roster's event text (and/or date) refers to.

    Parameters
    ----------
    raw : str or None
        An event id (``CALMI-2015-SYMP``, any case), or the event's label or
        name as in ``loaders/data/events.csv`` ("2015 Symposium, San Diego").
    date : datetime.date, optional
        The event date from the same row, used when the text is missing or not
        known: the event whose dates include it.
    events : pandas.DataFrame, optional
        The events to recognise (``event_id``, ``label``, ``event_name``,
        ``start_date``, ``end_date``), e.g. :func:`loaders.events.all_events`
        of the workspace so added events are found too. Default: the published
        events (:func:`loaders.events.load_events`).

    Returns
    -------
    VocabResult
        ``value`` is the ``event_id``. Text that names no known event is kept
        as written (cleaned) with a ``note`` so the user can map it; missing
        text and no usable date give ``value`` None.
    """
    by_text, spans, tokens = _event_index(events)
    text = "" if _is_missing(raw) else clean_text(raw)
    if text:
        found = by_text.get(fold(text))
        if found:
            return VocabResult(found)
        words = set(fold(text).split()) - {"ca", "lmi", "calmi", "california"}
        hits = [eid for eid, known in tokens if words and words <= known]
        if date is not None and len(hits) > 1:
            hits = [
                eid for eid, start, end in spans if eid in hits and start <= date <= end
            ]
        if not hits and len(words) >= 2:
            # "Spring 2015 Symposium": all words but one known, best overlap unique
            scores = [(len(words & known), eid) for eid, known in tokens]
            best = max(score for score, _ in scores)
            if best >= 2 and best >= len(words) - 1:
                hits = [eid for score, eid in scores if score == best]
                if date is not None and len(hits) > 1:
                    hits = [
                        eid
                        for eid, start, end in spans
                        if eid in hits and start <= date <= end
                    ]
        if len(hits) == 1:
            return VocabResult(hits[0], None, f"event {text!r} read as {hits[0]}")
    if date is not None:
        hits = [eid for eid, start, end in spans if start <= date <= end]
        if len(hits) == 1:
            note = f"event taken from the date {date.isoformat()}"
            if text:
                note = f"event {text!r} identified by its date {date.isoformat()}"
            return VocabResult(hits[0], None, note)
    if text:
        return VocabResult(
            text, None, f"event {text!r} is not in the CA LMI events table"
        )
    return _MISSING
