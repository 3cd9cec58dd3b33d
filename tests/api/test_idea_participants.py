"""Idea participants over HTTP: the rules on create, adding, changing and removing one, bad
bodies, and deleting either the idea or the actor."""

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from radar.models.idea import Idea, IdeaParticipant
from tests.factories import create_actor
from tests.idea_factories import PROBLEM, create_idea, idea_body, idea_events, problem_fields


def test_participant_rules_on_create(client: TestClient, session: Session) -> None:
    first, second = create_actor(client), create_actor(client)
    two_leads = client.post(
        "/v1/ideas",
        json=idea_body(
            participants=[
                {"actor_id": first["id"], "role": "lead"},
                {"actor_id": second["id"], "role": "lead"},
            ]
        ),
    )
    assert two_leads.status_code == 422
    assert problem_fields(two_leads) == ["participants.1.role"]
    twice = client.post(
        "/v1/ideas",
        json=idea_body(participants=[{"actor_id": first["id"]}, {"actor_id": first["id"]}]),
    )
    assert twice.status_code == 422
    assert problem_fields(twice) == ["participants.1.actor_id"]
    one_unknown = client.post(
        "/v1/ideas",
        json=idea_body(
            owner_id=first["id"],
            participants=[{"actor_id": second["id"]}, {"actor_id": str(uuid.uuid4())}],
        ),
    )
    assert one_unknown.status_code == 422
    assert problem_fields(one_unknown) == ["participants.1.actor_id"]
    assert session.exec(select(Idea)).all() == []
    assert session.exec(select(IdeaParticipant)).all() == []
    assert idea_events(session) == []


def test_participants_are_added_changed_and_removed(client: TestClient) -> None:
    lead, partner, late = create_actor(client), create_actor(client), create_actor(client)
    idea = create_idea(client)
    base = f"/v1/ideas/{idea['id']}/participants"

    added = client.put(
        f"{base}/{partner['id']}", json={"role": "partner"}, headers={"If-Match": '"1"'}
    )
    assert added.status_code == 201, added.text
    assert added.headers["etag"] == '"2"'
    assert (added.json()["actor_id"], added.json()["role"]) == (partner["id"], "partner")
    added_lead = client.put(f"{base}/{lead['id']}", json={"role": "lead"})
    assert added_lead.status_code == 201
    assert added_lead.headers["etag"] == '"3"'
    added_late = client.put(f"{base}/{late['id']}", json={"role": "partner"})
    assert added_late.status_code == 201
    assert added_late.headers["etag"] == '"4"'

    listed = client.get(base)
    assert listed.status_code == 200
    assert listed.headers["etag"] == '"4"'
    assert [(p["actor_id"], p["role"]) for p in listed.json()] == [
        (lead["id"], "lead"),
        (partner["id"], "partner"),
        (late["id"], "partner"),
    ]
    assert client.get(base, headers={"If-None-Match": '"4"'}).status_code == 304

    second_lead = client.put(f"{base}/{partner['id']}", json={"role": "lead"})
    assert second_lead.status_code == 409
    assert second_lead.headers["content-type"] == PROBLEM
    assert second_lead.json()["current_lead"] == lead["id"]

    demoted = client.put(
        f"{base}/{lead['id']}", json={"role": "partner"}, headers={"If-Match": '"4"'}
    )
    assert demoted.status_code == 200
    assert demoted.headers["etag"] == '"5"'
    promoted = client.put(f"{base}/{partner['id']}", json={"role": "lead"})
    assert promoted.status_code == 200
    assert promoted.json()["joined_at"] == added.json()["joined_at"]
    unchanged = client.put(f"{base}/{partner['id']}", json={"role": "lead"})
    assert unchanged.status_code == 200
    assert unchanged.headers["etag"] == '"6"'

    removed = client.delete(f"{base}/{lead['id']}", headers={"If-Match": '"6"'})
    assert removed.status_code == 204
    assert removed.headers["etag"] == '"7"'
    assert client.delete(f"{base}/{lead['id']}").status_code == 404
    final = client.get(f"/v1/ideas/{idea['id']}").json()
    assert [(p["actor_id"], p["role"]) for p in final["participants"]] == [
        (partner["id"], "lead"),
        (late["id"], "partner"),
    ]
    assert final["version"] == 7
    assert client.get(f"/v1/actors/{lead['id']}").status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "role"), ({"role": "boss"}, "role"), ({"role": "lead", "since": "2026"}, "since")],
)
def test_bad_participant_body_is_a_422(
    client: TestClient, body: dict[str, Any], field: str
) -> None:
    actor = create_actor(client)
    idea = create_idea(client)
    response = client.put(f"/v1/ideas/{idea['id']}/participants/{actor['id']}", json=body)
    assert response.status_code == 422
    assert problem_fields(response) == [field]
    assert client.get(f"/v1/ideas/{idea['id']}").json()["participants"] == []


def test_deleting_an_idea_leaves_its_actors_untouched(client: TestClient, session: Session) -> None:
    owner, partner = create_actor(client), create_actor(client)
    idea = create_idea(
        client,
        owner_id=owner["id"],
        participants=[{"actor_id": owner["id"], "role": "lead"}, {"actor_id": partner["id"]}],
    )
    kept = create_idea(client, participants=[{"actor_id": partner["id"]}])
    assert client.delete(f"/v1/ideas/{idea['id']}").status_code == 204
    assert client.get(f"/v1/actors/{owner['id']}").json() == owner
    assert client.get(f"/v1/actors/{partner['id']}").json() == partner
    rows = session.exec(select(IdeaParticipant)).all()
    assert [(str(p.idea_id), str(p.actor_id)) for p in rows] == [(kept["id"], partner["id"])]


def test_deleting_an_actor_keeps_its_ideas(client: TestClient) -> None:
    owner, partner = create_actor(client), create_actor(client)
    idea = create_idea(
        client,
        owner_id=owner["id"],
        participants=[{"actor_id": owner["id"], "role": "lead"}, {"actor_id": partner["id"]}],
    )
    assert client.delete(f"/v1/actors/{owner['id']}").status_code == 204
    after = client.get(f"/v1/ideas/{idea['id']}").json()
    assert after["owner_id"] is None
    assert [p["actor_id"] for p in after["participants"]] == [partner["id"]]
