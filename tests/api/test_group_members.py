"""Group membership over HTTP: join, approve, change role, leave. Every change gives the group a
new version and update time (its `member_count` and admins are part of it): ETags, 304s and
`updated_since` follow membership."""

import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx2
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
    members,
    recorded_events,
)


def read_group(client: TestClient, group_id: str) -> dict[str, Any]:
    response = client.get(f"/v1/groups/{group_id}")
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def member_url(group_id: str, actor_id: str) -> str:
    return f"/v1/groups/{group_id}/members/{actor_id}"


def roles(client: TestClient, group_id: str) -> dict[str, tuple[str, str]]:
    return {m["actor_id"]: (m["role"], m["status"]) for m in members(client, group_id)}


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


# --- changing a role ---------------------------------------------------------------------------


def test_promote_a_member_then_demote_another_admin(client: TestClient, session: Session) -> None:
    founder = create_actor(client)
    actor = create_actor(client, name="Aufsteiger KG")
    group = create_group(client, founder_id=founder["id"])
    join(client, group["id"], actor["id"])

    response = client.patch(member_url(group["id"], actor["id"]), json={"role": "admin"})

    assert response.status_code == 200, response.text
    promoted = response.json()
    assert (promoted["actor_id"], promoted["actor_name"]) == (actor["id"], "Aufsteiger KG")
    assert (promoted["role"], promoted["status"]) == ("admin", "active")
    assert response.headers["etag"] == '"3"'
    assert roles(client, group["id"])[actor["id"]] == ("admin", "active")
    assert read_group(client, group["id"])["version"] == 3
    event = recorded_events(session, group["id"])[-1]
    assert event.type == "group.member_role_changed"
    assert event.payload == {"group_id": group["id"], **promoted}

    demoted = client.patch(member_url(group["id"], founder["id"]), json={"role": "member"})

    assert (demoted.status_code, demoted.headers["etag"]) == (200, '"4"')
    assert roles(client, group["id"]) == {
        founder["id"]: ("member", "active"),
        actor["id"]: ("admin", "active"),
    }


def test_last_active_admin_cannot_be_demoted_while_members_remain(
    client: TestClient, session: Session
) -> None:
    founder = create_actor(client)
    member = create_actor(client)
    applicant = create_actor(client)
    group = create_group(client, join_policy="approval", founder_id=founder["id"])
    join(client, group["id"], member["id"])
    client.post(f"{member_url(group['id'], member['id'])}/approve")
    join(client, group["id"], applicant["id"], role="admin")  # pending: no admin yet
    before = (read_group(client, group["id"]), roles(client, group["id"]))
    events_before = len(recorded_events(session))

    refused = client.patch(member_url(group["id"], founder["id"]), json={"role": "member"})

    assert_problem(refused, 409)
    assert (read_group(client, group["id"]), roles(client, group["id"])) == before
    assert len(recorded_events(session)) == events_before


def test_a_sole_admin_without_other_members_may_step_down(client: TestClient) -> None:
    founder = create_actor(client)
    newcomer = create_actor(client)
    group = create_group(client, founder_id=founder["id"])

    response = client.patch(member_url(group["id"], founder["id"]), json={"role": "member"})

    assert response.status_code == 200, response.text
    assert response.json()["role"] == "member"
    # As after the last admin leaves: the next joiner becomes the group's admin.
    assert join(client, group["id"], newcomer["id"])["role"] == "admin"


def test_a_pending_member_keeps_waiting_with_its_new_role(client: TestClient) -> None:
    founder = create_actor(client)
    actor = create_actor(client)
    group = create_group(client, join_policy="approval", founder_id=founder["id"])
    join(client, group["id"], actor["id"], role="admin")

    response = client.patch(member_url(group["id"], actor["id"]), json={"role": "member"})

    assert response.status_code == 200, response.text
    assert (response.json()["role"], response.json()["status"]) == ("member", "pending")
    assert read_group(client, group["id"])["member_count"] == 1
    approved = client.post(f"{member_url(group['id'], actor['id'])}/approve").json()
    assert (approved["role"], approved["status"]) == ("member", "active")


def test_the_same_role_again_changes_nothing(client: TestClient, session: Session) -> None:
    founder = create_actor(client)
    group = create_group(client, founder_id=founder["id"])
    events_before = len(recorded_events(session))

    response = client.patch(
        member_url(group["id"], founder["id"]), json={"role": "admin"}, headers={"If-Match": '"1"'}
    )

    assert response.status_code == 200, response.text
    assert (response.json()["role"], response.headers["etag"]) == ("admin", '"1"')
    assert read_group(client, group["id"]) == group
    assert len(recorded_events(session)) == events_before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({"role": "owner"}, "role", id="bad-role"),
        pytest.param({"role": None}, "role", id="null-role"),
        pytest.param({}, "role", id="missing-role"),
        pytest.param({"role": "admin", "status": "pending"}, "status", id="unknown-field"),
    ],
)
def test_bad_role_changes_are_422_and_change_nothing(
    client: TestClient, session: Session, body: dict[str, Any], field: str
) -> None:
    founder = create_actor(client)
    actor = create_actor(client)
    group = create_group(client, founder_id=founder["id"])
    join(client, group["id"], actor["id"])
    before = (read_group(client, group["id"]), roles(client, group["id"]))
    events_before = len(recorded_events(session))

    response = client.patch(member_url(group["id"], actor["id"]), json=body)

    assert_problem(response, 422, field=field)
    assert (read_group(client, group["id"]), roles(client, group["id"])) == before
    assert len(recorded_events(session)) == events_before


# --- conditional membership changes ------------------------------------------------------------

WRITES = {"join": 201, "approve": 200, "change-role": 200, "leave": 204}


def _write(
    client: TestClient, kind: str, group_id: str, who: dict[str, str], headers: dict[str, str]
) -> httpx2.Response:
    """One membership change in the group of `_populated_group`."""
    if kind == "join":
        body = {"actor_id": who["newcomer"]}
        return client.post(f"/v1/groups/{group_id}/members", json=body, headers=headers)
    if kind == "approve":
        return client.post(f"{member_url(group_id, who['applicant'])}/approve", headers=headers)
    url = member_url(group_id, who["member"])
    if kind == "change-role":
        return client.patch(url, json={"role": "admin"}, headers=headers)
    return client.delete(url, headers=headers)


def _populated_group(client: TestClient) -> tuple[str, dict[str, str]]:
    """An approval group at version 4: an admin, an active member, a pending applicant."""
    who = {
        name: create_actor(client)["id"] for name in ("admin", "member", "applicant", "newcomer")
    }
    group = create_group(client, join_policy="approval", founder_id=who["admin"])
    join(client, group["id"], who["member"])
    client.post(f"{member_url(group['id'], who['member'])}/approve")
    join(client, group["id"], who["applicant"])
    assert read_group(client, group["id"])["version"] == 4
    return group["id"], who


@pytest.mark.parametrize("kind", WRITES)
def test_each_membership_change_takes_a_new_group_version(client: TestClient, kind: str) -> None:
    group_id, who = _populated_group(client)
    before = read_group(client, group_id)

    response = _write(client, kind, group_id, who, {"If-Match": '"4"'})

    assert response.status_code == WRITES[kind], response.text
    assert response.headers["etag"] == '"5"'
    after = client.get(f"/v1/groups/{group_id}", headers={"If-None-Match": '"4"'})
    assert (after.status_code, after.headers["etag"]) == (200, '"5"')
    # A partner that synced the group before this change picks it up again.
    cursor = datetime.fromisoformat(before["updated_at"]) + timedelta(microseconds=1)
    since = client.get("/v1/groups", params={"updated_since": cursor.isoformat()}).json()
    assert [(item["id"], item["version"]) for item in since["data"]] == [(group_id, 5)]


@pytest.mark.parametrize("kind", WRITES)
def test_stale_if_match_refuses_each_membership_change(
    client: TestClient, session: Session, kind: str
) -> None:
    group_id, who = _populated_group(client)

    def state() -> tuple[Any, ...]:
        return read_group(client, group_id), roles(client, group_id), len(recorded_events(session))

    before = state()

    response = _write(client, kind, group_id, who, {"If-Match": '"3"'})

    assert assert_problem(response, 412)["current_version"] == 4
    assert state() == before


def test_malformed_if_match_on_a_membership_change_is_422(client: TestClient) -> None:
    group_id, who = _populated_group(client)

    response = _write(client, "join", group_id, who, {"If-Match": "vier"})

    assert_problem(response, 422, field="If-Match", location="header")
    assert who["newcomer"] not in roles(client, group_id)


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
