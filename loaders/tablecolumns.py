"""Every table column's title, number format and meaning, defined once.

The pages (:mod:`dashboard.tables`) and the CSV/XLSX files people download
(:mod:`loaders.exports`) show a column by the title it has here
(``cd_code`` → "CD code", ``coverage_pct`` → "Attended (% of districts and
COEs)") and format its numbers by its :attr:`ColumnSpec.kind`. A column's
meaning is its definition in :data:`loaders.participation.DATA_DICTIONARY`
(every participation figure), else the ``definition`` here: the exports' data
dictionary and the pages' help texts read the same words.

Kinds and how each is written
-----------------------------
``text``
    Words. Text everywhere.
``code``
    An identifier made of digits (CDS code, CD code, NCES id, county FIPS):
    always text, leading zeros kept (XLSX cells are text with format ``@``).
``integer``
    A count: whole number (XLSX ``#,##0``; CSV digits, no separators).
``number``
    A measurement with ``decimals`` decimals (XLSX ``0.0``...; CSV the same
    decimals).
``percent``
    A percentage held as 0-100 (``coverage_pct``): XLSX a real percentage
    (the value / 100 with format ``0.0%``, so 13.7 shows as 13.7%); CSV the
    number 0-100 with exactly one decimal (``13.7``, ``0.0``), the unit in the
    title.
``share``
    A share held as 0-1 (``share_within_1h``): XLSX ``0.0%``; CSV with
    human titles a percentage with one decimal (``85.0``), with raw names
    the 0-1 value as computed.
``check``
    Yes/no (``True``/``False``; written "Yes" / "No" for people); a
    ``check`` column that holds counts (the ``role_*`` columns of a figures
    table: teams whose role came) is an ``integer`` titled "... came (teams)".
``date``
    A day, ``yyyy-mm-dd``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

import numpy as np
import pandas as pd

from loaders.entities import TYPE_LABELS
from loaders.participation import DATA_DICTIONARY
from loaders.vocab import ROLE_LABELS

__all__ = [
    "COLUMN_SPECS",
    "KIND_WORDS",
    "ColumnSpec",
    "column_definition",
    "column_spec",
    "column_title",
    "csv_value",
    "human_titles",
    "human_words",
    "xlsx_number_format",
    "xlsx_value",
]

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
Kind = Literal["text", "code", "integer", "number", "percent", "share", "check", "date"]


@dataclass(frozen=True)
class ColumnSpec:
    """How one column is titled, formatted and defined.

    Attributes
    ----------
    title : str
        The column's title in words, with its unit ("Mean distance (mi)").
    kind : str
        ``"text"``, ``"code"``, ``"integer"``, ``"number"``, ``"percent"``
        (0-100), ``"share"`` (0-1), ``"check"`` or ``"date"`` (module docstring).
    decimals : int
        Decimals shown for ``"number"`` (percentages always have one).
    definition : str or None
        What the column means, when :data:`DATA_DICTIONARY` does not say.
    words : mapping of str to str, optional
        Code → the words people read (``district_type`` ``"coe"`` → "County
        office of education"): pages and files for people show the words,
        raw files the codes.
    """

    title: str
    kind: Kind = "text"
    decimals: int = 0
    definition: str | None = None
    words: Mapping[str, str] | None = field(default=None, hash=False)


#: What each kind looks like, in words (the data dictionary's "Format" column).
KIND_WORDS: dict[str, str] = {
    "text": "text",
    "code": "code (text, leading zeros kept)",
    "integer": "whole number",
    "number": "number",
    "percent": "percentage, one decimal",
    "share": "percentage, one decimal",
    "check": "yes / no",
    "date": "date (yyyy-mm-dd)",
}

_S = ColumnSpec
#: Column → :class:`ColumnSpec`, for every column a page or a file shows.
COLUMN_SPECS: dict[str, ColumnSpec] = {
    # roster and match
    "source_row": _S("File row", "integer", definition="Row number as the file "
                     "shows it (1-based, counting the header)."),
    "row": _S("File row", "integer", definition="Row number as the file shows it."),
    "file": _S("File", definition="File name."),
    "column": _S("Column", definition="Column name (machine name in the files "
                 "with raw headers)."),
    "title": _S("Column title", definition="Column title in the files."),
    "value": _S("Cell text"),
    "reason": _S("Reason"),
    "values": _S("Row text", definition="The row's cells, without names or emails."),
    "entity_name": _S("District or COE (as in the file)"),
    "event_id": _S("Event id", "code"),
    "event": _S("Event"),
    "date": _S("Date", "date"),
    "role": _S("Role", definition="superintendent, board member, teachers union "
               "president or classified union president."),
    "status": _S("Status", definition="The person's status at the event: applied, "
                 "registered, waitlisted, attended or cancelled."),
    "person_name": _S("Name", definition="The person's name as on the roster "
                      "(contact detail)."),
    "email": _S("Email", definition="The person's e-mail as on the roster "
                "(contact detail)."),
    "phone": _S("Phone", definition="The person's phone number as on the roster "
                "(contact detail)."),
    "email_valid": _S("Email valid", "check", definition="FALSE: the email cell is "
                      "not an address and is kept as typed; empty when there is "
                      "none."),
    "match_status": _S("Match", definition="matched, ambiguous or unmatched."),
    "matched_name": _S("Matched to"),
    "match_method": _S("Matched by"),
    "score": _S("Match score (0-100)", "number"),
    "runner_up": _S("Runner-up", definition="The next closest names."),
    "runner_up_score": _S("Runner-up score", "number"),
    "match_note": _S("Match note"),
    "row_notes": _S("Reading notes"),
    "linked_geoids": _S("Linked districts", "code"),
    # districts, counties, regions
    "geoid": _S("NCES id / county FIPS", "code"),
    "cd_code": _S("CD code", "code"),
    "cds_code": _S("CDS code", "code", definition="CDE county-district-school "
                   "code (14 digits)."),
    "nces_id": _S("NCES id", "code", definition="NCES LEA id (7 digits)."),
    "county_fips": _S("County FIPS", "code", definition="County FIPS code (06xxx)."),
    "name": _S("District or COE"),
    "district": _S("District or COE", definition="District or COE name (CDE)."),
    "district_type": _S("District type", words=TYPE_LABELS),
    "county": _S("County"),
    "ccsesa_region": _S("CCSESA region", "integer"),
    "area": _S("Area"),
    "entities": _S("Districts and COEs", "integer"),
    "reached": _S("Districts and COEs reached", "integer"),
    "teams": _S("Teams", "integer"),
    "events": _S("Events", "integer"),
    "events_attended": _S("Events attended", "integer"),
    "complete_events": _S("Events with all 4 roles", "integer"),
    "attended": _S("Teams attended", "integer"),
    "applied_not_attended": _S("Applied, did not attend", "integer"),
    "registered": _S("Registered", "integer"),
    "waitlisted": _S("Waitlisted", "integer"),
    "applied": _S("Applied", "integer"),
    "cancelled": _S("Cancelled", "integer"),
    "complete_teams": _S("Complete teams (all 4 roles came)", "integer"),
    "coverage_pct": _S("Attended (% of districts and COEs)", "percent"),
    "people": _S("People", "integer"),
    "people_attended": _S("People who came", "integer"),
    "team_events": _S("Team-event rows", "integer"),
    "n_people": _S("People in the team", "integer"),
    "team_status": _S("Team status"),
    "team_geoid": _S("Team (GEOID)", "code"),
    "team_of": _S("Team of (shared governance)", "code"),
    "role_completeness": _S("Roles counted (of 4)", "integer"),
    "completeness_basis": _S("Roles counted: came or applied"),
    "roles_came": _S("Roles that came (of 4)", "integer"),
    **{f"role_{r}": _S(label, "check") for r, label in ROLE_LABELS.items()},
    "missing_roles": _S("Missing roles"),
    "table": _S("Table", definition="Sheet(s) the column appears in."),
    "definition": _S("Definition", definition="What the column means."),
    # changes, trends and outreach (loaders.participation.timetables); their
    # definitions come from DATA_DICTIONARY
    "enrollment": _S("K-12 enrollment", "integer"),
    "change": _S("Change"),
    "since_event_id": _S("Compared with (event id)", "code"),
    "since_status": _S("Status at the event compared with"),
    "since_roles_came": _S("Roles that came then (of 4)", "integer"),
    "completeness_change": _S("Roles that came: change"),
    "dated": _S("Dated", "check"),
    "cumulative_teams": _S("Teams so far", "integer"),
    "cumulative_complete_teams": _S("Complete teams so far", "integer"),
    "cumulative_people": _S("People so far", "integer"),
    "districts_reached": _S("Districts and COEs reached so far", "integer"),
    "enrollment_reached": _S("K-12 enrollment reached", "integer"),
    "enrollment_total": _S("K-12 enrollment in the area", "integer"),
    "enrollment_share_pct": _S("K-12 enrollment reached (%)", "percent"),
    "outreach": _S("Outreach"),
    "applied_only": _S("Applied, never attended", "check"),
    "last_attended_event_id": _S("Last attended (event id)", "code"),
    "nearest_past_venue": _S("Nearest past venue", definition="The past CA LMI "
                             "venue closest to the district's office."),
    "miles_to_nearest_past_venue": _S("Distance to nearest past venue (mi)",
                                      "number", 1, definition="Great-circle miles "
                                      "from the district's office."),
    "miles_to_venue": _S("Distance to the chosen venue (mi)", "number", 1,
                         definition="Great-circle miles from the district's "
                         "office."),
    # participation map layer (geodata.gislayer)
    "measure": _S("Measure", definition="The map measure the layer is coloured "
                  "by."),
    "measure_value": _S("Measure value", "number", 1, definition="The measure's "
                        "value for the district or COE (empty: no team)."),
    "measure_label": _S("Measure class", definition="The measure's class (the "
                        "map legend's label)."),
    # venue plans
    "venue": _S("Venue"),
    "venues": _S("Venues"),
    "lat": _S("Latitude", "number", 4, definition="Degrees north (WGS 84)."),
    "lon": _S("Longitude", "number", 4, definition="Degrees east (WGS 84)."),
    "source": _S("Source"),
    "booked": _S("Booked", "check"),
    "mean_miles": _S("Mean distance (mi)", "number",
                     definition="Great-circle miles."),
    "p90_miles": _S("90 % within (mi)", "number",
                    definition="90th percentile distance."),
    "max_miles": _S("Longest distance (mi)", "number"),
    "mean_minutes": _S("Mean drive (min)", "number",
                       definition="Estimated drive time."),
    "max_minutes": _S("Longest drive (min)", "number"),
    "share_within_1h": _S("Within 1 h drive", "share"),
    "share_within_2h": _S("Within 2 h drive", "share"),
    "miles": _S("Distance (mi)", "number", definition="Great-circle miles."),
    "minutes": _S("Drive (min)", "number", definition="Estimated drive time."),
    "rank": _S("Rank", "integer"),
    "priority": _S("Priority"),
    "contacts": _S("Contacts"),
    "scenario": _S("Scenario"),
    "p": _S("Meetings", "integer"),
    "model": _S("Model"),
    "objective": _S("Objective", "number", 1),
    "objective_units": _S("Objective units"),
    # saved rosters and aliases
    "roster_id": _S("#", "integer"),
    "filename": _S("File"),
    "sheet": _S("Sheet"),
    "saved": _S("Saved"),
    "rows": _S("Rows", "integer"),
    "matched": _S("Matched", "integer"),
    "ambiguous": _S("Ambiguous", "integer"),
    "unmatched": _S("Unmatched", "integer"),
    "rejected": _S("Rejected", "integer"),
    "alias": _S("Alias"),
    "means": _S("Means"),
    "note": _S("Note"),
    "updated": _S("Updated"),
}  # fmt: skip
del _S


def column_spec(column: str, dtype: Any = None) -> ColumnSpec:
    """The spec of a column, for the values it holds.

    Parameters
    ----------
    column : str
        Machine name (``"events_attended"``).
    dtype : numpy or pandas dtype, optional
        The column's dtype. A ``check`` column holding numbers (a figures
        table's ``role_superintendent``: teams whose superintendent came) is
        then an ``integer`` titled "Superintendent came (teams)".

    Returns
    -------
    ColumnSpec
        Unknown columns: text (a number kind when ``dtype`` is numeric), titled
        from their name (``"avg_size"`` → "Avg size").
    """
    name = str(column)
    spec = COLUMN_SPECS.get(name)
    numeric = dtype is not None and pd.api.types.is_numeric_dtype(dtype)
    boolean = dtype is not None and pd.api.types.is_bool_dtype(dtype)
    if spec is None:
        text = name.replace("_", " ").strip()
        title = text[:1].upper() + text[1:]
        kind: Kind = "text"
        if boolean:
            kind = "check"
        elif numeric:
            integer = pd.api.types.is_integer_dtype(dtype)
            kind = "integer" if integer else "number"
        return ColumnSpec(title, kind, 2 if kind == "number" else 0)
    if spec.kind == "check" and numeric and not boolean:
        return ColumnSpec(f"{spec.title} came (teams)", "integer", 0, spec.definition)
    return spec


def column_title(column: str, dtype: Any = None) -> str:
    """The title a column is shown with (``"mean_miles"`` → "Mean distance (mi)").

    See :func:`column_spec` for ``dtype``.
    """
    return column_spec(column, dtype).title


def column_definition(column: str) -> str | None:
    """What a column means: its data-dictionary definition, else its spec's.

    Returns
    -------
    str or None
        ``None`` when neither :data:`DATA_DICTIONARY` nor
        :data:`COLUMN_SPECS` defines it.
    """
    name = str(column)
    found = DATA_DICTIONARY.get(name)
    if found:
        return found
    spec = COLUMN_SPECS.get(name)
    return spec.definition if spec is not None else None


def human_titles(
    columns: Iterable[Any], dtypes: Mapping[str, Any] | None = None
) -> dict[str, str]:
    """Machine name → title for the columns of one table, each title unique.

    Parameters
    ----------
    columns : iterable
        The table's column names.
    dtypes : mapping, optional
        Column → dtype (``frame.dtypes``), see :func:`column_spec`.

    Returns
    -------
    dict of str to str
        When two columns would share a title, the later one gets its machine
        name in brackets ("District or COE (district)").
    """
    out: dict[str, str] = {}
    seen: set[str] = set()
    for col in columns:
        name = str(col)
        title = column_title(name, (dtypes or {}).get(name))
        if title.lower() in seen:
            title = f"{title} ({name})"
        seen.add(title.lower())
        out[name] = title
    return out


#: How a yes/no cell reads in a table for people.
_YES_NO = {True: "Yes", False: "No"}


def human_words(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with coded values in words, for a page (titles unchanged).

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table with machine column names.

    Returns
    -------
    pandas.DataFrame
        A copy; every column whose :class:`ColumnSpec` has ``words``
        (``district_type``: ``"coe"`` → "County office of education") holds
        the words, values without words unchanged. Yes/no columns stay
        booleans (the pages draw them as check boxes).
    """
    out = frame.copy()
    for col in out.columns:
        words = column_spec(str(col), out[col].dtype).words
        if words:
            out[col] = [
                words.get(v, v) if isinstance(v, str) else v for v in out[col]
            ]
    return out


def csv_value(value: object, spec: ColumnSpec) -> object:
    """One cell as the CSV for people writes it (see the module docstring).

    Parameters
    ----------
    value : object
        The cell (numbers, text, dates, missing values of any kind).
    spec : ColumnSpec
        Its column's spec (:func:`column_spec`).

    Returns
    -------
    object
        ``""`` for a missing value; booleans ``"Yes"`` / ``"No"``; a coded
        value its words (:attr:`ColumnSpec.words`); text and codes unchanged;
        numbers as text with the kind's decimals (``"12"``, ``"13.7"``; a
        share × 100); dates ``yyyy-mm-dd``.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return ""
    kind = spec.kind
    if isinstance(value, bool):
        return _YES_NO[value]
    if spec.words and isinstance(value, str):
        return spec.words.get(value, value)
    if kind in ("text", "code", "check"):
        return value
    if kind == "date" and isinstance(value, (date, datetime)):
        return f"{value:%Y-%m-%d}"
    if not isinstance(value, (int, float)):
        return value
    if kind == "integer":
        return f"{value:.0f}"
    if kind == "percent":
        return f"{value:.1f}"
    if kind == "share":
        return f"{100 * value:.1f}"
    if kind == "number":
        return f"{value:.{spec.decimals}f}"
    return value


def xlsx_number_format(spec: ColumnSpec) -> str | None:
    """The XLSX number format of a column kind (``None``: none to set).

    Codes ``@`` (text), counts ``#,##0``, percentages and shares ``0.0%``,
    measurements ``0`` / ``0.0`` / ... by decimals, dates ``yyyy-mm-dd``.
    """
    return {
        "code": "@",
        "integer": "#,##0",
        "percent": "0.0%",
        "share": "0.0%",
        "number": "0" + ("." + "0" * spec.decimals if spec.decimals else ""),
        "date": "yyyy-mm-dd",
    }.get(spec.kind)


def xlsx_value(value: object, spec: ColumnSpec) -> object:
    """One cell value as the XLSX for people holds it.

    ``value`` is already a plain Python value (``None``, str, int, float,
    bool, date). Codes become text (``"0601770"``), percentages 0-100 a
    share (13.7 → 0.137, shown 13.7% by :func:`xlsx_number_format`), ISO day
    text a date, yes/no ``"Yes"`` / ``"No"``, a coded value its words
    (:attr:`ColumnSpec.words`); everything else unchanged.
    """
    if value is None:
        return value
    if isinstance(value, bool):
        return _YES_NO[value]
    if spec.words and isinstance(value, str):
        return spec.words.get(value, value)
    if spec.kind == "code":
        return str(value)
    if spec.kind == "percent" and isinstance(value, (int, float)):
        return value / 100.0
    if spec.kind == "date" and isinstance(value, str) and _ISO_DAY.fullmatch(value):
        return date.fromisoformat(value)
    return value
