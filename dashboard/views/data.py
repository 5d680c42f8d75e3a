"""Data page: upload rosters, review matches, manage saved rosters and aliases.

Everything computed here comes from :mod:`loaders` (reading, matching, the
workspace database); this script only lays it out. Errors the loaders raise are
``ValueError`` subclasses with messages fit for users: they are shown with
``st.error``, never as a traceback. Roster text is shown through
``st.dataframe`` (formula-safe: the grid's own CSV download writes no cell
starting with ``=``, ``+``, ``-``, ``@``) or with Markdown escaped. Contact
details (names, emails) are shown only when the operator setting allows them.
What an upload merges and which events it lacks (:mod:`loaders.upload`,
:mod:`loaders.event_mapping`), what waits for review (:mod:`loaders.review`)
and what is not on the map (:mod:`loaders.participation`) are library
functions, tested without Streamlit.

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
from loaders.event_mapping import apply_event_mapping, unresolved_events
from loaders.events import load_events
from loaders.exports import neutralise_frame, table_csv_bytes
from loaders.matching import candidates, match_roster
from loaders.participation import not_on_map_reason
from loaders.review import alias_county, alias_scope_text, decision_counts
from loaders.roster import EXTRA_COLUMNS, ROSTER_COLUMNS, inspect_roster, read_roster
from loaders.upload import hide_contact_cells, merged_rows
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
SECTION_TITLES = {
    "upload": "Upload", "review": "Review", "rosters": "Saved rosters",
    "aliases": "Aliases",
}  # fmt: skip
TYPE_LABEL = {
    "unified": "unified",
    "elementary": "elementary",
    "secondary": "high school",
    "coe": "county office",
}
PREVIEW_COLUMNS = [
    "source_row", "entity_name", "county", "event_id", "role", "status",
    "match_status", "matched_name", "geoid", "match_method", "score", "runner_up",
    "match_note", "row_notes",
]  # fmt: skip
CONTACT_PREVIEW = ["person_name", "email"]
NOT_ON_MAP_COLUMNS = ["roster_id", "source_row", "reason", "entity_name", "county",
                      "event_id", "role", "status", "match_status"]  # fmt: skip
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


def _grid(frame: pd.DataFrame, **kwargs: Any) -> Any:
    """A table of roster text, formula-safe: the grid's CSV download is safe too."""
    return show_table(neutralise_frame(frame), **kwargs)


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
def _read(data: bytes, name: str, sheet: str | None, header_row: int | None, mapping):
    return read_roster(
        data, filename=name, sheet=sheet, header_row=header_row, column_map=mapping
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
    load = _memo(
        ("read", sha, sheet, header_row, map_key),
        lambda: _read(data, name, sheet, header_row, mapping),
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
    matched = _event_choice(load, matched, fkey)
    _preview(load, matched, show_contacts)
    _merged(ws, load, matched)
    _save_form(ws, name, data, load, matched)


def _event_choice(load, matched: pd.DataFrame, fkey: str) -> pd.DataFrame:
    """Rows whose event is unknown: one event for the file, or one per value."""
    events = load_events()
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
    st.warning(
        f"{n:,} row{'s' if n != 1 else ''} name no known event, so "
        f"{'they' if n != 1 else 'it'} would not reach the map. Choose the event "
        "for the whole file, or one event for each value below."
    )
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
            said = f"{what} “{_md(r.value)}”" if r.value else what
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
        _grid(merged, column_config={"same_as": "Same person as"})


def _preview(load, matched: pd.DataFrame, show_contacts: bool) -> None:
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
            _grid(rej)
    else:
        view = matched if show == "all" else matched[matched["match_status"] == show]
        _grid(_display(view, show_contacts, PREVIEW_COLUMNS))
    if len(load.issues):
        issues = load.issues
        if not show_contacts:
            private = [*load.contact_columns]
            private += [load.column_map.get(t) or "" for t in CONTACT_PREVIEW]
            issues = hide_contact_cells(issues, private)
        with st.expander(f"Cells that could not be read ({len(issues):,})"):
            _grid(issues)


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


def _group_key(rid: Any, entity_name: Any, county: Any) -> str:
    """Stable key of a review item (one roster, name and county as typed)."""
    county = None if county is None or pd.isna(county) else str(county)
    return hashlib.sha1(f"{int(rid)}|{entity_name}|{county}".encode()).hexdigest()[:12]


def _alias_county_of(ref: pd.DataFrame) -> Callable[[Any], str | None]:
    """The county a confirmed decision's alias is saved for (see alias_county)."""
    county_of = dict(zip(ref["geoid"], ref["county"], strict=True))
    wide = st.session_state.get("data_wide", set())

    def scope(d: Any) -> str | None:
        return alias_county(
            d.county,
            None if d.not_california else county_of.get(d.geoid),
            every_county=_group_key(d.roster_id, d.entity_name, d.county) in wide,
        )

    return scope


def _toggle_wide(gkey: str) -> None:
    wide = st.session_state.setdefault("data_wide", set())
    if st.session_state.get(f"rq_wide_{gkey}"):
        wide.add(gkey)
    else:
        wide.discard(gkey)


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
        "until you confirm; a confirmed choice is saved as an alias for the "
        "county shown on its item (tick 'for every county' to widen it) and "
        "applies to future uploads too."
    )
    pages = max(1, -(-len(q) // PAGE_SIZE))
    page = 1
    if pages > 1:
        page = int(
            st.number_input(
                f"Page (of {pages})", 1, pages, 1, key="data_review_page", step=1
            )
        )
    county_of = dict(zip(ref["geoid"], ref["county"], strict=True))
    for g in q.iloc[(page - 1) * PAGE_SIZE : page * PAGE_SIZE].itertuples(index=False):
        _review_item(g, ref, labels, county_of)
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
            n = ws.confirm_review(alias_county=_alias_county_of(ref))
        st.session_state.pop("data_wide", None)
        _flash(
            "success",
            f"Confirmed {n:,} rows. The names are saved as aliases (see Aliases "
            "for each one's county) and will match automatically in future uploads.",
        )
        st.rerun()


def _review_item(g, ref: pd.DataFrame, labels: dict, county_of: dict) -> None:
    rid = int(g.roster_id)
    county = None if pd.isna(g.county) else str(g.county)
    gkey = _group_key(rid, g.entity_name, g.county)
    with st.container(border=True):
        left, right = st.columns([2, 3])
        rows_text = ", ".join(str(r) for r in g.source_rows[:8])
        if len(g.source_rows) > 8:
            rows_text += ", …"
        left.markdown(
            f"**{_md(g.entity_name) or '(no name)'}**  \n"
            f"{_md(county) + ' County' if county else 'county not given'} · "
            f"{g.n_rows} row{'s' if g.n_rows != 1 else ''} (file row {rows_text})  \n"
            f"Event: {_md(g.events)} · role: {_md(g.roles)} · "
            f"status: {_md(g.statuses)}"
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
        wide = right.checkbox(
            "Save the alias for every county",
            value=gkey in st.session_state.get("data_wide", set()),
            key=f"rq_wide_{gkey}",
            on_change=_toggle_wide,
            args=(gkey,),
            help="By default the confirmed choice holds only in the county the "
            "rows give (or the chosen district's county when they give none).",
        )
        pick = st.session_state.get(widget)
        chosen = None if pick in (None, NONE, NOT_CA) else county_of.get(pick)
        scope = alias_county(county, chosen, every_county=wide)
        right.caption(
            f"On confirm, “{_md(g.entity_name)}” is saved as an alias "
            f"{_md(alias_scope_text(scope))}."
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
        rows = ws.all_rows()
        reason = not_on_map_reason(rows, load_events())
        counts = decision_counts(rows, by="roster_id")
        counts.index = counts.index.astype(int)
        cols = st.columns(4)
        cols[0].metric("Saved rosters", f"{len(listing):,}")
        cols[1].metric("Rows on the map", f"{int(reason.isna().sum()):,}")
        cols[2].metric("Waiting for review", f"{int(counts['to_review'].sum()):,}")
        cols[3].metric("Not on the map", f"{int(reason.notna().sum()):,}")
        table = listing.assign(
            saved=listing["uploaded_at"].dt.strftime("%Y-%m-%d %H:%M UTC")
        ).join(counts[["to_review", "not_california"]], on="roster_id")
        table = table[["roster_id", "name", "filename", "sheet", "saved", "rows",
                       "matched", "to_review", "not_california",
                       "rejected"]].fillna({"to_review": 0, "not_california": 0})  # fmt: skip
        _grid(
            table,
            column_config={
                "name": "Roster",
                "to_review": "Waiting for review",
                "not_california": "Not California",
            },
        )
        _not_on_map(rows, reason)
        names = dict(zip(listing["roster_id"], listing["name"], strict=True))
        rid = st.selectbox(
            "Roster",
            list(names),
            format_func=lambda r: f"#{r} {names[r]}",
            key="data_roster_pick",
        )
        _roster_actions(ws, int(rid), names[rid], show_contacts)
    _trash(ws)


def _not_on_map(rows: pd.DataFrame, reason: pd.Series) -> None:
    """The saved rows the map leaves out, with the reason (no contact details)."""
    off = rows.loc[reason.notna()].assign(reason=reason[reason.notna()])
    if off.empty:
        return
    with st.expander(f"Rows not on the map ({len(off):,})"):
        st.caption(
            "Rows waiting for review are resolved in Review; rows with no known "
            "event are fixed by uploading the file again and choosing its event."
        )
        _grid(off[[c for c in NOT_ON_MAP_COLUMNS if c in off.columns]])


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
        _grid(shown, column_config={"county": "Only in county"})
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


def _section_picker(labels: dict[str, str]) -> str:
    """The section shown, kept by its id (``data_section``), not by its label.

    The browser resets a radio whose option labels change ("Review (3)" →
    "Review (2)") to its first option, and drops the click that caused the
    change (Undo). So the radio's key follows its labels: a new label set is a
    new radio, created on the section kept in ``data_section``.
    """
    ss = st.session_state
    ss.setdefault("data_section", "upload")
    if "data_goto" in ss:  # set by an action on the previous run
        ss["data_section"] = ss.pop("data_goto")
    if ss["data_section"] not in SECTIONS:
        ss["data_section"] = "upload"
    key = "data_section_" + hashlib.sha1("|".join(labels.values()).encode()).hexdigest()[:8]
    if ss.get(key) != ss["data_section"]:
        ss[key] = ss["data_section"]

    def chosen() -> None:
        ss["data_section"] = ss[key]

    st.radio(
        "Section",
        SECTIONS,
        format_func=labels.get,
        horizontal=True,
        key=key,
        on_change=chosen,
        label_visibility="collapsed",
    )
    return ss["data_section"]


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
    counts = {"review": queue_n, "rosters": saved_n}
    labels = {
        s: SECTION_TITLES[s] + (f" ({counts[s]:,})" if counts.get(s) else "")
        for s in SECTIONS
    }
    section = _section_picker(labels)
    if section == "upload":
        _guarded(_upload_section, ws, show_contacts)
    elif section == "review":
        _guarded(_review_section, ws)
    elif section == "rosters":
        _guarded(_rosters_section, ws, show_contacts)
    else:
        _guarded(_aliases_section, ws)


render()
