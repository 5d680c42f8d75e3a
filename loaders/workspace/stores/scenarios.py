"""Saved venue-planning scenarios: every plan kept under its own id.

A scenario is a plan's payload (the ``plan.json`` layout of
:meth:`geodata.siting.VenuePlan.to_dict`, or any JSON object) with a name. The
name is a label, not a key: saving a plan never replaces another, even one with
the same name or the same venues (a capacitated plan after a p-median plan
choosing the same cities). Each scenario also stores its ``model``, its
``options`` (how it was made) and its ``venues``, so
:meth:`ScenarioStore.compare_scenarios` can show what differs between plans
without decoding them.

Concurrent editors: saving always adds a scenario, so two people saving at
once get two scenarios. Changing a saved one (:meth:`ScenarioStore.update_scenario`,
:meth:`ScenarioStore.delete_scenario` with ``expected_version``) is a
compare-and-set on its ``version``: the second of two editors who opened the
same version gets :class:`~loaders.workspace.EditConflictError` with the
scenario as saved now, never a silent overwrite.
"""

from __future__ import annotations

import json
import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import delete, insert, select, update

from loaders.workspace.codec import dumps, now
from loaders.workspace.errors import EditConflictError, WorkspaceError
from loaders.workspace.schema import scenarios

__all__ = [
    "PLAN_OPTION_KEYS",
    "ScenarioStore",
    "plan_summary",
    "scenario_differences",
]

#: Fields of a plan payload that say how it was made; they are its options when
#: the payload has no ``options`` object of its own.
PLAN_OPTION_KEYS: tuple[str, ...] = (
    "p",
    "capacity",
    "radius",
    "radius_units",
    "selection",
    "booked",
    "distance",
)


def plan_summary(
    payload: Mapping[str, Any],
) -> tuple[str | None, dict[str, Any], list[str] | None]:
    """What identifies a plan: its model, its options, its venues.

    Parameters
    ----------
    payload : mapping
        A plan (:meth:`geodata.siting.VenuePlan.to_dict` layout) or any mapping.

    Returns
    -------
    model : str or None
        ``payload["model"]`` (``"p-median"``, ``"capacitated p-median"``,
        ``"coverage"``), None when absent.
    options : dict
        ``payload["options"]`` when it is a mapping, else the
        :data:`PLAN_OPTION_KEYS` the payload has.
    venues : list of str or None
        Names of the chosen venues (``payload["venues"]``: names, or records
        with a ``name``), None when absent.

    Examples
    --------
    >>> plan_summary({"model": "coverage", "p": 2, "radius": 90,
    ...               "venues": [{"name": "Fresno"}, {"name": "Redding"}]})
    ('coverage', {'p': 2, 'radius': 90}, ['Fresno', 'Redding'])
    """
    model = payload.get("model")
    options = payload.get("options")
    if not isinstance(options, Mapping):
        options = {k: payload[k] for k in PLAN_OPTION_KEYS if k in payload}
    venues = payload.get("venues")
    if isinstance(venues, (list, tuple)):
        venues = [
            str(v.get("name")) if isinstance(v, Mapping) else str(v) for v in venues
        ]
    else:
        venues = None
    return (None if model is None else str(model)), dict(options), venues


def _flatten(options: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in options.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            out.update(_flatten(value, f"{name}."))
        else:
            out[name] = value
    return out


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, numbers.Number):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(_shown(v) for v in value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def scenario_differences(
    plans: Mapping[str, tuple[str | None, Mapping[str, Any], Sequence[str] | None]],
    *,
    all_fields: bool = False,
) -> pd.DataFrame:
    """What differs between plans, field by field.

    Parameters
    ----------
    plans : mapping of str to (model, options, venues)
        One :func:`plan_summary` per plan, under the label to show.
    all_fields : bool, default False
        Keep the fields on which every plan agrees too.

    Returns
    -------
    pandas.DataFrame
        Index ``field`` (``model``, ``venues``, then each option; nested
        options dotted, e.g. ``distance.objective``), one string column per
        plan (in the order given); ``""`` where a plan lacks the field. Only
        the fields whose values differ, unless ``all_fields``.

    Examples
    --------
    >>> a = ("p-median", {"p": 2, "capacity": None}, ["Fresno", "Redding"])
    >>> b = ("capacitated p-median", {"p": 2, "capacity": 40}, ["Fresno", "Redding"])
    >>> scenario_differences({"#1": a, "#2": b}).to_dict("index")
    {'model': {'#1': 'p-median', '#2': 'capacitated p-median'}, 'capacity': {'#1': '', '#2': '40'}}
    """  # noqa: E501
    flat: dict[str, dict[str, Any]] = {}
    for label, (model, options, venues) in plans.items():
        flat[label] = {
            "model": model,
            "venues": None if venues is None else list(venues),
            **_flatten(options or {}),
        }
    fields: list[str] = []
    for values in flat.values():
        fields += [f for f in values if f not in fields]
    rows = {}
    for field in fields:
        shown = [_shown(flat[label].get(field)) for label in flat]
        if all_fields or len(set(shown)) > 1:
            rows[field] = shown
    frame = pd.DataFrame.from_dict(
        rows, orient="index", columns=list(flat), dtype="string"
    )
    frame.index.name = "field"
    return frame


class ScenarioStore:
    """Scenarios of a :class:`loaders.workspace.Workspace` (a mixin: needs the
    transactions of :class:`loaders.workspace.db.Database`).

    A scenario is named by its ``scenario_id`` (int). Where a method also takes
    a name (str), the newest scenario of that name is meant.
    """

    def save_scenario(
        self,
        name: str,
        payload: Mapping[str, Any],
        *,
        model: str | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> int:
        """Save a venue-planning scenario as a new one (never replacing another).

        Parameters
        ----------
        name : str
            Label shown in the app; several scenarios may share it.
        payload : mapping
            JSON-serialisable plan (numpy scalars/arrays and timestamps are
            converted), e.g. :meth:`geodata.siting.VenuePlan.to_dict`.
        model : str, optional
            The plan's model; default ``payload["model"]``.
        options : mapping, optional
            How the plan was made (what :meth:`compare_scenarios` compares);
            default from the payload (:func:`plan_summary`).

        Returns
        -------
        int
            The new ``scenario_id``.

        Raises
        ------
        WorkspaceError
            Empty name, or a payload or options that cannot be stored as JSON.
        """
        name = (name or "").strip()
        if not name:
            raise WorkspaceError("Give the scenario a name before saving it.")
        payload = dict(payload)
        found_model, found_options, venues = plan_summary(payload)
        body = dumps(payload, f"scenario '{name}'")
        values = {
            "name": name,
            "model": model if model is not None else found_model,
            "options": dumps(
                dict(options) if options is not None else found_options,
                f"the options of scenario '{name}'",
            ),
            "venues": None if venues is None else dumps(venues, "the venues"),
            "payload": body,
        }
        with self._write() as conn:
            stamp = now()
            result = conn.execute(
                insert(scenarios).values(**values, created_at=stamp, updated_at=stamp)
            )
            return int(result.inserted_primary_key[0])

    def list_scenarios(self) -> pd.DataFrame:
        """Saved scenarios, newest first.

        Returns
        -------
        pandas.DataFrame
            ``scenario_id`` (Int64), ``name``, ``model`` (string), ``venues``
            (string, names joined by ``" + "``), ``n_venues`` (Int64),
            ``created_at``, ``updated_at`` (datetime, UTC), ``version`` (Int64).
        """
        c = scenarios.c
        with self._read() as conn:
            result = conn.execute(
                select(
                    c.scenario_id,
                    c.name,
                    c.model,
                    c.venues,
                    c.created_at,
                    c.updated_at,
                    c.version,
                ).order_by(c.created_at.desc(), c.scenario_id.desc())  # fmt: skip
            )
            frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
        venues = [
            json.loads(v) if isinstance(v, str) else None for v in frame["venues"]
        ]
        frame["scenario_id"] = frame["scenario_id"].astype("Int64")
        frame["name"] = frame["name"].astype("string")
        frame["model"] = frame["model"].astype("string")
        frame["venues"] = pd.array(
            [None if v is None else " + ".join(v) for v in venues], dtype="string"
        )
        frame.insert(
            4,
            "n_venues",
            pd.array([None if v is None else len(v) for v in venues], dtype="Int64"),
        )
        for col in ("created_at", "updated_at"):
            frame[col] = pd.to_datetime(frame[col]).dt.tz_localize("UTC")
        frame["version"] = frame["version"].astype("Int64")
        return frame

    def _scenario_row(self, conn: Any, scenario: int | str) -> Any:
        c = scenarios.c
        if isinstance(scenario, str):
            query = (
                select(scenarios)
                .where(c.name == scenario)
                .order_by(c.created_at.desc(), c.scenario_id.desc())
                .limit(1)
            )
        else:
            query = select(scenarios).where(c.scenario_id == int(scenario))
        return conn.execute(query).first()

    def load_scenario(self, scenario: int | str) -> dict:
        """A saved scenario's payload.

        Parameters
        ----------
        scenario : int or str
            ``scenario_id``, or a name (the newest scenario of that name).

        Raises
        ------
        WorkspaceError
            No such scenario.
        """
        return self.scenario(scenario)["payload"]

    def scenario(self, scenario: int | str) -> dict[str, Any]:
        """A saved scenario with what describes it.

        Parameters
        ----------
        scenario : int or str
            ``scenario_id``, or a name (the newest scenario of that name).

        Returns
        -------
        dict
            ``scenario_id``, ``name``, ``model``, ``options`` (dict), ``venues``
            (list of str or None), ``payload`` (dict), ``created_at``,
            ``updated_at`` (naive UTC datetimes), ``version`` (int, bumped by
            every change).

        Raises
        ------
        WorkspaceError
            No such scenario.
        """
        with self._read() as conn:
            row = self._scenario_row(conn, scenario)
        if row is None:
            what = (
                f"named '{scenario}'"
                if isinstance(scenario, str)
                else f"number {scenario}"
            )
            raise WorkspaceError(f"There is no saved scenario {what}.")
        return {
            "scenario_id": int(row.scenario_id),
            "name": row.name,
            "model": row.model,
            "options": json.loads(row.options) if row.options else {},
            "venues": json.loads(row.venues) if row.venues else None,
            "payload": json.loads(row.payload),
            "created_at": row.created_at,
            "updated_at": row.updated_at,
            "version": int(row.version),
        }

    def compare_scenarios(
        self, chosen: Sequence[int | str], *, all_fields: bool = False
    ) -> pd.DataFrame:
        """What differs between saved scenarios (:func:`scenario_differences`).

        Parameters
        ----------
        chosen : sequence of int or str
            Scenario ids (or names: the newest of each).
        all_fields : bool, default False
            Keep the fields on which all agree too.

        Returns
        -------
        pandas.DataFrame
            Index ``field``; one string column per scenario, labelled
            ``"#<id> <name>"``.

        Raises
        ------
        WorkspaceError
            A scenario does not exist.
        """
        plans = {}
        for key in chosen:
            s = self.scenario(key)
            plans[f"#{s['scenario_id']} {s['name']}"] = (
                s["model"],
                s["options"],
                s["venues"],
            )
        return scenario_differences(plans, all_fields=all_fields)

    def update_scenario(
        self,
        scenario_id: int,
        *,
        expected_version: int,
        payload: Mapping[str, Any] | None = None,
        name: str | None = None,
    ) -> int:
        """Change a saved scenario (its plan, its name) if nobody else did first.

        Parameters
        ----------
        scenario_id : int
            The scenario.
        expected_version : int
            Its ``version`` as the editor read it (:meth:`scenario`,
            :meth:`list_scenarios`).
        payload : mapping, optional
            The new plan (model, options and venues are taken from it).
        name : str, optional
            The new label.

        Returns
        -------
        int
            The new ``version`` (``expected_version + 1``).

        Raises
        ------
        EditConflictError
            The scenario changed (or was deleted) since that version;
            ``.current`` is :meth:`scenario`'s dict, None when deleted.
            Nothing was written.
        WorkspaceError
            An empty name, or a payload that cannot be stored as JSON.
        """
        values: dict[str, Any] = {}
        if name is not None:
            name = name.strip()
            if not name:
                raise WorkspaceError("Give the scenario a name before saving it.")
            values["name"] = name
        if payload is not None:
            payload = dict(payload)
            model, options, venues = plan_summary(payload)
            label = f"scenario #{scenario_id}"
            values.update(
                payload=dumps(payload, label),
                model=model,
                options=dumps(options, f"the options of {label}"),
                venues=None if venues is None else dumps(venues, "the venues"),
            )
        c = scenarios.c
        with self._write() as conn:
            # compare-and-set: PostgreSQL re-checks the WHERE after a concurrent
            # commit of the same row, SQLite runs one writer at a time
            result = conn.execute(
                update(scenarios)
                .where(c.scenario_id == int(scenario_id))
                .where(c.version == int(expected_version))
                .values(**values, updated_at=now(), version=c.version + 1)
            )
            if result.rowcount == 1:
                return int(expected_version) + 1
        self._scenario_conflict(scenario_id, expected_version)
        raise AssertionError("unreachable")  # pragma: no cover

    def _scenario_conflict(self, scenario_id: int, expected_version: int) -> None:
        try:
            current: dict[str, Any] | None = self.scenario(int(scenario_id))
        except WorkspaceError:
            current = None
        if current is None:
            now_is = "it was deleted"
        else:
            now_is = (
                f"it is at version {current['version']} (you opened version "
                f"{expected_version}), named '{current['name']}'"
            )
        raise EditConflictError(
            f"Someone else changed scenario #{scenario_id} since you opened it: "
            f"{now_is}. Nothing was saved; open it again, or save your plan as a "
            "new scenario.",
            current,
        )

    def delete_scenario(
        self, scenario: int | str, *, expected_version: int | None = None
    ) -> None:
        """Delete one scenario (no error if it is already gone).

        Parameters
        ----------
        scenario : int or str
            ``scenario_id``, or a name (the newest scenario of that name).
        expected_version : int, optional
            Delete only the version the editor saw.

        Raises
        ------
        EditConflictError
            ``expected_version`` given and the scenario changed meanwhile.
        """
        with self._write() as conn:
            row = self._scenario_row(conn, scenario)
            if row is None:
                return
            cond = scenarios.c.scenario_id == row.scenario_id
            if expected_version is not None:
                cond = cond & (scenarios.c.version == int(expected_version))
            if conn.execute(delete(scenarios).where(cond)).rowcount == 1:
                return
        self._scenario_conflict(int(row.scenario_id), int(expected_version or 0))
