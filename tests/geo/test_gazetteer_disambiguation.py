"""The offline gazetteer decides between places of the same name by district and qualifier,
and falls back from an unknown street to the postcode or city it names."""

import csv
from pathlib import Path

import pytest

from radar.geo.base import Address, GeocodePrecision, parse_query
from radar.geo.gazetteer import Gazetteer, distance_km, get_gazetteer, home_gazetteer

MUNICIPALITIES = Path(__file__).parent.parent / "fixtures" / "suedwestfalen_municipalities.csv"
NEUNKIRCHEN_SIEGERLAND = (50.80, 8.00)
NEUNKIRCHEN_SAAR = (49.34, 7.18)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return get_gazetteer()


def _municipalities() -> list[tuple[str, str]]:
    with MUNICIPALITIES.open(encoding="utf-8") as fh:
        return [(row["municipality"], row["district"]) for row in csv.DictReader(fh)]


@pytest.mark.parametrize(("municipality", "district"), _municipalities())
def test_every_municipality_with_its_district_geocodes_into_that_district(
    gazetteer: Gazetteer, municipality: str, district: str
) -> None:
    for address in (
        Address(city=municipality, district=district),
        parse_query(f"{municipality}, {district}"),
    ):
        result = gazetteer.geocode(address)

        assert result is not None, address
        assert result.district == district, address
        assert gazetteer.district_at(result.lat, result.lon) == district


@pytest.mark.parametrize(
    "address",
    [
        Address(city="Neunkirchen", district="Siegen-Wittgenstein"),
        Address(city="Neunkirchen", district="Kreis Siegen-Wittgenstein"),
        Address(city="Neunkirchen, Siegen-Wittgenstein"),
        Address(city="Neunkirchen (Siegerland)"),
        parse_query("Neunkirchen, Siegen-Wittgenstein"),
        parse_query("Neunkirchen, Kreis Siegen-Wittgenstein"),
        parse_query("Neunkirchen (Siegerland), NRW"),
    ],
)
def test_a_district_or_qualifier_picks_neunkirchen_in_siegen_wittgenstein(
    gazetteer: Gazetteer, address: Address
) -> None:
    result = gazetteer.geocode(address)

    assert result is not None
    assert (result.city, result.district) == ("Neunkirchen", "Siegen-Wittgenstein")
    assert result.precision is GeocodePrecision.city
    assert distance_km(result.lat, result.lon, *NEUNKIRCHEN_SIEGERLAND) < 6


@pytest.mark.parametrize(
    "address",
    [
        Address(city="Neunkirchen"),
        Address(city="Neunkirchen (Saar)"),
        Address(city="Neunkirchen", district="Landkreis Neunkirchen"),
        parse_query("Neunkirchen, Saarland"),
    ],
)
def test_without_a_district_in_nrw_or_a_home_neunkirchen_is_the_largest_one_in_saarland(
    gazetteer: Gazetteer, address: Address
) -> None:
    result = gazetteer.geocode(address)

    assert result is not None
    assert result.state == "Saarland"
    assert distance_km(result.lat, result.lon, *NEUNKIRCHEN_SAAR) < 6


@pytest.mark.parametrize(("municipality", "district"), _municipalities())
def test_at_home_in_suedwestfalen_every_municipality_by_name_alone_is_the_one_at_home(
    municipality: str, district: str
) -> None:
    home = home_gazetteer(("Südwestfalen",))
    for address in (Address(city=municipality), parse_query(municipality)):
        result = home.geocode(address)

        assert result is not None, address
        assert result.district == district, address


def test_at_home_bare_neunkirchen_is_the_one_in_siegen_wittgenstein() -> None:
    result = home_gazetteer(("Kreis Siegen-Wittgenstein",)).geocode(Address(city="Neunkirchen"))

    assert result is not None
    assert distance_km(result.lat, result.lon, *NEUNKIRCHEN_SIEGERLAND) < 6


@pytest.mark.parametrize(
    "address",
    [
        Address(city="Neunkirchen (Saar)"),
        Address(city="Neunkirchen", district="Landkreis Neunkirchen"),
        Address(city="Neunkirchen", postcode="66538"),
        parse_query("Neunkirchen, Saarland"),
    ],
)
def test_what_the_address_says_beats_the_home(address: Address) -> None:
    result = home_gazetteer(("Südwestfalen",)).geocode(address)

    assert result is not None
    assert result.state == "Saarland"


def test_autocomplete_offers_the_place_at_home_first() -> None:
    labels = [c.label for c in home_gazetteer(("Siegerland",)).candidates("Neunkirchen")]

    assert labels[0] == "Neunkirchen, Siegen-Wittgenstein, Nordrhein-Westfalen"
    assert "Neunkirchen, Saarland" in labels


def test_an_unknown_home_district_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="Atlantis"):
        get_gazetteer().home_districts(["Olpe", "Atlantis"])


def test_a_district_without_the_named_place_prefers_the_nearest_one(
    gazetteer: Gazetteer,
) -> None:
    result = gazetteer.geocode(Address(city="Neunkirchen", district="Olpe"))

    assert result is not None
    assert result.district == "Siegen-Wittgenstein"


@pytest.mark.parametrize(
    ("name", "city", "state"),
    [
        ("Menden (Sauerland)", "Menden", "Nordrhein-Westfalen"),
        ("Neunkirchen (Siegerland)", "Neunkirchen", "Nordrhein-Westfalen"),
        ("Halle (Saale)", "Halle (Saale)", "Sachsen-Anhalt"),
        ("Halle/Saale", "Halle (Saale)", "Sachsen-Anhalt"),
        ("Frankfurt am Main", "Frankfurt am Main", "Hessen"),
        ("Frankfurt/Main", "Frankfurt am Main", "Hessen"),
        ("Frankfurt (Oder)", "Frankfurt (Oder)", "Brandenburg"),
        ("Mülheim an der Ruhr", "Mülheim an der Ruhr", "Nordrhein-Westfalen"),
    ],
)
def test_official_names_with_a_qualifier_resolve(
    gazetteer: Gazetteer, name: str, city: str, state: str
) -> None:
    for address in (Address(city=name), parse_query(name)):
        result = gazetteer.geocode(address)

        assert result is not None, address
        assert (result.city, result.state) == (city, state)


def test_a_street_before_or_after_the_city_is_parsed_as_the_street() -> None:
    for query in ("Siegen, Unteres Schloss 3", "Unteres Schloss 3, Siegen"):
        address = parse_query(query)

        assert (address.street, address.city) == ("Unteres Schloss 3", "Siegen")


@pytest.mark.parametrize(
    ("address", "precision"),
    [
        (parse_query("Siegen, Unteres Schloss 3"), GeocodePrecision.city),
        (parse_query("Unteres Schloss 3, 57072 Siegen"), GeocodePrecision.postcode),
        (parse_query("Unteres Schloss 3, 57999 Siegen"), GeocodePrecision.city),
        (Address(street="Unteres Schloss 3", city="Siegen"), GeocodePrecision.city),
        (Address(street="Siegen", city="Unteres Schloss 3"), GeocodePrecision.city),
    ],
)
def test_an_unknown_street_falls_back_to_its_postcode_or_city_with_that_precision(
    gazetteer: Gazetteer, address: Address, precision: GeocodePrecision
) -> None:
    result = gazetteer.geocode(address)

    assert result is not None
    assert result.precision is precision
    assert (result.city, result.district) == ("Siegen", "Siegen-Wittgenstein")
    assert distance_km(result.lat, result.lon, 50.874, 8.024) < 6


def test_candidates_put_the_place_in_the_named_district_first(gazetteer: Gazetteer) -> None:
    results = gazetteer.candidates("Neunkirchen, Siegen-Wittgenstein")

    assert results[0].district == "Siegen-Wittgenstein"


def test_the_district_is_part_of_the_query_online_geocoders_get() -> None:
    address = Address(city="Neunkirchen", district="Siegen-Wittgenstein")

    assert address.query() == "Neunkirchen, Siegen-Wittgenstein, DE"
