from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import bot.daily.models
import bot.learning.models
import bot.mock.models
import bot.models  # (these imports register the tables)
import bot.privacy
import bot.review.models  # noqa: F401

config = context.config
engine = config.attributes["engine"]

with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    # SQLite changes a constraint by rebuilding the table (batch mode), which a foreign key to it
    # forbids while foreign keys are on; the pragma only takes effect outside a transaction.
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    try:
        with connection.begin():
            context.configure(
                connection=connection,
                target_metadata=SQLModel.metadata,
                render_as_batch=sqlite,
            )
            context.run_migrations()
    finally:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
