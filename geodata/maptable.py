"""The participation map as a table: its text alternative (WCAG 2.1, 1.1.1).

A map carries its figures in colour; a screen-reader user, a keyboard user
and anyone who cannot tell the colours apart needs them as text. The rows here
are the districts and COEs of a :class:`~geodata.layers.ParticipationLayers`,
the very object the map is drawn from (:func:`geodata.layers.participation_layers`),
so the table and the map cannot disagree: same rows, same measure value, same
legend class (the label the legend shows beside the colour).
"""

from __future__ import annotations

import pandas as pd

from geodata.layers import ParticipationLayers
from loaders.entities import TYPE_LABELS

__all__ = ["VALUE_HEADERS", "class_counts", "map_table"]

#: Header of the measure's number, per measure key. A measure not listed here
#: (its value only restates its class, e.g. the status at one event) shows its
#: class alone.
VALUE_HEADERS: dict[str, str] = {
    "events_attended": "Events attended",
    "completeness": "Roles (came, or applied if the team did not attend)",
    "people": "People",
}

NAME = "District or COE"
CLASS = "Map class"
COUNT = "Districts and COEs"


def map_table(layers: ParticipationLayers) -> pd.DataFrame:
    """One row per district or COE drawn on the map, with its figure and class.

    Parameters
    ----------
    layers : ParticipationLayers
        What the map draws (web level or print).

    Returns
    -------
    pandas.DataFrame
        n rows (the districts, and the COEs when ``"coe"`` is a requested
        type, of the request's region or county), sorted by county then
        name, columns ``District or COE`` (str), ``Type`` (str), ``County``
        (str), ``CCSESA region`` (Int64), the
        measure's value under :data:`VALUE_HEADERS` (Int64, missing for no
        team / no data; absent for a measure not listed there), ``Map class``
        (str, the legend label) and ``NCES id / county FIPS`` (str GEOID).
    """
    request = layers.request
    frames = [layers.districts]
    if "coe" in request.district_types and "measure_label" in layers.counties:
        frames.append(layers.counties)
    rows = pd.concat(
        [pd.DataFrame(f.drop(columns="geometry", errors="ignore")) for f in frames],
        ignore_index=True,
    )
    # web layers are cropped to the area already; print layers are statewide
    if request.county:
        rows = rows.loc[rows["county"] == request.county]
    elif request.region:
        rows = rows.loc[rows["ccsesa_region"] == request.region]
    out = pd.DataFrame(
        {
            NAME: rows["name"].astype(str),
            "Type": rows["district_type"]
            .map(TYPE_LABELS)
            .fillna(rows["district_type"]),
            "County": rows["county"].astype(str),
            "CCSESA region": pd.array(rows["ccsesa_region"], dtype="Int64"),
        }
    )
    header = VALUE_HEADERS.get(request.measure)
    if header is not None:
        out[header] = pd.array(rows["measure_value"].round(), dtype="Int64")
    out[CLASS] = rows["measure_label"].astype(str)
    out["NCES id / county FIPS"] = rows["geoid"].astype(str)
    return out.sort_values(["County", NAME], kind="stable").reset_index(drop=True)


def class_counts(table: pd.DataFrame, legend: list[tuple[str, str]]) -> pd.DataFrame:
    """How many districts and COEs of a :func:`map_table` fall in each legend class.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`map_table` output.
    legend : list of (str, str)
        The map's legend (label, hex colour), e.g. ``layers.legend``.

    Returns
    -------
    pandas.DataFrame
        One row per legend class, in legend order, classes with no row
        included: ``Map class`` (str) and ``Districts and COEs`` (int64).
    """
    counts = table[CLASS].value_counts()
    labels = [label for label, _ in legend]
    return pd.DataFrame(
        {CLASS: labels, COUNT: [int(counts.get(label, 0)) for label in labels]}
    )
