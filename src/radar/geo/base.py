"""What every geocoder takes and returns."""

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Protocol

from radar.matching.normalise import fold


class GeocodePrecision(StrEnum):
    """How finely a geocoded point locates an address."""

    street = "street"
    postcode = "postcode"
    city = "city"


class GeocodeStatus(StrEnum):
    """Where a row's coordinates came from."""

    none = "none"  # no address to geocode
    manual = "manual"  # coordinates given by the caller
    ok = "ok"  # geocoded
    failed = "failed"  # geocoding found nothing or failed; see geocode_error
    pending = "pending"  # to be geocoded (e.g. imported while geocoding was off)


class GeocodingUnavailable(Exception):
    """A geocoder could not answer (network, timeout, quota): retry later."""


# Spellings of the German states as addresses write them, folded, to their GeoNames codes.
STATES: dict[str, str] = {
    "01": "Baden-Württemberg",
    "02": "Bayern",
    "03": "Bremen",
    "04": "Hamburg",
    "05": "Hessen",
    "06": "Niedersachsen",
    "07": "Nordrhein-Westfalen",
    "08": "Rheinland-Pfalz",
    "09": "Saarland",
    "10": "Schleswig-Holstein",
    "11": "Brandenburg",
    "12": "Mecklenburg-Vorpommern",
    "13": "Sachsen",
    "14": "Sachsen-Anhalt",
    "15": "Thüringen",
    "16": "Berlin",
}
_STATE_ABBREVIATIONS = {
    "bw": "01", "by": "02", "bayern": "02", "bavaria": "02", "hb": "03", "hh": "04", "he": "05",
    "ni": "06", "nds": "06", "nrw": "07", "nw": "07", "north rhine-westphalia": "07",
    "rp": "08", "rlp": "08", "sl": "09", "sh": "10", "bb": "11", "mv": "12", "sn": "13",
    "st": "14", "th": "15", "be": "16",
}  # fmt: skip


@dataclass(frozen=True)
class Address:
    """A postal address as actors and ideas store it; `state` and `district` (a Kreis, e.g.
    "Siegen-Wittgenstein") are optional hints that decide between places of the same name."""

    street: str | None = None
    postcode: str | None = None
    city: str | None = None
    country: str = "DE"
    state: str | None = None
    district: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.street or self.postcode or self.city)

    def query(self) -> str:
        """The address as one line, as online geocoders take it."""
        place = " ".join(part for part in (self.postcode, self.city) if part)
        parts = [self.street, place, self.district, self.state, self.country]
        return ", ".join(part.strip() for part in parts if part and part.strip())


@dataclass(frozen=True)
class GeocodeResult:
    """A geocoded point, how precise it is and where it came from."""

    lat: float
    lon: float
    precision: GeocodePrecision
    source: str
    label: str
    postcode: str | None = None
    city: str | None = None
    district: str | None = None
    state: str | None = None
    country: str = "DE"


class Geocoder(Protocol):
    """Anything that turns an address into coordinates.

    `geocode` returns None when the address is not found and raises GeocodingUnavailable when
    the geocoder cannot answer now."""

    name: str

    def geocode(self, address: Address) -> GeocodeResult | None: ...

    def candidates(self, query: str, *, limit: int = 5) -> list[GeocodeResult]: ...


_POSTCODE = re.compile(r"\b(\d{5})\b")


def state_code(text: str | None) -> str | None:
    """The GeoNames code of a German state named or abbreviated in `text`, if any."""
    if not text:
        return None
    return _state_codes().get(fold(text))


@lru_cache(maxsize=1)
def _state_codes() -> dict[str, str]:
    codes = {fold(name): code for code, name in STATES.items()}
    return codes | _STATE_ABBREVIATIONS


def parse_query(query: str) -> Address:
    """Split a one-line German address ("Weg 1, 57290 Neunkirchen, NRW") into its parts."""
    parts = [part.strip() for part in query.split(",") if part.strip()]
    street = postcode = city = state = None
    country = "DE"
    rest: list[str] = []
    for part in parts:
        if state_code(part):
            state = part
            continue
        if part.casefold() in {"de", "deutschland", "germany"}:
            continue
        match = _POSTCODE.search(part)
        if match and postcode is None:
            postcode = match.group(1)
            remainder = (part[: match.start()] + part[match.end() :]).strip()
            if remainder:
                city = remainder
            continue
        rest.append(part)
    if rest:
        if city is None:
            # The city is the last part without a number: "Siegen, Unteres Schloss 3".
            named = [part for part in rest if not any(ch.isdigit() for ch in part)]
            city = named[-1] if named else rest[-1]
            rest.remove(city)
        if rest:
            street = ", ".join(rest)
    elif city is None and postcode is None and parts:
        city = parts[-1]
    if city and any(ch.isdigit() for ch in city) and street is None and postcode is None:
        street, city = city, None
    if city and state is None and " " in city:
        head, _, last = city.rpartition(" ")
        if state_code(last.strip("()")):
            city, state = head.strip(), last.strip("()")
    return Address(street=street, postcode=postcode, city=city, country=country, state=state)
