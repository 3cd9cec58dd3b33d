"""Group membership over HTTP: change a member's role; every membership change gives the group
a new version and update time (its `member_count` and admins are part of it): ETags, If-Match,
304s and `updated_since` follow membership."""

from datetime import datetime, timedelta
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import create_actor
from tests.group_factories import (
    assert_problem,
    create_group,
    join,
    member_url,
    members,
    read_group,
    recorded_events,
)


def roles(client: TestClient, group_id: str) -> dict[str, tuple[str, str]]:
    return {m["actor_id"]: (m["role"], m["status"]) for m in members(client, group_id)}


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
