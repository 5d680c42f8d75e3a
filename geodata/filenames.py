"""File names of exported maps and tables: full, readable and dated.

One function, :func:`export_stem`, names every export of a selection, on the
Export page and on the command line alike:
``ca-lmi_completeness_2015-symposium_region-4_2026-12-06``. Parts are joined
by ``_`` and words within a part by ``-``; a name is never cut inside a word.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import pandas as pd

from geodata.maprequest import MapRequest

__all__ = ["MAX_STEM_CHARS", "export_stem", "slug_words", "table_file_stem"]

#: Longest stem (characters, before the suffix); well under the 255 bytes of
#: common file systems and readable in a download bar. Longer names lose whole
#: words of the event part.
MAX_STEM_CHARS = 100


def slug_words(text: str) -> list[str]:
    """Lower-case ASCII words of a text (accents dropped, punctuation split).

    Examples
    --------
    >>> slug_words("2015 Symposium, San Diego")
    ['2015', 'symposium', 'san', 'diego']
    >>> slug_words("Cañada Élémentaire")
    ['canada', 'elementaire']
    """
    ascii_text = (
        unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    )
    return [w for w in re.split(r"[^a-z0-9]+", ascii_text.lower()) if w]


def table_file_stem(stem: str, table_title: str) -> str:
    """The name (no suffix) of a file holding one table of an export.

    One function for the Export page and ``lmi-dashboard export table``, so
    both name a one-table file alike.

    Parameters
    ----------
    stem : str
        :func:`export_stem` of the selection.
    table_title : str
        The table's sheet name (:data:`loaders.exports.TABLE_NAMES` value).

    Examples
    --------
    >>> table_file_stem("ca-lmi_events-attended_all-events_california_2026-12-06",
    ...                 "By district")
    'ca-lmi_events-attended_all-events_california_2026-12-06-by-district'
    """
    return f"{stem}-{'-'.join(slug_words(table_title)) or 'table'}"


def _event_words(request: MapRequest, events: pd.DataFrame) -> list[str]:
    ids = list(request.mapped_events)
    if not ids:
        return ["all", "events"]
    if len(ids) > 1:
        return [str(len(ids)), "events"]
    labels = dict(zip(events["event_id"], events["label"]))
    label = str(labels.get(ids[0], ids[0]))
    # "2015 Symposium, San Diego" → the event, not its city
    return slug_words(label.split(",")[0]) or slug_words(ids[0])


def _area_words(request: MapRequest) -> list[str]:
    if request.county:
        return [*slug_words(str(request.county).removesuffix(" County")), "county"]
    if request.region is not None:
        return ["region", str(int(request.region))]
    return ["california"]


def export_stem(
    request: MapRequest,
    events: pd.DataFrame,
    *,
    on: date | None = None,
    max_chars: int = MAX_STEM_CHARS,
) -> str:
    """The file name (without suffix) of an export of a map selection.

    Parameters
    ----------
    request : MapRequest
        The selection (measure, events, region or county).
    events : pandas.DataFrame
        :func:`loaders.events.load_events` (``event_id``, ``label``).
    on : datetime.date, optional
        The date in the name (default: today).
    max_chars : int
        Longest stem; the event part loses whole words (never part of one) to
        fit, and the other parts are always complete.

    Returns
    -------
    str
        ``ca-lmi_{measure}_{event}_{area}_{YYYY-MM-DD}``: ASCII lower-case
        letters, digits, ``-`` and ``_`` only. The event part is the event's
        label before any comma (``2015-symposium``), ``3-events`` or
        ``all-events``; the area ``california``, ``region-4`` or
        ``alameda-county``.

    Examples
    --------
    >>> events = pd.DataFrame(
    ...     {"event_id": ["E1"], "label": ["2015 Symposium, San Diego"]}
    ... )
    >>> export_stem(
    ...     MapRequest("completeness", ("E1",), region=4), events,
    ...     on=date(2026, 12, 6),
    ... )
    'ca-lmi_completeness_2015-symposium_region-4_2026-12-06'
    """
    when = f"{on or date.today():%Y-%m-%d}"
    measure = "-".join(slug_words(request.measure))
    area = "-".join(_area_words(request))
    event = _event_words(request, events)
    fixed = len("ca-lmi") + len(measure) + len(area) + len(when) + 4  # 4 "_"
    while event and fixed + len("-".join(event)) > max_chars:
        event = event[:-1]
    parts = ["ca-lmi", measure, "-".join(event), area, when]
    return "_".join(p for p in parts if p)
