"""The event feed: every change in order, deletions included, resumable by cursor."""

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from radar.api.app import create_app
from radar.models.account import Role
from radar.settings import Settings
from tests.conftest import ClientFactory
from tests.factories import create_actor, issue_token


def _feed(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/v1/events", params=params)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


def test_feed_lists_changes_in_order_and_resumes_by_cursor(client: TestClient) -> None:
    actor = create_actor(client)
    client.patch(f"/v1/actors/{actor['id']}", json={"name": "Neu GmbH"})
    client.delete(f"/v1/actors/{actor['id']}")

    first = _feed(client, limit=2)
    assert [e["type"] for e in first["data"]] == ["actor.created", "actor.updated"]
    assert first["next_after"] == first["data"][-1]["seq"]
    rest = _feed(client, after=first["next_after"])
    assert [e["type"] for e in rest["data"]] == ["actor.deleted"]
    assert rest["data"][0]["entity_id"] == actor["id"]
    # Erased: every event of the actor keeps its id alone.
    assert [e["payload"] for e in first["data"] + rest["data"]] == [{"id": actor["id"]}] * 3
    empty = _feed(client, after=rest["next_after"])
    assert (empty["data"], empty["next_after"]) == ([], rest["next_after"])


def test_feed_filters_by_type_family_and_entity(client: TestClient) -> None:
    first = create_actor(client)
    second = create_actor(client)
    client.delete(f"/v1/actors/{first['id']}")
    client.post("/v1/news", json={"title": "Messe", "author_id": second["id"]})

    def types(**params: Any) -> list[str]:
        return [e["type"] for e in _feed(client, **params)["data"]]

    assert types(type="actor.deleted") == ["actor.deleted"]
    assert types(type="news.*") == ["news.published"]
    assert types(type=["actor.deleted", "news.*"]) == ["actor.deleted", "news.published"]
    assert types(entity_id=first["id"]) == ["actor.created", "actor.deleted"]
    assert types(entity_type="news") == ["news.published"]


def test_feed_rejects_bad_parameters(client: TestClient) -> None:
    for params in (
        {"type": "actor"},
        {"type": "*"},
        {"after": -1},
        {"limit": 101},
        {"entity_type": "Actor!"},
    ):
        response = client.get("/v1/events", params=params)
        assert response.status_code == 422, params
        assert response.headers["content-type"] == "application/problem+json"


def test_fresh_events_wait_for_the_settle_time(database_url: str, engine: Engine) -> None:
    settings = Settings(
        database_url=database_url, event_feed_settle_seconds=3600, rate_limit_per_minute=0
    )
    headers = {"Authorization": f"Bearer {issue_token(engine, Role.admin)}"}
    with TestClient(create_app(settings, engine=engine), headers=headers) as client:
        create_actor(client)
        assert _feed(client)["data"] == []


def test_events_of_private_profiles_are_for_admins_and_their_managers(
    client: TestClient, make_client: ClientFactory
) -> None:
    private = create_actor(client, visibility="private")
    members_only = create_actor(client, visibility="members")
    client.patch(f"/v1/actors/{private['id']}", json={"visibility": "public"})

    def seen(role: Role, managed: list[str]) -> list[tuple[str, str]]:
        reader = make_client(role, managed)
        return [(e["entity_id"], e["type"]) for e in _feed(reader)["data"]]

    everything = [
        (private["id"], "actor.created"),
        (members_only["id"], "actor.created"),
        (private["id"], "actor.updated"),
    ]
    assert seen(Role.admin, []) == everything
    # Its manager sees it as in REST, private as it was.
    assert seen(Role.member, [private["id"]]) == everything
    for role in (Role.member, Role.analyst, Role.partner):
        # The update made the profile public: its event is no longer private.
        assert seen(role, []) == [
            (members_only["id"], "actor.created"),
            (private["id"], "actor.updated"),
        ], role


def test_feed_needs_sign_in_even_with_public_read(
    public_reader: TestClient, client: TestClient
) -> None:
    create_actor(client)
    assert public_reader.get("/v1/actors").status_code == 200
    response = public_reader.get("/v1/events")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
