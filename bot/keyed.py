"""Two small stores keyed by a string, over a table the caller defines (an adapter's own data
that lives in the hub's store; reached through `Hub.claims` and `Hub.key_values`).

Claims: a key is taken once across every process (a table of key and time, the key its primary
key); old rows are pruned. Key-values: one value per key (a table of key, value and time).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.models import utcnow

PRUNE_EVERY = 200  # claims between deletions of old rows


class Claims:
    """Keys claimed once by the table's primary key; rows older than `keep` are deleted."""

    def __init__(self, engine: Engine, table: sa.Table, keep: timedelta) -> None:
        self.engine = engine
        self.table = table
        self.key, self.at = table.columns
        self.keep = keep
        self.claims = 0

    def first_time(self, key: str, now: datetime | None = None) -> bool:
        """True for the first claim of `key` anywhere; False for every repeat."""
        self.claims += 1
        try:
            with self.engine.begin() as conn:
                if self.claims % PRUNE_EVERY == 0:
                    conn.execute(sa.delete(self.table).where(self.at < utcnow() - self.keep))
                conn.execute(
                    sa.insert(self.table).values({self.key: key[:64], self.at: now or utcnow()})
                )
        except IntegrityError:
            return False
        return True

    def release(self, key: str) -> None:
        """Forget a claim, so the next delivery of `key` is handled."""
        with self.engine.begin() as conn:
            conn.execute(sa.delete(self.table).where(self.key == key[:64]))


class KeyValues:
    """One value per key, with the time it was last set."""

    def __init__(self, engine: Engine, table: sa.Table) -> None:
        self.engine = engine
        self.table = table
        self.key, self.value, self.at = table.columns

    def get(self, key: str, within: timedelta | None = None) -> str | None:
        """The value of `key`; None when it has none, or none set `within` the time to now."""
        query = sa.select(self.value).where(self.key == key)
        if within is not None:
            query = query.where(self.at >= utcnow() - within)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return str(row[0]) if row else None

    def delete(self, *keys: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(sa.delete(self.table).where(self.key.in_(keys)))

    def prune(self, older_than: timedelta) -> None:
        """Forget every key last set longer ago than `older_than`."""
        with self.engine.begin() as conn:
            conn.execute(sa.delete(self.table).where(self.at < utcnow() - older_than))

    def set(self, key: str, value: str) -> None:
        now = utcnow()
        with self.engine.begin() as conn:
            changed = conn.execute(
                sa.update(self.table)
                .where(self.key == key)
                .values({self.value: value, self.at: now})
            ).rowcount
            if not changed:
                conn.execute(
                    sa.insert(self.table).values({self.key: key, self.value: value, self.at: now})
                )
