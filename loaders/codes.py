"""Normalise the codes that identify a California district or COE.

Three codes appear on rosters, all of them *text* that must keep leading zeros:

CDS code
    14 digits: county (2) + district (5) + school (7). A district's or COE's own
    CDS code ends in ``0000000`` (``01611190000000`` Alameda Unified).
CD code
    7 digits, the county-district part of the CDS code (``0161119``).
NCES LEA id
    7 characters, ``06`` (California's state FIPS code) + 5 digits; the same as the
    Census ``GEOID`` of the district's boundary (``0634320`` San Diego Unified).

People type or paste them in many forms; this module turns each form into the
canonical text or says precisely why it cannot:

===========================================  ====================================
input                                        result
===========================================  ====================================
``1611190000000`` (number, zero lost)        ``01611190000000``, note
``'01611190000000`` (leading apostrophe)     ``01611190000000``
``="0161119"`` (Excel text formula)          ``0161119``
``1611190000000.0`` (``.0`` tail)            ``01611190000000``, note
``37-68338-0000000``, ``37 68338 0000000``   ``37683380000000``
``1.964733E+13`` (scientific, 7 digits)      ``19647330000000``, note
``1.96473E+13`` (scientific, 6 digits)       flagged: the 7th CD digit was lost
``3768338`` in a CDS column                  flagged: looks like a CD code
``37683380000000`` in a CD column            ``3768338`` (first 7 digits), note
``063432000123`` in an NCES column           ``0634320`` (NCES school id → LEA), note
===========================================  ====================================

Non-breaking, thin and zero-width spaces count as spaces. A county part outside
``01``-``58`` is flagged. A missing value (``None``, ``NaN``, ``<NA>``, empty
text) is neither a value nor a problem.

Scientific notation
-------------------
Excel's *General* format shows a 13-14 digit number as ``1.96473E+13`` and a CSV
saved from Excel keeps only what was shown. Such a value is accepted only if its
mantissa still gives every digit of the county-district part (7 significant
digits for a 14-digit code, 6 when the leading zero was already lost); the school
part is then taken as ``0000000``, which is what every district and COE CDS code
has. Otherwise the value is flagged: the lost digit cannot be recovered, and
guessing would put the team in the wrong district.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd

__all__ = [
    "CODE_KINDS",
    "CodeResult",
    "cd_from_cds",
    "cds_from_cd",
    "normalize_cd",
    "normalize_cds",
    "normalize_code",
    "normalize_codes",
    "normalize_nces",
]

CodeKind = Literal["cds", "cd", "nces"]
#: The code kinds understood by :func:`normalize_code`.
CODE_KINDS: tuple[str, ...] = ("cds", "cd", "nces")

_LABEL = {"cds": "CDS code", "cd": "CD code", "nces": "NCES LEA id"}
# Spaces people paste from web pages and Word: NBSP, figure/thin/narrow spaces,
# zero-width space/joiners and the byte-order mark.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_SPACES = re.compile(r"[\s\u00a0\u2007\u2009\u202f]+")
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015_/]+")
_DOT_ZERO = re.compile(r"^(\d+)\.0+$")
_SCIENTIFIC = re.compile(r"^(\d+)(?:\.(\d*))?[eE]\+?(\d+)$")
_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+$")
_WRAPPERS = re.compile(r'^=\s*"(.*)"$')


class CodeResult(NamedTuple):
    """Outcome of normalising one code.

    Attributes
    ----------
    value : str or None
        The canonical code (digits as text), or None when missing or flagged.
    problem : str or None
        Why the input could not be used (one sentence naming the fix), or None.
    note : str or None
        What was repaired on the way (e.g. a restored leading zero), or None.
    """

    value: str | None
    problem: str | None = None
    note: str | None = None

    @property
    def ok(self) -> bool:
        """True when a canonical value was produced."""
        return self.value is not None


_MISSING = CodeResult(None)


def _is_missing(raw: Any) -> bool:
    if raw is None or raw is pd.NA or raw is pd.NaT:
        return True
    if isinstance(raw, float) and math.isnan(raw):
        return True
    return bool(isinstance(raw, np.floating) and np.isnan(raw))


def _clean_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    return _SPACES.sub(" ", text).strip()


def _digits_from_raw(raw: Any, kind: str) -> tuple[str | None, str | None, str | None]:
    """Reduce ``raw`` to a digit string. Returns (digits, problem, note)."""
    label = _LABEL[kind]
    if isinstance(raw, (bool, np.bool_)):
        return None, f"{raw!r} is a yes/no value, not a {label}.", None
    if isinstance(raw, (_dt.date, _dt.datetime, pd.Timestamp)):
        return (
            None,
            (
                f"{raw} is a date, not a {label}: format the column as Text in Excel "
                "and type the code again."
            ),
            None,
        )
    if isinstance(raw, (int, np.integer)):
        if raw < 0:
            return None, f"{raw} is negative, not a {label}.", None
        return str(int(raw)), None, None
    if isinstance(raw, (float, np.floating)):
        value = float(raw)
        if not math.isfinite(value) or value < 0 or not value.is_integer():
            return None, f"{raw!r} is not a whole number, so not a {label}.", None
        if value >= 2**53:
            return None, f"{raw!r} is too large to be a {label}.", None
        return str(int(value)), None, None
    if isinstance(raw, Decimal):
        raw = format(raw, "f")
    text = _clean_text(str(raw))
    wrapped = _WRAPPERS.match(text)
    if wrapped:  # ="0161119", Excel's way of forcing text in a CSV
        text = wrapped.group(1).strip()
    text = text.lstrip("'\u2018\u2019`").strip().strip('"').strip()
    if not text:
        return "", None, None
    note = None
    dot_zero = _DOT_ZERO.match(text)
    if dot_zero:
        text = dot_zero.group(1)
        note = "'.0' tail removed"
    sci = _SCIENTIFIC.match(text.replace(",", "."))
    if sci:
        return _from_scientific(text, sci, kind)
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    digits = _SEPARATORS.sub("", text)
    if not digits.isdigit() or not digits.isascii():
        return (
            None,
            f"{text!r} contains characters other than digits, so it is not a {label}.",
            None,
        )
    return digits, None, note


def _from_scientific(
    text: str, match: re.Match[str], kind: str
) -> tuple[str | None, str | None, str | None]:
    label = _LABEL[kind]
    whole, frac, _ = match.groups()
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - regex guarantees a number
        return None, f"{text!r} is not a {label}.", None
    if number != number.to_integral_value():
        return None, f"{text!r} is not a whole number, so not a {label}.", None
    digits = format(number.to_integral_value(), "f")
    significant = len((whole + (frac or "")).lstrip("0"))
    # Digits that must be known: the county-district part of the code (7, or 6 when
    # the leading zero is gone); a district/COE CDS code has 0000000 after it.
    needed = 7 if len(digits) >= 14 else 6
    if len(digits) in (13, 14) and significant < needed:
        return (
            None,
            (
                f"{text!r} is in scientific notation with only {significant} "
                f"significant digits: the last digits of the {label} were lost when "
                "the file was saved. Format the column as Text in Excel and type the "
                "code again."
            ),
            None,
        )
    if len(digits) not in (13, 14) and significant < len(digits):
        return (
            None,
            (
                f"{text!r} is in scientific notation and lost digits of the {label}: "
                "format the column as Text in Excel and type the code again."
            ),
            None,
        )
    return digits, None, f"read from scientific notation {text!r}"


def _join(*notes: str | None) -> str | None:
    kept = [n for n in notes if n]
    return "; ".join(kept) if kept else None


def _county_problem(code: str, label: str) -> str | None:
    county = int(code[:2])
    if 1 <= county <= 58:
        return None
    return (
        f"{code!r}: the county part {code[:2]} is not a California county code "
        f"(01-58), so this is not a valid {label}."
    )


def normalize_cds(raw: Any) -> CodeResult:
    """Normalise a CDS code (14 digits) from whatever was typed or stored.

    Parameters
    ----------
    raw : str, int, float, Decimal or None
        A cell value as read from CSV (text) or XLSX (text or number).

    Returns
    -------
    CodeResult
        ``value`` is the 14-digit text (``"01611190000000"``), or None with
        ``problem`` saying why. A 13-digit value is a code whose leading zero was
        lost (counties 01-09) and is repaired with a ``note``.

    Examples
    --------
    >>> normalize_cds("37-68338-0000000").value
    '37683380000000'
    >>> normalize_cds(1611190000000).value
    '01611190000000'
    """
    if _is_missing(raw):
        return _MISSING
    digits, problem, note = _digits_from_raw(raw, "cds")
    if problem:
        return CodeResult(None, problem)
    if not digits:
        return _MISSING
    if len(digits) == 13:
        digits = "0" + digits
        note = _join(note, "leading zero restored")
    if len(digits) in (6, 7):
        return CodeResult(
            None,
            f"{digits!r} has {len(digits)} digits: it looks like a 7-digit CD code, "
            "not a 14-digit CDS code; put it in the CD code column.",
        )
    if len(digits) != 14:
        return CodeResult(
            None,
            f"{digits!r} has {len(digits)} digits; a CDS code has 14 "
            "(county 2 + district 5 + school 7).",
        )
    county = _county_problem(digits, "CDS code")
    if county:
        return CodeResult(None, county)
    return CodeResult(digits, None, note)


def normalize_cd(raw: Any) -> CodeResult:
    """Normalise a CD (county-district) code (7 digits).

    Parameters
    ----------
    raw : str, int, float, Decimal or None
        A cell value as read from CSV (text) or XLSX (text or number).

    Returns
    -------
    CodeResult
        ``value`` is the 7-digit text (``"0161119"``). A 6-digit value lost its
        leading zero and is repaired; a 13/14-digit CDS code yields its first 7
        digits (the district's CD code), with a ``note`` in both cases.

    Examples
    --------
    >>> normalize_cd(161119).value
    '0161119'
    """
    if _is_missing(raw):
        return _MISSING
    digits, problem, note = _digits_from_raw(raw, "cd")
    if problem:
        return CodeResult(None, problem)
    if not digits:
        return _MISSING
    if len(digits) in (13, 14):
        cds = normalize_cds(digits)
        if not cds.ok:
            return CodeResult(None, cds.problem)
        return CodeResult(
            cds.value[:7],
            None,
            _join(note, cds.note, "taken from the 14-digit CDS code"),
        )
    if len(digits) == 6:
        digits = "0" + digits
        note = _join(note, "leading zero restored")
    if len(digits) != 7:
        return CodeResult(
            None,
            f"{digits!r} has {len(digits)} digits; a CD code has 7 "
            "(county 2 + district 5).",
        )
    county = _county_problem(digits, "CD code")
    if county:
        return CodeResult(None, county)
    return CodeResult(digits, None, note)


def normalize_nces(raw: Any) -> CodeResult:
    """Normalise an NCES LEA id (7 characters, ``06`` + 5 digits).

    Parameters
    ----------
    raw : str, int, float, Decimal or None
        A cell value as read from CSV (text) or XLSX (text or number).

    Returns
    -------
    CodeResult
        ``value`` is the 7-character id (``"0634320"``), the Census ``GEOID`` of
        the district. A 6-digit value starting with ``6`` lost its leading zero
        and is repaired; a 12-digit NCES *school* id yields its first 7
        characters (the LEA id), with a ``note``. Ids of other states are
        flagged.

    Examples
    --------
    >>> normalize_nces(634320).value
    '0634320'
    """
    if _is_missing(raw):
        return _MISSING
    digits, problem, note = _digits_from_raw(raw, "nces")
    if problem:
        return CodeResult(None, problem)
    if not digits:
        return _MISSING
    if len(digits) in (11, 12):
        digits = digits.zfill(12)
        if digits.startswith("06"):
            digits = digits[:7]
            note = _join(note, "LEA id taken from the 12-digit NCES school id")
    if len(digits) == 6 and digits.startswith("6"):
        digits = "0" + digits
        note = _join(note, "leading zero restored")
    if len(digits) != 7:
        return CodeResult(
            None,
            f"{digits!r} has {len(digits)} digits; an NCES LEA id has 7 "
            "('06' + 5 digits).",
        )
    if not digits.startswith("06"):
        return CodeResult(
            None,
            f"{digits!r} does not start with 06, so it is not a California NCES "
            "LEA id.",
        )
    return CodeResult(digits, None, note)


_NORMALIZERS = {"cds": normalize_cds, "cd": normalize_cd, "nces": normalize_nces}


def normalize_code(raw: Any, kind: CodeKind) -> CodeResult:
    """Normalise one code of the given kind (``"cds"``, ``"cd"`` or ``"nces"``).

    Raises
    ------
    ValueError
        If ``kind`` is not one of :data:`CODE_KINDS`.
    """
    try:
        func = _NORMALIZERS[kind]
    except KeyError:
        raise ValueError(f"kind must be one of {CODE_KINDS}, not {kind!r}") from None
    return func(raw)


def normalize_codes(values: pd.Series, kind: CodeKind) -> pd.DataFrame:
    """Normalise a whole column of codes.

    Each distinct input is evaluated once, so a 200,000-row roster with a few
    hundred districts costs a few hundred calls.

    Parameters
    ----------
    values : pandas.Series
        Cell values of any dtype (text from CSV, numbers or text from XLSX).
    kind : {"cds", "cd", "nces"}
        Which code the column holds.

    Returns
    -------
    pandas.DataFrame
        Same index as ``values``; columns ``value``, ``problem`` and ``note``
        (``string`` dtype, ``<NA>`` where not applicable).

    Raises
    ------
    ValueError
        If ``kind`` is not one of :data:`CODE_KINDS`.
    """
    if kind not in _NORMALIZERS:
        raise ValueError(f"kind must be one of {CODE_KINDS}, not {kind!r}")
    func = _NORMALIZERS[kind]
    cache: dict[tuple[type, Any], CodeResult] = {}
    out: list[CodeResult] = []
    for raw in values.tolist():
        if _is_missing(raw):
            out.append(_MISSING)
            continue
        key = (type(raw), raw)
        result = cache.get(key)
        if result is None:
            result = cache[key] = func(raw)
        out.append(result)
    frame = pd.DataFrame(
        out, columns=["value", "problem", "note"], index=values.index, dtype=object
    )
    return frame.astype("string")


def cd_from_cds(cds: str) -> str:
    """The 7-digit CD code of a 14-digit CDS code (its first 7 digits).

    Examples
    --------
    >>> cd_from_cds("01611190000000")
    '0161119'
    """
    return cds[:7]


def cds_from_cd(cd: str) -> str:
    """The district-level 14-digit CDS code of a 7-digit CD code.

    Examples
    --------
    >>> cds_from_cd("3768338")
    '37683380000000'
    """
    return cd + "0000000"
