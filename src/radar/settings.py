"""Service configuration: one pydantic-settings class, read from RADAR_* environment variables."""

import json
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, IPvAnyNetwork, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


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
    max_concurrent_requests: int = Field(
        default=1,
        ge=1,
        le=1000,
        description="Requests one API process works on at once; later ones wait their turn "
        "(a request gives its slot back as it hands over its answer, so slow readers do not "
        "hold it). Scoring is CPU-bound Python: more at once only contend for the interpreter "
        "lock and the connection pool (at 10,000 actors 1 serves about 20 % more matches per "
        "second than 2, and 2 about 40 % more than 4), so add processes (`--workers`) rather "
        "than raise this; raise it when requests wait on slow I/O, such as an online geocoder "
        "on writes.",
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
        default=600,
        ge=0,
        description="Requests per minute per account, all its tokens together (0: no limit).",
    )
    anonymous_rate_limit_per_minute: int = Field(
        default=60, ge=0, description="Requests per minute per IP address without a token."
    )
    trusted_proxies: Annotated[list[IPvAnyNetwork], NoDecode] = Field(
        default_factory=list,
        description="Reverse proxies whose `X-Forwarded-For` is believed: IP addresses or CIDR "
        "networks, comma-separated or as a JSON list, e.g. `10.0.0.5,192.168.0.0/24`. Only when "
        "the direct peer is one of them is the client the rightmost address in the header that "
        "is not (the leftmost, if all are); otherwise the client is the peer and the header is "
        "ignored. Empty by default: no proxy, not even one on loopback, is trusted. `radar "
        "serve` gives uvicorn the same list for its proxy headers (`X-Forwarded-Proto` too).",
    )

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: Any) -> Any:
        if isinstance(value, str):
            if value.lstrip().startswith("["):
                return json.loads(value)
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

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

    geocoders: Annotated[list[str], NoDecode] = Field(
        default=["gazetteer"],
        description="Geocoders tried in order for the addresses written, comma-separated: "
        "`gazetteer` (offline, shipped with Radar) and any geopy geocoder by name (`nominatim`, "
        "`photon`, `opencage`, …), e.g. `nominatim,gazetteer`.",
    )
    geocoder_user_agent: str = Field(
        default="radar-innovation-radar/0.1",
        min_length=3,
        description="User agent sent to online geocoders; Nominatim's policy wants one that "
        "names your installation and a contact.",
    )
    geocoder_timeout_seconds: float = Field(
        default=10.0, gt=0, le=120, description="Timeout of one online geocoder request."
    )
    geocoder_min_delay_seconds: float = Field(
        default=1.0,
        ge=0,
        description="Least time between two requests to one online geocoder from one process "
        "(Nominatim allows one per second).",
    )
    geocoder_options: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description='Extra geopy options per geocoder as JSON, e.g. {"nominatim": {"domain": '
        '"nominatim.example.org"}, "opencage": {"api_key": "…"}}.',
    )

    home_districts: Annotated[list[str], NoDecode] = Field(
        default=["Südwestfalen"],
        description="The cluster's home, comma-separated districts or regions (`Olpe`, "
        "`Kreis Soest`, `Sauerland`): a place name that several places share (Neunkirchen in "
        "Siegen-Wittgenstein and in Saarland), with nothing else in the address to tell them "
        "apart, means the one at home. The default is Südwestfalen (its five districts and "
        "Hagen); set your own region, or an empty value for none.",
    )

    @field_validator("geocoders", mode="before")
    @classmethod
    def _split_geocoders(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [part.strip().lower() for part in value.split(",") if part.strip()]
        return value

    @field_validator("geocoders")
    @classmethod
    def _known_geocoders(cls, value: list[str]) -> list[str]:
        from radar.geo.online import known_service

        unknown = [name for name in value if name != "gazetteer" and not known_service(name)]
        if unknown:
            raise ValueError(f"unknown geocoder {unknown[0]!r}: gazetteer or a geopy service name")
        if not value:
            raise ValueError("name at least one geocoder (gazetteer is the offline default)")
        return value

    @field_validator("home_districts", mode="before")
    @classmethod
    def _split_districts(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("home_districts")
    @classmethod
    def _known_districts(cls, value: list[str]) -> list[str]:
        from radar.geo.gazetteer import get_gazetteer

        get_gazetteer().home_districts(value)  # ValueError naming an unknown one
        return value

    match_weights: dict[str, float] = Field(
        default_factory=dict,
        description="Weights of match components as JSON, over the measured defaults, e.g. "
        '{"proximity": 0.2}; admins can change them at run time too.',
    )

    @field_validator("match_weights")
    @classmethod
    def _known_components(cls, value: dict[str, float]) -> dict[str, float]:
        from radar.matching.engine import COMPONENTS

        unknown = sorted(set(value) - set(COMPONENTS))
        if unknown:
            raise ValueError(f"unknown match component {unknown[0]!r}")
        if any(not 0 <= weight <= 1 for weight in value.values()):
            raise ValueError("match weights are between 0 and 1")
        return value

    webhooks_allow_private: bool = Field(
        default=False,
        description="Development and tests only: let webhooks go to http:// and to private, "
        "loopback and other non-public addresses.",
    )
    webhooks_dispatch_in_process: bool = Field(
        default=True,
        description="Run a webhook dispatcher inside each API process (so `radar serve` "
        "alone delivers); turn off when `radar worker` processes do it.",
    )

    webhooks_lease_seconds: float = Field(
        default=60.0,
        gt=0,
        description="How long a worker holds the deliveries it claimed; a crashed worker's "
        "come back after it.",
    )

    match_found_threshold: float = Field(
        default=0.3,
        gt=0,
        le=1,
        description="Score at which a created or changed actor's match is announced to "
        "webhooks as `match.found` (once per pair).",
    )

    map_tile_url: str = Field(
        default="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        max_length=500,
        description="Base-map tiles of the map explorer at `/`, a Leaflet URL template "
        "(`{z}/{x}/{y}`, optionally `{s}`); empty: no base map, the points on a plain "
        "background. The explorer's Content-Security-Policy lets images load from its host.",
    )
    map_tile_attribution: str = Field(
        default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
        "contributors",
        max_length=1000,
        description="Attribution shown under the base map (HTML), as the tiles' licence asks.",
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
