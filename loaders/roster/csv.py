"""Delimited text (CSV, TSV, semicolon or pipe separated) as rows.

The delimiter is sniffed from the head of the file; records are read with the
standard library's :mod:`csv` reader, blank ones skipped as they are read.
"""

from __future__ import annotations

import csv
import io
import re

from loaders.roster import limits
from loaders.roster.cells import Rows, has_text
from loaders.roster.model import RosterFileError

__all__ = ["text_rows"]


def text_rows(text: str, name: str, prefer_tab: bool, cap: int) -> tuple[Rows, str]:
    """The non-blank records of a text file, streamed, and the delimiter.

    Blank records (empty lines, lines of separators or spaces) are skipped as
    they are read, so memory follows the rows that hold something, not the line
    breaks; the kept rows carry their record numbers. Reading stops after
    ``cap`` non-blank rows (the caller refuses the file as too long).
    """
    # csv breaks records only at \r / \n (splitlines also at \x1c-\x1e, \x85, \u2028)
    lines = re.split(r"\r\n?|\n", text, maxsplit=limits.HEADER_SCAN_ROWS + 40)[
        : limits.HEADER_SCAN_ROWS + 40
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
    read = Rows()
    number = 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=best)
    try:
        for number, row in enumerate(reader, start=1):
            # fast path: a first cell starting with a printable ASCII character
            if row and (" " < row[0][:1] < "\x80" or has_text(row)):
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
