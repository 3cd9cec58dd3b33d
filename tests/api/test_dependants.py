"""Deleting an entity removes its links and nothing else: no dangling references remain."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from radar.models.group import GroupMember
from radar.models.idea import IdeaParticipant
from tests.factories import TOPIC_AI, create_actor


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
