"""The offline gazetteer: German places and postcodes shipped with the package, the default
geocoder, the district resolver and the source of the centroids that location privacy rounds to.
"""

import bisect
import gzip
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import TypeVar

from radar.geo.base import (
    STATES,
    Address,
    GeocodePrecision,
    GeocodeResult,
    parse_query,
    state_code,
)
from radar.geo.districts import NRW_DISTRICTS, district_index, district_key
from radar.geo.names import name_keys, qualifier_of
from radar.matching.normalise import fold

# Cells per degree of the nearest-point grid (about 11 km × 7 km cells in Germany).
_GRID = 10
# A place named like the address's city counts as "that city" within this distance of its
# postcode; postcode areas of one municipality lie well inside it.
_SAME_PLACE_KM = 25.0
# The reach of the centroids that location privacy rounds to: a point further than this from
# every postcode centroid (or every place) lies outside the areas the gazetteer knows.
POSTCODE_AREA_KM = 15.0
PLACE_AREA_KM = _SAME_PLACE_KM


@dataclass(frozen=True, slots=True)
class Place:
    """A populated place: a municipality (`main`) or a village or town part of one."""

    name: str
    lat: float
    lon: float
    state: str
    kreis: str
    gemeinde: str
    population: int
    main: bool
    alternates: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Postcode:
    """A German postcode area: its centroid and the places it serves."""

    code: str
    lat: float
    lon: float
    state: str
    kreis: str
    places: tuple[str, ...]


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a spherical Earth (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


def _rows(filename: str) -> Iterator[list[str]]:
    with gzip.open(str(files("radar.geo") / "data" / filename), "rt", encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            yield line.rstrip("\n").split("\t")


class Gazetteer:
    """Offline geocoding of German addresses to postcode or place centroids.

    Ambiguous names resolve by postcode, then state, then district (given, or as the name's
    qualifier), then population: "Neunkirchen, 57290", "Neunkirchen, Siegen-Wittgenstein" and
    "Neunkirchen (Siegerland)" are the one in Siegen-Wittgenstein, "Hagen" the city in North
    Rhine-Westphalia."""

    name = "gazetteer"

    def __init__(self, places: Iterable[Place], postcodes: Iterable[Postcode]) -> None:
        self.postcodes: dict[str, Postcode] = {pc.code: pc for pc in postcodes}
        self.places: list[Place] = list(places)
        self._add_postcode_places()
        # A place's own name ranks before other places' alternate names: "Aken" is the town
        # on the Elbe before it is an old name of Aachen.
        ranked: dict[str, dict[int, tuple[bool, Place]]] = {}
        for place in self.places:
            for key in name_keys(place.name):
                ranked.setdefault(key, {})[id(place)] = (False, place)
            for alternate in place.alternates:
                for key in name_keys(alternate):
                    ranked.setdefault(key, {}).setdefault(id(place), (True, place))
        self._by_name: dict[str, list[Place]] = {
            key: [
                place
                for _alt, place in sorted(
                    entries.values(),
                    key=lambda e: (e[0], not e[1].main, -e[1].population, e[1].gemeinde),
                )
            ]
            for key, entries in ranked.items()
        }
        self._names = sorted(self._by_name)
        # A kreisfreie Stadt's municipality key is its district key followed by 000.
        self._city_districts = {
            p.kreis: p.name for p in self.places if p.main and p.gemeinde == p.kreis + "000"
        }
        self._districts = district_index(NRW_DISTRICTS | self._city_districts)
        by_district: dict[str, list[Postcode]] = {}
        for pc in self.postcodes.values():
            by_district.setdefault(pc.kreis, []).append(pc)
        self._district_centres = {
            kreis: (sum(pc.lat for pc in pcs) / len(pcs), sum(pc.lon for pc in pcs) / len(pcs))
            for kreis, pcs in by_district.items()
        }
        self._grid: dict[tuple[int, int], list[Postcode]] = {}
        for pc in self.postcodes.values():
            self._grid.setdefault(_cell(pc.lat, pc.lon), []).append(pc)
        self._place_grid: dict[tuple[int, int], list[Place]] = {}
        for place in self.places:
            self._place_grid.setdefault(_cell(place.lat, place.lon), []).append(place)

    def _add_postcode_places(self) -> None:
        # Municipalities made of several villages (Ense, Lippetal) appear in GeoNames only by
        # their villages; the postcode list names them: place them at their postcodes' centre.
        known: dict[str, list[Place]] = {}
        for place in self.places:
            known.setdefault(fold(place.name), []).append(place)
        served: dict[str, list[Postcode]] = {}
        for pc in self.postcodes.values():
            for name in pc.places:
                served.setdefault(name, []).append(pc)
        for name, postcodes in served.items():
            lat = sum(pc.lat for pc in postcodes) / len(postcodes)
            lon = sum(pc.lon for pc in postcodes) / len(postcodes)
            nearby = [
                p
                for p in known.get(fold(name), ())
                if distance_km(p.lat, p.lon, lat, lon) < _SAME_PLACE_KM
            ]
            if not nearby:
                first = postcodes[0]
                self.places.append(
                    Place(name, lat, lon, first.state, first.kreis, "", 0, main=False)
                )

    @classmethod
    def from_package(cls) -> "Gazetteer":
        """The gazetteer from the data files shipped in `radar/geo/data/`."""
        places = (
            Place(
                name=row[0],
                lat=float(row[2]),
                lon=float(row[3]),
                state=row[4],
                kreis=row[5],
                gemeinde=row[6],
                population=int(row[7]),
                main=row[8] == "1",
                alternates=tuple(row[1].split("|")) if row[1] else (),
            )
            for row in _rows("de_places.tsv.gz")
        )
        postcodes = (
            Postcode(
                code=row[0],
                lat=float(row[1]),
                lon=float(row[2]),
                state=row[3],
                kreis=row[4],
                places=tuple(row[5].split("|")) if row[5] else (),
            )
            for row in _rows("de_postcodes.tsv.gz")
        )
        return cls(places, postcodes)

    # -- the Geocoder interface -------------------------------------------------------------

    def geocode(
        self, address: Address, *, home: frozenset[str] = frozenset()
    ) -> GeocodeResult | None:
        """The best point for an address: its postcode's centroid, else its place's; None when
        neither is known (or the address is outside Germany). Of places sharing a name that
        nothing else in the address tells apart, one in the `home` districts (keys, see
        `home_districts`) comes first."""
        if address.country.upper() not in {"DE", "DEU"}:
            return None
        pc = self.postcodes.get((address.postcode or "").strip())
        state = state_code(address.state)
        place = self._find_place(
            address.city, postcode=pc, state=state, district=address.district, home=home
        )
        if place is None and pc is None and address.street:
            # "Neunkirchen, Siegen-Wittgenstein" reads as street and city: the place is in the
            # street field, the "city" names its district (or the fields are swapped).
            place = self._find_place(
                address.street, postcode=None, state=state, district=address.city, home=home
            )
        if pc is not None:
            return self._postcode_result(pc, place)
        if place is not None:
            return self._place_result(place, GeocodePrecision.city)
        return None

    def candidates(
        self, query: str, *, limit: int = 5, home: frozenset[str] = frozenset()
    ) -> list[GeocodeResult]:
        """Autocomplete for an address field: the postcode if one is typed, then the places
        whose name starts with the typed text, those in the `home` districts first, then the
        most populous."""
        text = query.strip()
        if text.isdigit() and len(text) < 5:
            matching = (code for code in sorted(self.postcodes) if code.startswith(text))
            return [self._postcode_result(self.postcodes[code], None) for code in matching][:limit]
        address = parse_query(query)
        results: list[GeocodeResult] = []
        exact = self.geocode(address, home=home)
        if exact is not None:
            results.append(exact)
        if address.city:
            code = state_code(address.state)
            starting = self._places_starting(address.city)
            for place in sorted(starting, key=lambda p: p.kreis not in home):
                if code is None or place.state == code:
                    results.append(self._place_result(place, GeocodePrecision.city))
        unique: dict[tuple[float, float, str], GeocodeResult] = {}
        for result in results:
            unique.setdefault((result.lat, result.lon, result.label), result)
        return list(unique.values())[:limit]

    # -- districts and centroids ---------------------------------------------------------------

    def home_districts(self, names: Iterable[str]) -> frozenset[str]:
        """The keys of the districts named (as `RADAR_HOME_DISTRICTS` names them: "Olpe",
        "Kreis Olpe", "Hagen"); ValueError naming the first that is no known district."""
        keys: set[str] = set()
        for name in names:
            found = self._districts.get(district_key(name))
            if not found:
                raise ValueError(f"unknown district {name!r}")
            keys |= found
        return frozenset(keys)

    def district_of(self, kreis: str) -> str | None:
        """The name of a district (Kreis or kreisfreie Stadt) by its five-digit key."""
        return NRW_DISTRICTS.get(kreis) or self._city_districts.get(kreis)

    def nearest_postcode(self, lat: float, lon: float) -> Postcode | None:
        """The postcode whose centroid is nearest to a point in or near Germany."""
        return _nearest(self._grid, lat, lon)

    def district_at(self, lat: float, lon: float) -> str | None:
        """The district a point lies in, by the nearest postcode centroid (within 30 km)."""
        pc = self.nearest_postcode(lat, lon)
        if pc is None or distance_km(lat, lon, pc.lat, pc.lon) > 30:
            return None
        return self.district_of(pc.kreis)

    def postcode_centroid(
        self, postcode: str | None, lat: float, lon: float
    ) -> tuple[float, float] | None:
        """The centroid of the postcode area `postcode` when known, else of the one nearest to
        the point, whichever first lies within `POSTCODE_AREA_KM` of the point; None when
        neither does (outside Germany)."""
        for pc in (self.postcodes.get((postcode or "").strip()), self.nearest_postcode(lat, lon)):
            if pc is not None and distance_km(pc.lat, pc.lon, lat, lon) <= POSTCODE_AREA_KM:
                return pc.lat, pc.lon
        return None

    def city_centroid(self, city: str | None, lat: float, lon: float) -> tuple[float, float] | None:
        """The centre of the place `city` nearest to the point, else of the municipality
        nearest to it, within `PLACE_AREA_KM` of the point: the coordinates shown for a
        city-precision location; None when there is none (outside Germany)."""
        named = [
            p for p in self._lookup(city) if distance_km(p.lat, p.lon, lat, lon) < PLACE_AREA_KM
        ]
        if named:
            place = min(named, key=lambda p: distance_km(p.lat, p.lon, lat, lon))
        else:
            found = _nearest(self._place_grid, lat, lon, keep=lambda p: p.main)
            if found is None or distance_km(found.lat, found.lon, lat, lon) >= PLACE_AREA_KM:
                return None
            place = found
        return place.lat, place.lon

    # -- lookups ----------------------------------------------------------------------------

    def _lookup(self, city: str | None) -> list[Place]:
        if not city:
            return []
        for key in (fold(city), *sorted(name_keys(city), key=len, reverse=True)):
            if key in self._by_name:
                return self._by_name[key]
        return []

    def _find_place(
        self,
        city: str | None,
        *,
        postcode: Postcode | None,
        state: str | None,
        district: str | None = None,
        home: frozenset[str] = frozenset(),
    ) -> Place | None:
        candidates = self._lookup(city)
        qualifier = qualifier_of(city)
        if state is None and state_code(qualifier):
            state, qualifier = state_code(qualifier), None
        if postcode is not None:
            near = [
                p
                for p in candidates
                if distance_km(p.lat, p.lon, postcode.lat, postcode.lon) < _SAME_PLACE_KM
            ]
            return (
                min(near, key=lambda p: distance_km(p.lat, p.lon, postcode.lat, postcode.lon))
                if near
                else None
            )
        if state is not None:
            candidates = [p for p in candidates if p.state == state] or candidates
        anchor = self._anchor(district) or self._anchor(qualifier)
        if anchor is not None and candidates:
            # The place in the district, else the one nearest to it.
            kreise, lat, lon = anchor
            return min(
                candidates,
                key=lambda p: (
                    p.kreis not in kreise,
                    0.0 if p.kreis in kreise else distance_km(p.lat, p.lon, lat, lon),
                ),
            )
        if state is None and qualifier is None and not district:
            # A bare name: the cluster's own place before a larger one elsewhere.
            candidates = [p for p in candidates if p.kreis in home] or candidates
        return candidates[0] if candidates else None

    def _anchor(self, name: str | None) -> tuple[frozenset[str], float, float] | None:
        """The districts a district, landscape or place name stands for, and their centre."""
        if not name:
            return None
        kreise = self._districts.get(district_key(name))
        if kreise:
            centres = [self._district_centres[k] for k in kreise if k in self._district_centres]
            if centres:
                lat = sum(c[0] for c in centres) / len(centres)
                lon = sum(c[1] for c in centres) / len(centres)
                return kreise, lat, lon
        places = self._lookup(name)
        if places:
            return frozenset({places[0].kreis}), places[0].lat, places[0].lon
        return None

    def _places_starting(self, text: str) -> list[Place]:
        prefix = fold(text)
        start = bisect.bisect_left(self._names, prefix)
        found: dict[int, Place] = {}
        for key in self._names[start : start + 200]:
            if not key.startswith(prefix):
                break
            for place in self._by_name[key]:
                found.setdefault(id(place), place)

        def own_name_first(place: Place) -> tuple[bool, bool, int, str]:
            own = any(key.startswith(prefix) for key in name_keys(place.name))
            return not own, not place.main, -place.population, place.name

        return sorted(found.values(), key=own_name_first)

    def _postcode_result(self, pc: Postcode, place: Place | None) -> GeocodeResult:
        city = place.name if place is not None else (pc.places[0] if pc.places else None)
        return GeocodeResult(
            lat=pc.lat,
            lon=pc.lon,
            precision=GeocodePrecision.postcode,
            source=self.name,
            label=f"{pc.code} {city}" if city else pc.code,
            postcode=pc.code,
            city=city,
            district=self.district_of(pc.kreis),
            state=STATES.get(pc.state),
        )

    def _place_result(self, place: Place, precision: GeocodePrecision) -> GeocodeResult:
        district = self.district_of(place.kreis)
        state = STATES.get(place.state)
        return GeocodeResult(
            lat=place.lat,
            lon=place.lon,
            precision=precision,
            source=self.name,
            label=", ".join(dict.fromkeys(part for part in (place.name, district, state) if part)),
            city=place.name,
            district=district,
            state=state,
        )


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat * _GRID), math.floor(lon * _GRID)


_Point = TypeVar("_Point", Place, Postcode)


def _nearest(
    grid: dict[tuple[int, int], list[_Point]],
    lat: float,
    lon: float,
    keep: Callable[[_Point], bool] | None = None,
) -> _Point | None:
    row, column = _cell(lat, lon)
    best: _Point | None = None
    for radius in range(0, 8):
        ring = (
            item
            for dy in range(-radius, radius + 1)
            for dx in range(-radius, radius + 1)
            if max(abs(dy), abs(dx)) == radius
            for item in grid.get((row + dy, column + dx), ())
            if keep is None or keep(item)
        )
        for item in ring:
            if best is None or distance_km(lat, lon, item.lat, item.lon) < distance_km(
                lat, lon, best.lat, best.lon
            ):
                best = item
        # A hit in ring r may be beaten by one in ring r + 1 (cells are not circles).
        if best is not None and radius > 0:
            return best
    return best


@lru_cache(maxsize=1)
def get_gazetteer() -> Gazetteer:
    """The shipped gazetteer, loaded once per process."""
    return Gazetteer.from_package()


class HomeGazetteer:
    """The shipped gazetteer as one cluster's geocoder: a name that several places share, with
    nothing else in the address (postcode, district, state, a qualifier like "(Saar)") to tell
    them apart, is the one in the cluster's home districts: in Südwestfalen "Neunkirchen" is
    the municipality in Siegen-Wittgenstein, not the larger town in Saarland."""

    name = Gazetteer.name

    def __init__(self, gazetteer: Gazetteer, home: frozenset[str]) -> None:
        self.gazetteer = gazetteer
        self.home = home

    def geocode(self, address: Address) -> GeocodeResult | None:
        return self.gazetteer.geocode(address, home=self.home)

    def candidates(self, query: str, *, limit: int = 5) -> list[GeocodeResult]:
        return self.gazetteer.candidates(query, limit=limit, home=self.home)


@lru_cache(maxsize=8)
def home_gazetteer(home_districts: tuple[str, ...]) -> HomeGazetteer:
    """The shipped gazetteer for a cluster whose home is `home_districts` (names)."""
    gazetteer = get_gazetteer()
    return HomeGazetteer(gazetteer, gazetteer.home_districts(home_districts))
