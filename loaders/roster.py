"""Read rosters in every form people send them.

A *roster* lists who applied to, registered for or attended which CA LMI event,
in which role, for which school district or county office of education (COE).
:func:`read_roster` turns a CSV, tab-separated text or XLSX file (a path or the
uploaded bytes) into the canonical roster of ``ARCHITECTURE.md`` — one row per
person per event, columns :data:`ROSTER_COLUMNS` — plus everything a user needs
to see what happened to each row of the file:

- ``rows``: the usable rows, each with ``source_row`` (the row number the user
  sees in the file or sheet: 1-based, counting the header and anything above it)
  and ``row_notes`` (what was repaired or could not be read);
- ``rejected``: rows that cannot be used (no district, COE or code at all), with
  file, row, column and reason — never dropped silently;
- ``issues``: every cell that could not be read (unknown role, bad code, ...)
  in rows that were kept;
- ``column_map``: which source column feeds which canonical column, proposed
  from the header names and overridable (``column_map=``), with a
  ``layout_signature`` so a mapping can be remembered per layout.

What is accepted
----------------
- CSV in UTF-8 (with or without byte-order mark), Windows-1252 or Latin-1
  (accented names such as "La Cañada" come out right); UTF-16 text (Excel's
  "Unicode Text"); comma, tab, semicolon or pipe separated.
- XLSX with several sheets: the roster sheet is guessed (the sheet whose header
  row maps best), every sheet is listed so a user can pick another.
- Header rows below title rows or merged cells (found in the first
  :data:`HEADER_SCAN_ROWS` rows), header names in many spellings ("District",
  "LEA", "School District Name", "CDS", "County-District Code", "Position",
  "Title", "Attendance", "Registered?", "Event", "Name", "E-mail", "First
  Name" + "Last Name"...).
- Codes, roles, statuses and dates as people type them (see
  :mod:`loaders.codes` and :mod:`loaders.vocab`); whitespace noise; the same
  person at the same event twice (merged, with a note).

Limits
------
Files up to :data:`MAX_BYTES` (25 MB), :data:`MAX_ROWS` (200,000) data rows and
:data:`MAX_COLUMNS` (500) columns; an XLSX whose parts would unpack to more than
:data:`MAX_XLSX_UNPACKED` bytes is refused before it is opened (zip-bomb guard).
Rows are streamed: blank rows are skipped as they are read (counted in the
notes; the rows after them keep their own row numbers), an XLSX sheet is read
from its XML cell by cell (rows far below a gap are read; a value right of
column :data:`MAX_COLUMNS` is refused at that cell), so memory follows the
cells that hold something, not the size of the grid. Old ``.xls``, ODS, password-
protected workbooks, PDFs and other files that are no spreadsheet are refused
with one message that says what to do instead.
"""

from __future__ import annotations

import bisect
import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from loaders.codes import normalize_codes
from loaders.vocab import (
    ROLES,
    STATUSES,
    clean_text,
    fold,
    normalize_event,
    normalize_role,
    normalize_status,
    parse_date,
    status_yes_means,
)

__all__ = [
    "EMAIL_PROBLEM",
    "ENTITY_COLUMNS",
    "EXTRA_COLUMNS",
    "HEADER_SCAN_ROWS",
    "ISSUE_COLUMNS",
    "MAX_BYTES",
    "MAX_ROWS",
    "MAX_XLSX_UNPACKED",
    "REJECTED_COLUMNS",
    "ROLES",
    "ROSTER_COLUMNS",
    "STATUSES",
    "RosterFileError",
    "RosterLayout",
    "RosterLoad",
    "inspect_roster",
    "layout_signature",
    "normalize_email",
    "propose_column_map",
    "read_roster",
]

#: Canonical roster columns (ARCHITECTURE.md), all pandas ``string`` dtype.
ROSTER_COLUMNS: list[str] = [
    "event_id",
    "entity_name",
    "cds_code",
    "cd_code",
    "nces_id",
    "county",
    "role",
    "status",
    "person_name",
    "email",
]
#: Columns that identify the district or COE; a row needs at least one of them.
ENTITY_COLUMNS: tuple[str, ...] = ("entity_name", "cds_code", "cd_code", "nces_id")
#: Further columns a mapping may name: used while reading, not kept as columns.
#: ``event_date`` identifies the event when the event text does not.
EXTRA_COLUMNS: tuple[str, ...] = ("event_date",)
REJECTED_COLUMNS: list[str] = ["file", "row", "column", "reason", "values"]
ISSUE_COLUMNS: list[str] = ["file", "row", "column", "value", "reason"]

#: Largest file accepted, in bytes (25 MB).
MAX_BYTES = 25 * 1024 * 1024
#: Most data rows accepted in one file or sheet.
MAX_ROWS = 200_000
#: Most columns accepted in the header row.
MAX_COLUMNS = 500
#: Largest total unpacked size of an XLSX's parts, in bytes (zip-bomb guard).
MAX_XLSX_UNPACKED = 400 * 1024 * 1024
#: Rows searched for the header row.
HEADER_SCAN_ROWS = 30

_JOIN = " + "


class RosterFileError(ValueError):
    """A roster file that cannot be read at all.

    The message names the file, the problem and the fix, in one paragraph fit to
    show a user as is. ``filename``, ``problem`` and ``fix`` are also attributes.
    """

    def __init__(self, filename: str, problem: str, fix: str = "") -> None:
        self.filename = filename
        self.problem = problem
        self.fix = fix
        message = f"{filename}: {problem}"
        if fix:
            message += f" {fix}"
        super().__init__(message)


@dataclass
class RosterLayout:
    """How a roster file is laid out: what :func:`inspect_roster` finds.

    Attributes
    ----------
    filename : str
        Name used in messages.
    file_type : str
        ``"xlsx"`` or ``"text"``.
    encoding : str or None
        Text encoding used (``"utf-8"``, ``"utf-8-sig"``, ``"windows-1252"``,
        ``"latin-1"``, ``"utf-16"``); None for XLSX.
    delimiter : str or None
        Field separator of a text file; None for XLSX.
    sheets : list of str
        Every worksheet of an XLSX (empty for text).
    sheet : str or None
        The sheet read (guessed unless given).
    header_row : int
        1-based row number of the header row.
    headers : list of str
        Header names as cleaned (blank headers named "Column C" after their
        spreadsheet letter, repeated names suffixed " (2)").
    column_map : dict
        Proposed mapping canonical column → source header (see
        :func:`propose_column_map`).
    ambiguous : dict
        Canonical column → headers that could each feed it equally well (none
        of them mapped).
    unmapped_columns : list of str
        Headers feeding no canonical column.
    layout_signature : str
        :func:`layout_signature` of ``headers``.
    notes : list of str
        What was guessed or repaired while reading the file.
    """

    filename: str
    file_type: str
    encoding: str | None
    delimiter: str | None
    sheets: list[str]
    sheet: str | None
    header_row: int
    headers: list[str]
    column_map: dict[str, str]
    ambiguous: dict[str, list[str]]
    unmapped_columns: list[str]
    layout_signature: str
    notes: list[str] = field(default_factory=list)


@dataclass
class RosterLoad:
    """A roster file read into canonical rows, with everything that happened.

    Attributes
    ----------
    rows : pandas.DataFrame
        One row per person per event: :data:`ROSTER_COLUMNS` (``string``),
        ``source_row`` (``Int64``, the 1-based row number in the file or sheet,
        counting the header and rows above it) and ``row_notes`` (``string``,
        ``"; "``-joined notes and problems of that row, ``<NA>`` when none).
        In file order; merged duplicates keep their first row.
    rejected : pandas.DataFrame
        Rows that cannot be used: ``file``, ``row`` (int), ``column`` (source
        header(s)), ``reason``, ``values`` (the row's text, `` | ``-joined,
        without the columns mapped to ``person_name`` and ``email``).
    issues : pandas.DataFrame
        Cells of kept rows that could not be read: ``file``, ``row``,
        ``column``, ``value``, ``reason``. Only ``value`` can hold contact
        details (the text of an invalid email cell): ``reason``, ``row_notes``,
        ``notes`` and ``rejected`` never quote a person's name or email.
    column_map : dict
        Canonical column → source header actually used (``"First Name + Last
        Name"`` when two columns were joined).
    unmapped_columns : list of str
        Source headers not used.
    sheets, sheet, header_row, layout_signature, filename, file_type, encoding,
    delimiter, ambiguous
        As in :class:`RosterLayout`.
    notes : list of str
        File-level notes (encoding, guessed sheet and header row, blank rows
        skipped, duplicates merged, rows rejected...).
    source : pandas.DataFrame
        Every data row of the file as text (the source headers as columns,
        ``source_row`` as index), for showing the original next to a result.
    """

    rows: pd.DataFrame
    rejected: pd.DataFrame
    issues: pd.DataFrame
    column_map: dict[str, str]
    unmapped_columns: list[str]
    sheets: list[str]
    sheet: str | None
    header_row: int
    layout_signature: str
    notes: list[str]
    filename: str = "roster"
    file_type: str = "text"
    encoding: str | None = None
    delimiter: str | None = None
    ambiguous: dict[str, list[str]] = field(default_factory=dict)
    source: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: source_row of each merged duplicate → source_row of the row it merged into
    merged_into: dict[int, int] = field(default_factory=dict)

    def summary(self) -> str:
        """One line: rows read, rejected, issues, from which file/sheet."""
        where = self.filename + (f" [{self.sheet}]" if self.sheet else "")
        return (
            f"{where}: {len(self.rows)} rows read, {len(self.rejected)} rejected, "
            f"{len(self.issues)} cell problems (header on row {self.header_row})"
        )


# ---------------------------------------------------------------------------
# header vocabulary

# For each target column, header spellings (folded, see vocab.fold) in order of
# preference: when two headers of one file map to the same column, the one whose
# spelling comes first wins; equal rank is ambiguous and maps neither.
_HEADER_SYNONYMS: dict[str, list[str]] = {
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
_TARGETS = [*ROSTER_COLUMNS, *EXTRA_COLUMNS]
_MULTI = {"status"}  # several status columns are combined ("Registered?" + "Attended")


@lru_cache(maxsize=1)
def _synonym_rank() -> dict[str, tuple[str, int]]:
    ranks: dict[str, tuple[str, int]] = {}
    for target, spellings in _HEADER_SYNONYMS.items():
        for rank, spelling in enumerate(spellings):
            ranks.setdefault(fold(spelling), (target, rank))
    return ranks


def _classify_header(header: str) -> tuple[str, int] | None:
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
        hit = _classify_header(header)
        if hit:
            best.setdefault(hit[0], []).append((hit[1], header))
    mapping: dict[str, str] = {}
    ambiguous: dict[str, list[str]] = {}
    for target, found in best.items():
        if target in _MULTI:
            mapping[target] = _JOIN.join(h for _, h in found)
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
            mapping["person_name"] = _JOIN.join(parts)
    ordered = {t: mapping[t] for t in _TARGETS if t in mapping}
    return ordered, {t: ambiguous[t] for t in _TARGETS if t in ambiguous}


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


# ---------------------------------------------------------------------------
# reading bytes


def _source_bytes(source: Any, filename: str | None) -> tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        return data, filename or "roster"
    if isinstance(source, (str, Path)):
        path = Path(source)
        name = filename or path.name
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise RosterFileError(
                name, "the file does not exist.", f"Check the path {str(path)!r}."
            ) from None
        except OSError as exc:
            raise RosterFileError(name, f"cannot be opened ({exc.strerror}).") from None
        if path.is_dir():
            raise RosterFileError(name, "is a folder, not a file.")
        _check_size(size, name)
        try:
            return path.read_bytes(), name
        except OSError as exc:
            raise RosterFileError(name, f"cannot be read ({exc.strerror}).") from None
    if hasattr(source, "getvalue") or hasattr(source, "read"):
        name = filename or Path(str(getattr(source, "name", "roster"))).name
        size = getattr(source, "size", None)
        if isinstance(size, int):
            _check_size(size, name)
        data = source.getvalue() if hasattr(source, "getvalue") else source.read()
        if isinstance(data, str):
            data = data.encode("utf-8")
        return bytes(data), name
    raise TypeError(
        f"source must be a path, bytes or a file-like object, not {type(source)!r}"
    )


def _check_size(size: int, name: str) -> None:
    if size > MAX_BYTES:
        raise RosterFileError(
            name,
            f"is {size / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_BYTES // 1024 // 1024} MB.",
            "Split the roster into several files (for example one per event) or "
            "remove columns that are not needed.",
        )


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _sniff_binary(data: bytes, name: str) -> str:
    """Return "xlsx" or "text", or raise for files that are no roster."""
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise RosterFileError(
            name,
            "the file is empty.",
            "Export the roster again from the registration tool or spreadsheet.",
        )
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "xlsx"
    if data.startswith(_OLE2):
        if "EncryptionInfo".encode("utf-16-le") in data[:65536] or (
            "EncryptedPackage".encode("utf-16-le") in data
        ):
            raise RosterFileError(
                name,
                "the workbook is protected with a password.",
                "Open it in Excel, remove the password (File > Info > Protect "
                "Workbook > Encrypt with Password, clear it), save and upload again, "
                "or save the roster sheet as CSV.",
            )
        raise RosterFileError(
            name,
            "is an old-style Excel 97-2003 (.xls) or other Office file.",
            "Open it in Excel and save it as .xlsx (Excel Workbook) or CSV.",
        )
    if data.startswith(b"%PDF"):
        raise RosterFileError(
            name,
            "is a PDF, not a spreadsheet.",
            "Export the roster from its source as CSV or XLSX.",
        )
    head = data[:4096].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table")):
        raise RosterFileError(
            name,
            "is a web page (HTML) saved with a spreadsheet name.",
            "Open it in Excel and save it as .xlsx or CSV.",
        )
    return "text"


def _decode(data: bytes, name: str) -> tuple[str, str, list[str]]:
    notes: list[str] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", notes
        except UnicodeDecodeError:
            raise RosterFileError(
                name,
                "starts like UTF-16 text but cannot be decoded.",
                "Save it again as CSV UTF-8 from Excel.",
            ) from None
    sample = data[:4096]
    if b"\x00" in sample:
        # UTF-16 without byte-order mark: every other byte is zero.
        if sample[1::2].count(0) > 0.4 * len(sample[1::2]):
            try:
                return data.decode("utf-16-le"), "utf-16-le", notes
            except UnicodeDecodeError:
                pass
        raise RosterFileError(
            name,
            "is a binary file, not a CSV, text or XLSX spreadsheet.",
            "Export the roster as CSV or XLSX.",
        )
    if data.startswith(b"\xef\xbb\xbf"):
        encoding, body = "utf-8-sig", data[3:]
    else:
        encoding, body = "utf-8", data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text, encoding = body.decode("cp1252"), "windows-1252"
        except UnicodeDecodeError:
            text, encoding = body.decode("latin-1"), "latin-1"
        notes.append(f"text is not UTF-8; read as {encoding}")
    text, repaired = _repair_mojibake(text)
    if repaired:
        notes.append(
            f"{repaired} accented characters repaired (UTF-8 that had been read as "
            "Windows-1252, e.g. 'CaÃ±ada' → 'Cañada')"
        )
    return text, encoding, notes


_MOJIBAKE = re.compile("[\u00c2-\u00c3\u00c5][\u00a0-\u00bf\u0152-\u2122]")


def _repair_mojibake(text: str) -> tuple[str, int]:
    count = 0

    def fix(match: re.Match[str]) -> str:
        nonlocal count
        try:
            fixed = match.group().encode("cp1252").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return match.group()
        count += 1
        return fixed

    if "Ã" not in text and "Â" not in text and "Å" not in text:
        return text, 0
    return _MOJIBAKE.sub(fix, text), count


def _text_rows(text: str, name: str, prefer_tab: bool, cap: int) -> tuple[_Rows, str]:
    """The non-blank records of a text file, streamed, and the delimiter.

    Blank records (empty lines, lines of separators or spaces) are skipped as
    they are read, so memory follows the rows that hold something, not the line
    breaks; the kept rows carry their record numbers. Reading stops after
    ``cap`` non-blank rows (the caller refuses the file as too long).
    """
    # csv breaks records only at \r / \n (splitlines also at \x1c-\x1e, \x85, \u2028)
    lines = re.split(r"\r\n?|\n", text, maxsplit=HEADER_SCAN_ROWS + 40)[
        : HEADER_SCAN_ROWS + 40
    ]
    sample = "\n".join(lines)
    candidates = ["\t", ",", ";", "|"] if prefer_tab else [",", "\t", ";", "|"]
    best, best_score = candidates[0], -1.0
    for delim in candidates:
        try:
            rows = list(csv.reader(io.StringIO(sample, newline=""), delimiter=delim))
        except csv.Error:
            continue
        widths = [len(r) for r in rows if any(c.strip() for c in r)]
        if not widths:
            continue
        mode = max(set(widths), key=widths.count)
        if mode < 2:
            continue
        score = mode * widths.count(mode)
        if score > best_score:
            best, best_score = delim, score
    csv.field_size_limit(1024 * 1024)
    read = _Rows()
    number = 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=best)
    try:
        for number, row in enumerate(reader, start=1):
            # fast path: a first cell starting with a printable ASCII character
            if row and (" " < row[0][:1] < "\x80" or _has_text(row)):
                read.rows.append(row)
                read.numbers.append(number)
                if len(read.rows) >= cap:
                    break
    except csv.Error as exc:
        raise RosterFileError(
            name,
            f"is not a well-formed CSV (row {number + 1}: {exc}).",
            "Open it in a spreadsheet program and save it again as CSV.",
        ) from None
    return read, best


def _check_zip(data: bytes, name: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise RosterFileError(
            name,
            "looks like an XLSX workbook but is damaged or incomplete.",
            "Open it in Excel and save it again, or export it as CSV.",
        ) from None
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        if "mimetype" in names and b"opendocument.spreadsheet" in archive.read(
            "mimetype"
        ):
            raise RosterFileError(
                name,
                "is an OpenDocument spreadsheet (.ods).",
                "Save it as .xlsx or CSV (File > Save As) and upload that.",
            )
        raise RosterFileError(
            name,
            "is a zip file but not an Excel workbook (.xlsx).",
            "Upload the roster itself as .xlsx or CSV.",
        )
    unpacked = sum(i.file_size for i in infos)
    if unpacked > MAX_XLSX_UNPACKED or any(
        i.file_size > 50 * 1024 * 1024 and i.file_size > 200 * max(i.compress_size, 1)
        for i in infos
    ):
        raise RosterFileError(
            name,
            f"would unpack to {unpacked / 1024 / 1024:.0f} MB, far more than a "
            "roster needs; it is refused for safety.",
            "Copy the roster sheet into a new workbook, or save it as CSV.",
        )
    return archive


def _cell_text(value: Any) -> str:
    """Text of a cell as a person would read it (numbers without '.0')."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if hasattr(value, "isoformat") and not isinstance(value, str):
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text
    return clean_text(value)


#: A row as read: a list of cell values, or ``{0-based column: value}`` for a
#: sparse sheet row (a few cells far apart), so that one cell far to the right
#: never costs a row padded out to that column.
_Row = list[Any] | dict[int, Any]


def _has_text(values: Iterable[Any]) -> bool:
    """Whether any of the cell values shows text (``_cell_text`` not empty)."""
    for value in values:
        if value is None:
            continue
        if type(value) is str:
            stripped = value.strip()
            if stripped and (stripped.isascii() or clean_text(stripped)):
                return True
        elif _cell_text(value):
            return True
    return False


def _items(row: _Row) -> Iterable[tuple[int, Any]]:
    return row.items() if isinstance(row, dict) else enumerate(row)


def _dense(row: _Row) -> list[Any]:
    if isinstance(row, dict):
        return [row.get(j) for j in range(max(row) + 1)] if row else []
    return row


def _pick(row: _Row, columns: list[int]) -> list[Any]:
    if isinstance(row, dict):
        return [row.get(j) for j in columns]
    width = len(row)
    return [row[j] if j < width else None for j in columns]


@dataclass
class _Rows:
    """The non-blank rows of a file or sheet, in order, as read."""

    rows: list[_Row] = field(default_factory=list)
    #: 1-based row number of each row in the file or sheet (increasing)
    numbers: list[int] = field(default_factory=list)

    def index_of(self, number: int) -> int:
        """Position of row ``number``; a skipped blank row is put back (empty)."""
        pos = bisect.bisect_left(self.numbers, number)
        if pos == len(self.numbers) or self.numbers[pos] != number:
            self.rows.insert(pos, [])
            self.numbers.insert(pos, number)
        return pos


_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_SHEET_DATA, _ROW_TAG, _CELL_TAG = (
    _MAIN_NS + "sheetData",
    _MAIN_NS + "row",
    _MAIN_NS + "c",
)
#: Elements one XLSX cell may hold (value, formula, rich-text runs) before the
#: sheet is taken for damaged.
_CELL_PARTS = 10_000
#: Excel's worksheet size: rows and columns (A to XFD).
_XL_ROWS, _XL_COLUMNS = 1_048_576, 16_384
_TOO_MANY_CELLS = f"holds more than {_XL_COLUMNS:,} cells (columns A to XFD)"
_RESAVE = "Open it in Excel and save it again, or save the roster sheet as CSV."


def _compact(cells: dict[int, Any]) -> _Row:
    """A row as a list, or as a dict when its cells are few and far apart."""
    top = max(cells)
    if top < 2 * len(cells) + 16:
        return [cells.get(j) for j in range(top + 1)]
    return cells


def _open_workbook(data: bytes) -> Any:
    """``openpyxl.load_workbook(read_only=True, data_only=True)``, sheets unsized.

    openpyxl's read-only worksheet looks up its size when it is created; a sheet
    without a ``<dimension>`` record is then parsed to its end, keeping an
    element per row (8 million empty rows: a 70 KB upload, ~700 MB). Rows are
    streamed by :meth:`_Workbook.rows`, which needs no size, so the sheets are
    created without that lookup (openpyxl 3.1 reader internals; chartsheets are
    left out, as they hold no rows).
    """
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class UnsizedSheet(ReadOnlyWorksheet):
        def _get_size(self) -> None:
            pass

    class Reader(ExcelReader):
        def read_worksheets(self) -> None:
            for sheet, rel in self.parser.find_sheets():
                if rel.target not in self.valid_files or "chartsheet" in rel.Type:
                    continue
                ws = UnsizedSheet(self.wb, sheet.name, rel.target, self.shared_strings)
                ws.sheet_state = sheet.state
                self.wb._sheets.append(ws)

    reader = Reader(io.BytesIO(data), read_only=True, data_only=True)
    reader.read()
    return reader.wb


class _Workbook:
    """An XLSX opened read-only, with sheet listing and guarded row reading."""

    def __init__(self, data: bytes, name: str) -> None:
        _check_zip(data, name)
        self.name = name
        try:
            self.book = _open_workbook(data)
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many types
            raise RosterFileError(
                name,
                f"is an XLSX workbook that cannot be read ({type(exc).__name__}).",
                "Open it in Excel and save it again, or export the roster as CSV.",
            ) from None
        self.sheets = [
            ws.title for ws in self.book.worksheets if hasattr(ws, "iter_rows")
        ]
        self.hidden = {
            ws.title
            for ws in self.book.worksheets
            if getattr(ws, "sheet_state", "visible") != "visible"
        }

    def rows(
        self, sheet: str, *, max_row: int | None = None, cap: int | None = None
    ) -> _Rows:
        """The non-blank rows of ``sheet``, streamed from the sheet's XML.

        Rows are read as the XML is parsed (openpyxl's cell parser: shared
        strings, dates, booleans as openpyxl reads them) and each part is freed
        once read, so memory follows the cells that hold something: blank rows
        and gaps between rows cost nothing, and a row holds its cells, not
        ``None`` padding up to its last cell. Row numbers are those of the
        sheet.

        Parameters
        ----------
        sheet : str
            Worksheet title.
        max_row : int, optional
            Stop after this sheet row (a look at the head of a sheet, to find
            the header); values right of :data:`MAX_COLUMNS` are then ignored.
        cap : int, optional
            Stop after this many non-blank rows.

        Raises
        ------
        RosterFileError
            When reading the whole sheet (no ``max_row``) and a cell right of
            column :data:`MAX_COLUMNS` holds a value (refused at that cell,
            naming the sheet, row and column letter, before more is read); when
            the sheet's XML is damaged (rows out of order, unreadable cells).
        """
        from openpyxl.worksheet._reader import WorkSheetParser
        from openpyxl.xml.functions import iterparse

        ws = self.book[sheet]
        book = self.book
        parser = WorkSheetParser(
            None,
            ws._shared_strings,
            data_only=book.data_only,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        read = _Rows()
        head = max_row is not None
        stack: list[Any] = []  # open elements: worksheet, sheetData, row, c, ...
        push, pop = stack.append, stack.pop
        cells: dict[int, Any] = {}
        number = last = parts = count = 0
        in_row = in_cell = False
        try:
            with ws._get_source() as src:
                for event, element in iterparse(src, events=("start", "end")):
                    if event == "start":
                        push(element)
                        if in_row:
                            if not in_cell and len(stack) == 4:
                                in_cell = element.tag == _CELL_TAG
                                parts = 0
                        elif (
                            len(stack) == 3
                            and element.tag == _ROW_TAG
                            and stack[1].tag == _SHEET_DATA
                        ):
                            r = element.get("r")
                            number = int(r) if r and r.isdecimal() else last + 1
                            if (r and not r.isdecimal()) or not (
                                last < number <= _XL_ROWS
                            ):
                                number = self._row_number(r, last, sheet)
                            if head and number > max_row:
                                break
                            in_row, cells, count = True, {}, 0
                            parser.row_counter, parser.col_counter = number, 0
                        continue
                    pop()
                    depth = len(stack)  # of the element that ended: root is 0
                    if in_cell:
                        if depth == 3:  # the cell
                            in_cell = False
                            count += 1
                            if count > _XL_COLUMNS:
                                self._damaged(sheet, number, _TOO_MANY_CELLS)
                            self._put(
                                cells, parser.parse_cell(element), number, sheet, head
                            )
                        else:  # a part of the cell, parsed with it
                            parts += 1
                            if parts > _CELL_PARTS:
                                self._damaged(
                                    sheet,
                                    number,
                                    f"has a cell of more than {_CELL_PARTS:,} parts",
                                )
                            continue
                    elif in_row:
                        if depth == 2:  # the row
                            in_row, last = False, number
                            if cells and _has_text(cells.values()):
                                read.rows.append(_compact(cells))
                                read.numbers.append(number)
                                if cap is not None and len(read.rows) >= cap:
                                    break
                        else:
                            count += 1
                            if count > _XL_COLUMNS:
                                self._damaged(sheet, number, _TOO_MANY_CELLS)
                    if stack:  # free what has been read (children only)
                        del stack[-1][:]
        except RosterFileError:
            raise
        except Exception as exc:  # noqa: BLE001 - XML and cell parsing errors
            raise RosterFileError(
                self.name,
                f"sheet {sheet!r} cannot be read (near row {number}: "
                f"{type(exc).__name__}).",
                _RESAVE,
            ) from None
        return read

    def _row_number(self, r: str | None, last: int, sheet: str) -> int:
        number = last + 1
        if r:
            try:
                value = float(r)
            except ValueError:
                value = float("nan")
            if not value.is_integer():
                raise RosterFileError(
                    self.name,
                    f"sheet {sheet!r}: a row is numbered {r[:20]!r} (after row "
                    f"{last}); the workbook is damaged.",
                    _RESAVE,
                )
            number = int(value)
        if number > _XL_ROWS:
            raise RosterFileError(
                self.name,
                f"sheet {sheet!r}: row {number} is beyond Excel's last row "
                f"({_XL_ROWS:,}); the workbook is damaged.",
                _RESAVE,
            )
        if number <= last:
            raise RosterFileError(
                self.name,
                f"sheet {sheet!r}: row {number} is stored after row {last}; the "
                "workbook is damaged.",
                _RESAVE,
            )
        return number

    def _damaged(self, sheet: str, number: int, problem: str) -> None:
        raise RosterFileError(
            self.name,
            f"sheet {sheet!r}, row {number} {problem}; the workbook is damaged.",
            _RESAVE,
        )

    def _put(
        self, cells: dict[int, Any], cell: dict, number: int, sheet: str, head: bool
    ) -> None:
        value = cell["value"]
        if value is None or (type(value) is str and not value):
            return
        column = cell["column"]
        if column > MAX_COLUMNS:
            if head or not _has_text((value,)):
                return
            raise RosterFileError(
                self.name,
                f"sheet {sheet!r}, row {number}: column {_column_letter(column - 1)} "
                f"holds a value, but a roster may have at most {MAX_COLUMNS} "
                f"columns (A to {_column_letter(MAX_COLUMNS - 1)}).",
                "Delete the columns right of the roster (select them, right-click "
                "> Delete), save and upload again, or save the roster sheet as CSV.",
            )
        cells[column - 1] = value

    def close(self) -> None:
        self.book.close()


# ---------------------------------------------------------------------------
# header detection


def _headers_of(row: list[Any]) -> list[str]:
    return [_cell_text(v) for v in row]


def _header_score(cells: list[str]) -> tuple[float, dict[str, str]]:
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


def _find_header(grid: list[list[Any]]) -> tuple[int | None, float]:
    best, best_score = None, 0.0
    for index, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        score, _ = _header_score(_headers_of(row))
        if score > best_score:
            best, best_score = index, score
    return best, best_score


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _name_headers(raw: list[str]) -> list[str]:
    names: list[str] = []
    seen: dict[str, int] = {}
    for i, header in enumerate(raw):
        header = header or f"Column {_column_letter(i)}"
        key = header.casefold()
        if key in seen:
            seen[key] += 1
            header = f"{header} ({seen[key]})"
        else:
            seen[key] = 1
        names.append(header)
    return names


# ---------------------------------------------------------------------------
# public entry points


@dataclass
class _Parsed:
    layout: RosterLayout
    #: the header row, then the non-blank data rows, each one cell per header
    grid: list[list[Any]]
    #: 1-based file or sheet row number of each row of ``grid``
    row_numbers: list[int]
    #: blank rows skipped between the header row and the last data row
    blank_rows: int = 0


def _no_header_error(name: str, sheet: str | None, sheets: list[str]) -> None:
    where = f"sheet {sheet!r}" if sheet else "the file"
    others = ""
    if len(sheets) > 1:
        others = f" Sheets in the workbook: {', '.join(map(repr, sheets))}."
    raise RosterFileError(
        name,
        f"no header row naming the district or COE was found in the first "
        f"{HEADER_SCAN_ROWS} rows of {where} (expected a column such as "
        "'District', 'LEA', 'School District Name', 'CDS code' or 'CD code').",
        "Add such a header, or choose the header row and the columns yourself "
        "(header row / column mapping in the app, --header-row and --sheet on the "
        f"command line).{others}",
    )


def _parse(
    source: Any,
    filename: str | None,
    sheet: str | int | None,
    header_row: int | None,
    need_header_entity: bool,
) -> _Parsed:
    data, name = _source_bytes(source, filename)
    _check_size(len(data), name)
    kind = _sniff_binary(data, name)
    notes: list[str] = []
    sheets: list[str] = []
    chosen: str | None = None
    encoding = delimiter = None
    # Non-blank rows read at most: more means more than MAX_ROWS data rows
    # below the header, which is in the first max(header_row, 30) rows.
    cap = MAX_ROWS + max(header_row or 0, HEADER_SCAN_ROWS) + 1
    if kind == "xlsx":
        book = _Workbook(data, name)
        try:
            sheets = book.sheets
            if not sheets:
                raise RosterFileError(name, "the workbook has no worksheets.")
            if sheet is not None:
                chosen = _pick_sheet(sheet, sheets, name)
            elif len(sheets) == 1:
                chosen = sheets[0]
            else:
                chosen = _guess_sheet(book, header_row)
                if chosen is None:
                    if need_header_entity:
                        _no_header_error(name, None, sheets)
                    chosen = sheets[0]
                notes.append(
                    f"sheet {chosen!r} read (guessed among {len(sheets)} sheets: "
                    f"{', '.join(map(repr, sheets))})"
                )
            read = book.rows(chosen, cap=cap)
        finally:
            book.close()
    else:
        text, encoding, text_notes = _decode(data, name)
        notes += text_notes
        if sheet is not None:
            notes.append(f"sheet {sheet!r} ignored: a text file has no sheets")
        prefer_tab = name.lower().endswith((".tsv", ".tab", ".txt"))
        read, delimiter = _text_rows(text, name, prefer_tab, cap)
        if delimiter != ",":
            shown = {"\t": "tab", ";": "semicolon", "|": "pipe"}[delimiter]
            notes.append(f"fields separated by {shown}")
    # Blank rows were skipped while reading; the numbers are the file's.
    if not read.rows:
        where = f"sheet {chosen!r}" if chosen else "the file"
        raise RosterFileError(
            name,
            f"{where} has no rows.",
            "Choose the sheet that holds the roster, or export it again.",
        )
    last_row = read.numbers[-1]
    if header_row is not None:
        if not 1 <= header_row <= last_row:
            raise RosterFileError(
                name,
                f"header row {header_row} is outside the {last_row} rows of "
                + (f"sheet {chosen!r}." if chosen else "the file."),
                "Give the row number of the header as shown in the spreadsheet.",
            )
        index = read.index_of(header_row)
    else:
        scan = bisect.bisect_right(read.numbers, HEADER_SCAN_ROWS)
        found, _ = _find_header([_dense(r) for r in read.rows[:scan]])
        if found is None:
            if need_header_entity:
                _no_header_error(name, chosen, sheets)
            index = read.index_of(1)
        else:
            index = found
            if read.numbers[index] > 1:
                notes.append(f"header found on row {read.numbers[index]}")
    rows, numbers = read.rows, read.numbers
    raw_headers = _headers_of(_dense(rows[index]))
    while raw_headers and not raw_headers[-1]:
        raw_headers.pop()
    # Columns that hold something: a header, or a value in some data row.
    used = {j for j, h in enumerate(raw_headers) if h}
    for row in rows[index + 1 :]:
        for j, value in _items(row):
            if j not in used and value is not None and value != "":
                if isinstance(value, str) and not clean_text(value):
                    continue
                used.add(j)
    keep = sorted(used)
    width = keep[-1] + 1 if keep else 0
    if width > MAX_COLUMNS:
        raise RosterFileError(
            name,
            f"has {width} columns; the limit is {MAX_COLUMNS}.",
            "Remove the columns that are not part of the roster.",
        )
    raw_headers += [""] * (width - len(raw_headers))
    # A blank header over an empty column is no column at all.
    headers = _name_headers([raw_headers[j] for j in keep])
    data_rows = len(rows) - index - 1
    if data_rows > MAX_ROWS:
        raise RosterFileError(
            name,
            f"has more than {MAX_ROWS:,} data rows; the limit is {MAX_ROWS:,}.",
            "Split the roster into several files (for example one per event).",
        )
    grid: list[list[Any]] = [headers]
    if keep == list(range(len(keep))):  # rows of the header's width kept as read
        size = len(keep)
        grid += [
            r if type(r) is list and len(r) == size else _pick(r, keep)
            for r in rows[index + 1 :]
        ]
    else:
        grid += [_pick(r, keep) for r in rows[index + 1 :]]
    blank_rows = numbers[-1] - numbers[index] - data_rows
    mapping, ambiguous = propose_column_map(headers)
    layout = RosterLayout(
        filename=name,
        file_type=kind,
        encoding=encoding,
        delimiter=delimiter,
        sheets=sheets,
        sheet=chosen,
        header_row=numbers[index],
        headers=headers,
        column_map=mapping,
        ambiguous=ambiguous,
        unmapped_columns=[h for h in headers if h not in _used_headers(mapping)],
        layout_signature=layout_signature(headers),
        notes=notes,
    )
    return _Parsed(layout, grid, numbers[index:], blank_rows)


def _used_headers(mapping: Mapping[str, str]) -> set[str]:
    used: set[str] = set()
    for value in mapping.values():
        used.update(value.split(_JOIN))
    return used


def _pick_sheet(sheet: str | int, sheets: list[str], name: str) -> str:
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        if 0 <= sheet < len(sheets):
            return sheets[sheet]
    else:
        if sheet in sheets:
            return sheet
        folded = {s.strip().casefold(): s for s in sheets}
        if str(sheet).strip().casefold() in folded:
            return folded[str(sheet).strip().casefold()]
    raise RosterFileError(
        name,
        f"has no sheet {sheet!r}.",
        f"Sheets in the workbook: {', '.join(map(repr, sheets))}.",
    )


_ROSTER_SHEET_WORDS = re.compile(
    r"roster|regist|attend|participant|team|sign ?in|rsvp|applica|lmi|event"
)
_OTHER_SHEET_WORDS = re.compile(r"instruction|read ?me|lookup|list|note|summary|pivot")


def _guess_sheet(book: _Workbook, header_row: int | None) -> str | None:
    best, best_score = None, 0.0
    look = header_row if header_row is not None else HEADER_SCAN_ROWS
    for sheet in book.sheets:
        head = book.rows(sheet, max_row=look, cap=look)
        if header_row is not None:
            if header_row not in head.numbers:
                continue  # blank or beyond the sheet
            row = head.rows[head.numbers.index(header_row)]
            score, _ = _header_score(_headers_of(_dense(row)))
        else:
            _, score = _find_header([_dense(r) for r in head.rows])
        if score <= 0:
            continue
        folded = fold(sheet)
        if _ROSTER_SHEET_WORDS.search(folded):
            score += 0.5
        if _OTHER_SHEET_WORDS.search(folded):
            score -= 0.5
        if sheet in book.hidden:
            score -= 1.0
        if score > best_score:
            best, best_score = sheet, score
    return best


def inspect_roster(
    source: Any,
    *,
    filename: str | None = None,
    sheet: str | int | None = None,
    header_row: int | None = None,
) -> RosterLayout:
    """Find a roster file's sheet, header row and proposed column mapping.

    For a preview where the user confirms or fixes the mapping before
    :func:`read_roster`. Unlike :func:`read_roster` it does not require a
    district/COE column (the user may still map one).

    Parameters
    ----------
    source, filename, sheet, header_row
        As in :func:`read_roster`.

    Returns
    -------
    RosterLayout

    Raises
    ------
    RosterFileError
        If the file cannot be read at all (empty, not a spreadsheet, too large,
        password-protected, unknown sheet).
    """
    return _parse(source, filename, sheet, header_row, need_header_entity=False).layout


def read_roster(
    source: Any,
    *,
    filename: str | None = None,
    sheet: str | int | None = None,
    header_row: int | None = None,
    column_map: Mapping[str, str | None] | None = None,
    event_id: str | None = None,
) -> RosterLoad:
    """Read a roster file (CSV, TSV or XLSX) into the canonical roster.

    Parameters
    ----------
    source : str, pathlib.Path, bytes or file-like
        A path, the file's bytes, or an uploaded file object (anything with
        ``getvalue()`` or ``read()``, e.g. Streamlit's ``UploadedFile``).
    filename : str, optional
        Name used in messages and ``rejected``/``issues`` (default: the path's
        name, the object's ``name``, or ``"roster"``).
    sheet : str or int, optional
        XLSX sheet name (case-insensitive) or 0-based index; guessed when
        omitted (the sheet whose header maps best; see ``RosterLoad.sheets``).
    header_row : int, optional
        1-based row number of the header row; found in the first
        :data:`HEADER_SCAN_ROWS` rows when omitted.
    column_map : mapping, optional
        Canonical column (:data:`ROSTER_COLUMNS`, or ``event_date``) → source
        header, overriding the proposal for the columns given; ``None`` or
        ``""`` unmaps a column. Join headers with ``" + "`` to combine them
        (``"First Name + Last Name"`` for ``person_name``; several status
        columns for ``status``).
    event_id : str, optional
        Event of every row whose event column is missing or empty (for a file
        exported for one event).

    Returns
    -------
    RosterLoad
        See :class:`RosterLoad`. ``rows`` has the canonical columns plus
        ``source_row`` and ``row_notes``; every data row of the file is in
        ``rows`` (possibly merged with a duplicate) or ``rejected``, except
        blank rows, which are counted in ``notes``.

    Raises
    ------
    RosterFileError
        If the file cannot be read at all: missing, empty, larger than
        :data:`MAX_BYTES` or :data:`MAX_ROWS`, not a spreadsheet (PDF, HTML,
        .xls, .ods, binary), password-protected, an XLSX that would unpack
        beyond :data:`MAX_XLSX_UNPACKED`, a value right of column
        :data:`MAX_COLUMNS` (sheet, row and column letter named), a damaged
        sheet (rows out of order or beyond Excel's 1,048,576), no sheet of that
        name, or no column naming the district or COE. The message names the
        file, the problem and the fix.

    Examples
    --------
    >>> load = read_roster(b"District,Role\\nSan Diego USD,Supt.\\n")
    >>> load.rows.loc[0, ["entity_name", "role"]].tolist(), load.header_row
    (['San Diego USD', 'superintendent'], 1)
    """
    parsed = _parse(
        source, filename, sheet, header_row, need_header_entity=column_map is None
    )
    layout = parsed.layout
    mapping = dict(layout.column_map)
    ambiguous = dict(layout.ambiguous)
    if column_map:
        for target, header in column_map.items():
            if target not in _TARGETS:
                raise RosterFileError(
                    layout.filename,
                    f"column mapping names {target!r}, which is not a roster column.",
                    f"Use one of: {', '.join(_TARGETS)}.",
                )
            ambiguous.pop(target, None)
            if header in (None, ""):
                mapping.pop(target, None)
                continue
            for part in str(header).split(_JOIN):
                if part not in layout.headers:
                    raise RosterFileError(
                        layout.filename,
                        f"column {part!r} (mapped to {target}) is not in the header "
                        f"row (row {layout.header_row}).",
                        f"Headers found: {', '.join(map(repr, layout.headers))}.",
                    )
            mapping[target] = str(header)
        mapping = {t: mapping[t] for t in _TARGETS if t in mapping}
    if not set(mapping) & set(ENTITY_COLUMNS):
        candidates = [h for t in ENTITY_COLUMNS for h in ambiguous.get(t, [])]
        problem = "no column naming the district or COE"
        if candidates:
            problem += (
                f": {', '.join(map(repr, candidates))} could each be it, so none was "
                "chosen"
            )
        raise RosterFileError(
            layout.filename,
            problem + f" (header row {layout.header_row}).",
            "Map one column to entity_name (or a CDS / CD / NCES code column) in the "
            "app, or rename the header to 'District'.",
        )
    return _build(parsed, mapping, ambiguous, event_id)


# ---------------------------------------------------------------------------
# building the canonical rows


_HONORIFICS = {"mr", "ms", "mrs", "miss", "dr", "mx", "prof", "hon", "sr", "sra"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_MAILTO = re.compile(r"^\s*mailto:", re.IGNORECASE)
#: Roster columns holding contact details: never quoted in reasons or notes.
_CONTACT_TARGETS = ("person_name", "email")
#: Reason given for an email cell that is not an email address (never the text).
EMAIL_PROBLEM = (
    "not an email address (expected name@domain); kept as typed, not used to "
    "recognise duplicate rows"
)


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


@lru_cache(maxsize=1)
def _county_names() -> dict[str, str]:
    from importlib import resources

    path = resources.files("geodata") / "data" / "ccsesa_regions.csv"
    with path.open("r", encoding="utf-8") as fh:
        table = pd.read_csv(fh, dtype=str, keep_default_na=False)
    return {fold(name): name for name in table["county_name"]}


def _normalize_county(text: str) -> tuple[str, str | None]:
    folded = fold(text)
    folded = re.sub(r"\s+(county|co|cnty)$", "", folded)
    names = _county_names()
    if folded in names:
        return names[folded], None
    return text, f"county {text!r} is not one of California's 58 counties"


def _object_column(grid_rows: list[list[Any]], j: int) -> list[Any]:
    return [r[j] for r in grid_rows]


def _build(
    parsed: _Parsed,
    mapping: dict[str, str],
    ambiguous: dict[str, list[str]],
    event_id: str | None,
) -> RosterLoad:
    layout = parsed.layout
    name = layout.filename
    headers = layout.headers
    col_of = {h: j for j, h in enumerate(headers)}
    body = parsed.grid[1:]
    body_numbers = parsed.row_numbers[1:]  # 1-based file row of each body row
    notes = list(layout.notes)

    # --- blank rows and the original text --------------------------------------
    memo: dict[Any, str] = {}

    def cell(value: Any) -> str:
        if value is None or value == "":
            return ""
        # str keys directly; other types keyed with their type (1 != True here)
        key = value if type(value) is str else (type(value), value)
        text = memo.get(key)
        if text is None:
            text = memo[key] = _cell_text(value)
        return text

    texts = [[cell(v) for v in r] for r in body]
    nonblank = [i for i, t in enumerate(texts) if any(t)]
    blank = parsed.blank_rows + len(body) - len(nonblank)
    if blank:
        notes.append(f"{blank:,} blank rows skipped")
    rows_raw = [body[i] for i in nonblank]
    kept_texts = [texts[i] for i in nonblank]
    source_rows = np.array([body_numbers[i] for i in nonblank], dtype=np.int64)
    source = pd.DataFrame(kept_texts, columns=headers, dtype="string").set_axis(
        pd.Index(source_rows, name="source_row"), axis=0
    )

    n = len(rows_raw)
    row_notes: list[list[str]] = [[] for _ in range(n)]
    issues: list[dict[str, Any]] = []

    def raw(target: str) -> list[list[Any]] | None:
        header = mapping.get(target)
        if not header:
            return None
        return [_object_column(rows_raw, col_of[h]) for h in header.split(_JOIN)]

    def text_column(target: str) -> list[str]:
        header = mapping.get(target)
        if not header:
            return [""] * n
        js = [col_of[h] for h in header.split(_JOIN)]
        if len(js) == 1:
            return [t[js[0]] for t in kept_texts]
        return [" ".join(t[j] for j in js if t[j]) for t in kept_texts]

    def issue(i: int, target: str, value: Any, reason: str) -> None:
        issues.append(
            {
                "file": name,
                "row": int(source_rows[i]),
                "column": mapping.get(target, target),
                "value": _cell_text(value),
                "reason": reason,
            }
        )
        row_notes[i].append(reason)

    out: dict[str, list[Any]] = {}

    # --- entity name, county, person, email ---------------------------------------
    out["entity_name"] = text_column("entity_name")
    county_text = text_column("county")
    counties = []
    county_cache: dict[str, tuple[str, str | None]] = {}
    for i, text in enumerate(county_text):
        if not text:
            counties.append("")
            continue
        if text not in county_cache:
            county_cache[text] = _normalize_county(text)
        value, problem = county_cache[text]
        if problem:
            issue(i, "county", text, problem)
        counties.append(value)
    out["county"] = counties
    out["person_name"] = text_column("person_name")
    emails = []
    for i, typed in enumerate(text_column("email")):
        text = normalize_email(typed)
        if text is None:  # kept as typed; the reason never quotes it
            text = typed.strip()
            issue(i, "email", text, EMAIL_PROBLEM)
        emails.append(text)
    out["email"] = emails

    # --- codes --------------------------------------------------------------------
    code_problems: list[list[str]] = [[] for _ in range(n)]
    for target, kind, label in (
        ("cds_code", "cds", "CDS code"),
        ("cd_code", "cd", "CD code"),
        ("nces_id", "nces", "NCES id"),
    ):
        cols = raw(target)
        if cols is None:
            out[target] = [""] * n
            continue
        values = pd.Series(cols[0], dtype=object)
        result = normalize_codes(values, kind)
        out[target] = result["value"].fillna("").tolist()
        for i in np.flatnonzero(result["problem"].notna().to_numpy()):
            reason = f"{label}: {result['problem'].iat[i]}"
            issue(int(i), target, cols[0][i], reason)
            code_problems[int(i)].append(reason)
        for i in np.flatnonzero(result["note"].notna().to_numpy()):
            row_notes[int(i)].append(f"{label}: {result['note'].iat[i]}")

    # --- role -----------------------------------------------------------------------
    roles = [""] * n
    role_cols = raw("role")
    if role_cols is not None:
        values = role_cols[0]
        texts_role = [_cell_text(v) for v in values]
        filled = [t for t in texts_role if t]
        honorific = sum(
            count
            for text, count in pd.Series(filled, dtype=object).value_counts().items()
            if fold(text) in _HONORIFICS
        )
        if filled and honorific > 0.5 * len(filled):
            notes.append(
                f"column {mapping['role']!r} holds honorifics (Mr., Dr., ...), not "
                "roles; not used as the role"
            )
            mapping.pop("role")
        else:
            cache: dict[str, Any] = {}
            for i, text in enumerate(texts_role):
                if not text:
                    continue
                if text not in cache:
                    cache[text] = normalize_role(text)
                result = cache[text]
                if result.problem:
                    issue(i, "role", text, result.problem)
                else:
                    roles[i] = result.value
    out["role"] = roles

    # --- status (one or several columns) ---------------------------------------------
    statuses = [""] * n
    status_header = mapping.get("status")
    if status_header:
        parts = status_header.split(_JOIN)
        per_col = []
        for header in parts:
            yes_means = status_yes_means(header)
            cache = {}
            column = []
            for value in _object_column(rows_raw, col_of[header]):
                key = (type(value), value)
                if key not in cache:
                    cache[key] = normalize_status(value, yes_means=yes_means)
                column.append(cache[key])
            per_col.append(column)
        for i in range(n):
            results = [(parts[k], per_col[k][i]) for k in range(len(parts))]
            good = [(h, r) for h, r in results if r.value]
            for h, r in results:
                if r.problem:
                    issues.append(
                        {
                            "file": name,
                            "row": int(source_rows[i]),
                            "column": h,
                            "value": _cell_text(rows_raw[i][col_of[h]]),
                            "reason": r.problem,
                        }
                    )
                    row_notes[i].append(r.problem)
            if not good:
                continue
            values = [r.value for _, r in good]
            if "attended" in values:
                chosen = "attended"
            elif "cancelled" in values:
                chosen = "cancelled"
            else:
                chosen = min(values, key=STATUSES.index)
            statuses[i] = chosen
            for _, r in good:
                if r.value == chosen and r.note:
                    row_notes[i].append(r.note)
                    break
    out["status"] = statuses

    # --- event ------------------------------------------------------------------------
    dates: list[Any] = [None] * n
    date_cols = raw("event_date")
    if date_cols is not None:
        cache = {}
        for i, value in enumerate(date_cols[0]):
            if value is None or _cell_text(value) == "":
                continue
            key = (type(value), value)
            if key not in cache:
                cache[key] = parse_date(value)
            result = cache[key]
            if result.problem:
                issue(i, "event_date", value, result.problem)
            else:
                dates[i] = result.value
    event_text = text_column("event_id")
    events = []
    event_notes: dict[str, int] = {}
    cache = {}
    for i, text in enumerate(event_text):
        key = (text, dates[i])
        if key not in cache:
            cache[key] = normalize_event(text or None, date=dates[i])
        result = cache[key]
        value = result.value or ""
        if not value and event_id:
            value = event_id
        elif result.note and (text or dates[i]):
            event_notes[result.note] = event_notes.get(result.note, 0) + 1
        events.append(value)
    out["event_id"] = events
    notes += [f"{note} ({count} rows)" for note, count in event_notes.items()]
    if not mapping.get("event_id") and not mapping.get("event_date"):
        if event_id:
            notes.append(f"no event column: every row set to event {event_id}")
        else:
            notes.append("no event column: event_id is empty; choose the event")

    # --- rejected rows: no entity at all ----------------------------------------------
    has_entity = np.array(
        [
            bool(out["entity_name"][i] or out["cds_code"][i] or out["cd_code"][i])
            or bool(out["nces_id"][i])
            for i in range(n)
        ],
        dtype=bool,
    )
    rejected = []
    entity_headers = " / ".join(mapping[t] for t in ENTITY_COLUMNS if t in mapping)
    contact_headers = {
        h for t in _CONTACT_TARGETS for h in (mapping.get(t) or "").split(_JOIN) if h
    }
    shown_headers = [h for h in headers if h not in contact_headers]
    for i in np.flatnonzero(~has_entity):
        if code_problems[i]:
            reason = "no district or COE name, and " + "; ".join(code_problems[i])
        else:
            reason = (
                "no district or COE: the district/COE name and code columns are empty"
            )
        rejected.append(
            {
                "file": name,
                "row": int(source_rows[i]),
                "column": entity_headers,
                "reason": reason,
                "values": " | ".join(
                    t for t in source.iloc[i][shown_headers].fillna("") if t
                ),
            }
        )
    keep = np.flatnonzero(has_entity)
    if len(rejected):
        notes.append(f"{len(rejected)} rows rejected (no district or COE)")
    # Issues of rejected rows are reported by the rejection itself.
    rejected_rows = {r["row"] for r in rejected}
    issues = [x for x in issues if x["row"] not in rejected_rows]

    frame = pd.DataFrame({c: [out[c][i] for i in keep] for c in ROSTER_COLUMNS})
    frame = frame.astype("string").replace("", pd.NA)
    frame["source_row"] = pd.array(source_rows[keep], dtype="Int64")
    kept_notes = [row_notes[i] for i in keep]

    frame, kept_notes, merged = _merge_duplicates(frame, kept_notes)
    merged_into = frame.attrs.pop("merged_into", {})
    if merged:
        notes.append(f"{merged} duplicate rows (same person, same event) merged")
    frame["row_notes"] = pd.array(
        ["; ".join(dict.fromkeys(x)) if x else pd.NA for x in kept_notes],
        dtype="string",
    )
    frame = frame.reset_index(drop=True)

    unmapped = [h for h in headers if h not in _used_headers(mapping)]
    return RosterLoad(
        rows=frame,
        rejected=pd.DataFrame(rejected, columns=REJECTED_COLUMNS).astype(
            {
                "file": "string",
                "column": "string",
                "reason": "string",
                "values": "string",
            }
        ),
        issues=pd.DataFrame(issues, columns=ISSUE_COLUMNS).astype(
            {
                "file": "string",
                "column": "string",
                "value": "string",
                "reason": "string",
            }
        ),
        column_map=mapping,
        unmapped_columns=unmapped,
        sheets=layout.sheets,
        sheet=layout.sheet,
        header_row=layout.header_row,
        layout_signature=layout.layout_signature,
        notes=notes,
        filename=name,
        file_type=layout.file_type,
        encoding=layout.encoding,
        delimiter=layout.delimiter,
        ambiguous=ambiguous,
        source=source,
        merged_into=merged_into,
    )


def _person_key(frame: pd.DataFrame) -> pd.Series:
    email = frame["email"].fillna("").str.lower()
    email = email.where(email.str.match(_EMAIL.pattern), "")  # invalid: by name
    names = frame["person_name"].fillna("").where(email == "", "")
    folded = {name: fold(name) for name in names.unique()}
    person = names.map(folded)
    key = email.where(email != "", "name:" + person)
    return key.where(key != "name:", "")


def _merge_duplicates(
    frame: pd.DataFrame, notes: list[list[str]]
) -> tuple[pd.DataFrame, list[list[str]], int]:
    """Merge rows of the same person (email, else name) at the same event."""
    if frame.empty:
        return frame, notes, 0
    person = _person_key(frame)
    key = frame["event_id"].fillna("").str.casefold() + "\x1f" + person
    identified = person != ""
    dup = key.duplicated(keep=False) & identified
    if not dup.any():
        return frame, notes, 0
    drop: list[int] = []
    frame = frame.copy()
    merged_into: dict[int, int] = {}
    for _, group in frame.loc[dup].groupby(key[dup], sort=False):
        positions = [frame.index.get_loc(i) for i in group.index]
        first, rest = positions[0], positions[1:]
        record = frame.iloc[first].copy()
        conflicts = []
        for col in ROSTER_COLUMNS:
            values = [v for v in group[col].tolist() if not pd.isna(v)]
            if not values:
                continue
            if col == "status":
                record[col] = (
                    "attended" if "attended" in values else values[-1]
                )  # they came, else the latest row
            elif pd.isna(record[col]):
                record[col] = values[0]
            if len({fold(v) for v in values}) > 1 and col != "status":
                if col in _CONTACT_TARGETS:  # never quote contact details
                    conflicts.append(f"{col} (differs between the rows)")
                else:
                    conflicts.append(
                        f"{col} differs ({' / '.join(dict.fromkeys(values))})"
                    )
        frame.iloc[first] = record
        merged_into.update(
            {
                int(frame["source_row"].iat[p]): int(frame["source_row"].iat[first])
                for p in rest
            }
        )
        rows_text = ", ".join(str(frame["source_row"].iat[p]) for p in rest)
        merged_note = f"merged with duplicate row(s) {rows_text} (same person, event)"
        if conflicts:
            merged_note += "; kept this row's " + ", ".join(conflicts)
        notes[first] = [
            *notes[first],
            merged_note,
            *(n for p in rest for n in notes[p]),
        ]
        drop += rest
    dropped = set(drop)
    keep = [p for p in range(len(frame)) if p not in dropped]
    kept = frame.iloc[keep]
    kept.attrs["merged_into"] = merged_into
    return kept, [notes[p] for p in keep], len(drop)
