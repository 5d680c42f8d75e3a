"""Small remembered things: column mappings per source layout, and settings.

A column mapping (which source column feeds which roster column) is remembered
per layout signature (:attr:`loaders.roster.RosterLoad.layout_signature`), so
the next file with the same headers maps itself. Settings are JSON values under
a key, e.g. :data:`SETTING_SHOW_CONTACTS`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from loaders.workspace.codec import dumps, now
from loaders.workspace.schema import column_maps, settings

__all__ = ["SETTING_SHOW_CONTACTS", "SettingsStore"]

#: Setting (bool) that allows the UI to show contact details; off by default.
SETTING_SHOW_CONTACTS = "show_contact_details"


class SettingsStore:
    """Column mappings and settings of a :class:`loaders.workspace.Workspace`
    (a mixin: needs the transactions of :class:`loaders.workspace.db.Database`)."""

    # ---- column mappings -------------------------------------------------------
    def get_column_map(self, layout_signature: str) -> dict | None:
        """The column mapping remembered for a source layout, or ``None``.

        Parameters
        ----------
        layout_signature : str
            :attr:`loaders.roster.RosterLoad.layout_signature`.
        """
        with self._read() as conn:
            value = conn.execute(
                select(column_maps.c.column_map).where(
                    column_maps.c.layout_signature == str(layout_signature)
                )
            ).scalar_one_or_none()
        return None if value is None else json.loads(value)

    def save_column_map(
        self, layout_signature: str, mapping: Mapping[str, Any]
    ) -> None:
        """Remember the column mapping for a source layout (replacing any earlier)."""
        payload = dumps(dict(mapping), "the column mapping")
        with self._write() as conn:
            self._upsert(
                conn,
                column_maps,
                {"layout_signature": str(layout_signature)},
                {"column_map": payload, "updated_at": now()},
            )

    # ---- settings ---------------------------------------------------------------
    def get_setting(self, key: str, default: Any = None) -> Any:
        """A stored setting (JSON value), or ``default``."""
        with self._read() as conn:
            value = conn.execute(
                select(settings.c.value).where(settings.c.key == key)
            ).scalar_one_or_none()
        return default if value is None else json.loads(value)

    def set_setting(self, key: str, value: Any) -> None:
        """Store a setting (any JSON-serialisable value)."""
        body = dumps(value, f"setting '{key}'")
        with self._write() as conn:
            self._upsert(
                conn, settings, {"key": key}, {"value": body, "updated_at": now()}
            )
