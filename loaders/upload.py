"""What an upload merges: rows that count as a person already on a roster.

A person counts once per event (:mod:`loaders.participation.people`). At upload
the Data page says which rows of the new file will therefore not count again
(:func:`merged_rows`):

* rows the reader merged because the same person is listed twice for the same
  event in the file (``RosterLoad.merged_into``);
* matched rows that are the same person at the same event as an earlier row of
  the file, or of a roster already saved — an updated export uploaded on top of
  an earlier one (:func:`loaders.participation.duplicate_people` on the saved
  rows followed by the new ones).

The result names no person: file row, event, role, district, and which row it
is the same as.

How many rows a file has is said one way everywhere (the Data page's preview,
the Map page's roster line, the command line): :class:`RowCounts`, e.g. "9 rows
read: 8 usable, 1 rejected"; and the preview's "All" lists every one of those
rows (:func:`preview_rows`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from loaders.participation import duplicate_people

__all__ = [
    "HIDDEN",
    "MERGED_COLUMNS",
    "NEW_ROSTER_ID",
    "REJECTED_STATUS",
    "RowCounts",
    "hide_contact_cells",
    "merged_rows",
    "preview_rows",
    "row_counts",
]

#: ``roster_id`` given to the rows of the file being uploaded.
NEW_ROSTER_ID = 0
#: Columns of :func:`merged_rows`.
MERGED_COLUMNS: tuple[str, ...] = (
    "source_row",
    "event_id",
    "role",
    "district",
    "same_as",
    "reason",
)
#: What :func:`hide_contact_cells` shows instead of a contact cell.
HIDDEN = "(hidden)"
_READER_REASON = "listed twice in this file for the same event (merged when read)"


def _district(rows: pd.DataFrame) -> pd.Series:
    """The matched name, else the name as typed, of each row (string)."""
    name = pd.Series(pd.NA, index=rows.index, dtype="string")
    for col in ("entity_name", "matched_name"):  # the matched name wins
        if col in rows.columns:
            name = rows[col].astype("string").where(rows[col].notna(), name)
    return name


def merged_rows(
    matched: pd.DataFrame,
    *,
    merged_into: Mapping[int, int] | None = None,
    saved: pd.DataFrame | None = None,
    roster_names: Mapping[int, str] | None = None,
) -> pd.DataFrame:
    """Rows of an upload that count as a person already counted.

    Parameters
    ----------
    matched : pandas.DataFrame
        The uploaded file's matched rows (``source_row``, ``event_id``,
        ``role``, ``status``, ``match_status``, ``geoid``, ``entity_name``,
        ``matched_name``; ``person_name`` / ``email`` to tell people apart).
    merged_into : mapping of int to int, optional
        ``RosterLoad.merged_into``: file row merged when read → file row kept.
    saved : pandas.DataFrame, optional
        The rows already saved (:meth:`loaders.workspace.Workspace.all_rows`,
        with ``roster_id``); a new row that is the same person at the same
        event as a saved row is reported against that row.
    roster_names : mapping of int to str, optional
        Saved roster id → name, for ``same_as``.

    Returns
    -------
    pandas.DataFrame
        :data:`MERGED_COLUMNS`, in file order: ``source_row`` (Int64, the
        merged row as the file numbers it), ``event_id``, ``role``,
        ``district`` (matched name, else the name as typed), ``same_as``
        ("row 3", or "row 3 of saved roster #1 spring") and ``reason`` (all
        string). No person's name or e-mail. Empty when nothing merges.
    """
    parts: list[pd.DataFrame] = []
    if "source_row" in matched.columns:
        by_row = matched.set_index(pd.to_numeric(matched["source_row"]), drop=False)
    else:
        by_row = matched.set_index(pd.RangeIndex(2, len(matched) + 2), drop=False)
    if merged_into:
        kept = [int(k) for k in merged_into.values()]
        found = by_row.reindex(kept)
        parts.append(
            pd.DataFrame(
                {
                    "source_row": [int(m) for m in merged_into],
                    "event_id": found["event_id"].astype("string").to_numpy()
                    if "event_id" in found.columns
                    else pd.NA,
                    "role": found["role"].astype("string").to_numpy()
                    if "role" in found.columns
                    else pd.NA,
                    "district": _district(found).to_numpy(),
                    "same_as": [f"row {k}" for k in kept],
                    "reason": _READER_REASON,
                }
            )
        )
    new = matched.copy()
    if "source_row" not in new.columns:
        new["source_row"] = pd.array(range(2, len(new) + 2), dtype="Int64")
    new.insert(0, "roster_id", pd.array([NEW_ROSTER_ID] * len(new), dtype="Int64"))
    if saved is not None and len(saved):
        both = pd.concat([saved, new], ignore_index=True)
    else:
        both = new
    dup = duplicate_people(both)
    if len(dup):
        dup = dup[dup["roster_id"] == NEW_ROSTER_ID]
    if len(dup):
        names = roster_names or {}
        same = [
            f"row {int(r)}"
            if int(rid) == NEW_ROSTER_ID
            else f"row {int(r)} of saved roster #{int(rid)}"
            + (f" {names[int(rid)]}" if int(rid) in names else "")
            for r, rid in zip(dup["same_as_row"], dup["same_as_roster_id"], strict=True)
        ]
        district = _district(by_row).reindex(dup["source_row"].astype(int))
        parts.append(
            pd.DataFrame(
                {
                    "source_row": dup["source_row"].astype(int).to_numpy(),
                    "event_id": dup["event_id"].astype("string").to_numpy(),
                    "role": dup["role"].astype("string").to_numpy(),
                    "district": district.to_numpy(),
                    "same_as": same,
                    "reason": dup["reason"].astype("string").to_numpy(),
                }
            )
        )
    if not parts:
        frame = pd.DataFrame({c: pd.Series(dtype="string") for c in MERGED_COLUMNS})
    else:
        frame = pd.concat(parts, ignore_index=True)
        frame = frame.sort_values("source_row", kind="stable", ignore_index=True)
    frame = frame.astype({c: "string" for c in MERGED_COLUMNS[1:]})
    frame["source_row"] = frame["source_row"].astype("Int64")
    return frame[list(MERGED_COLUMNS)]


def hide_contact_cells(
    issues: pd.DataFrame, contact_columns: Iterable[str]
) -> pd.DataFrame:
    """Cells that could not be read, with the text of contact cells hidden.

    Parameters
    ----------
    issues : pandas.DataFrame
        ``RosterLoad.issues`` (``column``: source header, ``value``: the
        cell's text).
    contact_columns : iterable of str
        Source headers holding contact details (``RosterLoad.contact_columns``;
        a joined ``"First + Last"`` header counts as its parts).

    Returns
    -------
    pandas.DataFrame
        A copy whose ``value`` is :data:`HIDDEN` where ``column`` is a contact
        column. The reasons never quote a cell, so they stay.

    Examples
    --------
    >>> issues = pd.DataFrame({"column": ["Email", "Date"], "value": ["a AT b", "x"]})
    >>> hide_contact_cells(issues, ["First + Last", "Email"])["value"].tolist()
    ['(hidden)', 'x']
    """
    private = {p for c in contact_columns for p in str(c).split(" + ") if p}
    out = issues.copy()
    hide = out["column"].astype("string").isin(private).fillna(False)
    out["value"] = out["value"].astype("string").mask(hide.astype(bool), HIDDEN)
    return out


#: ``match_status`` :func:`preview_rows` gives a row the reader rejected.
REJECTED_STATUS = "rejected"
#: ``match_status`` :func:`preview_rows` gives a merged duplicate row.
MERGED_STATUS = "merged"


@dataclass(frozen=True)
class RowCounts:
    """How many data rows a roster file (or the saved rosters) has, and what became
    of them: the one count every page and command says.

    Attributes
    ----------
    usable : int
        Rows read into roster rows (matched or not): ``len(RosterLoad.rows)``.
    rejected : int
        Rows the reader could not use (distinct rows of ``RosterLoad.rejected``).
    merged : int
        Rows merged into an earlier row (the same person twice at the same
        event): ``len(RosterLoad.merged_into)``.
    """

    usable: int
    rejected: int = 0
    merged: int = 0

    @property
    def read(self) -> int:
        """Every data row: usable + rejected + merged."""
        return self.usable + self.rejected + self.merged

    def text(self) -> str:
        """The counts as every page and command says them.

        Examples
        --------
        >>> RowCounts(8, 1).text()
        '9 rows read: 8 usable, 1 rejected'
        >>> RowCounts(1, 0, 2).text()
        '3 rows read: 1 usable, 0 rejected, 2 merged as duplicates'
        """
        read = f"{self.read:,} row{'s' if self.read != 1 else ''} read"
        text = f"{read}: {self.usable:,} usable, {self.rejected:,} rejected"
        if self.merged:
            text += f", {self.merged:,} merged as duplicate"
            text += "s" if self.merged != 1 else ""
        return text


def _rejected_rows(rejected: pd.DataFrame | None) -> int:
    if rejected is None or len(rejected) == 0:
        return 0
    if "row" in rejected.columns:
        return int(rejected["row"].nunique())
    return len(rejected)


def row_counts(load) -> RowCounts:
    """The :class:`RowCounts` of a file the reader read.

    Parameters
    ----------
    load : loaders.roster.RosterLoad
        ``rows``, ``rejected`` (one line per problem: a row may appear twice)
        and ``merged_into``.

    Returns
    -------
    RowCounts
    """
    return RowCounts(
        usable=len(load.rows),
        rejected=_rejected_rows(getattr(load, "rejected", None)),
        merged=len(getattr(load, "merged_into", None) or {}),
    )


def preview_rows(load, matched: pd.DataFrame) -> pd.DataFrame:
    """Every data row of a file, in file order: the preview's "All".

    Parameters
    ----------
    load : loaders.roster.RosterLoad
        The reader's result (``rejected``: ``row``, ``column``, ``reason``;
        ``merged_into``).
    matched : pandas.DataFrame
        :func:`loaders.matching.match_roster` of ``load.rows`` (with
        ``source_row``), after any event choice.

    Returns
    -------
    pandas.DataFrame
        ``matched``'s columns, :attr:`RowCounts.read` rows sorted by
        ``source_row`` (Int64): the usable rows as they are; a rejected row
        (its text cells ``""``: nothing was read from it) with
        ``match_status`` :data:`REJECTED_STATUS` and the reader's reason in
        ``match_note`` (``"rejected: <column>: <reason>"``; no cell text, so no
        contact details); a merged duplicate with ``match_status``
        ``"merged"``, the event, role and district of the row it was merged
        into and ``match_note`` ``"duplicate of row N (merged)"``.
    """
    parts = [matched]
    rejected = getattr(load, "rejected", None)
    if rejected is not None and len(rejected):
        why = (
            rejected.assign(
                _why=rejected["column"].fillna("").astype(str)
                + ": "
                + rejected["reason"].astype(str)
            )
            .groupby("row", sort=True)["_why"]
            .agg("; ".join)
        )
        parts.append(
            pd.DataFrame(
                {
                    "source_row": pd.array([int(r) for r in why.index], dtype="Int64"),
                    "match_status": REJECTED_STATUS,
                    "match_note": ["rejected: " + w for w in why],
                }
            )
        )
    merged_into = getattr(load, "merged_into", None) or {}
    if merged_into and "source_row" in matched.columns:
        by_row = matched.set_index(pd.to_numeric(matched["source_row"]), drop=False)
        shown = ("event_id", "entity_name", "county", "role", "status", "geoid",
                 "matched_name")  # fmt: skip
        keep = [c for c in shown if c in matched.columns]
        kept = [int(k) for k in merged_into.values()]
        found = by_row.reindex(kept)[keep].reset_index(drop=True)
        found = found.assign(
            source_row=pd.array([int(m) for m in merged_into], dtype="Int64"),
            match_status=MERGED_STATUS,
            match_note=[f"duplicate of row {k} (merged)" for k in kept],
        )
        parts.append(found)
    out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else matched.copy()
    if "source_row" in out.columns:
        out["source_row"] = pd.to_numeric(out["source_row"]).astype("Int64")
        out = out.sort_values("source_row", kind="stable", ignore_index=True)
    added = out["match_status"].isin([REJECTED_STATUS, MERGED_STATUS]).to_numpy()
    for col in out.columns:  # the dtypes of matched (concat makes them object)
        if col in ("match_status", "match_note") or (
            col in matched.columns and matched[col].dtype == "string"
        ):
            out[col] = out[col].astype("string")
            out.loc[added & out[col].isna().to_numpy(), col] = ""  # nothing read
    return out
