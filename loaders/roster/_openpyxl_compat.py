"""Every use of openpyxl's private, read-only internals: here and nowhere else.

The roster reader streams an XLSX sheet's XML itself (see
:mod:`loaders.roster.xlsx`) so that memory follows the cells that hold
something. For that it relies on parts of openpyxl that are not public API:

- ``openpyxl.reader.excel.ExcelReader``: its ``read_worksheets`` step is
  replaced (``parser.find_sheets()``, ``valid_files``, ``shared_strings``,
  ``wb._sheets``), so that
- ``openpyxl.worksheet._read_only.ReadOnlyWorksheet`` is created without its
  ``_get_size()`` lookup: a sheet without a ``<dimension>`` record would
  otherwise be parsed to its end when the workbook is opened, keeping an
  element per row (8 million empty rows: a 70 KB upload, ~700 MB);
- the sheet's XML comes from ``ReadOnlyWorksheet._get_source()`` and its shared
  strings from ``_shared_strings``;
- cells are parsed by ``openpyxl.worksheet._reader.WorkSheetParser.parse_cell``
  (shared strings, dates, booleans as openpyxl reads them), with the parser's
  ``row_counter``/``col_counter`` and the workbook's ``epoch``,
  ``_date_formats`` and ``_timedelta_formats``;
- ``openpyxl.xml.functions.iterparse`` (defused XML parsing as openpyxl does).

``pyproject.toml`` pins openpyxl below the next minor version
(:data:`TESTED_VERSIONS`) and ``tests/test_openpyxl_compat.py`` is the canary:
:func:`internals_problems` lists what changed, and the tests fail with that
list when a new openpyxl moves any of it.

Importing this module imports openpyxl (~250 ms, measured), so
:mod:`loaders.roster.layout` imports the XLSX reader only when a workbook is
read.
"""

from __future__ import annotations

import inspect
import io
from collections.abc import Iterator
from typing import IO, Any

import openpyxl
from openpyxl.reader.excel import ExcelReader
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.xml.functions import iterparse

__all__ = [
    "TESTED_VERSIONS",
    "cell_parser",
    "internals_problems",
    "iter_xml",
    "open_workbook",
    "sheet_xml",
]

#: openpyxl versions (major.minor) whose internals this module was written for;
#: ``pyproject.toml`` pins the same range.
TESTED_VERSIONS: tuple[str, ...] = ("3.1",)


class _UnsizedSheet(ReadOnlyWorksheet):
    """A read-only worksheet that does not parse its sheet to find its size."""

    def _get_size(self) -> None:
        pass


class _Reader(ExcelReader):
    """openpyxl's workbook reader, creating :class:`_UnsizedSheet` worksheets.

    Chartsheets are left out: they hold no rows.
    """

    def read_worksheets(self) -> None:
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files or "chartsheet" in rel.Type:
                continue
            ws = _UnsizedSheet(self.wb, sheet.name, rel.target, self.shared_strings)
            ws.sheet_state = sheet.state
            self.wb._sheets.append(ws)


def open_workbook(data: bytes) -> Any:
    """``openpyxl.load_workbook(read_only=True, data_only=True)``, sheets unsized.

    Parameters
    ----------
    data : bytes
        The XLSX file (checked by :func:`loaders.roster.intake.check_zip`
        first).

    Returns
    -------
    openpyxl.Workbook
        Read-only workbook whose worksheets have no size (``max_row`` is
        ``None``); rows are read with :func:`sheet_xml` and :func:`cell_parser`.
        Close it with ``close()``.

    Raises
    ------
    Exception
        Whatever openpyxl raises for a workbook it cannot read (many types).
    """
    reader = _Reader(io.BytesIO(data), read_only=True, data_only=True)
    reader.read()
    return reader.wb


def cell_parser(book: Any, ws: Any) -> WorkSheetParser:
    """openpyxl's cell parser for one worksheet of :func:`open_workbook`.

    Parameters
    ----------
    book : openpyxl.Workbook
        The workbook.
    ws : ReadOnlyWorksheet
        One of its worksheets.

    Returns
    -------
    WorkSheetParser
        Set ``row_counter`` (the row being read) and ``col_counter`` (0) at each
        row; ``parse_cell(element)`` returns a dict with ``"column"`` (1-based)
        and ``"value"`` (text, number, bool, date/time or None).
    """
    return WorkSheetParser(
        None,
        ws._shared_strings,
        data_only=book.data_only,
        epoch=book.epoch,
        date_formats=book._date_formats,
        timedelta_formats=book._timedelta_formats,
    )


def sheet_xml(ws: Any) -> IO[bytes]:
    """The worksheet's XML part, opened from the archive (a context manager)."""
    return ws._get_source()


def iter_xml(source: IO[bytes]) -> Iterator[tuple[str, Any]]:
    """``("start" | "end", element)`` pairs of an XML part, as openpyxl parses."""
    return iterparse(source, events=("start", "end"))


def _parameters(func: Any) -> set[str]:
    try:
        return set(inspect.signature(func).parameters)
    except (TypeError, ValueError):
        return set()


def internals_problems() -> list[str]:
    """What this module relies on that the installed openpyxl no longer has.

    Returns
    -------
    list of str
        One line per missing or changed internal (empty when all is as in the
        tested versions). Only names and signatures are checked here; the canary
        tests also read a small workbook through this module.
    """
    problems = []
    minor = ".".join(openpyxl.__version__.split(".")[:2])
    if minor not in TESTED_VERSIONS:
        problems.append(
            f"openpyxl {openpyxl.__version__} is not a tested version "
            f"({', '.join(TESTED_VERSIONS)}): check this module, then widen "
            "TESTED_VERSIONS and the pin in pyproject.toml"
        )
    needs = [
        (ExcelReader, "read_worksheets"),
        (ExcelReader, "read"),
        (ReadOnlyWorksheet, "_get_size"),
        (ReadOnlyWorksheet, "_get_source"),
        (WorkSheetParser, "parse_cell"),
    ]
    for owner, name in needs:
        if not callable(getattr(owner, name, None)):
            problems.append(f"{owner.__module__}.{owner.__name__}.{name} is gone")
    signatures = [
        (ExcelReader, {"read_only", "data_only"}),
        (
            ReadOnlyWorksheet,
            {"parent_workbook", "title", "worksheet_path", "shared_strings"},
        ),  # fmt: skip
        (
            WorkSheetParser,
            {
                "src",
                "shared_strings",
                "data_only",
                "epoch",
                "date_formats",
                "timedelta_formats",
            },
        ),  # fmt: skip
    ]
    for owner, wanted in signatures:
        missing = wanted - _parameters(owner.__init__)
        if missing:
            problems.append(
                f"{owner.__module__}.{owner.__name__}() no longer takes "
                f"{', '.join(sorted(missing))}"
            )
    return problems
