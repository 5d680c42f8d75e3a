"""California's counties, shipped once under loaders/ and read by geodata too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from loaders.counties import county_table, normalize_county
from loaders.roster import read_roster

ROOT = Path(__file__).resolve().parent.parent


def test_table_has_the_58_counties_and_their_codes():
    table = county_table()
    assert len(table) == 58
    assert table["county_fips"].is_unique and table["county_name"].is_unique
    assert table["county_fips"].str.fullmatch(r"06\d{3}").all()
    assert sorted(table["cds_county_code"]) == [f"{i:02d}" for i in range(1, 59)]
    assert set(table["ccsesa_region"]) == set(range(1, 12))
    # CDS county codes follow the alphabet, FIPS codes the odd numbers
    assert table.sort_values("cds_county_code")["county_name"].is_monotonic_increasing
    la = table.set_index("county_name").loc["Los Angeles"]
    assert (la["county_fips"], la["cds_county_code"], la["ccsesa_region"]) == (
        "06037",
        "19",
        11,
    )


def test_table_is_a_copy():
    table = county_table()
    table.loc[0, "county_name"] = "changed"
    assert county_table().loc[0, "county_name"] == "Alameda"


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("Los Angeles County", "Los Angeles"),
        ("los angeles", "Los Angeles"),
        ("LOS ANGELES CO.", "Los Angeles"),
        ("  San  Luis   Obispo cnty", "San Luis Obispo"),
        ("Contra-Costa", "Contra Costa"),
        ("Del Norte", "Del Norte"),
        ("LA", "Los Angeles"),  # the matcher read "LA" so: one rule for both
        ("County of San Diego, CA", "San Diego"),
        ("Springfield", None),
        ("", None),
    ],
)
def test_normalize_county(typed, name):
    assert normalize_county(typed) == name


def test_one_county_rule():
    """The matcher's folded key and the roster's canonical name are one rule."""
    from loaders import counties, normalize

    assert normalize.normalize_county is counties.county_key
    for name in county_table()["county_name"]:
        for typed in (name, f"{name.upper()} County", f"{name} Co."):
            assert counties.normalize_county(typed) == name
            assert counties.county_key(typed) == counties.county_key(name)


def test_geodata_reads_the_same_table():
    from geodata.boundaries import region_table

    regions = region_table()
    table = county_table()
    assert regions["county"].tolist() == table["county_name"].tolist()
    assert regions["ccsesa_region"].tolist() == table["ccsesa_region"].tolist()
    assert regions["region_source"].tolist() == table["source"].tolist()
    assert not (ROOT / "geodata" / "data" / "ccsesa_regions.csv").exists()


def test_roster_counties_are_named_as_the_table_names_them():
    load = read_roster(
        b"District,County\nNapa Valley Unified,Napa County\n"
        b"Oakland Unified,alameda\nSomewhere Unified,Gotham\n",
        filename="c.csv",
    )
    assert load.rows["county"].tolist() == ["Napa", "Alameda", "Gotham"]
    (reason,) = load.issues["reason"].tolist()
    assert reason == "county 'Gotham' is not one of California's 58 counties"


def test_reading_a_roster_needs_neither_geodata_nor_openpyxl():
    """loaders never import geodata; openpyxl is imported only for a workbook."""
    code = (
        "import sys\n"
        "from loaders.roster import read_roster\n"
        "load = read_roster(b'District,County\\nNapa Valley Unified,Napa\\n')\n"
        "assert load.rows['county'].tolist() == ['Napa']\n"
        "print(sorted(m for m in ('geodata', 'openpyxl') if m in sys.modules))\n"
        "import loaders.counties, loaders.exports\n"
        "print('geodata' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["[]", "False"]
