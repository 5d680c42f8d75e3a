"""Text folding: the one way names, roles, statuses and events are compared.

:func:`fold_text` turns any cell into lower-case ASCII words; every comparison
of free text in the project (district and county names, role and status words,
event names, gazetteer places, alias keys) uses it, so "Cañada", "CAÑADA" and
"Canada" are the same word everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pandas as pd

__all__ = ["INVISIBLE", "fold_text", "is_missing", "n_of"]

_APOSTROPHES = re.compile(r"['’‘`´]")
#: :meth:`str.translate` table removing zero-width characters and soft hyphens.
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_NON_WORD = re.compile(r"[^0-9a-z]+")


def is_missing(value: Any) -> bool:
    """True for None, NaN, ``<NA>`` and text that is empty after stripping."""
    if value is None:
        return True
    try:
        if pd.isna(value):
            return True
    except (TypeError, ValueError):
        return False
    return isinstance(value, str) and not value.strip()


def fold_text(text: Any) -> str:
    """Fold text for comparison: case, accents, apostrophes and punctuation.

    The one text folding of the project: names of districts, counties, roles,
    statuses and events are all compared in this form.

    Parameters
    ----------
    text : str or None
        Any text; missing values (None, NaN, ``<NA>``) give ``""``.

    Returns
    -------
    str
        Lower-case ASCII letters and digits in words separated by one space:
        accents removed (``"Cañada"`` → ``"canada"``), case folded, zero-width
        characters and soft hyphens removed, apostrophes removed (``"Sup't"`` →
        ``"supt"``), ``&`` → ``and``, every other punctuation mark or run of
        spaces → one space; no leading or trailing space.

    Examples
    --------
    >>> fold_text("La Cañada  Unified")
    'la canada unified'
    >>> fold_text("O’Neill & Sons, Inc.")
    'oneill and sons inc'
    >>> fold_text(None)
    ''
    """
    if is_missing(text):
        return ""
    text = _APOSTROPHES.sub("", str(text))
    if text.isascii():
        text = text.lower()
    else:
        text = unicodedata.normalize("NFKD", text.translate(INVISIBLE).casefold())
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", text.replace("&", " and ")).split())


def n_of(n: int, noun: str, plural: str | None = None) -> str:
    """A count with its noun in the right number: ``"1 row"``, ``"1,234 rows"``.

    Parameters
    ----------
    n : int
        The count (thousands separated by commas).
    noun : str
        The singular noun (``"row"``, ``"roster row"``).
    plural : str, optional
        The plural, when it is not ``noun + "s"``.

    Examples
    --------
    >>> n_of(1, "row"), n_of(2, "row"), n_of(0, "entry", "entries")
    ('1 row', '2 rows', '0 entries')
    """
    word = noun if n == 1 else (plural or noun + "s")
    return f"{n:,} {word}"
