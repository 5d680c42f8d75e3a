"""One match decision, and the choice among entities a name or alias names.

A decision (:class:`Result`) is made once per distinct (name, county, codes)
of the roster and then described as the match columns of every row that has it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from loaders.matching.governance import dedupe_groups
from loaders.matching.index import Index

#: An acronym without county goes to its biggest bearer when it enrolls this
#: many times more pupils than every other (``LAUSD``: Los Angeles Unified).
DOMINANCE = 10.0


@dataclass
class Result:
    """What matching decided for one distinct roster entity."""

    status: str
    entity: int | None = None
    method: str | None = None
    score: float | None = None
    candidates: list[tuple[int, float]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    linked: tuple[int, ...] = ()


def choose(
    idx: Index, ents: list[int], county: int, *, dominance: bool = False
) -> tuple[str, list[int]]:
    """Decide among entities a name or alias points to: matched/ambiguous/out."""
    ents = dedupe_groups(idx, list(dict.fromkeys(ents)))
    if not ents:
        return "none", []
    if county >= 0:
        inside = [e for e in ents if idx.county_of[e] == county]
        if not inside:
            return "out", ents
        ents = inside
    if len(ents) == 1:
        return "matched", ents
    if dominance and county < 0:
        enr = sorted(((idx.enrollment[e], e) for e in ents), reverse=True)
        if enr[0][0] > 0 and enr[0][0] >= DOMINANCE * enr[1][0]:
            return "matched", [enr[0][1]]
    return "ambiguous", ents
