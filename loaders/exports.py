"""Tables for newsletters and mail-merge: CSV and formatted XLSX.

Every table the product exports goes through :func:`prepare_table`, which

* drops contact details (person names, emails, phone numbers, by header and by
  content: see :func:`loaders.roster.contacts.contact_columns`) unless the
  caller explicitly asks for them, and
* neutralises every text cell that a spreadsheet would run as a formula (text
  starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
  leading single quote, as OWASP recommends against CSV injection).

Files for people (``raw_headers=False``, what ``lmi-dashboard export table``
and the Export page write) title their columns in words ("CD code", "Events
attended") and give every column one format, both from
:mod:`loaders.tablecolumns`: codes stay text with their leading zeros, counts
are whole numbers, percentages have one decimal. In CSV the numbers are plain
numbers written with a fixed number of decimals per column (``13.7``, ``0.0``;
the unit is in the title, no ``%`` sign, no thousands separator, so a
spreadsheet and a script read the same value); in XLSX they are real numbers
with a number format (a percentage is the value / 100 formatted ``0.0%``) and
codes are text cells. The XLSX workbook opens with an "About" sheet (source,
filter, date and a data dictionary defining every column of every sheet).
With ``raw_headers=True`` a file keeps the machine names (``cd_code``) and the
values as computed, for people who script on it.

XLSX workbooks are written with openpyxl: one sheet per table, a styled and
frozen header row, an auto-filter and column widths fitted to the content.
Files are written atomically (a temporary file in the same folder, then
:func:`os.replace`), so an interrupted export never leaves a half-written file
in place of a good one.

The tables themselves (participation by district, county, region and event,
team completeness) are built by :func:`participation_tables` from
:mod:`loaders.participation`; venue plans and invite lists come from the siting
engine as plain DataFrames and are written the same way.
"""

from __future__ import annotations

import io
import math
import os
import re
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from loaders import participation as part
from loaders.columns import DISTRICT_COLUMNS
from loaders.fileio import atomic_output, atomic_write_bytes

# One definition of "contact details" (by header and by content), shared with
# the roster reader: contact_columns is loaders.roster.contacts.contact_columns.
from loaders.roster.contacts import (
    CONTACT_COLUMNS,
    contact_columns,
    normalize_email,
)
from loaders.tablecolumns import (
    KIND_WORDS,
    column_definition,
    column_spec,
    csv_value,
    human_titles,
    xlsx_number_format,
    xlsx_value,
)

__all__ = [
    "CONTACT_COLUMNS",
    "ABOUT_SHEET",
    "FORMULA_PREFIXES",
    "TABLE_NAMES",
    "atomic_output",
    "atomic_write_bytes",
    "contact_columns",
    "export_about",
    "human_table",
    "neutralise_frame",
    "neutralise_text",
    "participation_tables",
    "prepare_table",
    "table_csv_bytes",
    "tables_xlsx_bytes",
    "write_table",
]

#: Text starting with one of these would run as a formula in a spreadsheet.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
#: Sheet names of :func:`participation_tables`, in order, keyed by short name.
TABLE_NAMES: dict[str, str] = {
    "district": "By district",
    "county": "By county",
    "region": "By region",
    "event": "By event",
    "completeness": "Team completeness",
    "changes": "Changes",
    "trends": "Trends",
    "outreach": "Outreach",
    "dictionary": "Data dictionary",
    "contacts": "Contacts",
}
#: Title of the XLSX sheet that says what the file holds (source, filter,
#: date) and defines every column of every sheet.
ABOUT_SHEET = "About"

# Characters openpyxl refuses in a cell (XML 1.0 control characters).
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_HEADER_FILL = "1F4E79"
_HEADER_FONT = "FFFFFF"
_MAX_WIDTH = 60
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
_ABOUT_HEADING = "CA LMI network dashboard: participation tables"
_DICTIONARY_HEADERS = ("Sheet", "Column", "Machine name", "Format", "Definition")


# ----------------------------------------------------------------- cell safety
def neutralise_text(value: str) -> str:
    """Make one text cell safe to open in a spreadsheet.

    Parameters
    ----------
    value : str
        Cell text.

    Returns
    -------
    str
        ``value`` with a leading ``'`` when it starts with one of
        :data:`FORMULA_PREFIXES`; unchanged otherwise.

    Examples
    --------
    >>> neutralise_text("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise_text("Alameda Unified")
    'Alameda Unified'
    """
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Neutralise every text cell and column name of a table (a copy).

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table; only text cells (``str`` values in ``string`` or ``object``
        columns) change, numbers, booleans and dates are kept as they are.

    Returns
    -------
    pandas.DataFrame
        Same shape, index and dtypes.
    """
    out = frame.copy()
    out.columns = [neutralise_text(c) if isinstance(c, str) else c for c in out.columns]
    for col in out.columns:
        series = out[col]
        if not (pd.api.types.is_string_dtype(series.dtype) or series.dtype == object):
            continue
        out[col] = series.map(
            lambda v: neutralise_text(v) if isinstance(v, str) else v,
            na_action="ignore",
        ).astype(series.dtype)
    return out


def prepare_table(
    frame: pd.DataFrame, *, include_contacts: bool = False
) -> pd.DataFrame:
    """A table as it is written to a file: contacts removed, cells neutralised.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table (participation, team completeness, venue plan, invite list).
    include_contacts : bool, default False
        Keep person names, emails and phone numbers. Only when a user ticked
        "include contact details".

    Returns
    -------
    pandas.DataFrame
        A copy with a fresh 0..n-1 index.
    """
    out = frame.reset_index(drop=True)
    if not include_contacts:
        drop = contact_columns(out)
        if drop:
            out = out.drop(columns=drop)
    return neutralise_frame(out)


# -------------------------------------------------------------------- CSV / XLSX
def human_table(
    frame: pd.DataFrame, *, include_contacts: bool = False
) -> pd.DataFrame:
    """A table as the CSV for people writes it: titles in words, one format per column.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table with machine column names (``cd_code``).
    include_contacts : bool, default False
        See :func:`prepare_table`.

    Returns
    -------
    pandas.DataFrame
        Same rows; columns titled by :func:`loaders.tablecolumns.human_titles`
        ("CD code"); every cell ``object``: codes and text as text (leading
        zeros kept, formula-safe), counts as digits, percentages and shares as
        0-100 with one decimal (``"13.7"``), measurements with their column's
        decimals, missing values empty, yes/no as ``Yes`` / ``No``, coded
        values in words (``district_type`` ``coe`` → "County office of
        education").
    """
    table = prepare_table(frame, include_contacts=include_contacts)
    titles = human_titles(table.columns, dict(table.dtypes))
    out = pd.DataFrame(index=table.index)
    for col in table.columns:
        spec = column_spec(col, table[col].dtype)
        out[titles[str(col)]] = pd.Series(
            [csv_value(v, spec) for v in table[col].tolist()],
            index=table.index,
            dtype=object,
        )
    return neutralise_frame(out)


def table_csv_bytes(
    frame: pd.DataFrame,
    *,
    include_contacts: bool = False,
    raw_headers: bool = True,
) -> bytes:
    """One table as CSV bytes (UTF-8 with BOM, so Excel reads accents right).

    Parameters
    ----------
    frame : pandas.DataFrame
        The table.
    include_contacts : bool, default False
        See :func:`prepare_table`.
    raw_headers : bool, default True
        Machine names (``cd_code``) and values as computed; ``False``: the
        file for people (:func:`human_table`: titles in words, one number
        format per column). Codes keep their leading zeros either way (a
        spreadsheet that opens a CSV may still read them as numbers: the XLSX
        file is the one to open in a spreadsheet).

    Returns
    -------
    bytes
        Header row plus one line per row; missing values are empty fields.
    """
    if raw_headers:
        table = prepare_table(frame, include_contacts=include_contacts)
    else:
        table = human_table(frame, include_contacts=include_contacts)
    return table.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _sheet_title(name: str, taken: set[str]) -> str:
    base = _SHEET_BAD.sub(" ", str(name)).strip().strip("'") or "Sheet"
    base = base[:31]
    title, n = base, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(title.lower())
    return title


def _cell_value(value: object) -> object:
    """A Python value openpyxl writes as data (never as a formula)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    if isinstance(value, (bool, int, float, date, datetime)):
        return value
    text = _ILLEGAL_XLSX.sub("", str(value))
    return neutralise_text(text)


def _display_len(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, float):
        return len(f"{value:,.2f}")
    if isinstance(value, (date, datetime)):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def _raw_format(dtype: object) -> str | None:
    """Number format of a column in a file with raw headers (by dtype)."""
    if pd.api.types.is_bool_dtype(dtype):
        return None
    if pd.api.types.is_integer_dtype(dtype):
        return "#,##0"
    if pd.api.types.is_float_dtype(dtype):
        return "0.0"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "yyyy-mm-dd"
    return None


def _xlsx_column(series: pd.Series) -> tuple[list[object], str | None]:
    """A column's cell values and number format in the workbook for people."""
    spec = column_spec(str(series.name), series.dtype)
    values = [xlsx_value(_cell_value(v), spec) for v in series.tolist()]
    return values, xlsx_number_format(spec) or _raw_format(series.dtype)


def _dictionary_rows(
    tables: Mapping[str, pd.DataFrame], titles: Mapping[str, str]
) -> list[list[object]]:
    """Sheet, column title, machine name, format, definition: every column."""
    rows: list[list[object]] = []
    for name, frame in tables.items():
        table_titles = human_titles(frame.columns, dict(frame.dtypes))
        for col in frame.columns:
            spec = column_spec(str(col), frame[col].dtype)
            rows.append(
                [
                    titles[name],
                    table_titles[str(col)],
                    str(col),
                    KIND_WORDS[spec.kind],
                    column_definition(str(col)) or "",
                ]
            )
    return rows


def tables_xlsx_bytes(
    tables: Mapping[str, pd.DataFrame],
    *,
    include_contacts: bool = False,
    raw_headers: bool = True,
    about: Mapping[str, str] | None = None,
) -> bytes:
    """Several tables as one formatted workbook, one sheet per table.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        Sheet name → table, in sheet order. Names are shortened to Excel's 31
        characters and characters Excel forbids (``[]:*?/\\``) are replaced;
        repeated names get " (2)".
    include_contacts : bool, default False
        See :func:`prepare_table`.
    raw_headers : bool, default True
        Machine names and values as computed (whole numbers ``#,##0``,
        decimals ``0.0``); ``False``: the workbook for people (titles in words,
        one number format per column from :mod:`loaders.tablecolumns`: codes
        as text ``@``, counts ``#,##0``, percentages ``0.0%``, dates
        ``yyyy-mm-dd``) with an "About" sheet first.
    about : mapping of str to str, optional
        What the file holds (:func:`export_about`: source, filter, date),
        written at the top of the "About" sheet, above the data dictionary
        (sheet, column, machine name, format, definition of every column of
        every sheet). Given with ``raw_headers=True``, the About sheet is
        written too.

    Returns
    -------
    bytes
        An ``.xlsx`` file: bold white-on-blue header row, frozen under the
        header, auto-filter, column widths fitted to the content (at most 60
        characters). Text cells are always text (never formulas).

    Raises
    ------
    ValueError
        If ``tables`` is empty.
    """
    # Imported here: openpyxl costs 0.1-0.4 s to import (python -X importtime,
    # measured) and only XLSX exports need it, not the CSV ones or the CLI's start.
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    if not tables:
        raise ValueError("Nothing to export: no table was given.")
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    header_font = Font(bold=True, color=_HEADER_FONT)
    header_fill = PatternFill("solid", fgColor=_HEADER_FILL)
    header_align = Alignment(vertical="center", wrap_text=True)
    header_border = Border(bottom=Side(style="thin", color="000000"))

    def style_header(ws, row: int) -> None:
        for cell in ws[row]:
            cell.font = header_font
            cell.fill = header_fill
            cell.alignment = header_align
            cell.border = header_border

    with_about = about is not None or not raw_headers
    about_ws = wb.create_sheet(_sheet_title(ABOUT_SHEET, taken)) if with_about else None
    prepared = {
        name: prepare_table(frame, include_contacts=include_contacts)
        for name, frame in tables.items()
    }
    sheet_titles: dict[str, str] = {}
    for name, table in prepared.items():
        ws = wb.create_sheet(_sheet_title(name, taken))
        sheet_titles[name] = ws.title
        if raw_headers:
            headers = [_cell_value(c) for c in table.columns]
            columns = [[_cell_value(v) for v in table[c].tolist()] for c in table]
            formats = [_raw_format(table[c].dtype) for c in table.columns]
        else:
            titles = human_titles(table.columns, dict(table.dtypes))
            headers = [_cell_value(titles[str(c)]) for c in table.columns]
            pairs = [_xlsx_column(table[c]) for c in table.columns]
            columns = [p[0] for p in pairs]
            formats = [p[1] for p in pairs]
        ws.append(headers)
        widths = [_display_len(h) for h in headers]
        for row in zip(*columns) if columns else []:
            ws.append(list(row))
            for i, v in enumerate(row):
                widths[i] = max(widths[i], _display_len(v))
        style_header(ws, 1)
        for i, fmt in enumerate(formats, start=1):
            letter = get_column_letter(i)
            ws.column_dimensions[letter].width = min(_MAX_WIDTH, widths[i - 1] + 3)
            if fmt:
                for (cell,) in ws.iter_rows(
                    min_row=2, min_col=i, max_col=i, max_row=ws.max_row
                ):
                    cell.number_format = fmt
        ws.freeze_panes = "A2"
        if table.shape[1]:
            ws.auto_filter.ref = (
                f"A1:{get_column_letter(table.shape[1])}{max(ws.max_row, 1)}"
            )
    if about_ws is not None:
        about_ws.append([_ABOUT_HEADING])
        about_ws["A1"].font = Font(bold=True, size=14)
        for key, value in (about or {}).items():
            about_ws.append([_cell_value(key), _cell_value(value)])
            about_ws.cell(about_ws.max_row, 1).font = Font(bold=True)
        about_ws.append([])
        about_ws.append(list(_DICTIONARY_HEADERS))
        style_header(about_ws, about_ws.max_row)
        for row in _dictionary_rows(prepared, sheet_titles):
            about_ws.append([_cell_value(v) for v in row])
        for letter, width in zip("ABCDE", (22, 34, 30, 24, 90)):
            about_ws.column_dimensions[letter].width = width
        for row in about_ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(vertical="top", wrap_text=True)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export_about(
    *,
    roster: str,
    source: str,
    events: pd.DataFrame,
    event_ids: list[str] | None = None,
    regions: list[int] | None = None,
    counties: list[str] | None = None,
    district_types: list[str] | None = None,
    include_contacts: bool = False,
    measure: str | None = None,
    exported: datetime | None = None,
) -> dict[str, str]:
    """What an exported file holds, for the XLSX "About" sheet.

    Parameters
    ----------
    roster : str
        Where the roster came from ("built-in demo roster", file names).
    source : str
        The data sources (the maps' source line).
    events : pandas.DataFrame
        :func:`loaders.events.load_events` (``event_id``, ``label``).
    event_ids, regions, counties, district_types : list, optional
        The selection; ``None`` or empty means all.
    include_contacts : bool, default False
        Whether contact details are in the file.
    measure : str, optional
        The map measure (GIS layers), in words.
    exported : datetime, optional
        When; default now (UTC).

    Returns
    -------
    dict of str to str
        Label → text, in the order the sheet lists them ("Source", "Roster",
        "Events", "Region", "County", "District types", "Contact details",
        "Exported").
    """
    labels = dict(zip(events["event_id"], events["label"]))
    if event_ids:
        chosen = "; ".join(f"{labels.get(e, e)} ({e})" for e in event_ids)
    else:
        chosen = f"all events ({len(events)})"
    when = exported or datetime.now().astimezone()
    out = {
        "Source": source,
        "Roster": roster,
        "Events": chosen,
        "Region": (
            ", ".join(f"CCSESA region {int(r)}" for r in regions)
            if regions
            else "All California"
        ),
        "County": ", ".join(counties) if counties else "All counties",
        "District types": ", ".join(district_types) if district_types else "all",
        "Contact details": "included" if include_contacts else "not included",
        "Exported": f"{when:%Y-%m-%d %H:%M %Z}".strip(),
    }
    if measure:
        out = {"Measure": measure, **out}
    return out


def write_table(
    path: str | os.PathLike,
    tables: pd.DataFrame | Mapping[str, pd.DataFrame],
    *,
    fmt: str | None = None,
    include_contacts: bool = False,
    raw_headers: bool = True,
) -> Path:
    """Write one table as CSV, or one or more tables as an XLSX workbook.

    Parameters
    ----------
    path : path-like
        Destination (written atomically, see :func:`atomic_write_bytes`).
    tables : DataFrame or mapping of str to DataFrame
        A single table, or sheet name → table.
    fmt : {"csv", "xlsx"}, optional
        Default: from the file's suffix.
    include_contacts : bool, default False
        See :func:`prepare_table`.
    raw_headers : bool, default True
        See :func:`table_csv_bytes` / :func:`tables_xlsx_bytes`.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ValueError
        If the format is unknown, or several tables are asked as one CSV.
    """
    fmt = (fmt or Path(path).suffix).lower().lstrip(".")
    if isinstance(tables, pd.DataFrame):
        tables = {"Table": tables}
    if fmt == "csv":
        if len(tables) != 1:
            raise ValueError(
                f"A CSV file holds one table; {len(tables)} were given "
                f"({', '.join(tables)}). Choose one table or write XLSX."
            )
        data = table_csv_bytes(
            next(iter(tables.values())),
            include_contacts=include_contacts,
            raw_headers=raw_headers,
        )
    elif fmt == "xlsx":
        data = tables_xlsx_bytes(
            tables, include_contacts=include_contacts, raw_headers=raw_headers
        )
    else:
        raise ValueError(f"Tables are written as csv or xlsx, not {fmt!r}.")
    return atomic_write_bytes(path, data)


# ------------------------------------------------------------------- the tables
def participation_tables(
    teams: pd.DataFrame,
    reference: pd.DataFrame,
    events: pd.DataFrame,
    *,
    event_ids: list[str] | None = None,
    regions: list[int] | None = None,
    counties: list[str] | None = None,
    district_types: list[str] | None = None,
    matched: pd.DataFrame | None = None,
    include_contacts: bool = False,
    since: str | None = None,
) -> dict[str, pd.DataFrame]:
    """The participation tables for a selection, keyed by :data:`TABLE_NAMES`.

    Every figure comes from :func:`loaders.participation.area_figures`, the
    function the Map page headline uses, so the same selection gives the same
    numbers on the page and in the files.

    Parameters
    ----------
    teams : pandas.DataFrame
        :func:`loaders.participation.teams_by_event` of the matched roster.
    reference : pandas.DataFrame
        :func:`geodata.boundaries.entity_reference` (1,002 districts and COEs).
    events : pandas.DataFrame
        :func:`loaders.events.load_events`.
    event_ids, regions, counties : list, optional
        The selection (as on the Map page); ``None`` or empty keeps all.
    district_types : list, optional
        District types to keep (as the Map page's filter); ``None`` keeps all.
    matched : pandas.DataFrame, optional
        The matched roster; needed only for the ``"contacts"`` table.
    since : str, optional
        Event the ``"changes"`` table compares the first selected event with
        (default: its previous event of the same kind, else by date).
    include_contacts : bool, default False
        Add the ``"contacts"`` table (one row per matched roster person of the
        selection with name, email and phone where the roster has them, and
        ``email_valid``: ``False`` for an email cell kept as typed because it
        is not an address, ``<NA>`` when there is none).

    Raises
    ------
    ValueError
        If a region is not 1-11 or a county is not one of the 58.

    Returns
    -------
    loaders.participation.LazyTables
        A ``dict`` of str to DataFrame to its readers; ``"changes"``,
        ``"trends"``, ``"outreach"`` and ``"dictionary"`` are built when first
        read. ``"district"`` (districts/COEs reached), ``"county"`` (58 rows),
        ``"region"`` (11 rows), ``"event"`` (selected events),
        ``"completeness"`` (one row per team per event: status, roles counted
        and their basis, missing roles; a shared-governance team once),
        ``"changes"``, ``"trends"``, ``"outreach"`` (see
        :func:`loaders.participation.time_tables`),
        ``"dictionary"`` (``table``, ``column``, ``title``, ``definition``
        for every column above: :func:`loaders.tablecolumns.column_definition`,
        the figures' from :data:`loaders.participation.DATA_DICTIONARY`)
        and, on request, ``"contacts"``. No table but ``"contacts"`` carries
        personal data.
    """
    known_regions = {int(r) for r in reference["ccsesa_region"].unique()}
    for r in regions or []:
        if int(r) not in known_regions:
            raise ValueError(
                f"Region {r!r} is not a CCSESA service region; choose one of "
                f"{min(known_regions)}-{max(known_regions)}."
            )
    known_counties = set(reference["county"])
    for c in counties or []:
        if c not in known_counties:
            raise ValueError(
                f"County {c!r} is not one of California's 58 counties (give its "
                "name without 'County', e.g. 'Alameda')."
            )
    filtered = part.filter_teams(
        teams,
        reference,
        event_ids=event_ids,
        regions=regions,
        counties=counties,
        district_types=district_types,
    )
    ref = part.filter_reference(
        reference, regions=regions, counties=counties, district_types=district_types
    )
    out: dict[str, pd.DataFrame] | part.LazyTables = {}
    for level in ("district", "county", "region"):
        out[level] = part.area_figures(filtered, ref, level)
    ev = events
    if event_ids:
        ev = events.loc[events["event_id"].isin(event_ids)]
    out["event"] = part.participation_by_event(filtered, ev)
    labels = dict(zip(events["event_id"], events["label"]))
    dates = dict(zip(events["event_id"], events["start_date"]))
    own = part.own_rows(filtered)
    comp = own.assign(
        event=own["event_id"].map(labels),
        date=own["event_id"].map(dates),
        cd_code=own["geoid"].map(dict(zip(reference["geoid"], reference["cd_code"]))),
        team_status=own["team_status"].map(part.STATUS_LABELS),
    )
    cols = [
        "event_id",
        "event",
        "date",
        *DISTRICT_COLUMNS,
        "linked_geoids",
        "team_status",
        "n_people",
        "role_completeness",
        "completeness_basis",
        "roles_came",
        *[f"role_{r}" for r in part.ROLES],
        "missing_roles",
    ]
    out["completeness"] = comp[[c for c in cols if c in comp.columns]].sort_values(
        ["date", "event_id", "ccsesa_region", "county", "name"], ignore_index=True
    )
    out = part.LazyTables(out)  # the time tables are built when first read
    over_time = part.time_tables(
        teams,
        reference,
        events,
        event_ids,
        since,
        regions=regions,
        counties=counties,
        district_types=district_types,
    )
    for key in over_time:
        out.later(key, lambda key=key: over_time[key])
    described = list(out)
    out.later("dictionary", lambda: _dictionary({k: out[k] for k in described}))
    if include_contacts and matched is not None:
        people = part.rows_on_map(matched, events)  # what the figures count
        if event_ids:
            people = people.loc[people["event_id"].isin(event_ids)]
        keep = set(filtered["geoid"]) if (regions or counties) else None
        if keep is not None:
            people = people.loc[people["geoid"].isin(keep)]
        ref_name = dict(zip(reference["geoid"], reference["name"]))
        people = people.assign(
            event=people["event_id"].map(labels),
            district=people["geoid"].map(ref_name),
        )
        base = ["event_id", "event", "geoid", "district", "role", "status"]
        contact = contact_columns(people.columns)
        if "email" in people:  # invalid addresses are kept as typed, and marked
            valid = people["email"].map(
                lambda e: pd.NA if pd.isna(e) else normalize_email(e) is not None
            )
            people = people.assign(email_valid=valid.astype("boolean"))
            contact.append("email_valid")
        out["contacts"] = people[
            [c for c in base if c in people] + contact
        ].reset_index(drop=True)
    return out


def _dictionary(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """``table``, ``column``, ``title``, ``definition`` of every column of ``tables``.

    Every column with a definition; ``title`` is its title in the files.
    """
    where: dict[str, list[str]] = {}
    for key, frame in tables.items():
        for column in frame.columns:
            where.setdefault(str(column), []).append(TABLE_NAMES[key])
    names = [c for c in where if column_definition(c)]
    return pd.DataFrame(
        {
            "table": ["; ".join(where[c]) for c in names],
            "column": names,
            "title": [column_spec(c).title for c in names],
            "definition": [column_definition(c) for c in names],
        },
        dtype="string",
    )
