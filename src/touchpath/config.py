"""Process-wide settings, read from ``TOUCHPATH_*`` environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """What a shell (CLI, web app) needs before it opens a workspace.

    ``workspace`` falls back to the current folder; ``metadata_url`` overrides the
    workspace's own metadata database (e.g. a PostgreSQL URL in production).
    """

    model_config = SettingsConfigDict(env_prefix="TOUCHPATH_", extra="ignore")

    workspace: Path | None = None
    metadata_url: str | None = None
