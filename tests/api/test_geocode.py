"""`GET /v1/geocode`: address completion from the offline gazetteer."""

from fastapi.testclient import TestClient

from radar.models.account import Role
from tests.conftest import ClientFactory


def test_candidates_for_a_typed_place_with_precision_and_district(client: TestClient) -> None:
    response = client.get("/v1/geocode", params={"q": "Lüdensch", "limit": 2})

    assert response.status_code == 200, response.text
    first = response.json()["data"][0]
    assert first["city"] == "Lüdenscheid"
    assert first["district"] == "Märkischer Kreis"
    assert first["precision"] == "city"
    assert first["source"] == "gazetteer"
    assert len(response.json()["data"]) <= 2


def test_a_full_address_resolves_an_ambiguous_name_by_its_postcode(client: TestClient) -> None:
    response = client.get("/v1/geocode", params={"q": "Hauptstraße 3, 57290 Neunkirchen"})

    first = response.json()["data"][0]
    assert (first["postcode"], first["city"], first["district"], first["precision"]) == (
        "57290",
        "Neunkirchen",
        "Siegen-Wittgenstein",
        "postcode",
    )


def test_nothing_found_is_an_empty_list(client: TestClient) -> None:
    response = client.get("/v1/geocode", params={"q": "Xyzzyhausen"})

    assert response.status_code == 200
    assert response.json()["data"] == []


def test_bad_parameters_are_problems_naming_the_field(client: TestClient) -> None:
    response = client.get("/v1/geocode", params={"q": "", "limit": 500})

    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert {e["field"] for e in response.json()["errors"]} == {"q", "limit"}


def test_anonymous_callers_need_a_token_or_public_read(
    make_client: ClientFactory, public_reader: TestClient
) -> None:
    assert make_client(None).get("/v1/geocode", params={"q": "Siegen"}).status_code == 401
    assert public_reader.get("/v1/geocode", params={"q": "Siegen"}).status_code == 200
    assert make_client(Role.partner).get("/v1/geocode", params={"q": "Siegen"}).status_code == 200
