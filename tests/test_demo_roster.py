"""The built-in demo roster: deterministic, realistic, placeholder people only."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from loaders.codes import normalize_cd, normalize_cds
from loaders.demo import _TRICKY, _name_variants, demo_roster, write_demo_roster
from loaders.roster import ROLES, ROSTER_COLUMNS, STATUSES, read_roster
from loaders.vocab import fold

SYMP = "CALMI-2015-SYMP"


@pytest.fixture(scope="module")
def demo(reference):
    return demo_roster(reference, with_geoid=True)


@pytest.fixture(scope="module")
def ref(reference):
    return reference.set_index("geoid")


def _teams(frame, event_id, status=None):
    rows = frame.loc[frame["event_id"] == event_id]
    if status is not None:
        rows = rows.loc[rows["status"] == status]
    return set(rows["true_geoid"])


def test_columns_and_values(demo, reference):
    plain = demo_roster(reference)
    assert list(plain.columns) == ROSTER_COLUMNS
    assert all(str(t) == "string" for t in plain.dtypes)
    assert 1500 <= len(plain) <= 3000
    assert set(plain["role"]) <= set(ROLES)
    assert set(plain["status"]) == set(STATUSES)
    assert plain["entity_name"].notna().all()
    assert plain["person_name"].notna().all()


def test_determinism_same_seed_same_bytes(tmp_path, reference):
    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    n = write_demo_roster(a, reference, seed=2015)
    assert write_demo_roster(b, reference, seed=2015) == n
    assert a.read_bytes() == b.read_bytes()
    write_demo_roster(c, reference, seed=7)
    assert c.read_bytes() != a.read_bytes()
    assert not list(tmp_path.glob("*.tmp"))  # atomic write left nothing behind


def test_symposium_47_district_teams_and_a_few_coes_attend(demo, ref):
    attended = _teams(demo, SYMP, "attended")
    kinds = ref.loc[sorted(attended), "district_type"]
    assert (kinds != "coe").sum() == 47
    assert 3 <= (kinds == "coe").sum() <= 4
    applied = _teams(demo, SYMP)
    assert 90 <= len(applied) <= 110
    statuses = set(demo.loc[demo["event_id"] == SYMP, "status"])
    assert {"applied", "attended", "waitlisted"} <= statuses


def test_regional_convenings_draw_on_symposium_applicants_nearby(demo, ref):
    not_attended = _teams(demo, SYMP) - _teams(demo, SYMP, "attended")
    for event_id, regions in (
        ("CALMI-2015-LA-REGIONAL", {8, 9, 10, 11}),
        ("CALMI-2015-EMERYVILLE", {3, 4, 5, 6}),
    ):
        teams = _teams(demo, event_id)
        assert len(teams) >= 10
        assert set(ref.loc[sorted(teams), "ccsesa_region"]) <= regions
        share = len(teams & not_attended) / len(teams)
        assert share > 0.5, (event_id, share)


def test_later_events_mix_returning_and_new_teams(demo):
    seen: set[str] = set()
    order = demo.drop_duplicates("event_id")["event_id"].tolist()
    assert "CALMI-2016-17-COHORT-SAC" not in order  # planned, never held
    for event_id in order:
        teams = _teams(demo, event_id)
        if event_id.endswith("-SI") and event_id != "CALMI-2017-SI":
            returning = len(teams & seen) / len(teams)
            assert 0.2 < returning < 0.9, (event_id, returning)
        seen |= teams


def test_incomplete_teams_are_common(demo):
    came = demo.loc[demo["status"] == "attended"]
    roles = came.groupby(["event_id", "true_geoid"])["role"].nunique()
    incomplete = (roles < 4).mean()
    assert 0.25 < incomplete < 0.75


def test_every_name_resolves_to_its_entity(demo, ref):
    assert demo["true_geoid"].isin(ref.index).all()
    tricky = {fold(text) for uses in _TRICKY.values() for _, text in uses}
    for geoid, group in demo.groupby("true_geoid"):
        entity = ref.loc[geoid]
        forms = {
            fold(f)
            for f, _ in _name_variants(
                entity["name"], entity["census_name"], entity["district_type"]
            )
        }
        for name in group["entity_name"].unique():
            assert fold(name) in forms or fold(name) in tricky, (geoid, name)


def test_deliberately_tricky_rows_are_few(demo):
    tricky = {text for uses in _TRICKY.values() for _, text in uses}
    hard = {"SDUSD", "LAUSD", "RCOE", "Sacremento City Unified"}
    assert hard <= tricky
    n = demo["entity_name"].str.strip().isin(hard).sum()
    assert 4 <= n <= 20
    for text in (
        "San Diego USD",
        "Fresno Unified Schools",
        "Riverside County Office of Education",
    ):
        assert (demo["entity_name"].str.strip() == text).any()
    assert (demo["entity_name"] != demo["entity_name"].str.strip()).any()  # spaces
    assert (demo["entity_name"] == demo["entity_name"].str.lower()).any()  # case


def test_codes_and_counties_are_the_entitys_own(demo, ref):
    share_cds = demo["cds_code"].notna().mean()
    assert 0.2 < share_cds < 0.4
    assert demo["cd_code"].notna().mean() > 0.05
    assert (demo["cds_code"].str.len() == 13).any()  # leading zero lost
    for column, func, real in (
        ("cds_code", normalize_cds, "cds_code"),
        ("cd_code", normalize_cd, "cd_code"),
    ):
        given = demo.loc[demo[column].notna(), [column, "true_geoid"]]
        values = pd.Series([func(v).value for v in given[column]])
        assert (
            values.to_numpy() == ref.loc[given["true_geoid"], real].to_numpy()
        ).all()
    nces = demo.loc[demo["nces_id"].notna()]
    assert (nces["nces_id"] == nces["true_geoid"]).all()
    county = demo.loc[demo["county"].notna()]
    written = county["county"].str.replace(" County", "").str.lower()
    real = ref.loc[county["true_geoid"], "county"].str.lower().to_numpy()
    assert (written.to_numpy() == real).all()


def test_no_real_looking_personal_data(demo):
    labels = "|".join(
        ["Superintendent", "Board Member", "Teachers Union President"]
        + ["Classified Union President"]
    )
    assert demo["person_name"].str.fullmatch(rf"({labels}) \d{{3}}").all()
    emails = demo["email"].dropna()
    assert emails.str.fullmatch(r"(sup|board|tu|cu)\d{3}@example\.org").all()
    # a person's number is their team's
    for _, group in demo.groupby("true_geoid"):
        numbers = {re.search(r"\d{3}$", n).group() for n in group["person_name"]}
        assert len(numbers) == 1


def test_csv_reads_back_through_the_roster_reader(tmp_path, demo, reference):
    path = tmp_path / "demo.csv"
    n = write_demo_roster(path, reference)
    load = read_roster(path)
    assert len(load.rows) == n == len(demo)
    assert load.rejected.empty
    assert load.issues.empty
    assert load.column_map == {c: c for c in ROSTER_COLUMNS}
    plain = demo.drop(columns="true_geoid").reset_index(drop=True)
    rows = load.rows[ROSTER_COLUMNS]
    pd.testing.assert_series_equal(rows["event_id"], plain["event_id"])
    pd.testing.assert_series_equal(rows["role"], plain["role"])
    pd.testing.assert_series_equal(rows["status"], plain["status"])
    # codes come back with their leading zeros
    assert (rows["cds_code"].dropna().str.len() == 14).all()
    assert (rows["cd_code"].dropna().str.len() == 7).all()


def test_xlsx_output(tmp_path, reference):
    path = tmp_path / "out" / "demo.xlsx"
    n = write_demo_roster(path, reference)
    load = read_roster(path)
    assert load.sheet == "Roster"
    assert len(load.rows) == n
    assert (load.rows["cds_code"].dropna().str.len() == 14).all()


def test_bad_suffix(tmp_path, reference):
    with pytest.raises(ValueError, match=r"demo.json: the demo roster is written as"):
        write_demo_roster(tmp_path / "demo.json", reference)


def test_no_cell_can_start_a_formula(demo):
    text = demo.drop(columns="true_geoid").fillna("")
    for column in text.columns:
        assert not text[column].str.match(r"^[=+\-@\t\r]").any(), column


def test_failed_write_keeps_the_previous_file(tmp_path, monkeypatch, reference):
    from loaders import demo as demo_mod

    path = tmp_path / "demo.xlsx"
    path.write_bytes(b"previous")

    def broken(frame, target):
        target.write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(demo_mod, "_write_xlsx", broken)
    with pytest.raises(OSError, match="disk full"):
        write_demo_roster(path, reference)
    assert path.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["demo.xlsx"]
