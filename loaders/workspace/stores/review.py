"""Review decisions: choices made on the Data page for rows the matcher was unsure
of, kept across restarts until confirmed.

A choice is recorded per roster row (``review_decisions``, state ``pending``);
:meth:`ReviewStore.confirm_review` writes every pending choice into the stored
rows (:func:`loaders.review.apply_decisions`) and saves each name as an alias,
in one transaction. Which rows wait for review and how they are grouped is
:mod:`loaders.review`.

Concurrent editors
------------------
Every decision row has a ``version`` bumped by each change. The review queue
gives each item the ``version`` its rows have (0 when nobody decided them);
a choice made with ``expected_version`` is refused with
:class:`~loaders.workspace.EditConflictError` (carrying the current decision)
when another editor decided, changed or confirmed the item meanwhile. Changes
to one roster's decisions are serialised: SQLite's write lock, PostgreSQL's
row lock on the roster (``SELECT ... FOR UPDATE``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import delete, select, update

from loaders.review import alias_county as _alias_county
from loaders.review import apply_decisions, review_groups
from loaders.workspace.codec import isna, now
from loaders.workspace.errors import EditConflictError, WorkspaceError
from loaders.workspace.schema import review_decisions, rosters
from loaders.workspace.stores.aliases import check_choice, county_key, normalise_alias

__all__ = ["ReviewStore"]


def _text_or_none(rows: pd.DataFrame, i: int, col: str) -> str | None:
    if col not in rows.columns:
        return None
    v = rows[col].iloc[i]
    return None if isna(v) else str(v)


class ReviewStore:
    """Review decisions of a :class:`loaders.workspace.Workspace` (a mixin: needs
    :class:`~loaders.workspace.stores.rosters.RosterStore` and
    :class:`~loaders.workspace.stores.aliases.AliasStore`)."""

    def set_review_choice(
        self,
        roster_id: int,
        row_indexes: Sequence[int],
        *,
        geoid: str | None = None,
        matched_name: str | None = None,
        cd_code: str | None = None,
        not_california: bool = False,
        expected_version: int | None = None,
    ) -> int:
        """Record a (not yet confirmed) review choice for some rows of a roster.

        Parameters
        ----------
        roster_id : int
            Saved roster.
        row_indexes : sequence of int
            0-based positions of the rows in the saved roster (the rows that share
            one entity name).
        geoid : str, optional
            Chosen district (NCES LEA id, 7 chars) or COE (county FIPS ``06xxx``).
        matched_name, cd_code : str, optional
            The chosen entity's CDE name and CD code (written into the rows).
        not_california : bool, default False
            Mark the rows "not a California district" instead.
        expected_version : int, optional
            The item's ``version`` as the editor saw it (``review_queue``'s
            column; 0 for an undecided item). Given, the choice is refused
            when the rows' decisions moved on meanwhile. None: no check.

        Returns
        -------
        int
            The rows' new ``version``.

        Raises
        ------
        EditConflictError
            ``expected_version`` is not the saved version (another editor
            decided first); ``.current`` is the saved decision. Nothing written.
        WorkspaceError
            No such roster, a row index out of range, or neither/both of ``geoid``
            and ``not_california``.
        """
        geoid = check_choice(geoid, not_california)
        with self._write() as conn:
            self._roster_row(conn, roster_id)
            version = self._check_review_version(
                conn, roster_id, row_indexes, expected_version
            )
            rows = self._rows_in_tx(conn, roster_id)
            stamp = now()
            for i in row_indexes:
                i = int(i)
                if not 0 <= i < len(rows):
                    raise WorkspaceError(
                        f"Row {i} is not in roster {roster_id} ({len(rows)} rows)."
                    )
                entity = _text_or_none(rows, i, "entity_name")
                county = _text_or_none(rows, i, "county")
                key = {"roster_id": int(roster_id), "row_index": i}
                values = {
                    "entity_name": entity,
                    "county": county,
                    "geoid": geoid,
                    "matched_name": matched_name,
                    "cd_code": cd_code,
                    "not_california": bool(not_california),
                    "state": "pending",
                    "decided_at": stamp,
                    "version": version + 1,
                }
                self._upsert(conn, review_decisions, key, values)
        return version + 1

    def _check_review_version(
        self,
        conn: Any,
        roster_id: int,
        row_indexes: Sequence[int],
        expected: int | None,
    ) -> int:
        """Lock the roster's decisions; the rows' saved version (0: undecided).

        Raises :class:`EditConflictError` when ``expected`` is given and differs.
        """
        # PostgreSQL: one writer of this roster's decisions at a time (SQLite's
        # BEGIN IMMEDIATE already is); the read below then sees the last commit.
        conn.execute(
            select(rosters.c.roster_id)
            .where(rosters.c.roster_id == int(roster_id))
            .with_for_update()
        )
        found = conn.execute(
            select(review_decisions)
            .where(
                (review_decisions.c.roster_id == int(roster_id))
                & review_decisions.c.row_index.in_([int(i) for i in row_indexes])
            )
            .order_by(review_decisions.c.version.desc())
        ).first()
        version = 0 if found is None else int(found.version)
        if expected is not None and int(expected) != version:
            current = None if found is None else dict(found._mapping)
            if current is None:
                what = "withdrawn"
            elif current["state"] == "confirmed":
                what = "confirmed"
            else:
                what = "changed"
            if current is None:
                now_is = "it is undecided now"
            elif current["not_california"]:
                now_is = "it is now marked not a California district"
            else:
                name = current["matched_name"] or current["geoid"]
                now_is = f"it is now {name} ({current['state']})"
            raise EditConflictError(
                f"Someone else {what} the decision on "
                f"'{current['entity_name'] if current else 'this item'}' in "
                f"roster {roster_id} since you opened it: {now_is}. Nothing was "
                "saved; look at the current decision and choose again.",
                current,
            )
        return version

    def clear_review_choice(
        self,
        roster_id: int,
        row_indexes: Sequence[int],
        *,
        expected_version: int | None = None,
    ) -> None:
        """Forget pending (unconfirmed) choices for these rows.

        Parameters
        ----------
        roster_id : int
            Saved roster.
        row_indexes : sequence of int
            0-based positions of the rows.
        expected_version : int, optional
            The item's ``version`` as the editor saw it; see
            :meth:`set_review_choice`.

        Raises
        ------
        EditConflictError
            Another editor changed the rows' decision meanwhile.
        """
        with self._write() as conn:
            self._check_review_version(conn, roster_id, row_indexes, expected_version)
            conn.execute(
                delete(review_decisions).where(
                    (review_decisions.c.roster_id == int(roster_id))
                    & review_decisions.c.row_index.in_([int(i) for i in row_indexes])
                    & (review_decisions.c.state == "pending")
                )
            )

    def review_choices(self, roster_id: int | None = None) -> pd.DataFrame:
        """Review decisions, pending and confirmed.

        Returns
        -------
        pandas.DataFrame
            ``roster_id``, ``row_index`` (Int64), ``entity_name``, ``county``,
            ``geoid``, ``matched_name``, ``cd_code`` (string), ``not_california``
            (bool), ``state`` (``pending`` / ``confirmed``), ``decided_at``,
            ``version`` (Int64, bumped by every change of the row).
        """
        query = select(review_decisions).order_by(
            review_decisions.c.roster_id, review_decisions.c.row_index
        )
        if roster_id is not None:
            query = query.where(review_decisions.c.roster_id == int(roster_id))
        with self._read() as conn:
            result = conn.execute(query)
            frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
        for col in frame.columns:
            if col in ("roster_id", "row_index", "version"):
                frame[col] = frame[col].astype("Int64")
            elif col == "not_california":
                frame[col] = frame[col].astype(bool)
            elif col == "decided_at":
                frame[col] = pd.to_datetime(frame[col]).dt.tz_localize("UTC")
            else:
                frame[col] = frame[col].astype("string")
        return frame

    def review_queue(self, roster_id: int | None = None) -> pd.DataFrame:
        """Rows waiting for a person: ambiguous/unmatched rows of live rosters not
        yet decided in review, grouped by (roster, entity name, county)
        (:func:`loaders.review.review_groups`).

        Returns
        -------
        pandas.DataFrame
            One row per group: ``roster_id`` (Int64), ``roster_name`` (string),
            then :data:`loaders.review.GROUP_COLUMNS`: ``entity_name``,
            ``county`` (string), ``match_status`` (worst in the group:
            ``ambiguous`` before ``unmatched``), ``n_rows`` (Int64),
            ``row_indexes`` (list of int), ``source_rows`` (list),
            ``matched_name`` / ``runner_up`` (the matcher's best guesses,
            string), ``pending_geoid``, ``pending_name`` (string),
            ``pending_not_california`` (bool), ``version`` (Int64: the highest
            ``version`` of the group's decisions, pending or confirmed; 0 when
            none; pass it to :meth:`set_review_choice`). Newest roster first,
            then by entity name.
        """
        listing = self.list_rosters()
        if roster_id is not None:
            listing = listing[listing["roster_id"] == int(roster_id)]
        pending = self.review_choices(roster_id)
        pend = pending[pending["state"] == "pending"]
        by_roster: dict[int, dict[int, Any]] = {}
        for r in pend.itertuples(index=False):
            by_roster.setdefault(int(r.roster_id), {})[int(r.row_index)] = r
        parts = []
        for entry in listing.itertuples(index=False):
            rid = int(entry.roster_id)
            if not (entry.ambiguous or entry.unmatched):
                continue
            rows, _, _ = self.load_roster(rid)
            groups = review_groups(rows, by_roster.get(rid))
            if groups.empty:
                continue
            groups.insert(0, "roster_name", entry.name)
            groups.insert(0, "roster_id", rid)
            parts.append(groups)
        if parts:
            frame = pd.concat(parts, ignore_index=True)
        else:
            frame = review_groups(pd.DataFrame())
            frame.insert(0, "roster_name", pd.Series(dtype="string"))
            frame.insert(0, "roster_id", pd.Series(dtype="Int64"))
        frame["roster_id"] = frame["roster_id"].astype("Int64")
        frame["roster_name"] = frame["roster_name"].astype("string")
        seen = {
            (int(r.roster_id), int(r.row_index)): int(r.version)
            for r in pending.itertuples(index=False)
        }
        frame["version"] = pd.array(
            [
                max((seen.get((int(rid), int(i)), 0) for i in idx), default=0)
                for rid, idx in zip(frame["roster_id"], frame["row_indexes"])
            ],
            dtype="Int64",
        )
        return frame

    def confirm_review(
        self,
        roster_id: int | None = None,
        *,
        save_aliases: bool = True,
        alias_county: Callable[[Any], str | None] | None = None,
    ) -> int:
        """Apply pending review choices: update the stored rows and save aliases.

        For each pending choice the stored matched row becomes
        ``match_status="matched"``, ``match_method="review"``, ``score=100``,
        ``geoid``/``matched_name``/``cd_code`` as chosen (or
        ``match_status="unmatched"``, ``match_note="not a California district"``),
        and the entity name as typed (with its county, when the row has one)
        becomes an alias that applies to future uploads. All of it, for every
        roster concerned, is one transaction.

        Parameters
        ----------
        roster_id : int, optional
            Only this roster's pending choices. Default: all rosters.
        save_aliases : bool, default True
            Also save the choices as aliases.
        alias_county : callable, optional
            The county each alias is saved for, from the decision (a row with
            ``roster_id``, ``row_index``, ``entity_name``, ``county``,
            ``geoid``, ``not_california``); None = every county. Default: the
            rows' county when it is a California county, else every county
            (:func:`loaders.review.alias_county`).

        Returns
        -------
        int
            Number of roster rows updated.
        """
        with self._write() as conn:
            query = select(review_decisions).where(
                review_decisions.c.state == "pending"
            )
            if roster_id is not None:
                query = query.where(review_decisions.c.roster_id == int(roster_id))
            pend = conn.execute(query).fetchall()
            if not pend:
                return 0
            by_roster: dict[int, list] = {}
            for d in pend:
                by_roster.setdefault(int(d.roster_id), []).append(d)
            n = 0
            alias_done: set[tuple[str, str]] = set()
            for rid, decisions in by_roster.items():
                meta = self._roster_row(conn, rid)
                rows = self._rows_in_tx(conn, rid)
                rows = apply_decisions(rows, decisions)
                n += len(decisions)
                self._replace_rows(conn, rid, rows)
                if save_aliases:
                    for d in decisions:
                        if not d.entity_name:
                            continue
                        county = (
                            _alias_county(d.county, None)
                            if alias_county is None
                            else alias_county(d)
                        )
                        key = (normalise_alias(d.entity_name), county_key(county))
                        if key in alias_done or not key[0]:
                            continue
                        alias_done.add(key)
                        self._save_alias_tx(
                            conn,
                            d.entity_name,
                            geoid=d.geoid,
                            county=county,
                            not_california=bool(d.not_california),
                            note=f"confirmed in review of roster '{meta.name}'",
                        )
            ids = [int(d.roster_id) for d in pend]
            conn.execute(
                update(review_decisions)
                .where(
                    (review_decisions.c.state == "pending")
                    & review_decisions.c.roster_id.in_(ids)
                )
                .values(state="confirmed")
            )
        return n
