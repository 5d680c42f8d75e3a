"""What the roster reader returns: the canonical columns, the result types, the error.

The canonical roster (``ARCHITECTURE.md``) has one row per person per event and
the columns :data:`ROSTER_COLUMNS`; :class:`RosterLoad` carries it with
everything that happened while reading, :class:`RosterLayout` what
:func:`loaders.roster.inspect_roster` finds, and :class:`RosterFileError` is the
one error a file that cannot be read at all raises.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from loaders.columns import ENTITY_COLUMNS, EXTRA_COLUMNS, ROSTER_COLUMNS

__all__ = [
    "ENTITY_COLUMNS",
    "EXTRA_COLUMNS",
    "ISSUE_COLUMNS",
    "JOIN",
    "REJECTED_COLUMNS",
    "ROSTER_COLUMNS",
    "TARGETS",
    "RosterFileError",
    "RosterLayout",
    "RosterLoad",
]

# The column contracts are defined once, in loaders.columns (re-exported here).
REJECTED_COLUMNS: list[str] = ["file", "row", "column", "reason", "values"]
ISSUE_COLUMNS: list[str] = ["file", "row", "column", "value", "reason"]
#: Every column a mapping may name (:data:`ROSTER_COLUMNS`, then
#: :data:`EXTRA_COLUMNS`), in the order mappings are shown.
TARGETS: list[str] = [*ROSTER_COLUMNS, *EXTRA_COLUMNS]
#: Joins several source headers feeding one column (``"First Name + Last Name"``).
JOIN = " + "


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
        without the :attr:`contact_columns`).
    issues : pandas.DataFrame
        Cells of kept rows that could not be read: ``file``, ``row``,
        ``column``, ``value``, ``reason``. Only ``value`` can hold contact
        details (the text of an invalid email cell): ``reason``, ``row_notes``,
        ``notes`` and ``rejected`` never quote a person's name, email or phone.
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
    merged_into : dict
        ``source_row`` of each merged duplicate → ``source_row`` of the row it
        was merged into.
    contact_columns : list of str
        Source headers holding contact details, in file order: the columns
        mapped to ``person_name`` or ``email`` and every other column
        :func:`loaders.roster.contacts.contact_columns` recognises (``Phone``,
        ``Participant``, a column of e-mail addresses...). Whatever writes
        :attr:`source` leaves them out unless contacts were asked for.
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
    merged_into: dict[int, int] = field(default_factory=dict)
    contact_columns: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line: rows read, rejected, issues, from which file/sheet."""
        where = self.filename + (f" [{self.sheet}]" if self.sheet else "")
        return (
            f"{where}: {len(self.rows)} rows read, {len(self.rejected)} rejected, "
            f"{len(self.issues)} cell problems (header on row {self.header_row})"
        )
