"""Body of ``lmi-dashboard match``: read a roster file, match it, write every row.

Reading (:mod:`loaders.roster`), matching (:mod:`loaders.matching`) and writing
(:mod:`loaders.exports`) are the loaders' work; here they are put together with
the two things a command line adds: the reference table
(:func:`geodata.boundaries.entity_reference`) and the aliases saved in the
workspace.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboard.events_command import known_events
from geodata.boundaries import entity_reference
from loaders.exports import write_table
from loaders.matching import input_rows_with_matches, match_roster
from loaders.roster import read_roster
from loaders.upload import row_counts
from loaders.workspace import WorkspaceError, open_workspace

__all__ = ["match_command"]


def _saved_aliases() -> tuple[pd.DataFrame | None, str | None]:
    """Aliases saved in the workspace, or None and why they cannot be read."""
    try:
        aliases = open_workspace().list_aliases()
    except (WorkspaceError, OSError) as exc:  # matching goes on without them
        return None, f"saved aliases not applied ({exc})"
    return aliases, None


def match_command(
    roster: Path,
    *,
    out: Path | None,
    sheet: str | None,
    header_row: int | None,
    contacts: bool = False,
) -> str:
    """Body of ``lmi-dashboard match``: read, match, write, summarise.

    Parameters
    ----------
    roster : pathlib.Path
        Roster file (CSV, TSV or XLSX), read with :func:`loaders.roster.read_roster`.
    out : pathlib.Path or None
        Where to write every roster row with the match columns (CSV, or XLSX by
        suffix); default ``<roster>_matched.csv`` next to the roster. Rows the
        reader rejected are in it too, ``unmatched`` with the reason. Written
        with :func:`loaders.exports.write_table`: atomically, formula-safe.
    sheet, header_row : optional
        XLSX sheet name and 1-based header row, passed to the reader.
    contacts : bool, default False
        Keep ``person_name``, ``email`` and other contact columns; without it
        they are left out (:func:`loaders.exports.write_table`).

    Returns
    -------
    str
        One paragraph: rows matched / ambiguous / unmatched / rejected and the
        files written.

    Raises
    ------
    ValueError
        For anything the user can fix: missing or unreadable file, a roster the
        reader rejects, ``out`` equal to the roster, an unwritable ``out`` (its
        folder must exist).
    """
    roster = Path(roster)
    if not roster.is_file():
        raise ValueError(
            f"{roster}: no such file; give the path of a CSV, TSV or XLSX roster."
        )
    out = (
        Path(out) if out is not None else roster.with_name(f"{roster.stem}_matched.csv")
    )
    if out.resolve() == roster.resolve():
        raise ValueError(
            f"{out}: --out would overwrite the roster; choose another file."
        )
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise ValueError(f"{out}: --out must end in .csv or .xlsx.")
    events = known_events()  # published and added in the workspace
    try:
        load = read_roster(
            roster,
            filename=roster.name,
            sheet=sheet,
            header_row=header_row,
            events=events,
        )
    except OSError as exc:
        raise ValueError(f"{roster}: cannot be read ({exc.strerror or exc}).") from exc
    aliases, alias_problem = _saved_aliases()
    matched = match_roster(load.rows, entity_reference(), aliases=aliases)
    rejected = getattr(load, "rejected", None)
    n_rej = 0 if rejected is None else len(rejected)
    every_row = input_rows_with_matches(load, matched, events)
    # the reader's contact columns: by header ("Name" too), content and mapping
    dropped = [] if contacts else load.contact_columns
    try:
        write_table(out, every_row.drop(columns=dropped), include_contacts=contacts)
    except OSError as exc:
        raise ValueError(f"{out}: cannot be written ({exc}).") from exc
    counts = matched["match_status"].value_counts()  # the usable rows
    parts = [
        f"{counts.get('matched', 0)} matched",
        f"{counts.get('ambiguous', 0)} ambiguous (to review)",
        f"{counts.get('unmatched', 0)} unmatched",
    ]
    text = f"{roster.name}: {row_counts(load).text()}; of the usable, " + ", ".join(
        parts
    )
    if n_rej:
        text += " (rejected rows are listed as unmatched with the reason)"
    text += f". Wrote {out}."
    if dropped:
        text += (
            f" Contact columns ({', '.join(dropped)}) left out; add --contacts to "
            "keep them."
        )
    if alias_problem:
        text += f" Note: {alias_problem}."
    return text
