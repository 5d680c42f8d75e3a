"""The tables of the network over time, as exported: changes, trends, outreach.

:func:`time_tables` is what :func:`loaders.exports.participation_tables` adds
to the participation tables, so the CSV/XLSX exports, the command line and the
pages show the same numbers. They are built only when asked for
(:class:`LazyTables`): a CSV of the district table does not pay for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, MutableMapping

import pandas as pd

from loaders.participation.changes import CHANGE_COLUMNS, changes
from loaders.participation.outreach import outreach
from loaders.participation.trends import event_order, trends

__all__ = ["LazyTables", "time_tables"]


class LazyTables(MutableMapping):
    """Tables by name, each built the first time it is read, then kept.

    A ``dict`` of ``str`` to :class:`pandas.DataFrame` to its readers
    (``tables["trends"]``, ``.items()``, ``in``, ``len``), keys in the order
    they were added; :meth:`later` adds a table by the function that builds
    it. ``.items()`` and ``.values()`` build every table.

    Parameters
    ----------
    tables : mapping of str to DataFrame, optional
        Tables already built.
    """

    def __init__(self, tables: Mapping[str, pd.DataFrame] | None = None) -> None:
        self._order: dict[str, None] = {}
        self._ready: dict[str, pd.DataFrame] = {}
        self._build: dict[str, Callable[[], pd.DataFrame]] = {}
        for key, value in (tables or {}).items():
            self[key] = value

    def later(self, key: str, build: Callable[[], pd.DataFrame]) -> None:
        """Add table ``key``, built by ``build()`` when first read."""
        self._ready.pop(key, None)
        self._build[key] = build
        self._order[key] = None

    def built(self, key: str) -> bool:
        """Whether table ``key`` is built (False for a pending or unknown key)."""
        return key in self._ready

    def __getitem__(self, key: str) -> pd.DataFrame:
        if key not in self._ready:
            if key not in self._build:
                raise KeyError(key)
            self._ready[key] = self._build.pop(key)()
        return self._ready[key]

    def __setitem__(self, key: str, value: pd.DataFrame) -> None:
        self._build.pop(key, None)
        self._ready[key] = value
        self._order[key] = None

    def __delitem__(self, key: str) -> None:
        if key not in self._order:
            raise KeyError(key)
        del self._order[key]
        self._ready.pop(key, None)
        self._build.pop(key, None)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._order))

    def __len__(self) -> int:
        return len(self._order)

    def __repr__(self) -> str:
        state = {k: ("built" if k in self._ready else "pending") for k in self._order}
        return f"LazyTables({state})"


def time_tables(
    teams: pd.DataFrame,
    reference: pd.DataFrame,
    events: pd.DataFrame,
    event_ids: list[str] | None = None,
    since: str | None = None,
    *,
    regions: list[int] | None = None,
    counties: list[str] | None = None,
    district_types: list[str] | None = None,
) -> LazyTables:
    """The tables of the network over time: changes, trends and outreach.

    Parameters
    ----------
    teams, reference, events : pandas.DataFrame
        As for :func:`participation_tables`.
    event_ids : list of str, optional
        The first is event B of the changes table (default: the latest dated
        event with roster rows); all of them are the events the outreach list
        considers (default: every event with roster rows).
    since : str, optional
        Event A of the changes table (default
        :func:`loaders.participation.comparison_event`).
    regions, counties, district_types : list, optional
        The districts/COEs listed; trends keep the statewide rows and the
        rows of the selected regions (counties do not narrow them).

    Returns
    -------
    LazyTables
        Each table built when first read: ``"changes"``
        (:func:`loaders.participation.changes`), ``"trends"``
        (:func:`loaders.participation.trends`, statewide then by region) and
        ``"outreach"`` (:func:`loaders.participation.outreach`). No personal
        data. Empty ``"changes"`` when the roster has no dated event.
    """
    present = set(teams["event_id"])
    dated = [e for e in event_order(events)[0] if e in present]
    event_b = event_ids[0] if event_ids else (dated[-1] if dated else None)

    def changed() -> pd.DataFrame:
        if event_b is None:
            return pd.DataFrame(columns=CHANGE_COLUMNS)
        return changes(
            teams,
            reference,
            events,
            event_b,
            since,
            regions=regions,
            counties=counties,
        )

    def over_time() -> pd.DataFrame:
        table = trends(
            teams, reference, events, level="both", district_types=district_types
        )
        if regions:
            keep = table["ccsesa_region"].isna() | table["ccsesa_region"].isin(
                [int(r) for r in regions]
            )
            table = table.loc[keep].reset_index(drop=True)
        return table

    def to_reach() -> pd.DataFrame:
        return outreach(
            teams,
            reference,
            events,
            event_ids=event_ids,
            regions=regions,
            counties=counties,
            district_types=district_types,
        )

    out = LazyTables()
    out.later("changes", changed)
    out.later("trends", over_time)
    out.later("outreach", to_reach)
    return out
