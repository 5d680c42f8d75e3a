"""California's 58 counties: codes, CCSESA region, and county names as typed.

The product carries its own table (``loaders/data/counties.csv``): per county
its FIPS code (``06001``), its name as CDE and the Census spell it, its CDE
county code (the first two digits of a CDS code, ``01``-``58``) and its CCSESA
service region (1-11), with the page that published the region. The boundaries
(:mod:`geodata.boundaries`) read the same table through :func:`county_table`.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import pandas as pd

from loaders.text import fold_text

__all__ = [
    "COUNTY_ABBREVIATIONS",
    "COUNTY_COLUMNS",
    "county_key",
    "county_table",
    "normalize_county",
]

#: Columns of :func:`county_table`.
COUNTY_COLUMNS = [
    "county_fips",
    "county_name",
    "cds_county_code",
    "ccsesa_region",
    "source",
]
#: County name abbreviations people write in rosters (folded → folded name).
COUNTY_ABBREVIATIONS: dict[str, str] = {
    "la": "los angeles",
    "l a": "los angeles",
    "sf": "san francisco",
    "oc": "orange",
    "sd": "san diego",
    "slo": "san luis obispo",
    "sj": "san joaquin",
    "cc": "contra costa",
}
# Words around a county's name when people type it ("Napa County", "Napa Co.",
# "County of Napa", "Napa, CA"): none is part of a California county's name.
_NOISE = frozenset({"county", "co", "cnty", "of", "ca"})


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    path = resources.files("loaders") / "data" / "counties.csv"
    with path.open("r", encoding="utf-8") as fh:
        table = pd.read_csv(fh, dtype=str, keep_default_na=False)
    missing = set(COUNTY_COLUMNS) - set(table.columns)
    if missing:
        raise ValueError(f"{path}: columns {sorted(missing)} are missing.")
    if len(table) != 58 or table["county_fips"].duplicated().any():
        raise ValueError(f"{path}: expected 58 counties, one row each.")
    table["ccsesa_region"] = table["ccsesa_region"].astype(int)
    return table[COUNTY_COLUMNS]


def county_table() -> pd.DataFrame:
    """The 58 California counties, in FIPS order.

    Returns
    -------
    pandas.DataFrame
        58 rows: ``county_fips`` (str, ``06xxx``), ``county_name`` (str,
        ``"Los Angeles"``), ``cds_county_code`` (str, ``01``-``58``),
        ``ccsesa_region`` (int, 1-11) and ``source`` (str, the page that
        published the county's region). A copy: callers may change it.

    Raises
    ------
    ValueError
        If the shipped table lacks a column or does not have one row per county.

    Examples
    --------
    >>> table = county_table()
    >>> len(table), table["ccsesa_region"].nunique()
    (58, 11)
    >>> table.loc[table["county_name"] == "Alameda", "cds_county_code"].item()
    '01'
    """
    return _table().copy()


def county_key(text: object) -> str:
    """The folded key of a county name as people type it: the one county rule.

    Parameters
    ----------
    text : object
        A county as written on a roster: any case, accents, punctuation or
        spacing, with or without "County", "Co.", "Cnty", "County of" or ", CA";
        or one of :data:`COUNTY_ABBREVIATIONS` ("LA", "SLO").

    Returns
    -------
    str
        Lower-case ASCII words (``"los angeles"``), ``""`` when missing. Whether
        it names one of the 58 counties is :func:`normalize_county`'s question.

    Examples
    --------
    >>> county_key("Los Angeles County"), county_key("SLO"), county_key(None)
    ('los angeles', 'san luis obispo', '')
    """
    name = " ".join(t for t in fold_text(text).split() if t not in _NOISE)
    return COUNTY_ABBREVIATIONS.get(name, name)


@lru_cache(maxsize=1)
def _by_key() -> dict[str, str]:
    return {county_key(name): name for name in _table()["county_name"]}


def normalize_county(text: object) -> str | None:
    """A county's name as the table spells it, from the name as people type it.

    Parameters
    ----------
    text : object
        A county as written on a roster (see :func:`county_key`).

    Returns
    -------
    str or None
        One of the 58 names of :func:`county_table` (``"Los Angeles"``); None
        when ``text`` names none of them (or is empty).

    Examples
    --------
    >>> normalize_county("Los Angeles County"), normalize_county(" san  luis obispo")
    ('Los Angeles', 'San Luis Obispo')
    >>> normalize_county("Napa Co."), normalize_county("LA")
    ('Napa', 'Los Angeles')
    >>> normalize_county("Springfield") is None
    True
    """
    return _by_key().get(county_key(text))
