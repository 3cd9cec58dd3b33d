"""Geocoding: candidates for an address field (API shapes) and the online geocoders' cache."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from radar.geo.base import GeocodePrecision
from radar.models.base import utcnow


class GeocodeCandidate(SQLModel):
    """A place or postcode an address could mean, and how precisely it locates it."""

    label: str
    lat: float
    lon: float
    precision: GeocodePrecision
    source: str
    postcode: str | None
    city: str | None
    district: str | None
    state: str | None
    country: str


class GeocodeCandidates(SQLModel):
    data: list[GeocodeCandidate]


class GeocodeCacheEntry(SQLModel, table=True):
    """An online geocoder's answer for one address, kept so no address is looked up twice."""

    __tablename__ = "geocode_cache"

    key: str = Field(primary_key=True, max_length=64, description="sha256 of source and query")
    source: str = Field(max_length=64)
    query: str = Field(sa_type=sa.Text)
    # None: the geocoder found nothing for this address.
    result: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    created_at: datetime = Field(default_factory=utcnow)
