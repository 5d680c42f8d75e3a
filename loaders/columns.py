"""Column contracts of the roster tables, defined once (ARCHITECTURE.md).

Three tables travel through the product, each a superset of the one before:

canonical roster (:data:`ROSTER_COLUMNS`)
    One row per person per event, as the reader (:mod:`loaders.roster`) gives it;
    loaded rows also carry :data:`SOURCE_ROW`.
match columns (:data:`MATCH_COLUMNS`)
    What :func:`loaders.matching.match_roster` adds to each row; the status is one
    of :data:`MATCH_STATUSES`, the method one of :data:`MATCH_METHODS`.
matched roster (:data:`MATCHED_COLUMNS`)
    What the workspace stores and every page reads: the canonical roster,
    ``source_row`` and the match columns but the two that only matter while
    matching (the roster's own ``cd_code`` is kept; ``candidate_geoids`` lives
    in the review queue).

Nothing here imports anything: every module may import this one.
"""

from __future__ import annotations

__all__ = [
    "DISTRICT_COLUMNS",
    "ENTITY_COLUMNS",
    "EXTRA_COLUMNS",
    "MATCHED_COLUMNS",
    "MATCH_COLUMNS",
    "MATCH_METHODS",
    "MATCH_STATUSES",
    "OUTPUT_MATCH_COLUMNS",
    "ROSTER_COLUMNS",
    "SOURCE_ROW",
]

#: Canonical roster columns, all pandas ``string`` dtype.
ROSTER_COLUMNS: list[str] = [
    "event_id",
    "entity_name",
    "cds_code",
    "cd_code",
    "nces_id",
    "county",
    "role",
    "status",
    "person_name",
    "email",
]
#: Columns that identify the district or COE; a row needs at least one of them.
ENTITY_COLUMNS: tuple[str, ...] = ("entity_name", "cds_code", "cd_code", "nces_id")
#: The district/COE columns a per-district table starts with (changes,
#: outreach, the participation export): NCES LEA id / GEOID, CD code, name,
#: district type, county, CCSESA region.
DISTRICT_COLUMNS: tuple[str, ...] = (
    "geoid",
    "cd_code",
    "name",
    "district_type",
    "county",
    "ccsesa_region",
)
#: Further columns a column mapping may name: used while reading, not kept.
#: ``event_date`` identifies the event when the event text does not.
EXTRA_COLUMNS: tuple[str, ...] = ("event_date",)
#: Row number a person sees in the file (1-based, counting the header).
SOURCE_ROW = "source_row"

#: Values of ``match_status``: ``ambiguous`` rows go to the review queue.
MATCH_STATUSES: tuple[str, ...] = ("matched", "ambiguous", "unmatched")
#: Values of ``match_method``: the step of matching that decided.
MATCH_METHODS: tuple[str, ...] = (
    "cds_code",
    "cd_code",
    "nces_id",
    "user_alias",
    "exact_name",
    "alias",
    "fuzzy",
)
#: Columns :func:`loaders.matching.match_roster` adds to the roster, in order.
MATCH_COLUMNS: list[str] = [
    "match_status",
    "geoid",
    "cd_code",
    "matched_name",
    "match_method",
    "score",
    "runner_up",
    "runner_up_score",
    "linked_geoids",
    "match_note",
    "candidate_geoids",
]
#: Match columns written next to every input row by ``lmi-dashboard match``
#: (the review-only ``candidate_geoids`` is left out).
OUTPUT_MATCH_COLUMNS: list[str] = [c for c in MATCH_COLUMNS if c != "candidate_geoids"]
#: Matched-roster columns (what the workspace stores), used for empty frames.
MATCHED_COLUMNS: tuple[str, ...] = (
    *ROSTER_COLUMNS,
    SOURCE_ROW,
    *(c for c in MATCH_COLUMNS if c not in ("cd_code", "candidate_geoids")),
)
