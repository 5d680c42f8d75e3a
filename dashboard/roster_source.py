"""Which matched roster the pages and commands work on: saved, else the demo.

The one rule, used by the pages (:func:`dashboard.state.current_roster`, which
caches both sides) and by the command line (``--roster`` not given): every
roster saved in the workspace when there is any, else the built-in demo roster
(placeholder people at real districts), matched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pandas as pd

from loaders.demo import demo_roster
from loaders.matching import match_roster
from loaders.workspace import Workspace, open_workspace

__all__ = [
    "DEMO_SOURCE",
    "SAVED_SOURCE",
    "demo_rows",
    "roster_rows",
    "saved_or_demo",
    "saved_rows",
]

#: Where the rows come from when nothing is saved (the plan JSON says so).
DEMO_SOURCE = "built-in demo roster (placeholder people)"
#: Where the rows come from when the workspace holds rosters.
SAVED_SOURCE = "saved workspace"

T = TypeVar("T")


def saved_rows(workspace: Workspace) -> pd.DataFrame | None:
    """Every roster saved in ``workspace``, matched; None when none is saved.

    Returns
    -------
    pandas.DataFrame or None
        :meth:`loaders.workspace.Workspace.all_rows` (one row per person per
        event, :data:`loaders.matching.MATCH_COLUMNS`), or None when empty.
    """
    rows = workspace.all_rows()
    return None if rows is None or rows.empty else rows


def demo_rows(reference: pd.DataFrame) -> pd.DataFrame:
    """The built-in demo roster, matched against ``reference``.

    Parameters
    ----------
    reference : pandas.DataFrame
        :func:`geodata.boundaries.entity_reference`.

    Returns
    -------
    pandas.DataFrame
        Matched rows (:data:`loaders.matching.MATCH_COLUMNS`), ``source_row``
        numbered from 2 as in a file with a header row.
    """
    rows = demo_roster(reference)
    if "source_row" not in rows.columns:
        rows = rows.assign(source_row=range(2, len(rows) + 2))
    return match_roster(rows, reference)


def saved_or_demo(
    saved: Callable[[], T | None], demo: Callable[[], T]
) -> tuple[T, str]:
    """``saved()`` when it gives something, else ``demo()``; and which one.

    The rule itself, for callers that cache either side (the pages).

    Returns
    -------
    (value, str)
        The value and :data:`SAVED_SOURCE` or :data:`DEMO_SOURCE`.
    """
    value = saved()
    if value is not None:
        return value, SAVED_SOURCE
    return demo(), DEMO_SOURCE


def roster_rows(
    reference: pd.DataFrame, workspace: Workspace | None = None
) -> tuple[pd.DataFrame, str]:
    """The saved rosters of ``workspace`` (default: the configured one), else
    the demo roster; and which one (:data:`SAVED_SOURCE` or :data:`DEMO_SOURCE`).

    Raises
    ------
    loaders.workspace.WorkspaceError
        The workspace cannot be opened.
    """
    ws = workspace if workspace is not None else open_workspace()
    return saved_or_demo(lambda: saved_rows(ws), lambda: demo_rows(reference))
