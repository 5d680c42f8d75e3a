"""The same person at the same event twice in one file: merged into one row.

A person is known by their e-mail address, else by their name (folded: case,
accents and spacing do not count); rows without either are never merged. The
first row is kept; "attended" wins over other statuses, otherwise the latest
row's status; values missing from the first row are taken from the others, and
a note says which rows were merged and what differed (never quoting a name or
an e-mail).
"""

from __future__ import annotations

import pandas as pd

from loaders.roster.contacts import CONTACT_TARGETS, EMAIL_PATTERN
from loaders.roster.model import ROSTER_COLUMNS
from loaders.vocab import fold

__all__ = ["merge_duplicates", "person_key"]


def person_key(frame: pd.DataFrame) -> pd.Series:
    """Who each row is: its e-mail address, else ``"name:"`` + its folded name.

    Parameters
    ----------
    frame : pandas.DataFrame
        Canonical rows (``email`` and ``person_name``, ``string``).

    Returns
    -------
    pandas.Series
        ``object`` text on ``frame``'s index; ``""`` for a row with neither (an
        invalid e-mail counts as none).

    Examples
    --------
    >>> rows = pd.DataFrame({"email": ["A@x.org", None, "oops"],
    ...                      "person_name": ["A", "José  Pérez", None]})
    >>> person_key(rows).tolist()
    ['a@x.org', 'name:jose perez', '']
    """
    email = frame["email"].fillna("").str.lower()
    email = email.where(email.str.match(EMAIL_PATTERN), "")  # invalid: by name
    names = frame["person_name"].fillna("").where(email == "", "")
    folded = {name: fold(name) for name in names.unique()}
    person = names.map(folded)
    key = email.where(email != "", "name:" + person)
    return key.where(key != "name:", "")


def merge_duplicates(
    frame: pd.DataFrame, notes: list[list[str]]
) -> tuple[pd.DataFrame, list[list[str]], int]:
    """Merge rows of the same person (email, else name) at the same event.

    Parameters
    ----------
    frame : pandas.DataFrame
        Canonical rows (:data:`~loaders.roster.model.ROSTER_COLUMNS` and
        ``source_row``), in file order.
    notes : list of list of str
        Each row's notes, aligned with ``frame``.

    Returns
    -------
    frame : pandas.DataFrame
        The rows kept (a merged group keeps its first row); ``attrs
        ["merged_into"]`` maps each dropped row's ``source_row`` to the kept
        row's.
    notes : list of list of str
        The kept rows' notes, with a merge note and the dropped rows' notes.
    merged : int
        Rows dropped.
    """
    if frame.empty:
        return frame, notes, 0
    person = person_key(frame)
    key = frame["event_id"].fillna("").str.casefold() + "\x1f" + person
    identified = person != ""
    dup = key.duplicated(keep=False) & identified
    if not dup.any():
        return frame, notes, 0
    drop: list[int] = []
    frame = frame.copy()
    merged_into: dict[int, int] = {}
    for _, group in frame.loc[dup].groupby(key[dup], sort=False):
        positions = [frame.index.get_loc(i) for i in group.index]
        first, rest = positions[0], positions[1:]
        record = frame.iloc[first].copy()
        conflicts = []
        for col in ROSTER_COLUMNS:
            values = [v for v in group[col].tolist() if not pd.isna(v)]
            if not values:
                continue
            if col == "status":
                record[col] = (
                    "attended" if "attended" in values else values[-1]
                )  # they came, else the latest row
            elif pd.isna(record[col]):
                record[col] = values[0]
            if len({fold(v) for v in values}) > 1 and col != "status":
                if col in CONTACT_TARGETS:  # never quote contact details
                    conflicts.append(f"{col} (differs between the rows)")
                else:
                    conflicts.append(
                        f"{col} differs ({' / '.join(dict.fromkeys(values))})"
                    )
        frame.iloc[first] = record
        merged_into.update(
            {
                int(frame["source_row"].iat[p]): int(frame["source_row"].iat[first])
                for p in rest
            }
        )
        rows_text = ", ".join(str(frame["source_row"].iat[p]) for p in rest)
        merged_note = f"merged with duplicate row(s) {rows_text} (same person, event)"
        if conflicts:
            merged_note += "; kept this row's " + ", ".join(conflicts)
        notes[first] = [
            *notes[first],
            merged_note,
            *(n for p in rest for n in notes[p]),
        ]
        drop += rest
    dropped = set(drop)
    keep = [p for p in range(len(frame)) if p not in dropped]
    kept = frame.iloc[keep]
    kept.attrs["merged_into"] = merged_into
    return kept, [notes[p] for p in keep], len(drop)
