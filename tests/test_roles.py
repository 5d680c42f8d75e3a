"""Roles (viewer / editor / admin) enforced in the workspace calls, and the
audit trail every change leaves (loaders.workspace.access / .audit)."""

from __future__ import annotations

import inspect
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy.exc import DBAPIError

from loaders import workspace as W
from loaders.workspace import (
    PERMISSIONS,
    PermissionDenied,
    Principal,
    Role,
    RoleRules,
    open_workspace,
)
from loaders.workspace.core import Workspace
from tests.test_workspace import _save

ROOT = Path(__file__).resolve().parent.parent
VIEWER = Principal("vera@district.example.org", Role.VIEWER)
EDITOR = Principal("eddie@lmi.example.org", Role.EDITOR)
ADMIN = Principal("ada@lmi.example.org", Role.ADMIN)


@pytest.fixture
def ws(workspace_url):
    """An empty workspace on SQLite and on PostgreSQL (tests/conftest.py: in CI a
    missing PostgreSQL fails, elsewhere it skips)."""
    w = open_workspace(workspace_url)
    yield w
    w.close()


@pytest.fixture(autouse=True)
def _local_operator():
    yield
    W.set_unbound_principal()  # a test that refuses unbound calls puts it back


# ------------------------------------------------------------------ role rules
def test_role_rules_from_secrets_section():
    rules = RoleRules.from_mapping(
        {
            "admins": ["Ada@LMI.example.org"],
            "editors": ["ben@coe.example.org"],
            "editor_domains": ["lmi.example.org"],
            "viewer_domains": ["district.example.org"],
            "default": "none",
        }
    )
    assert rules.role_for("ada@lmi.example.org") is Role.ADMIN  # highest wins
    assert rules.role_for("eddie@lmi.example.org") is Role.EDITOR
    assert rules.role_for("BEN@coe.example.org") is Role.EDITOR
    assert rules.role_for("vera@district.example.org") is Role.VIEWER
    assert rules.role_for("x@sub.district.example.org") is None  # exact domain
    assert rules.role_for("mallory@gmail.com") is None
    assert rules.role_for(None) is None
    # an unverified address does not borrow a listed one's role
    assert rules.role_for("ada@lmi.example.org", verified=False) is None


def test_role_rules_default_is_viewer_and_bad_sections_are_refused():
    assert RoleRules.from_mapping(None).role_for("a@b.org") is Role.VIEWER
    for bad in (
        {"admin": ["a@b.org"]},  # typo of admins
        {"admins": "a@b.org"},  # not a list
        {"admins": ["lmi.example.org"]},  # a domain among addresses
        {"default": "owner"},
    ):
        with pytest.raises(ValueError, match=r"\[lmi.roles\]|role"):
            RoleRules.from_mapping(bad)


# ------------------------------------------------------------------ enforcement
def _writing_methods() -> set[str]:
    """Public methods of Workspace that open a write transaction (directly or
    through a private helper)."""
    members = {n: f for n, f in inspect.getmembers(Workspace, inspect.isfunction)}
    sources = {n: inspect.getsource(inspect.unwrap(f)) for n, f in members.items()}
    writers = {n for n, src in sources.items() if "self._write(" in src}
    private = {n for n in writers if n.startswith("_")}
    for n, src in sources.items():
        if any(f"self.{p}(" in src for p in private):
            writers.add(n)
    return {n for n in writers if not n.startswith("_")}


def test_every_changing_method_has_a_rule():
    assert _writing_methods() == set(PERMISSIONS)


@pytest.mark.parametrize("name", sorted(PERMISSIONS))
def test_a_viewer_is_refused_every_change(ws, name):
    with pytest.raises(PermissionDenied, match="viewer role"):
        getattr(ws.as_user(VIEWER), name)()


@pytest.mark.parametrize(
    "name", sorted(n for n, r in PERMISSIONS.items() if r.role is Role.ADMIN)
)
def test_an_editor_is_refused_admin_changes(ws, name):
    with pytest.raises(PermissionDenied, match="needs the admin role"):
        getattr(ws.as_user(EDITOR), name)()


def test_roles_in_practice(ws):
    editor, admin = ws.as_user(EDITOR), ws.as_user(ADMIN)
    rid = _save(editor)
    editor.save_alias("Foo Valley", county="Fresno", geoid="0613620")
    with pytest.raises(PermissionDenied):
        editor.delete_roster(rid)
    with pytest.raises(PermissionDenied):
        editor.set_setting(W.SETTING_SHOW_CONTACTS, True)
    assert ws.get_setting(W.SETTING_SHOW_CONTACTS, False) is False
    admin.delete_roster(rid)
    assert admin.purge_deleted() == 1
    assert ws.list_rosters(deleted=True).empty
    assert editor.can("save_roster") and not editor.can("purge_deleted")
    assert ws.as_user(VIEWER).list_rosters().empty  # reading is open


def test_unbound_calls_act_as_the_local_operator_or_are_refused(ws):
    ws.set_setting("k", 1)  # no sign-in: the local operator, an admin
    assert ws.audit_trail()["actor"].iloc[0].startswith("local:")
    W.set_unbound_principal(None)  # what the app does when sign-in is on
    with pytest.raises(PermissionDenied, match="Nobody is signed in"):
        ws.set_setting("k", 2)
    assert ws.as_user(ADMIN).get_setting("k") == 1


# ------------------------------------------------------------------ audit trail
def test_every_change_is_recorded_with_who_when_and_what(ws):
    editor, admin = ws.as_user(EDITOR), ws.as_user(ADMIN)
    rid = _save(editor, name="Spring convening")
    editor.set_review_choice(rid, [2], geoid="0601770")
    editor.save_alias("Foo Valley", county="Fresno", geoid="0613620")
    editor.add_event(
        {"event_id": "CALMI-2027-SI", "event_name": "2027 Summer Institute",
         "event_type": "summer_institute", "start_date": "2027-06-22"}
    )  # fmt: skip
    admin.delete_roster(rid)
    admin.restore_roster(rid)
    admin.set_setting(W.SETTING_SHOW_CONTACTS, True)
    with pytest.raises(PermissionDenied):  # refused: not recorded
        editor.purge_deleted()
    trail = admin.audit_trail()
    assert list(trail.columns) == list(W.AUDIT_COLUMNS)
    assert list(trail["action"][::-1]) == [
        "roster.upload",
        "review.decide",
        "alias.add",
        "event.add",
        "roster.remove",
        "roster.restore",
        "setting.change",
    ]
    assert list(trail["actor"][::-1][:4]) == [EDITOR.name] * 4
    assert set(trail["role"][:3]) == {"admin"}
    assert '"name": "Spring convening"' in trail["target"].iloc[-1]
    assert f'"roster_id": {rid}' in trail["target"].iloc[2]
    assert trail["at"].notna().all()
    # nothing of the roster's contact details or file contents
    assert not trail["target"].str.contains("ada@example.org|Placeholder").any()


def test_a_failed_change_records_nothing(ws):
    admin = ws.as_user(ADMIN)
    with pytest.raises(W.WorkspaceError):
        admin.delete_roster(999)  # no such roster: the transaction rolls back
    assert admin.audit_count() == 0


def test_only_admins_read_the_trail(ws):
    for who in (VIEWER, EDITOR):
        with pytest.raises(PermissionDenied):
            ws.as_user(who).audit_trail()
        with pytest.raises(PermissionDenied):
            ws.as_user(who).export_audit_csv()


def test_the_trail_survives_a_restart_and_exports_formula_safe(ws):
    ws.as_user(EDITOR).save_scenario("=HYPERLINK(1)", {"model": "p-median"})
    ws.close()
    again = open_workspace(ws.url)
    try:
        data = again.as_user(ADMIN).export_audit_csv()
        frame = pd.read_csv(io.BytesIO(data), dtype=str)
        assert list(frame.columns) == list(W.AUDIT_COLUMNS)
        assert frame["action"].tolist() == ["scenario.save"]
        assert not frame["target"].str.match(r"^[=+\-@]").any()
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", frame["at"][0])
    finally:
        again.close()


def test_the_trail_cannot_be_edited(ws):
    ws.as_user(ADMIN).set_setting("k", 1)
    # no API: nothing on the workspace updates or deletes an entry
    names = [n for n in dir(Workspace) if "audit" in n and not n.startswith("_")]
    assert sorted(names) == ["audit_count", "audit_trail", "export_audit_csv"]
    code = "\n".join(
        p.read_text() for p in (ROOT / "loaders").rglob("*.py")
        if "migrations" not in p.parts
    )  # fmt: skip
    assert not re.search(r"(update|delete)\(\s*audit_log", code)
    # and the database itself refuses it (triggers of revision 0006)
    sqls = ["UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"]
    if not ws._sqlite:
        sqls.append("TRUNCATE audit_log")
    for sql in sqls:
        with ws._engine.connect() as conn, pytest.raises(DBAPIError, match="audit"):
            conn.exec_driver_sql(sql)
    assert ws.as_user(ADMIN).audit_count() == 1
