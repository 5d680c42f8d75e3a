"""XLSX workbooks: sheets listed, the roster sheet guessed, rows streamed.

:class:`Workbook` opens a workbook read-only (after the zip-bomb guard of
:func:`loaders.roster.intake.check_zip`) and streams a sheet's rows from its
XML cell by cell, so memory follows the cells that hold something, not the size
of the grid; openpyxl's private internals it needs are in
:mod:`loaders.roster._openpyxl_compat`. :func:`guess_sheet` picks the sheet
whose header maps best.
"""

from __future__ import annotations

import re
from typing import Any

from openpyxl.utils import get_column_letter

from loaders.roster import _openpyxl_compat as compat
from loaders.roster import limits
from loaders.roster.cells import Rows, compact, dense, has_text
from loaders.roster.headers import find_header, header_score, headers_of
from loaders.roster.intake import check_zip
from loaders.roster.model import RosterFileError
from loaders.vocab import fold

__all__ = ["Workbook", "guess_sheet", "pick_sheet"]

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


class Workbook:
    """An XLSX opened read-only, with sheet listing and guarded row reading.

    Parameters
    ----------
    data : bytes
        The XLSX file.
    name : str
        Name used in messages.

    Attributes
    ----------
    sheets : list of str
        Worksheet titles, in workbook order (chartsheets left out).
    hidden : set of str
        Titles of hidden worksheets.

    Raises
    ------
    RosterFileError
        The zip guard refuses the file (:func:`~.intake.check_zip`), or openpyxl
        cannot open it. Close the workbook with :meth:`close`.
    """

    def __init__(self, data: bytes, name: str) -> None:
        check_zip(data, name)
        self.name = name
        try:
            self.book = compat.open_workbook(data)
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
    ) -> Rows:
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
        ws = self.book[sheet]
        parser = compat.cell_parser(self.book, ws)
        read = Rows()
        head = max_row is not None
        stack: list[Any] = []  # open elements: worksheet, sheetData, row, c, ...
        push, pop = stack.append, stack.pop
        cells: dict[int, Any] = {}
        number = last = parts = count = 0
        in_row = in_cell = False
        try:
            with compat.sheet_xml(ws) as src:
                for event, element in compat.iter_xml(src):
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
                            if cells and has_text(cells.values()):
                                read.rows.append(compact(cells))
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
        if column > limits.MAX_COLUMNS:
            if head or not has_text((value,)):
                return
            raise RosterFileError(
                self.name,
                f"sheet {sheet!r}, row {number}: column {get_column_letter(column)} "
                f"holds a value, but a roster may have at most {limits.MAX_COLUMNS} "
                f"columns (A to {get_column_letter(limits.MAX_COLUMNS)}).",
                "Delete the columns right of the roster (select them, right-click "
                "> Delete), save and upload again, or save the roster sheet as CSV.",
            )
        cells[column - 1] = value

    def close(self) -> None:
        self.book.close()


def pick_sheet(sheet: str | int, sheets: list[str], name: str) -> str:
    """The sheet a user named: a title (case-insensitive) or a 0-based index.

    Raises
    ------
    RosterFileError
        No such sheet (the message lists the workbook's sheets).
    """
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


def guess_sheet(book: Workbook, header_row: int | None) -> str | None:
    """The sheet whose header row maps best to roster columns, or None.

    Parameters
    ----------
    book : Workbook
        The workbook.
    header_row : int or None
        1-based header row when the user gave one; otherwise the header is
        looked for in the first :data:`HEADER_SCAN_ROWS`
        rows of each sheet.

    Returns
    -------
    str or None
        The sheet's title; a name such as "Roster" or "Attendance" counts for
        it, "Instructions" or "Lookup" and a hidden sheet against it. None when
        no sheet has a header naming the district or COE.
    """
    best, best_score = None, 0.0
    look = header_row if header_row is not None else limits.HEADER_SCAN_ROWS
    for sheet in book.sheets:
        head = book.rows(sheet, max_row=look, cap=look)
        if header_row is not None:
            if header_row not in head.numbers:
                continue  # blank or beyond the sheet
            row = head.rows[head.numbers.index(header_row)]
            score, _ = header_score(headers_of(dense(row)))
        else:
            _, score = find_header([dense(r) for r in head.rows])
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
