"""The CA LMI events table.

The product carries its own table (``loaders/data/events.csv``), built from the
events CDEF, CDE and partners published (each row keeps its ``source_url``).
Dates are ISO text; events without a published date or venue keep those empty.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import pandas as pd

__all__ = ["EVENT_COLUMNS", "load_events"]

EVENT_COLUMNS = [
    "event_id",
    "label",
    "event_name",
    "event_type",
    "start_date",
    "end_date",
    "venue_name",
    "venue_address",
    "city",
    "status",
    "note",
    "source_url",
]


@lru_cache(maxsize=1)
def _events() -> pd.DataFrame:
    path = resources.files("loaders") / "data" / "events.csv"
    with path.open("r", encoding="utf-8") as fh:
        table = pd.read_csv(fh, dtype="string", keep_default_na=False)
    missing = set(EVENT_COLUMNS) - set(table.columns)
    if missing:
        raise ValueError(f"{path}: columns {sorted(missing)} are missing.")
    if table["event_id"].duplicated().any():
        dup = table.loc[table["event_id"].duplicated(), "event_id"].iloc[0]
        raise ValueError(f"{path}: event_id {dup!r} appears twice.")
    return table[EVENT_COLUMNS]


def load_events() -> pd.DataFrame:
    """All CA LMI events, ordered by start date (undated events last).

    Returns
    -------
    pandas.DataFrame
        One row per event with :data:`EVENT_COLUMNS` (all ``string`` dtype;
        empty text where the source published nothing). ``label`` is the short
        name shown in the app.

    Raises
    ------
    ValueError
        If the shipped table lacks a column or repeats an ``event_id``.
    """
    events = _events().copy()
    order = events["start_date"].replace("", "9999")
    return events.iloc[order.argsort(kind="stable")].reset_index(drop=True)
