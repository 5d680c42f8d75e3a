"""Data page: upload rosters, review matches, manage saved rosters and aliases.

Everything computed here comes from :mod:`loaders` (reading, matching, the
workspace database); this script only lays it out. Errors the loaders raise are
``ValueError`` subclasses with messages fit for users: they are shown with
``st.error``, never as a traceback. Roster text is shown through
``st.dataframe`` or with Markdown escaped. Contact details (names, emails) are
shown only when the operator setting allows them.

Test seam: a test may put ``{"name": <file name>, "data": <bytes>}`` in
``st.session_state[UPLOAD_INJECT_KEY]``; the page then treats it exactly like a
file dropped on the uploader.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import errors, state
from dashboard.tables import show_table
from loaders.entities import TYPE_WORDS as TYPE_LABEL
from loaders.exports import table_csv_bytes
from loaders.matching import candidates, match_roster
from loaders.roster import (
    EXTRA_COLUMNS,
    ROSTER_COLUMNS,
    inspect_roster,
    read_roster,
)
from loaders.workspace import (
    NOT_CALIFORNIA_NOTE,
    SETTING_SHOW_CONTACTS,
    Workspace,
    WorkspaceError,
    open_workspace,
)

UPLOAD_INJECT_KEY = "data_upload_inject"
SECTIONS = ("upload", "review", "rosters", "aliases")
PAGE_SIZE = 10
NONE = "__none__"
NOT_CA = "__not_california__"
ANY_COUNTY = "__any__"
STATUSES = ("all", "matched", "ambiguous", "unmatched", "rejected")
PREVIEW_COLUMNS = [
    "source_row", "entity_name", "county", "event_id", "role", "status",
    "match_status", "matched_name", "geoid", "match_method", "score", "runner_up",
    "match_note", "row_notes",
]  # fmt: skip
CONTACT_PREVIEW = ["person_name", "email"]
_MEMO_SIZE = 12
_log = logging.getLogger("lmi_dashboard.data")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


# ----------------------------------------------------------------- small helpers
def _md(text: Any) -> str:
    """Roster text made inert for st.markdown (no links, images, HTML, LaTeX)."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _flash(kind: str, message: str) -> None:
    st.session_state.setdefault("data_flash", []).append((kind, message))


def _show_flash() -> None:
    for kind, message in st.session_state.pop("data_flash", []):
        getattr(st, kind)(message)


def _memo(key: tuple, compute: Callable[[], Any]) -> Any:
    """Per-session memo for reads, matches and candidate searches."""
    memo: dict = st.session_state.setdefault("data_memo", {})
    if key in memo:
        memo[key] = memo.pop(key)  # most recent last
        return memo[key]
    value = compute()
    memo[key] = value
    while len(memo) > _MEMO_SIZE:
        memo.pop(next(iter(memo)))
    return value


def _guarded(section: Callable[..., None], *args: Any) -> None:
    """Run one section; a loader's error becomes st.error, never a traceback."""
    try:
        section(*args)
    except ValueError as exc:  # RosterFileError, WorkspaceError, AliasImportError...
        st.error(str(exc))
    except Exception as exc:  # noqa: BLE001 - last line of defence for the page
        _log.exception("data page section failed")
        st.error(
            "This part of the page could not be shown "
            f"({type(exc).__name__}). Your saved data is unchanged; reload the "
            "page or try again."
        )


def _entity_label(ref: pd.DataFrame) -> dict[str, str]:
    return _memo(
        ("labels", len(ref)),
        lambda: {
            g: f"{n} — {c} County · {TYPE_LABEL.get(t, t)}"
            for g, n, c, t in zip(
                ref["geoid"],
                ref["name"],
                ref["county"],
                ref["district_type"],
                strict=True,
            )
        },
    )


def _contact_allowed(ws: Workspace) -> bool:
    return bool(ws.get_setting(SETTING_SHOW_CONTACTS, False))


def _display(
    frame: pd.DataFrame, show_contacts: bool, columns: list[str]
) -> pd.DataFrame:
    cols = [c for c in columns if c in frame.columns]
    if show_contacts:
        cols += [c for c in CONTACT_PREVIEW if c in frame.columns]
    return frame[cols]


# ----------------------------------------------------------------- upload
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


def _upload_section(ws: Workspace, show_contacts: bool) -> None:
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
    first = _memo(
        ("inspect", sha, None, None), lambda: _inspect(data, name, None, None)
    )
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
            + (f" of sheet {_md(first.sheet)}" if first.sheet else "")
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
    layout = _memo(
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
            + (f" of sheet {_md(layout.sheet)}" if layout.sheet else "")
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
                    f"Several columns could be **{_md(target)}**: "
                    + ", ".join(_md(h) for h in heads)
                    + ". Pick one above."
                )
    map_key = json.dumps(mapping, sort_keys=True)
    events = state.events()  # published and added: rows may name either
    load = _memo(
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

    matched = _memo(("match", sha, sheet, header_row, map_key, alias_key), _match)
    _preview(load, matched, show_contacts, mapping)
    _save_form(ws, name, data, load, matched)


def _preview(load, matched: pd.DataFrame, show_contacts: bool, mapping) -> None:
    counts = matched["match_status"].value_counts()
    n = {s: int(counts.get(s, 0)) for s in ("matched", "ambiguous", "unmatched")}
    n["rejected"] = len(load.rejected)
    n["all"] = len(matched) + n["rejected"]
    st.markdown(f"#### Preview of {_md(load.filename)}")
    cols = st.columns(5)
    cols[0].metric("Rows", f"{len(matched):,}")
    cols[1].metric("Matched", f"{n['matched']:,}")
    cols[2].metric("Ambiguous", f"{n['ambiguous']:,}")
    cols[3].metric("Unmatched", f"{n['unmatched']:,}")
    cols[4].metric("Rejected", f"{n['rejected']:,}")
    for note in load.notes:
        st.caption(f"ℹ️ {_md(note)}")
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
            show_table(rej)
    else:
        view = matched if show == "all" else matched[matched["match_status"] == show]
        show_table(_display(view, show_contacts, PREVIEW_COLUMNS))
    if len(load.issues):
        issues = load.issues
        if not show_contacts:
            # the cell text of a name or email column is contact data; the
            # loader's reasons never quote it
            private = set()
            for t in CONTACT_PREVIEW:
                for m in (mapping, load.column_map):
                    private.update(str(m.get(t) or "").split(" + "))
            private.discard("")
            issues = issues.copy()
            hide = issues["column"].astype("string").isin(private).fillna(False)
            issues["value"] = issues["value"].astype("string").mask(hide, "(hidden)")
        with st.expander(f"Cells that could not be read ({len(issues):,})"):
            show_table(issues)


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
            f"This exact file is already saved as **{_md(first['name'])}** "
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
        msg = f"Saved roster **{_md(roster_name)}** (#{rid}, {len(matched):,} rows)."
        if todo:
            msg += f" {todo:,} rows wait in the review queue."
            st.session_state["data_goto"] = "review"
        else:
            st.session_state["data_goto"] = "rosters"
        _flash("success", msg)
        st.rerun()
    st.caption(
        "Saving keeps the original file and the matched rows in the workspace; the "
        "map then shows all saved rosters together."
    )


# ----------------------------------------------------------------- review
def _on_pick(rid: int, rows: list[int], widget: str) -> None:
    ws = open_workspace()
    value = st.session_state.get(widget)
    try:
        if value in (None, NONE):
            ws.clear_review_choice(rid, rows)
        elif value == NOT_CA:
            ws.set_review_choice(rid, rows, not_california=True)
        else:
            ref = state.reference()
            hit = ref[ref["geoid"] == value]
            ws.set_review_choice(
                rid,
                rows,
                geoid=value,
                matched_name=None if hit.empty else str(hit["name"].iloc[0]),
                cd_code=None if hit.empty else _opt(hit["cd_code"].iloc[0]),
            )
    except ValueError as exc:
        _flash("error", str(exc))


def _opt(value: Any) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


def _review_section(ws: Workspace) -> None:
    st.subheader("Review queue")
    queue = ws.review_queue()
    if queue.empty:
        st.success(
            "Nothing to review: every row of the saved rosters is matched or decided."
        )
        return
    ref = state.reference()
    labels = _entity_label(ref)
    names = dict(zip(queue["roster_id"], queue["roster_name"], strict=False))
    ids = [0, *sorted({int(r) for r in queue["roster_id"]})]
    pick = st.selectbox(
        "Roster",
        ids,
        format_func=lambda r: "All saved rosters" if r == 0 else f"#{r} {names[r]}",
        key="data_review_roster",
    )
    q = queue if pick == 0 else queue[queue["roster_id"] == pick]
    st.caption(
        f"{len(q):,} name{'s' if len(q) != 1 else ''} in "
        f"{int(q['n_rows'].sum()):,} row{'s' if q['n_rows'].sum() != 1 else ''} "
        f"need{'s' if len(q) == 1 else ''} a person's "
        "decision. Search for the right district or COE (county shown), or mark "
        "the name as not a California district, then confirm. Choices are kept "
        "until you confirm; confirmed choices apply to future uploads too."
    )
    pages = max(1, -(-len(q) // PAGE_SIZE))
    page = 1
    if pages > 1:
        page = int(
            st.number_input(
                f"Page (of {pages})", 1, pages, 1, key="data_review_page", step=1
            )
        )
    for g in q.iloc[(page - 1) * PAGE_SIZE : page * PAGE_SIZE].itertuples(index=False):
        _review_item(g, ref, labels, candidates)
    n_pending = int(
        (queue["pending_geoid"].notna() | queue["pending_not_california"]).sum()
    )
    if st.button(
        f"Confirm {n_pending} choice{'s' if n_pending != 1 else ''}",
        type="primary",
        disabled=n_pending == 0,
        key="data_review_confirm",
    ):
        with st.spinner("Saving decisions…"):
            n = ws.confirm_review()
        _flash(
            "success",
            f"Confirmed {n:,} rows. The names are saved as aliases and will match "
            "automatically in future uploads.",
        )
        st.rerun()


def _review_item(g, ref: pd.DataFrame, labels: dict, candidates) -> None:
    rid = int(g.roster_id)
    county = None if pd.isna(g.county) else str(g.county)
    gkey = hashlib.sha1(f"{rid}|{g.entity_name}|{county}".encode()).hexdigest()[:12]
    with st.container(border=True):
        left, right = st.columns([2, 3])
        rows_text = ", ".join(str(r) for r in g.source_rows[:8])
        if len(g.source_rows) > 8:
            rows_text += ", …"
        left.markdown(
            f"**{_md(g.entity_name) or '(no name)'}**  \n"
            f"{_md(county) + ' County' if county else 'county not given'} · "
            f"{g.n_rows} row{'s' if g.n_rows != 1 else ''} (file row {rows_text})"
        )
        # One source for the hint and the list: the candidates of the roster
        # name (the list below starts with them until the search is changed).
        name = str(g.entity_name or "")
        closest = _memo(
            ("cand", name, county), lambda: candidates(name, county, ref, k=8)
        )
        left.caption(_closest_caption(g.match_status, closest))
        query = right.text_input(
            "Search districts and COEs",
            value=name,
            key=f"rq_q_{gkey}",
        )
        cands = _memo(
            ("cand", query, county), lambda: candidates(query, county, ref, k=8)
        )
        options = [NONE, *cands["geoid"].tolist(), NOT_CA]
        current = NONE
        if g.pending_not_california:
            current = NOT_CA
        elif not pd.isna(g.pending_geoid):
            current = str(g.pending_geoid)
            if current not in options:
                options.insert(1, current)
        scores = dict(zip(cands["geoid"], cands["score"], strict=True))

        def fmt(v: str) -> str:
            if v == NONE:
                return "— choose —"
            if v == NOT_CA:
                return f"✗ {NOT_CALIFORNIA_NOTE[0].upper()}{NOT_CALIFORNIA_NOTE[1:]}"
            score = f" · similarity {scores[v]:.0f}" if v in scores else ""
            return labels.get(v, v) + score

        widget = f"rq_pick_{gkey}"
        if widget in st.session_state and st.session_state[widget] not in options:
            del st.session_state[widget]
        right.selectbox(
            "District or COE",
            options,
            index=options.index(current) if widget not in st.session_state else 0,
            format_func=fmt,
            key=widget,
            on_change=_on_pick,
            args=(rid, list(g.row_indexes), widget),
        )


def _closest_caption(status: str, closest: pd.DataFrame, n: int = 3) -> str:
    """Hint under a review item: the first ``n`` candidates, as the list shows them."""
    if closest.empty:
        return f"{status.capitalize()}: no district or COE name is close."
    shown = "; ".join(
        f"{_md(r.name)} ({_md(r.county)}) {r.score:.0f}"
        for r in closest.head(n).itertuples(index=False)
    )
    more = "; …" if len(closest) > n else ""
    return f"{status.capitalize()}. Closest names (similarity 0-100): {shown}{more}"


# ----------------------------------------------------------------- saved rosters
def _rosters_section(ws: Workspace, show_contacts: bool) -> None:
    ss = st.session_state
    st.subheader("Saved rosters")
    undo = ss.get("data_undo")
    if undo:
        c1, c2 = st.columns([4, 1])
        c1.info(f"Removed roster **{_md(undo[1])}**.")
        if c2.button("Undo", key="data_undo_btn"):
            ws.restore_roster(undo[0])
            ss.pop("data_undo", None)
            _flash("success", f"Roster **{_md(undo[1])}** is back.")
            st.rerun()
    listing = ws.list_rosters()
    if listing.empty:
        st.info(
            "No roster saved yet — the map shows the built-in demo roster. "
            "Upload a roster to see your own data."
        )
    else:
        total = listing[["rows", "matched", "ambiguous", "unmatched"]].sum()
        cols = st.columns(4)
        cols[0].metric("Saved rosters", f"{len(listing):,}")
        cols[1].metric("Rows on the map", f"{int(total['matched']):,}")
        cols[2].metric("Ambiguous", f"{int(total['ambiguous']):,}")
        cols[3].metric("Unmatched", f"{int(total['unmatched']):,}")
        table = listing.assign(
            saved=listing["uploaded_at"].dt.strftime("%Y-%m-%d %H:%M UTC")
        )[["roster_id", "name", "filename", "sheet", "saved", "rows", "matched",
           "ambiguous", "unmatched", "rejected"]]  # fmt: skip
        show_table(table, column_config={"name": "Roster"})
        names = dict(zip(listing["roster_id"], listing["name"], strict=True))
        rid = st.selectbox(
            "Roster",
            list(names),
            format_func=lambda r: f"#{r} {names[r]}",
            key="data_roster_pick",
        )
        _roster_actions(ws, int(rid), names[rid], show_contacts)
    _trash(ws)


def _roster_actions(ws: Workspace, rid: int, name: str, show_contacts: bool) -> None:
    ss = st.session_state
    rows, _rejected, meta = ws.load_roster(rid)
    c1, c2, c3 = st.columns(3)
    if show_contacts:  # the original file holds names and e-mails
        c1.download_button(
            "Download the original file",
            lambda: ws.original_file(rid),
            file_name=meta.get("filename") or f"roster-{rid}",
            key=f"data_dl_orig_{rid}",
            on_click="ignore",
        )
    else:
        c1.caption("The original file (with names and e-mails) is kept, not shown.")
    with_contacts = False
    if show_contacts:
        with_contacts = c2.checkbox(
            "Include contact details", key=f"data_dl_contacts_{rid}"
        )
    c2.download_button(
        "Download matched roster (CSV)",
        table_csv_bytes(rows, include_contacts=with_contacts),
        file_name=f"{Path(meta.get('filename') or 'roster').stem}-matched.csv",
        mime="text/csv",
        key=f"data_dl_matched_{rid}",
        help="Every row with its match columns; names and emails are left out "
        "unless you tick 'Include contact details'.",
    )
    if ss.get("data_confirm_remove") == rid:
        st.warning(
            f"Remove roster **{_md(name)}** ({len(rows):,} rows)? The map stops "
            "counting it. You can undo this, and it stays in the trash until you "
            "empty it."
        )
        y, n = st.columns(2)
        if y.button("Yes, remove it", type="primary", key="data_remove_yes"):
            ws.delete_roster(rid)
            ss.pop("data_confirm_remove", None)
            ss["data_undo"] = (rid, name)
            st.rerun()
        if n.button("Cancel", key="data_remove_no"):
            ss.pop("data_confirm_remove", None)
            st.rerun()
    elif c3.button("Remove this roster…", key="data_remove"):
        ss["data_confirm_remove"] = rid
        st.rerun()
    if meta.get("notes"):
        with st.expander("Reading notes"):
            for note in meta["notes"]:
                st.caption(_md(note))


def _trash(ws: Workspace) -> None:
    trash = ws.list_rosters(deleted=True)
    if trash.empty:
        return
    with st.expander(f"Trash ({len(trash)})"):
        names = dict(zip(trash["roster_id"], trash["name"], strict=True))
        rid = st.selectbox(
            "Removed roster",
            list(names),
            format_func=lambda r: f"#{r} {names[r]}",
            key="data_trash_pick",
        )
        c1, c2 = st.columns(2)
        if c1.button("Restore", key="data_trash_restore"):
            ws.restore_roster(int(rid))
            st.session_state.pop("data_undo", None)
            _flash("success", f"Roster **{_md(names[rid])}** is back.")
            st.rerun()
        sure = c2.checkbox("I understand this cannot be undone", key="data_trash_sure")
        if c2.button("Empty the trash", disabled=not sure, key="data_trash_empty"):
            n = ws.purge_deleted()
            st.session_state.pop("data_undo", None)
            _flash("success", f"Deleted {n} roster{'s' if n != 1 else ''} for good.")
            st.rerun()


# ----------------------------------------------------------------- aliases
def _aliases_section(ws: Workspace) -> None:
    st.subheader("Aliases")
    st.caption(
        "Names as they appear in rosters, tied to a district or COE (or marked as "
        "not a California district). They apply to every future upload."
    )
    ref = state.reference()
    labels = _entity_label(ref)
    al = ws.list_aliases()
    if al.empty:
        st.info(
            "No aliases yet. Confirming a choice in the review queue saves one; "
            "you can also add one below or import a CSV."
        )
    else:
        shown = al.assign(
            means=[
                "not a California district" if nc else labels.get(g, g)
                for g, nc in zip(
                    al["geoid"].fillna(""), al["not_california"], strict=True
                )
            ],
            updated=al["updated_at"].dt.strftime("%Y-%m-%d"),
        )[["alias", "county", "means", "geoid", "note", "updated"]]
        show_table(shown, column_config={"county": "Only in county"})
    _alias_editor(ws, al, ref, labels)
    c1, c2 = st.columns(2)
    c1.download_button(
        "Export aliases (CSV)",
        ws.export_aliases_csv(),
        file_name="lmi-aliases.csv",
        mime="text/csv",
        key="data_alias_export",
        disabled=al.empty,
    )
    with c2:
        up = st.file_uploader(
            "Import aliases (CSV)",
            type=["csv"],
            key=f"data_alias_import_{st.session_state.get('data_alias_import_n', 0)}",
            help="Columns alias, county, geoid, not_california, note (as exported). "
            "Existing aliases with the same name and county are replaced.",
        )
        if up is not None and st.button("Import", key="data_alias_import_go"):
            counts = ws.import_aliases_csv(
                up.getvalue(), filename=up.name, valid_geoids=ref["geoid"]
            )
            st.session_state["data_alias_import_n"] = (
                st.session_state.get("data_alias_import_n", 0) + 1
            )
            _flash(
                "success",
                f"Imported aliases: {counts['added']} added, {counts['updated']} "
                f"updated, {counts['unchanged']} unchanged.",
            )
            st.rerun()


def _alias_editor(ws: Workspace, al: pd.DataFrame, ref: pd.DataFrame, labels) -> None:
    ids = [0, *[int(i) for i in al["alias_id"]]]
    by_id = {int(r.alias_id): r for r in al.itertuples(index=False)}
    pick = st.selectbox(
        "Add or edit an alias",
        ids,
        format_func=lambda i: (
            "➕ New alias"
            if i == 0
            else f"{by_id[i].alias}"
            + (f" ({by_id[i].county})" if not pd.isna(by_id[i].county) else "")
        ),
        key="data_alias_pick",
    )
    row = by_id.get(pick)
    counties = sorted(ref["county"].dropna().unique().tolist())
    targets = [NONE, NOT_CA, *ref.sort_values("name")["geoid"].tolist()]
    with st.form(key=f"data_alias_form_{pick}"):
        c1, c2 = st.columns(2)
        text = c1.text_input(
            "Alias (as typed in rosters)", value="" if row is None else row.alias
        )
        county_now = (
            ANY_COUNTY if row is None or pd.isna(row.county) else str(row.county)
        )
        county_opts = [ANY_COUNTY, *counties]
        if county_now not in county_opts:
            county_opts.append(county_now)
        county = c2.selectbox(
            "Only in county",
            county_opts,
            index=county_opts.index(county_now),
            format_func=lambda c: "any county" if c == ANY_COUNTY else c,
        )
        if row is None:
            target_now = NONE
        elif row.not_california:
            target_now = NOT_CA
        else:
            target_now = str(row.geoid)
        if target_now not in targets:
            targets.append(target_now)
        target = st.selectbox(
            "Means",
            targets,
            index=targets.index(target_now),
            format_func=lambda g: (
                "— choose —"
                if g == NONE
                else ("Not a California district" if g == NOT_CA else labels.get(g, g))
            ),
        )
        note = st.text_input(
            "Note", value="" if row is None or pd.isna(row.note) else row.note
        )
        saved = st.form_submit_button("Save alias", type="primary")
    if saved:
        if target == NONE:
            st.error(
                "Choose what the alias means (a district, a COE, or not California)."
            )
        else:
            fields = {
                "alias": text,
                "county": None if county == ANY_COUNTY else county,
                "geoid": None if target == NOT_CA else target,
                "not_california": target == NOT_CA,
                "note": note or None,
            }
            if row is None:
                ws.save_alias(fields.pop("alias"), **fields)
            else:
                ws.update_alias(pick, **fields)
            _flash("success", f"Saved alias **{_md(text)}**.")
            st.session_state.pop("data_alias_pick", None)
            st.rerun()
    if row is not None and st.button("Delete this alias", key=f"data_alias_del_{pick}"):
        ws.delete_alias(pick)
        _flash("success", f"Deleted alias **{_md(row.alias)}**.")
        st.session_state.pop("data_alias_pick", None)
        st.rerun()


# ----------------------------------------------------------------- page
def _operator_settings(ws: Workspace) -> bool:
    """Whether contact details show; only the operator or a signed-in user decides."""
    with st.expander("Operator settings"):
        if state.signed_in():
            allowed = _contact_allowed(ws)
            value = st.toggle(
                "Show contact details (names, emails) in the app",
                value=allowed,
                key="data_show_contacts",
                help="Off by default. Exports include contact details only when "
                "explicitly asked.",
            )
            if value != allowed:
                ws.set_setting(SETTING_SHOW_CONTACTS, bool(value))
        elif state.contacts_allowed():
            st.caption(
                f"Contact details are shown: the app was started with "
                f"`{state.CONTACTS_ENV}=1`."
            )
        else:
            st.caption(
                "Contact details (names, emails) are hidden everywhere in the app. "
                f"The operator can show them by starting the app with "
                f"`{state.CONTACTS_ENV}=1`, or by configuring sign-in "
                "(docs/DEPLOYMENT.md)."
            )
    return state.contacts_allowed()


def render() -> None:
    """The Data page."""
    st.title("Data")
    try:
        ws = open_workspace()
    except WorkspaceError as exc:
        errors.show_workspace_error(exc)
        st.stop()
    st.caption(
        f"Workspace: `{ws.location()}` — set `LMI_WORKSPACE_DIR` (a folder) or "
        "`LMI_WORKSPACE_URL` (a database URL) to keep it elsewhere."
    )
    _show_flash()
    show_contacts = False
    try:
        show_contacts = _operator_settings(ws)
        queue_n = int(ws.review_queue()["n_rows"].sum())
        saved_n = len(ws.list_rosters())
    except ValueError as exc:
        st.error(str(exc))
        queue_n = saved_n = 0
    labels = {
        "upload": "Upload",
        "review": f"Review ({queue_n:,})" if queue_n else "Review",
        "rosters": f"Saved rosters ({saved_n})",
        "aliases": "Aliases",
    }
    st.session_state.setdefault("data_section", "upload")
    if "data_goto" in st.session_state:  # set by an action on the previous run
        st.session_state["data_section"] = st.session_state.pop("data_goto")
    section = st.radio(
        "Section",
        SECTIONS,
        format_func=labels.get,
        horizontal=True,
        key="data_section",
        label_visibility="collapsed",
    )
    if section == "upload":
        _guarded(_upload_section, ws, show_contacts)
    elif section == "review":
        _guarded(_review_section, ws)
    elif section == "rosters":
        _guarded(_rosters_section, ws, show_contacts)
    else:
        _guarded(_aliases_section, ws)


render()
