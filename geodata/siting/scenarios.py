"""Plans side by side: each under its own key, labelled, and what differs.

A *comparison* is a plain dict (so an app can keep it in its session state):
key (str) → entry ``{"label": str, "payload": dict, "scenario_id": int | None}``,
where ``payload`` is a solved plan's :meth:`~geodata.siting.plan.VenuePlan.to_dict`
and ``scenario_id`` the workspace scenario it was loaded from (None for a plan
not saved). Keys are never reused: adding a plan never replaces another, even
one with the same venues (a capacitated plan after a p-median plan choosing the
same cities) or the same label. A saved scenario is keyed by its id
(``"saved-<id>"``), any other plan by a fresh number (``"plan-<n>"``); adding a
plan already there (same model, options, who is served, venues and objective)
adds nothing.

What differs between plans is :func:`loaders.workspace.scenario_differences`
over :func:`scenario_summary`, which is also what a saved scenario stores as its
options (:func:`scenario_options`), so the workspace's
``compare_scenarios`` and this module read the same fields.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pandas as pd

from geodata.siting.compare import compare_plans
from geodata.siting.plan import VenuePlan
from loaders.workspace import plan_summary, scenario_differences

__all__ = [
    "add_to_comparison",
    "comparison_differences",
    "comparison_labels",
    "comparison_table",
    "plan_label",
    "remove_from_comparison",
    "saved_label",
    "scenario_options",
    "scenario_summary",
]

#: Plan options left out of a comparison: ``label`` and ``time_limit`` name or
#: bound a run rather than shape the plan; ``model`` is said by the summary's
#: model (``"capacitated p-median"``), which the option would otherwise hide in
#: :func:`loaders.workspace.scenario_differences` (same field name).
_NOT_COMPARED = ("label", "time_limit", "model")


def scenario_summary(
    payload: Mapping[str, Any],
) -> tuple[str | None, dict[str, Any], list[str] | None]:
    """What identifies a saved plan: model, options (who is served included), venues.

    Parameters
    ----------
    payload : mapping
        :meth:`VenuePlan.to_dict` output (or an older ``plan.json``).

    Returns
    -------
    model : str or None
        ``"p-median"``, ``"capacitated p-median"`` or ``"coverage"``.
    options : dict
        The plan's options (:func:`loaders.workspace.plan_summary`) without
        ``label``, ``time_limit`` and ``model``, plus ``selection`` (who is served, the
        candidate venues, the roster) when the payload has one.
    venues : list of str or None
        The chosen venues' names.

    Examples
    --------
    >>> model, options, venues = scenario_summary(
    ...     {"model": "coverage", "options": {"p": 1, "model": "coverage", "radius": 60},
    ...      "selection": {"serve": "all-network"}, "venues": [{"name": "Fresno"}]})
    >>> model, options, venues
    ('coverage', {'p': 1, 'radius': 60, 'selection': {'serve': 'all-network'}}, ['Fresno'])
    """  # noqa: E501
    model, options, venues = plan_summary(payload)
    options = {k: v for k, v in options.items() if k not in _NOT_COMPARED}
    selection = payload.get("selection")
    if isinstance(selection, Mapping) and selection:
        options["selection"] = dict(selection)
    return model, options, venues


def scenario_options(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The ``options`` a plan is saved with (``Workspace.save_scenario(...,
    options=scenario_options(payload))``): the options of :func:`scenario_summary`.
    """
    return scenario_summary(payload)[1]


def _fingerprint(payload: Mapping[str, Any]) -> str:
    model, options, venues = scenario_summary(payload)
    return json.dumps(
        [model, options, venues, payload.get("objective")],
        sort_keys=True,
        default=str,
    )


def add_to_comparison(
    compared: Mapping[str, Mapping[str, Any]],
    payload: Mapping[str, Any],
    label: str,
    *,
    scenario_id: int | None = None,
) -> tuple[dict[str, dict[str, Any]], str, bool]:
    """A comparison with one more plan (the given one is left unchanged).

    Parameters
    ----------
    compared : mapping
        The comparison so far (key → entry; see the module docstring).
    payload : mapping
        The plan (:meth:`VenuePlan.to_dict`).
    label : str
        How the plan is shown (repeated labels are told apart by
        :func:`comparison_labels`).
    scenario_id : int, optional
        The saved scenario the plan comes from.

    Returns
    -------
    compared : dict
        A new comparison: the old entries, in order, then the plan (unless it
        was there already).
    key : str
        The plan's key (``"saved-<id>"`` or ``"plan-<n>"``; the existing key
        when it was there already).
    added : bool
        False when the same plan was already compared.

    Examples
    --------
    >>> a = {"model": "p-median", "options": {"p": 1}, "venues": ["Fresno"]}
    >>> b = {"model": "capacitated p-median", "options": {"p": 1, "capacity": 9},
    ...      "venues": ["Fresno"]}
    >>> c, key, added = add_to_comparison({}, a, "Fresno")
    >>> c, key, added = add_to_comparison(c, b, "Fresno")
    >>> list(c), key, added
    (['plan-1', 'plan-2'], 'plan-2', True)
    >>> add_to_comparison(c, a, "again")[1:]
    ('plan-1', False)
    """
    out = {k: dict(v) for k, v in compared.items()}
    if scenario_id is not None and f"saved-{int(scenario_id)}" in out:
        return out, f"saved-{int(scenario_id)}", False
    mark = _fingerprint(payload)
    for key, entry in out.items():
        if _fingerprint(entry["payload"]) == mark:
            return out, key, False
    if scenario_id is not None:
        key = f"saved-{int(scenario_id)}"
    else:
        n = len(out) + 1
        while f"plan-{n}" in out:
            n += 1
        key = f"plan-{n}"
    out[key] = {
        "label": str(label),
        "payload": dict(payload),
        "scenario_id": None if scenario_id is None else int(scenario_id),
    }
    return out, key, True


def remove_from_comparison(
    compared: Mapping[str, Mapping[str, Any]], key: str
) -> dict[str, dict[str, Any]]:
    """The comparison without ``key`` (unchanged when it is not there)."""
    return {k: dict(v) for k, v in compared.items() if k != key}


def comparison_labels(compared: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """Key → the label shown, unique: a repeated label gets ``" (2)"``, ``" (3)"``…

    Examples
    --------
    >>> comparison_labels({"plan-1": {"label": "best 2"},
    ...                    "plan-2": {"label": "best 2"}})
    {'plan-1': 'best 2', 'plan-2': 'best 2 (2)'}
    """
    seen: dict[str, int] = {}
    out: dict[str, str] = {}
    taken = set()
    for key, entry in compared.items():
        base = str(entry["label"]) or key
        seen[base] = seen.get(base, 0) + 1
        label = base if seen[base] == 1 else f"{base} ({seen[base]})"
        while label in taken:
            seen[base] += 1
            label = f"{base} ({seen[base]})"
        taken.add(label)
        out[key] = label
    return out


def comparison_table(compared: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """Headline figures of the compared plans, one row each, in order.

    Returns
    -------
    pandas.DataFrame
        :func:`geodata.siting.compare.compare_plans` columns (``scenario`` is
        the :func:`comparison_labels` label), plus ``key`` and
        ``scenario_id`` (Int64; ``<NA>`` for a plan not saved).

    Raises
    ------
    ValueError
        A payload that cannot be rebuilt as a plan (see
        :meth:`VenuePlan.from_dict`).
    """
    labels = comparison_labels(compared)
    plans = {
        labels[k]: VenuePlan.from_dict(dict(e["payload"])) for k, e in compared.items()
    }
    table = compare_plans(plans)
    if table.empty:
        return table
    table["key"] = list(compared)
    table["scenario_id"] = pd.array(
        [e.get("scenario_id") for e in compared.values()], dtype="Int64"
    )
    return table


def comparison_differences(
    compared: Mapping[str, Mapping[str, Any]], *, all_fields: bool = False
) -> pd.DataFrame:
    """What differs between the compared plans, field by field.

    Returns
    -------
    pandas.DataFrame
        :func:`loaders.workspace.scenario_differences` of each plan's
        :func:`scenario_summary`: index ``field`` (``model``, ``venues``, then
        each option, nested ones dotted, e.g. ``selection.event_ids``), one
        string column per plan under its :func:`comparison_labels` label. Only
        the fields that differ unless ``all_fields``; no rows when fewer than
        two plans are compared or they agree everywhere.
    """
    labels = comparison_labels(compared)
    return scenario_differences(
        {labels[k]: scenario_summary(e["payload"]) for k, e in compared.items()},
        all_fields=all_fields,
    )


def plan_label(payload: Mapping[str, Any]) -> str:
    """How an unsaved plan is labelled: its model, its bound and its venues.

    Examples
    --------
    >>> plan_label({"model": "capacitated p-median", "capacity": 40,
    ...             "venues": [{"name": "Fresno"}, {"name": "Ukiah"}]})
    'capacitated p-median (≤ 40 teams per venue): Fresno + Ukiah'
    >>> plan_label({"model": "coverage", "radius": 60.0, "radius_units": "minutes",
    ...             "venues": ["Fresno"]})
    'coverage (within 60 minutes): Fresno'
    """
    model, _, venues = plan_summary(payload)
    model = model or "plan"
    if payload.get("capacity"):
        model += f" (≤ {payload['capacity']} teams per venue)"
    elif payload.get("radius"):
        model += f" (within {payload['radius']:g} {payload.get('radius_units') or ''}"
        model = model.rstrip() + ")"
    return f"{model}: {' + '.join(venues or [])}"


def saved_label(row: Mapping[str, Any]) -> str:
    """How a saved scenario is labelled: names may repeat, ids and dates do not.

    Parameters
    ----------
    row : mapping
        A row of ``Workspace.list_scenarios()`` (``scenario_id``, ``name``,
        ``model``, ``n_venues``, ``created_at``) or ``Workspace.scenario()``.

    Examples
    --------
    >>> saved_label({"scenario_id": 7, "name": "north", "model": "p-median",
    ...              "n_venues": 3, "created_at": pd.Timestamp("2025-03-01 09:30")})
    'north: p-median, 3 venues, saved 2025-03-01 09:30 (#7)'
    """
    parts = [str(row.get("model") or "")]
    n_venues = row.get("n_venues")
    if n_venues is None and isinstance(row.get("venues"), list):
        n_venues = len(row["venues"])
    if n_venues is not None and not pd.isna(n_venues):
        parts.append(f"{int(n_venues)} venue{'s' if int(n_venues) != 1 else ''}")
    created = row.get("created_at")
    if created is not None and not pd.isna(created):
        stamp = pd.Timestamp(created)
        zone = "" if stamp.tzinfo is None else " UTC"
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert("UTC")
        parts.append(f"saved {stamp:%Y-%m-%d %H:%M}{zone}")
    details = ", ".join(p for p in parts if p)
    return f"{row.get('name')}: {details} (#{int(row['scenario_id'])})"
