"""Group membership over HTTP: join, approve, leave, list members, and an actor's deletion
ending its memberships."""

import uuid
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from radar.models.group import GroupMember
from tests.factories import create_actor
from tests.group_factories import (
    assert_problem,
    count_rows,
    create_group,
    join,
    member_url,
    members,
    read_group,
    recorded_events,
)

# --- joining and approval ----------------------------------------------------------------------


def test_join_open_group_is_active_at_once(client: TestClient, session: Session) -> None:
    founder = create_actor(client)
    actor = create_actor(client, name="Beitritt AG")
    group = create_group(client, founder_id=founder["id"])

    response = client.post(f"/v1/groups/{group['id']}/members", json={"actor_id": actor["id"]})

    assert response.status_code == 201, response.text
    membership = response.json()
    assert membership["actor_id"] == actor["id"]
    assert membership["actor_name"] == "Beitritt AG"
    assert (membership["role"], membership["status"]) == ("member", "active")
    assert response.headers["etag"] == '"2"'
    after = read_group(client, group["id"])
    assert (after["member_count"], after["version"]) == (2, 2)
    assert datetime.fromisoformat(after["updated_at"]) > datetime.fromisoformat(group["updated_at"])
    event = recorded_events(session, group["id"])[-1]
    assert event.type == "group.member_joined"
    assert event.payload == {"group_id": group["id"], **membership}


def test_join_approval_group_waits_for_approval(client: TestClient, session: Session) -> None:
    founder = create_actor(client)
    actor = create_actor(client)
    group = create_group(client, join_policy="approval", founder_id=founder["id"])

    pending = join(client, group["id"], actor["id"], role="admin")

    assert (pending["role"], pending["status"]) == ("admin", "pending")
    assert read_group(client, group["id"])["member_count"] == 1
    assert [m["actor_id"] for m in members(client, group["id"], status="pending")] == [actor["id"]]
    assert [m["actor_id"] for m in members(client, group["id"], status="active")] == [founder["id"]]
    assert recorded_events(session, group["id"])[-1].type == "group.join_requested"

    response = client.post(f"{member_url(group['id'], actor['id'])}/approve")

    assert response.status_code == 200, response.text
    approved = response.json()
    assert (approved["actor_id"], approved["role"], approved["status"]) == (
        actor["id"],
        "admin",
        "active",
    )
    assert response.headers["etag"] == '"3"'
    assert read_group(client, group["id"])["member_count"] == 2
    event = recorded_events(session, group["id"])[-1]
    assert (event.type, event.payload["status"]) == ("group.member_joined", "active")
    assert_problem(client.post(f"{member_url(group['id'], actor['id'])}/approve"), 409)
    assert read_group(client, group["id"])["version"] == 3


@pytest.mark.parametrize("policy", ["open", "approval"])
def test_first_joiner_of_a_group_without_admin_becomes_admin(
    client: TestClient, session: Session, policy: str
) -> None:
    actor = create_actor(client)
    group = create_group(client, join_policy=policy)

    membership = join(client, group["id"], actor["id"])

    assert (membership["role"], membership["status"]) == ("admin", "active")
    assert recorded_events(session, group["id"])[-1].type == "group.member_joined"


def test_joining_twice_is_a_conflict(client: TestClient, session: Session) -> None:
    founder = create_actor(client)
    actor = create_actor(client)
    group = create_group(client, join_policy="approval", founder_id=founder["id"])
    join(client, group["id"], actor["id"])
    before = read_group(client, group["id"])
    events_before = len(recorded_events(session))

    response = client.post(f"/v1/groups/{group['id']}/members", json={"actor_id": actor["id"]})
    founder_again = client.post(
        f"/v1/groups/{group['id']}/members", json={"actor_id": founder["id"]}
    )

    assert assert_problem(response, 409)["membership_status"] == "pending"
    assert_problem(founder_again, 409)
    assert len(members(client, group["id"])) == 2
    assert read_group(client, group["id"]) == before
    assert len(recorded_events(session)) == events_before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({"actor_id": str(uuid.uuid4())}, "actor_id", id="unknown-actor"),
        pytest.param({"actor_id": "abc"}, "actor_id", id="malformed-actor"),
        pytest.param({"actor_id": None}, "actor_id", id="null-actor"),
        pytest.param({"role": "owner"}, "role", id="bad-role"),
        pytest.param({"status": "active"}, "status", id="unknown-field"),
    ],
)
def test_bad_join_requests_are_422_and_write_nothing(
    client: TestClient, session: Session, body: dict[str, Any], field: str
) -> None:
    actor = create_actor(client)
    group = create_group(client)
    events_before = len(recorded_events(session))

    response = client.post(
        f"/v1/groups/{group['id']}/members", json={"actor_id": actor["id"], **body}
    )

    assert_problem(response, 422, field=field)
    assert count_rows(session, GroupMember) == 0
    assert read_group(client, group["id"]) == group
    assert len(recorded_events(session)) == events_before


def test_member_endpoints_for_a_non_member_are_404(client: TestClient) -> None:
    group = create_group(client)
    stranger = create_actor(client)
    url = member_url(group["id"], stranger["id"])

    assert_problem(client.post(f"{url}/approve"), 404)
    assert_problem(client.patch(url, json={"role": "admin"}), 404)
    assert_problem(client.delete(url), 404)
    assert read_group(client, group["id"]) == group


# --- leaving -----------------------------------------------------------------------------------


def test_leave_group(client: TestClient, session: Session) -> None:
    founder = create_actor(client)
    actor = create_actor(client)
    group = create_group(client, founder_id=founder["id"])
    membership = join(client, group["id"], actor["id"])

    response = client.delete(member_url(group["id"], actor["id"]))

    assert response.status_code == 204
    assert response.headers["etag"] == '"3"'
    assert [m["actor_id"] for m in members(client, group["id"])] == [founder["id"]]
    after = read_group(client, group["id"])
    assert (after["member_count"], after["version"]) == (1, 3)
    event = recorded_events(session, group["id"])[-1]
    assert event.type == "group.member_left"
    assert event.payload == {"group_id": group["id"], **membership}
    assert_problem(client.delete(member_url(group["id"], actor["id"])), 404)


def test_pending_request_can_be_withdrawn(client: TestClient) -> None:
    founder = create_actor(client)
    actor = create_actor(client)
    group = create_group(client, join_policy="approval", founder_id=founder["id"])
    join(client, group["id"], actor["id"])

    response = client.delete(member_url(group["id"], actor["id"]))

    assert response.status_code == 204
    assert members(client, group["id"], status="pending") == []


def test_last_admin_cannot_leave_while_members_remain(client: TestClient, session: Session) -> None:
    founder = create_actor(client)
    actor = create_actor(client)
    group = create_group(client, founder_id=founder["id"])
    join(client, group["id"], actor["id"])
    before = read_group(client, group["id"])
    events_before = len(recorded_events(session))

    refused = client.delete(member_url(group["id"], founder["id"]))

    assert_problem(refused, 409)
    assert len(members(client, group["id"])) == 2
    assert read_group(client, group["id"]) == before
    assert len(recorded_events(session)) == events_before
    assert client.delete(member_url(group["id"], actor["id"])).status_code == 204
    assert client.delete(member_url(group["id"], founder["id"])).status_code == 204
    assert read_group(client, group["id"])["member_count"] == 0


def test_an_admin_may_leave_when_another_admin_remains(client: TestClient) -> None:
    founder = create_actor(client)
    co_admin = create_actor(client)
    member = create_actor(client)
    group = create_group(client, founder_id=founder["id"])
    join(client, group["id"], co_admin["id"], role="admin")
    join(client, group["id"], member["id"])

    response = client.delete(member_url(group["id"], founder["id"]))

    assert response.status_code == 204
    assert {m["actor_id"] for m in members(client, group["id"])} == {co_admin["id"], member["id"]}


# --- listing and actor deletion ----------------------------------------------------------------


def test_members_are_listed_in_joining_order_and_paginated(client: TestClient) -> None:
    founder = create_actor(client)
    group = create_group(client, founder_id=founder["id"])
    joined = [founder["id"]]
    for _ in range(3):
        actor = create_actor(client)
        join(client, group["id"], actor["id"])
        joined.append(actor["id"])

    pages = [
        client.get(f"/v1/groups/{group['id']}/members", params={"limit": 1, "offset": n}).json()
        for n in range(4)
    ]
    past_end = client.get(f"/v1/groups/{group['id']}/members", params={"offset": 4}).json()

    assert [page["data"][0]["actor_id"] for page in pages] == joined
    assert {page["count"] for page in pages} == {4}
    assert (past_end["data"], past_end["count"]) == ([], 4)
    bad_limit = client.get(f"/v1/groups/{group['id']}/members", params={"limit": 101})
    assert_problem(bad_limit, 422, field="limit", location="query")
    bad_status = client.get(f"/v1/groups/{group['id']}/members", params={"status": "banned"})
    assert_problem(bad_status, 422, field="status", location="query")


def test_deleting_an_actor_ends_its_memberships(client: TestClient, session: Session) -> None:
    founder = create_actor(client)
    actor = create_actor(client)
    group = create_group(client, founder_id=founder["id"])
    join(client, group["id"], actor["id"])

    assert client.delete(f"/v1/actors/{actor['id']}").status_code == 204

    assert [m["actor_id"] for m in members(client, group["id"])] == [founder["id"]]
    session.rollback()
    left = select(GroupMember).where(GroupMember.actor_id == uuid.UUID(actor["id"]))
    assert session.exec(left).all() == []
