"""Review of uncertain matches (loaders.review): which rows wait, how they are
grouped, what a decision writes (small matched frames in the ARCHITECTURE.md
shape)."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from loaders.review import (
    CONFIRMED_NOTE,
    NOT_CALIFORNIA_NOTE,
    REVIEW_METHOD,
    apply_decisions,
    needs_review,
    review_groups,
)


def _rows() -> pd.DataFrame:
    s = lambda *v: pd.array(list(v), dtype="string")  # noqa: E731
    return pd.DataFrame(
        {
            "entity_name": s("Foo Valley", "Alameda Unified", "Foo Valley", "SDUSD"),
            "county": s(None, "Alameda", None, "San Diego"),
            "source_row": pd.array([2, 3, 5, 9], dtype="Int64"),
            "match_status": s("unmatched", "matched", "ambiguous", "unmatched"),
            "geoid": s(None, "0601770", None, None),
            "matched_name": s(None, "Alameda Unified", "Foo Valley Elementary", None),
            "match_method": s(None, "cds_code", "fuzzy", REVIEW_METHOD),
            "score": [float("nan"), 100.0, 82.0, float("nan")],
            "runner_up": s(None, None, "Foo Valley High", None),
            "runner_up_score": [float("nan"), float("nan"), 80.0, float("nan")],
            "linked_geoids": s("", "", "", ""),
            "candidate_geoids": s("", "", "0600001;0600002", ""),
        }
    )


def test_rows_decided_in_review_do_not_wait_again():
    assert needs_review(_rows()).tolist() == [True, False, True, False]
    assert not needs_review(pd.DataFrame({"x": [1]})).any()


def test_groups_by_name_and_county_with_the_pending_choice():
    choice = SimpleNamespace(geoid="0613830", matched_name="Foo", not_california=False)
    groups = review_groups(_rows(), {2: choice})
    assert len(groups) == 1
    g = groups.iloc[0]
    assert g["entity_name"] == "Foo Valley" and pd.isna(g["county"])
    assert g["match_status"] == "ambiguous"  # the worst status of the group
    assert g["row_indexes"] == [0, 2] and g["source_rows"] == [2, 5]
    assert g["matched_name"] == "Foo Valley Elementary"
    assert g["pending_geoid"] == "0613830" and not g["pending_not_california"]
    empty = review_groups(_rows().iloc[[1]])
    assert empty.empty and list(empty.columns) == list(groups.columns)


def test_decisions_write_the_match_columns():
    rows = _rows()
    out = apply_decisions(
        rows,
        [
            SimpleNamespace(row_index=0, geoid="0613830", matched_name="Foo Valley",
                            cd_code="1234567", not_california=False),
            SimpleNamespace(row_index=2, geoid=None, matched_name=None, cd_code=None,
                            not_california=True),
            SimpleNamespace(row_index=99, geoid="0600001", matched_name=None,
                            cd_code=None, not_california=False),
        ],
    )  # fmt: skip
    assert out.loc[0, "match_status"] == "matched" and out.loc[0, "score"] == 100.0
    assert out.loc[0, "geoid"] == "0613830" and out.loc[0, "cd_code"] == "1234567"
    assert out.loc[0, "match_note"] == CONFIRMED_NOTE
    assert out.loc[2, "match_status"] == "unmatched" and pd.isna(out.loc[2, "geoid"])
    assert out.loc[2, "match_note"] == NOT_CALIFORNIA_NOTE
    assert out.loc[2, "candidate_geoids"] == "" and pd.isna(out.loc[2, "runner_up"])
    assert (out["match_method"].iloc[[0, 2]] == REVIEW_METHOD).all()
    pd.testing.assert_series_equal(out.loc[1, rows.columns], rows.loc[1])
    assert not needs_review(out).any()
    assert rows.loc[0, "match_status"] == "unmatched"  # the input is not changed
