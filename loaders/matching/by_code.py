"""Code matching: CDS code, CD code, NCES id, checked against the name.

A code must exist in CDE's table (a school's CDS code or NCES id leads to its
district). Codes are the strongest evidence, but a code that disagrees with the
name is never trusted silently (see :func:`combine`).
"""

from __future__ import annotations

from functools import lru_cache

from loaders.codes import normalize_code
from loaders.matching.decisions import Result
from loaders.matching.index import Index
from loaders.matching.scoring import REVIEW_SCORE, score_one

CODE_LABEL = {"cds": "CDS code", "cd": "CD code", "nces": "NCES id"}
METHOD = {"cds": "cds_code", "cd": "cd_code", "nces": "nces_id"}
_CODE_LEN = {"cds": 14, "cd": 7, "nces": 7}


@lru_cache(maxsize=20_000)
def clean_code(value: str, kind: str) -> str:
    """A code as CDE writes it (:func:`loaders.codes.normalize_code`), else its
    digits with the leading zeros a spreadsheet lost restored; ``""`` if none."""
    res = normalize_code(value, kind)
    if res.value:
        return res.value
    digits = "".join(ch for ch in value if ch.isdigit())
    if not digits:
        return ""
    if kind == "nces" and len(digits) in (4, 5):
        return digits.zfill(5)  # a county FIPS code, for a COE
    if len(digits) < _CODE_LEN[kind]:
        return digits.zfill(_CODE_LEN[kind])
    return digits


def code_lookup(idx: Index, kind: str, raw: str) -> tuple[int | None, str | None]:
    """The entity a code of ``kind`` (``cds``, ``cd``, ``nces``) names, and a note."""
    code = clean_code(raw, kind)
    label = CODE_LABEL[kind]
    if not code:
        return None, f"{label} {raw!r} is not a code"
    if kind == "cds":
        if code in idx.by_cds:
            return idx.by_cds[code], None
        if len(code) == 14 and code[:7] in idx.by_cd:
            return idx.by_cd[code[:7]], (
                f"CDS code {code} is a school's; matched to its district"
            )
    elif kind == "cd":
        if len(code) == 14 and code.endswith("0000000"):
            code = code[:7]
        if code in idx.by_cd:
            return idx.by_cd[code], None
    elif kind == "nces":
        if code in idx.by_geoid:
            return idx.by_geoid[code], None
        if len(code) == 12 and code[:7] in idx.by_geoid:
            return idx.by_geoid[code[:7]], (
                f"NCES id {code} is a school's; matched to its district"
            )
    return None, f"{label} {code} is not a district or COE in CDE's table"


def combine(
    idx: Index,
    name: str,
    codes: dict[str, str],
    name_res: Result,
    county: int = -1,
    county_text: str = "",
) -> Result:
    """Decide one row from its codes, its name's result and its county.

    A code that exists decides only when nothing contradicts it. The row goes to
    review (``ambiguous``, the code's entity first among the candidates, a note
    saying what disagrees) when:

    - two codes name different entities;
    - the name was matched to another entity (``"South Pasadena Unified"`` with
      Pasadena Unified's code, a district's name with its COE's code);
    - the name resembles other entities only (scores ≥ :data:`REVIEW_SCORE`);
    - there is no usable name and the roster's county is not the code's.

    A name that agrees with the code but a county that does not is matched,
    with a note. A name that resembles nothing (``"District Office"``) leaves
    the code to decide, with a note.

    Parameters
    ----------
    idx : Index
    name : str
        The roster's entity name (``""`` when missing).
    codes : dict
        ``{"cds": ..., "cd": ..., "nces": ...}`` as written (``""`` if missing).
    name_res : Result
        What name matching decided for ``name`` in ``county``.
    county, county_text : int, str
        The roster's county code (-1 if none or unknown) and text.

    Returns
    -------
    Result
    """
    notes: list[str] = []
    found: list[tuple[str, int, str]] = []
    for kind in ("cds", "cd", "nces"):
        raw = codes.get(kind, "")
        if not raw:
            continue
        e, note = code_lookup(idx, kind, raw)
        if note:
            notes.append(note)
        if e is not None:
            found.append((kind, e, clean_code(raw, kind)))
    if not found:
        res = Result(
            name_res.status,
            name_res.entity,
            name_res.method,
            name_res.score,
            list(name_res.candidates),
            notes + name_res.notes,
            name_res.linked,
        )
        if not name and not notes:
            res.notes = ["no entity name and no code"]
        return res
    kind, e, code = found[0]
    method = METHOD[kind]
    others = [f for f in found[1:] if f[1] not in idx.group_of(e)]
    if others:
        k2, e2, c2 = others[0]
        notes.append(
            f"codes disagree: {CODE_LABEL[kind]} {code} is {idx.name[e]}, "
            f"{CODE_LABEL[k2]} {c2} is {idx.name[e2]}"
        )
        return Result(
            "ambiguous", None, method, 100.0, [(e, 100.0), (e2, 100.0)], notes
        )
    group = idx.group_of(e)
    label = f"{CODE_LABEL[kind]} {code} is {idx.label(e)}"
    county_note = (
        f"county differs: the roster says {county_text}, {label}"
        if county >= 0 and all(idx.county_of[x] != county for x in group)
        else None
    )

    def review(named: list[tuple[int, float]], why: str) -> Result:
        cands = [(e, 100.0), *[c for c in named if c[0] not in group]]
        return Result("ambiguous", None, method, 100.0, cands, [*notes, why])

    if not name:
        if county_note:
            return review([], county_note)
        return Result("matched", e, method, 100.0, notes=notes)
    if (
        name_res.status == "matched"
        and name_res.entity is not None
        and name_res.entity not in group
    ):
        other = name_res.entity
        why = f"code and name disagree: {label}, the name is {idx.label(other)}"
        if county >= 0 and idx.county_of[other] == county and county_note:
            why += f"; the county ({county_text}) is the name's"
        return review([(other, float(name_res.score or 0))], why)
    agrees = (
        name_res.entity in group
        or any(c[0] in group for c in name_res.candidates)
        or score_one(idx, name, e) >= 60
    )
    if agrees:
        linked = name_res.linked if name_res.entity == e else ()
        if county_note:
            notes.append(county_note)
        return Result("matched", e, method, 100.0, notes=notes, linked=linked)
    named = [c for c in name_res.candidates if c[1] >= REVIEW_SCORE]
    if named:
        what = "the name resembles " + ", ".join(idx.label(c[0]) for c in named)
        return review(named, f"code and name disagree: {label}, {what}")
    why = f"code and name disagree: {label}; the name does not resemble it"
    if county_note:
        return review([], f"{why}; {county_note}")
    notes.append(why)
    return Result("matched", e, method, 100.0, notes=notes)
