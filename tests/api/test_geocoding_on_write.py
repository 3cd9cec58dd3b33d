"""Geocoding on write: addresses are located offline, failures are kept on the row (never
failing the write) and retried by `radar geocode --pending` or the admin endpoint."""

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlmodel import Session

from radar.cli import main
from radar.geo.base import Address, GeocodeResult, GeocodeStatus, GeocodingUnavailable
from radar.models.account import Role
from radar.models.actor import Actor
from radar.services.geocoding import geocode_row
from radar.settings import get_settings
from tests.conftest import ClientFactory
from tests.factories import create_actor
from tests.idea_factories import idea_body

NO_COORDINATES = {"lat": None, "lon": None, "district": None}


def _geocode_fields(shown: dict[str, Any]) -> tuple[Any, ...]:
    return (
        shown["geocode_status"],
        shown["geocode_precision"],
        shown["geocode_source"],
        shown["district"],
    )


def test_an_address_without_coordinates_is_geocoded_to_its_postcode(client: TestClient) -> None:
    actor = create_actor(
        client, street="Bahnhofstraße 5", postcode="57290", city="Neunkirchen", **NO_COORDINATES
    )

    assert _geocode_fields(actor) == ("ok", "postcode", "gazetteer", "Siegen-Wittgenstein")
    assert actor["lat"] == pytest.approx(50.787, abs=0.01)
    assert actor["geocode_error"] is None


def test_a_city_alone_is_geocoded_with_city_precision(client: TestClient) -> None:
    actor = create_actor(
        client, street=None, postcode=None, city="Menden (Sauerland)", **NO_COORDINATES
    )

    assert _geocode_fields(actor) == ("ok", "city", "gazetteer", "Märkischer Kreis")


def test_given_coordinates_are_kept_and_give_the_district(client: TestClient) -> None:
    actor = create_actor(client, lat=51.0290, lon=7.8514, district=None, city="Olpe", postcode=None)

    assert (actor["lat"], actor["lon"]) == (51.0290, 7.8514)
    assert _geocode_fields(actor) == ("manual", None, "manual", "Olpe")


def test_an_unknown_address_keeps_the_write_and_records_why(client: TestClient) -> None:
    response = client.post(
        "/v1/actors",
        json={"name": "Nirgendwo GmbH", "kind": "company", "city": "Atlantis an der Lenne"},
    )

    assert response.status_code == 201, response.text
    actor = response.json()
    assert (actor["geocode_status"], actor["lat"], actor["lon"]) == ("failed", None, None)
    assert "found no place" in actor["geocode_error"]
    assert client.get(f"/v1/actors/{actor['id']}").status_code == 200

    fixed = client.patch(f"/v1/actors/{actor['id']}", json={"city": "Attendorn"})
    assert fixed.status_code == 200, fixed.text
    assert _geocode_fields(fixed.json()) == ("ok", "city", "gazetteer", "Olpe")
    assert fixed.json()["geocode_error"] is None


def test_a_changed_address_is_geocoded_again(client: TestClient) -> None:
    actor = create_actor(client)  # Lüdenscheid, coordinates given
    moved = client.patch(
        f"/v1/actors/{actor['id']}", json={"street": "Markt 1", "postcode": "57462", "city": "Olpe"}
    ).json()

    assert _geocode_fields(moved) == ("ok", "postcode", "gazetteer", "Olpe")
    assert moved["lat"] != actor["lat"]
    renamed = client.patch(f"/v1/actors/{actor['id']}", json={"name": "Umbenannt GmbH"}).json()
    assert (renamed["lat"], renamed["geocode_status"]) == (moved["lat"], "ok")


def test_ideas_are_geocoded_too(client: TestClient) -> None:
    response = client.post("/v1/ideas", json=idea_body(city="Lennestadt", **NO_COORDINATES))

    assert response.status_code == 201, response.text
    assert _geocode_fields(response.json()) == ("ok", "city", "gazetteer", "Olpe")


class _Unavailable:
    name = "photon"

    def geocode(self, address: Address) -> GeocodeResult | None:
        raise GeocodingUnavailable("timed out after 10 s")

    def candidates(self, query: str, *, limit: int = 5) -> list[GeocodeResult]:
        return []


def test_an_unavailable_geocoder_marks_the_row_failed_with_the_reason() -> None:
    actor = Actor(name="X", kind="company", city="Siegen", lat=1.0, lon=2.0)

    assert geocode_row(actor, _Unavailable()) is False
    assert (actor.geocode_status, actor.lat) == (GeocodeStatus.failed, None)
    assert actor.geocode_error == "photon unavailable: timed out after 10 s"


def _pending(engine: Engine, actor_id: str) -> None:
    """Make an actor look as one imported before geocoding ran."""
    with engine.begin() as connection:
        connection.execute(
            update(Actor)
            .where(Actor.id == uuid.UUID(actor_id))  # type: ignore[arg-type]
            .values(lat=None, lon=None, district=None, geocode_status="pending")
        )


def test_radar_geocode_pending_retries_and_records_the_change(
    client: TestClient,
    engine: Engine,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    actor = create_actor(client, postcode="59469", city="Ense", street=None)
    _pending(engine, actor["id"])
    monkeypatch.setenv("RADAR_DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        assert main(["geocode", "--pending"]) == 0
    finally:
        get_settings.cache_clear()

    assert "actor: 1 located, 0 still failing" in capsys.readouterr().out
    shown = client.get(f"/v1/actors/{actor['id']}").json()
    assert _geocode_fields(shown) == ("ok", "postcode", "gazetteer", "Soest")
    assert shown["version"] == actor["version"] + 1
    events = client.get("/v1/events", params={"entity_id": actor["id"]}).json()["data"]
    assert [e["type"] for e in events] == ["actor.created", "actor.updated"]


def test_the_admin_endpoint_retries_and_others_may_not(
    client: TestClient, make_client: ClientFactory, engine: Engine, session: Session
) -> None:
    actor = create_actor(client, postcode="57368", city="Lennestadt")
    _pending(engine, actor["id"])
    member = make_client(Role.member, [actor["id"]])

    assert member.post("/v1/admin/geocode/retry").status_code == 403
    assert client.get(f"/v1/actors/{actor['id']}").json()["geocode_status"] == "pending"
    response = client.post("/v1/admin/geocode/retry")

    assert response.status_code == 200, response.text
    assert response.json()["data"] == [
        {"entity_type": "actor", "located": 1, "failed": 0},
        {"entity_type": "idea", "located": 0, "failed": 0},
    ]
    assert client.get(f"/v1/actors/{actor['id']}").json()["district"] == "Olpe"
