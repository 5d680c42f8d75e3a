"""Who is one person: the person key, and the roster rows it merges.

A person counts once per event. Two roster rows of the same event are the same
person when they have the same **person key** (:func:`person_keys`):

* the e-mail address, normalised (:func:`loaders.roster.normalize_email`:
  lower case, no ``mailto:``), when the row has a valid one;
* else the person's name, folded (:func:`loaders.vocab.fold`: case, accents,
  punctuation), with the role and the team (the matched ``geoid``);
* else nothing identifies the person: the row is a person of its own.

So an updated export uploaded on top of an earlier one, or a person listed
twice for the same event and role, counts once; :func:`duplicate_people` lists
the rows that were merged, for the Data page to show.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from loaders.roster import normalize_email
from loaders.vocab import fold

__all__ = ["duplicate_people", "person_ids", "person_keys"]


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series(pd.NA, index=frame.index, dtype="object")


def _texts(values: pd.Series) -> np.ndarray:
    """Cells as Python ``str`` (missing → ``""``), without pandas' slow iterator."""
    return values.astype(object).where(values.notna(), "").astype(str).to_numpy()


def _each_distinct(values: pd.Series, function) -> list[str]:
    """``function`` of each cell, computed once per distinct text."""
    texts = _texts(values)
    done = {text: (function(text) if text else "") for text in set(texts)}
    return [done[text] for text in texts]


def person_keys(rows: pd.DataFrame) -> pd.Series:
    """The key that says which roster rows are one person (one per row).

    Parameters
    ----------
    rows : pandas.DataFrame
        Roster or matched roster rows; uses ``email``, ``person_name``,
        ``role`` and ``geoid`` when present (a missing column counts as
        empty).

    Returns
    -------
    pandas.Series of str
        Same index as ``rows``: ``"email:<address>"`` for a valid e-mail,
        else ``"name:<folded name>|<role>|<geoid>"`` for a named person, else
        ``"row:<position>"`` (a row of its own). Holds personal data: use
        :func:`person_ids` to count without carrying it.

    Examples
    --------
    >>> rows = pd.DataFrame({
    ...     "email": [" Sup@Example.ORG", "sup@example.org", None, None],
    ...     "person_name": ["Ana", "Ana", "José  Pérez", None],
    ...     "role": ["superintendent"] * 4,
    ...     "geoid": ["0612345"] * 4,
    ... })
    >>> person_keys(rows).tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['email:sup@example.org', 'email:sup@example.org',
     'name:jose perez|superintendent|0612345', 'row:3']
    """
    # each distinct cell is normalised once (a roster repeats its people)
    emails = _each_distinct(_column(rows, "email"), lambda e: normalize_email(e) or "")
    names = _each_distinct(_column(rows, "person_name"), fold)
    roles = _texts(_column(rows, "role"))
    teams = _texts(_column(rows, "geoid"))
    keys = [
        f"email:{email}"
        if email
        else f"name:{name}|{role}|{team}"
        if name
        else f"row:{position}"
        for position, (email, name, role, team) in enumerate(
            zip(emails, names, roles, teams)
        )
    ]
    return pd.Series(keys, index=rows.index, dtype=object)


def person_ids(keys: pd.Series) -> np.ndarray:
    """Short ids of person keys: 16 hex digits, stable across runs.

    Parameters
    ----------
    keys : pandas.Series of str
        :func:`person_keys` output.

    Returns
    -------
    numpy.ndarray of str, shape (len(keys),)
        The keys hashed with pandas' fixed-key SipHash
        (:func:`pandas.util.hash_array`), so that counts of distinct people can
        be carried in tables without names or addresses.
    """
    hashed = pd.util.hash_array(np.asarray(keys, dtype=object))
    return np.array([f"{h:016x}" for h in hashed], dtype=object)


def duplicate_people(matched: pd.DataFrame) -> pd.DataFrame:
    """Roster rows merged into an earlier row of the same person and event.

    Parameters
    ----------
    matched : pandas.DataFrame
        Matched roster (``event_id``, ``match_status``, ``geoid``, ``role``,
        ``status`` and, when present, ``source_row``, ``entity_name``,
        ``person_name``, ``email``). Only ``matched`` rows form teams, so only
        they are compared.

    Returns
    -------
    pandas.DataFrame
        One row per merged roster row, in roster order: ``source_row`` (int:
        the merged row as the file shows it; the frame position + 2 when the
        roster has no ``source_row``), ``same_as_row`` (int: the first row of
        that person at that event, which is kept), ``event_id``,
        ``entity_name``, ``role``, ``status`` and ``reason`` (``"same e-mail"``
        or ``"same name, role and team"``). No names or addresses. Empty (with
        these columns) when no row was merged. When the roster has
        ``roster_id`` (several saved rosters, :meth:`Workspace.all_rows`), also
        ``roster_id`` and ``same_as_roster_id``: which file each row is from.
    """
    columns = [
        "source_row",
        "same_as_row",
        "event_id",
        "entity_name",
        "role",
        "status",
        "reason",
    ]
    ok = matched["match_status"].eq("matched").fillna(False).astype(bool)
    rows = matched.loc[ok]
    if rows.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    if "source_row" in rows.columns:
        source = pd.to_numeric(rows["source_row"], errors="coerce")
    else:
        source = pd.Series(np.flatnonzero(ok.to_numpy()) + 2, index=rows.index)
    keys = person_keys(rows)
    roster_ids = _column(rows, "roster_id")
    frame = pd.DataFrame(
        {
            "roster_id": roster_ids,
            "source_row": source,
            "_key": keys,
            "event_id": rows["event_id"],
            "entity_name": _column(rows, "entity_name"),
            "role": rows["role"],
            "status": rows["status"],
        }
    )
    grouped = frame.groupby(["event_id", "_key"], sort=False, dropna=False)
    merged = frame.loc[frame.duplicated(["event_id", "_key"], keep="first")].copy()
    if merged.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    merged["same_as_row"] = grouped["source_row"].transform("first").loc[merged.index]
    if "roster_id" in rows.columns:
        first_roster = grouped["roster_id"].transform("first").loc[merged.index]
        merged["same_as_roster_id"] = first_roster
        columns = ["roster_id", *columns[:2], "same_as_roster_id", *columns[2:]]
    merged["reason"] = np.where(
        merged["_key"].str.startswith("email:"),
        "same e-mail",
        "same name, role and team",
    )
    out = merged[columns].reset_index(drop=True)
    return out.astype({"source_row": "Int64", "same_as_row": "Int64"})
