"""From a file to a grid: the sheet, the header row and the kept columns.

:func:`parse` runs the intake (bytes, kind, decoding or the workbook), reads
the non-blank rows (:mod:`loaders.roster.csv` or :mod:`loaders.roster.xlsx`),
finds the header row (:func:`loaders.roster.headers.find_header`), keeps the
columns that hold something and proposes the column mapping: a
:class:`~loaders.roster.model.RosterLayout` and the grid of cells that
:mod:`loaders.roster.build` turns into canonical rows.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any

from loaders.roster import limits
from loaders.roster.cells import dense, items, pick
from loaders.roster.csv import text_rows
from loaders.roster.headers import (
    find_header,
    headers_of,
    layout_signature,
    name_headers,
    propose_column_map,
    used_headers,
)
from loaders.roster.intake import check_size, decode_text, sniff_kind, source_bytes
from loaders.roster.model import RosterFileError, RosterLayout
from loaders.vocab import clean_text

__all__ = ["Parsed", "parse"]


@dataclass
class Parsed:
    """A file read as far as its layout: what :func:`parse` returns."""

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
        f"{limits.HEADER_SCAN_ROWS} rows of {where} (expected a column such as "
        "'District', 'LEA', 'School District Name', 'CDS code' or 'CD code').",
        "Add such a header, or choose the header row and the columns yourself "
        "(header row / column mapping in the app, --header-row and --sheet on the "
        f"command line).{others}",
    )


def parse(
    source: Any,
    filename: str | None,
    sheet: str | int | None,
    header_row: int | None,
    need_header_entity: bool,
) -> Parsed:
    """Read a roster file as far as its layout and its grid of cells.

    Parameters
    ----------
    source, filename, sheet, header_row
        As in :func:`loaders.roster.read_roster`.
    need_header_entity : bool
        Refuse a file whose header row (found or given) names no district/COE
        column; False for a preview where the user may still map one.

    Returns
    -------
    Parsed
        The layout, the header row then the non-blank data rows (one cell per
        kept header), their row numbers and the blank rows skipped.

    Raises
    ------
    RosterFileError
        See :func:`loaders.roster.read_roster`.
    """
    data, name = source_bytes(source, filename)
    check_size(len(data), name)
    kind = sniff_kind(data, name)
    notes: list[str] = []
    sheets: list[str] = []
    chosen: str | None = None
    encoding = delimiter = None
    # Non-blank rows read at most: more means more than MAX_ROWS data rows
    # below the header, which is in the first max(header_row, 30) rows.
    cap = limits.MAX_ROWS + max(header_row or 0, limits.HEADER_SCAN_ROWS) + 1
    if kind == "xlsx":
        # The XLSX reader imports openpyxl (~250 ms, measured): only for a workbook.
        from loaders.roster import xlsx

        book = xlsx.Workbook(data, name)
        try:
            sheets = book.sheets
            if not sheets:
                raise RosterFileError(name, "the workbook has no worksheets.")
            if sheet is not None:
                chosen = xlsx.pick_sheet(sheet, sheets, name)
            elif len(sheets) == 1:
                chosen = sheets[0]
            else:
                chosen = xlsx.guess_sheet(book, header_row)
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
        text, encoding, text_notes = decode_text(data, name)
        notes += text_notes
        if sheet is not None:
            notes.append(f"sheet {sheet!r} ignored: a text file has no sheets")
        prefer_tab = name.lower().endswith((".tsv", ".tab", ".txt"))
        read, delimiter = text_rows(text, name, prefer_tab, cap)
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
        scan = bisect.bisect_right(read.numbers, limits.HEADER_SCAN_ROWS)
        found, _ = find_header([dense(r) for r in read.rows[:scan]])
        if found is None:
            if need_header_entity:
                _no_header_error(name, chosen, sheets)
            index = read.index_of(1)
        else:
            index = found
            if read.numbers[index] > 1:
                notes.append(f"header found on row {read.numbers[index]}")
    rows, numbers = read.rows, read.numbers
    raw_headers = headers_of(dense(rows[index]))
    while raw_headers and not raw_headers[-1]:
        raw_headers.pop()
    # Columns that hold something: a header, or a value in some data row.
    used = {j for j, h in enumerate(raw_headers) if h}
    for row in rows[index + 1 :]:
        for j, value in items(row):
            if j not in used and value is not None and value != "":
                if isinstance(value, str) and not clean_text(value):
                    continue
                used.add(j)
    keep = sorted(used)
    width = keep[-1] + 1 if keep else 0
    if width > limits.MAX_COLUMNS:
        raise RosterFileError(
            name,
            f"has {width} columns; the limit is {limits.MAX_COLUMNS}.",
            "Remove the columns that are not part of the roster.",
        )
    raw_headers += [""] * (width - len(raw_headers))
    # A blank header over an empty column is no column at all.
    headers = name_headers([raw_headers[j] for j in keep])
    data_rows = len(rows) - index - 1
    if data_rows > limits.MAX_ROWS:
        raise RosterFileError(
            name,
            f"has more than {limits.MAX_ROWS:,} data rows; the limit is "
            f"{limits.MAX_ROWS:,}.",
            "Split the roster into several files (for example one per event).",
        )
    grid: list[list[Any]] = [headers]
    if keep == list(range(len(keep))):  # rows of the header's width kept as read
        size = len(keep)
        grid += [
            r if type(r) is list and len(r) == size else pick(r, keep)
            for r in rows[index + 1 :]
        ]
    else:
        grid += [pick(r, keep) for r in rows[index + 1 :]]
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
        unmapped_columns=[h for h in headers if h not in used_headers(mapping)],
        layout_signature=layout_signature(headers),
        notes=notes,
    )
    return Parsed(layout, grid, numbers[index:], blank_rows)
