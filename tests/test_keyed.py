"""The key-value store adapters keep their own data in (bot/keyed.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from adapters.discord.forms import form_table
from bot.keyed import KeyValues

from .conftest import Store


def test_values_are_read_by_age_deleted_and_pruned(store: Store) -> None:
    values = KeyValues(store.engine, form_table)
    values.set("a", "1")
    values.set("b", "2")
    values.set("a", "3")
    hour, future = timedelta(hours=1), timedelta(seconds=-1)
    assert (values.get("a"), values.get("a", within=hour), values.get("nope")) == ("3", "3", None)
    assert values.get("a", within=future) is None
    values.delete("b", "nope")
    assert values.get("b") is None and values.get("a") == "3"
    values.prune(older_than=hour)
    assert values.get("a") == "3"
    values.prune(older_than=future)
    assert values.get("a") is None
