"""`near`, `near_actor` and `radius_km` on the actor list: nearest first, with distances."""

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from radar.models.account import Role
from tests.conftest import ClientFactory
from tests.factories import create_actor
from tests.idea_factories import idea_body

LUEDENSCHEID = (51.2197, 7.6273)
PLACES = {
    "Lüdenscheid": {"lat": 51.2197, "lon": 7.6273},
    "Altena": {"lat": 51.2986, "lon": 7.6731},  # ~9 km
    "Siegen": {"lat": 50.8748, "lon": 8.0243},  # ~47 km
    "München": {"lat": 48.1374, "lon": 11.5755},  # ~450 km
}


def _listed(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/v1/actors", params=params)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


@pytest.fixture
def placed(client: TestClient) -> dict[str, dict[str, Any]]:
    return {
        city: create_actor(client, name=f"Werk {city}", city=city, **point)
        for city, point in reversed(list(PLACES.items()))
    }


def test_near_orders_by_distance_and_gives_each_distance(
    client: TestClient, placed: dict[str, dict[str, Any]]
) -> None:
    page = _listed(client, near="51.2197,7.6273")

    assert [a["city"] for a in page["data"]] == list(PLACES)
    distances = [a["distance_km"] for a in page["data"]]
    assert distances[0] == 0
    assert distances[1] == pytest.approx(9.6, abs=0.5)
    assert distances[2] == pytest.approx(47.4, abs=1)
    assert distances == sorted(distances)
    assert "distance_km" in _listed(client)["data"][0]
    assert _listed(client)["data"][0]["distance_km"] is None


def test_radius_cuts_and_count_covers_every_page(
    client: TestClient, placed: dict[str, dict[str, Any]]
) -> None:
    first = _listed(client, near="51.2197,7.6273", radius_km=50, limit=2)
    second = _listed(client, near="51.2197,7.6273", radius_km=50, limit=2, offset=2)

    assert first["count"] == 3
    assert [a["city"] for a in first["data"]] == ["Lüdenscheid", "Altena"]
    assert [a["city"] for a in second["data"]] == ["Siegen"]
    assert _listed(client, near="51.2197,7.6273", radius_km=5)["count"] == 1


def test_near_actor_uses_where_that_actor_is_shown(
    client: TestClient, placed: dict[str, dict[str, Any]]
) -> None:
    page = _listed(client, near_actor=placed["Siegen"]["id"], radius_km=60)

    assert [a["city"] for a in page["data"]] == ["Siegen", "Lüdenscheid", "Altena"]


def test_filters_combine_with_near(client: TestClient, placed: dict[str, dict[str, Any]]) -> None:
    startup = create_actor(client, kind="startup", **PLACES["Siegen"])

    page = _listed(client, near="51.2197,7.6273", kind="startup")

    assert [a["id"] for a in page["data"]] == [startup["id"]]


def test_hidden_locations_are_left_out_for_those_who_do_not_manage_them(
    client: TestClient, make_client: ClientFactory
) -> None:
    hidden = create_actor(client, location_precision="hidden", **PLACES["Altena"])
    coarse = create_actor(client, location_precision="city", city="Altena", **PLACES["Altena"])
    reader = make_client(Role.analyst)
    manager = make_client(Role.member, [hidden["id"]])

    assert [a["id"] for a in _listed(reader, near="51.2197,7.6273")["data"]] == [coarse["id"]]
    assert hidden["id"] in [a["id"] for a in _listed(manager, near="51.2197,7.6273")["data"]]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"near": "north"}, "near"),
        ({"near": "91,7"}, "near"),
        ({"near": "51,7", "radius_km": 0}, "radius_km"),
        ({"radius_km": 10}, "radius_km"),
        ({"near": "51,7", "near_actor": str(uuid.uuid4())}, "near_actor"),
    ],
)
def test_bad_near_parameters_are_problems_naming_the_field(
    client: TestClient, params: dict[str, Any], field: str
) -> None:
    response = client.get("/v1/actors", params=params)

    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field


def test_near_an_actor_you_may_not_see_is_404(
    client: TestClient, make_client: ClientFactory
) -> None:
    private = create_actor(client, visibility="private")

    response = make_client(Role.member).get("/v1/actors", params={"near_actor": private["id"]})

    assert response.status_code == 404


def test_ideas_near_a_point_or_an_actor(client: TestClient) -> None:
    far = client.post("/v1/ideas", json=idea_body(title="Fern", **PLACES["München"])).json()
    near = client.post("/v1/ideas", json=idea_body(title="Nah", **PLACES["Altena"])).json()
    unplaced = idea_body(title="Ohne Ort", lat=None, lon=None, city=None, district=None)
    assert client.post("/v1/ideas", json=unplaced).status_code == 201
    siegen = create_actor(client, **PLACES["Siegen"])

    page = _listed_ideas(client, near="51.2197,7.6273")
    within = _listed_ideas(client, near_actor=siegen["id"], radius_km=100)

    assert [i["id"] for i in page["data"]] == [near["id"], far["id"]]
    assert page["data"][0]["distance_km"] == pytest.approx(9.6, abs=0.5)
    assert page["count"] == 2
    assert [i["id"] for i in within["data"]] == [near["id"]]
    assert client.get("/v1/ideas", params={"radius_km": 5}).status_code == 422


def _listed_ideas(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/v1/ideas", params=params)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data
