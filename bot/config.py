"""Settings, read once from the environment (and `.env`) and passed in."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from pydantic import Field, field_validator
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
SHIPPED_CONTENT = REPO_ROOT / "content"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
# One store per user, wherever a command runs from (not a new empty file in each folder).
DEFAULT_STORE = Path(platformdirs.user_data_dir("hubbot", appauthor=False)) / "hubbot.db"
SEARCH_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "hubbot"


class Settings(BaseSettings):
    """Each setting from its own name (HUB_…, SLACK_…, DISCORD_…) only: a DATABASE_URL or
    SECRET_KEY meant for another program is not ours."""

    model_config = SettingsConfigDict(extra="ignore")

    database_url: str = Field(f"sqlite:///{DEFAULT_STORE}", alias="HUB_DATABASE_URL")
    content_dir: Path = Field(SHIPPED_CONTENT, alias="HUB_CONTENT_DIR")
    # The log's level; unset: INFO for `hub serve`, WARNING for the commands people run at a
    # terminal (their answer is the output, the log only what went wrong).
    log_level: str | None = Field(None, alias="HUB_LOG_LEVEL")
    # How often a process checks whether another process changed the content (seconds).
    freshness_interval: float = Field(2.0, alias="HUB_FRESHNESS_INTERVAL")
    # Where built search indexes are kept so one-shot commands load instead of rebuilding.
    search_cache_dir: Path = Field(SEARCH_CACHE, alias="HUB_SEARCH_CACHE_DIR")
    # Seconds one database call may take (a PostgreSQL statement, SQLite's wait for its write
    # lock) before the bot answers "busy"; 0: no limit on PostgreSQL, SQLite's former 30 s.
    db_statement_timeout: float = Field(5.0, ge=0, alias="HUB_DB_STATEMENT_TIMEOUT")

    slack_bot_token: str | None = Field(None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: str | None = Field(None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: str | None = Field(None, alias="SLACK_APP_TOKEN")
    slack_api_url: str | None = Field(None, alias="SLACK_API_URL")
    slack_admins: str = Field("", alias="SLACK_ADMINS")

    discord_token: str | None = Field(None, alias="DISCORD_TOKEN")
    discord_guild_id: int | None = Field(None, alias="DISCORD_GUILD_ID")
    discord_api_url: str | None = Field(None, alias="DISCORD_API_URL")
    discord_gateway_url: str | None = Field(None, alias="DISCORD_GATEWAY_URL")

    # Keys the person hash in the search log; unset, the hub generates one into the store.
    secret_key: str | None = Field(None, alias="HUB_SECRET_KEY")
    search_log_days: int = Field(90, ge=1, alias="HUB_SEARCH_LOG_DAYS")
    # Seconds a stopping process (SIGTERM) gives the work in flight before handing it back.
    shutdown_grace: float = Field(20.0, ge=0, alias="HUB_SHUTDOWN_GRACE")

    daily_grace_hours: float = Field(2.0, alias="HUB_DAILY_GRACE_HOURS")
    mock_idle_minutes: float = Field(60.0, alias="HUB_MOCK_IDLE_MINUTES")

    @field_validator("log_level")
    @classmethod
    def _level_name(cls, value: str | None) -> str | None:
        name = (value or "").strip().upper()
        if name and name not in LOG_LEVELS:
            raise ValueError(f"use {', '.join(LOG_LEVELS)}")
        return name or None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments, then the environment, then the file HUB_ENV_FILE names (`.env`; empty for
        none), looked up when the settings are read."""
        env_file = os.environ.get("HUB_ENV_FILE", ".env") or None
        return init_settings, env_settings, DotEnvSettingsSource(settings_cls, env_file=env_file)

    @property
    def platforms(self) -> list[str]:
        """The chat platforms whose tokens are configured."""
        found = []
        if self.slack_bot_token:
            found.append("slack")
        if self.discord_token:
            found.append("discord")
        return found
