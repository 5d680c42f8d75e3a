"""Alias rules and name normalisation, checked against the real CDE and Census names."""

from __future__ import annotations

from importlib import resources

import pandas as pd
import pytest

from loaders.aliases import (
    ALIAS_COLUMNS,
    acronym_aliases,
    acronyms_of,
    alias_table,
    find_shared_governance,
    governance_links,
    shipped_aliases,
)
from loaders.normalize import (
    _TYPE_VOCAB,
    _correct_type_word,
    compact,
    fold_words,
    normalize_county,
    normalize_name,
    parse_name,
)


# ------------------------------------------------------------------ normalising
@pytest.mark.parametrize(
    ("text", "norm"),
    [
        ("San Diego Unified", "san diego unified"),
        ("SAN DIEGO USD", "san diego unified"),
        ("San Diego Unified School District", "san diego unified"),
        ("  san  diego   unified  school dist. ", "san diego unified"),
        ("San Diego City Unified School District", "san diego city unified"),
        ("La Cañada Unified School District", "la canada unified"),
        ("Mt. Diablo USD", "mount diablo unified"),
        ("St. Helena Unified", "saint helena unified"),
        ("Fallbrook UHSD", "fallbrook union high"),
        ("Petaluma JUHSD", "petaluma joint union high"),
        ("Chula Vista ESD", "chula vista elementary"),
        ("Pacific UESD", "pacific union elementary"),
        ("Tracy JUSD", "tracy joint unified"),
        ("Kern HSD", "kern high"),
        ("Riverside County Office of Education", "riverside coe"),
        ("Riverside COE", "riverside coe"),
        ("Madera County Superintendent of Schools", "madera coe"),
        ("Orange County Department of Education", "orange coe"),
        ("Orange County Dept. of Ed.", "orange coe"),
        ("L.A.U.S.D.", "lausd"),
        ("Pasadena Unifed", "pasadena unified"),
        ("Pasadena Elementry", "pasadena elementary"),
        (None, ""),
        (pd.NA, ""),
        ("   ", ""),
    ],
)
def test_normalize_name(text, norm):
    assert normalize_name(text) == norm


def test_parse_name_parts():
    p = parse_name("San Diego City Unified School District")
    assert (p.place, p.level, p.modifiers) == ("san diego", "unified", {"city"})
    p = parse_name("Junction City Elementary")
    assert (p.place, p.level, p.modifiers) == ("junction", "elementary", {"city"})
    # A modifier that is the only word stays the place ("Union Elementary").
    assert parse_name("Union Elementary").place == "union"
    assert parse_name("Union Hill Elementary").place == "union hill"
    assert parse_name("South Monterey County Joint Union High").modifiers == {
        "county",
        "joint",
        "union",
    }
    assert parse_name("Riverside County COE") == parse_name("Riverside COE")


def test_every_real_name_parses_to_its_type(reference):
    """CDE and Census names give their own district type (or none), never another."""
    for name, census, dtype in zip(
        reference["name"],
        reference["census_name"],
        reference["district_type"],
        strict=True,
    ):
        assert parse_name(name).level in (None, dtype), name
        if dtype != "coe" and isinstance(census, str) and census:
            assert parse_name(census).level in (None, dtype), census
            # Both spellings keep the same distinctive words (two known exceptions
            # where CDE adds a second place name).
            if name not in ("Larkspur-Corte Madera", "Sausalito Marin City"):
                assert parse_name(name).place == parse_name(census).place, name


def test_typo_correction_never_touches_a_real_place_word(reference):
    words = {
        w
        for col in ("name", "census_name")
        for text in reference[col].dropna()
        for w in fold_words(text)
    }
    changed = {w: _correct_type_word(w) for w in words if _correct_type_word(w) != w}
    assert set(changed) <= set(_TYPE_VOCAB), changed


def test_normalize_county():
    assert normalize_county("Los Angeles County") == "los angeles"
    assert normalize_county("LA") == "los angeles"
    assert normalize_county(" SAN  LUIS OBISPO co. ") == "san luis obispo"
    assert normalize_county(None) == ""
    assert compact("S.D.U.S.D.") == "sdusd"


# --------------------------------------------------------------------- acronyms
def test_acronyms_of():
    assert acronyms_of("Livermore Valley Joint Unified School District") == [
        ("lvjusd", 1),
        ("lvusd", 2),
    ]
    assert ("rotwusd", 1) in acronyms_of("Rim of the World Unified School District")
    assert ("rwusd", 1) in acronyms_of("Rim of the World Unified School District")
    assert acronyms_of("Lodi") == []  # shorter than 4 letters


def _bearers(table: pd.DataFrame, key: str, reference: pd.DataFrame) -> dict:
    names = dict(zip(reference["geoid"], reference["name"], strict=True))
    rows = table.loc[table["key"] == key]
    return {names[g]: int(t) for g, t in zip(rows["geoid"], rows["tier"], strict=True)}


def test_acronym_table_built_from_real_names(reference):
    table = acronym_aliases(reference)
    assert list(table.columns) == ALIAS_COLUMNS
    assert _bearers(table, "sdusd", reference) == {"San Diego Unified": 1}
    assert _bearers(table, "wccusd", reference) == {"West Contra Costa Unified": 1}
    assert _bearers(table, "khsd", reference)["Kern High"] == 1
    assert _bearers(table, "mdusd", reference) == {"Mt. Diablo Unified": 1}
    assert _bearers(table, "rcoe", reference) == {
        "Riverside County Office of Education": 1
    }
    assert _bearers(table, "lacoe", reference) == {
        "Los Angeles County Office of Education": 1
    }
    assert _bearers(table, "ocde", reference) == {
        "Orange County Department of Education": 1
    }
    assert (
        _bearers(table, "mcsos", reference)["Madera County Superintendent of Schools"]
        == 1
    )
    # Shared acronyms keep every bearer: the county decides at match time.
    assert {"Sacramento City Unified", "Santa Clara Unified"} <= set(
        _bearers(table, "scusd", reference)
    )
    assert {"Los Angeles Unified", "Los Alamitos Unified"} <= set(
        _bearers(table, "lausd", reference)
    )
    # Every acronym is letters only, at least 4 of them.
    assert table["key"].str.fullmatch(r"[a-z]{4,}").all()


# ------------------------------------------------------------ shipped rule file
def test_shipped_rules_point_at_real_entities(reference):
    shipped = shipped_aliases()
    by_cd = reference.set_index("cd_code")
    for rec in shipped.itertuples(index=False):
        assert rec.cd_code in by_cd.index, rec.alias
        assert by_cd.at[rec.cd_code, "name"] == rec.target_name, rec.alias
        for cd in filter(None, str(rec.linked_cd_codes).split(";")):
            assert cd in by_cd.index, rec.alias
        if not pd.isna(rec.county):
            assert rec.county in set(reference["county"]), rec.alias
        assert rec.rule in {"shared_governance", "nickname"}
        assert isinstance(rec.source, str) and rec.source
    path = resources.files("loaders") / "data" / "aliases.csv"
    assert len(path.read_bytes()) < 1_000_000


def test_shared_governance_pairs_come_from_cde_directory(reference, source_files):
    """The shipped pairs are exactly the elementary + high districts CDE lists
    at one office address."""
    found = find_shared_governance(source_files["cde_directory"])
    assert set(found["elementary_name"]) == {
        "Arena Union Elementary",
        "Modesto City Elementary",
        "Petaluma City Elementary",
        "San Rafael City Elementary",
        "Santa Cruz City Elementary",
        "Santa Rosa Elementary",
    }
    pairs = {
        frozenset((e, h))
        for e, h in zip(found["elementary_cd_code"], found["high_cd_code"], strict=True)
    }
    shipped = shipped_aliases()
    gov = shipped.loc[shipped["rule"] == "shared_governance"]
    shipped_pairs = {
        frozenset((cd, *filter(None, linked.split(";"))))
        for cd, linked in zip(gov["cd_code"], gov["linked_cd_codes"], strict=True)
    }
    assert shipped_pairs == pairs


def test_governance_links_are_symmetric(reference):
    links = governance_links(reference)
    assert links["0635810"] == ("0635830",)  # Santa Rosa Elementary ↔ High
    assert links["0635830"] == ("0635810",)
    for g, others in links.items():
        for o in others:
            assert g in links[o]
    assert len(links) == 12


def test_alias_table_user_rules_first(reference):
    user = pd.DataFrame(
        {"alias": ["Big Blue District"], "county": [pd.NA], "geoid": ["0634320"]}
    )
    table = alias_table(reference, user)
    assert table.iloc[0]["rule"] == "user"
    assert table.iloc[0]["key"] == "big blue"
    assert table.iloc[0]["target_name"] == "San Diego Unified"
    assert set(table["rule"]) == {
        "user",
        "shared_governance",
        "nickname",
        "acronym",
        "coe_acronym",
    }
    with pytest.raises(ValueError, match="alias, county, geoid"):
        alias_table(reference, pd.DataFrame({"name": ["x"]}))
