"""Schema migrations of the workspace (Alembic): workspaces made by the app
before Alembic (schema versions 1 and 2) upgrade in place with their data, a
newer schema is refused untouched, and the revisions agree with the tables the
stores query.

The version-1 and version-2 files are written here with the DDL that version's
code emitted on SQLite (copied from ``sqlite_master`` of files it made), in WAL
mode as it left them, with data in every table.
"""

from __future__ import annotations

import io
import json
import sqlite3
import threading

import pandas as pd
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from loaders import workspace as W
from loaders.workspace import WorkspaceError, migrations, open_workspace
from loaders.workspace.schema import METADATA
from tests.test_workspace import _matched_rows, _plan, _rejected

# ---------------------------------------------------- the app before Alembic
_V1_DDL = """
CREATE TABLE schema_migrations (
	version INTEGER NOT NULL,
	description TEXT NOT NULL,
	applied_at DATETIME NOT NULL,
	PRIMARY KEY (version)
);
CREATE TABLE files (
	sha256 VARCHAR(64) NOT NULL,
	size_bytes INTEGER NOT NULL,
	content BLOB NOT NULL,
	stored_at DATETIME NOT NULL,
	PRIMARY KEY (sha256)
);
CREATE TABLE aliases (
	alias_id INTEGER NOT NULL,
	alias TEXT NOT NULL,
	alias_norm TEXT NOT NULL,
	county TEXT,
	county_norm TEXT NOT NULL,
	geoid VARCHAR(7),
	not_california BOOLEAN NOT NULL,
	note TEXT,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	PRIMARY KEY (alias_id),
	CONSTRAINT uq_alias_county UNIQUE (alias_norm, county_norm)
);
CREATE TABLE column_maps (
	layout_signature TEXT NOT NULL,
	column_map TEXT NOT NULL,
	updated_at DATETIME NOT NULL,
	PRIMARY KEY (layout_signature)
);
CREATE TABLE scenarios (
	name TEXT NOT NULL,
	payload TEXT NOT NULL,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	PRIMARY KEY (name)
);
CREATE TABLE settings (
	"key" TEXT NOT NULL,
	value TEXT NOT NULL,
	updated_at DATETIME NOT NULL,
	PRIMARY KEY ("key")
);
CREATE TABLE rosters (
	roster_id INTEGER NOT NULL,
	name TEXT NOT NULL,
	filename TEXT,
	sheet TEXT,
	header_row INTEGER,
	column_map TEXT,
	layout_signature TEXT,
	file_sha256 VARCHAR(64) NOT NULL,
	uploaded_at DATETIME NOT NULL,
	n_rows INTEGER NOT NULL,
	n_matched INTEGER NOT NULL,
	n_ambiguous INTEGER NOT NULL,
	n_unmatched INTEGER NOT NULL,
	n_rejected INTEGER NOT NULL,
	meta TEXT,
	PRIMARY KEY (roster_id),
	FOREIGN KEY(file_sha256) REFERENCES files (sha256)
);
CREATE TABLE roster_blobs (
	roster_id INTEGER NOT NULL,
	rows_parquet BLOB NOT NULL,
	rejected_parquet BLOB NOT NULL,
	rows_sha256 VARCHAR(64) NOT NULL,
	PRIMARY KEY (roster_id),
	FOREIGN KEY(roster_id) REFERENCES rosters (roster_id) ON DELETE CASCADE
);
INSERT INTO schema_migrations
    VALUES (1, 'initial layout', '2025-01-10 09:00:00.000000');
"""
# What version 2's migration step ran on a version-1 file.
_V1_TO_V2 = """
ALTER TABLE rosters ADD COLUMN deleted_at DATETIME;
CREATE TABLE review_decisions (
	roster_id INTEGER NOT NULL,
	row_index INTEGER NOT NULL,
	entity_name TEXT,
	county TEXT,
	geoid VARCHAR(7),
	matched_name TEXT,
	cd_code VARCHAR(7),
	not_california BOOLEAN NOT NULL,
	state VARCHAR(16) NOT NULL,
	decided_at DATETIME NOT NULL,
	PRIMARY KEY (roster_id, row_index),
	FOREIGN KEY(roster_id) REFERENCES rosters (roster_id) ON DELETE CASCADE
);
CREATE TABLE changes (
	id INTEGER NOT NULL,
	revision INTEGER NOT NULL,
	PRIMARY KEY (id)
);
INSERT INTO changes VALUES (1, 0);
INSERT INTO schema_migrations VALUES
    (2, 'roster trash, review decisions, change counter', '2025-03-01 10:00:00.000000');
"""
TS = "2025-01-10 09:05:00.000000"
TS2 = "2025-03-02 11:00:00.000000"


def _parquet(frame: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    return buf.getvalue()


def _write_legacy(path, version: int) -> None:
    """A workspace as the app at schema ``version`` (1 or 2) left it."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode = WAL")
    con.executescript(_V1_DDL)
    rows, rejected = _parquet(_matched_rows()), _parquet(_rejected())
    con.execute("INSERT INTO files VALUES ('abc', 3, ?, ?)", (b"old", TS))
    con.execute(
        "INSERT INTO rosters VALUES (1, 'Winter 2024', 'w.csv', NULL, 1, "
        "'{\"District\": \"entity_name\"}', 'sig', 'abc', ?, 5, 1, 2, 2, 1, "
        '\'{"notes": ["kept"]}\')',
        (TS,),
    )
    con.execute("INSERT INTO roster_blobs VALUES (1, ?, ?, 'x')", (rows, rejected))
    con.execute(
        "INSERT INTO aliases VALUES (1, 'SFUSD', 'sfusd', NULL, '', '0634410', 0, "
        "NULL, ?, ?)",
        (TS, TS),
    )
    con.execute(
        "INSERT INTO column_maps VALUES ('sig', '{\"District\": \"entity_name\"}', ?)",
        (TS,),
    )
    con.execute(
        "INSERT INTO scenarios VALUES ('North', ?, ?, ?)",
        (json.dumps(_plan("p-median", None)), TS, TS),
    )
    con.execute(
        "INSERT INTO settings VALUES ('show_contact_details', 'true', ?)", (TS,)
    )
    if version >= 2:
        con.executescript(_V1_TO_V2)
        con.execute("INSERT INTO files VALUES ('def', 3, ?, ?)", (b"bin", TS2))
        con.execute(
            "INSERT INTO rosters VALUES (2, 'Trashed', 't.csv', NULL, 1, NULL, NULL, "
            "'def', ?, 5, 1, 2, 2, 1, '{}', ?)",
            (TS2, TS2),
        )
        con.execute("INSERT INTO roster_blobs VALUES (2, ?, ?, 'y')", (rows, rejected))
        con.execute(
            "INSERT INTO review_decisions VALUES (1, 1, 'SDUSD', 'San Diego', "
            "'0634320', 'San Diego Unified', NULL, 0, 'pending', ?)",
            (TS2,),
        )
        con.execute(
            "INSERT INTO scenarios VALUES ('South', ?, ?, ?)",
            (json.dumps(_plan("capacitated p-median", 40)), TS2, TS2),
        )
        con.execute("UPDATE changes SET revision = 7")
    con.commit()
    con.close()


def _versions(path) -> tuple[list[int], list[str]]:
    con = sqlite3.connect(path)
    legacy = [r[0] for r in con.execute("SELECT version FROM schema_migrations")]
    alembic = [r[0] for r in con.execute("SELECT version_num FROM alembic_version")]
    con.close()
    return legacy, alembic


def _check_common_data(ws) -> None:
    listing = ws.list_rosters()
    assert listing["name"].tolist() == ["Winter 2024"]
    assert listing["deleted_at"].isna().all()
    rows, rejected, meta = ws.load_roster(1)
    pd.testing.assert_frame_equal(rows, _matched_rows())
    pd.testing.assert_frame_equal(rejected, _rejected())
    assert meta["column_map"] == {"District": "entity_name"}
    assert meta["notes"] == ["kept"]
    assert ws.original_file(1) == b"old"
    assert ws.list_aliases()["alias"].tolist() == ["SFUSD"]
    assert ws.get_column_map("sig") == {"District": "entity_name"}
    assert ws.load_scenario("North") == _plan("p-median", None)
    assert ws.get_setting(W.SETTING_SHOW_CONTACTS) is True


# ------------------------------------------------------------------ upgrades
def test_v1_workspace_upgrades_in_place(tmp_path):
    path = tmp_path / "v1.sqlite"
    _write_legacy(path, 1)
    ws = open_workspace(f"sqlite:///{path}")
    try:
        assert ws.schema_version() == W.SCHEMA_VERSION == migrations.HEAD
        _check_common_data(ws)
        north = ws.list_scenarios()
        assert north["scenario_id"].tolist() == [1]
        assert north["model"].tolist() == ["p-median"]
        assert north["venues"].tolist() == ["Fresno + Redding"]
        # what later versions added works on the upgraded file
        ws.set_review_choice(1, [1], geoid="0634320")
        assert ws.confirm_review() == 1
        ws.delete_roster(1)
        ws.restore_roster(1)
        ws.save_scenario("North", _plan("capacitated p-median", 40))
        assert len(ws.list_scenarios()) == 2
        assert ws.revision() >= 3
        assert ws.integrity_check() == "ok"
    finally:
        ws.close()
    # the row 3 makes the app before Alembic refuse the file ("newer version")
    assert _versions(path) == ([1, 2, 3], [migrations.HEAD])


def test_v2_workspace_upgrades_in_place(tmp_path):
    path = tmp_path / "v2.sqlite"
    _write_legacy(path, 2)
    ws = open_workspace(f"sqlite:///{path}")
    try:
        assert ws.schema_version() == migrations.HEAD
        _check_common_data(ws)
        trash = ws.list_rosters(deleted=True)
        assert trash["name"].tolist() == ["Trashed"]
        assert ws.revision() == 7
        pending = ws.review_choices(1)
        assert pending["state"].tolist() == ["pending"]
        queue = ws.review_queue(1).set_index("entity_name")
        assert queue.loc["SDUSD", "pending_geoid"] == "0634320"
        listing = ws.list_scenarios()
        assert listing["name"].tolist() == ["South", "North"]  # newest first
        assert listing["scenario_id"].tolist() == [2, 1]  # ids by age
        assert listing["model"].tolist() == ["capacitated p-median", "p-median"]
        diff = ws.compare_scenarios([1, 2])
        assert list(diff.index) == ["model", "capacity"]
        ws.restore_roster(2)
        assert len(ws.all_rows()) == 10
        assert ws.confirm_review() == 1
        assert ws.revision() == 9
    finally:
        ws.close()
    assert _versions(path) == ([1, 2, 3], [migrations.HEAD])


_SETVAL = "SELECT setval(pg_get_serial_sequence('{}', '{}'), 1)"


def _write_0003(url: str) -> None:
    """A workspace as the app at revision 0003 left it (before events), with data
    (SQLite or PostgreSQL: plain SQL through SQLAlchemy)."""
    from alembic import command

    command.upgrade(migrations.alembic_config(url=url), "0003")
    rows, rejected = _parquet(_matched_rows()), _parquet(_rejected())
    engine = create_engine(url)
    statements = [
        ("INSERT INTO files VALUES ('abc', 3, :b, :ts)", {"b": b"old"}),
        (
            "INSERT INTO rosters VALUES (1, 'Winter 2024', 'w.csv', NULL, 1, "
            "'{\"District\": \"entity_name\"}', 'sig', 'abc', :ts, 5, 1, 2, 2, 1, "
            '\'{"notes": ["kept"]}\', NULL)',
            {},
        ),
        (
            "INSERT INTO roster_blobs VALUES (1, :r, :x, 'x')",
            {"r": rows, "x": rejected},
        ),
        (
            "INSERT INTO aliases VALUES (1, 'SFUSD', 'sfusd', NULL, '', '0634410', "
            "false, NULL, :ts, :ts)",
            {},
        ),
        (
            "INSERT INTO column_maps VALUES "
            "('sig', '{\"District\": \"entity_name\"}', :ts)",
            {},
        ),
        (
            "INSERT INTO scenarios VALUES (1, 'North', 'p-median', '{}', "
            '\'["Fresno", "Redding"]\', :p, :ts, :ts)',
            {"p": json.dumps(_plan("p-median", None))},
        ),
        ("INSERT INTO settings VALUES ('show_contact_details', 'true', :ts)", {}),
        ("UPDATE changes SET revision = 11", {}),
    ]
    try:
        with engine.begin() as conn:
            for sql, params in statements:
                conn.execute(text(sql), {"ts": TS, **params})
            if url.startswith("postgresql"):  # explicit ids, as SQLite allows
                conn.execute(text(_SETVAL.format("scenarios", "scenario_id")))
                conn.execute(text(_SETVAL.format("rosters", "roster_id")))
                conn.execute(text(_SETVAL.format("aliases", "alias_id")))
    finally:
        engine.dispose()


def test_0003_workspace_upgrades_and_keeps_its_data(workspace_url, tmp_path):
    """Revisions 0004 (events) and 0005 (versions) keep everything saved before;
    on SQLite and on PostgreSQL."""
    url = workspace_url
    _write_0003(url)
    ws = open_workspace(url)
    try:
        assert ws.schema_version() == migrations.HEAD
        _check_common_data(ws)
        assert ws.revision() == 11
        assert ws.list_events().empty
        ws.add_event(
            {"event_id": "CALMI-2027-SI", "event_name": "2027 CA LMI Summer "
             "Institute", "event_type": "summer_institute",
             "start_date": "2027-06-22"}
        )  # fmt: skip
        assert ws.list_events()["event_id"].tolist() == ["CALMI-2027-SI"]
        assert ws.revision() == 12
        # 0005: the scenario saved before has version 1 and can be changed
        assert ws.scenario(1)["version"] == 1
        assert ws.update_scenario(1, name="North 2", expected_version=1) == 2
        assert ws.save_scenario("South", _plan("coverage", None)) == 2
        assert ws.integrity_check() == "ok"
    finally:
        ws.close()
    assert _schema_version(url) == migrations.HEAD
    fresh = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    open_workspace(fresh).close()
    assert _layout(url) == _layout(fresh) or url.startswith("postgresql")


def _schema_version(url: str) -> str:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            query = text("SELECT version_num FROM alembic_version")
            return conn.execute(query).scalar()
    finally:
        engine.dispose()


def _layout(url: str) -> dict:
    """Tables as the database describes them (types, keys, constraints)."""
    engine = create_engine(url)
    try:
        insp = inspect(engine)
        out = {}
        for table in sorted(insp.get_table_names()):
            out[table] = {
                "columns": [
                    (c["name"], str(c["type"]), c["nullable"])
                    for c in insp.get_columns(table)
                ],
                "pk": insp.get_pk_constraint(table)["constrained_columns"],
                "fks": sorted(
                    (tuple(f["constrained_columns"]), f["referred_table"])
                    for f in insp.get_foreign_keys(table)
                ),
                "unique": sorted(
                    tuple(u["column_names"]) for u in insp.get_unique_constraints(table)
                ),
            }
        return out
    finally:
        engine.dispose()


def test_upgraded_workspaces_have_the_fresh_layout(tmp_path):
    """The baseline equals version 2: v1 and v2 files end where a new one starts."""
    urls = {}
    for name, version in (("v1", 1), ("v2", 2), ("fresh", None)):
        path = tmp_path / f"{name}.sqlite"
        if version:
            _write_legacy(path, version)
        urls[name] = f"sqlite:///{path}"
        open_workspace(urls[name]).close()
    fresh = _layout(urls["fresh"])
    assert _layout(urls["v1"]) == fresh
    assert _layout(urls["v2"]) == fresh
    assert set(fresh) >= {"alembic_version", "rosters", "scenarios", "changes"}


def test_schema_module_matches_the_revisions(workspace_url):
    """loaders.workspace.schema (what the stores query) is what the revisions
    build: Alembic's autogenerate finds nothing to change (SQLite, PostgreSQL)."""
    url = workspace_url
    open_workspace(url).close()
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), METADATA)
    finally:
        engine.dispose()
    assert diff == []


def test_revision_list_matches_the_scripts():
    script = ScriptDirectory.from_config(migrations.alembic_config())
    ids = [s.revision for s in script.walk_revisions()][::-1]  # oldest first
    assert tuple(ids) == migrations.REVISIONS
    assert script.get_heads() == [migrations.HEAD]
    assert migrations.BASELINE in ids


def test_a_failed_upgrade_changes_nothing(tmp_path, monkeypatch):
    """The legacy step, the stamp and the revisions run in one transaction."""
    from alembic import command

    path = tmp_path / "v1.sqlite"
    _write_legacy(path, 1)

    def boom(*_a, **_k):
        raise RuntimeError("disk gone mid-upgrade")

    monkeypatch.setattr(command, "upgrade", boom)
    with pytest.raises(RuntimeError):
        open_workspace(f"sqlite:///{path}")
    monkeypatch.undo()
    con = sqlite3.connect(path)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    cols = [r[1] for r in con.execute("PRAGMA table_info(rosters)")]
    con.close()
    assert "alembic_version" not in tables and "changes" not in tables
    assert "deleted_at" not in cols
    ws = open_workspace(f"sqlite:///{path}")  # the disk is back
    try:
        _check_common_data(ws)
    finally:
        ws.close()


def _open_together(url: str, n: int = 4) -> list[BaseException]:
    """Open and close ``n`` Workspaces of ``url`` at the same moment, each with
    its own engine (as ``n`` app processes would); return what they raised."""
    errors: list[BaseException] = []
    start = threading.Barrier(n)

    def open_it():
        try:
            start.wait()
            W.Workspace(url).close()
        except BaseException as exc:  # noqa: BLE001 - returned to the test
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_two_processes_opening_an_old_workspace_upgrade_it_once(tmp_path):
    path = tmp_path / "v2.sqlite"
    _write_legacy(path, 2)
    assert _open_together(f"sqlite:///{path}") == []
    assert _versions(path) == ([1, 2, 3], [migrations.HEAD])


def test_two_processes_creating_a_workspace_at_once_create_it_once(workspace_url):
    """Two app processes starting together on an empty database (the deploy
    recipe): one creates the tables, the other waits and finds them."""
    assert _open_together(workspace_url) == []
    assert _schema_version(workspace_url) == migrations.HEAD


# ---------------------------------------------------------------- refusals
def test_newer_alembic_revision_is_refused_untouched(tmp_path):
    path = tmp_path / "future.sqlite"
    open_workspace(f"sqlite:///{path}").close()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = 'f00dcafe'")
    con.execute("ALTER TABLE rosters ADD COLUMN from_the_future TEXT")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(WorkspaceError) as err:
        open_workspace(f"sqlite:///{path}")
    message = str(err.value)
    assert str(path) in message
    assert "newer version of the app" in message and "f00dcafe" in message
    assert "Upgrade the app" in message and "not changed" in message
    assert path.read_bytes() == before


def test_newer_legacy_version_is_refused_untouched(tmp_path):
    path = tmp_path / "future.sqlite"
    _write_legacy(path, 2)
    con = sqlite3.connect(path)
    con.execute("INSERT INTO schema_migrations VALUES (99, 'future', '2030-01-01')")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(WorkspaceError, match="newer version") as err:
        open_workspace(f"sqlite:///{path}")
    assert str(path) in str(err.value)
    assert path.read_bytes() == before
