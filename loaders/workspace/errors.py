"""The errors the workspace raises (messages say what failed and what to do)."""

from __future__ import annotations

__all__ = ["AliasImportError", "WorkspaceError"]


class WorkspaceError(ValueError):
    """A workspace problem the user can act on (message says what and what to do)."""


class AliasImportError(WorkspaceError):
    """An alias CSV that cannot be imported; the message names row and column."""
