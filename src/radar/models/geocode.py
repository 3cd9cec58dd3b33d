"""API shapes of geocoding: candidates for an address field."""

from sqlmodel import SQLModel

from radar.geo.base import GeocodePrecision


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
