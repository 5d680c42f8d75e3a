"""The errors the workspace raises (messages say what failed and what to do)."""

from __future__ import annotations

from typing import Any

__all__ = ["AliasImportError", "EditConflictError", "WorkspaceError"]


class WorkspaceError(ValueError):
    """A workspace problem the user can act on (message says what and what to do)."""


class AliasImportError(WorkspaceError):
    """An alias CSV that cannot be imported; the message names row and column."""


class EditConflictError(WorkspaceError):
    """Someone else changed the item since it was read; nothing was written.

    Raised by the saves that take an ``expected_version`` (review decisions,
    scenarios) when the saved version is no longer the one the editor saw.

    Parameters
    ----------
    message : str
        Says what changed and what to do (look at the current state, decide
        again).
    current : dict or None
        The item as it is saved now (with its ``version``); None when it was
        removed.

    Attributes
    ----------
    current : dict or None
    """

    def __init__(self, message: str, current: dict[str, Any] | None) -> None:
        super().__init__(message)
        self.current = current
