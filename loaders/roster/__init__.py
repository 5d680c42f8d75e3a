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

Where things are
----------------
=====================  ==========================================================
module                 concept
=====================  ==========================================================
``reader``             :func:`read_roster`, :func:`inspect_roster`
``intake``             bytes from a path or upload, size limit, file kind, the
                       encoding fallback (:func:`decode_text`), the zip guard
``csv``                delimited text: delimiter sniffed, records streamed
``xlsx``               workbooks: sheets, the roster sheet guessed, rows streamed
``_openpyxl_compat``   every use of openpyxl's private internals (pinned, canary)
``headers``            the header row and header spelling → canonical column
``layout``             from a file to the grid of cells and its layout
``build``              canonical rows, one function per target column
``dedupe``             the same person at the same event twice, merged
``contacts``           which columns hold contact details; e-mail addresses
``model``              canonical columns, :class:`RosterLoad`,
                       :class:`RosterLayout`, :class:`RosterFileError`
``limits``             :data:`MAX_BYTES` and the other limits
``cells``              rows as read, the text of a cell
=====================  ==========================================================

The limits are read from :mod:`loaders.roster.limits` when a file is read (a
test changes ``loaders.roster.limits.MAX_BYTES``).
"""

from __future__ import annotations

from loaders.roster import limits
from loaders.roster.contacts import EMAIL_PROBLEM, contact_columns, normalize_email
from loaders.roster.headers import layout_signature, propose_column_map
from loaders.roster.intake import decode_text
from loaders.roster.limits import (
    HEADER_SCAN_ROWS,
    MAX_BYTES,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_XLSX_UNPACKED,
)
from loaders.roster.model import (
    ENTITY_COLUMNS,
    EXTRA_COLUMNS,
    ISSUE_COLUMNS,
    REJECTED_COLUMNS,
    ROSTER_COLUMNS,
    RosterFileError,
    RosterLayout,
    RosterLoad,
)
from loaders.roster.reader import inspect_roster, read_roster
from loaders.vocab import ROLES, STATUSES

__all__ = [
    "limits",
    "EMAIL_PROBLEM",
    "ENTITY_COLUMNS",
    "EXTRA_COLUMNS",
    "HEADER_SCAN_ROWS",
    "ISSUE_COLUMNS",
    "MAX_BYTES",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MAX_XLSX_UNPACKED",
    "REJECTED_COLUMNS",
    "ROLES",
    "ROSTER_COLUMNS",
    "STATUSES",
    "RosterFileError",
    "RosterLayout",
    "RosterLoad",
    "contact_columns",
    "decode_text",
    "inspect_roster",
    "layout_signature",
    "normalize_email",
    "propose_column_map",
    "read_roster",
]
