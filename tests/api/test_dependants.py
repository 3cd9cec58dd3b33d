"""Deleting an entity removes its links and nothing else: no dangling references remain.

Deleting an actor changes the ideas, groups and news that referred to it: each takes a new
version and update time and records its event, so ETags, `updated_since` and the outbox see it."""

from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from radar.models.group import GroupMember
from radar.models.idea import IdeaParticipant
from tests.factories import TOPIC_AI, create_actor
from tests.group_factories import create_group, join, members, recorded_events
from tests.idea_factories import create_idea


def _dependants(client: TestClient) -> tuple[dict, dict, dict, dict, dict]:  # type: ignore[type-arg]
    leaving = create_actor(client, name="Geht GmbH")
    staying = create_actor(client, name="Bleibt GmbH")
    idea = client.post(
        "/v1/ideas",
        json={
            "title": "KI in der Qualitätsprüfung",
            "kind": "joint_project",
            "owner_id": leaving["id"],
            "topics": [TOPIC_AI],
            "participants": [
                {"actor_id": leaving["id"], "role": "lead"},
                {"actor_id": staying["id"], "role": "partner"},
            ],
        },
    ).json()
    group = client.post(
        "/v1/groups", json={"name": "AG Sensorik", "founder_id": staying["id"]}
    ).json()
    assert (
        client.post(
            f"/v1/groups/{group['id']}/members", json={"actor_id": leaving["id"]}
        ).status_code
        == 201
    )
    news = client.post(
        "/v1/news", json={"title": "Neuer Standort", "author_id": leaving["id"]}
    ).json()
    return leaving, staying, idea, group, news


def test_deleting_an_actor_unlinks_it_everywhere(client: TestClient, session: Session) -> None:
    leaving, staying, idea, group, news = _dependants(client)

    assert client.delete(f"/v1/actors/{leaving['id']}").status_code == 204

    idea_after = client.get(f"/v1/ideas/{idea['id']}").json()
    assert idea_after["owner_id"] is None
    assert [p["actor_id"] for p in idea_after["participants"]] == [staying["id"]]
    members = client.get(f"/v1/groups/{group['id']}/members").json()["data"]
    assert [m["actor_id"] for m in members] == [staying["id"]]
    assert client.get(f"/v1/news/{news['id']}").json()["author_id"] is None
    assert client.get(f"/v1/actors/{staying['id']}").status_code == 200
    assert all(
        str(row.actor_id) != leaving["id"]
        for row in [*session.exec(select(IdeaParticipant)), *session.exec(select(GroupMember))]
    )


def test_deleting_an_idea_or_group_keeps_the_actors(client: TestClient) -> None:
    _leaving, _staying, idea, group, news = _dependants(client)

    assert client.delete(f"/v1/ideas/{idea['id']}").status_code == 204
    assert client.delete(f"/v1/groups/{group['id']}").status_code == 204
    assert client.delete(f"/v1/news/{news['id']}").status_code == 204

    assert client.get("/v1/actors").json()["count"] == 2
    assert client.get(f"/v1/ideas/{idea['id']}").status_code == 404
    assert client.get(f"/v1/groups/{group['id']}/members").status_code == 404


def _read(client: TestClient, path: str, **params: Any) -> dict[str, Any]:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def _time(entity: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(entity["updated_at"])


def _delete_actor(client: TestClient, session: Session, actor_id: str) -> list[tuple[str, str]]:
    """Delete an actor over HTTP; the events it recorded as (type, entity id), in order."""
    before = len(recorded_events(session))
    assert client.delete(f"/v1/actors/{actor_id}").status_code == 204
    return [(e.type, str(e.entity_id)) for e in recorded_events(session)[before:]]


def test_deleting_an_actor_versions_its_dependants(client: TestClient, session: Session) -> None:
    leaving, _staying, idea, group, news = _dependants(client)
    paths = {
        "idea": f"/v1/ideas/{idea['id']}",
        "group": f"/v1/groups/{group['id']}",
        "news": f"/v1/news/{news['id']}",
    }
    before = {kind: _read(client, path) for kind, path in paths.items()}
    # A partner that synced everything before the delete must pick the dependants up again.
    cursor = max(_time(b) for b in before.values()) + timedelta(microseconds=1)

    events = _delete_actor(client, session, leaving["id"])

    assert events == [
        ("idea.updated", idea["id"]),
        ("group.member_left", group["id"]),
        ("news.updated", news["id"]),
        ("actor.deleted", leaving["id"]),
    ]
    for kind, path in paths.items():
        after = _read(client, path)
        assert after["version"] == before[kind]["version"] + 1, kind
        assert _time(after) > _time(before[kind]), kind
        old_etag = f'"{before[kind]["version"]}"'
        cached = client.get(path, headers={"If-None-Match": old_etag})
        assert (cached.status_code, cached.headers["etag"]) == (200, f'"{after["version"]}"')
    for listing, entity in (("ideas", idea), ("groups", group), ("news", news)):
        since = _read(client, f"/v1/{listing}", updated_since=cursor.isoformat())
        assert [item["id"] for item in since["data"]] == [entity["id"]], listing


def test_the_idea_event_no_longer_lists_the_deleted_actor(
    client: TestClient, session: Session
) -> None:
    leaving, staying, idea, _group, _news = _dependants(client)

    _delete_actor(client, session, leaving["id"])

    [event] = [e for e in recorded_events(session, idea["id"]) if e.type == "idea.updated"]
    assert event.payload["owner_id"] is None
    assert [p["actor_id"] for p in event.payload["participants"]] == [staying["id"]]
    assert event.payload["version"] == idea["version"] + 1


def test_deleting_an_actor_reaches_ideas_it_only_owns_or_only_joins(
    client: TestClient, session: Session
) -> None:
    leaving, staying = create_actor(client), create_actor(client)
    owned = create_idea(client, owner_id=leaving["id"])
    joined = create_idea(
        client,
        owner_id=staying["id"],
        participants=[{"actor_id": staying["id"], "role": "lead"}, {"actor_id": leaving["id"]}],
    )

    events = _delete_actor(client, session, leaving["id"])

    assert sorted(events[:-1]) == sorted(
        [("idea.updated", owned["id"]), ("idea.updated", joined["id"])]
    )
    owned_after = _read(client, f"/v1/ideas/{owned['id']}")
    joined_after = _read(client, f"/v1/ideas/{joined['id']}")
    assert (owned_after["owner_id"], owned_after["version"]) == (None, 2)
    assert (joined_after["owner_id"], joined_after["version"]) == (staying["id"], 2)
    assert [p["actor_id"] for p in joined_after["participants"]] == [staying["id"]]


def test_deleting_an_actor_leaves_unrelated_entities_alone(
    client: TestClient, session: Session
) -> None:
    leaving, staying, *_ = _dependants(client)
    idea = create_idea(client, owner_id=staying["id"], participants=[{"actor_id": staying["id"]}])
    group = create_group(client, founder_id=staying["id"])
    news = client.post("/v1/news", json={"title": "Anderes", "author_id": staying["id"]}).json()
    unrelated = {
        f"/v1/ideas/{idea['id']}": idea,
        f"/v1/groups/{group['id']}": group,
        f"/v1/news/{news['id']}": news,
        f"/v1/actors/{staying['id']}": staying,
    }

    events = _delete_actor(client, session, leaving["id"])

    for path, entity in unrelated.items():
        assert _read(client, path)["version"] == entity["version"], path
        assert all(entity_id != entity["id"] for _type, entity_id in events), path


def test_deleting_the_only_admin_promotes_the_earliest_active_member(
    client: TestClient, session: Session
) -> None:
    admin, applicant, first, second = (create_actor(client) for _ in range(4))
    group = create_group(client, join_policy="approval", founder_id=admin["id"])
    # The applicant asked first but is still pending: only active members can take over.
    for actor in (applicant, first, second):
        join(client, group["id"], actor["id"])
    for actor in (second, first):
        url = f"/v1/groups/{group['id']}/members/{actor['id']}/approve"
        assert client.post(url).status_code == 200
    version = _read(client, f"/v1/groups/{group['id']}")["version"]

    events = _delete_actor(client, session, admin["id"])

    assert events == [
        ("group.member_left", group["id"]),
        ("group.member_role_changed", group["id"]),
        ("actor.deleted", admin["id"]),
    ]
    promoted = recorded_events(session, group["id"])[-1].payload
    assert (promoted["actor_id"], promoted["role"]) == (first["id"], "admin")
    assert {m["actor_id"]: (m["role"], m["status"]) for m in members(client, group["id"])} == {
        applicant["id"]: ("member", "pending"),
        first["id"]: ("admin", "active"),
        second["id"]: ("member", "active"),
    }
    assert _read(client, f"/v1/groups/{group['id']}")["version"] == version + 1


def test_deleting_a_groups_only_member_leaves_it_empty(
    client: TestClient, session: Session
) -> None:
    founder = create_actor(client)
    group = create_group(client, founder_id=founder["id"])

    events = _delete_actor(client, session, founder["id"])

    assert events == [("group.member_left", group["id"]), ("actor.deleted", founder["id"])]
    after = _read(client, f"/v1/groups/{group['id']}")
    assert (after["member_count"], after["version"]) == (0, group["version"] + 1)
    assert members(client, group["id"]) == []
