"""Geocoding on write: every address change locates the row, and a failed lookup is recorded
on the row (never failing the write) for `radar geocode --pending` to retry."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import select
from sqlmodel import Session, col

from radar.geo.base import Address, Geocoder, GeocodeStatus, GeocodingUnavailable
from radar.geo.gazetteer import get_gazetteer
from radar.models.actor import Actor
from radar.models.idea import Idea
from radar.services.common import touch

ADDRESS_FIELDS = frozenset({"street", "postcode", "city", "country"})
RETRIED = (GeocodeStatus.pending, GeocodeStatus.failed)


class Locatable(Protocol):
    street: str | None
    postcode: str | None
    city: str | None
    district: str | None
    lat: float | None
    lon: float | None
    geocode_status: GeocodeStatus
    geocode_precision: Any
    geocode_source: str | None
    geocode_error: str | None

    @property
    def country(self) -> str | None: ...


def default_geocoder() -> Geocoder:
    """The offline gazetteer: no network, no rate limits, the same answer in every process."""
    return get_gazetteer()


def locate_on_write(
    row: Locatable, *, changed: Iterable[str], geocoder: Geocoder | None = None
) -> None:
    """Bring a row's coordinates and geocode fields in line with the fields just written:
    coordinates given → manual (and the district filled in from them); an address given or
    changed without coordinates → geocoded."""
    changed = set(changed)
    if changed & {"lat", "lon"} and row.lat is not None:
        _set(row, GeocodeStatus.manual, source="manual")
        if not row.district and row.lat is not None and row.lon is not None:
            row.district = get_gazetteer().district_at(row.lat, row.lon)
        return
    if changed & (ADDRESS_FIELDS | {"lat", "lon"}):
        geocode_row(row, geocoder or default_geocoder())


def geocode_row(row: Locatable, geocoder: Geocoder) -> bool:
    """Geocode the row's address in place; True when it was found."""
    address = Address(
        street=row.street, postcode=row.postcode, city=row.city, country=row.country or "DE"
    )
    if address.empty:
        row.lat = row.lon = None
        _set(row, GeocodeStatus.none)
        return False
    try:
        result = geocoder.geocode(address)
    except GeocodingUnavailable as error:
        row.lat = row.lon = None
        _set(row, GeocodeStatus.failed, error=f"{geocoder.name} unavailable: {error}"[:500])
        return False
    if result is None:
        row.lat = row.lon = None
        _set(row, GeocodeStatus.failed, error=f"{geocoder.name} found no place for this address")
        return False
    row.lat, row.lon = result.lat, result.lon
    if result.district:
        row.district = result.district
    _set(row, GeocodeStatus.ok, source=result.source, precision=result.precision)
    return True


def _set(
    row: Locatable,
    status: GeocodeStatus,
    *,
    source: str | None = None,
    precision: Any = None,
    error: str | None = None,
) -> None:
    row.geocode_status = status
    row.geocode_source = source
    row.geocode_precision = precision
    row.geocode_error = error


@dataclass(frozen=True)
class RetryReport:
    """What a retry of pending and failed geocodes did, per entity type."""

    entity_type: str
    located: int
    failed: int


def retry_rows(
    session: Session,
    model: type[Actor] | type[Idea],
    *,
    record: Callable[[Session, Any], None],
    geocoder: Geocoder | None = None,
    limit: int = 1000,
) -> RetryReport:
    """Geocode again up to `limit` rows whose geocoding failed or never ran; each row changed
    gets a new version and its `….updated` event through `record`."""
    located = failed = 0
    for row in rows_to_retry(session, model, limit=limit):
        if geocode_row(row, geocoder or default_geocoder()):
            located += 1
        else:
            failed += 1
        touch(row)
        session.flush()
        record(session, row)
    return RetryReport(entity_type=model.__tablename__, located=located, failed=failed)


def rows_to_retry(session: Session, model: type[Actor] | type[Idea], *, limit: int) -> list[Any]:
    """Rows whose geocoding failed or never ran, locked for the retry, oldest change first."""
    statement = (
        select(model)
        .where(col(model.geocode_status).in_(RETRIED))
        .order_by(col(model.updated_at), col(model.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.execute(statement).scalars())
