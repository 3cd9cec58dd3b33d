"""Actor profiles over HTTP: happy path, bad input, concurrency, pagination, events."""

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from radar.models.actor import Actor
from radar.models.event import Event
from tests.factories import (
    FIELD_CIRCULAR,
    TOPIC_AI,
    TOPIC_HYDROGEN,
    TOPIC_PLASTICS,
    actor_body,
    create_actor,
)

PROBLEM = "application/problem+json"


def _fields(response: Any) -> list[str]:
    assert response.headers["content-type"] == PROBLEM
    return [error["field"] for error in response.json()["errors"]]


def test_create_read_update_delete_round_trip(client: TestClient) -> None:
    created = client.post("/v1/actors", json=actor_body(name="Sauerland Sensorik GmbH"))
    assert created.status_code == 201
    actor = created.json()
    assert created.headers["etag"] == '"1"'
    assert created.headers["location"].endswith(f"/v1/actors/{actor['id']}")
    assert actor["topics"] == [TOPIC_PLASTICS]
    assert actor["city"] == "Lüdenscheid"

    read = client.get(f"/v1/actors/{actor['id']}")
    assert read.status_code == 200
    assert read.json() == actor

    patched = client.patch(
        f"/v1/actors/{actor['id']}",
        json={"description": "Jetzt auch Sensorik.", "topics": [TOPIC_AI, TOPIC_PLASTICS]},
        headers={"If-Match": '"1"'},
    )
    assert patched.status_code == 200
    assert patched.headers["etag"] == '"2"'
    body = patched.json()
    assert body["description"] == "Jetzt auch Sensorik."
    assert body["topics"] == sorted([TOPIC_AI, TOPIC_PLASTICS])
    assert body["name"] == "Sauerland Sensorik GmbH"
    assert body["updated_at"] >= actor["updated_at"]

    deleted = client.delete(f"/v1/actors/{actor['id']}", headers={"If-Match": '"2"'})
    assert deleted.status_code == 204
    assert client.get(f"/v1/actors/{actor['id']}").status_code == 404


def test_every_write_records_an_event_without_personal_data(
    client: TestClient, session: Session
) -> None:
    actor = create_actor(client)
    client.patch(f"/v1/actors/{actor['id']}", json={"name": "Umbenannt AG"})
    events = session.exec(select(Event).order_by(Event.seq)).all()  # type: ignore[arg-type]
    assert events[1].payload["name"] == "Umbenannt AG"
    assert all("contact_email" not in e.payload for e in events)

    client.delete(f"/v1/actors/{actor['id']}")
    session.rollback()  # a new transaction: what the API committed since
    events = session.exec(select(Event).order_by(Event.seq)).all()  # type: ignore[arg-type]
    assert [e.type for e in events] == ["actor.created", "actor.updated", "actor.deleted"]
    assert {e.entity_id for e in events} == {uuid.UUID(actor["id"])}
    # The erasure leaves the fact that the actor existed, nothing else.
    assert [e.payload for e in events] == [{"id": actor["id"]}] * 3


def test_patch_null_clears_optional_field_but_not_required_one(client: TestClient) -> None:
    actor = create_actor(client)
    cleared = client.patch(f"/v1/actors/{actor['id']}", json={"website": None})
    assert cleared.status_code == 200
    assert cleared.json()["website"] is None
    refused = client.patch(f"/v1/actors/{actor['id']}", json={"name": None})
    assert refused.status_code == 422
    assert _fields(refused) == ["name"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"unknown_field": 1}, "unknown_field"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"kind": "firm"}, "kind"),
        ({"lat": 91.0}, "lat"),
        ({"lon": -181.0}, "lon"),
        ({"country": "Germany"}, "country"),
        ({"website": "ftp://x.example"}, "website"),
        ({"contact_email": "not-an-email"}, "contact_email"),
        ({"topics": ["x"] * 31}, "topics"),
        ({"tags": ["t" * 81]}, "tags.0"),
        ({"visibility": "secret"}, "visibility"),
        ({"topics": [TOPIC_PLASTICS, "kuenstliche-inteligenz"]}, "topics.1"),
        ({"action_fields": ["circular"]}, "action_fields.0"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(
    client: TestClient, session: Session, overrides: dict[str, Any], field: str
) -> None:
    response = client.post("/v1/actors", json=actor_body(**overrides))
    assert response.status_code == 422
    assert field in _fields(response)
    assert session.exec(select(Actor)).all() == []
    assert session.exec(select(Event)).all() == []


def test_unknown_slug_names_the_closest_known_ones(client: TestClient) -> None:
    response = client.post(
        "/v1/actors", json=actor_body(topics=["kunststoff-technik"], action_fields=["circular"])
    )
    errors = {e["field"]: e for e in response.json()["errors"]}
    assert TOPIC_PLASTICS in errors["topics.0"]["suggestions"]
    assert TOPIC_PLASTICS in errors["topics.0"]["message"]
    # Only the first invalid list is reported: topics are checked before action fields.
    assert set(errors) == {"topics.0"}


def test_lat_without_lon_is_refused_on_create_and_update(client: TestClient) -> None:
    body = actor_body()
    del body["lon"]
    assert client.post("/v1/actors", json=body).status_code == 422
    actor = create_actor(client)
    response = client.patch(f"/v1/actors/{actor['id']}", json={"lon": None})
    assert response.status_code == 422
    assert _fields(response) == ["lon"]
    assert client.get(f"/v1/actors/{actor['id']}").json()["lon"] == actor["lon"]


def test_duplicate_external_id_is_a_409_and_changes_nothing(client: TestClient) -> None:
    first = create_actor(client, external_id="crm-1")
    duplicate = client.post("/v1/actors", json=actor_body(external_id="crm-1"))
    assert duplicate.status_code == 409
    assert duplicate.headers["content-type"] == PROBLEM
    other = create_actor(client, external_id="crm-2")
    stolen = client.patch(f"/v1/actors/{other['id']}", json={"external_id": "crm-1"})
    assert stolen.status_code == 409
    assert client.get("/v1/actors").json()["count"] == 2
    assert client.get(f"/v1/actors/{first['id']}").json()["external_id"] == "crm-1"


def test_stale_if_match_is_a_412_and_the_first_writer_wins(client: TestClient) -> None:
    actor = create_actor(client)
    etag = client.get(f"/v1/actors/{actor['id']}").headers["etag"]
    first = client.patch(
        f"/v1/actors/{actor['id']}", json={"name": "Erster"}, headers={"If-Match": etag}
    )
    assert first.status_code == 200
    second = client.patch(
        f"/v1/actors/{actor['id']}", json={"name": "Zweiter"}, headers={"If-Match": etag}
    )
    assert second.status_code == 412
    assert second.json()["current_version"] == 2
    stale_delete = client.delete(f"/v1/actors/{actor['id']}", headers={"If-Match": etag})
    assert stale_delete.status_code == 412
    current = client.get(f"/v1/actors/{actor['id']}").json()
    assert (current["name"], current["version"]) == ("Erster", 2)


def test_if_match_must_be_an_entity_tag(client: TestClient) -> None:
    actor = create_actor(client)
    response = client.patch(
        f"/v1/actors/{actor['id']}", json={"name": "X"}, headers={"If-Match": "version-one"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["location"] == "header"


def test_if_none_match_gives_304(client: TestClient) -> None:
    actor = create_actor(client)
    response = client.get(f"/v1/actors/{actor['id']}", headers={"If-None-Match": '"1"'})
    assert response.status_code == 304
    assert response.headers["etag"] == '"1"'


@pytest.mark.parametrize(
    ("if_none_match", "status"),
    [('"1"', 304), ('W/"1"', 304), ('"0", "1"', 304), ("*", 304), ('"2"', 200), ('"x"', 200)],
)
def test_if_none_match_compares_weakly_over_a_list(
    client: TestClient, if_none_match: str, status: int
) -> None:
    actor = create_actor(client)
    response = client.get(f"/v1/actors/{actor['id']}", headers={"If-None-Match": if_none_match})
    assert response.status_code == status


def test_a_malformed_if_none_match_is_refused_by_name(client: TestClient) -> None:
    actor = create_actor(client)
    response = client.get(f"/v1/actors/{actor['id']}", headers={"If-None-Match": "1"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "If-None-Match"


def test_unknown_and_malformed_ids(client: TestClient) -> None:
    missing = client.get(f"/v1/actors/{uuid.uuid4()}")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == PROBLEM
    assert client.patch(f"/v1/actors/{uuid.uuid4()}", json={"name": "x"}).status_code == 404
    assert client.delete(f"/v1/actors/{uuid.uuid4()}").status_code == 404
    malformed = client.get("/v1/actors/42")
    assert malformed.status_code == 422
    assert _fields(malformed) == ["actor_id"]


def test_pagination_walks_every_item_once_in_stable_order(client: TestClient) -> None:
    names = [f"Firma {letter}" for letter in "EDCBA"]
    for name in names:
        create_actor(client, name=name)
    seen = []
    for offset in range(6):
        page = client.get("/v1/actors", params={"limit": 1, "offset": offset}).json()
        assert page["count"] == 5
        seen.extend(actor["name"] for actor in page["data"])
    assert seen == sorted(names)
    beyond = client.get("/v1/actors", params={"offset": 50}).json()
    assert (beyond["data"], beyond["count"]) == ([], 5)
    for bad in ({"limit": 0}, {"limit": 101}, {"offset": -1}):
        assert client.get("/v1/actors", params=bad).status_code == 422


def test_list_filters(client: TestClient) -> None:
    hydrogen = create_actor(
        client,
        name="Wasserstoff Werk",
        topics=[TOPIC_HYDROGEN],
        action_fields=[FIELD_CIRCULAR],
        district="Olpe",
        kind="research_institute",
    )
    create_actor(client, name="Kunststoff Werk", district="Märkischer Kreis")

    def names(**params: Any) -> list[str]:
        response = client.get("/v1/actors", params=params)
        assert response.status_code == 200, response.text
        return [actor["name"] for actor in response.json()["data"]]

    assert names(topic=TOPIC_HYDROGEN) == ["Wasserstoff Werk"]
    assert names(topic=[TOPIC_HYDROGEN, TOPIC_PLASTICS]) == ["Kunststoff Werk", "Wasserstoff Werk"]
    assert names(action_field=FIELD_CIRCULAR) == ["Wasserstoff Werk"]
    assert names(kind="research_institute") == ["Wasserstoff Werk"]
    assert names(district="Märkischer Kreis") == ["Kunststoff Werk"]
    assert names(q="WASSERSTOFF") == ["Wasserstoff Werk"]
    assert names(q="ludenscheid") == names(q="Lüdenscheid") == names(q="luedenscheid")
    assert names(updated_since=hydrogen["updated_at"]) == ["Kunststoff Werk", "Wasserstoff Werk"]
    assert names(updated_since="2999-01-01T00:00:00") == []
    assert names(q="100%_") == []
    unknown = client.get("/v1/actors", params={"topic": "wasserstof"})
    assert unknown.status_code == 422
    assert TOPIC_HYDROGEN in unknown.json()["errors"][0]["suggestions"]


def test_body_over_the_limit_is_a_413(client: TestClient) -> None:
    body = actor_body(description="x" * 70_000)
    response = client.post("/v1/actors", json=body)
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM
    chunked = client.post(
        "/v1/actors",
        content=iter([b"{" + b" " * 40_000, b" " * 40_000 + b"}"]),
        headers={"content-type": "application/json"},
    )
    assert chunked.status_code == 413
    assert client.get("/v1/actors").json()["count"] == 0


def test_unreadable_body_is_a_400_problem(client: TestClient) -> None:
    response = client.post(
        "/v1/actors", content=b"7A\x12\xff\xfeM\x07", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    assert "400" in client.get("/openapi.json").json()["paths"]["/v1/actors"]["post"]["responses"]


def test_malformed_json_is_a_400(client: TestClient) -> None:
    response = client.post(
        "/v1/actors", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM


def test_topic_filter_includes_subtopics(client: TestClient) -> None:
    create_actor(client, name="Spritzguss Werk", topics=["spritzguss"])
    create_actor(client, name="KI Werk", topics=["maschinelles-lernen"])

    def names(topic: str) -> list[str]:
        return [a["name"] for a in client.get("/v1/actors", params={"topic": topic}).json()["data"]]

    assert names(TOPIC_PLASTICS) == ["Spritzguss Werk"]
    assert names("spritzguss") == ["Spritzguss Werk"]
    assert names(TOPIC_AI) == ["KI Werk"]
