"""Geocoding on write: every address change locates the row, and a failed lookup is recorded
on the row (never failing the write) for `radar geocode --pending` to retry."""

import dataclasses
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from radar.geo.base import (
    Address,
    GeocodePrecision,
    Geocoder,
    GeocodeResult,
    GeocodeStatus,
    GeocodingUnavailable,
)
from radar.geo.gazetteer import get_gazetteer, home_gazetteer
from radar.geo.online import ChainGeocoder, GeopyGeocoder
from radar.matching.normalise import fold
from radar.models.actor import Actor
from radar.models.geocode import GeocodeCacheEntry
from radar.models.idea import Idea
from radar.services.common import touch
from radar.settings import Settings, get_settings

# The district helps tell places of one name apart (Neunkirchen in Siegen-Wittgenstein or in
# Saarland): changing it locates the row again.
ADDRESS_FIELDS = frozenset({"street", "postcode", "city", "country", "district"})
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


def configured_geocoder(session: Session, settings: Settings | None = None) -> Geocoder:
    """The geocoder chain `settings.geocoders` names, in order; online geocoders answer through
    the persistent cache in `session` (so no address is looked up twice) and share one rate
    limiter per process. The default, `["gazetteer"]`, is the offline gazetteer alone."""
    settings = settings or get_settings()
    chain: list[Geocoder] = []
    for name in settings.geocoders:
        if name == "gazetteer":
            chain.append(home_gazetteer(tuple(settings.home_districts)))
            continue
        options = json.dumps(settings.geocoder_options.get(name, {}), sort_keys=True)
        online = _online_geocoder(
            name,
            settings.geocoder_user_agent,
            settings.geocoder_timeout_seconds,
            settings.geocoder_min_delay_seconds,
            options,
        )
        chain.append(CachedGeocoder(online, session))
    return chain[0] if len(chain) == 1 else ChainGeocoder(chain)


@lru_cache(maxsize=32)
def _online_geocoder(
    name: str, user_agent: str, timeout: float, min_delay_seconds: float, options: str
) -> GeopyGeocoder:
    # One instance per configuration and process: its rate limiter spaces all our requests.
    return GeopyGeocoder(
        name,
        user_agent=user_agent,
        timeout=timeout,
        min_delay_seconds=min_delay_seconds,
        options=json.loads(options),
    )


class CachedGeocoder:
    """An online geocoder whose answers, found or not, are kept in the `geocode_cache` table;
    a lookup that could not be answered (GeocodingUnavailable) is not kept."""

    def __init__(self, inner: Geocoder, session: Session) -> None:
        self.inner = inner
        self.name = inner.name
        self._session = session

    def geocode(self, address: Address) -> GeocodeResult | None:
        query = address.query()
        key = hashlib.sha256(f"{self.name}\n{fold(query)}".encode()).hexdigest()
        entry = self._session.get(GeocodeCacheEntry, key)
        if entry is not None:
            return None if entry.result is None else _from_cache(entry.result)
        found = self.inner.geocode(address)
        cached = None if found is None else dataclasses.asdict(found)
        try:
            with self._session.begin_nested():
                self._session.add(
                    GeocodeCacheEntry(key=key, source=self.name, query=query, result=cached)
                )
        except IntegrityError:
            pass  # another process cached the same address meanwhile
        return found

    def candidates(self, query: str, *, limit: int = 5) -> list[GeocodeResult]:
        return self.inner.candidates(query, limit=limit)


def _from_cache(stored: dict[str, Any]) -> GeocodeResult:
    return GeocodeResult(**{**stored, "precision": GeocodePrecision(stored["precision"])})


def locate_on_write(
    session: Session, row: Locatable, *, changed: Iterable[str], geocoder: Geocoder | None = None
) -> None:
    """Bring a row's coordinates and geocode fields in line with the fields just written:
    coordinates given → manual (and the district filled in from them); an address given or
    changed without coordinates → geocoded (by `geocoder`, else the configured chain)."""
    changed = set(changed)
    if changed & {"lat", "lon"} and row.lat is not None:
        _set(row, GeocodeStatus.manual, source="manual")
        if not row.district and row.lat is not None and row.lon is not None:
            row.district = get_gazetteer().district_at(row.lat, row.lon)
        return
    if changed & (ADDRESS_FIELDS | {"lat", "lon"}):
        geocode_row(row, geocoder or configured_geocoder(session))


def geocode_row(row: Locatable, geocoder: Geocoder) -> bool:
    """Geocode the row's address in place; True when it was found."""
    address = Address(
        street=row.street,
        postcode=row.postcode,
        city=row.city,
        country=row.country or "DE",
        district=row.district,
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
    on_rows: Callable[[int], object] | None = None,
    on_row: Callable[[], object] | None = None,
) -> RetryReport:
    """Geocode again up to `limit` rows whose geocoding failed or never ran; each row changed
    gets a new version and its `….updated` event through `record`. `on_rows` is told how many
    rows there are, `on_row` called after each (a progress bar's total and steps)."""
    located = failed = 0
    geocoder = geocoder or configured_geocoder(session)
    rows = rows_to_retry(session, model, limit=limit)
    if on_rows is not None:
        on_rows(len(rows))
    for row in rows:
        if geocode_row(row, geocoder):
            located += 1
        else:
            failed += 1
        touch(row)
        session.flush()
        record(session, row)
        if on_row is not None:
            on_row()
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
