"""Changes between events, trends over time and the outreach list.

The changes table is checked team by team against what a small roster written
here says, computed independently (plain Python over the rows); trends and
outreach against the figures functions and the real district table.
"""

from __future__ import annotations

import pandas as pd
import pytest

from geodata.outreach import outreach_with_distances
from loaders import participation as p
from loaders.events import load_events

SI23, SI24, NORCAL, SYMP = (
    "CALMI-2023-SI",
    "CALMI-2024-SI",
    "CALMI-2019-NORCAL",
    "CALMI-2015-SYMP",
)
UNDATED = "CALMI-2016-SPRING-SOCAL"
ROLES = list(p.ROLES)

# geoid, event, {role: status}: one person per role
ROSTER = [
    ("0601770", SI23, {"superintendent": "attended", "board_member": "attended"}),
    ("0601770", SI24, dict.fromkeys(ROLES, "attended")),  # returning, rose
    ("0628050", SI23, dict.fromkeys(ROLES, "attended")),
    ("0628050", SI24, {"superintendent": "attended"}),  # returning, fell
    ("0634410", SI23, {"superintendent": "attended"}),  # lapsed (applied at B)
    ("0634410", SI24, {"superintendent": "applied", "board_member": "cancelled"}),
    ("0604740", SI24, {"board_member": "attended"}),  # new
    ("06001", SI23, {"superintendent": "registered"}),  # attended neither
    ("06001", SI24, {"superintendent": "applied"}),
    ("0622710", SI23, {"superintendent": "attended", "board_member": "attended"}),
    ("0622710", SI24, {"superintendent": "attended", "board_member": "attended"}),
    ("0634320", NORCAL, dict.fromkeys(ROLES, "attended")),  # other event only
    ("0634320", SYMP, {"superintendent": "attended"}),
    ("0601650", UNDATED, {"superintendent": "attended"}),
]


def roster() -> pd.DataFrame:
    rows = []
    for i, (geoid, event, roles) in enumerate(ROSTER):
        for role, status in roles.items():
            rows.append(
                {
                    "event_id": event,
                    "role": role,
                    "status": status,
                    "person_name": f"Person {i} {role}",
                    "email": f"p{i}-{role}@example.org",
                    "match_status": "matched",
                    "geoid": geoid,
                    "linked_geoids": "",
                }
            )
    return pd.DataFrame(rows).astype("string")


@pytest.fixture(scope="module")
def teams():
    return p.teams_by_event(roster())


@pytest.fixture(scope="module")
def events():
    return load_events()


def expected_changes(b: str, a: str) -> dict[str, tuple[str, str]]:
    """geoid -> (change, completeness change), from the roster rows alone."""
    came: dict[tuple[str, str], set[str]] = {}
    on_roster: set[tuple[str, str]] = set()
    for geoid, event, roles in ROSTER:
        on_roster.add((geoid, event))
        for role, status in roles.items():
            if status == "attended":
                came.setdefault((geoid, event), set()).add(role)
    out = {}
    for geoid in {g for g, e in on_roster if e in (a, b)}:
        in_b, in_a = (geoid, b) in came, (geoid, a) in came
        if in_b and in_a:
            nb, na = len(came[(geoid, b)]), len(came[(geoid, a)])
            comp = "rose" if nb > na else "fell" if nb < na else "same"
            out[geoid] = ("returning", comp)
        elif in_b:
            out[geoid] = ("new", "")
        elif in_a:
            out[geoid] = ("lapsed", "")
    return out


@pytest.mark.parametrize("b,a", [(SI24, SI23), (SI23, SI24), (SI24, NORCAL)])
def test_changes_agree_with_the_roster_team_by_team(teams, reference, events, b, a):
    table = p.changes(teams, reference, events, b, a)
    got = {
        g: (c, comp)
        for g, c, comp in zip(
            table["geoid"], table["change"], table["completeness_change"]
        )
    }
    assert got == expected_changes(b, a)
    assert set(table["event_id"]) == {b} and set(table["since_event_id"]) == {a}
    counts = p.change_counts(table)
    for change in ("new", "returning", "lapsed"):
        assert counts[change] == sum(v[0] == change for v in got.values())


def test_default_comparison_is_the_previous_event_of_the_same_kind(events):
    assert p.comparison_event(events, SI24) == SI23
    assert p.comparison_event(events, "CALMI-2017-SI") == "CALMI-2017-SI".replace(
        "2017-SI", "2016-17-COHORT-BAY-S3"
    )  # the first summer institute: the event before it by date
    assert p.comparison_event(events, SYMP) is None  # the first event
    assert p.comparison_event(events, UNDATED) is None  # no date, no default


def test_changes_default_since_and_none_rows(teams, reference, events):
    table = p.changes(teams, reference, events, SI24)
    assert set(table["since_event_id"]) == {SI23}
    assert "06001" not in set(table["geoid"])  # attended neither
    full = p.changes(teams, reference, events, SI24, include_none=True)
    assert full.set_index("geoid").at["06001", "change"] == "none"
    with pytest.raises(ValueError, match="itself"):
        p.changes(teams, reference, events, SI24, SI24)
    with pytest.raises(ValueError, match="Unknown event"):
        p.changes(teams, reference, events, "CALMI-1999-X")


def test_changes_by_area_add_up(teams, reference, events):
    table = p.changes(teams, reference, events, SI24, SI23)
    counts = p.change_counts(table)
    for level in ("region", "county"):
        areas = p.changes_by_area(table, level)
        for change in ("new", "returning", "lapsed", "rose", "fell"):
            assert areas[change].sum() == counts[change]


def test_trends_come_from_the_figures_functions(teams, reference, events):
    table = p.trends(teams, reference, events)
    dated = table.loc[table["dated"]]
    assert list(dated["date"]) == sorted(dated["date"])
    assert list(table["dated"]) == sorted(table["dated"], reverse=True)
    undated = table.loc[~table["dated"]]
    assert list(undated["event_id"]) == [UNDATED]
    assert undated["cumulative_teams"].isna().all()
    for _, row in table.iterrows():  # per event: the headline of that event
        head = p.headline_figures(
            p.filter_teams(teams, reference, event_ids=[row["event_id"]])
        )
        assert (row["teams"], row["complete_teams"], row["people"]) == (
            head["teams"],
            head["complete_teams"],
            head["people"],
        )
    last = dated.iloc[-1]
    head = p.headline_figures(
        p.filter_teams(teams, reference, event_ids=list(dated["event_id"]))
    )
    assert last["cumulative_teams"] == head["teams"]
    assert last["cumulative_people"] == head["people"]
    for col in ("cumulative_teams", "districts_reached", "enrollment_reached"):
        assert dated[col].is_monotonic_increasing
    assert (dated["districts_reached"] <= dated["cumulative_teams"] + 1).all()
    assert (dated["enrollment_share_pct"].between(0, 100)).all()
    la = reference.set_index("geoid").at["0622710", "enrollment"]
    at = dated.set_index("event_id")
    assert at.at[SI23, "enrollment_reached"] >= la


@pytest.fixture(scope="module")
def demo_teams(reference):
    from loaders.demo import demo_roster
    from loaders.matching import match_roster

    return p.teams_by_event(match_roster(demo_roster(reference), reference))


@pytest.mark.parametrize("level", ["all", "region"])
@pytest.mark.parametrize("roster_of", ["small", "demo"])
def test_every_trend_row_is_area_figures_of_its_events(
    teams, demo_teams, reference, events, level, roster_of
):
    """Per event: area_figures of that event; cumulative: of the events so far."""
    rows = teams if roster_of == "small" else demo_teams
    table = p.trends(rows, reference, events, level=level)
    everything = p.filter_teams(rows, reference)
    key = "area" if level == "all" else "ccsesa_region"
    dated = list(table.loc[table["dated"], "event_id"].drop_duplicates())
    figures = ["teams", "complete_teams", "people"]
    for eid, group in table.groupby("event_id", sort=False):
        one = p.area_figures(
            everything.loc[everything["event_id"] == eid], reference, level
        )
        got = group[figures].to_numpy().tolist()
        assert got == one[figures].to_numpy().tolist(), eid
        if eid not in dated:
            continue
        so_far = dated[: dated.index(eid) + 1]
        cum = p.area_figures(
            everything.loc[everything["event_id"].isin(so_far)], reference, level
        )
        got = group[[f"cumulative_{f}" for f in figures]].astype(int)
        assert got.to_numpy().tolist() == cum[figures].to_numpy().tolist(), eid
        came = everything.loc[
            everything["event_id"].isin(so_far)
            & everything["team_status"].eq("attended")
        ]
        if level == "all":
            reached = [came["geoid"].nunique()]
        else:
            per = came.groupby("ccsesa_region")["geoid"].nunique()
            reached = [int(per.get(r, 0)) for r in cum[key]]
        assert group["districts_reached"].astype(int).tolist() == reached, eid


def test_area_figures_by_event_is_area_figures_of_each_event(demo_teams, reference):
    everything = p.filter_teams(demo_teams, reference)
    for level in ("all", "region", "county"):
        both = p.area_figures(everything, reference, level, by_event=True)
        for eid in list(dict.fromkeys(everything["event_id"]))[:4]:
            one = p.area_figures(
                everything.loc[everything["event_id"] == eid], reference, level
            )
            mine = both.loc[both["event_id"] == eid].drop(columns="event_id")
            pd.testing.assert_frame_equal(
                mine.reset_index(drop=True), one, check_dtype=False
            )
    with pytest.raises(ValueError, match="by_event"):
        p.area_figures(everything, reference, "district", by_event=True)


def test_trends_by_region_add_up_to_the_state(teams, reference, events):
    state = p.trends(teams, reference, events).set_index("event_id")
    regions = p.trends(teams, reference, events, level="region")
    assert set(regions["ccsesa_region"].dropna()) == set(range(1, 12))
    sums = regions.groupby("event_id")[["teams", "entities"]].sum()
    assert (sums["teams"] == state.loc[sums.index, "teams"]).all()
    assert (sums["entities"] == len(reference)).all()
    cum = regions.loc[regions["dated"]].groupby("event_id")["enrollment_reached"]
    assert (cum.sum() == state.loc[cum.sum().index, "enrollment_reached"]).all()


def test_outreach_starts_with_the_largest_never_attended(teams, reference, events):
    table = p.outreach(teams, reference, events, regions=[4])
    assert set(table["ccsesa_region"]) == {4}
    attended = {g for g, _, roles in ROSTER if "attended" in roles.values()}
    region = reference.loc[reference["ccsesa_region"] == 4]
    never = region.loc[~region["geoid"].isin(attended)].copy()
    never["enrollment"] = pd.to_numeric(never["enrollment"]).fillna(-1)
    top = never.sort_values("enrollment", ascending=False)["geoid"].head(5)
    assert list(table["geoid"].head(5)) == list(top)
    assert list(table["rank"]) == list(range(1, len(table) + 1))
    # Alameda Unified attended the latest event: not listed; SF lapsed
    assert "0601770" not in set(table["geoid"])
    assert table.set_index("geoid").at["0634410", "outreach"] == "lapsed"
    assert not table.columns.str.contains("email|person").any()


def test_outreach_marks_applied_only_and_filters_by_county(teams, reference, events):
    table = p.outreach(teams, reference, events, counties=["Alameda"])
    assert set(table["county"]) == {"Alameda"}
    by = table.set_index("geoid")
    assert by.at["06001", "applied_only"]  # the COE applied, never came
    never = p.outreach(teams, reference, events, include_lapsed=False)
    assert set(never["outreach"]) == {"never"}


def test_outreach_distances_to_past_venues_and_a_venue(teams, reference, events):
    oakland = (37.8044, -122.2712)
    table = outreach_with_distances(
        teams, reference, events, regions=[4], venue=oakland, rank_by="distance"
    )
    assert table["miles_to_venue"].is_monotonic_increasing
    assert (table["miles_to_nearest_past_venue"].dropna() >= 0).all()
    assert table["nearest_past_venue"].iloc[0] == "Emeryville"
    with pytest.raises(ValueError, match="venue"):
        outreach_with_distances(teams, reference, events, rank_by="distance")


def test_changes_measure_is_the_changes_table(teams, reference, events):
    from geodata.maprequest import MapRequest
    from geodata.measures import legend, measure_layer

    layer = reference[["geoid"]]
    shown = measure_layer(layer, teams, measure="changes", event_ids=[SI24])
    table = p.changes(teams, reference, events, SI24)  # default since: SI23
    labels = shown.set_index("geoid")["measure_label"]
    for geoid, change in zip(table["geoid"], table["change"]):
        assert labels[geoid] == p.CHANGE_LABELS[change]
    assert labels["06001"] == p.CHANGE_LABELS["none"]
    assert MapRequest("changes", (SI24,)).mapped_events == (SI24, SI23)
    assert [lbl for lbl, _ in legend("changes")][:3] == [
        p.CHANGE_LABELS[c] for c in ("new", "returning", "lapsed")
    ]


def test_outreach_measure_is_the_outreach_list(teams, reference, events):
    from geodata.measures import NO_TEAM, legend, measure_layer

    shown = measure_layer(reference[["geoid"]], teams, measure="outreach")
    labels = shown.set_index("geoid")["measure_label"]
    table = p.outreach(teams, reference, events).set_index("geoid")
    label = p.OUTREACH_LABELS
    for geoid, status in table["outreach"].items():
        if status == "lapsed":
            expected = label["lapsed"]
        elif table.at[geoid, "applied_only"]:
            expected = label["applied_only"]
        else:  # on no roster of any event: a class of its own, not "no team"
            expected = label["never_reached"]
        assert labels[geoid] == expected
    assert labels["0601770"] == label["active"]
    assert labels["06001"] == label["applied_only"]  # applied, never came
    assert labels["0634410"] == label["lapsed"]
    assert NO_TEAM not in set(labels)
    never = shown.loc[shown["measure_label"] == label["never_reached"]]
    assert len(never) > 900 and (never["measure_value"] == 0).all()
    items = [name for name, _ in legend("outreach")]
    assert items[0].startswith("Never reached") and NO_TEAM not in items
    assert len(set(items)) == len(items)


def test_map_orders_events_added_in_the_workspace_by_date(teams, reference, events):
    """An added event takes its place by date on the map, as on the page."""
    from geodata.maprequest import MapRequest, map_titles
    from geodata.measures import mapped_event_ids, measure_layer

    added = events.iloc[[0]].assign(
        event_id="ADDED-2023-FALL",
        label="Fall convening 2023",
        start_date="2023-10-01",
        end_date="2023-10-02",
        event_type=events.set_index("event_id").at[SI24, "event_type"],
    )
    table = pd.concat([events, added], ignore_index=True)
    rows = roster()
    extra = rows.loc[rows["geoid"] == "0634410"].head(1)
    extra = extra.assign(event_id="ADDED-2023-FALL", status="attended")
    with_added = p.teams_by_event(pd.concat([rows, extra], ignore_index=True))
    # the default comparison of SI24 is the added event (same kind, later)
    assert p.comparison_event(table, SI24) == "ADDED-2023-FALL"
    assert mapped_event_ids("changes", [SI24], table) == [SI24, "ADDED-2023-FALL"]
    shown = measure_layer(
        reference[["geoid"]],
        with_added,
        measure="changes",
        event_ids=[SI24],
        events=table,
    ).set_index("geoid")["measure_label"]
    expected = p.changes(with_added, reference, table, SI24).set_index("geoid")
    assert shown["0634410"] == p.CHANGE_LABELS[expected.at["0634410", "change"]]
    _, subtitle = map_titles(MapRequest("changes", (SI24,)), table)
    assert "Fall convening 2023" in subtitle
    # outreach: stepping up to SI24 keeps SI24 the latest, the added one before
    ids = [SI23, SI24, "ADDED-2023-FALL"]
    assert mapped_event_ids("outreach", ids, table)[-1] == SI24
    out = measure_layer(
        reference[["geoid"]],
        with_added,
        measure="outreach",
        event_ids=ids,
        events=table,
    ).set_index("geoid")["measure_label"]
    status = p.outreach_status(
        with_added, p.order_event_ids(ids, table, undated="first")
    )
    assert status.at["0634410", "outreach"] == "lapsed"
    assert out["0634410"] == p.OUTREACH_LABELS["lapsed"]


def test_export_table_changes_and_outreach(tmp_path, workspace_dir, reference, events):
    from typer.testing import CliRunner

    from dashboard.cli import app
    from loaders.demo import demo_roster
    from loaders.matching import match_roster

    runner = CliRunner()
    out = tmp_path / "changes.csv"
    # the machine names issue 13 lists (geoid, change...) behind --raw-headers;
    # by default the titles are in words (issue 15)
    args = ["export", "table", "--table", "changes", "--event", SI24, "--raw-headers"]
    result = runner.invoke(app, [*args, "--since", NORCAL.lower(), "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    demo = p.teams_by_event(match_roster(demo_roster(reference), reference))
    expected = p.changes(demo, reference, events, SI24, NORCAL)
    assert list(table["geoid"]) == list(expected["geoid"])
    assert list(table["change"]) == list(expected["change"])
    assert {"geoid", "name", "county", "ccsesa_region", "change"} <= set(table)
    out = tmp_path / "outreach.csv"
    args = ["export", "table", "--table", "outreach", "--region", "4"]
    result = runner.invoke(app, [*args, "--county", "Alameda", "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert set(table["County"]) == {"Alameda"}
    titles = {"NCES id / county FIPS", "District or COE", "District type"}
    assert titles | {"K-12 enrollment", "CCSESA region"} <= set(table)
    assert "Distance to nearest past venue (mi)" in table
    assert not table.columns.str.contains("(?i)email|name$|phone").any()


def test_time_tables_are_formula_safe(teams, reference, events):
    from loaders.exports import prepare_table

    tables = p.time_tables(teams, reference, events, [SI24])
    assert not any(tables.built(k) for k in tables)  # built when first read
    risky = tables["changes"].assign(name="=HYPERLINK(1)")
    assert prepare_table(risky)["name"].str.startswith("'=").all()
    assert set(tables) == {"changes", "trends", "outreach"}
    assert set(tables["changes"]["event_id"]) == {SI24}


def test_participation_tables_build_the_time_tables_when_read(teams, reference, events):
    from loaders.exports import participation_tables

    tables = participation_tables(teams, reference, events)
    assert list(tables)[-4:] == ["changes", "trends", "outreach", "dictionary"]
    assert not tables.built("trends") and tables.built("district")
    expected = p.trends(teams, reference, events, level="both")
    pd.testing.assert_frame_equal(tables["trends"], expected)
    assert "cumulative_teams" in set(tables["dictionary"]["column"])
