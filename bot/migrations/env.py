from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import bot.daily.models
import bot.mock.models
import bot.models  # (these imports register the tables)
import bot.privacy
import bot.review.models  # noqa: F401

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
