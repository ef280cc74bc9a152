"""The migrations build exactly the tables and columns the models describe."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData
from sqlmodel import SQLModel

import bot.daily.models
import bot.learning.models
import bot.mock.models
import bot.models
import bot.privacy
import bot.review.models  # noqa: F401  (these imports register the tables)
from adapters.discord.forms import form_table
from adapters.discord.sync import sync_table
from adapters.slack.claims import metadata as slack_claims

from .conftest import Store


def described() -> MetaData:
    every = MetaData()
    for table in (
        *SQLModel.metadata.tables.values(),
        *slack_claims.tables.values(),
        sync_table,
        form_table,
    ):
        table.to_metadata(every)
    return every


def test_the_migrated_store_matches_the_models(store: Store) -> None:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        diff: list[Any] = compare_metadata(context, described())
    kinds = ("add_table", "remove_table", "add_column", "remove_column")
    assert [(d[0], getattr(d[-1], "name", d)) for d in diff if d[0] in kinds] == []
