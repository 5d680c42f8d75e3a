"""Shared fixtures: the real public data (``LMI_GEODATA_DIR``), a private cache."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The environment (LMI_GEODATA_DIR, LMI_CACHE_DIR, MPLBACKEND) is set by the
# repository's root conftest.py, before any project module is imported.


@pytest.fixture(scope="session")
def source_files() -> dict[str, Path]:
    """Every published source file the tests read, by its key in ``SOURCES``.

    Found in ``LMI_GEODATA_DIR`` (by its published file name, in the folder or
    a subfolder) as the product finds it, once per session, so a test that
    unsets the variable still knows where the real files are.
    """
    from geodata import sources

    return {key: sources.fetch(key, download=False) for key in sources.SOURCES}


@pytest.fixture(scope="session")
def reference():
    """Every district and COE (1,002 rows) from the real CDE and Census files."""
    from geodata.boundaries import entity_reference

    return entity_reference()


@pytest.fixture(scope="module")
def teams(reference):
    """Teams per event of the small sample roster on real districts
    (``tests.test_exports.sample_matched``); a module may define its own."""
    from loaders.participation import teams_by_event
    from tests.test_exports import sample_matched

    return teams_by_event(sample_matched(reference))


@pytest.fixture(scope="module")
def events():
    """The events table (``loaders.events.load_events``)."""
    from loaders.events import load_events

    return load_events()


@pytest.fixture(scope="session")
def districts():
    """The 942 real districts at full resolution (EPSG:4326)."""
    from geodata.boundaries import district_boundaries

    return district_boundaries()


@pytest.fixture(scope="session")
def counties():
    """The 58 California counties (COEs)."""
    from geodata.boundaries import county_boundaries

    return county_boundaries()


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch) -> Path:
    """No LMI_GEODATA_DIR, an empty cache: source files must come from a server."""
    monkeypatch.delenv("LMI_GEODATA_DIR", raising=False)
    cache = tmp_path / "cache"
    monkeypatch.setenv("LMI_CACHE_DIR", str(cache))
    return cache


@pytest.fixture
def workspace_dir(tmp_path, monkeypatch):
    """An empty workspace folder for this test only."""
    folder = tmp_path / "workspace"
    folder.mkdir()
    monkeypatch.setenv("LMI_WORKSPACE_DIR", str(folder))
    monkeypatch.delenv("LMI_WORKSPACE_URL", raising=False)
    return folder


# ------------------------------------------------- workspace database backends
#: Names a PostgreSQL database the tests may use and empty
#: (``deploy/throwaway-postgres.sh start DIR`` starts one and prints it).
ENV_TEST_POSTGRES_URL = "LMI_TEST_POSTGRES_URL"


def _no_postgres(reason: str) -> None:
    """Fail in CI (PostgreSQL is installed there: missing is a fault), else skip."""
    if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
        pytest.fail(f"PostgreSQL tests cannot run in CI: {reason}")
    pytest.skip(
        f"PostgreSQL tests skipped: {reason}. Start a throw-away cluster with "
        f"`deploy/throwaway-postgres.sh start /tmp/lmi-pg` and export the "
        f"{ENV_TEST_POSTGRES_URL} it prints (CI does both)."
    )


@pytest.fixture(scope="session")
def postgres_database(worker_id: str) -> str:
    """A PostgreSQL database of this test worker, created afresh for the session.

    From ``$LMI_TEST_POSTGRES_URL`` (a server the tests may use): one database
    per xdist worker, ``<that database>_<worker>``, so parallel workers never
    share tables. Fails in CI and skips elsewhere when there is no server.
    """
    url = os.environ.get(ENV_TEST_POSTGRES_URL, "").strip()
    if not url:
        _no_postgres(f"{ENV_TEST_POSTGRES_URL} is not set")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _no_postgres("the psycopg driver is not installed (pip install -e '.[test]')")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{worker_id}".replace("-", "_")
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - reported as the reason
        _no_postgres(f"cannot reach {base.render_as_string()}: {exc}")
    finally:
        admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _close_cached(url: str) -> None:
    from loaders.workspace import core

    for ws in [w for u, w in list(core._WORKSPACES.items()) if u == url]:
        ws.close()


@pytest.fixture
def postgres_url(postgres_database: str) -> Iterator[str]:
    """An empty PostgreSQL database for this test (schema ``public`` recreated)."""
    from sqlalchemy import create_engine, text

    def empty() -> None:
        _close_cached(postgres_database)
        engine = create_engine(postgres_database, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        finally:
            engine.dispose()

    empty()
    yield postgres_database
    _close_cached(postgres_database)


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def workspace_url(request, tmp_path, monkeypatch) -> str:
    """The URL of an empty workspace, once on SQLite and once on PostgreSQL.

    ``LMI_WORKSPACE_URL`` is set to it, so ``open_workspace()`` and the command
    line open it too. The PostgreSQL variant carries the ``postgres`` marker.
    """
    if request.param == "sqlite":
        folder = tmp_path / "workspace"
        folder.mkdir()
        monkeypatch.setenv("LMI_WORKSPACE_DIR", str(folder))
        url = f"sqlite:///{(folder / 'workspace.sqlite').resolve()}"
    else:
        url = request.getfixturevalue("postgres_url")
    monkeypatch.setenv("LMI_WORKSPACE_URL", url)
    return url
