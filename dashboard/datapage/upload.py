"""Data page, Upload section: read, map columns, choose events, match, preview,
say what merges, save.

Test seam: a test may put ``{"name": <file name>, "data": <bytes>}`` in
``st.session_state[UPLOAD_INJECT_KEY]``; the section then treats it exactly like a
file dropped on the uploader.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.datapage.common import (
    CONTACT_PREVIEW,
    PREVIEW_COLUMNS,
    STATUSES,
    UPLOAD_INJECT_KEY,
    display,
    flash,
    grid,
    md,
    memo,
)
from loaders.event_mapping import apply_event_mapping, unresolved_events
from loaders.matching import match_roster
from loaders.roster import EXTRA_COLUMNS, ROSTER_COLUMNS, inspect_roster, read_roster
from loaders.upload import (
    hide_contact_cells,
    merged_rows,
    preview_rows,
    row_counts,
)
from loaders.workspace import Workspace


def _read(
    data: bytes, name: str, sheet: str | None, header_row: int | None, mapping, events
):
    return read_roster(
        data,
        filename=name,
        sheet=sheet,
        header_row=header_row,
        column_map=mapping,
        events=events,
    )


def _inspect(data: bytes, name: str, sheet: str | None, header_row: int | None):
    return inspect_roster(data, filename=name, sheet=sheet, header_row=header_row)


def _reset_upload() -> None:
    ss = st.session_state
    ss["data_uploader_n"] = ss.get("data_uploader_n", 0) + 1
    ss.pop(UPLOAD_INJECT_KEY, None)


def upload_section(ws: Workspace, show_contacts: bool) -> None:
    ss = st.session_state
    st.subheader("Upload a roster")
    uploaded = st.file_uploader(
        "Roster file (CSV, tab-separated text or Excel .xlsx)",
        type=["csv", "tsv", "txt", "xlsx"],
        key=f"data_uploader_{ss.get('data_uploader_n', 0)}",
        help="One row per person per event: district or COE (name or code), "
        "role, status, event. Any column names and header position work; you "
        "can fix the column mapping below. Files up to 25 MB.",
    )
    if uploaded is not None:
        name, data = uploaded.name, uploaded.getvalue()
    elif ss.get(UPLOAD_INJECT_KEY):
        name, data = ss[UPLOAD_INJECT_KEY]["name"], ss[UPLOAD_INJECT_KEY]["data"]
    else:
        st.caption(
            "Nothing uploaded. After upload you will see every row's match "
            "status before anything is saved."
        )
        return
    sha = hashlib.sha256(data).hexdigest()
    fkey = sha[:12]

    # sheet and header row
    first = memo(("inspect", sha, None, None), lambda: _inspect(data, name, None, None))
    # Sheet and header row side by side for a workbook of several sheets; for a
    # CSV (or a one-sheet workbook) the header row first, with what was found.
    sheet = None
    if len(first.sheets) > 1:
        c1, c2 = st.columns(2)
        sheet = c1.selectbox(
            "Sheet",
            first.sheets,
            index=first.sheets.index(first.sheet) if first.sheet in first.sheets else 0,
            key=f"data_sheet_{fkey}",
            help="The sheet that looks most like a roster is chosen for you.",
        )
    else:
        c2, note = st.columns([1, 2], vertical_alignment="bottom")
        note.caption(
            f"Column names found on row {first.header_row}"
            + (f" of sheet {md(first.sheet)}" if first.sheet else "")
            + ". Give another row number if they are elsewhere."
        )
    header_in = c2.number_input(
        "Header row (0 = find it)",
        min_value=0,
        max_value=1000,
        value=0,
        step=1,
        key=f"data_header_{fkey}",
        help="The row number, as Excel shows it, of the row with the column names.",
    )
    header_row = int(header_in) or None
    layout = memo(
        ("inspect", sha, sheet, header_row),
        lambda: _inspect(data, name, sheet, header_row),
    )

    # column mapping, pre-filled from the mapping remembered for this layout
    targets = [*ROSTER_COLUMNS, *EXTRA_COLUMNS]
    remembered = ws.get_column_map(layout.layout_signature) or {}
    remembered = {
        t: h
        for t, h in remembered.items()
        if t in targets and h and all(p in layout.headers for p in str(h).split(" + "))
    }
    proposed = remembered or dict(layout.column_map)
    sig = layout.layout_signature[:12]
    with st.expander(
        "Column mapping"
        + (" (remembered from an earlier upload)" if remembered else ""),
        expanded=bool(layout.ambiguous)
        or not ({"entity_name", "cds_code", "cd_code", "nces_id"} & set(proposed)),
    ):
        st.caption(
            f"Header on row {layout.header_row}"
            + (f" of sheet {md(layout.sheet)}" if layout.sheet else "")
            + ". Which column of the file feeds each roster field; the mapping is "
            "remembered for files with the same columns."
        )
        mapping: dict[str, str | None] = {}
        cols = st.columns(3)
        for i, target in enumerate(targets):
            options = ["", *layout.headers]
            current = proposed.get(target) or ""
            if current and current not in options:
                options.append(current)  # joined columns ("First + Last")
            choice = cols[i % 3].selectbox(
                target,
                options,
                index=options.index(current),
                format_func=lambda h: h or "— not in this file —",
                key=f"data_map_{sig}_{target}",
            )
            mapping[target] = choice or None
        if layout.ambiguous:
            for target, heads in layout.ambiguous.items():
                st.warning(
                    f"Several columns could be **{md(target)}**: "
                    + ", ".join(md(h) for h in heads)
                    + ". Pick one above."
                )
    map_key = json.dumps(mapping, sort_keys=True)
    events = state.events()  # published and added: rows may name either
    load = memo(
        ("read", sha, sheet, header_row, map_key, state.content_key(events)),
        lambda: _read(data, name, sheet, header_row, mapping, events),
    )

    # match (again whenever saved aliases change)
    aliases = ws.list_aliases()
    alias_key = hashlib.sha256(
        aliases[["alias", "county", "geoid"]].to_csv().encode()
    ).hexdigest()

    def _match() -> pd.DataFrame:
        with st.spinner(f"Matching {len(load.rows):,} rows to districts and COEs…"):
            return match_roster(load.rows, state.reference(), aliases=aliases)

    matched = memo(("match", sha, sheet, header_row, map_key, alias_key), _match)
    matched = _event_choice(load, matched, fkey)
    _preview(load, matched, show_contacts)
    _merged(ws, load, matched)
    _save_form(ws, name, data, load, matched)


def _event_choice(load, matched: pd.DataFrame, fkey: str) -> pd.DataFrame:
    """Rows whose event is unknown: one event for the file, or one per value."""
    events = state.events()  # published and added: rows may name either
    where = {"source": load.source, "column_map": load.column_map}
    todo = unresolved_events(matched, events, **where)
    if todo.empty:
        return matched
    labels = dict(zip(events["event_id"], events["label"], strict=True))
    options = ["", *events["event_id"]]

    def fmt(e: str) -> str:
        return "— leave without an event —" if not e else f"{labels.get(e) or e} ({e})"

    n = int(todo["rows"].sum())
    st.markdown("#### Events")
    status = st.empty()  # filled once the choices below are known
    whole = st.selectbox(
        "Event for every row without a known event",
        options,
        format_func=fmt,
        key=f"data_event_all_{fkey}",
    )
    mapping: dict[str, str | None] = {}
    if not whole:
        cols = st.columns(2)
        for i, r in enumerate(todo.itertuples(index=False)):
            what = {"name": "Event", "date": "Date"}.get(r.kind, "No event given")
            said = f"{what} “{md(r.value)}”" if r.value else what
            vkey = hashlib.sha1(f"{r.kind}|{r.value}".encode()).hexdigest()[:10]
            mapping[r.value] = cols[i % 2].selectbox(
                f"{said} · {r.rows:,} row{'s' if r.rows != 1 else ''}",
                options,
                format_func=fmt,
                key=f"data_event_{fkey}_{vkey}",
            )
    else:
        mapping = dict.fromkeys(todo["value"], whole)
    mapped = apply_event_mapping(matched, mapping, events, **where)
    left = unresolved_events(mapped, events, **where)
    rows_n = f"{n:,} row{'s' if n != 1 else ''}"
    if left.empty:
        status.success(
            f"{rows_n} named no known event; each now has the event chosen below "
            "and will reach the map once saved."
        )
    else:
        status.warning(
            f"{rows_n} name no known event, so {'they' if n != 1 else 'it'} would "
            "not reach the map. Choose the event for the whole file, or one event "
            "for each value below."
        )
    if not left.empty:
        rows = sorted(r for lst in left["source_rows"] for r in lst)
        shown = ", ".join(str(r) for r in rows[:20]) + (", …" if len(rows) > 20 else "")
        st.caption(
            f"Still without an event: {len(rows):,} row{'s' if len(rows) != 1 else ''}"
            f" (file row {shown}). They are saved but not on the map."
        )
    return mapped


def _merged(ws: Workspace, load, matched: pd.DataFrame) -> None:
    """Rows that will count once: the same person twice at the same event."""
    saved = ws.all_rows()
    listing = ws.list_rosters()
    names = dict(zip(listing["roster_id"].astype(int), listing["name"], strict=True))
    merged = merged_rows(
        matched, merged_into=load.merged_into, saved=saved, roster_names=names
    )
    if merged.empty:
        return
    st.info(
        f"{len(merged):,} row{'s' if len(merged) != 1 else ''} of this file "
        f"count{'s' if len(merged) == 1 else ''} as a person already counted at "
        "the same event (listed twice, or already in a saved roster): each "
        "person counts once per event."
    )
    with st.expander(f"Rows merged ({len(merged):,})"):
        grid(merged, column_config={"same_as": "Same person as"})


def _preview(load, matched: pd.DataFrame, show_contacts: bool) -> None:
    counts = matched["match_status"].value_counts()
    n = {s: int(counts.get(s, 0)) for s in ("matched", "ambiguous", "unmatched")}
    rows = row_counts(load)
    n["rejected"] = rows.rejected
    n["all"] = rows.read
    st.markdown(f"#### Preview of {md(load.filename)}")
    st.caption(rows.text())
    cols = st.columns(5)
    cols[0].metric("Rows read", f"{rows.read:,}")
    cols[1].metric("Matched", f"{n['matched']:,}")
    cols[2].metric("Ambiguous", f"{n['ambiguous']:,}")
    cols[3].metric("Unmatched", f"{n['unmatched']:,}")
    cols[4].metric("Rejected", f"{n['rejected']:,}")
    for note in load.notes:
        st.caption(f"ℹ️ {md(note)}")
    show = st.radio(
        "Show rows",
        STATUSES,
        format_func=lambda s: f"{s.capitalize()} ({n[s]:,})",
        horizontal=True,
        key="data_preview_filter",
    )
    if show == "rejected":
        rej = load.rejected
        if not show_contacts and "values" in rej.columns:
            rej = rej.drop(columns=["values"])  # the row's text holds names, emails
        if rej.empty:
            st.caption("No row was rejected.")
        else:
            grid(rej)
    else:
        if show == "all":  # every row of the file, rejected ones with the reason
            view = preview_rows(load, matched)
        else:
            view = matched[matched["match_status"] == show]
        grid(display(view, show_contacts, PREVIEW_COLUMNS))
    if len(load.issues):
        issues = load.issues
        if not show_contacts:
            private = [*load.contact_columns]
            private += [load.column_map.get(t) or "" for t in CONTACT_PREVIEW]
            issues = hide_contact_cells(issues, private)
        with st.expander(f"Cells that could not be read ({len(issues):,})"):
            grid(issues)


def _save_form(ws: Workspace, name: str, data: bytes, load, matched) -> None:
    st.markdown("#### Save")
    same = ws.rosters_with_file(data)
    roster_name = st.text_input(
        "Roster name",
        value=Path(name).stem,
        key=f"data_name_{hashlib.sha256(data).hexdigest()[:12]}",
    )
    again = True
    if not same.empty:
        first = same.iloc[0]
        st.warning(
            f"This exact file is already saved as **{md(first['name'])}** "
            f"(#{int(first['roster_id'])}, {first['uploaded_at']:%Y-%m-%d %H:%M} UTC). "
            "Saving it again would count these people twice on the map."
        )
        again = st.checkbox("Save another copy anyway", key="data_save_again")
    todo = int((matched["match_status"] != "matched").sum())
    if st.button("Save roster", type="primary", disabled=not again, key="data_save"):
        meta = {
            "sheet": load.sheet,
            "header_row": load.header_row,
            "column_map": load.column_map,
            "layout_signature": load.layout_signature,
            "notes": list(load.notes),
            "unmapped_columns": list(load.unmapped_columns),
            "cell_problems": len(load.issues),
            "encoding": load.encoding,
        }
        rid = ws.save_roster(roster_name, data, name, matched, load.rejected, meta)
        _reset_upload()
        msg = f"Saved roster **{md(roster_name)}** (#{rid}, {row_counts(load).text()})."
        if todo:
            msg += f" {todo:,} rows wait in the review queue."
            st.session_state["data_goto"] = "review"
        else:
            st.session_state["data_goto"] = "rosters"
        flash("success", msg)
        st.rerun()
    st.caption(
        "Saving keeps the original file and the matched rows in the workspace; the "
        "map then shows all saved rosters together."
    )
