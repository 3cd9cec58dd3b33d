"""The shown location kept on each actor row: written with the row, following its precision."""

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from radar.geo.gazetteer import get_gazetteer
from radar.models.actor import Actor
from tests.factories import create_actor


def _stored(session: Session, actor_id: str) -> Actor:
    session.rollback()  # a new snapshot: the API committed in its own session
    actor = session.get(Actor, uuid.UUID(actor_id))
    assert actor is not None
    return actor


def test_the_shown_location_is_kept_on_write_and_follows_the_precision(
    client: TestClient, session: Session
) -> None:
    actor = create_actor(client, location_precision="postcode", postcode="58507")
    centroid = get_gazetteer().postcode_centroid("58507", actor["lat"], actor["lon"])

    stored = _stored(session, actor["id"])
    assert (stored.shown_lat, stored.shown_lon) == pytest.approx(centroid)

    client.patch(f"/v1/actors/{actor['id']}", json={"location_precision": "exact"})
    stored = _stored(session, actor["id"])
    assert (stored.shown_lat, stored.shown_lon) == (stored.lat, stored.lon)

    client.patch(f"/v1/actors/{actor['id']}", json={"location_precision": "hidden"})
    stored = _stored(session, actor["id"])
    assert (stored.shown_lat, stored.shown_lon) == (None, None)
    assert stored.lat is not None


def test_a_row_without_a_kept_location_is_shown_as_computed() -> None:
    actor = Actor(
        name="Alt", kind="company", lat=51.2, lon=7.6, postcode="58507",
        location_precision="postcode",
    )  # fmt: skip

    assert actor.shown_lat is None
    assert actor.shown_location() == pytest.approx(
        get_gazetteer().postcode_centroid("58507", 51.2, 7.6)
    )
