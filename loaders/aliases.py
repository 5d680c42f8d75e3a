"""Alias rules: names similarity cannot reach, and teams standing for two districts.

Three kinds of rule are shipped with the product, all resolved against
:func:`geodata.boundaries.entity_reference`:

``acronym`` (built at run time from the real names)
    The initials people use for districts and COEs: ``SDUSD`` (San Diego
    Unified School District), ``SFUSD``, ``LAUSD``, ``OUSD``, ``KHSD`` (Kern
    High School District), ``CVESD`` (Chula Vista Elementary School District),
    ``LVJUSD``; for COEs ``RCOE``, ``LACOE``, ``SDCOE``, ``SBCSS`` (San Bernardino
    County Superintendent of Schools), ``KCSOS``, ``OCDE`` (Orange County
    Department of Education). Tier 1 takes the initials of every word of the CDE
    name (+ "School District") and of the Census name; tier 2 the same without
    ``Union``/``Joint``/``City``/``County``/``Community``/``Charter`` (``LVUSD``),
    used only when no tier-1 acronym is spelt that way. An acronym several
    entities share (``SCUSD``: Sacramento City Unified and Santa Clara Unified)
    needs the roster's county to decide.
``shared_governance`` (``loaders/data/aliases.csv``)
    An elementary and a high school district of the same city run by one board
    and one office, which people name as one (``Santa Rosa City Schools`` =
    Santa Rosa Elementary + Santa Rosa High). The pairs are those CDE's
    directory lists at the same office address (:func:`find_shared_governance`).
    A match to either district links the other (``linked_geoids``).
``nickname`` (``loaders/data/aliases.csv``)
    A few short names the districts use themselves (``LA Unified``,
    ``Sac City Unified``, ``Hart District``).

User-confirmed aliases (saved in the workspace) come on top of these, and take
precedence.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

from loaders.normalize import MODIFIER_WORDS, fold_words, is_missing, normalize_name

__all__ = [
    "ALIAS_COLUMNS",
    "acronym_aliases",
    "acronyms_of",
    "alias_table",
    "find_shared_governance",
    "governance_links",
    "shipped_aliases",
]

#: Columns of :func:`alias_table`.
ALIAS_COLUMNS: list[str] = [
    "alias",
    "county",
    "geoid",
    "linked_geoids",
    "target_name",
    "rule",
    "tier",
    "key",
    "source",
]

_COE_SUFFIXES = ("coe", "css", "csos", "cde", "cdoe")
_MIN_ACRONYM = 4


def shipped_aliases() -> pd.DataFrame:
    """The hand-checked rules in ``loaders/data/aliases.csv``.

    Returns
    -------
    pandas.DataFrame
        One row per rule: ``alias``, ``county`` (CDE county name or ``<NA>``),
        ``cd_code`` (7-digit CD code of the target), ``linked_cd_codes``
        (``;``-separated, may be empty), ``target_name`` (CDE name, checked by
        the tests), ``rule`` (``shared_governance`` or ``nickname``) and
        ``source`` (where the rule comes from). All ``string`` dtype.
    """
    return _shipped().copy()


@lru_cache(maxsize=1)
def _shipped() -> pd.DataFrame:
    path = resources.files("loaders") / "data" / "aliases.csv"
    with path.open("r", encoding="utf-8") as fh:
        table = pd.read_csv(fh, dtype="string", keep_default_na=False)
    table = table.replace({"": pd.NA})
    table["linked_cd_codes"] = table["linked_cd_codes"].fillna("")
    return table


def acronyms_of(name: str) -> list[tuple[str, int]]:
    """Acronyms people form from a name, with their tier.

    Parameters
    ----------
    name : str
        A full name, e.g. ``"Livermore Valley Joint Unified School District"``.

    Returns
    -------
    list of (str, int)
        ``[("lvjusd", 1), ("lvusd", 2)]``: tier 1 from every word (``of``/``the``
        optional), tier 2 without the modifier words (``Union``, ``Joint``,
        ``City``...). Only acronyms of at least 4 letters.
    """
    words = [w for w in fold_words(name) if w.isalpha()]
    out: dict[str, int] = {}

    def add(ws: list[str], tier: int) -> None:
        acr = "".join(w[0] for w in ws)
        if len(acr) >= _MIN_ACRONYM and out.get(acr, 9) > tier:
            out[acr] = tier

    add(words, 1)
    add([w for w in words if w not in {"of", "the"}], 1)
    plain = [w for w in words if w not in MODIFIER_WORDS | {"of", "the"}]
    add(plain, 2)
    return sorted(out.items(), key=lambda kv: (kv[1], kv[0]))


def acronym_aliases(reference: pd.DataFrame) -> pd.DataFrame:
    """Acronym rules built from the real district and COE names.

    Parameters
    ----------
    reference : pandas.DataFrame
        :func:`geodata.boundaries.entity_reference` (``geoid``, ``name``,
        ``census_name``, ``district_type``, ``county``).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ALIAS_COLUMNS`; ``rule`` is ``acronym`` or
        ``coe_acronym``, ``key`` the lower-case acronym, ``county`` ``<NA>``
        (an acronym shared by several entities is resolved by the roster's
        county at match time). For each acronym only its best tier is kept per
        entity.
    """
    rows: list[dict[str, object]] = []
    for geoid, name, census, dtype, county in zip(
        reference["geoid"],
        reference["name"],
        reference["census_name"],
        reference["district_type"],
        reference["county"],
        strict=True,
    ):
        found: dict[str, tuple[int, str]] = {}
        if dtype == "coe":
            initials = "".join(w[0] for w in fold_words(county) if w.isalpha())
            forms = [
                (initials + s, 1, f"{county} County ({s.upper()})")
                for s in _COE_SUFFIXES
            ]
            forms += [(a, t, name) for a, t in acronyms_of(name)]
            rule = "coe_acronym"
        else:
            sources = [f"{name} School District"]
            if not is_missing(census):
                sources.append(str(census))
            forms = [(a, t, src) for src in sources for a, t in acronyms_of(src)]
            rule = "acronym"
        for acr, tier, src in forms:
            if len(acr) >= _MIN_ACRONYM and (acr not in found or found[acr][0] > tier):
                found[acr] = (tier, src)
        for acr, (tier, src) in found.items():
            rows.append(
                {
                    "alias": acr.upper(),
                    "county": pd.NA,
                    "geoid": geoid,
                    "linked_geoids": "",
                    "target_name": name,
                    "rule": rule,
                    "tier": tier,
                    "key": acr,
                    "source": f"initials of {src}",
                }
            )
    return pd.DataFrame(rows, columns=ALIAS_COLUMNS).astype(
        {c: "string" for c in ALIAS_COLUMNS if c != "tier"} | {"tier": "int64"}
    )


def governance_links(reference: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """Districts that share governance: geoid → the other geoids of its group.

    Parameters
    ----------
    reference : pandas.DataFrame
        :func:`geodata.boundaries.entity_reference` (``geoid``, ``cd_code``).

    Returns
    -------
    dict
        E.g. ``{"0635810": ("0635830",), "0635830": ("0635810",)}`` (Santa Rosa
        Elementary and Santa Rosa High), from the ``shared_governance`` rules in
        ``loaders/data/aliases.csv``.
    """
    by_cd = dict(zip(reference["cd_code"], reference["geoid"], strict=True))
    groups: dict[str, set[str]] = {}
    shipped = _shipped()
    for cd, linked in zip(
        shipped.loc[shipped["rule"] == "shared_governance", "cd_code"],
        shipped.loc[shipped["rule"] == "shared_governance", "linked_cd_codes"],
        strict=True,
    ):
        members = {cd, *[c for c in str(linked).split(";") if c]}
        geoids = {by_cd[c] for c in members if c in by_cd}
        for g in geoids:
            groups.setdefault(g, set()).update(geoids - {g})
    return {g: tuple(sorted(o)) for g, o in groups.items() if o}


def _shipped_rules(reference: pd.DataFrame) -> pd.DataFrame:
    by_cd = reference.set_index("cd_code")
    rows = []
    for rec in _shipped().itertuples(index=False):
        if rec.cd_code not in by_cd.index:
            continue  # a rule whose district left CDE's table is skipped
        linked = [
            by_cd.at[c, "geoid"]
            for c in str(rec.linked_cd_codes).split(";")
            if c and c in by_cd.index
        ]
        rows.append(
            {
                "alias": rec.alias,
                "county": rec.county,
                "geoid": by_cd.at[rec.cd_code, "geoid"],
                "linked_geoids": ";".join(linked),
                "target_name": by_cd.at[rec.cd_code, "name"],
                "rule": rec.rule,
                "tier": 1,
                "key": normalize_name(rec.alias),
                "source": rec.source,
            }
        )
    return pd.DataFrame(rows, columns=ALIAS_COLUMNS)


def alias_table(
    reference: pd.DataFrame, user_aliases: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Every alias rule in force: user-confirmed, shipped and generated acronyms.

    Parameters
    ----------
    reference : pandas.DataFrame
        :func:`geodata.boundaries.entity_reference`.
    user_aliases : pandas.DataFrame, optional
        Aliases confirmed in the review queue (``alias``, ``county`` (may be
        ``<NA>``), ``geoid``; an empty ``geoid`` marks "not a California
        district"), as :meth:`loaders.workspace.Workspace.list_aliases` returns.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ALIAS_COLUMNS`, user rules first (``rule`` ``user``),
        then ``shared_governance``/``nickname``, then acronyms. ``key`` is the
        lookup key: :func:`loaders.normalize.normalize_name` of the alias for
        named rules, the bare lower-case letters for acronyms.

    Raises
    ------
    ValueError
        If ``user_aliases`` lacks the ``alias`` or ``geoid`` column.
    """
    parts = []
    if user_aliases is not None and len(user_aliases):
        missing = {"alias", "geoid"} - set(user_aliases.columns)
        if missing:
            raise ValueError(
                f"saved aliases lack the column(s) {sorted(missing)}; expected "
                "alias, county, geoid."
            )
        names = dict(zip(reference["geoid"], reference["name"], strict=True))
        county = (
            user_aliases["county"]
            if "county" in user_aliases.columns
            else pd.Series(pd.NA, index=user_aliases.index)
        )
        geoid = user_aliases["geoid"].astype("string").fillna("").str.strip()
        parts.append(
            pd.DataFrame(
                {
                    "alias": user_aliases["alias"].astype("string"),
                    "county": county.astype("string"),
                    "geoid": geoid,
                    "linked_geoids": "",
                    "target_name": geoid.map(names).astype("string"),
                    "rule": "user",
                    "tier": 0,
                    "key": user_aliases["alias"].map(normalize_name),
                    "source": "confirmed in the review queue",
                }
            )
        )
    parts.append(_shipped_rules(reference))
    parts.append(acronym_aliases(reference))
    table = pd.concat([p for p in parts if len(p)], ignore_index=True)
    table = table.astype({c: "string" for c in ALIAS_COLUMNS if c != "tier"})
    table["tier"] = table["tier"].astype("int64")
    return table[ALIAS_COLUMNS]


def find_shared_governance(directory: Path | str | pd.DataFrame) -> pd.DataFrame:
    """Elementary + high school district pairs run from the same office.

    Parameters
    ----------
    directory : path or pandas.DataFrame
        CDE's public-districts directory (``pubdistricts.txt``, tab-separated,
        columns ``CD Code``, ``District``, ``Street``, ``City``, ``DOCType``), or
        that table already read.

    Returns
    -------
    pandas.DataFrame
        One row per office address that CDE lists for both an elementary and a
        high school district: ``address``, ``elementary_cd_code``,
        ``elementary_name``, ``high_cd_code``, ``high_name``; sorted by
        ``elementary_name``. With the 2020 directory: Santa Rosa, Petaluma,
        Santa Cruz City, San Rafael City, Modesto City, and Arena Union /
        Point Arena Joint Union High.
    """
    if isinstance(directory, pd.DataFrame):
        table = directory
    else:
        table = pd.read_csv(
            directory, sep="\t", dtype=str, keep_default_na=False, encoding="utf-8-sig"
        )
    table = table.rename(columns=lambda c: str(c).strip())
    kind = table["DOCType"].str.strip()
    table = table.assign(
        _kind=kind.map(
            {
                "Elementary School District": "elementary",
                "High School District": "high",
            }
        ),
        _address=(table["Street"].str.strip() + ", " + table["City"].str.strip()),
    ).dropna(subset=["_kind"])
    rows = []
    for address, group in table.groupby("_address", sort=True):
        elem = group.loc[group["_kind"] == "elementary"]
        high = group.loc[group["_kind"] == "high"]
        if len(elem) == 1 and len(high) == 1 and address.strip(", "):
            rows.append(
                {
                    "address": address,
                    "elementary_cd_code": elem["CD Code"].iloc[0].strip().zfill(7),
                    "elementary_name": elem["District"].iloc[0].strip(),
                    "high_cd_code": high["CD Code"].iloc[0].strip().zfill(7),
                    "high_name": high["District"].iloc[0].strip(),
                }
            )
    out = pd.DataFrame(
        rows,
        columns=[
            "address",
            "elementary_cd_code",
            "elementary_name",
            "high_cd_code",
            "high_name",
        ],
    )
    return out.sort_values("elementary_name", ignore_index=True).astype("string")
