"""Review of uncertain matches: which rows wait for a person, and what a decision
does to them.

Pure functions on matched-roster frames (ARCHITECTURE.md "Matched roster"); the
workspace stores the decisions (:meth:`loaders.workspace.Workspace.
set_review_choice`, :meth:`~loaders.workspace.Workspace.confirm_review`) and
calls these to group rows and to apply decisions.

A row waits for review when its ``match_status`` is ``ambiguous`` or
``unmatched`` and no review has decided it yet (``match_method`` is not
:data:`REVIEW_METHOD`). Rows are reviewed in groups: one group per (entity
name, county) as typed, since a decision about a name holds for every row that
spells it so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from loaders.counties import normalize_county

__all__ = [
    "CONFIRMED_NOTE",
    "GROUP_COLUMNS",
    "NEEDS_REVIEW",
    "NOT_CALIFORNIA_NOTE",
    "REVIEW_METHOD",
    "alias_county",
    "alias_scope_text",
    "apply_decisions",
    "decision_counts",
    "needs_review",
    "review_groups",
    "value_counts_text",
]

#: ``match_method`` written by a review decision.
REVIEW_METHOD = "review"
#: ``match_note`` of rows decided "not a California district".
NOT_CALIFORNIA_NOTE = "not a California district"
#: ``match_note`` of rows whose district or COE a person chose.
CONFIRMED_NOTE = "confirmed in review"
#: ``match_status`` values that wait for a person.
NEEDS_REVIEW: tuple[str, ...] = ("ambiguous", "unmatched")
#: Columns of :func:`review_groups`, in order.
GROUP_COLUMNS: tuple[str, ...] = (
    "entity_name",
    "county",
    "match_status",
    "n_rows",
    "row_indexes",
    "source_rows",
    "matched_name",
    "runner_up",
    "pending_geoid",
    "pending_name",
    "pending_not_california",
    "events",
    "roles",
    "statuses",
    "match_notes",
)
_GROUP_TEXT = ("entity_name", "county", "match_status", "matched_name", "runner_up",
               "pending_geoid", "pending_name", "events", "roles",
               "statuses", "match_notes")  # fmt: skip


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name].astype("string")
    return pd.Series(pd.NA, index=frame.index, dtype="string")


def _first(frame: pd.DataFrame, name: str) -> Any:
    s = _col(frame, name).dropna()
    return s.iloc[0] if len(s) else pd.NA


def _plain(value: Any) -> Any:
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value.item() if hasattr(value, "item") else value


def value_counts_text(values: pd.Series) -> str:
    """Distinct values with their counts, most frequent first: ``"a ×2, b"``.

    Missing values count as "not given". A value seen once has no count.

    Examples
    --------
    >>> value_counts_text(pd.Series(["applied", "attended", "applied", None]))
    'applied ×2, attended, not given'
    """
    counts = values.astype("string").fillna("not given").value_counts(sort=False)
    order = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return ", ".join(f"{v} ×{n}" if n > 1 else str(v) for v, n in order)


def needs_review(rows: pd.DataFrame) -> pd.Series:
    """Which rows wait for a person.

    Parameters
    ----------
    rows : pandas.DataFrame
        A matched roster (``match_status``; ``match_method`` when present).

    Returns
    -------
    pandas.Series
        bool, aligned with ``rows``: status ``ambiguous`` or ``unmatched`` and
        not yet decided in review. All False when ``match_status`` is absent.

    Examples
    --------
    >>> rows = pd.DataFrame({"match_status": ["matched", "ambiguous", "unmatched"],
    ...                      "match_method": ["cd_code", "fuzzy", "review"]})
    >>> needs_review(rows).tolist()
    [False, True, False]
    """
    if "match_status" not in rows.columns:
        return pd.Series(False, index=rows.index, dtype=bool)
    status = rows["match_status"].astype("string")
    method = _col(rows, "match_method")
    todo = status.isin(NEEDS_REVIEW) & (method != REVIEW_METHOD).fillna(True)
    return todo.fillna(False).astype(bool)


def review_groups(
    rows: pd.DataFrame, pending: Mapping[int, Any] | None = None
) -> pd.DataFrame:
    """The rows of one roster that wait for review, one line per (name, county).

    Parameters
    ----------
    rows : pandas.DataFrame
        One matched roster, in file order (positions are the row indexes).
    pending : mapping of int to choice, optional
        Choices made but not confirmed, by 0-based row position; a choice has
        attributes ``geoid``, ``matched_name``, ``not_california`` (e.g. a row
        of :meth:`loaders.workspace.Workspace.review_choices`). A group shows
        the first choice among its rows.

    Returns
    -------
    pandas.DataFrame
        :data:`GROUP_COLUMNS`, sorted by entity name then county:
        ``entity_name``, ``county`` (string; ``<NA>`` county when none),
        ``match_status`` (``ambiguous`` when any row is, else ``unmatched``),
        ``n_rows`` (Int64), ``row_indexes`` (list of int, 0-based positions),
        ``source_rows`` (list: the file's row numbers, or position + 2 when
        unknown), ``matched_name`` / ``runner_up`` (the matcher's best guesses,
        string), ``pending_geoid`` / ``pending_name`` (string),
        ``pending_not_california`` (bool), ``events``, ``roles``,
        ``statuses`` (string: the group's values with their row counts,
        :func:`value_counts_text`), ``match_notes`` (string: the matcher's
        distinct notes, e.g. "code and name disagree: …", ``"; "``-joined;
        ``<NA>`` when none).

    Examples
    --------
    >>> rows = pd.DataFrame({"entity_name": ["Foo", "Foo", "Bar"],
    ...                      "county": ["Kern", "Kern", None],
    ...                      "match_status": ["unmatched", "ambiguous", "matched"]})
    >>> g = review_groups(rows)
    >>> g[["entity_name", "match_status", "n_rows"]].to_dict("records")
    [{'entity_name': 'Foo', 'match_status': 'ambiguous', 'n_rows': 2}]
    >>> g["row_indexes"].iloc[0], g["source_rows"].iloc[0]
    ([0, 1], [2, 3])
    """
    pending = pending or {}
    rows = rows.reset_index(drop=True)
    sub = rows[needs_review(rows)]
    out = []
    if not sub.empty:
        names = _col(sub, "entity_name").fillna("")
        counties = _col(sub, "county").fillna("")
        for (name, county), grp in sub.groupby([names, counties], sort=True):
            idx = [int(i) for i in grp.index]
            choice = next((pending[i] for i in idx if i in pending), None)
            statuses = set(grp["match_status"].astype(str))
            source = (
                grp["source_row"] if "source_row" in grp.columns else pd.Series(idx) + 2
            )
            out.append(
                {
                    "entity_name": name,
                    "county": county or pd.NA,
                    "match_status": "ambiguous"
                    if "ambiguous" in statuses
                    else "unmatched",
                    "n_rows": len(idx),
                    "row_indexes": idx,
                    "source_rows": [_plain(v) for v in source.tolist()],
                    "matched_name": _first(grp, "matched_name"),
                    "runner_up": _first(grp, "runner_up"),
                    "pending_geoid": None if choice is None else choice.geoid,
                    "pending_name": None if choice is None else choice.matched_name,
                    "pending_not_california": bool(
                        choice is not None and choice.not_california
                    ),
                    "events": value_counts_text(_col(grp, "event_id")),
                    "roles": value_counts_text(_col(grp, "role")),
                    "statuses": value_counts_text(_col(grp, "status")),
                    "match_notes": "; ".join(
                        dict.fromkeys(_col(grp, "match_note").dropna().astype(str))
                    )
                    or pd.NA,
                }
            )
    frame = pd.DataFrame(out, columns=list(GROUP_COLUMNS))
    for col in _GROUP_TEXT:
        frame[col] = frame[col].astype("string")
    frame["n_rows"] = frame["n_rows"].astype("Int64")
    frame["pending_not_california"] = frame["pending_not_california"].astype(bool)
    return frame


def apply_decisions(rows: pd.DataFrame, decisions: Sequence[Any]) -> pd.DataFrame:
    """The rows with review decisions written into their match columns.

    Parameters
    ----------
    rows : pandas.DataFrame
        One matched roster, in file order.
    decisions : sequence
        Objects with attributes ``row_index`` (0-based position), ``geoid``,
        ``matched_name``, ``cd_code``, ``not_california`` (e.g. rows of the
        workspace's ``review_decisions`` table). Positions outside ``rows``
        are skipped.

    Returns
    -------
    pandas.DataFrame
        A copy. A chosen district or COE: ``match_status="matched"``,
        ``match_method`` :data:`REVIEW_METHOD`, ``score`` 100, ``geoid`` /
        ``matched_name`` / ``cd_code`` as chosen, ``match_note``
        :data:`CONFIRMED_NOTE`. "Not a California district":
        ``match_status="unmatched"``, no geoid, ``match_note``
        :data:`NOT_CALIFORNIA_NOTE`. Either way ``runner_up`` is cleared and
        ``linked_geoids`` / ``candidate_geoids`` emptied.
    """
    rows = rows.copy()
    for col in ("match_status", "geoid", "matched_name", "match_method", "match_note",
                "cd_code", "runner_up"):  # fmt: skip
        if col not in rows.columns:
            rows[col] = pd.Series(pd.NA, index=rows.index, dtype="string")
    for col in ("score", "runner_up_score"):
        if col not in rows.columns:
            rows[col] = pd.Series(float("nan"), index=rows.index, dtype="float64")
    for d in decisions:
        i = int(d.row_index)
        if not 0 <= i < len(rows):
            continue
        idx = rows.index[i]
        if d.not_california:
            updates = {
                "match_status": "unmatched",
                "geoid": pd.NA,
                "matched_name": pd.NA,
                "match_method": REVIEW_METHOD,
                "match_note": NOT_CALIFORNIA_NOTE,
                "runner_up": pd.NA,
            }
            score = float("nan")
        else:
            updates = {
                "match_status": "matched",
                "geoid": d.geoid,
                "matched_name": d.matched_name if d.matched_name else pd.NA,
                "match_method": REVIEW_METHOD,
                "match_note": CONFIRMED_NOTE,
                "runner_up": pd.NA,
            }
            if d.cd_code:
                updates["cd_code"] = d.cd_code
            score = 100.0
        for col, value in updates.items():
            rows.loc[idx, col] = value
        rows.loc[idx, "score"] = score
        rows.loc[idx, "runner_up_score"] = float("nan")
        for col in ("linked_geoids", "candidate_geoids"):
            if col in rows.columns:
                rows.loc[idx, col] = ""
    return rows


def alias_county(
    row_county: str | None,
    chosen_county: str | None,
    *,
    every_county: bool = False,
) -> str | None:
    """The county a confirmed review choice is saved for, as an alias.

    A choice holds for the county the rows give; when they give none, or
    give a name that is no California county ("Atlantis", ignored when read),
    for the county of the district or COE chosen (an alias limited to a county
    still applies to rows that give no county); when that is not known either,
    for every county. The user may widen it to every county. Only one of the
    58 counties is ever returned, spelled as :func:`loaders.counties.
    normalize_county` spells it.

    Parameters
    ----------
    row_county : str or None
        The county of the reviewed rows, as typed (``"Kern County"``,
        ``"Atlantis"``).
    chosen_county : str or None
        County of the district or COE chosen (None for "not a California
        district").
    every_county : bool, default False
        The user widened the alias to every county.

    Returns
    -------
    str or None
        The alias's county, one of the 58; None = every county.

    Examples
    --------
    >>> alias_county("Kern", "Fresno"), alias_county(None, "Fresno")
    ('Kern', 'Fresno')
    >>> alias_county("Atlantis", "Fresno"), alias_county("Atlantis", None)
    ('Fresno', None)
    >>> alias_county("Kern", "Kern", every_county=True) is None
    True
    """
    if every_county:
        return None
    for county in (row_county, chosen_county):
        if county is None or pd.isna(county):
            continue
        name = normalize_county(county)
        if name is not None:
            return name
    return None


def alias_scope_text(county: str | None) -> str:
    """How the Data page names an alias's scope ("for Kern County only").

    Only a California county limits an alias (as :func:`alias_county` gives
    it); any other text reads as every county.

    Examples
    --------
    >>> alias_scope_text("Kern"), alias_scope_text(None)
    ('for Kern County only', 'for every county')
    >>> alias_scope_text("Atlantis")
    'for every county'
    """
    name = None if county is None or pd.isna(county) else normalize_county(county)
    if name is None:
        return "for every county"
    return f"for {name} County only"


def decision_counts(rows: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Rows matched, waiting for review, and decided not California.

    Parameters
    ----------
    rows : pandas.DataFrame
        Matched rows (``match_status``; ``match_method``, ``match_note``).
    by : str, optional
        Column to count per value of (e.g. ``roster_id``).

    Returns
    -------
    pandas.DataFrame
        ``matched``, ``to_review`` (:func:`needs_review`), ``not_california``
        (decided in review) and ``unmatched`` (unmatched, neither waiting nor
        decided not California), int64; one row, or one per value of ``by``
        (as index).

    Examples
    --------
    >>> rows = pd.DataFrame({"match_status": ["matched", "unmatched", "unmatched"],
    ...                      "match_method": ["cd_code", "fuzzy", "review"],
    ...                      "match_note": [None, None, NOT_CALIFORNIA_NOTE]})
    >>> decision_counts(rows).iloc[0].to_dict()
    {'matched': 1, 'to_review': 1, 'not_california': 1, 'unmatched': 0}
    """
    status = _col(rows, "match_status")
    waiting = needs_review(rows)
    not_ca = (
        status.eq("unmatched").fillna(False)
        & _col(rows, "match_note").eq(NOT_CALIFORNIA_NOTE).fillna(False)
        & ~waiting
    )
    flags = pd.DataFrame(
        {
            "matched": status.eq("matched").fillna(False),
            "to_review": waiting,
            "not_california": not_ca,
            "unmatched": status.isin(NEEDS_REVIEW).fillna(False) & ~waiting & ~not_ca,
        },
        index=rows.index,
    ).astype("int64")
    if by is None:
        return flags.sum().to_frame().T.astype("int64")
    return flags.groupby(rows[by]).sum().astype("int64")
