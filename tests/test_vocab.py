"""One definition per vocabulary and shared helper, used everywhere.

Each test names a vocabulary (entity types, roles, statuses, text folding,
county names, entity labels, atomic writes, JSON coercion) and checks that every
module offering it hands out the one object, and that the one object behaves.
"""

from __future__ import annotations

import json
import multiprocessing
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geodata import boundaries, gazetteer, leafletassets, maprequest, mapview
from loaders import counties, entities, exports, fileio, normalize, participation, vocab
from loaders import text as text_mod
from loaders.workspace import codec


# ------------------------------------------------------------- entity types
def test_entity_types_are_one_object():
    assert maprequest.ALL_TYPES is entities.ENTITY_TYPES
    assert boundaries.ENTITY_TYPES is entities.ENTITY_TYPES
    assert boundaries.DISTRICT_TYPES is entities.CENSUS_LAYERS
    assert mapview.TYPE_LABELS is entities.TYPE_LABELS
    assert boundaries.entity_labels is entities.entity_labels


def test_every_label_table_names_every_type():
    for table in (
        entities.TYPE_LABELS,
        entities.TYPE_PLURALS,
        entities.TYPE_CHOICES,
        entities.TYPE_WORDS,
    ):
        assert tuple(table) == entities.ENTITY_TYPES
    assert set(entities.CDE_TYPES.values()) == set(entities.DISTRICT_TYPES)
    assert set(entities.CENSUS_LAYERS.values()) == set(entities.DISTRICT_TYPES)


def test_cli_type_choices_are_the_entity_types():
    from dashboard import clioptions as cli

    assert tuple(t.value for t in cli.DistrictType) == entities.ENTITY_TYPES


def test_reference_uses_only_the_entity_types():
    reference = boundaries.entity_reference()
    assert set(reference["district_type"]) == set(entities.ENTITY_TYPES)
    labels = entities.entity_labels(reference)
    assert len(set(labels.values())) == len(reference)


# ------------------------------------------------------- roles and statuses
def test_role_and_status_labels_live_beside_the_vocabulary():
    assert participation.ROLE_LABELS is vocab.ROLE_LABELS
    assert participation.STATUS_LABELS is vocab.STATUS_LABELS
    assert tuple(vocab.ROLE_LABELS) == vocab.ROLES
    assert tuple(vocab.STATUS_LABELS) == vocab.STATUSES


# ------------------------------------------------------------------ folding
def test_one_text_folding():
    assert vocab.fold is text_mod.fold_text
    assert normalize.fold_text is text_mod.fold_text
    assert vocab.fold(float("nan")) == ""  # was "nan" before the folds were one
    assert vocab.fold("Sup‘t & Board") == "supt and board"


def test_gazetteer_key_folds_like_everything_else():
    assert gazetteer._key("St. Helena, CA") == "saint helena"
    assert gazetteer._key("La Cañada Flintridge") == "la canada flintridge"
    assert gazetteer._key("Laguna Seca") == "laguna seca"  # "ca" inside a word stays


# ------------------------------------------------------------------ counties
def test_one_county_rule_for_matcher_and_roster():
    assert normalize.normalize_county is counties.county_key
    assert normalize.COUNTY_ABBREVIATIONS is counties.COUNTY_ABBREVIATIONS
    assert counties.normalize_county("SLO") == "San Luis Obispo"
    assert counties.county_key("County of Los Angeles") == "los angeles"


# -------------------------------------------------------------------- files
def test_exports_reexport_the_atomic_writers():
    assert exports.atomic_output is fileio.atomic_output
    assert exports.atomic_write_bytes is fileio.atomic_write_bytes


def _install(folder: str) -> bool:
    target = leafletassets.install_static_assets(Path(folder))
    return (target / "leaflet.js").is_file() and (target / "images").is_dir()


def test_static_assets_installed_by_two_processes_at_once(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        assert pool.map(_install, [str(tmp_path)] * 2) == [True, True]
    folder = next(tmp_path.rglob("leaflet.js")).parent
    assert sorted(p.name for p in folder.parent.iterdir()) == [folder.name]


def test_atomic_directory_leaves_nothing_when_the_block_fails(tmp_path):
    with pytest.raises(RuntimeError):
        with fileio.atomic_directory(tmp_path / "assets") as tmp:
            (tmp / "half.js").write_text("half")
            raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------- JSON
def test_one_json_coercion():
    value = {"n": np.int64(3), "v": np.array([1.5]), "d": date(2015, 5, 8)}
    value["na"] = pd.NA
    expected = '{"n": 3, "v": [1.5], "d": "2015-05-08", "na": null}'
    assert json.dumps(value, default=fileio.json_default) == expected
    assert codec.dumps(value, "a test") == expected


# ------------------------------------------------ saved workspace, else demo
def test_empty_workspace_gives_the_matched_demo_roster(workspace_dir):
    from dashboard import roster_source
    from loaders.workspace import open_workspace

    reference = boundaries.entity_reference()
    rows, source = roster_source.roster_rows(reference, open_workspace())
    assert source == roster_source.DEMO_SOURCE
    assert rows["source_row"].iloc[0] == 2
    assert (rows["match_status"] == "matched").mean() > 0.9
    saved = roster_source.saved_or_demo(lambda: rows.head(3), lambda: None)
    assert saved[1] == roster_source.SAVED_SOURCE and len(saved[0]) == 3
