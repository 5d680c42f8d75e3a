"""CDS / CD / NCES code normalisation: every form people type or Excel produces."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from loaders.codes import (
    CodeResult,
    cd_from_cds,
    cds_from_cd,
    normalize_cd,
    normalize_cds,
    normalize_code,
    normalize_codes,
    normalize_nces,
)

# Alameda Unified: CD 0161119, CDS 01611190000000 (county 01: zero easily lost).
# San Diego Unified: CD 3768338, CDS 37683380000000, NCES 0634320.
# Los Angeles Unified: CDS 19647330000000.


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("01611190000000", "01611190000000"),  # already canonical
        ("1611190000000", "01611190000000"),  # leading zero lost
        (1611190000000, "01611190000000"),  # number from Excel
        (1611190000000.0, "01611190000000"),  # float from Excel
        (np.int64(1611190000000), "01611190000000"),
        ("1611190000000.0", "01611190000000"),  # ".0" tail
        ("'01611190000000", "01611190000000"),  # leading apostrophe
        ("\u201901611190000000", "01611190000000"),  # curly apostrophe
        ('="01611190000000"', "01611190000000"),  # Excel text formula in CSV
        ("37-68338-0000000", "37683380000000"),  # dashes
        ("37 68338 0000000", "37683380000000"),  # spaces
        ("\u00a037683380000000\u00a0", "37683380000000"),  # NBSP around
        ("37\u00a068338\u00a00000000", "37683380000000"),  # NBSP inside
        ("1.964733E+13", "19647330000000"),  # scientific, all 7 CD digits kept
        ("1.61119E+12", "01611190000000"),  # scientific, zero lost, 6 digits enough
        (Decimal("1.964733E+13"), "19647330000000"),
    ],
)
def test_cds_forms(raw, value):
    assert normalize_cds(raw).value == value
    assert normalize_cds(raw).problem is None


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("1.96473E+13", "scientific notation with only 6 significant digits"),
        ("3768338", "looks like a 7-digit CD code"),
        ("376833800000", "has 12 digits"),
        ("99000000000000", "county part 99"),
        ("00000000000000", "county part 00"),
        ("37-68338-ABC", "characters other than digits"),
        (1.5, "not a whole number"),
        (-3768338, "negative"),
        (True, "yes/no value"),
        (dt.date(2015, 5, 8), "is a date"),
    ],
)
def test_cds_flagged_with_reason(raw, problem):
    result = normalize_cds(raw)
    assert result.value is None
    assert problem in result.problem
    assert not result.ok


@pytest.mark.parametrize("raw", [None, "", "  ", "\u00a0", float("nan"), pd.NA, np.nan])
def test_missing_is_neither_value_nor_problem(raw):
    assert normalize_cds(raw) == CodeResult(None, None, None)
    assert normalize_cd(raw) == CodeResult(None, None, None)
    assert normalize_nces(raw) == CodeResult(None, None, None)


def test_notes_say_what_was_repaired():
    assert normalize_cds(1611190000000).note == "leading zero restored"
    assert "'.0' tail removed" in normalize_cds("1611190000000.0").note
    assert "scientific notation" in normalize_cds("1.964733E+13").note
    assert normalize_cds("37683380000000").note is None


@pytest.mark.parametrize(
    ("raw", "value", "note"),
    [
        ("0161119", "0161119", None),
        ("161119", "0161119", "leading zero restored"),
        (161119, "0161119", "leading zero restored"),
        (161119.0, "0161119", "leading zero restored"),
        ("161119.0", "0161119", "'.0' tail removed; leading zero restored"),
        ("'0161119", "0161119", None),
        ("37-68338", "3768338", None),
        ("161,119", "0161119", "leading zero restored"),
        ("37683380000000", "3768338", "taken from the 14-digit CDS code"),
        ("1611190000000", "0161119", "leading zero restored; taken from the 14-digit"),
    ],
)
def test_cd_forms(raw, value, note):
    result = normalize_cd(raw)
    assert result.value == value
    assert result.problem is None
    if note is None:
        assert result.note is None
    else:
        assert result.note.startswith(note)


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("37683", "has 5 digits"),
        ("5968338", "county part 59"),
        ("CA-123", "characters other than digits"),
        ("1.96473E+13", "scientific notation"),
    ],
)
def test_cd_flagged(raw, problem):
    result = normalize_cd(raw)
    assert result.value is None and problem in result.problem


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("0634320", "0634320"),
        ("634320", "0634320"),
        (634320, "0634320"),
        ("634320.0", "0634320"),
        ("'0634320", "0634320"),
        ("063432000123", "0634320"),  # NCES school id → its LEA
    ],
)
def test_nces_forms(raw, value):
    assert normalize_nces(raw).value == value


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("0412345", "not a California NCES LEA id"),
        ("34320", "has 5 digits"),
        ("06-343-20x", "characters other than digits"),
    ],
)
def test_nces_flagged(raw, problem):
    assert problem in normalize_nces(raw).problem


def test_normalize_codes_series_keeps_index_and_dtype():
    values = pd.Series(
        ["1611190000000", None, 1611190000000, "x", "37-68338-0000000"],
        index=[10, 11, 12, 13, 14],
        dtype=object,
    )
    out = normalize_codes(values, "cds")
    assert list(out.index) == [10, 11, 12, 13, 14]
    assert list(out.columns) == ["value", "problem", "note"]
    assert all(str(t) == "string" for t in out.dtypes)
    assert out["value"].tolist() == [
        "01611190000000",
        pd.NA,
        "01611190000000",
        pd.NA,
        "37683380000000",
    ]
    assert out["problem"].notna().tolist() == [False, False, False, True, False]


def test_normalize_codes_on_string_dtype_series():
    values = pd.Series(["634320", pd.NA, "0634320"], dtype="string")
    assert normalize_codes(values, "nces")["value"].tolist() == [
        "0634320",
        pd.NA,
        "0634320",
    ]


def test_normalize_code_dispatch_and_bad_kind():
    assert normalize_code("161119", "cd").value == "0161119"
    with pytest.raises(ValueError, match="kind must be one of"):
        normalize_code("1", "zip")
    with pytest.raises(ValueError, match="kind must be one of"):
        normalize_codes(pd.Series(["1"]), "zip")


def test_cd_cds_conversions():
    assert cd_from_cds("01611190000000") == "0161119"
    assert cds_from_cd("0161119") == "01611190000000"
