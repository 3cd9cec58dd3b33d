"""Online geocoders through geopy (Nominatim, Photon, or any geopy geocoder by name), throttled
by geopy's rate limiter, and the chain that tries the configured geocoders in order."""

import inspect
from collections.abc import Callable, Sequence
from typing import Any

from geopy import exc as geopy_errors
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import SERVICE_TO_GEOCODER, get_geocoder_for_service
from geopy.location import Location

from radar.geo.base import Address, GeocodePrecision, GeocodeResult, GeocodingUnavailable
from radar.geo.gazetteer import get_gazetteer

# What a result's own type says about its precision, per geocoder family: Nominatim's
# `addresstype`, Photon's and Pelias's `type`/`layer`.
_STREET_TYPES = frozenset(
    {"house", "building", "street", "road", "address", "house_number", "venue", "residential"}
)
_POSTCODE_TYPES = frozenset({"postcode", "postalcode"})
_CITY_KEYS = ("city", "town", "village", "municipality", "locality", "hamlet", "suburb")


def known_service(name: str) -> bool:
    """Whether geopy has a geocoder called `name`."""
    return name in SERVICE_TO_GEOCODER


class GeopyGeocoder:
    """One geopy geocoder behind the Geocoder interface: a user agent, a timeout, and at most
    one request per `min_delay_seconds` from this process (geopy's RateLimiter)."""

    def __init__(
        self,
        service: str,
        *,
        user_agent: str,
        timeout: float,
        min_delay_seconds: float,
        options: dict[str, Any] | None = None,
    ) -> None:
        self.name = service
        self._geocoder = get_geocoder_for_service(service)(
            user_agent=user_agent, timeout=timeout, **(options or {})
        )
        accepted = inspect.signature(self._geocoder.geocode).parameters
        hints = {"country_codes": "de", "addressdetails": True, "language": "de"}
        self._hints = {key: value for key, value in hints.items() if key in accepted}
        self._lookup: Callable[..., Any] = RateLimiter(
            self._geocoder.geocode,
            min_delay_seconds=min_delay_seconds,
            max_retries=0,
            swallow_exceptions=False,
        )

    def geocode(self, address: Address) -> GeocodeResult | None:
        if address.empty:
            return None
        found = self._ask(address.query(), exactly_one=True)
        return None if found is None else self._result(found, address)

    def candidates(self, query: str, *, limit: int = 5) -> list[GeocodeResult]:
        hints = (
            {"limit": limit}
            if "limit" in inspect.signature(self._geocoder.geocode).parameters
            else {}
        )
        found = self._ask(query, exactly_one=False, **hints) or []
        return [self._result(location, None) for location in found][:limit]

    def _ask(self, query: str, **kwargs: Any) -> Any:
        try:
            return self._lookup(query, **self._hints, **kwargs)
        except geopy_errors.GeopyError as error:
            raise GeocodingUnavailable(f"{type(error).__name__}: {error}") from error

    def _result(self, location: Location, address: Address | None) -> GeocodeResult:
        raw: dict[str, Any] = location.raw if isinstance(location.raw, dict) else {}
        properties: dict[str, Any] = _mapping(raw.get("properties")) or raw
        details: dict[str, Any] = _mapping(raw.get("address")) or properties
        postcode = details.get("postcode") or details.get("postalcode")
        city = next((details[key] for key in _CITY_KEYS if details.get(key)), None)
        lat, lon = float(location.latitude), float(location.longitude)
        return GeocodeResult(
            lat=lat,
            lon=lon,
            precision=_precision(raw, properties, address),
            source=self.name,
            label=str(location.address),
            postcode=str(postcode) if postcode else None,
            city=str(city) if city else None,
            district=get_gazetteer().district_at(lat, lon),
        )


def _mapping(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def _precision(
    raw: dict[str, Any], properties: dict[str, Any], address: Address | None
) -> GeocodePrecision:
    kind = str(
        raw.get("addresstype") or properties.get("type") or properties.get("layer") or ""
    ).lower()
    if kind in _STREET_TYPES:
        return GeocodePrecision.street
    if kind in _POSTCODE_TYPES:
        return GeocodePrecision.postcode
    if kind:
        return GeocodePrecision.city
    # A geocoder that does not say: as precise as what was asked.
    if address is not None and address.street:
        return GeocodePrecision.street
    if address is not None and address.postcode:
        return GeocodePrecision.postcode
    return GeocodePrecision.city


class ChainGeocoder:
    """The configured geocoders tried in order: the first that finds the address answers. When
    none finds it and one of them could not answer, the lookup is unavailable (to retry)."""

    def __init__(self, geocoders: Sequence[Any]) -> None:
        self.geocoders = list(geocoders)
        self.name = "+".join(geocoder.name for geocoder in self.geocoders)

    def geocode(self, address: Address) -> GeocodeResult | None:
        problems: list[str] = []
        for geocoder in self.geocoders:
            try:
                found = geocoder.geocode(address)
            except GeocodingUnavailable as error:
                problems.append(f"{geocoder.name}: {error}")
                continue
            if found is not None:
                return found  # type: ignore[no-any-return]
        if problems:
            raise GeocodingUnavailable("; ".join(problems))
        return None

    def candidates(self, query: str, *, limit: int = 5) -> list[GeocodeResult]:
        for geocoder in self.geocoders:
            try:
                found: list[GeocodeResult] = geocoder.candidates(query, limit=limit)
            except GeocodingUnavailable:
                continue
            if found:
                return found
        return []
