"""From the grid of cells to canonical roster rows: one function per column.

:func:`build` takes what :func:`loaders.roster.layout.parse` read and the
column mapping, and fills each canonical column with its own function
(:func:`county_column`, :func:`email_column`, :func:`code_column`,
:func:`role_column`, :func:`status_column`, :func:`event_column`...). Each
function reads its source column(s) through :class:`Body`, normalises the
values (:mod:`loaders.codes`, :mod:`loaders.vocab`, :mod:`loaders.counties`)
and reports a cell it cannot read as an *issue* of that row. Rows naming no
district, COE or code are *rejected* (:func:`rejected_rows`), the same person
at the same event twice is merged (:mod:`loaders.roster.dedupe`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from loaders.codes import normalize_codes
from loaders.counties import normalize_county
from loaders.roster.cells import cell_text
from loaders.roster.contacts import (
    CONTACT_TARGETS,
    EMAIL_PROBLEM,
    contact_columns,
    normalize_email,
)
from loaders.roster.dedupe import merge_duplicates
from loaders.roster.headers import used_headers
from loaders.roster.layout import Parsed
from loaders.roster.model import (
    ENTITY_COLUMNS,
    ISSUE_COLUMNS,
    JOIN,
    REJECTED_COLUMNS,
    ROSTER_COLUMNS,
    RosterLoad,
)
from loaders.vocab import (
    STATUSES,
    UNREADABLE_STATUS,
    fold,
    normalize_event,
    normalize_role,
    normalize_status,
    parse_date,
    status_yes_means,
)

__all__ = [
    "Body",
    "build",
    "private_columns",
    "code_column",
    "county_column",
    "email_column",
    "event_column",
    "event_date_column",
    "rejected_rows",
    "role_column",
    "status_column",
]

_HONORIFICS = {"mr", "ms", "mrs", "miss", "dr", "mx", "prof", "hon", "sr", "sra"}
#: Code columns: canonical column, kind for :func:`loaders.codes.normalize_codes`,
#: label in messages.
_CODES = (
    ("cds_code", "cds", "CDS code"),
    ("cd_code", "cd", "CD code"),
    ("nces_id", "nces", "NCES id"),
)


@dataclass
class Body:
    """The non-blank data rows of a file, and what is said about them.

    Attributes
    ----------
    filename : str
        Name used in ``issues``.
    mapping : dict
        Canonical column → source header(s) (``" + "``-joined).
    col_of : dict
        Source header → 0-based position in a row.
    rows : list of list
        Cell values as read, one list per row.
    texts : list of list of str
        The same cells as text (:func:`~loaders.roster.cells.cell_text`).
    source_rows : numpy.ndarray
        ``int64``: 1-based row number of each row in the file or sheet.
    row_notes : list of list of str
        Notes and problems of each row (filled by the column functions).
    issues : list of dict
        Cells that could not be read: ``file``, ``row``, ``column``, ``value``,
        ``reason``.
    notes : list of str
        File-level notes.
    """

    filename: str
    mapping: dict[str, str]
    col_of: dict[str, int]
    rows: list[list[Any]]
    texts: list[list[str]]
    source_rows: np.ndarray
    row_notes: list[list[str]] = field(default_factory=list)
    issues: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.row_notes:
            self.row_notes = [[] for _ in self.rows]

    def __len__(self) -> int:
        return len(self.rows)

    def headers(self, target: str) -> list[str]:
        """The source headers mapped to ``target`` (empty when unmapped)."""
        header = self.mapping.get(target)
        return header.split(JOIN) if header else []

    def values(self, header: str) -> list[Any]:
        """The cell values of one source column, row by row."""
        j = self.col_of[header]
        return [r[j] for r in self.rows]

    def raw(self, target: str) -> list[Any] | None:
        """Cell values of the (first) source column of ``target``, or None."""
        headers = self.headers(target)
        return self.values(headers[0]) if headers else None

    def text(self, target: str) -> list[str]:
        """Text of ``target``'s column(s), joined with spaces; ``""`` if unmapped."""
        js = [self.col_of[h] for h in self.headers(target)]
        if not js:
            return [""] * len(self)
        if len(js) == 1:
            return [t[js[0]] for t in self.texts]
        return [" ".join(t[j] for j in js if t[j]) for t in self.texts]

    def issue(
        self, i: int, target: str, value: Any, reason: str, column: str | None = None
    ) -> None:
        """Report a cell of row ``i`` that could not be read (and note it)."""
        self.issues.append(
            {
                "file": self.filename,
                "row": int(self.source_rows[i]),
                "column": column or self.mapping.get(target, target),
                "value": cell_text(value),
                "reason": reason,
            }
        )
        self.row_notes[i].append(reason)


def county_column(body: Body) -> list[str]:
    """``county``: one of the 58 county names, else the text as typed + an issue."""
    out = []
    known: dict[str, str | None] = {}
    for i, text in enumerate(body.text("county")):
        if not text:
            out.append("")
            continue
        if text not in known:
            known[text] = normalize_county(text)
        name = known[text]
        if name is None:
            problem = f"county {text!r} is not one of California's 58 counties"
            body.issue(i, "county", text, problem)
            name = text
        out.append(name)
    return out


def email_column(body: Body) -> list[str]:
    """``email``: the address lower-cased, or the cell as typed + an issue.

    The issue's reason (:data:`~loaders.roster.contacts.EMAIL_PROBLEM`) never
    quotes the cell.
    """
    out = []
    for i, typed in enumerate(body.text("email")):
        text = normalize_email(typed)
        if text is None:  # kept as typed; the reason never quotes it
            text = typed.strip()
            body.issue(i, "email", text, EMAIL_PROBLEM)
        out.append(text)
    return out


def code_column(
    body: Body, target: str, kind: str, label: str
) -> tuple[list[str], list[list[str]]]:
    """A code column (``cds_code``, ``cd_code``, ``nces_id``), normalised.

    Returns
    -------
    values : list of str
        Canonical codes (:func:`loaders.codes.normalize_codes`), ``""`` when
        missing or unreadable.
    problems : list of list of str
        Each row's problems with this code (also reported as issues), for the
        reason of a rejected row.
    """
    problems: list[list[str]] = [[] for _ in range(len(body))]
    cells = body.raw(target)
    if cells is None:
        return [""] * len(body), problems
    result = normalize_codes(pd.Series(cells, dtype=object), kind)
    for i in np.flatnonzero(result["problem"].notna().to_numpy()):
        reason = f"{label}: {result['problem'].iat[i]}"
        body.issue(int(i), target, cells[i], reason)
        problems[int(i)].append(reason)
    for i in np.flatnonzero(result["note"].notna().to_numpy()):
        body.row_notes[int(i)].append(f"{label}: {result['note'].iat[i]}")
    return result["value"].fillna("").tolist(), problems


def role_column(body: Body) -> list[str]:
    """``role``: one of the four team roles, else ``""`` + an issue.

    A column that mostly holds honorifics (Mr., Dr., ...) is no role column: it
    is unmapped (``body.mapping``) with a file note.
    """
    roles = [""] * len(body)
    cells = body.raw("role")
    if cells is None:
        return roles
    texts = [cell_text(v) for v in cells]
    filled = [t for t in texts if t]
    honorific = sum(
        count
        for text, count in pd.Series(filled, dtype=object).value_counts().items()
        if fold(text) in _HONORIFICS
    )
    if filled and honorific > 0.5 * len(filled):
        body.notes.append(
            f"column {body.mapping['role']!r} holds honorifics (Mr., Dr., ...), not "
            "roles; not used as the role"
        )
        body.mapping.pop("role")
        return roles
    known: dict[str, Any] = {}
    for i, text in enumerate(texts):
        if not text:
            continue
        if text not in known:
            known[text] = normalize_role(text)
        result = known[text]
        if result.problem:
            body.issue(i, "role", text, result.problem)
        else:
            roles[i] = result.value
    return roles


def status_column(body: Body) -> list[str]:
    """``status`` from one or several columns: the row's furthest status wins.

    "attended" beats "cancelled", which beats the others in the order of
    :data:`loaders.vocab.STATUSES`; a cell that is no status is an issue of the
    column it is in, and a row with no readable status but such a cell has the
    status :data:`loaders.vocab.UNREADABLE_STATUS` (not on the map).
    """
    statuses = [""] * len(body)
    parts = body.headers("status")
    if not parts:
        return statuses
    per_col = []
    for header in parts:
        yes_means = status_yes_means(header)
        known: dict[Any, Any] = {}
        column = []
        for value in body.values(header):
            key = (type(value), value)
            if key not in known:
                known[key] = normalize_status(value, yes_means=yes_means)
            column.append(known[key])
        per_col.append(column)
    for i in range(len(body)):
        results = [(parts[k], per_col[k][i]) for k in range(len(parts))]
        for h, r in results:
            if r.problem:
                body.issue(
                    i, "status", body.rows[i][body.col_of[h]], r.problem, column=h
                )
        good = [r for _, r in results if r.value]
        if not good:
            if any(r.problem for _, r in results):
                statuses[i] = UNREADABLE_STATUS
            continue
        values = [r.value for r in good]
        if "attended" in values:
            chosen = "attended"
        elif "cancelled" in values:
            chosen = "cancelled"
        else:
            chosen = min(values, key=STATUSES.index)
        statuses[i] = chosen
        for r in good:
            if r.value == chosen and r.note:
                body.row_notes[i].append(r.note)
                break
    return statuses


def event_date_column(body: Body) -> list[Any]:
    """Dates of the ``event_date`` column (``datetime.date`` or None) + issues."""
    dates: list[Any] = [None] * len(body)
    cells = body.raw("event_date")
    if cells is None:
        return dates
    known: dict[Any, Any] = {}
    for i, value in enumerate(cells):
        if value is None or cell_text(value) == "":
            continue
        key = (type(value), value)
        if key not in known:
            known[key] = parse_date(value)
        result = known[key]
        if result.problem:
            body.issue(i, "event_date", value, result.problem)
        else:
            dates[i] = result.value
    return dates


def event_column(
    body: Body,
    dates: list[Any],
    event_id: str | None,
    events: pd.DataFrame | None = None,
) -> list[str]:
    """``event_id`` from the event text and date; ``event_id`` fills the gaps.

    ``events`` is the table the text and dates are recognised in (default the
    published events; see :func:`loaders.vocab.normalize_event`). Notes on how
    events were recognised are counted per note (file notes), as is a missing
    event column.
    """
    ids: list[str] = []
    counts: dict[str, int] = {}
    known: dict[Any, Any] = {}
    for i, text in enumerate(body.text("event_id")):
        key = (text, dates[i])
        if key not in known:
            known[key] = normalize_event(text or None, date=dates[i], events=events)
        result = known[key]
        value = result.value or ""
        if not value and event_id:
            value = event_id
        elif result.note and (text or dates[i]):
            counts[result.note] = counts.get(result.note, 0) + 1
        ids.append(value)
    body.notes += [f"{note} ({count} rows)" for note, count in counts.items()]
    if not body.mapping.get("event_id") and not body.mapping.get("event_date"):
        if event_id:
            body.notes.append(f"no event column: every row set to event {event_id}")
        else:
            body.notes.append("no event column: event_id is empty; choose the event")
    return ids


def rejected_rows(
    body: Body,
    out: dict[str, list[Any]],
    code_problems: list[list[str]],
    source: pd.DataFrame,
    private: list[str],
) -> tuple[list[dict[str, Any]], np.ndarray]:
    """Rows naming no district, COE or code: rejected with the reason.

    Parameters
    ----------
    body : Body
        The rows.
    out : dict
        Canonical column → values (the entity columns are read).
    code_problems : list of list of str
        Each row's code problems (why a code could not identify the entity).
    source : pandas.DataFrame
        The rows as text (source headers), for the ``values`` of a rejection.
    private : list of str
        Source headers never quoted in ``values`` (contact details).

    Returns
    -------
    rejected : list of dict
        :data:`~loaders.roster.model.REJECTED_COLUMNS` records.
    keep : numpy.ndarray
        Positions of the rows kept.
    """
    n = len(body)
    has_entity = np.array(
        [any(out[c][i] for c in ENTITY_COLUMNS) for i in range(n)], dtype=bool
    )
    entity_headers = " / ".join(
        body.mapping[t] for t in ENTITY_COLUMNS if t in body.mapping
    )
    shown = [h for h in source.columns if h not in set(private)]
    rejected = []
    for i in np.flatnonzero(~has_entity):
        if code_problems[i]:
            reason = "no district or COE name, and " + "; ".join(code_problems[i])
        else:
            reason = (
                "no district or COE: the district/COE name and code columns are empty"
            )
        rejected.append(
            {
                "file": body.filename,
                "row": int(body.source_rows[i]),
                "column": entity_headers,
                "reason": reason,
                "values": " | ".join(t for t in source.iloc[i][shown].fillna("") if t),
            }
        )
    return rejected, np.flatnonzero(has_entity)


def _body(parsed: Parsed, mapping: dict[str, str]) -> tuple[Body, pd.DataFrame]:
    """The non-blank rows (blank ones counted in a note) and the source text."""
    layout = parsed.layout
    headers = layout.headers
    body = parsed.grid[1:]
    body_numbers = parsed.row_numbers[1:]  # 1-based file row of each body row
    memo: dict[Any, str] = {}

    def cell(value: Any) -> str:
        if value is None or value == "":
            return ""
        # str keys directly; other types keyed with their type (1 != True here)
        key = value if type(value) is str else (type(value), value)
        text = memo.get(key)
        if text is None:
            text = memo[key] = cell_text(value)
        return text

    texts = [[cell(v) for v in r] for r in body]
    nonblank = [i for i, t in enumerate(texts) if any(t)]
    notes = list(layout.notes)
    blank = parsed.blank_rows + len(body) - len(nonblank)
    if blank:
        notes.append(f"{blank:,} blank rows skipped")
    kept_texts = [texts[i] for i in nonblank]
    source_rows = np.array([body_numbers[i] for i in nonblank], dtype=np.int64)
    source = pd.DataFrame(kept_texts, columns=headers, dtype="string").set_axis(
        pd.Index(source_rows, name="source_row"), axis=0
    )
    rows = Body(
        filename=layout.filename,
        mapping=mapping,
        col_of={h: j for j, h in enumerate(headers)},
        rows=[body[i] for i in nonblank],
        texts=kept_texts,
        source_rows=source_rows,
        notes=notes,
    )
    return rows, source


def private_columns(source: pd.DataFrame, mapping: dict[str, str]) -> list[str]:
    """Source headers holding contact details, in file order.

    The columns mapped to ``person_name`` or ``email`` and every column
    :func:`~loaders.roster.contacts.contact_columns` recognises (``roster=True``:
    a bare "Name" is a person's).
    """
    mapped = {h for t in CONTACT_TARGETS for h in (mapping.get(t) or "").split(JOIN)}
    found = set(contact_columns(source, roster=True)) | mapped
    return [h for h in source.columns if h in found]


def build(
    parsed: Parsed,
    mapping: dict[str, str],
    ambiguous: dict[str, list[str]],
    event_id: str | None,
    events: pd.DataFrame | None = None,
) -> RosterLoad:
    """Canonical roster rows from a parsed file and its column mapping.

    Parameters
    ----------
    parsed : Parsed
        :func:`loaders.roster.layout.parse` of the file.
    mapping : dict
        Canonical column → source header(s), checked by the caller (a
        ``role`` column of honorifics is dropped from it here).
    ambiguous : dict
        Canonical column → headers that could each feed it (for the result).
    event_id : str or None
        Event of rows whose event is missing.
    events : pandas.DataFrame, optional
        The events the event column is read against (see
        :func:`loaders.roster.read_roster`).

    Returns
    -------
    RosterLoad
        See :func:`loaders.roster.read_roster`.
    """
    layout = parsed.layout
    body, source = _body(parsed, mapping)
    out: dict[str, list[Any]] = {
        "entity_name": body.text("entity_name"),
        "county": county_column(body),
        "person_name": body.text("person_name"),
        "email": email_column(body),
    }
    code_problems: list[list[str]] = [[] for _ in range(len(body))]
    for target, kind, label in _CODES:
        out[target], problems = code_column(body, target, kind, label)
        for i, found in enumerate(problems):
            code_problems[i] += found
    out["role"] = role_column(body)
    out["status"] = status_column(body)
    out["event_id"] = event_column(body, event_date_column(body), event_id, events)

    private = private_columns(source, mapping)
    rejected, keep = rejected_rows(body, out, code_problems, source, private)
    notes = body.notes
    if rejected:
        notes.append(f"{len(rejected)} rows rejected (no district or COE)")
    # Issues of rejected rows are reported by the rejection itself.
    rejected_numbers = {r["row"] for r in rejected}
    issues = [x for x in body.issues if x["row"] not in rejected_numbers]

    frame = pd.DataFrame({c: [out[c][i] for i in keep] for c in ROSTER_COLUMNS})
    frame = frame.astype("string").replace("", pd.NA)
    frame["source_row"] = pd.array(body.source_rows[keep], dtype="Int64")
    kept_notes = [body.row_notes[i] for i in keep]
    frame, kept_notes, merged = merge_duplicates(frame, kept_notes)
    merged_into = frame.attrs.pop("merged_into", {})
    if merged:
        notes.append(f"{merged} duplicate rows (same person, same event) merged")
    frame["row_notes"] = pd.array(
        ["; ".join(dict.fromkeys(x)) if x else pd.NA for x in kept_notes],
        dtype="string",
    )
    frame = frame.reset_index(drop=True)

    text = {"file": "string", "column": "string", "reason": "string"}
    return RosterLoad(
        rows=frame,
        rejected=pd.DataFrame(rejected, columns=REJECTED_COLUMNS).astype(
            {**text, "values": "string"}
        ),
        issues=pd.DataFrame(issues, columns=ISSUE_COLUMNS).astype(
            {**text, "value": "string"}
        ),
        column_map=mapping,
        unmapped_columns=[h for h in layout.headers if h not in used_headers(mapping)],
        sheets=layout.sheets,
        sheet=layout.sheet,
        header_row=layout.header_row,
        layout_signature=layout.layout_signature,
        notes=notes,
        filename=layout.filename,
        file_type=layout.file_type,
        encoding=layout.encoding,
        delimiter=layout.delimiter,
        ambiguous=ambiguous,
        source=source,
        merged_into=merged_into,
        contact_columns=private,
    )
