"""Data page, Aliases section: list, add, edit, delete, export and import."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.datapage.common import (
    ANY_COUNTY,
    NONE,
    NOT_CA,
    entity_label,
    flash,
    grid,
    md,
)
from loaders.workspace import Workspace


def aliases_section(ws: Workspace) -> None:
    st.subheader("Aliases")
    st.caption(
        "Names as they appear in rosters, tied to a district or COE (or marked as "
        "not a California district). They apply to every future upload."
    )
    ref = state.reference()
    labels = entity_label(ref)
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
        grid(shown, column_config={"county": "Only in county"})
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
            flash(
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
            flash("success", f"Saved alias **{md(text)}**.")
            st.session_state.pop("data_alias_pick", None)
            st.rerun()
    if row is not None and st.button("Delete this alias", key=f"data_alias_del_{pick}"):
        ws.delete_alias(pick)
        flash("success", f"Deleted alias **{md(row.alias)}**.")
        st.session_state.pop("data_alias_pick", None)
        st.rerun()
