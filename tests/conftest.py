"""Shared fixtures: the real public data (``LMI_GEODATA_DIR``), a private cache."""

from __future__ import annotations

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
def workspace_dir(tmp_path, monkeypatch):
    """An empty workspace folder for this test only."""
    folder = tmp_path / "workspace"
    folder.mkdir()
    monkeypatch.setenv("LMI_WORKSPACE_DIR", str(folder))
    monkeypatch.delenv("LMI_WORKSPACE_URL", raising=False)
    return folder
