"""Plan page: where regional meetings go, for the teams we still need.

Thin UI over :func:`geodata.siting.plan_for_roster` (the same pipeline as
``lmi-dashboard plan``): choose who to serve, the candidate venues, the model
and the number of meetings; the fast solver answers on every change. Scenarios
are compared side by side and kept in the workspace store; invite lists
download as CSV / XLSX.
"""

from __future__ import annotations

import dataclasses
import threading
import time

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import access, addressbar, state
from dashboard.plan_charts import turnout_chart
from dashboard.plan_text import certificate_text
from dashboard.tables import show_table
from geodata import distances, gazetteer, siting
from geodata.planmap import plan_map
from loaders.entities import TYPE_CHOICES

REGIONS = list(range(1, 12))
TYPE_OPTIONS = TYPE_CHOICES
MODEL_LABELS = {
    "p-median": "Shortest average travel (p-median)",
    "coverage": "Most teams within reach (maximal coverage)",
    "attendance": "Most people expected to come (distance decay of turnout)",
}
POPULATIONS = [25_000, 50_000, 100_000]
TRAVEL_LABELS = {
    "estimate": "estimate (offline)",
    "router": "a road router (OSRM)",
    "table": "an uploaded table",
}
EXACT_LIMIT = 120


def _workspace():
    """The workspace store, or None when it cannot be opened here."""
    try:
        return access.workspace()  # bound to the visitor, also in callbacks
    except Exception:  # noqa: BLE001 - the page works without saved scenarios
        return None


@st.cache_data(show_spinner="Loading candidate venues…", max_entries=16)
def _candidates(
    min_population: int, include_past: bool, added: tuple[str, ...], events
) -> pd.DataFrame:
    return siting.candidate_table(
        siting.CandidateOptions(
            min_population=min_population, include_past=include_past, added_venues=added
        ),
        events,
    )


@st.cache_data(show_spinner="Fitting turnout to the roster history…", max_entries=4)
def _turnout_fit(roster_key: str, _teams_by_event, _reference, _events):
    """History and fitted turnout model of one roster (cached by its key)."""
    history = siting.turnout_history(_teams_by_event, _reference, _events)
    return history, siting.fit_turnout(history)


def _defaults(event_ids: list[str]) -> None:
    ss = st.session_state
    first = siting.PlanChoices(events=siting.default_event_ids(event_ids))
    for key, value in first.to_values("plan_").items():
        ss.setdefault(key, value)
    ss.setdefault("plan_compare", {})
    ss.setdefault("plan_loaded", None)
    ss.setdefault("plan_exact", None)
    ss.setdefault("plan_travel", "estimate")
    ss.setdefault("plan_router_url", "")
    ss.setdefault("plan_table_size", 100)


def _add_venue(text: str) -> None:
    """Keep what the planner typed (a city or 'lat, lon') once it is found."""
    try:
        gazetteer.parse_venue(text)
    except (LookupError, ValueError) as exc:
        st.session_state["plan_venue_error"] = str(exc)
        return
    st.session_state["plan_venue_error"] = None
    if text not in st.session_state["plan_user_venues"]:
        st.session_state["plan_user_venues"] = [
            *st.session_state["plan_user_venues"],
            text,
        ]


def _on_add_typed() -> None:
    text = st.session_state.get("plan_venue_text", "").strip()
    if text:
        _add_venue(text)
        st.session_state["plan_venue_text"] = ""


def _on_add_clicked(lat: float, lon: float) -> None:
    _add_venue(f"{lat:.4f}, {lon:.4f}")


def _back_to_live() -> None:
    st.session_state["plan_loaded"] = None


def _who_to_serve(events: pd.DataFrame, teams: pd.DataFrame, ref: pd.DataFrame):
    st.subheader("Who to serve")
    labels = dict(zip(events["event_id"], events["label"]))
    with_data = [e for e in events["event_id"] if e in set(teams["event_id"])]
    st.selectbox(
        "Teams",
        list(siting.SERVE_OPTIONS),
        key="plan_serve",
        format_func=lambda s: f"{s.replace('-', ' ')}: {siting.SERVE_OPTIONS[s]}",
    )
    st.multiselect(
        "Events that count (empty: all)",
        with_data,
        key="plan_events",
        format_func=lambda e: labels.get(e, e),
    )
    st.multiselect("CCSESA regions (empty: all)", REGIONS, key="plan_regions")
    st.multiselect(
        "Counties (empty: all)", sorted(ref["county"].unique()), key="plan_counties"
    )
    st.multiselect(
        "District types",
        list(TYPE_OPTIONS),
        key="plan_types",
        format_func=TYPE_OPTIONS.get,
    )
    st.radio(
        "Weight each team by",
        ["people", "equal"],
        key="plan_weight",
        horizontal=True,
        format_func={"people": "people expected", "equal": "one per team"}.get,
    )
    st.number_input("People expected per team", 1, 12, key="plan_people")


def _venues_and_model(names: list[str]) -> None:
    st.subheader("Candidate venues")
    st.selectbox(
        "California cities of at least",
        POPULATIONS,
        key="plan_min_population",
        format_func=lambda n: f"{n:,} people",
    )
    st.checkbox("Add past CA LMI venues", key="plan_past")
    st.text_input(
        "Add a venue: city or 'lat, lon'",
        key="plan_venue_text",
        on_change=_on_add_typed,
        placeholder="Visalia   or   36.33, -119.29",
    )
    if st.session_state.get("plan_venue_error"):
        st.error(st.session_state["plan_venue_error"])
    if st.session_state["plan_user_venues"]:
        st.caption("Added: " + "; ".join(st.session_state["plan_user_venues"]))
        if st.button("Remove added venues"):
            st.session_state["plan_user_venues"] = []
            st.rerun()
    st.subheader("Model")
    st.radio(
        "Plan for", list(MODEL_LABELS), key="plan_model", format_func=MODEL_LABELS.get
    )
    st.slider("Number of meetings", 1, 12, key="plan_p")
    if st.session_state["plan_model"] in ("p-median", "attendance"):
        st.checkbox("Limit teams per meeting (room capacity)", key="plan_use_capacity")
        if st.session_state["plan_use_capacity"]:
            st.number_input(
                "At most this many teams per meeting", 1, 2000, key="plan_capacity"
            )
    else:
        st.number_input("Within", 5, 600, key="plan_radius")
        st.radio(
            "Units",
            ["minutes", "miles"],
            key="plan_radius_units",
            horizontal=True,
            format_func={"minutes": "minutes' drive (estimated)", "miles": "miles"}.get,
        )
    _drive_times()
    model = st.session_state.get("plan_turnout_model")
    if model is not None and model.types:
        st.session_state.setdefault("plan_turnout_type", model.default_type)
        st.selectbox(
            "Expected turnout as at",
            list(model.types),
            key="plan_turnout_type",
            format_func=lambda t: t.replace("_", " "),
            help="The event type whose fitted turnout curve the plan uses.",
        )
    st.session_state["plan_booked"] = [
        b for b in st.session_state["plan_booked"] if b in names
    ]
    st.multiselect("Already booked (always kept)", names, key="plan_booked")


def _drive_times() -> None:
    """Where drive minutes come from: the estimate, a router or a table."""
    st.radio(
        "Drive times from",
        list(TRAVEL_LABELS),
        key="plan_travel",
        format_func=TRAVEL_LABELS.get,
        horizontal=True,
    )
    if st.session_state["plan_travel"] == "router":
        st.text_input(
            "OSRM-compatible table service URL",
            key="plan_router_url",
            placeholder="http://localhost:5000",
        )
        st.number_input("Most points per request", 1, 10_000, key="plan_table_size")
    elif st.session_state["plan_travel"] == "table":
        st.file_uploader(
            "CSV with origin (team geoid), destination (venue name), minutes",
            type=["csv"],
            key="plan_travel_file",
        )


def _with_travel(options: siting.PlanOptions) -> siting.PlanOptions:
    """The options with the drive-time source the planner chose."""
    ss = st.session_state
    if ss.get("plan_travel") == "router" and ss.get("plan_router_url", "").strip():
        return options.replace(
            travel_time=distances.OSRMTable(
                ss["plan_router_url"].strip(),
                max_table_size=int(ss.get("plan_table_size", 100)),
            )
        )
    upload = ss.get("plan_travel_file")
    if ss.get("plan_travel") == "table" and upload is not None:
        return options.replace(
            travel_time=distances.TravelTimeMatrix.from_csv(
                upload.getvalue(), name=upload.name
            )
        )
    return options


def _exact(solve, limit: int) -> siting.VenuePlan | str:
    """Run ``solve()`` (the exact solver) in a thread, showing progress."""
    box: dict = {}

    def work():
        try:
            box["plan"] = solve()
        except Exception as exc:  # noqa: BLE001 - shown to the user below
            box["error"] = str(exc)

    thread = threading.Thread(target=work, daemon=True)
    bar = st.progress(0.0, text="Solving exactly with spopt / CBC…")
    start = time.monotonic()
    thread.start()
    while thread.is_alive():
        elapsed = time.monotonic() - start
        bar.progress(
            min(elapsed / (limit + 15), 0.99),
            text=f"Solving exactly with spopt / CBC… {elapsed:.0f} s "
            f"(time limit {limit} s)",
        )
        thread.join(0.25)
    bar.empty()
    return box.get("plan") or box.get("error", "the exact solver stopped")


def _show_plan(plan: siting.VenuePlan, matched: pd.DataFrame) -> None:
    sol = plan.solution
    cols = st.columns(5)
    if plan.options.model == "coverage":
        cols[0].metric("Covered", f"{plan.objective:,.0f} {plan.weight_label}")
    elif plan.options.model == "attendance":
        cols[0].metric("Expected to come", f"{plan.objective:,.0f} {plan.weight_label}")
    else:
        cols[0].metric("Average distance", f"{plan.objective:,.1f} mi")
    gap = plan.certified_gap
    cols[1].metric(
        "Certified gap",
        "-" if gap is None else ("≤ 0.01%" if 0 < gap < 1e-4 else f"≤ {gap:.2%}"),
        help="How far this plan can be from the best possible plan, proven by a "
        "bound computed with it (Lagrangian relaxation; coverage: HiGHS' branch "
        "and bound when that is tighter).",
    )
    stats = plan.summary()
    cols[2].metric("Teams served", f"{stats['teams']:,}")
    cols[3].metric("Within 1 h drive", f"{stats['share_within_1h']:.0%}")
    cols[4].metric("Within 2 h drive", f"{stats['share_within_2h']:.0%}")
    st.caption(
        f"Objective: {plan.objective:,.2f} {plan.objective_units}; "
        f"{certificate_text(plan)}. Solver: "
        f"{sol.method}, {sol.seconds:.2f} s"
        + (" (proven optimal)" if sol.optimal else "")
        + (f". {sol.note}" if sol.note else "")
        + f". Drive times: {plan.options.travel_time.describe()}."
    )
    if plan.travel_note:
        st.warning(f"Drive times: {plan.travel_note}.")
    st_folium(
        plan_map(plan),
        key="plan_map",
        height=520,
        width=None,  # streamlit-folium: None fills the column
        returned_objects=["last_clicked"],
    )
    clicked = (st.session_state.get("plan_map") or {}).get("last_clicked")
    if clicked:
        lat, lon = float(clicked["lat"]), float(clicked["lng"])
        st.button(
            f"Add the clicked point ({lat:.4f}, {lon:.4f}) as a venue",
            on_click=_on_add_clicked,
            args=(lat, lon),
        )
    st.markdown("**Venues** (expected teams and people: the turnout model below)")
    show_table(plan.venue_table())
    _turnout(plan)
    st.markdown("**By CCSESA region**")
    show_table(plan.region_table(), column_config={"venues": "Venues (teams)"})
    _invites(plan, matched)


def _turnout(plan: siting.VenuePlan) -> None:
    """The turnout model: fitted curve, its 95 % band and the data behind it."""
    model = plan.turnout
    with st.expander("Expected turnout: how attendance falls with distance"):
        st.caption(
            f"Turnout model: {model.note}. Curve for "
            f"{model.default_type or 'any event'}; the band is its 95 % confidence "
            "interval; dots are the share of invited teams that came, per 50 miles "
            "(size: team-events)."
        )
        curve = model.curve()
        history = st.session_state.get("plan_turnout_history")
        bins = siting.turnout_bins(history) if history is not None else None
        st.altair_chart(turnout_chart(curve, bins), width="stretch")
        interval = model.slope_interval()
        if interval is not None:
            st.caption(
                f"Per 100 miles the log-odds of coming change by {model.slope:+.2f} "
                f"(95 % CI {interval[0]:+.2f} to {interval[1]:+.2f})."
            )


def _invites(plan: siting.VenuePlan, matched: pd.DataFrame) -> None:
    st.markdown(
        "**Invite list** (per venue: applied but not attended first, then "
        "incomplete teams, then by distance)"
    )
    venue = st.selectbox("Venue", ["All venues", *plan.venues], key="plan_invite_venue")
    contacts = state.contacts_allowed() and st.checkbox(
        "Include contact details (names and emails from the roster)",
        key="plan_contacts",
        help="Off by default: the list then holds no personal data.",
    )
    table = plan.invite_list(matched if contacts else None, include_contacts=contacts)
    if venue != "All venues":
        table = table.loc[table["venue"] == venue]
    show_table(table)
    stem = "invites" if venue == "All venues" else f"invites-{venue}"
    c1, c2 = st.columns(2)
    c1.download_button(
        "Download CSV",
        siting.export_table(table, "csv", include_contacts=contacts),
        file_name=f"{stem}.csv",
        mime="text/csv",
    )
    c2.download_button(
        "Download XLSX",
        siting.export_table(table, "xlsx", include_contacts=contacts),
        file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _add_to_comparison(payload: dict, label: str, scenario_id=None) -> None:
    compared, _, added = siting.add_to_comparison(
        st.session_state["plan_compare"], payload, label, scenario_id=scenario_id
    )
    st.session_state["plan_compare"] = compared
    if not added:
        st.session_state["plan_compare_note"] = f"Already compared: {label}."


def _payload(plan: siting.VenuePlan, loaded: tuple | None) -> dict:
    """The plan shown, as saved data: the saved scenario's, or the live plan's."""
    return loaded[2] if loaded else plan.to_dict()


def _compare(plan: siting.VenuePlan, loaded: tuple | None) -> None:
    """Plans side by side, each under its own key (never replaced)."""
    st.subheader("Compare scenarios")
    ss = st.session_state
    c1, c2, c3 = st.columns(3)
    if c1.button("Add this plan to the comparison"):
        if loaded:
            _add_to_comparison(loaded[2], loaded[1], loaded[0])
        else:
            payload = plan.to_dict()
            _add_to_comparison(payload, siting.plan_label(payload))
    if c2.button("2015 choice vs best 2, 3, 4"):
        others, notes = siting.alternatives(
            plan, fixed_sets={"2015 choice (LA + Emeryville)": siting.CHOICE_2015}
        )
        for label, other in others.items():
            _add_to_comparison(other.to_dict(), label)
        for note in notes:
            st.warning(note)
    if c3.button("Clear the comparison"):
        ss["plan_compare"] = {}
    if ss.pop("plan_compare_note", None):
        st.caption("That plan is already in the comparison.")
    compared = ss["plan_compare"]
    if not compared:
        return
    try:
        table = siting.comparison_table(compared)
    except ValueError as exc:
        st.error(f"A compared plan cannot be shown: {exc}")
        return
    show_table(table.drop(columns=["key", "scenario_id"]))
    if len(compared) > 1:
        st.markdown("**What differs between the compared plans**")
        differences = siting.comparison_differences(compared)
        if differences.empty:
            st.caption("They agree on model, options, who is served and venues.")
        else:
            show_table(differences.reset_index(), column_config={"field": "Differs in"})
    labels = siting.comparison_labels(compared)
    r1, r2 = st.columns([3, 1])
    key = r1.selectbox(
        "Compared plan", list(compared), key="plan_compare_pick", format_func=labels.get
    )
    if r2.button("Remove from the comparison"):
        ss["plan_compare"] = siting.remove_from_comparison(compared, key)
        st.rerun()


def _scenarios(plan: siting.VenuePlan, loaded: tuple | None) -> None:
    st.subheader("Saved scenarios")
    ws = _workspace()
    if ws is None:
        st.info("The workspace store is not available, so scenarios cannot be saved.")
        return
    editor = access.can("save_scenario")
    if not editor:
        st.caption("Saving and deleting scenarios needs the editor role.")
    c1, c2 = st.columns([3, 1])
    name = c1.text_input("Scenario name", key="plan_scenario_name")
    if c2.button("Save", disabled=not (name.strip() and editor)):
        try:
            payload = _payload(plan, loaded)
            scenario_id = ws.save_scenario(
                name.strip(), payload, options=siting.scenario_options(payload)
            )
            st.session_state["plan_saved_choice"] = scenario_id
            st.success(f"Saved scenario '{name.strip()}' as #{scenario_id}.")
        except ValueError as exc:
            st.error(str(exc))
    saved = ws.list_scenarios()
    if saved.empty:
        st.caption("No saved scenario yet.")
        return
    labels = {int(r["scenario_id"]): siting.saved_label(r) for _, r in saved.iterrows()}
    if st.session_state.get("plan_saved_choice") not in labels:
        st.session_state["plan_saved_choice"] = next(iter(labels))
    choice = st.selectbox(
        "Saved (newest first)",
        list(labels),
        key="plan_saved_choice",
        format_func=labels.get,
    )
    d1, d2, d3 = st.columns(3)
    d1.button("Show", on_click=_show_saved, args=(ws, choice, labels[choice]))
    d2.button(
        "Add to the comparison",
        on_click=_compare_saved,
        args=(ws, choice, labels[choice]),
    )
    confirm = d3.checkbox(
        "Confirm delete", key="plan_confirm_delete", disabled=not editor
    )
    d3.button(
        "Delete",
        disabled=not (confirm and editor),
        on_click=_delete_saved,
        args=(ws, choice),
    )


def _show_saved(ws, scenario_id: int, label: str) -> None:
    st.session_state["plan_loaded"] = (
        scenario_id,
        label,
        ws.load_scenario(scenario_id),
    )


def _compare_saved(ws, scenario_id: int, label: str) -> None:
    _add_to_comparison(ws.load_scenario(scenario_id), label, scenario_id)


def _delete_saved(ws, scenario_id: int) -> None:
    ws.delete_scenario(scenario_id)
    if (st.session_state.get("plan_loaded") or (None,))[0] == scenario_id:
        st.session_state["plan_loaded"] = None
    st.session_state["plan_confirm_delete"] = False


def render() -> None:
    ref = state.reference()
    events = state.events()
    roster = state.current_roster()
    matched, source_label = roster.rows, roster.label
    teams_by_event = state.teams(matched, roster.key)
    seen = set(teams_by_event["event_id"])
    with_data = [e for e in events["event_id"] if e in seen]
    _defaults(with_data)
    addressbar.keep_settings(  # the plan's choices in the page address
        "plan",
        addressbar.PLAN_SETTINGS,
        {"plan_events": with_data, "plan_counties": sorted(ref["county"].unique())},
    )
    history, model = _turnout_fit(roster.key, teams_by_event, ref, events)
    st.session_state["plan_turnout_history"] = history
    st.session_state["plan_turnout_model"] = model

    st.title("Plan regional meetings")
    st.caption(
        f"Roster: **{source_label}**. Teams sit at their district or county "
        f"office (CDE directory). {gazetteer.GAZETTEER_ATTRIBUTION}."
    )
    left, right = st.columns([1, 2.6])
    candidates = _candidates(
        int(st.session_state["plan_min_population"]),
        bool(st.session_state["plan_past"]),
        tuple(st.session_state["plan_user_venues"]),
        state.events(),
    )
    with left:
        _who_to_serve(events, teams_by_event, ref)
        _venues_and_model(candidates["name"].astype(str).tolist())
    with right:
        loaded = st.session_state.get("plan_loaded")
        if loaded:
            scenario_id, label, payload = loaded
            st.info(f"Showing saved scenario {label}.")
            st.button("Back to the live plan", on_click=_back_to_live)
            try:
                plan = siting.VenuePlan.from_dict(payload)
            except (ValueError, KeyError) as exc:
                st.error(f"Saved scenario {label} cannot be shown: {exc}")
                return
        else:
            try:
                choices = siting.PlanChoices.from_values(st.session_state, "plan_")
                selection, venues, options = choices.settings()
                options = _with_travel(options)
                model = st.session_state["plan_turnout_model"]
                kind = st.session_state.get("plan_turnout_type")
                if kind in model.types:
                    model = dataclasses.replace(model, default_type=kind)
                options = options.replace(turnout=model)

                def solve(options=options):
                    return siting.plan_for_roster(
                        matched,
                        ref,
                        selection,
                        options,
                        venues,
                        roster=source_label,
                        teams_by_event=teams_by_event,
                        candidates=candidates,
                    )

                exact_key = repr((selection, venues, options, roster.key))
                exact = st.session_state.get("plan_exact")
                if exact and exact[0] == exact_key:
                    plan = siting.VenuePlan.from_dict(exact[1])
                else:
                    plan = solve()
            except (ValueError, LookupError, RuntimeError) as exc:
                st.error(str(exc))
                return
            too_large = siting.exact_too_large(
                len(plan.teams),
                len(plan.candidates),
                capacitated=plan.options.capacity is not None,
            )
            with st.expander("Exact solution (spopt / CBC)"):
                st.caption(
                    "Every plan carries a certified gap: a proven bound on how far "
                    "it can be from the best possible. When that gap stays above "
                    "1 % and the instance is small enough, the exact solver runs "
                    f"by itself. Here it may take up to {EXACT_LIMIT} s and then "
                    "keeps its best plan."
                )
                if too_large:
                    st.caption(
                        f"This instance ({len(plan.teams):,} teams × "
                        f"{len(plan.candidates):,} candidates) is too large for the "
                        "exact solver here: narrow who to serve or the candidates "
                        "(e.g. cities of 100,000 people up)."
                    )
                if st.button("Solve exactly", disabled=too_large):
                    exact_options = options.replace(
                        solver="exact", time_limit=EXACT_LIMIT
                    )
                    result = _exact(lambda: solve(exact_options), EXACT_LIMIT)
                    if isinstance(result, str):
                        st.error(result)
                    else:
                        st.session_state["plan_exact"] = (exact_key, result.to_dict())
                        st.rerun()
        _show_plan(plan, matched)
        _compare(plan, loaded)
        _scenarios(plan, loaded)


render()
