"""Aliases: names people type for a district or COE, confirmed once and used by
every later match (``aliases`` table), with CSV export and import.

An alias is unique per (normalised text, county): the same acronym may stand
for different districts in different counties. :func:`normalise_alias` is the
key only; the matcher applies its own, richer normalisation to the alias text
(:mod:`loaders.aliases`). The CSV holds no personal data; text that would start
a spreadsheet formula is written with a leading ``'`` and read back without it.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from loaders.exports import FORMULA_PREFIXES, neutralise_text
from loaders.roster.intake import decode_text
from loaders.roster.model import RosterFileError
from loaders.workspace.codec import isna, now, text
from loaders.workspace.errors import AliasImportError, WorkspaceError
from loaders.workspace.schema import aliases

__all__ = [
    "ALIAS_CSV_COLUMNS",
    "MAX_ALIAS_CSV_BYTES",
    "AliasStore",
    "check_choice",
    "county_key",
    "formula_safe",
    "normalise_alias",
]

#: Columns of the alias CSV written by :meth:`AliasStore.export_aliases_csv`.
ALIAS_CSV_COLUMNS: tuple[str, ...] = (
    "alias",
    "county",
    "geoid",
    "not_california",
    "note",
    "created_at",
)
#: Largest alias CSV accepted by :meth:`AliasStore.import_aliases_csv` (bytes).
MAX_ALIAS_CSV_BYTES = 5_000_000

_GEOID_RE = re.compile(r"^06\d{3}(\d{2})?$")


def normalise_alias(value: str | None) -> str:
    """Key under which an alias is unique: accents removed, casefolded, punctuation
    to spaces, whitespace collapsed.

    Parameters
    ----------
    value : str or None
        The alias as typed.

    Returns
    -------
    str
        The key (``""`` for nothing).

    Examples
    --------
    >>> normalise_alias(" La Cañada  USD ")
    'la canada usd'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    s = unicodedata.normalize("NFKD", str(value))
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold()
    s = re.sub(r"[^0-9a-z]+", " ", s)
    return " ".join(s.split())


def county_key(county: str | None) -> str:
    """County part of an alias key: :func:`normalise_alias` without "county".

    Examples
    --------
    >>> county_key("San Diego County")
    'san diego'
    """
    key = normalise_alias(county)
    return key.removesuffix(" county").strip()


def formula_safe(value: Any) -> Any:
    """Make a text cell safe for spreadsheets: prefix ``'`` when it would start a
    formula (see :func:`loaders.exports.neutralise_text`). Non-text values are
    returned unchanged."""
    if isinstance(value, str):
        return neutralise_text(value)
    return value


def _unguard(value: str) -> str:
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def check_choice(geoid: str | None, not_california: bool) -> str | None:
    """A district/COE choice, checked: exactly one of ``geoid`` and
    ``not_california``, and a geoid of the right form.

    Returns
    -------
    str or None
        The geoid stripped (None for "not a California district").

    Raises
    ------
    WorkspaceError
        Neither or both given, or ``geoid`` is not ``06`` + 5 digits (NCES LEA
        id) or ``06`` + 3 digits (county FIPS of a COE).
    """
    geoid = (geoid or "").strip() or None
    if bool(geoid) == bool(not_california):
        raise WorkspaceError(
            "Choose either a district/COE or 'not a California district' (one of them)."
        )
    if geoid and not _GEOID_RE.match(geoid):
        raise WorkspaceError(
            f"'{geoid}' is not a district NCES id (06 + 5 digits) or a COE county "
            f"FIPS code (06 + 3 digits)."
        )
    return geoid


def alias_values(
    alias: str | None,
    geoid: str | None,
    county: str | None,
    not_california: bool,
    note: str | None,
) -> dict[str, Any]:
    """The ``aliases`` row for an alias, checked (raises :class:`WorkspaceError`)."""
    alias_text = " ".join(str(alias or "").split())
    norm = normalise_alias(alias_text)
    if not norm:
        raise WorkspaceError(
            "The alias is empty; type the name as it appears in rosters."
        )
    if len(alias_text) > 300:
        raise WorkspaceError("The alias is longer than 300 characters.")
    geoid = check_choice(geoid, bool(not_california))
    county_text = " ".join(str(county or "").split()) or None
    note_text = str(note).strip() if note is not None and not isna(note) else None
    return {
        "alias": alias_text,
        "alias_norm": norm,
        "county": county_text,
        "county_norm": county_key(county_text),
        "geoid": geoid,
        "not_california": bool(not_california),
        "note": note_text or None,
    }


class AliasStore:
    """Aliases of a :class:`loaders.workspace.Workspace` (a mixin: needs the
    transactions of :class:`loaders.workspace.db.Database`)."""

    def list_aliases(self) -> pd.DataFrame:
        """User-confirmed aliases, alphabetical.

        Returns
        -------
        pandas.DataFrame
            ``alias_id`` (Int64), ``alias`` (as typed), ``alias_norm``,
            ``county`` (``<NA>`` = any county), ``geoid`` (``<NA>`` when
            ``not_california``), ``note`` (string), ``not_california`` (bool),
            ``created_at``, ``updated_at`` (datetime, UTC). This is the frame
            :func:`loaders.matching.match_roster` takes as ``aliases``.
        """
        with self._read() as conn:
            result = conn.execute(
                select(
                    aliases.c.alias_id,
                    aliases.c.alias,
                    aliases.c.alias_norm,
                    aliases.c.county,
                    aliases.c.geoid,
                    aliases.c.not_california,
                    aliases.c.note,
                    aliases.c.created_at,
                    aliases.c.updated_at,
                ).order_by(aliases.c.alias_norm, aliases.c.county_norm)
            )
            frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
        for col in frame.columns:
            if col == "alias_id":
                frame[col] = frame[col].astype("Int64")
            elif col == "not_california":
                frame[col] = frame[col].astype(bool)
            elif col in ("created_at", "updated_at"):
                frame[col] = pd.to_datetime(frame[col]).dt.tz_localize("UTC")
            else:
                frame[col] = frame[col].astype("string")
        return frame

    def save_alias(
        self,
        alias: str,
        *,
        geoid: str | None = None,
        county: str | None = None,
        not_california: bool = False,
        note: str | None = None,
    ) -> int:
        """Save (or replace) the alias for ``alias`` in ``county``.

        Parameters
        ----------
        alias : str
            The entity name as people type it (``"SDUSD"``).
        geoid : str, optional
            NCES LEA id (7 chars, ``06…``) of a district, or county FIPS
            (``06xxx``) of a COE.
        county : str, optional
            County the alias is limited to (an acronym shared by districts of
            several counties); ``None`` = any county.
        not_california : bool, default False
            The name is not a California district (rows are left unmatched).
        note : str, optional
            Free text.

        Returns
        -------
        int
            ``alias_id`` (the existing one when the alias/county was already there).

        Raises
        ------
        WorkspaceError
            Empty alias, malformed geoid, or neither/both of geoid and
            ``not_california``.
        """
        with self._write() as conn:
            return self._save_alias_tx(
                conn, alias, geoid=geoid, county=county,
                not_california=not_california, note=note,
            )  # fmt: skip

    def _save_alias_tx(
        self,
        conn: Connection,
        alias: str,
        *,
        geoid: str | None,
        county: str | None,
        not_california: bool,
        note: str | None,
    ) -> int:
        values = alias_values(alias, geoid, county, not_california, note)
        stamp = now()
        existing = conn.execute(
            select(aliases.c.alias_id).where(
                (aliases.c.alias_norm == values["alias_norm"])
                & (aliases.c.county_norm == values["county_norm"])
            )
        ).first()
        if existing is not None:
            conn.execute(
                update(aliases)
                .where(aliases.c.alias_id == existing[0])
                .values(**values, updated_at=stamp)
            )
            return int(existing[0])
        result = conn.execute(
            insert(aliases).values(**values, created_at=stamp, updated_at=stamp)
        )
        return int(result.inserted_primary_key[0])

    def update_alias(self, alias_id: int, **changes_: Any) -> None:
        """Change an alias (any of ``alias``, ``county``, ``geoid``,
        ``not_california``, ``note``).

        Raises
        ------
        WorkspaceError
            No such alias, an unknown field, invalid values, or another alias
            already has this text and county.
        """
        unknown = set(changes_) - {"alias", "county", "geoid", "not_california", "note"}
        if unknown:
            raise WorkspaceError(
                f"Unknown alias field(s): {', '.join(sorted(unknown))}."
            )
        with self._write() as conn:
            row = conn.execute(
                select(aliases).where(aliases.c.alias_id == int(alias_id))
            ).first()
            if row is None:
                raise WorkspaceError(
                    f"There is no alias number {alias_id}; reload the page."
                )
            current = {
                "alias": row.alias,
                "county": row.county,
                "geoid": row.geoid,
                "not_california": bool(row.not_california),
                "note": row.note,
            }
            current.update(changes_)
            if changes_.get("geoid") and "not_california" not in changes_:
                current["not_california"] = False
            if changes_.get("not_california") and "geoid" not in changes_:
                current["geoid"] = None
            values = alias_values(**current)
            clash = conn.execute(
                select(aliases.c.alias_id).where(
                    (aliases.c.alias_norm == values["alias_norm"])
                    & (aliases.c.county_norm == values["county_norm"])
                    & (aliases.c.alias_id != int(alias_id))
                )
            ).first()
            if clash is not None:
                raise WorkspaceError(
                    f"Another alias already reads '{values['alias']}'"
                    + (f" in {values['county']}" if values["county"] else "")
                    + "; edit or delete that one instead."
                )
            conn.execute(
                update(aliases)
                .where(aliases.c.alias_id == int(alias_id))
                .values(**values, updated_at=now())
            )

    def delete_alias(self, alias_id: int) -> None:
        """Delete an alias (no error if it is already gone)."""
        with self._write() as conn:
            conn.execute(delete(aliases).where(aliases.c.alias_id == int(alias_id)))

    def export_aliases_csv(self) -> bytes:
        """The aliases as CSV (UTF-8 with byte-order mark, for Excel).

        Columns :data:`ALIAS_CSV_COLUMNS`; ``not_california`` is ``yes``/``no``;
        text that would start a spreadsheet formula is prefixed with ``'``
        (:meth:`import_aliases_csv` removes the prefix again).
        """
        frame = self.list_aliases()
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(ALIAS_CSV_COLUMNS)
        for r in frame.itertuples(index=False):
            writer.writerow(
                [
                    formula_safe(text(r.alias)),
                    formula_safe(text(r.county)),
                    text(r.geoid),
                    "yes" if r.not_california else "no",
                    formula_safe(text(r.note)),
                    r.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                ]
            )
        return buf.getvalue().encode("utf-8-sig")

    def import_aliases_csv(
        self,
        data: bytes,
        *,
        filename: str = "aliases CSV",
        valid_geoids: Iterable[str] | None = None,
    ) -> dict[str, int]:
        """Import aliases from CSV (as written by :meth:`export_aliases_csv`).

        All or nothing: the file is checked completely first; any bad row stops
        the import with a message naming file, row (1-based, header = row 1),
        column and the fix, and nothing is changed. An alias that already exists
        for the same county is replaced.

        Parameters
        ----------
        data : bytes
            CSV in UTF-8 (with or without BOM) or Windows-1252. Required column
            ``alias`` and ``geoid`` and/or ``not_california``; optional
            ``county``, ``note``; ``created_at`` / ``updated_at`` / ``alias_id``
            are accepted and ignored.
        filename : str
            Name used in messages.
        valid_geoids : iterable of str, optional
            Known geoids (e.g. ``entity_reference()["geoid"]``); others are
            rejected.

        Returns
        -------
        dict
            ``{"added": n, "updated": n, "unchanged": n}``.

        Raises
        ------
        AliasImportError
            Unreadable file, missing/unknown columns, or invalid rows.
        """
        if len(data) > MAX_ALIAS_CSV_BYTES:
            raise AliasImportError(
                f"{filename} is {len(data) / 1e6:.1f} MB; alias files are limited to "
                f"{MAX_ALIAS_CSV_BYTES / 1e6:.0f} MB."
            )
        try:  # the project's one encoding fallback (UTF-16, UTF-8, cp1252...)
            textdata = decode_text(data, filename)[0]
        except RosterFileError:  # binary data
            textdata = None
        if textdata is None or "\x00" in textdata:
            raise AliasImportError(
                f"{filename} is not a text CSV file. Export aliases from the app, "
                f"or save the spreadsheet as CSV."
            )
        try:
            reader = list(csv.reader(io.StringIO(textdata, newline="")))
        except csv.Error as exc:
            raise AliasImportError(
                f"{filename} cannot be read as CSV: {exc}."
            ) from None
        reader = [r for r in reader if any(c.strip() for c in r)] if reader else []
        if not reader:
            raise AliasImportError(
                f"{filename} is empty; it needs a header row with 'alias'."
            )
        header = [h.strip().lower().replace(" ", "_") for h in reader[0]]
        known = {"alias", "county", "geoid", "not_california", "note"}
        ignored = {"created_at", "updated_at", "alias_id", "alias_norm"}
        unknown = [h for h in header if h not in known | ignored]
        if unknown:
            raise AliasImportError(
                f"{filename}: unknown column(s) {', '.join(repr(u) for u in unknown)}. "
                f"Use the columns {', '.join(ALIAS_CSV_COLUMNS[:5])}."
            )
        if "alias" not in header or not ({"geoid", "not_california"} & set(header)):
            raise AliasImportError(
                f"{filename}: needs the columns 'alias' and 'geoid' (or "
                f"'not_california'); found {', '.join(header) or 'none'}."
            )
        valid = None if valid_geoids is None else {str(g) for g in valid_geoids}
        records: list[dict[str, Any]] = []
        errors: list[str] = []
        seen: dict[tuple[str, str], int] = {}
        for n, raw in enumerate(reader[1:], start=2):
            rec = {
                h: _unguard(raw[i].strip()) if i < len(raw) else ""
                for i, h in enumerate(header)
            }
            if len(raw) > len(header) and any(c.strip() for c in raw[len(header) :]):
                errors.append(f"row {n}: more cells than header columns")
                continue
            nc_text = rec.get("not_california", "").strip().lower()
            if nc_text in ("", "no", "n", "false", "0"):
                not_ca = False
            elif nc_text in ("yes", "y", "true", "1"):
                not_ca = True
            else:
                errors.append(
                    f"row {n}, column not_california: '{nc_text}' is not yes/no"
                )
                continue
            geoid = rec.get("geoid", "").strip() or None
            if geoid and valid is not None and geoid not in valid:
                errors.append(
                    f"row {n}, column geoid: '{geoid}' is not a California district "
                    f"or COE known to the app"
                )
                continue
            try:
                values = alias_values(
                    rec.get("alias", ""), geoid, rec.get("county") or None, not_ca,
                    rec.get("note") or None,
                )  # fmt: skip
            except WorkspaceError as exc:
                col = "alias" if "alias" in str(exc).lower()[:30] else "geoid"
                errors.append(f"row {n}, column {col}: {exc}")
                continue
            key = (values["alias_norm"], values["county_norm"])
            if key in seen:
                errors.append(
                    f"row {n}, column alias: '{values['alias']}' repeats "
                    f"row {seen[key]}"
                )
                continue
            seen[key] = n
            records.append(values)
        if errors:
            more = f" (and {len(errors) - 10} more)" if len(errors) > 10 else ""
            raise AliasImportError(
                f"{filename} was not imported, nothing changed. Fix: "
                + "; ".join(errors[:10])
                + more
                + "."
            )
        counts = {"added": 0, "updated": 0, "unchanged": 0}
        fields = ("alias", "county", "geoid", "not_california", "note")
        with self._write() as conn:
            stamp = now()
            for values in records:
                existing = conn.execute(
                    select(aliases).where(
                        (aliases.c.alias_norm == values["alias_norm"])
                        & (aliases.c.county_norm == values["county_norm"])
                    )
                ).first()
                if existing is None:
                    conn.execute(
                        insert(aliases).values(
                            **values, created_at=stamp, updated_at=stamp
                        )
                    )
                    counts["added"] += 1
                elif all(
                    (getattr(existing, f) or None) == (values[f] or None)
                    if f != "not_california"
                    else bool(existing.not_california) == values[f]
                    for f in fields
                ):
                    counts["unchanged"] += 1
                else:
                    conn.execute(
                        update(aliases)
                        .where(aliases.c.alias_id == existing.alias_id)
                        .values(**values, updated_at=stamp)
                    )
                    counts["updated"] += 1
        return counts
