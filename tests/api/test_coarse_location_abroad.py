"""Coarse locations outside the gazetteer's coverage (Paris, New York): detail, list, map and
near show a point on the precision's grid to everyone but the actor's managers and admins."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from radar.geo.gazetteer import distance_km
from radar.models.account import Role
from tests.conftest import ClientFactory
from tests.factories import create_actor

# Real addresses, each well off the centre of its grid cells (a point at a cell's centre is
# shown where it is, as every other point of that cell is).
PLACES = {
    "Paris": {"lat": 48.8867, "lon": 2.3431, "city": "Paris", "postcode": "75018", "country": "FR"},
    "New York": {"lat": 40.7580, "lon": -73.9855, "city": "New York", "postcode": "10036",
                 "country": "US"},
}  # fmt: skip
# How far the shown point lies from the exact one at least, for these places.
AT_LEAST_KM = {"postcode": 1.0, "city": 3.0}
NON_MANAGERS = ("partner", "anonymous, public read")


@pytest.fixture(params=[(place, precision) for place in PLACES for precision in AT_LEAST_KM])
def coarse(request: pytest.FixtureRequest, client: TestClient) -> dict[str, Any]:
    place, precision = request.param
    actor = create_actor(
        client, location_precision=precision, street="Rue Secrète 9", district=None,
        **PLACES[place],
    )  # fmt: skip
    return {**actor, "precision": precision}


@pytest.fixture
def readers(client: TestClient, make_client: ClientFactory, public_reader: TestClient) -> Any:
    def reader(who: str, actor_id: str) -> TestClient:
        return {
            "admin": client,
            "manager": make_client(Role.member, [actor_id]),
            "partner": make_client(Role.partner),
            "anonymous, public read": public_reader,
        }[who]

    return reader


def _get(reader: TestClient, path: str, **params: Any) -> dict[str, Any]:
    response = reader.get(path, params=params)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def _listed(reader: TestClient, actor_id: str, **params: Any) -> dict[str, Any] | None:
    page = _get(reader, "/v1/actors", limit=100, **params)
    return next((a for a in page["data"] if a["id"] == actor_id), None)


def _on_map(reader: TestClient, actor_id: str) -> tuple[float, float]:
    features = _get(reader, "/v1/map", layer="actors")["features"]
    lon, lat = next(f for f in features if f["id"] == actor_id)["geometry"]["coordinates"]
    return lat, lon


def _seen_points(reader: TestClient, actor: dict[str, Any]) -> list[tuple[float, float]]:
    """The point of the actor in detail, list, map and a `near` list."""
    near = f"{actor['lat']},{actor['lon']}"
    detail = _get(reader, f"/v1/actors/{actor['id']}")
    listed = _listed(reader, actor["id"])
    nearby = _listed(reader, actor["id"], near=near, radius_km=50)
    assert listed is not None
    assert nearby is not None
    return [(shown["lat"], shown["lon"]) for shown in (detail, listed, nearby)] + [
        _on_map(reader, actor["id"])
    ]


@pytest.mark.parametrize("who", NON_MANAGERS)
def test_readers_who_do_not_manage_the_actor_see_a_coarse_point_everywhere(
    coarse: dict[str, Any], readers: Any, who: str
) -> None:
    points = _seen_points(readers(who, coarse["id"]), coarse)

    assert len(set(points)) == 1
    lat, lon = points[0]
    assert distance_km(lat, lon, coarse["lat"], coarse["lon"]) >= AT_LEAST_KM[coarse["precision"]]
    assert distance_km(lat, lon, coarse["lat"], coarse["lon"]) < 10


@pytest.mark.parametrize("who", ["manager", "admin"])
def test_its_managers_and_admins_see_the_exact_point(
    coarse: dict[str, Any], readers: Any, who: str
) -> None:
    points = _seen_points(readers(who, coarse["id"]), coarse)

    assert set(points) == {(coarse["lat"], coarse["lon"])}


@pytest.mark.parametrize("who", NON_MANAGERS)
def test_near_the_shown_point_finds_the_actor_and_near_the_exact_point_does_not(
    coarse: dict[str, Any], readers: Any, who: str
) -> None:
    reader = readers(who, coarse["id"])
    shown = _get(reader, f"/v1/actors/{coarse['id']}")
    exact = f"{coarse['lat']},{coarse['lon']}"

    found = _listed(reader, coarse["id"], near=f"{shown['lat']},{shown['lon']}", radius_km=0.1)
    assert found is not None
    assert found["distance_km"] == 0
    assert _listed(reader, coarse["id"], near=exact, radius_km=0.5) is None
    # Distances are measured to the shown point too: no radius search narrows in on the exact one.
    measured = _listed(reader, coarse["id"], near=exact)
    assert measured is not None
    assert measured["distance_km"] >= AT_LEAST_KM[coarse["precision"]]


def test_its_manager_finds_it_near_its_exact_point(coarse: dict[str, Any], readers: Any) -> None:
    manager = readers("manager", coarse["id"])

    found = _listed(manager, coarse["id"], near=f"{coarse['lat']},{coarse['lon']}", radius_km=0.1)

    assert found is not None
    assert found["distance_km"] == 0


@pytest.mark.parametrize("precision", AT_LEAST_KM)
def test_a_postcode_or_city_of_germany_far_from_the_point_does_not_reveal_it(
    client: TestClient, make_client: ClientFactory, precision: str
) -> None:
    paris = {**PLACES["Paris"], "postcode": "57072", "city": "Siegen"}
    actor = create_actor(client, location_precision=precision, **paris)

    shown = _get(make_client(Role.partner), f"/v1/actors/{actor['id']}")

    away = distance_km(shown["lat"], shown["lon"], paris["lat"], paris["lon"])
    assert AT_LEAST_KM[precision] <= away < 10
