"""The offline gazetteer: places, postcodes, spellings, ambiguity, districts, centroids."""

import csv
from pathlib import Path

import pytest

from radar.geo.base import Address, GeocodePrecision, parse_query
from radar.geo.gazetteer import Gazetteer, distance_km, get_gazetteer

MUNICIPALITIES = Path(__file__).parent.parent / "fixtures" / "suedwestfalen_municipalities.csv"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return get_gazetteer()


def _municipalities() -> list[tuple[str, str]]:
    with MUNICIPALITIES.open(encoding="utf-8") as fh:
        return [(row["municipality"], row["district"]) for row in csv.DictReader(fh)]


def test_the_fixture_lists_every_municipality_of_the_region() -> None:
    rows = _municipalities()
    assert len(rows) == 60
    assert len({district for _, district in rows}) == 6


@pytest.mark.parametrize(("municipality", "district"), _municipalities())
def test_every_municipality_of_suedwestfalen_geocodes_offline_to_its_district(
    gazetteer: Gazetteer, municipality: str, district: str
) -> None:
    result = gazetteer.geocode(Address(city=municipality, state="NRW"))

    assert result is not None
    assert result.district == district
    assert result.precision is GeocodePrecision.city
    assert result.source == "gazetteer"
    # Südwestfalen lies between 50.7°N–51.8°N and 7.3°E–8.9°E.
    assert 50.6 < result.lat < 51.8
    assert 7.3 < result.lon < 8.9
    # The point is the place itself: its own district resolves from it.
    assert gazetteer.district_at(result.lat, result.lon) == district


@pytest.mark.parametrize(
    ("query", "district", "state"),
    [
        ("57290 Neunkirchen", "Siegen-Wittgenstein", "Nordrhein-Westfalen"),
        ("Neunkirchen, NRW", "Siegen-Wittgenstein", "Nordrhein-Westfalen"),
        ("Neunkirchen, Saarland", None, "Saarland"),
        ("Hagen", "Hagen", "Nordrhein-Westfalen"),
        ("Wenden", "Olpe", "Nordrhein-Westfalen"),
        ("Olpe", "Olpe", "Nordrhein-Westfalen"),
        ("Soest", "Soest", "Nordrhein-Westfalen"),
    ],
)
def test_ambiguous_names_resolve_by_postcode_then_state_then_population(
    gazetteer: Gazetteer, query: str, district: str | None, state: str
) -> None:
    result = gazetteer.geocode(parse_query(query))

    assert result is not None
    assert (result.district, result.state) == (district, state)


@pytest.mark.parametrize(
    "spelling", ["Lüdenscheid", "Luedenscheid", "Ludenscheid", "LÜDENSCHEID", "lüdenscheid "]
)
def test_spellings_of_umlauts_find_the_same_place(gazetteer: Gazetteer, spelling: str) -> None:
    result = gazetteer.geocode(Address(city=spelling))

    assert result is not None
    assert result.city == "Lüdenscheid"
    assert result.district == "Märkischer Kreis"


@pytest.mark.parametrize(
    ("spelling", "city"),
    [("Menden (Sauerland)", "Menden"), ("Wickede (Ruhr)", "Wickede (Ruhr)"), ("Wickede", None)],
)
def test_qualified_names_are_found_with_and_without_their_qualifier(
    gazetteer: Gazetteer, spelling: str, city: str | None
) -> None:
    result = gazetteer.geocode(Address(city=spelling, state="NRW"))

    assert result is not None
    assert result.district in {"Märkischer Kreis", "Soest"}
    if city is not None:
        assert result.city == city


def test_german_names_are_preferred_to_english_ones(gazetteer: Gazetteer) -> None:
    for spelling in ("München", "Muenchen", "Munich"):
        result = gazetteer.geocode(Address(city=spelling))
        assert result is not None
        assert result.city == "München"
        assert result.district == "München"


def test_a_place_s_own_name_beats_another_place_s_alternate_name(gazetteer: Gazetteer) -> None:
    result = gazetteer.geocode(Address(city="Aken"))

    assert result is not None
    assert result.state == "Sachsen-Anhalt"  # Aken (Elbe), not Aachen's old name


def test_a_postcode_geocodes_to_its_centroid_with_postcode_precision(
    gazetteer: Gazetteer,
) -> None:
    result = gazetteer.geocode(
        Address(street="Hauptstraße 1", postcode="58507", city="Lüdenscheid")
    )

    assert result is not None
    assert result.precision is GeocodePrecision.postcode
    assert (result.postcode, result.city, result.district) == (
        "58507",
        "Lüdenscheid",
        "Märkischer Kreis",
    )
    assert distance_km(result.lat, result.lon, 51.2198, 7.6273) < 5


def test_unknown_or_foreign_addresses_are_not_found(gazetteer: Gazetteer) -> None:
    assert gazetteer.geocode(Address(city="Atlantis an der Lenne")) is None
    assert gazetteer.geocode(Address(city="Siegen", country="NL")) is None
    assert gazetteer.geocode(Address()) is None


def test_candidates_complete_a_typed_prefix_most_populous_first(gazetteer: Gazetteer) -> None:
    results = gazetteer.candidates("Lüd", limit=3)

    assert results[0].city == "Lüdenscheid"
    assert len(results) == 3
    assert all(r.city is not None and r.city.startswith("Lüd") for r in results)


def test_candidates_for_a_postcode_prefix(gazetteer: Gazetteer) -> None:
    results = gazetteer.candidates("5746", limit=5)

    assert results
    assert all(r.postcode is not None and r.postcode.startswith("5746") for r in results)
    assert all(r.precision is GeocodePrecision.postcode for r in results)


def test_centroids_for_location_privacy(gazetteer: Gazetteer) -> None:
    street_in_luedenscheid = (51.2251, 7.6412)

    postcode_point = gazetteer.postcode_centroid("58507", *street_in_luedenscheid)
    assert postcode_point == (gazetteer.postcodes["58507"].lat, gazetteer.postcodes["58507"].lon)
    # No postcode given: the nearest postcode area's centroid.
    assert gazetteer.postcode_centroid(None, *street_in_luedenscheid) in {
        (pc.lat, pc.lon) for pc in gazetteer.postcodes.values() if pc.code.startswith("585")
    }
    city_point = gazetteer.city_centroid("Lüdenscheid", *street_in_luedenscheid)
    assert city_point == (51.21977, 7.6273)
    # An unknown city name: the nearest municipality's centre.
    assert gazetteer.city_centroid("Nirgendwo", *street_in_luedenscheid) == city_point


def test_district_at_a_point_outside_germany_is_none(gazetteer: Gazetteer) -> None:
    assert gazetteer.district_at(40.4168, -3.7038) is None  # Madrid
