"""The roster reader's entry points: :func:`read_roster`, :func:`inspect_roster`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from loaders.roster.build import build
from loaders.roster.layout import parse
from loaders.roster.model import (
    ENTITY_COLUMNS,
    JOIN,
    TARGETS,
    RosterFileError,
    RosterLayout,
    RosterLoad,
)

__all__ = ["inspect_roster", "read_roster"]


def inspect_roster(
    source: Any,
    *,
    filename: str | None = None,
    sheet: str | int | None = None,
    header_row: int | None = None,
) -> RosterLayout:
    """Find a roster file's sheet, header row and proposed column mapping.

    For a preview where the user confirms or fixes the mapping before
    :func:`read_roster`. Unlike :func:`read_roster` it does not require a
    district/COE column (the user may still map one).

    Parameters
    ----------
    source, filename, sheet, header_row
        As in :func:`read_roster`.

    Returns
    -------
    RosterLayout

    Raises
    ------
    RosterFileError
        If the file cannot be read at all (empty, not a spreadsheet, too large,
        password-protected, unknown sheet).
    """
    return parse(source, filename, sheet, header_row, need_header_entity=False).layout


def read_roster(
    source: Any,
    *,
    filename: str | None = None,
    sheet: str | int | None = None,
    header_row: int | None = None,
    column_map: Mapping[str, str | None] | None = None,
    event_id: str | None = None,
    events: pd.DataFrame | None = None,
) -> RosterLoad:
    """Read a roster file (CSV, TSV or XLSX) into the canonical roster.

    Parameters
    ----------
    source : str, pathlib.Path, bytes or file-like
        A path, the file's bytes, or an uploaded file object (anything with
        ``getvalue()`` or ``read()``, e.g. Streamlit's ``UploadedFile``).
    filename : str, optional
        Name used in messages and ``rejected``/``issues`` (default: the path's
        name, the object's ``name``, or ``"roster"``).
    sheet : str or int, optional
        XLSX sheet name (case-insensitive) or 0-based index; guessed when
        omitted (the sheet whose header maps best; see ``RosterLoad.sheets``).
    header_row : int, optional
        1-based row number of the header row; found in the first
        :data:`HEADER_SCAN_ROWS` rows when omitted.
    column_map : mapping, optional
        Canonical column (:data:`ROSTER_COLUMNS`, or ``event_date``) → source
        header, overriding the proposal for the columns given; ``None`` or
        ``""`` unmaps a column. Join headers with ``" + "`` to combine them
        (``"First Name + Last Name"`` for ``person_name``; several status
        columns for ``status``).
    event_id : str, optional
        Event of every row whose event column is missing or empty (for a file
        exported for one event).
    events : pandas.DataFrame, optional
        The events the event column's ids, names and dates are read against
        (:func:`loaders.events.all_events` of the workspace, so events a user
        added are recognised). Default: the published events.

    Returns
    -------
    RosterLoad
        See :class:`RosterLoad`. ``rows`` has the canonical columns plus
        ``source_row`` and ``row_notes``; every data row of the file is in
        ``rows`` (possibly merged with a duplicate) or ``rejected``, except
        blank rows, which are counted in ``notes``.

    Raises
    ------
    RosterFileError
        If the file cannot be read at all: missing, empty, larger than
        :data:`MAX_BYTES` or :data:`MAX_ROWS`, not a spreadsheet (PDF, HTML,
        .xls, .ods, binary), password-protected, an XLSX that would unpack
        beyond :data:`MAX_XLSX_UNPACKED`, a value right of column
        :data:`MAX_COLUMNS` (sheet, row and column letter named), a damaged
        sheet (rows out of order or beyond Excel's 1,048,576), no sheet of that
        name, or no column naming the district or COE. The message names the
        file, the problem and the fix.

    Examples
    --------
    >>> load = read_roster(b"District,Role\\nSan Diego USD,Supt.\\n")
    >>> load.rows.loc[0, ["entity_name", "role"]].tolist(), load.header_row
    (['San Diego USD', 'superintendent'], 1)
    """
    parsed = parse(
        source, filename, sheet, header_row, need_header_entity=column_map is None
    )
    layout = parsed.layout
    mapping = dict(layout.column_map)
    ambiguous = dict(layout.ambiguous)
    if column_map:
        for target, header in column_map.items():
            if target not in TARGETS:
                raise RosterFileError(
                    layout.filename,
                    f"column mapping names {target!r}, which is not a roster column.",
                    f"Use one of: {', '.join(TARGETS)}.",
                )
            ambiguous.pop(target, None)
            if header in (None, ""):
                mapping.pop(target, None)
                continue
            for part in str(header).split(JOIN):
                if part not in layout.headers:
                    raise RosterFileError(
                        layout.filename,
                        f"column {part!r} (mapped to {target}) is not in the header "
                        f"row (row {layout.header_row}).",
                        f"Headers found: {', '.join(map(repr, layout.headers))}.",
                    )
            mapping[target] = str(header)
        mapping = {t: mapping[t] for t in TARGETS if t in mapping}
    if not set(mapping) & set(ENTITY_COLUMNS):
        candidates = [h for t in ENTITY_COLUMNS for h in ambiguous.get(t, [])]
        problem = "no column naming the district or COE"
        if candidates:
            problem += (
                f": {', '.join(map(repr, candidates))} could each be it, so none was "
                "chosen"
            )
        raise RosterFileError(
            layout.filename,
            problem + f" (header row {layout.header_row}).",
            "Map one column to entity_name (or a CDS / CD / NCES code column) in the "
            "app, or rename the header to 'District'.",
        )
    return build(parsed, mapping, ambiguous, event_id, events)
