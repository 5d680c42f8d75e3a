"""Data page, Review section: one item per (roster, name, county) waiting for a
person; choices kept until confirmed, then saved as aliases for a county.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import access, state
from dashboard.datapage.common import (
    NONE,
    NOT_CA,
    PAGE_SIZE,
    entity_label,
    flash,
    md,
    memo,
)
from loaders.matching import candidates
from loaders.review import alias_county, alias_scope_text
from loaders.workspace import (
    NOT_CALIFORNIA_NOTE,
    EditConflictError,
    Workspace,
)


def _on_pick(rid: int, rows: list[int], widget: str, version: int) -> None:
    """Save the choice made on an item, if nobody else decided it since this
    page showed ``version`` (else EditConflictError's message: the current
    decision, choose again)."""
    ws = access.workspace()  # a callback runs before app.py binds the visitor
    value = st.session_state.get(widget)
    seen = {"expected_version": version}
    try:
        if value in (None, NONE):
            ws.clear_review_choice(rid, rows, **seen)
        elif value == NOT_CA:
            ws.set_review_choice(rid, rows, not_california=True, **seen)
        else:
            ref = state.reference()
            hit = ref[ref["geoid"] == value]
            ws.set_review_choice(
                rid,
                rows,
                geoid=value,
                matched_name=None if hit.empty else str(hit["name"].iloc[0]),
                cd_code=None if hit.empty else _opt(hit["cd_code"].iloc[0]),
                **seen,
            )
    except EditConflictError as exc:
        st.session_state.pop(widget, None)  # show the decision as saved now
        flash("warning", str(exc))
    except ValueError as exc:
        flash("error", str(exc))


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


def review_section(ws: Workspace) -> None:
    st.subheader("Review queue")
    queue = ws.review_queue()
    if queue.empty:
        st.success(
            "Nothing to review: every row of the saved rosters is matched or decided."
        )
        return
    ref = state.reference()
    labels = entity_label(ref)
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
        flash(
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
            f"**{md(g.entity_name) or '(no name)'}**  \n"
            f"{md(county) + ' County' if county else 'county not given'} · "
            f"{g.n_rows} row{'s' if g.n_rows != 1 else ''} (file row {rows_text})  \n"
            f"Event: {md(g.events)} · role: {md(g.roles)} · "
            f"status: {md(g.statuses)}"
        )
        # One source for the hint and the list: the candidates of the roster
        # name (the list below starts with them until the search is changed).
        name = str(g.entity_name or "")
        closest = memo(
            ("cand", name, county), lambda: candidates(name, county, ref, k=8)
        )
        if not pd.isna(g.match_notes):  # why the matcher held the rows back
            left.warning(f"Why: {md(g.match_notes)}", icon=":material/help:")
        left.caption(_closest_caption(g.match_status, closest))
        query = right.text_input(
            "Search districts and COEs",
            value=name,
            key=f"rq_q_{gkey}",
        )
        cands = memo(
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
            args=(rid, list(g.row_indexes), widget, int(g.version)),
        )
        wide = left.checkbox(
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
        left.caption(
            f"On confirm, “{md(g.entity_name)}” is saved as an alias "
            f"{md(alias_scope_text(scope))}."
        )


def _closest_caption(status: str, closest: pd.DataFrame, n: int = 3) -> str:
    """Hint under a review item: the first ``n`` candidates, as the list shows them."""
    if closest.empty:
        return f"{status.capitalize()}: no district or COE name is close."
    shown = "; ".join(
        f"{md(r.name)} ({md(r.county)}) {r.score:.0f}"
        for r in closest.head(n).itertuples(index=False)
    )
    more = "; …" if len(closest) > n else ""
    return f"{status.capitalize()}. Closest names (similarity 0-100): {shown}{more}"
