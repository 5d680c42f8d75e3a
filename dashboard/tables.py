"""How the pages show tables: human column titles with units, blank empty text.

One place for the titles of the columns the Data, Plan and Export pages show
(``mean_miles`` → "Mean distance (mi)"), so a column reads the same on every
page. The files people download keep the machine names (:mod:`loaders.exports`);
only the screen uses these titles. A participation figure's help text is its
definition in the data dictionary (:data:`loaders.participation.DATA_DICTIONARY`),
the same text the exports' "Data dictionary" sheet carries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from loaders.exports import neutralise_frame
from loaders.participation import DATA_DICTIONARY
from loaders.vocab import ROLE_LABELS

# column → (title, kind, format, help). kind: "text", "number", "percent"
# (a 0-1 share), "check" (True/False).
_COLUMNS: dict[str, tuple[str, str, str | None, str | None]] = {
    # roster and match
    "source_row": ("File row", "number", "%d", "Row number as the file shows it"),
    "row": ("File row", "number", "%d", "Row number as the file shows it"),
    "file": ("File", "text", None, None),
    "column": ("Column", "text", None, "Column of the file"),
    "value": ("Cell text", "text", None, None),
    "reason": ("Reason", "text", None, None),
    "values": ("Row text", "text", None, "The row's cells, without names or emails"),
    "entity_name": ("District or COE (as in the file)", "text", None, None),
    "event_id": ("Event id", "text", None, None),
    "event": ("Event", "text", None, None),
    "date": ("Date", "text", None, None),
    "role": ("Role", "text", None, None),
    "status": ("Status", "text", None, None),
    "person_name": ("Name", "text", None, None),
    "email": ("Email", "text", None, None),
    "email_valid": ("Email valid", "check", None, "Unticked: kept as typed"),
    "match_status": ("Match", "text", None, "matched, ambiguous or unmatched"),
    "matched_name": ("Matched to", "text", None, None),
    "match_method": ("Matched by", "text", None, None),
    "score": ("Match score (0-100)", "number", "%.0f", None),
    "runner_up": ("Runner-up", "text", None, "The next closest names"),
    "runner_up_score": ("Runner-up score", "number", "%.0f", None),
    "match_note": ("Match note", "text", None, None),
    "row_notes": ("Reading notes", "text", None, None),
    "linked_geoids": ("Linked districts", "text", None, None),
    # districts, counties, regions
    "geoid": ("NCES id / county FIPS", "text", None, "GEOID of the district or COE"),
    "cd_code": ("CD code", "text", None, "CDE county-district code"),
    "cds_code": ("CDS code", "text", None, None),
    "name": ("District or COE", "text", None, None),
    "district": ("District or COE", "text", None, None),
    "district_type": ("Type", "text", None, None),
    "county": ("County", "text", None, None),
    "ccsesa_region": ("CCSESA region", "number", "%d", None),
    "area": ("Area", "text", None, None),
    "entities": ("Districts and COEs", "number", "%d", None),
    "reached": ("Districts and COEs reached", "number", "%d", None),
    "teams": ("Teams", "number", "%d", None),
    "events": ("Events", "number", "%d", None),
    "events_attended": ("Events attended", "number", "%d", None),
    "complete_events": ("Events with all 4 roles", "number", "%d", None),
    "attended": ("Teams attended", "number", "%d", None),
    "applied_not_attended": ("Applied, did not attend", "number", "%d", None),
    "registered": ("Registered", "number", "%d", None),
    "waitlisted": ("Waitlisted", "number", "%d", None),
    "applied": ("Applied", "number", "%d", None),
    "cancelled": ("Cancelled", "number", "%d", None),
    "complete_teams": ("Complete teams (all 4 roles came)", "number", "%d", None),
    "coverage_pct": ("Attended (% of districts and COEs)", "number", "%.1f%%", None),
    "people": ("People", "number", "%d", None),
    "people_attended": ("People who came", "number", "%d", None),
    "team_events": ("Team-event rows", "number", "%d", None),
    "n_people": ("People", "number", "%d", None),
    "team_status": ("Team status", "text", None, None),
    "team_geoid": ("Team (GEOID)", "text", None, None),
    "team_of": ("Team of (shared governance)", "text", None, None),
    "role_completeness": ("Roles counted (of 4)", "number", "%d", None),
    "completeness_basis": ("Roles counted: came or applied", "text", None, None),
    "roles_came": ("Roles that came (of 4)", "number", "%d", None),
    **{f"role_{r}": (label, "check", None, None) for r, label in ROLE_LABELS.items()},
    "missing_roles": ("Missing roles", "text", None, None),
    "table": ("Table", "text", None, None),
    "definition": ("Definition", "text", None, None),
    # venue plans
    "venue": ("Venue", "text", None, None),
    "venues": ("Venues", "text", None, None),
    "lat": ("Latitude", "number", "%.4f", None),
    "lon": ("Longitude", "number", "%.4f", None),
    "source": ("Source", "text", None, None),
    "booked": ("Booked", "check", None, None),
    "mean_miles": ("Mean distance (mi)", "number", "%.0f", "Great-circle miles"),
    "p90_miles": ("90 % within (mi)", "number", "%.0f", "90th percentile distance"),
    "max_miles": ("Longest distance (mi)", "number", "%.0f", None),
    "mean_minutes": ("Mean drive (min)", "number", "%.0f", "Estimated drive time"),
    "max_minutes": ("Longest drive (min)", "number", "%.0f", None),
    "share_within_1h": ("Within 1 h drive", "percent", None, None),
    "share_within_2h": ("Within 2 h drive", "percent", None, None),
    "miles": ("Distance (mi)", "number", "%.0f", "Great-circle miles"),
    "minutes": ("Drive (min)", "number", "%.0f", "Estimated drive time"),
    "rank": ("Rank", "number", "%d", None),
    "priority": ("Priority", "text", None, None),
    "contacts": ("Contacts", "text", None, None),
    "scenario": ("Scenario", "text", None, None),
    "p": ("Meetings", "number", "%d", None),
    "model": ("Model", "text", None, None),
    "objective": ("Objective", "number", "%.1f", None),
    "objective_units": ("Objective units", "text", None, None),
    # saved rosters and aliases
    "roster_id": ("#", "number", "%d", None),
    "filename": ("File", "text", None, None),
    "sheet": ("Sheet", "text", None, None),
    "saved": ("Saved", "text", None, None),
    "rows": ("Rows", "number", "%d", None),
    "matched": ("Matched", "number", "%d", None),
    "ambiguous": ("Ambiguous", "number", "%d", None),
    "unmatched": ("Unmatched", "number", "%d", None),
    "rejected": ("Rejected", "number", "%d", None),
    "alias": ("Alias", "text", None, None),
    "means": ("Means", "text", None, None),
    "note": ("Note", "text", None, None),
    "updated": ("Updated", "text", None, None),
}


def column_title(column: str) -> str:
    """The title a column is shown with ("mean_miles" → "Mean distance (mi)")."""
    spec = _COLUMNS.get(column)
    if spec is not None:
        return spec[0]
    text = str(column).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def column_config(
    columns: Iterable[Any], dtypes: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """``st.dataframe(column_config=...)`` for these columns: titles, units, formats.

    Parameters
    ----------
    columns : iterable
        Column names.
    dtypes : mapping, optional
        Column → dtype (``frame.dtypes``). A column the titles call a check
        box but that holds numbers (``role_superintendent`` in a figures table:
        teams whose superintendent came) is then shown as a number.

    Returns
    -------
    dict
        Column → Streamlit column config. Known columns get their title,
        number format and help (a participation figure's help is its
        definition in :data:`loaders.participation.DATA_DICTIONARY`); others a
        title made from their name (``"avg_size"`` → "Avg size").
    """
    out: dict[str, Any] = {}
    for col in columns:
        name = str(col)
        title, kind, fmt, help_ = _COLUMNS.get(
            name, (column_title(name), "text", None, None)
        )
        help_ = help_ or DATA_DICTIONARY.get(name)
        dtype = (dtypes or {}).get(name)
        if (
            kind == "check"
            and dtype is not None
            and not pd.api.types.is_bool_dtype(dtype)
        ):
            kind, fmt, title = "number", "%d", f"{title} came (teams)"
        if kind == "number":
            out[name] = st.column_config.NumberColumn(title, format=fmt, help=help_)
        elif kind == "percent":
            out[name] = st.column_config.NumberColumn(
                title, format="percent", help=help_
            )
        elif kind == "check":
            out[name] = st.column_config.CheckboxColumn(title, help=help_)
        else:
            out[name] = st.column_config.TextColumn(title, help=help_)
    return out


def blank_empty_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with missing text shown as blank (not "None") in text columns.

    Numbers, booleans and dates are left as they are; a column counts as text
    when it has the ``string`` dtype or holds only ``str`` values.
    """
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if isinstance(s.dtype, pd.StringDtype):
            out[col] = s.fillna("")
        elif s.dtype == object:
            present = s.dropna()
            if present.map(lambda v: isinstance(v, str)).all():
                out[col] = s.astype("string").fillna("")
    return out


def show_table(frame: pd.DataFrame, **kwargs: Any) -> Any:
    """``st.dataframe`` with titles, units and blank empty text, formula-safe.

    Text cells go through :func:`loaders.exports.neutralise_frame`, so the
    grid's own "download as CSV" button never writes a cell that starts a
    formula (``=``, ``+``, ``-``, ``@``). ``column_config`` entries passed in
    override the defaults; other keyword arguments go to ``st.dataframe``
    (``hide_index`` defaults to True and ``width`` to ``"stretch"``).
    """
    config = column_config(frame.columns, dict(frame.dtypes))
    config.update(kwargs.pop("column_config", None) or {})
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("width", "stretch")
    shown = neutralise_frame(blank_empty_text(frame))
    return st.dataframe(shown, column_config=config, **kwargs)
