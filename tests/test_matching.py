"""Roster entity → district / COE matching on the real CDE and Census names."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboard.match_command import match_command
from loaders.matching import (
    MATCH_COLUMNS,
    candidates,
    match_roster,
)

ROOT = Path(__file__).resolve().parent.parent

SAN_DIEGO = "0634320"
PASADENA = "0629940"
SOUTH_PASADENA = "0637500"
ALAMEDA = "0601770"
SANTA_ROSA_ELEM, SANTA_ROSA_HIGH = "0635810", "0635830"
FEATHER_FALLS = "0613710"


def roster(*entries: tuple, **columns) -> pd.DataFrame:
    """Canonical roster rows from (entity_name, county) pairs or keyword columns."""
    data = dict(columns)
    if entries:
        data["entity_name"] = [e[0] for e in entries]
        data["county"] = [e[1] if len(e) > 1 else None for e in entries]
    n = len(next(iter(data.values())))
    for col in ("entity_name", "county", "cds_code", "cd_code", "nces_id"):
        data.setdefault(col, [None] * n)
    return pd.DataFrame(data).astype("string")


def one(reference, name, county=None, **codes) -> pd.Series:
    frame = roster(
        entity_name=[name],
        county=[county],
        **{k: [v] for k, v in codes.items()},
    )
    return match_roster(frame, reference).iloc[0]


# ------------------------------------------------------------------ the contract
def test_output_keeps_rows_order_index_and_columns(reference):
    rows = roster(
        ("Pasadena Unified",),
        ("Nowhere Academy",),
        ("Pioneer Union Elementary",),
        ("SDUSD",),
    )
    rows.index = [10, 3, 7, 1]
    rows["role"] = pd.array(["superintendent"] * 4, dtype="string")
    rows["source_row"] = [2, 3, 4, 5]
    out = match_roster(rows, reference)
    assert list(out.index) == [10, 3, 7, 1]
    assert list(out.columns[: len(rows.columns)]) == list(rows.columns)
    assert set(MATCH_COLUMNS) <= set(out.columns)
    assert out["entity_name"].tolist() == rows["entity_name"].tolist()
    assert out["match_status"].tolist() == [
        "matched",
        "unmatched",
        "ambiguous",
        "matched",
    ]
    for col in ("match_status", "geoid", "matched_name", "match_method", "runner_up"):
        assert out[col].dtype == "string"
    assert out["score"].dtype == "Float64"
    # Only matched rows carry a geoid (participation counts them as teams).
    assert out.loc[out["match_status"] != "matched", "geoid"].isna().all()
    assert (out["linked_geoids"].fillna("") == "").all()


def test_empty_roster_and_missing_columns(reference):
    out = match_roster(roster(entity_name=[]), reference)
    assert len(out) == 0 and set(MATCH_COLUMNS) <= set(out.columns)
    with pytest.raises(ValueError, match="entity_name"):
        match_roster(pd.DataFrame({"role": ["x"]}), reference)


def test_each_distinct_row_is_matched_once_and_consistently(reference):
    rows = roster(*[("San Diego USD", "San Diego")] * 500)
    out = match_roster(rows, reference)
    assert (out["geoid"] == SAN_DIEGO).all()


# ------------------------------------------------------------------------ codes
@pytest.mark.parametrize(
    ("column", "value", "method"),
    [
        ("cds_code", "01611190000000", "cds_code"),
        ("cds_code", "1611190000000", "cds_code"),  # leading zero lost
        ("cd_code", "0161119", "cd_code"),
        ("cd_code", "161119", "cd_code"),
        ("nces_id", "0601770", "nces_id"),
        ("nces_id", "601770", "nces_id"),
    ],
)
def test_codes_with_and_without_leading_zeros(reference, column, value, method):
    row = one(reference, None, **{column: value})
    assert (row["match_status"], row["geoid"], row["match_method"]) == (
        "matched",
        ALAMEDA,
        method,
    )
    assert row["cd_code"] == "0161119"
    assert row["score"] == 100


def test_school_cds_code_leads_to_its_district(reference):
    row = one(reference, "Alameda High School", cds_code="01611190130229")
    assert row["geoid"] == ALAMEDA
    assert "school's" in row["match_note"]


def test_unknown_code_is_reported_and_the_name_still_matches(reference):
    row = one(reference, "San Diego Unified", cd_code="9999999")
    assert (row["match_status"], row["geoid"]) == ("matched", SAN_DIEGO)
    assert row["match_method"] == "exact_name"
    assert "CD code 9999999 is not a district or COE" in row["match_note"]


def test_code_and_name_disagree(reference):
    # The name clearly names another district: a person must decide.
    row = one(reference, "Poway Unified", cd_code="3768338")
    assert row["match_status"] == "ambiguous"
    assert "code and name disagree" in row["match_note"]
    assert row["candidate_geoids"].split(";")[:2] == [SAN_DIEGO, "0631530"]
    # The name resembles nothing: the code decides, with a note.
    row = one(reference, "District Office", cd_code="3768338")
    assert (row["match_status"], row["geoid"]) == ("matched", SAN_DIEGO)
    assert "code and name disagree" in row["match_note"]
    # Code and acronym agree.
    row = one(reference, "SDUSD", cds_code="37683380000000")
    assert (row["match_status"], row["match_note"]) == ("matched", None) or pd.isna(
        row["match_note"]
    )


SF_UNIFIED, SOUTH_SF = "0634410", "0637530"
SD_COE = "06073"


@pytest.mark.parametrize(
    ("name", "county", "codes", "code_geoid", "name_geoid", "words"),
    [
        # A real name that contains another district's name, with that one's code.
        (
            "South Pasadena Unified",
            "Los Angeles",
            {"cd_code": "1964881"},
            PASADENA,
            SOUTH_PASADENA,
            "CD code 1964881 is Pasadena Unified",
        ),
        (
            "South Pasadena Unified",
            None,
            {"cds_code": "19648810000000"},
            PASADENA,
            SOUTH_PASADENA,
            "CDS code 19648810000000 is Pasadena Unified",
        ),
        # The code of a district in another county than the name and the county.
        (
            "San Francisco Unified",
            "San Francisco",
            {"cd_code": "4169070"},
            SOUTH_SF,
            SF_UNIFIED,
            "South San Francisco Unified (San Mateo)",
        ),
        # A district's name with its county office's code.
        (
            "San Diego Unified",
            None,
            {"cd_code": "3710371"},
            SD_COE,
            SAN_DIEGO,
            "San Diego County Office of Education",
        ),
        (
            "San Diego Unified",
            "San Diego",
            {"cds_code": "37103710000000"},
            SD_COE,
            SAN_DIEGO,
            "San Diego County Office of Education",
        ),
        # ... and the other way round.
        (
            "San Diego County Office of Education",
            None,
            {"nces_id": "0634320"},
            SAN_DIEGO,
            SD_COE,
            "NCES id 0634320 is San Diego Unified",
        ),
    ],
)
def test_code_that_disagrees_with_the_name_goes_to_review(
    reference, name, county, codes, code_geoid, name_geoid, words
):
    """Issue 12 item 5: the code, the name and the county point to different
    entities: never matched silently; both candidates, and the note says why."""
    row = one(reference, name, county, **codes)
    assert row["match_status"] == "ambiguous", row["matched_name"]
    assert pd.isna(row["geoid"])
    cands = row["candidate_geoids"].split(";")
    assert cands[:2] == [code_geoid, name_geoid]
    assert "code and name disagree" in row["match_note"]
    assert words in row["match_note"]


def test_county_that_disagrees_with_the_code_is_said(reference):
    # The county names the name's district's county, not the code's.
    row = one(reference, "San Francisco Unified", "San Francisco", cd_code="4169070")
    assert "San Mateo" in row["match_note"] and "San Francisco" in row["match_note"]
    # No name: the code and the county disagree, a person decides.
    row = one(reference, None, "San Francisco", cd_code="4169070")
    assert row["match_status"] == "ambiguous"
    assert row["candidate_geoids"].split(";")[0] == SOUTH_SF
    assert "county differs" in row["match_note"]
    # Name and code agree, the county is another: matched, with a note.
    row = one(
        reference, "South San Francisco Unified", "San Francisco", cd_code="4169070"
    )
    assert (row["match_status"], row["geoid"]) == ("matched", SOUTH_SF)
    assert "county differs" in row["match_note"]


@pytest.mark.parametrize(
    ("name", "codes", "geoid"),
    [
        # The same district spelt another way, with its code: still matched.
        ("San Diego City Unified", {"cd_code": "3768338"}, SAN_DIEGO),
        ("San Diego USD", {"cds_code": "37683380000000"}, SAN_DIEGO),
        ("San Diego Unified School Dist.", {"nces_id": "634320"}, SAN_DIEGO),
        ("Pasadena USD", {"cd_code": "1964881"}, PASADENA),
        ("Pasadena Unifed", {"cd_code": "1964881"}, PASADENA),
        ("So. Pasadena USD", {"cd_code": "1965029"}, SOUTH_PASADENA),
        ("South Pasadena Unified", {"cd_code": "1965029"}, SOUTH_PASADENA),
        ("Alameda USD", {"cd_code": "161119"}, ALAMEDA),
        ("SFUSD", {"cd_code": "3868478"}, SF_UNIFIED),
        ("San Diego COE", {"cd_code": "3710371"}, SD_COE),
        ("Santa Rosa City Schools", {"cd_code": "4970920"}, None),
    ],
)
def test_code_with_the_same_districts_name_still_matches(reference, name, codes, geoid):
    row = one(reference, name, **codes)
    assert row["match_status"] == "matched", row["match_note"]
    if geoid is not None:
        assert row["geoid"] == geoid
    assert "disagree" not in str(row["match_note"])


@pytest.mark.parametrize("county", [None, "San Benito"])
def test_generic_name_sharing_only_words_is_not_matched(reference, county):
    """ "North Elementary" is no district; North County Joint Union Elementary
    only shares its words (issue 12 item 5)."""
    row = one(reference, "North Elementary", county)
    assert row["match_status"] != "matched"
    assert str(row["geoid"]) != "0627480"
    if row["match_status"] == "ambiguous":
        assert "0627480" in row["candidate_geoids"].split(";")
        assert "only" in row["match_note"]
    # The real name, or enough of it, still matches.
    for name in ("North County Joint Union Elementary", "North County Union ESD"):
        assert one(reference, name, county)["geoid"] == "0627480", name


# ------------------------------------------------------------------------ names
@pytest.mark.parametrize(
    "name",
    [
        "San Diego Unified",
        "San Diego City Unified School District",  # Census spelling
        "SAN DIEGO USD",
        "san diego unified school dist.",
        "San Diego Unified SD",
        "SDUSD",
        "S.D.U.S.D.",
        "San Diego City Schools",
    ],
)
def test_cde_census_and_everyday_spellings(reference, name):
    row = one(reference, name)
    assert (row["match_status"], row["geoid"]) == ("matched", SAN_DIEGO), name


@pytest.mark.parametrize(
    "name",
    [
        "Pasadena Unified",
        "Pasadena Unified School District",
        "PASADENA USD",
        "Pasadena Unifed",
        "Pasadena",
        "Pasadina Unified",
    ],
)
def test_pasadena_never_becomes_south_pasadena(reference, name):
    for county in (None, "Los Angeles"):
        row = one(reference, name, county)
        assert str(row["geoid"]) != SOUTH_PASADENA, name
        if row["match_status"] == "ambiguous":  # best candidate first
            assert row["candidate_geoids"].startswith(PASADENA)
        if row["match_status"] == "matched":
            assert row["geoid"] == PASADENA
    assert one(reference, "Pasadena Unified")["match_method"] == "exact_name"
    assert one(reference, "South Pasadena")["geoid"] == SOUTH_PASADENA


def test_names_inside_longer_names_never_match_the_longer_one(reference):
    """For every real pair where one district's words all lie inside another's
    (Pasadena / South Pasadena, Ross / Ross Valley...), the shorter name written
    with an abbreviated type never auto-matches the longer district."""
    from loaders.normalize import parse_name

    ref = reference.loc[reference["district_type"] != "coe"]
    parsed = {g: parse_name(n) for g, n in zip(ref["geoid"], ref["name"], strict=True)}
    words = {g: set(p.place.split()) for g, p in parsed.items()}
    suffix = {"unified": "USD", "elementary": "ESD", "secondary": "HSD"}
    pairs = []
    for a, wa in words.items():
        for b, wb in words.items():
            if a != b and wa < wb:
                pairs.append((a, b))
    assert len(pairs) > 50
    dtype = dict(zip(ref["geoid"], ref["district_type"], strict=True))
    names = [f"{parsed[a].place} {suffix[dtype[a]]}" for a, _ in pairs]
    out = match_roster(roster(*[(n,) for n in names]), reference)
    for (_a, b), got, status in zip(
        pairs, out["geoid"], out["match_status"], strict=True
    ):
        assert not (status == "matched" and got == b)


def test_ties_are_ambiguous_and_the_county_decides(reference):
    row = one(reference, "Pioneer Union Elementary")
    assert row["match_status"] == "ambiguous"
    assert len(row["candidate_geoids"].split(";")) == 3
    assert "give the county" in row["match_note"]
    assert one(reference, "Pioneer Union Elementary", "Kings")["geoid"] == "0630510"
    # A fuzzy tie: two districts called Ocean View (Orange, Ventura).
    row = one(reference, "Ocean View School Distict")
    assert row["match_status"] == "ambiguous"
    assert set(row["candidate_geoids"].split(";")) == {"0628140", "0628170"}
    assert (
        one(reference, "Ocean View School Distict", "Ventura County")["match_status"]
        == "matched"
    )
    # Same words, different district types.
    row = one(reference, "Fresno")
    assert row["match_status"] == "ambiguous"
    assert "Fresno Unified" in row["runner_up"]


def test_name_that_differs_only_by_union_needs_the_county(reference):
    # "Oak Grove Elementary" (Santa Clara) is also how people write
    # "Oak Grove Union Elementary" (Sonoma).
    row = one(reference, "Oak Grove Elementary")
    assert row["match_status"] == "ambiguous"
    assert one(reference, "Oak Grove Elementary", "Santa Clara")["geoid"] == "0627810"
    assert one(reference, "Oak Grove Union Elementary")["geoid"] == "0627840"


def test_dropped_modifier_words(reference):
    row = one(reference, "Fallbrook High")
    assert (row["matched_name"], row["score"]) == ("Fallbrook Union High", 97)


@pytest.mark.parametrize(
    ("name", "county", "geoid"),
    [
        ("SFUSD", None, "0634410"),
        ("LAUSD", None, "0622710"),  # Los Angeles enrolls > 10× Los Alamitos
        ("LAUSD", "Orange", "0622590"),  # ... but in Orange County it is Los Alamitos
        ("OUSD", "Alameda", "0628050"),
        ("SCUSD", "Sacramento", "0633840"),
        ("SCUSD", "Santa Clara", "0635430"),
        ("WCCUSD", None, "0632550"),
        ("KHSD", None, "0619540"),
    ],
)
def test_acronyms(reference, name, county, geoid):
    row = one(reference, name, county)
    assert (row["match_status"], row["geoid"], row["match_method"]) == (
        "matched",
        geoid,
        "alias",
    )


def test_shared_acronym_without_county_is_ambiguous(reference):
    row = one(reference, "OUSD")
    assert row["match_status"] == "ambiguous"
    assert "0628050" in row["candidate_geoids"].split(";")
    assert "give the county" in row["match_note"]
    assert one(reference, "SCUSD")["match_status"] == "ambiguous"


@pytest.mark.parametrize(
    ("name", "county", "geoid"),
    [
        ("Riverside County Office of Education", None, "06065"),
        ("RCOE", None, "06065"),
        ("Riverside COE", None, "06065"),
        ("Los Angeles County Office of Education", None, "06037"),
        ("LACOE", None, "06037"),
        ("LA County Office of Education", None, "06037"),
        ("San Diego County Office of Education", None, "06073"),
        ("SDCOE", None, "06073"),
        ("Madera County Superintendent of Schools", None, "06039"),
        ("Madera County Office of Education", None, "06039"),
        ("Tuolumne County Superintendent of Schools", None, "06109"),
        ("Orange County Department of Education", None, "06059"),
        ("OCDE", None, "06059"),
        ("Tehama County Dept. of Education", None, "06103"),
        ("Kern County Superintendent of Schools", None, "06029"),
        ("SBCSS", "San Bernardino", "06071"),
        ("SCOE", "Sonoma", "06097"),
    ],
)
def test_coe_names_and_acronyms(reference, name, county, geoid):
    row = one(reference, name, county)
    assert (row["match_status"], row["geoid"]) == ("matched", geoid), name
    assert row["cd_code"] == reference.set_index("geoid").at[geoid, "cd_code"]


def test_shared_governance_links_the_other_district(reference):
    row = one(reference, "Santa Rosa City Schools")
    assert (row["match_status"], row["geoid"], row["linked_geoids"]) == (
        "matched",
        SANTA_ROSA_ELEM,
        SANTA_ROSA_HIGH,
    )
    # Naming either district of the pair links the other too.
    assert one(reference, "Santa Rosa High School District")["linked_geoids"] == (
        SANTA_ROSA_ELEM
    )
    assert one(reference, "Petaluma City Schools")["linked_geoids"] == "0630250"
    assert one(reference, "Modesto City Schools", "Stanislaus")["geoid"] == "0625130"
    # "Santa Rosa" alone: the two tied candidates are one team.
    assert one(reference, "Santa Rosa")["geoid"] == SANTA_ROSA_ELEM
    # SRCS is Santa Rosa (Sonoma) or San Rafael (Marin) City Schools.
    assert one(reference, "SRCS")["match_status"] == "ambiguous"
    assert one(reference, "SRCS", "Marin")["linked_geoids"] == "0635110"


def test_district_without_boundary_is_matched_and_flagged(reference):
    for name, codes in (
        ("Feather Falls Union Elementary", {}),
        (None, {"cd_code": "0461440"}),
        ("Feather Falls Union ESD", {"county": "Butte"}),
    ):
        county = codes.pop("county", None)
        row = one(reference, name, county, **codes)
        assert (row["match_status"], row["geoid"]) == ("matched", FEATHER_FALLS)
        assert row["match_note"].startswith(
            "no boundary: Feather Falls Union Elementary has no 2021 Census polygon"
        )
    assert one(reference, "Elkins Elementary")["match_note"].startswith("no boundary")


@pytest.mark.parametrize(
    "name",
    [
        "Acme Charter Academy",
        "Seattle Public Schools",
        "California Teachers Association",
        "Unified School District",
        "",
    ],
)
def test_unknown_names_are_unmatched(reference, name):
    assert one(reference, name or None)["match_status"] == "unmatched"


def test_county_evidence(reference):
    row = one(reference, "Fremont Unified", "Santa Clara")
    assert (row["match_status"], row["geoid"]) == ("matched", "0614400")
    assert "county differs" in row["match_note"]
    row = one(reference, "Lakeside Union", "San Diego")
    assert row["match_status"] == "ambiguous"
    row = one(reference, "San Diego Unified", "Narnia")
    assert row["geoid"] == SAN_DIEGO
    assert "not a California county" in row["match_note"]
    assert one(reference, "San Diego Unified", "37")["geoid"] == SAN_DIEGO
    assert one(reference, "Jefferson Elementary", "san mateo co.")["geoid"] == "0618870"
    # The county written into the name.
    for name in (
        "Jefferson Elementary (San Mateo County)",
        "Jefferson Elementary - San Mateo",
        "Jefferson Elementary, San Mateo",
    ):
        assert one(reference, name)["geoid"] == "0618870", name
    assert one(reference, "Pasadena Unified, CA")["geoid"] == PASADENA
    assert one(reference, "Igo, Ono, Platina Union Elementary")["match_status"] == (
        "matched"
    )


def test_every_real_name_finds_itself(reference):
    """All 1,002 CDE names (and the Census names) with their county match their
    own entity; without the county they are matched or sent to review with
    themselves among the candidates — never matched to another entity."""
    ref = reference
    for col in ("name", "census_name"):
        sub = (
            ref.loc[ref[col].notna() & (ref["district_type"] != "coe")]
            if (col == "census_name")
            else ref
        )
        with_county = match_roster(
            roster(entity_name=sub[col].tolist(), county=sub["county"].tolist()), ref
        )
        assert (with_county["match_status"] == "matched").all()
        assert (with_county["geoid"].to_numpy() == sub["geoid"].to_numpy()).all()
        without = match_roster(roster(entity_name=sub[col].tolist()), ref)
        ok = (without["geoid"].fillna("").to_numpy() == sub["geoid"].to_numpy()) | (
            (without["match_status"] == "ambiguous").to_numpy()
            & np.array(
                [
                    g in str(c).split(";")
                    for g, c in zip(sub["geoid"], without["candidate_geoids"])
                ]
            )
        )
        assert ok.all(), sub.loc[~ok, col].tolist()


# ------------------------------------------------------------------ user aliases
def test_user_aliases_apply_first(reference):
    aliases = pd.DataFrame(
        {
            "alias": [
                "The Big Blue",
                "Lakeside",
                "Some Academy",
                "Pioneer Union Elementary",
            ],
            "county": [None, "Kern", None, None],
            "geoid": [SAN_DIEGO, "0620730", None, "0630510"],
            "not_california": [False, False, True, False],
        }
    ).astype({"alias": "string", "county": "string", "geoid": "string"})
    rows = roster(
        ("the big blue",),
        ("Lakeside", "Kern"),
        ("Lakeside", "San Diego"),
        ("Some Academy",),
        ("Pioneer Union Elementary",),
    )
    out = match_roster(rows, reference, aliases=aliases)
    assert out["match_method"].tolist()[:2] == ["user_alias", "user_alias"]
    assert out["geoid"].tolist()[:2] == [SAN_DIEGO, "0620730"]
    assert out["geoid"].iloc[2] != "0620730"  # alias limited to Kern County
    assert out["match_status"].iloc[3] == "unmatched"
    assert "not a California district" in out["match_note"].iloc[3]
    # A saved choice resolves what was ambiguous.
    assert (out["match_status"].iloc[4], out["geoid"].iloc[4]) == ("matched", "0630510")


def test_user_alias_precedence(reference):
    aliases = pd.DataFrame(
        {
            "alias": [
                "Oak Grove Elementary",
                "Jefferson Elementary",
                "Hope Elementary (Tulare County)",
            ],
            "county": [None, None, None],
            "geoid": ["0627840", "0618870", "0617520"],
        }
    ).astype("string")
    rows = roster(
        ("Oak Grove Elementary",),  # real name of another district: the user decided
        ("Jefferson Elementary",),
        ("Jefferson Elementary", "San Benito"),  # the saved choice is another county's
        ("Hope Elementary (Tulare County)",),
        ("Hope Elementary", "Tulare"),
    )
    out = match_roster(rows, reference, aliases=aliases)
    assert out["geoid"].tolist() == ["0627840", "0618870", "0618810", *["0617520"] * 2]
    assert out["match_method"].tolist() == [
        "user_alias",
        "user_alias",
        "exact_name",
        "user_alias",
        "user_alias",
    ]


# -------------------------------------------------------------------- candidates
def test_candidates_for_the_review_search_box(reference):
    found = candidates("pasad", None, reference)
    assert list(found.columns) == ["geoid", "name", "county", "district_type", "score"]
    assert {PASADENA, SOUTH_PASADENA} <= set(found["geoid"].head(2))
    assert candidates("SDUSD", None, reference)["geoid"].iloc[0] == SAN_DIEGO
    found = candidates("Pioneer Union Elementary", "Kings", reference, k=3)
    assert found["geoid"].iloc[0] == "0630510"
    assert len(found) == 3 and found["score"].is_monotonic_decreasing
    assert candidates("", None, reference).empty


# ----------------------------------------------------------- benchmark precision
def test_generated_roster_precision(reference):
    """The benchmark's generator, smaller: auto-accepted matches stay ≥ 99.5 %
    right (no timing here; bench/bench_matching.py measures speed)."""
    spec = importlib.util.spec_from_file_location(
        "bench_matching", ROOT / "bench" / "bench_matching.py"
    )
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    generated = bench.generate(3000, seed=7)
    result = match_roster(generated.drop(columns=["truth", "kind"]), reference)
    table = bench.evaluate(generated, result, reference)
    assert table.loc["ALL", "precision"] >= 0.995
    assert table.loc["ALL", "recall"] >= 0.9
    assert table.loc["not_a_district", "auto"] == 0


# ----------------------------------------------------------------- command line
def _write_roster(path: Path, names: list[str]) -> None:
    frame = pd.DataFrame(
        {
            "event_id": ["2015-symposium"] * len(names),
            "entity_name": names,
            "county": [""] * len(names),
            "role": ["superintendent"] * len(names),
            "status": ["attended"] * len(names),
            "person_name": [f"Superintendent {i:03d}" for i in range(len(names))],
            "email": [f"supt{i}@example.org" for i in range(len(names))],
        }
    )
    frame.to_csv(path, index=False)


def test_match_command_writes_every_row(reference, tmp_path, workspace_dir):
    src = tmp_path / "roster.csv"
    _write_roster(src, ["SDUSD", "Pioneer Union Elementary", "=Acme Academy"])
    summary = match_command(src, out=None, sheet=None, header_row=None)
    out = tmp_path / "roster_matched.csv"
    assert str(out) in summary
    assert (
        "3 rows read: 3 usable, 0 rejected; of the usable, 1 matched, "
        "1 ambiguous (to review), 1 unmatched" in summary
    )
    written = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert written["match_status"].tolist() == ["matched", "ambiguous", "unmatched"]
    assert written["geoid"].tolist()[0] == SAN_DIEGO
    assert "person_name" not in written.columns and "email" not in written.columns
    assert "contact columns" in summary.lower()
    assert written["entity_name"].iloc[2].startswith("'=")  # formula-safe

    xlsx = tmp_path / "out.xlsx"
    match_command(src, out=xlsx, sheet=None, header_row=None, contacts=True)
    book = pd.read_excel(xlsx, dtype=str)
    assert "person_name" in book.columns and len(book) == 3


def test_match_command_applies_saved_aliases(reference, tmp_path, workspace_dir):
    from loaders.workspace import open_workspace

    open_workspace().save_alias("Big Blue District", geoid=SAN_DIEGO)
    src = tmp_path / "roster.csv"
    _write_roster(src, ["Big Blue District"])
    out = tmp_path / "m.csv"
    match_command(src, out=out, sheet=None, header_row=None)
    written = pd.read_csv(out, dtype=str)
    assert (written["geoid"].iloc[0], written["match_method"].iloc[0]) == (
        SAN_DIEGO,
        "user_alias",
    )


def test_match_command_user_errors(tmp_path, workspace_dir):
    with pytest.raises(ValueError, match="no such file"):
        match_command(tmp_path / "missing.csv", out=None, sheet=None, header_row=None)
    src = tmp_path / "r.csv"
    _write_roster(src, ["SDUSD"])
    with pytest.raises(ValueError, match="overwrite the roster"):
        match_command(src, out=src, sheet=None, header_row=None)
    with pytest.raises(ValueError, match=r"\.csv or \.xlsx"):
        match_command(src, out=tmp_path / "x.json", sheet=None, header_row=None)
    with pytest.raises(ValueError, match="cannot be written"):
        match_command(src, out=tmp_path / "no" / "x.csv", sheet=None, header_row=None)
