"""The saved workspace (loaders.workspace): rosters, aliases, review decisions,
column mappings, scenarios, settings, migrations, location and safety."""

from __future__ import annotations

import io
import sqlite3
import threading

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select

from loaders import workspace as W
from loaders.workspace import AliasImportError, WorkspaceError, open_workspace
from loaders.workspace.config import mask_url
from loaders.workspace.schema import files


# ----------------------------------------------------------------- fixtures
def _matched_rows() -> pd.DataFrame:
    """A small matched roster in the ARCHITECTURE.md shape (real geoids)."""

    def s(*v):
        return pd.array(list(v), dtype="string")

    return pd.DataFrame(
        {
            "event_id": s("lmi-2024", "lmi-2024", "lmi-2024", "lmi-2024", "lmi-2024"),
            "entity_name": s(
                "Alameda Unified", "SDUSD", "Foo Valley", "Foo Valley", "=cmd|x"
            ),
            "cds_code": s("01611190000000", None, None, None, None),
            "cd_code": s("0161119", None, None, None, None),
            "nces_id": s(None, None, None, None, None),
            "county": s("Alameda", "San Diego", None, None, None),
            "role": s(
                "superintendent",
                "board_member",
                "superintendent",
                "teachers_union_president",
                "board_member",
            ),
            "status": s("attended", "registered", "applied", "applied", "applied"),
            "person_name": s("Ada Placeholder", "Bo Placeholder", None, None, None),
            "email": s("ada@example.org", None, None, None, None),
            "source_row": pd.array([2, 3, 4, 5, 6], dtype="Int64"),
            "match_status": s(
                "matched", "unmatched", "ambiguous", "ambiguous", "unmatched"
            ),
            "geoid": s("0601770", None, None, None, None),
            "matched_name": s(
                "Alameda Unified", None, "Foo Valley Elementary", None, None
            ),
            "match_method": s("cds_code", None, "fuzzy", "fuzzy", None),
            "score": [100.0, np.nan, 82.0, 82.0, np.nan],
            "runner_up": s(None, None, "Foo Valley Union High", None, None),
            "runner_up_score": [np.nan, np.nan, 80.0, np.nan, np.nan],
            "linked_geoids": s("", "", "", "", ""),
            "match_note": s(None, None, None, None, None),
        }
    )


def _rejected() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "file": pd.array(["r.csv"], dtype="string"),
            "row": pd.array([7], dtype="Int64"),
            "column": pd.array(["role"], dtype="string"),
            "reason": pd.array(["'Catering' is not a team role"], dtype="string"),
        }
    )


@pytest.fixture
def ws(workspace_url):
    """An empty workspace, once on SQLite and once on PostgreSQL (``postgres``)."""
    w = open_workspace()
    assert w.url == workspace_url
    yield w
    w.close()


@pytest.fixture
def sqlite_ws(workspace_dir):
    """An empty workspace in its default place: the SQLite file of the folder."""
    w = open_workspace()
    yield w
    w.close()


def _save(ws, name="Spring convening", original=b"District,Role\nAlameda,Supt\n"):
    return ws.save_roster(
        name,
        original,
        "spring.csv",
        _matched_rows(),
        _rejected(),
        {
            "sheet": None,
            "header_row": 1,
            "column_map": {"District": "entity_name", "Role": "role"},
            "layout_signature": "sig-1",
            "notes": ["1 duplicate row merged"],
        },
    )


# ----------------------------------------------------------------- location
def test_default_location_is_sqlite_in_workspace_dir(sqlite_ws, workspace_dir):
    ws = sqlite_ws
    assert ws.location() == str((workspace_dir / "workspace.sqlite").resolve())
    assert (workspace_dir / "workspace.sqlite").is_file()
    assert ws.schema_version() == W.SCHEMA_VERSION
    with ws._engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        conn.rollback()
    assert ws.integrity_check() == "ok"


def test_url_setting_overrides_folder(tmp_path, monkeypatch, workspace_dir):
    other = tmp_path / "elsewhere" / "team.sqlite"
    monkeypatch.setenv("LMI_WORKSPACE_URL", f"sqlite:///{other}")
    ws = open_workspace()
    try:
        assert ws.location() == str(other)
        assert other.is_file()
        assert not (workspace_dir / "workspace.sqlite").exists()
    finally:
        ws.close()


def test_open_is_cached_per_url(ws):
    assert open_workspace() is ws
    assert open_workspace(ws.url) is ws


def test_password_never_shown():
    url = "postgresql+psycopg://lmi:s3cr3t-pw@127.0.0.1:1/lmi"
    assert "s3cr3t-pw" not in mask_url(url)
    assert "***" in mask_url(url)
    with pytest.raises(WorkspaceError) as err:
        open_workspace(url)
    assert "s3cr3t-pw" not in str(err.value)
    assert "127.0.0.1" in str(err.value)


def test_bad_url_is_a_clear_error():
    with pytest.raises(WorkspaceError, match="not a valid database URL"):
        open_workspace("not a url at all")


def test_unwritable_location_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(WorkspaceError, match="Cannot open the workspace"):
        open_workspace(f"sqlite:///{blocker}/sub/workspace.sqlite")


def test_foreign_database_is_refused_and_untouched(tmp_path):
    path = tmp_path / "other.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE invoices (id INTEGER)")
    con.commit()
    con.close()
    with pytest.raises(WorkspaceError, match="not an LMI workspace"):
        open_workspace(f"sqlite:///{path}")
    con = sqlite3.connect(path)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    con.close()
    assert tables == {"invoices"}


# ----------------------------------------------------------------- rosters
def test_roster_round_trip_keeps_dtypes_and_codes(ws):
    rid = _save(ws)
    rows, rejected, meta = ws.load_roster(rid)
    pd.testing.assert_frame_equal(rows, _matched_rows())
    pd.testing.assert_frame_equal(rejected, _rejected())
    assert rows.loc[0, "cds_code"] == "01611190000000"
    assert meta["name"] == "Spring convening"
    assert meta["filename"] == "spring.csv"
    assert meta["header_row"] == 1
    assert meta["sheet"] is None
    assert meta["column_map"] == {"District": "entity_name", "Role": "role"}
    assert meta["layout_signature"] == "sig-1"
    assert meta["notes"] == ["1 duplicate row merged"]
    assert meta["counts"] == {
        "rows": 5,
        "matched": 1,
        "ambiguous": 2,
        "unmatched": 2,
        "rejected": 1,
    }
    assert ws.original_file(rid) == b"District,Role\nAlameda,Supt\n"
    assert ws.get_column_map("sig-1") == meta["column_map"]  # remembered


def test_list_rosters_counts_and_order(ws):
    first = _save(ws, "first")
    second = _save(ws, "second", original=b"other file")
    listing = ws.list_rosters()
    assert list(listing["roster_id"]) == [second, first]
    assert list(listing.columns) == [
        "roster_id", "name", "filename", "sheet", "header_row", "uploaded_at",
        "rows", "matched", "ambiguous", "unmatched", "rejected", "file_sha256",
        "size_bytes", "deleted_at",
    ]  # fmt: skip
    row = listing.iloc[1]
    assert (row["rows"], row["matched"], row["ambiguous"], row["unmatched"]) == (
        5, 1, 2, 2,
    )  # fmt: skip
    assert row["rejected"] == 1
    assert str(listing["uploaded_at"].dt.tz) == "UTC"
    assert listing["deleted_at"].isna().all()


def test_same_file_twice_is_stored_once(ws):
    original = b"District,Role\n" + b"x" * 5000
    a = _save(ws, "a", original)
    b = _save(ws, "b", original)
    assert a != b
    with ws._read() as conn:
        n_files = conn.execute(select(func.count()).select_from(files)).scalar()
    assert n_files == 1
    dup = ws.rosters_with_file(original)
    assert set(dup["roster_id"]) == {a, b}
    assert ws.rosters_with_file(b"new").empty


def test_delete_restore_purge(ws):
    shared = b"shared file"
    a = _save(ws, "a", shared)
    b = _save(ws, "b", shared)
    ws.delete_roster(a)
    assert list(ws.list_rosters()["roster_id"]) == [b]
    assert list(ws.list_rosters(deleted=True)["roster_id"]) == [a]
    assert set(ws.all_rows()["roster_id"]) == {b}
    ws.restore_roster(a)
    assert set(ws.list_rosters()["roster_id"]) == {a, b}
    ws.delete_roster(a)
    assert ws.purge_deleted(older_than=pd.Timedelta(days=30)) == 0  # too recent
    assert ws.purge_deleted() == 1
    with pytest.raises(WorkspaceError, match="no saved roster number"):
        ws.load_roster(a)
    assert ws.original_file(b) == shared  # still used by b
    ws.delete_roster(b)
    ws.purge_deleted(roster_ids=[b])
    with ws._read() as conn:
        assert conn.execute(select(func.count()).select_from(files)).scalar() == 0
    with pytest.raises(WorkspaceError):
        ws.restore_roster(b)


def test_all_rows_concatenates_live_rosters(ws):
    assert ws.all_rows().empty
    assert {"roster_id", "entity_name", "source_row"} <= set(ws.all_rows().columns)
    empty = ws.all_rows(columns=["entity_name", "geoid", "match_status"])
    assert list(empty.columns) == ["roster_id", "entity_name", "geoid", "match_status"]
    a = _save(ws, "a")
    b = _save(ws, "b", b"second")
    rows = ws.all_rows()
    assert len(rows) == 10
    assert rows.columns[0] == "roster_id"
    assert list(rows["roster_id"]) == [a] * 5 + [b] * 5
    assert rows["roster_id"].dtype == "Int64"
    assert rows["cds_code"].iloc[0] == "01611190000000"


def test_empty_name_and_non_bytes_rejected(ws):
    with pytest.raises(WorkspaceError, match="name"):
        ws.save_roster(" ", b"x", "x.csv", _matched_rows(), None, {})
    with pytest.raises(WorkspaceError, match="bytes"):
        ws.save_roster("x", "text", "x.csv", _matched_rows(), None, {})


def test_mixed_object_columns_are_stored_as_text(ws):
    rows = _matched_rows()
    rows["extra"] = pd.Series([1, "two", 3.0, None, b"x"], dtype=object)
    rid = ws.save_roster("mixed", b"m", "m.csv", rows, None, {})
    back, _, _ = ws.load_roster(rid)
    assert list(back["extra"].iloc[:3]) == ["1", "two", "3.0"]


# ----------------------------------------------------------------- review
def test_review_queue_groups_rows_by_entity(ws):
    rid = _save(ws)
    queue = ws.review_queue()
    assert list(queue["entity_name"]) == ["=cmd|x", "Foo Valley", "SDUSD"]
    foo = queue[queue["entity_name"] == "Foo Valley"].iloc[0]
    assert foo["roster_id"] == rid
    assert foo["n_rows"] == 2
    assert foo["row_indexes"] == [2, 3]
    assert foo["source_rows"] == [4, 5]
    assert foo["match_status"] == "ambiguous"
    assert foo["matched_name"] == "Foo Valley Elementary"
    assert foo["runner_up"] == "Foo Valley Union High"
    assert pd.isna(foo["pending_geoid"])


def test_review_choices_survive_reopen_and_confirm(ws):
    rid = _save(ws)
    queue = ws.review_queue(rid).set_index("entity_name")
    ws.set_review_choice(
        rid,
        queue.loc["SDUSD", "row_indexes"],
        geoid="0634320",
        matched_name="San Diego Unified",
        cd_code="3768338",
    )
    ws.set_review_choice(rid, queue.loc["=cmd|x", "row_indexes"], not_california=True)
    url = ws.url
    ws.close()

    ws2 = open_workspace(url)  # a restart
    queue = ws2.review_queue(rid).set_index("entity_name")
    assert queue.loc["SDUSD", "pending_geoid"] == "0634320"
    assert queue.loc["SDUSD", "pending_name"] == "San Diego Unified"
    assert bool(queue.loc["=cmd|x", "pending_not_california"])
    assert pd.isna(queue.loc["Foo Valley", "pending_geoid"])

    assert ws2.confirm_review(rid) == 2
    rows, _, meta = ws2.load_roster(rid)
    sd = rows.iloc[1]
    assert sd["match_status"] == "matched"
    assert sd["match_method"] == "review"
    assert sd["geoid"] == "0634320"
    assert sd["matched_name"] == "San Diego Unified"
    assert sd["cd_code"] == "3768338"
    assert sd["score"] == 100.0
    bad = rows.iloc[4]
    assert bad["match_status"] == "unmatched"
    assert bad["match_method"] == "review"
    assert bad["match_note"] == W.NOT_CALIFORNIA_NOTE
    assert pd.isna(bad["geoid"])
    assert meta["counts"] == {
        "rows": 5, "matched": 2, "ambiguous": 2, "unmatched": 1, "rejected": 1,
    }  # fmt: skip
    # what is left to review
    assert list(ws2.review_queue(rid)["entity_name"]) == ["Foo Valley"]
    # confirmed choices became aliases (with the row's county when it has one)
    al = ws2.list_aliases().set_index("alias")
    assert al.loc["SDUSD", "geoid"] == "0634320"
    assert al.loc["SDUSD", "county"] == "San Diego"
    assert bool(al.loc["=cmd|x", "not_california"])
    assert pd.isna(al.loc["=cmd|x", "county"])
    states = ws2.review_choices(rid)
    assert set(states["state"]) == {"confirmed"}
    assert ws2.confirm_review() == 0
    # the app's rows reflect the decision
    assert "0634320" in set(ws2.all_rows()["geoid"].dropna())
    ws2.close()


def test_clear_choice_and_validation(ws):
    rid = _save(ws)
    ws.set_review_choice(rid, [2, 3], geoid="0612345")
    ws.clear_review_choice(rid, [2, 3])
    assert ws.review_choices(rid).empty
    with pytest.raises(WorkspaceError, match="either"):
        ws.set_review_choice(rid, [2], geoid="0612345", not_california=True)
    with pytest.raises(WorkspaceError, match="either"):
        ws.set_review_choice(rid, [2])
    with pytest.raises(WorkspaceError, match="NCES id"):
        ws.set_review_choice(rid, [2], geoid="12345")
    with pytest.raises(WorkspaceError, match="not in roster"):
        ws.set_review_choice(rid, [99], geoid="0612345")


def test_failed_confirm_changes_nothing(ws, monkeypatch):
    rid = _save(ws)
    ws.set_review_choice(rid, [1], geoid="0634320", matched_name="San Diego Unified")
    before_rows, _, before_meta = ws.load_roster(rid)

    def boom(*a, **k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(W.Workspace, "_save_alias_tx", boom)
    with pytest.raises(RuntimeError):
        ws.confirm_review(rid)
    rows, _, meta = ws.load_roster(rid)
    pd.testing.assert_frame_equal(rows, before_rows)
    assert meta["counts"] == before_meta["counts"]
    assert set(ws.review_choices(rid)["state"]) == {"pending"}
    assert ws.list_aliases().empty


# ----------------------------------------------------------------- aliases
def test_alias_save_update_delete(ws):
    a = ws.save_alias("SDUSD", geoid="0634320", county="San Diego County", note="x")
    assert ws.save_alias("  sdusd ", geoid="0634320", county="san diego") == a  # upsert
    b = ws.save_alias("SDUSD", geoid="0634320")  # any county: another alias
    assert a != b
    al = ws.list_aliases()
    assert len(al) == 2
    assert al["alias_norm"].tolist() == ["sdusd", "sdusd"]
    ws.update_alias(a, note="checked", geoid="0634321")
    row = ws.list_aliases().set_index("alias_id").loc[a]
    assert (row["note"], row["geoid"]) == ("checked", "0634321")
    ws.update_alias(a, not_california=True)
    row = ws.list_aliases().set_index("alias_id").loc[a]
    assert bool(row["not_california"]) and pd.isna(row["geoid"])
    with pytest.raises(WorkspaceError, match="Another alias"):
        ws.update_alias(b, county="San Diego")
    with pytest.raises(WorkspaceError, match="Unknown alias field"):
        ws.update_alias(a, colour="red")
    with pytest.raises(WorkspaceError, match="no alias number"):
        ws.update_alias(9999, note="x")
    ws.delete_alias(a)
    assert list(ws.list_aliases()["alias_id"]) == [b]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"alias": "  ", "geoid": "0634320"}, "empty"),
        ({"alias": "X", "geoid": "634320"}, "NCES id"),
        ({"alias": "X"}, "either"),
        ({"alias": "X", "geoid": "0634320", "not_california": True}, "either"),
    ],
)
def test_alias_validation(ws, kwargs, message):
    kwargs = dict(kwargs)  # the parameter is shared by both backends
    alias = kwargs.pop("alias")
    with pytest.raises(WorkspaceError, match=message):
        ws.save_alias(alias, **kwargs)


def test_alias_csv_round_trip_is_formula_safe(ws, tmp_path):
    ws.save_alias('=HYPERLINK("http://x")', not_california=True, note="@evil")
    ws.save_alias("La Cañada USD", geoid="0620070", county="Los Angeles")
    ws.save_alias("Riverside COE", geoid="06065")
    data = ws.export_aliases_csv()
    assert data.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(W.ALIAS_CSV_COLUMNS)
    cells = frame.to_numpy().ravel().tolist()
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    assert '\'=HYPERLINK("http://x")' in cells
    assert "0620070" in cells  # leading zero kept

    other = open_workspace(f"sqlite:///{tmp_path / 'other.sqlite'}")
    try:
        assert other.import_aliases_csv(data) == {
            "added": 3,
            "updated": 0,
            "unchanged": 0,
        }
        cols = ["alias", "county", "geoid", "not_california", "note"]
        pd.testing.assert_frame_equal(
            other.list_aliases()[cols], ws.list_aliases()[cols]
        )
        assert other.import_aliases_csv(data) == {
            "added": 0,
            "updated": 0,
            "unchanged": 3,
        }
    finally:
        other.close()


def test_alias_import_windows_1252_and_updates(ws):
    ws.save_alias("La Canada", geoid="0620070")
    data = (
        "alias;county;geoid\n".replace(";", ",")
        + "La Cañada,,0620071\n"
        + "Pasadena USD,Los Angeles,0629940\n"
    ).encode("cp1252")
    assert ws.import_aliases_csv(data) == {"added": 1, "updated": 1, "unchanged": 0}
    al = ws.list_aliases().set_index("alias_norm")
    assert al.loc["la canada", "alias"] == "La Cañada"
    assert al.loc["la canada", "geoid"] == "0620071"


@pytest.mark.parametrize(
    "body, message",
    [
        (b"", "empty"),
        (b"name,geoid\nX,0634320\n", "unknown column"),
        (b"alias,county\nX,Kern\n", "needs the columns"),
        (b"alias,geoid\nOK,0634320\nBad,634320\n", "row 3, column geoid"),
        (b"alias,geoid\n,0634320\n", "row 2, column alias"),
        (b"alias,geoid,not_california\nX,,maybe\n", "row 2, column not_california"),
        (
            b"alias,geoid\nX,0634320\nx,0634321\n",
            "row 3, column alias: 'x' repeats row 2",
        ),
        (b"alias,geoid\nX,0634320,extra\n", "row 2: more cells"),
        (b"\x00\x01\x02binary", "not a text CSV"),
    ],
)
def test_alias_import_errors_name_row_and_column(ws, body, message):
    ws.save_alias("Keep me", geoid="0634320")
    with pytest.raises(AliasImportError, match=message):
        ws.import_aliases_csv(body, filename="aliases.csv")
    assert ws.list_aliases()["alias"].tolist() == ["Keep me"]  # nothing changed


def test_alias_import_checks_known_geoids(ws, reference):
    data = b"alias,geoid\nSDUSD,0634320\nNowhere,0699999\n"
    with pytest.raises(AliasImportError, match="row 3, column geoid: '0699999'"):
        ws.import_aliases_csv(data, valid_geoids=reference["geoid"])
    assert (
        ws.import_aliases_csv(data[:-17], valid_geoids=reference["geoid"])["added"] == 1
    )


def test_alias_import_size_limit(ws, monkeypatch):
    from loaders.workspace.stores import aliases

    monkeypatch.setattr(aliases, "MAX_ALIAS_CSV_BYTES", 10)
    with pytest.raises(AliasImportError, match="limited"):
        ws.import_aliases_csv(b"alias,geoid\nX,0634320\n")


# ----------------------------------------------------------------- mappings etc.
def test_column_maps(ws):
    assert ws.get_column_map("sig") is None
    ws.save_column_map("sig", {"School District": "entity_name", "Title": "role"})
    ws.save_column_map("sig", {"School District": "entity_name"})
    assert ws.get_column_map("sig") == {"School District": "entity_name"}


def test_scenarios(ws):
    assert ws.list_scenarios().empty
    north = ws.save_scenario(
        "North", {"p": np.int64(4), "venues": np.array([1, 2]), "x": 1.5}
    )
    south = ws.save_scenario("South", {"p": 2})
    north2 = ws.save_scenario("North", {"p": 5})  # a second plan, not a replacement
    assert len({north, south, north2}) == 3
    assert ws.load_scenario(north2) == {"p": 5}
    assert ws.load_scenario(north) == {"p": 4, "venues": [1, 2], "x": 1.5}
    assert ws.load_scenario("North") == {"p": 5}  # a name means its newest plan
    listing = ws.list_scenarios()
    assert list(listing["scenario_id"]) == [north2, south, north]  # newest first
    assert list(listing.columns) == [
        "scenario_id", "name", "model", "venues", "n_venues", "created_at",
        "updated_at", "version",
    ]  # fmt: skip
    ws.delete_scenario(north2)
    assert ws.load_scenario("North") == ws.load_scenario(north)
    ws.delete_scenario(north)
    ws.delete_scenario(north)  # already gone: no error
    with pytest.raises(WorkspaceError, match="no saved scenario named 'North'"):
        ws.load_scenario("North")
    with pytest.raises(WorkspaceError, match="no saved scenario number 999"):
        ws.load_scenario(999)
    with pytest.raises(WorkspaceError, match="Cannot save scenario"):
        ws.save_scenario("bad", {"f": object()})
    with pytest.raises(WorkspaceError, match="name"):
        ws.save_scenario(" ", {})


def _plan(model, capacity, venues=("Fresno", "Redding")):
    """A payload in the plan.json layout (geodata.siting.VenuePlan.to_dict)."""
    return {
        "format": "lmi-venue-plan/1",
        "model": model,
        "p": len(venues),
        "capacity": capacity,
        "radius": None,
        "radius_units": None,
        "selection": {"events": ["lmi-2024"], "statuses": ["attended"]},
        "booked": [],
        "distance": {"objective": "great-circle miles", "circuity": None},
        "objective": 123.4,
        "venues": [{"name": v, "teams": 10} for v in venues],
    }


def test_a_plan_with_the_same_venues_is_kept_beside_the_earlier_one(ws):
    """Issue 12 item 10: a capacitated plan after a p-median plan choosing the
    same venues keeps both, and the store says what differs."""
    first = ws.save_scenario("Two venues", _plan("p-median", None))
    second = ws.save_scenario("Two venues", _plan("capacitated p-median", 40))
    assert first != second
    listing = ws.list_scenarios().set_index("scenario_id")
    assert listing.loc[first, "venues"] == listing.loc[second, "venues"]
    assert listing.loc[second, "venues"] == "Fresno + Redding"
    assert listing.loc[second, "n_venues"] == 2
    assert listing.loc[first, "model"] == "p-median"
    assert listing.loc[second, "model"] == "capacitated p-median"
    assert ws.load_scenario(first)["model"] == "p-median"
    assert ws.scenario(second)["options"]["capacity"] == 40
    diff = ws.compare_scenarios([first, second])
    assert list(diff.index) == ["model", "capacity"]
    assert list(diff.columns) == [f"#{first} Two venues", f"#{second} Two venues"]
    assert diff.loc["capacity"].tolist() == ["", "40"]
    assert diff.loc["model"].tolist() == ["p-median", "capacitated p-median"]
    full = ws.compare_scenarios([first, second], all_fields=True)
    assert {"venues", "p", "selection.events", "distance.objective"} <= set(full.index)
    # explicit options win over the payload's
    third = ws.save_scenario("Opts", {"model": "coverage"}, options={"radius": 60})
    assert ws.scenario(third)["options"] == {"radius": 60}
    assert ws.scenario(third)["venues"] is None


def test_settings_and_revision(ws):
    r0 = ws.revision()
    assert ws.get_setting(W.SETTING_SHOW_CONTACTS, False) is False
    ws.set_setting(W.SETTING_SHOW_CONTACTS, True)
    assert ws.get_setting(W.SETTING_SHOW_CONTACTS) is True
    assert ws.revision() == r0 + 1


def test_cached_revision_sees_own_saves_at_once_and_others_after_max_age(ws):
    r0 = ws.revision(max_age=3600)
    ws.set_setting("a", 1)  # a save through this object: seen at once
    assert ws.revision(max_age=3600) == r0 + 1
    other = W.Workspace(ws.url)  # another process sharing the database
    try:
        other.set_setting("b", 2)
    finally:
        other.close()
    assert ws.revision(max_age=3600) == r0 + 1  # reused within max_age
    assert ws.revision() == r0 + 2  # max_age 0 asks the database


def test_concurrent_writers_from_threads(ws):
    errors = []

    def work(k):
        try:
            for i in range(10):
                ws.save_alias(f"alias {k}-{i}", geoid="0634320")
                ws.set_setting(f"s{k}", i)
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(ws.list_aliases()) == 60
    assert ws.revision() == 120


# ------------------------------------------------------- the whole round trip
def test_whole_workspace_round_trip(ws):
    """Every kind of save and read once (on SQLite, and on PostgreSQL)."""
    ws_url = ws.url
    assert ws.schema_version() == W.SCHEMA_VERSION
    assert ws.location() == (
        mask_url(ws_url) if ws_url.startswith("postgresql") else ws_url[10:]
    )
    rid = _save(ws)
    rows, rejected, meta = ws.load_roster(rid)
    pd.testing.assert_frame_equal(rows, _matched_rows())
    assert meta["counts"]["rejected"] == 1
    assert ws.original_file(rid) == b"District,Role\nAlameda,Supt\n"
    ws.set_review_choice(rid, [1], geoid="0634320", matched_name="San Diego Unified")
    ws.set_review_choice(rid, [4], not_california=True)
    assert ws.confirm_review() == 2
    assert ws.load_roster(rid)[2]["counts"]["matched"] == 2
    data = ws.export_aliases_csv()
    ws.delete_alias(int(ws.list_aliases()["alias_id"].iloc[0]))
    assert ws.import_aliases_csv(data)["added"] == 1
    sid = ws.save_scenario("North", _plan("p-median", None))
    ws.save_scenario("North", _plan("capacitated p-median", 40))
    assert ws.load_scenario(sid)["model"] == "p-median"
    assert list(ws.compare_scenarios([sid, "North"]).index) == ["model", "capacity"]
    ws.set_setting("k", [1, 2])
    assert ws.get_setting("k") == [1, 2]
    ws.delete_roster(rid)
    assert ws.all_rows().empty
    ws.restore_roster(rid)
    assert len(ws.all_rows()) == 5
    ws.delete_roster(rid)
    assert ws.purge_deleted() == 1
    assert ws.revision() > 5
