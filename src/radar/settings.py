"""Service configuration: one pydantic-settings class, read from RADAR_* environment variables."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything configurable about a Radar process."""

    model_config = SettingsConfigDict(env_prefix="RADAR_", env_file=".env", extra="ignore")

    data_dir: Path = Field(
        default=Path("data"), description="Directory for the default SQLite database."
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default: an SQLite file radar.db under data_dir.",
    )
    host: str = Field(default="127.0.0.1", description="Address `radar serve` binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `radar serve` listens on.")
    max_body_bytes: int = Field(
        default=1_048_576, ge=1024, description="Largest accepted request body (413 beyond)."
    )
    cors_origins: list[str] = Field(
        default_factory=list, description='Origins allowed by CORS, e.g. ["https://radar.example"].'
    )
    log_level: str = Field(default="info", description="Log level: debug, info, warning, error.")
    public_read: bool = Field(
        default=False,
        description="Let anonymous callers read public profiles, ideas, groups and news.",
    )
    rate_limit_per_minute: int = Field(
        default=600, ge=0, description="Requests per minute per token (0: no limit)."
    )
    anonymous_rate_limit_per_minute: int = Field(
        default=60, ge=0, description="Requests per minute per IP address without a token."
    )
    event_feed_settle_seconds: float = Field(
        default=2.0,
        ge=0,
        description="Events appear in GET /v1/events this long after they were recorded, so "
        "that transactions committing out of order cannot make a reader skip one.",
    )

    match_half_distance_km: float = Field(
        default=30.0,
        gt=0,
        le=1000,
        description="Distance at which the proximity signal of a match falls to one half.",
    )

    def resolved_database_url(self) -> str:
        """The database URL to connect to; creates the data directory for the SQLite default."""
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{(self.data_dir / 'radar.db').resolve()}"


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
