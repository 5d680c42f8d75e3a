"""Match roster entities to California school districts and COEs, explainably.

:func:`match_roster` is the pipeline; the modules of this package are its steps:

========================  ==========================================================
``index``                 the reference table as lookup indexes (codes, names, aliases)
``names``                 a roster's name read against the real names (type-word
                          spelling, a county written into the name)
``scoring``               fuzzy scores and the thresholds to accept or review
``decisions``             one decision (:class:`~loaders.matching.decisions.Result`)
``governance``            shared-governance pairs counted as one team
``by_name``               saved aliases, exact name, shipped aliases, fuzzy
``by_code``               CDS / CD / NCES codes, checked against name and county
``pipeline``              :func:`match_roster`
``candidates``            :func:`candidates` for the review search box
``input_rows``            :func:`input_rows_with_matches` for the ``match`` command
========================  ==========================================================

The reference table (``geodata.boundaries.entity_reference()``) and the saved
aliases are arguments: ``loaders`` reads neither the boundaries nor the
workspace itself. Column names are in :mod:`loaders.columns`.
"""

from loaders.columns import MATCH_COLUMNS, MATCH_STATUSES, OUTPUT_MATCH_COLUMNS
from loaders.matching.candidates import candidates
from loaders.matching.input_rows import input_rows_with_matches
from loaders.matching.pipeline import match_roster
from loaders.matching.scoring import ACCEPT_MARGIN, ACCEPT_SCORE, REVIEW_SCORE
from loaders.normalize import normalize_name, parse_name

__all__ = [
    "ACCEPT_MARGIN",
    "ACCEPT_SCORE",
    "MATCH_COLUMNS",
    "MATCH_STATUSES",
    "OUTPUT_MATCH_COLUMNS",
    "REVIEW_SCORE",
    "candidates",
    "input_rows_with_matches",
    "match_roster",
    "normalize_name",
    "parse_name",
]
