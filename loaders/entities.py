"""The entities that send a team: district types, their labels, their display names.

Two kinds of *entity* can send a team to a CA LMI event: a school district
(``"unified"``, ``"elementary"`` or ``"secondary"``, i.e. a *high school*
district) and a county office of education (``"coe"``). This module is the one
place that names them; every page, map, export and command imports it.

Examples
--------
>>> ENTITY_TYPES
('unified', 'elementary', 'secondary', 'coe')
>>> TYPE_LABELS["secondary"], TYPE_PLURALS["secondary"], TYPE_CHOICES["coe"]
('High school district', 'High school districts', 'County offices (COE)')
"""

from __future__ import annotations

import pandas as pd

__all__ = [
    "CDE_TYPES",
    "CENSUS_LAYERS",
    "DISTRICT_TYPES",
    "ENTITY_TYPES",
    "TYPE_CHOICES",
    "TYPE_LABELS",
    "TYPE_PLURALS",
    "TYPE_WORDS",
    "entity_labels",
]

#: Every entity type, in display order (the ``district_type`` column's values).
ENTITY_TYPES: tuple[str, ...] = ("unified", "elementary", "secondary", "coe")
#: The entity types that are school districts (all but ``"coe"``).
DISTRICT_TYPES: tuple[str, ...] = ENTITY_TYPES[:3]

#: One entity of a type, as a map tooltip or a detail panel names it.
TYPE_LABELS: dict[str, str] = {
    "unified": "Unified district",
    "elementary": "Elementary district",
    "secondary": "High school district",
    "coe": "County office of education",
}
#: All entities of a type, as a map layer or a legend names them.
TYPE_PLURALS: dict[str, str] = {
    "unified": "Unified districts",
    "elementary": "Elementary districts",
    "secondary": "High school districts",
    "coe": "County offices of education",
}
#: Short labels for a type picker (Map, Plan and Export pages).
TYPE_CHOICES: dict[str, str] = {
    "unified": "Unified",
    "elementary": "Elementary",
    "secondary": "High school",
    "coe": "County offices (COE)",
}
#: Lower-case words for a type inside a sentence or a list label.
TYPE_WORDS: dict[str, str] = {
    "unified": "unified",
    "elementary": "elementary",
    "secondary": "high school",
    "coe": "county office",
}

#: CDE's ``DistrictTy`` value (DistrictAreas1819.csv) → entity type.
CDE_TYPES: dict[str, str] = {
    "Unified": "unified",
    "Elementary": "elementary",
    "High": "secondary",
}
#: Census school-district layer key (``unsd``, ``elsd``, ``scsd``) → entity type.
CENSUS_LAYERS: dict[str, str] = {
    "unsd": "unified",
    "elsd": "elementary",
    "scsd": "secondary",
}


def entity_labels(reference: pd.DataFrame) -> dict[str, str]:
    """A distinct display label for every district and COE, by GEOID.

    The name, and for a name several entities share (e.g. Washington Unified
    in Yolo and in Fresno, Junction Elementary in Siskiyou and in Shasta) the
    name followed by its county, so that a list of labels can tell them apart
    and a label picked from it names one entity.

    Parameters
    ----------
    reference : pandas.DataFrame
        The reference table (:func:`geodata.boundaries.entity_reference`):
        ``geoid``, ``name``, ``county`` (str).

    Returns
    -------
    dict of str to str
        GEOID (NCES LEA id, or county FIPS for a COE) → label, one per row,
        labels unique.

    Examples
    --------
    >>> ref = pd.DataFrame({"geoid": ["0600001", "0600002", "0600003"],
    ...                     "name": ["Washington Unified", "Washington Unified",
    ...                              "Fresno Unified"],
    ...                     "county": ["Yolo", "Fresno", "Fresno"]})
    >>> entity_labels(ref)["0600001"], entity_labels(ref)["0600003"]
    ('Washington Unified (Yolo County)', 'Fresno Unified')
    """
    names = reference["name"].astype(str)
    shared = names.duplicated(keep=False)
    labels = names.where(
        ~shared, names + " (" + reference["county"].astype(str) + " County)"
    )
    counts = labels.value_counts()
    clash = labels.map(counts) > 1  # same name in one county: add the GEOID
    labels = labels.where(~clash, labels + " · " + reference["geoid"].astype(str))
    return dict(zip(reference["geoid"].astype(str), labels))
