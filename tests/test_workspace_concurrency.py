"""Two editors at once (issue 16 item 5): a review decision or a scenario change
made on a version someone else already changed is refused with
:class:`~loaders.workspace.EditConflictError` and the current state, never a
silent overwrite. Two sessions = two :class:`~loaders.workspace.Workspace`
objects, each with its own engine and connections (as two app processes), on
SQLite and on PostgreSQL (``postgres``)."""

from __future__ import annotations

import threading

import pytest

from loaders.workspace import EditConflictError, Workspace
from tests.test_workspace import _plan, _save


@pytest.fixture
def two_sessions(workspace_url):
    a, b = Workspace(workspace_url), Workspace(workspace_url)
    yield a, b
    a.close()
    b.close()


def _item(ws, entity="SDUSD"):
    q = ws.review_queue().set_index("entity_name")
    return q.loc[entity]


def test_second_review_decision_on_the_same_item_is_refused(two_sessions):
    alice, bob = two_sessions
    rid = _save(alice)
    seen_a, seen_b = _item(alice), _item(bob)  # both open the undecided item
    assert seen_a["version"] == seen_b["version"] == 0
    rows = list(seen_a["row_indexes"])
    v = alice.set_review_choice(
        rid, rows, geoid="0634320", matched_name="San Diego Unified",
        expected_version=int(seen_a["version"]),
    )  # fmt: skip
    assert v == 1
    with pytest.raises(EditConflictError) as err:
        bob.set_review_choice(
            rid, rows, not_california=True, expected_version=int(seen_b["version"])
        )
    message = str(err.value)
    assert "Someone else changed the decision on 'SDUSD'" in message
    assert "San Diego Unified (pending)" in message and "Nothing was saved" in message
    assert err.value.current["geoid"] == "0634320"
    assert err.value.current["version"] == 1
    # nothing of Bob's was written; his refreshed view shows Alice's choice
    fresh = _item(bob)
    assert fresh["pending_geoid"] == "0634320" and fresh["version"] == 1
    # with the version he now sees, Bob may change it
    assert bob.set_review_choice(
        rid, rows, not_california=True, expected_version=int(fresh["version"])
    ) == 2  # fmt: skip
    assert bool(_item(alice)["pending_not_california"])


def test_decision_on_an_item_confirmed_meanwhile_is_refused(two_sessions):
    alice, bob = two_sessions
    rid = _save(alice)
    seen = _item(bob)
    alice.set_review_choice(rid, list(seen["row_indexes"]), geoid="0634320")
    assert alice.confirm_review() == 1
    with pytest.raises(EditConflictError, match="confirmed") as err:
        bob.set_review_choice(
            rid, list(seen["row_indexes"]), not_california=True,
            expected_version=int(seen["version"]),
        )  # fmt: skip
    assert err.value.current["state"] == "confirmed"
    assert bob.review_choices(rid)["state"].tolist() == ["confirmed"]
    with pytest.raises(EditConflictError):
        bob.clear_review_choice(
            rid, list(seen["row_indexes"]), expected_version=int(seen["version"])
        )


def test_concurrent_review_decisions_one_wins(two_sessions):
    """Both editors press at the same moment: exactly one choice is saved and
    the other editor is told (threads, one session each)."""
    alice, bob = two_sessions
    rid = _save(alice)
    rows = list(_item(alice)["row_indexes"])
    outcome: dict[str, object] = {}
    start = threading.Barrier(2)

    def decide(name, ws, kwargs):
        start.wait()
        try:
            outcome[name] = ws.set_review_choice(
                rid, rows, expected_version=0, **kwargs
            )
        except EditConflictError as exc:
            outcome[name] = exc

    threads = [
        threading.Thread(target=decide, args=("a", alice, {"geoid": "0634320"})),
        threading.Thread(target=decide, args=("b", bob, {"not_california": True})),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wins = [k for k, v in outcome.items() if v == 1]
    lost = [k for k, v in outcome.items() if isinstance(v, EditConflictError)]
    assert len(wins) == 1 and len(lost) == 1, outcome
    saved = alice.review_choices(rid)
    assert saved["version"].tolist() == [1]
    assert bool(saved["not_california"].iloc[0]) == (wins == ["b"])


def test_second_scenario_change_is_refused(two_sessions):
    alice, bob = two_sessions
    sid = alice.save_scenario("North", _plan("p-median", None))
    seen_a, seen_b = alice.scenario(sid), bob.scenario(sid)
    assert seen_a["version"] == seen_b["version"] == 1
    assert alice.update_scenario(
        sid, payload=_plan("capacitated p-median", 40),
        expected_version=seen_a["version"],
    ) == 2  # fmt: skip
    with pytest.raises(EditConflictError) as err:
        bob.update_scenario(sid, name="Bob's", expected_version=seen_b["version"])
    assert "Someone else changed scenario #" in str(err.value)
    assert "version 2 (you opened version 1)" in str(err.value)
    assert err.value.current["model"] == "capacitated p-median"
    assert bob.scenario(sid)["name"] == "North"  # nothing of Bob's written
    with pytest.raises(EditConflictError):
        bob.delete_scenario(sid, expected_version=seen_b["version"])
    bob.delete_scenario(sid, expected_version=2)
    with pytest.raises(EditConflictError, match="deleted") as err:
        alice.update_scenario(sid, name="x", expected_version=2)
    assert err.value.current is None
    assert alice.list_scenarios().empty


def test_scenarios_saved_at_once_are_both_kept(two_sessions):
    alice, bob = two_sessions
    start = threading.Barrier(2)
    ids: list[int] = []

    def save(ws, model):
        start.wait()
        ids.append(ws.save_scenario("North", _plan(model, None)))

    threads = [
        threading.Thread(target=save, args=(alice, "p-median")),
        threading.Thread(target=save, args=(bob, "coverage")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    listing = alice.list_scenarios()
    assert sorted(listing["scenario_id"].tolist()) == sorted(ids)
    assert set(listing["model"]) == {"p-median", "coverage"}


def test_concurrent_scenario_changes_one_wins(two_sessions):
    alice, bob = two_sessions
    sid = alice.save_scenario("North", _plan("p-median", None))
    start = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def change(name, ws):
        start.wait()
        try:
            outcome[name] = ws.update_scenario(sid, name=name, expected_version=1)
        except EditConflictError as exc:
            outcome[name] = exc

    threads = [threading.Thread(target=change, args=(n, w)) for n, w in
               (("alice", alice), ("bob", bob))]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wins = [k for k, v in outcome.items() if v == 2]
    assert len(wins) == 1, outcome
    final = alice.scenario(sid)
    assert final["version"] == 2 and final["name"] == wins[0]
