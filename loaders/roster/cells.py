"""Rows as read from a file or sheet, and the text of one cell.

A row is a list of cell values, or ``{0-based column: value}`` for a sparse
sheet row (a few cells far apart), so that one cell far to the right never
costs a row padded out to that column. :class:`Rows` keeps the non-blank rows
of a file with their own row numbers.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from loaders.vocab import clean_text

__all__ = ["Row", "Rows", "cell_text", "compact", "dense", "has_text", "items", "pick"]


def cell_text(value: Any) -> str:
    """Text of a cell as a person would read it.

    Parameters
    ----------
    value : object
        A cell as read: ``str``, ``int``, ``float``, ``bool``, a date/time, or
        ``None``.

    Returns
    -------
    str
        Whole numbers without ``.0``, booleans as ``TRUE``/``FALSE``, midnight
        datetimes as the date, text cleaned of whitespace noise; ``""`` for
        ``None``.

    Examples
    --------
    >>> cell_text(1611190000000.0), cell_text(True), cell_text(" La  Cañada ")
    ('1611190000000', 'TRUE', 'La Cañada')
    """
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
Row = list[Any] | dict[int, Any]


def has_text(values: Iterable[Any]) -> bool:
    """Whether any of the cell values shows text (``cell_text`` not empty)."""
    for value in values:
        if value is None:
            continue
        if type(value) is str:
            stripped = value.strip()
            if stripped and (stripped.isascii() or clean_text(stripped)):
                return True
        elif cell_text(value):
            return True
    return False


def items(row: Row) -> Iterable[tuple[int, Any]]:
    return row.items() if isinstance(row, dict) else enumerate(row)


def dense(row: Row) -> list[Any]:
    if isinstance(row, dict):
        return [row.get(j) for j in range(max(row) + 1)] if row else []
    return row


def pick(row: Row, columns: list[int]) -> list[Any]:
    if isinstance(row, dict):
        return [row.get(j) for j in columns]
    width = len(row)
    return [row[j] if j < width else None for j in columns]


@dataclass
class Rows:
    """The non-blank rows of a file or sheet, in order, as read."""

    rows: list[Row] = field(default_factory=list)
    #: 1-based row number of each row in the file or sheet (increasing)
    numbers: list[int] = field(default_factory=list)

    def index_of(self, number: int) -> int:
        """Position of row ``number``; a skipped blank row is put back (empty)."""
        pos = bisect.bisect_left(self.numbers, number)
        if pos == len(self.numbers) or self.numbers[pos] != number:
            self.rows.insert(pos, [])
            self.numbers.insert(pos, number)
        return pos


def compact(cells: dict[int, Any]) -> Row:
    """A row as a list, or as a dict when its cells are few and far apart."""
    top = max(cells)
    if top < 2 * len(cells) + 16:
        return [cells.get(j) for j in range(top + 1)]
    return cells
