"""Shared governance: an elementary and a high school district run as one team.

The pairs come from :func:`loaders.aliases.governance_links` (CDE's directory:
the same office address). In matching a pair counts as one candidate, and a
match to either district links the other (``linked_geoids``).
"""

from __future__ import annotations

from loaders.matching.index import Index


def dedupe_groups(idx: Index, ents: list[int]) -> list[int]:
    """Entities in order, keeping the first of each governance group."""
    out: list[int] = []
    seen: set[int] = set()
    for e in ents:
        if e not in seen:
            out.append(e)
            seen.update(idx.group_of(e))
    return out


def linked_entities(idx: Index, e: int, linked: tuple[int, ...]) -> tuple[int, ...]:
    """Other entities a team matched to ``e`` stands for (``linked_geoids``).

    ``linked`` are those an alias rule names; the governance partners of ``e``
    are added; ``e`` itself never.
    """
    return tuple(dict.fromkeys(x for x in (*linked, *idx.group.get(e, ())) if x != e))
