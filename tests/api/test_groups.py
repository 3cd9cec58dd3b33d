"""Working groups over HTTP: CRUD, lists, conditional requests; membership is in
test_group_members."""

import uuid
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from radar.models.group import GroupMember, WorkingGroup
from tests.factories import (
    FIELD_CIRCULAR,
    FIELD_PRODUCTION,
    TOPIC_AI,
    TOPIC_HYDROGEN,
    TOPIC_PLASTICS,
    create_actor,
)
from tests.group_factories import (
    assert_problem,
    count_rows,
    counted_statements,
    create_group,
    group_body,
    join,
    members,
    recorded_events,
)


def names(response_json: dict[str, Any]) -> list[str]:
    return [item["name"] for item in response_json["data"]]


# --- create and read ---------------------------------------------------------------------------


def test_create_group_with_founder_as_admin(client: TestClient, session: Session) -> None:
    founder = create_actor(client, name="Gründerwerk GmbH")
    body = group_body(
        name="KI im Spritzguss",
        join_policy="approval",
        topics=[TOPIC_PLASTICS, TOPIC_AI],
        founder_id=founder["id"],
    )

    response = client.post("/v1/groups", json=body)

    assert response.status_code == 201, response.text
    group = response.json()
    assert response.headers["location"].endswith(f"/v1/groups/{group['id']}")
    assert response.headers["etag"] == '"1"'
    assert group["name"] == "KI im Spritzguss"
    assert group["join_policy"] == "approval"
    assert group["topics"] == sorted([TOPIC_PLASTICS, TOPIC_AI])
    assert group["action_fields"] == [FIELD_PRODUCTION]
    assert group["member_count"] == 1
    assert group["version"] == 1
    assert "founder_id" not in group
    [admin] = members(client, group["id"])
    assert admin["actor_id"] == founder["id"]
    assert admin["actor_name"] == "Gründerwerk GmbH"
    assert (admin["role"], admin["status"]) == ("admin", "active")
    [event] = recorded_events(session, group["id"])
    assert (event.type, event.entity_type) == ("group.created", "group")
    assert event.payload == group


def test_create_group_without_founder_has_no_members(client: TestClient) -> None:
    group = create_group(client)

    assert group["member_count"] == 0
    assert members(client, group["id"]) == []


def test_read_group_returns_etag_and_honours_if_none_match(client: TestClient) -> None:
    group = create_group(client, description="Wasserstoff für die Industrie")

    response = client.get(f"/v1/groups/{group['id']}")

    assert response.status_code == 200
    assert response.json() == group
    assert response.headers["etag"] == '"1"'
    cached = client.get(f"/v1/groups/{group['id']}", headers={"If-None-Match": '"1"'})
    assert cached.status_code == 304
    assert cached.headers["etag"] == '"1"'


_TOO_MANY_TOPICS = [TOPIC_AI] * 31


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"colour": "blue"}, "colour", id="unknown-field"),
        pytest.param({"name": "x" * 201}, "name", id="name-too-long"),
        pytest.param({"name": ""}, "name", id="name-empty"),
        pytest.param({"topics": _TOO_MANY_TOPICS}, "topics", id="too-many-topics"),
        pytest.param({"topics": ["Not A Slug"]}, "topics.0", id="malformed-slug"),
        pytest.param({"join_policy": "invite-only"}, "join_policy", id="bad-enum"),
        pytest.param({"action_fields": ["kreislaufwirtschaft-x"]}, "action_fields.0", id="field"),
        pytest.param({"founder_id": str(uuid.uuid4())}, "founder_id", id="unknown-founder"),
        pytest.param({"founder_id": "not-a-uuid"}, "founder_id", id="malformed-founder"),
    ],
)
def test_create_group_rejects_bad_input_and_writes_nothing(
    client: TestClient, session: Session, overrides: dict[str, Any], field: str
) -> None:
    response = client.post("/v1/groups", json=group_body(**overrides))

    assert_problem(response, 422, field=field)
    assert count_rows(session, WorkingGroup) == 0
    assert recorded_events(session) == []


def test_unknown_topic_suggests_the_closest_slug(client: TestClient, session: Session) -> None:
    response = client.post(
        "/v1/groups", json=group_body(topics=[TOPIC_HYDROGEN, "kuenstliche-inteligenz"])
    )

    problem = assert_problem(response, 422, field="topics.1")
    [error] = problem["errors"]
    assert error["type"] == "unknown_topic"
    assert TOPIC_AI in error["suggestions"]
    assert count_rows(session, WorkingGroup) == 0


def test_founder_is_not_written_when_the_group_is_refused(
    client: TestClient, session: Session
) -> None:
    founder = create_actor(client)
    events_before = len(recorded_events(session))

    response = client.post(
        "/v1/groups", json=group_body(founder_id=founder["id"], topics=["gibt-es-nicht"])
    )

    assert_problem(response, 422, field="topics.0")
    assert count_rows(session, GroupMember) == 0
    assert len(recorded_events(session)) == events_before


# --- update and delete -------------------------------------------------------------------------


def test_patch_changes_only_the_given_fields(client: TestClient, session: Session) -> None:
    group = create_group(client, name="Alt", topics=[TOPIC_AI])

    response = client.patch(
        f"/v1/groups/{group['id']}", json={"name": "Neu", "topics": [TOPIC_HYDROGEN]}
    )

    assert response.status_code == 200, response.text
    updated = response.json()
    assert response.headers["etag"] == '"2"'
    assert updated["name"] == "Neu"
    assert updated["topics"] == [TOPIC_HYDROGEN]
    assert updated["description"] == group["description"]
    assert updated["action_fields"] == group["action_fields"]
    assert updated["version"] == 2
    assert datetime.fromisoformat(updated["updated_at"]) > datetime.fromisoformat(
        group["updated_at"]
    )
    assert client.get(f"/v1/groups/{group['id']}").json() == updated
    created, changed = recorded_events(session, group["id"])
    assert (created.type, changed.type) == ("group.created", "group.updated")
    assert changed.payload == updated


def test_patch_with_current_if_match_succeeds(client: TestClient) -> None:
    group = create_group(client)

    response = client.patch(
        f"/v1/groups/{group['id']}", json={"join_policy": "approval"}, headers={"If-Match": '"1"'}
    )

    assert response.status_code == 200, response.text
    assert response.json()["join_policy"] == "approval"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({"name": None}, "name", id="null-name"),
        pytest.param({"member_count": 5}, "member_count", id="unknown-field"),
        pytest.param({"topics": ["wasserstof"]}, "topics.0", id="unknown-topic"),
        pytest.param({"join_policy": "closed"}, "join_policy", id="bad-enum"),
    ],
)
def test_failed_patch_changes_nothing(
    client: TestClient, session: Session, body: dict[str, Any], field: str
) -> None:
    group = create_group(client, name="Bleibt")

    response = client.patch(f"/v1/groups/{group['id']}", json={"description": "neu", **body})

    assert_problem(response, 422, field=field)
    assert client.get(f"/v1/groups/{group['id']}").json() == group
    assert [event.type for event in recorded_events(session, group["id"])] == ["group.created"]


def test_stale_if_match_is_refused_and_changes_nothing(
    client: TestClient, session: Session
) -> None:
    group = create_group(client)
    current = client.patch(f"/v1/groups/{group['id']}", json={"name": "Zweite Fassung"}).json()

    stale_patch = client.patch(
        f"/v1/groups/{group['id']}", json={"name": "Verloren"}, headers={"If-Match": '"1"'}
    )
    stale_delete = client.delete(f"/v1/groups/{group['id']}", headers={"If-Match": '"1"'})

    assert assert_problem(stale_patch, 412)["current_version"] == 2
    assert_problem(stale_delete, 412)
    assert client.get(f"/v1/groups/{group['id']}").json() == current
    assert len(recorded_events(session, group["id"])) == 2


def test_malformed_if_match_is_a_422(client: TestClient) -> None:
    group = create_group(client)

    response = client.patch(
        f"/v1/groups/{group['id']}", json={"name": "x"}, headers={"If-Match": "eins"}
    )

    assert_problem(response, 422, field="If-Match", location="header")


def test_delete_group_removes_memberships_and_keeps_actors(
    client: TestClient, session: Session
) -> None:
    founder = create_actor(client)
    member = create_actor(client)
    group = create_group(client, founder_id=founder["id"])
    join(client, group["id"], member["id"])
    current = client.get(f"/v1/groups/{group['id']}").headers["etag"]

    response = client.delete(f"/v1/groups/{group['id']}", headers={"If-Match": current})

    assert response.status_code == 204
    assert_problem(client.get(f"/v1/groups/{group['id']}"), 404)
    assert client.get(f"/v1/actors/{founder['id']}").status_code == 200
    assert client.get(f"/v1/actors/{member['id']}").status_code == 200
    assert count_rows(session, GroupMember) == 0
    last = recorded_events(session, group["id"])[-1]
    assert last.type == "group.deleted"
    assert last.payload["id"] == group["id"]
    assert last.payload["member_count"] == 2


def test_unknown_group_is_404_everywhere(client: TestClient) -> None:
    missing = uuid.uuid4()
    actor = create_actor(client)

    assert_problem(client.get(f"/v1/groups/{missing}"), 404)
    assert_problem(client.patch(f"/v1/groups/{missing}", json={"name": "x"}), 404)
    assert_problem(client.delete(f"/v1/groups/{missing}"), 404)
    assert_problem(client.get(f"/v1/groups/{missing}/members"), 404)
    assert_problem(
        client.post(f"/v1/groups/{missing}/members", json={"actor_id": actor["id"]}), 404
    )
    assert_problem(client.post(f"/v1/groups/{missing}/members/{actor['id']}/approve"), 404)
    assert_problem(
        client.patch(f"/v1/groups/{missing}/members/{actor['id']}", json={"role": "admin"}), 404
    )
    assert_problem(client.delete(f"/v1/groups/{missing}/members/{actor['id']}"), 404)


def test_malformed_group_id_is_a_422(client: TestClient) -> None:
    assert_problem(client.get("/v1/groups/42"), 422, field="group_id", location="path")


# --- lists -------------------------------------------------------------------------------------


def test_limit_one_walks_every_group_in_a_stable_order(client: TestClient) -> None:
    for name in ("Delta", "Alpha", "Charlie", "Bravo"):
        create_group(client, name=name)

    pages = [client.get("/v1/groups", params={"limit": 1, "offset": n}).json() for n in range(4)]

    assert [page["count"] for page in pages] == [4, 4, 4, 4]
    assert [name for page in pages for name in names(page)] == [
        "Alpha",
        "Bravo",
        "Charlie",
        "Delta",
    ]


def test_groups_with_equal_names_are_ordered_by_id(client: TestClient) -> None:
    ids = [create_group(client, name="Gleich")["id"] for _ in range(3)]

    pages = [client.get("/v1/groups", params={"limit": 1, "offset": n}).json() for n in range(3)]

    walked = [page["data"][0]["id"] for page in pages]
    assert sorted(walked) == sorted(ids)
    assert walked == [item["id"] for item in client.get("/v1/groups").json()["data"]]


def test_offset_past_the_end_is_an_empty_page_with_the_count(client: TestClient) -> None:
    create_group(client)
    create_group(client)

    response = client.get("/v1/groups", params={"offset": 10})

    assert response.status_code == 200
    assert response.json() == {"data": [], "count": 2, "limit": 20, "offset": 10}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        pytest.param({"limit": 0}, "limit", id="limit-0"),
        pytest.param({"limit": 101}, "limit", id="limit-101"),
        pytest.param({"offset": -1}, "offset", id="negative-offset"),
        pytest.param({"sort": "popularity"}, "sort", id="bad-sort"),
        pytest.param({"member": "someone"}, "member", id="malformed-member"),
        pytest.param({"topic": "wasserstof"}, "topic.0", id="unknown-topic"),
        pytest.param({"action_field": "nope"}, "action_field.0", id="unknown-action-field"),
    ],
)
def test_bad_list_parameters_are_422(
    client: TestClient, params: dict[str, Any], field: str
) -> None:
    assert_problem(client.get("/v1/groups", params=params), 422, field=field, location="query")


def test_filter_by_topic_and_action_field(client: TestClient) -> None:
    create_group(client, name="KI", topics=[TOPIC_AI], action_fields=[FIELD_PRODUCTION])
    create_group(client, name="H2", topics=[TOPIC_HYDROGEN], action_fields=[FIELD_CIRCULAR])
    create_group(client, name="Kunststoff", topics=[TOPIC_PLASTICS], action_fields=[])

    by_topic = client.get("/v1/groups", params={"topic": [TOPIC_AI, TOPIC_HYDROGEN]}).json()
    by_field = client.get("/v1/groups", params={"action_field": FIELD_CIRCULAR}).json()
    both = client.get(
        "/v1/groups", params={"topic": TOPIC_AI, "action_field": FIELD_CIRCULAR}
    ).json()

    assert (names(by_topic), by_topic["count"]) == (["H2", "KI"], 2)
    assert names(by_field) == ["H2"]
    assert (names(both), both["count"]) == ([], 0)


def test_text_search_covers_name_and_description_ignoring_umlauts(client: TestClient) -> None:
    create_group(client, name="Lüdenscheider Runde", description="")
    create_group(client, name="Sauerland", description="Treffen in Lüdenscheid")
    create_group(client, name="Siegen", description="Treffen in Siegen")

    for query in ("lüdenscheid", "LUEDENSCHEID", "ludenscheid"):
        found = client.get("/v1/groups", params={"q": query}).json()
        assert names(found) == ["Lüdenscheider Runde", "Sauerland"], query


def test_filter_by_active_member(client: TestClient) -> None:
    actor = create_actor(client)
    admin = create_actor(client)
    open_group = create_group(client, name="Offen")
    create_group(client, name="Ohne")
    approval = create_group(
        client, name="Mit Zustimmung", join_policy="approval", founder_id=admin["id"]
    )
    join(client, open_group["id"], actor["id"])
    join(client, approval["id"], actor["id"])

    found = client.get("/v1/groups", params={"member": actor["id"]}).json()

    assert names(found) == ["Offen"]  # the request in the approval group is still pending
    client.post(f"/v1/groups/{approval['id']}/members/{actor['id']}/approve")
    found = client.get("/v1/groups", params={"member": actor["id"]}).json()
    assert names(found) == ["Mit Zustimmung", "Offen"]


def test_updated_since_and_sort_by_update_time(client: TestClient) -> None:
    first = create_group(client, name="Erste")
    second = create_group(client, name="Zweite")
    touched = client.patch(f"/v1/groups/{first['id']}", json={"description": "neu"}).json()

    since = client.get("/v1/groups", params={"updated_since": second["updated_at"]}).json()
    recent = client.get("/v1/groups", params={"sort": "-updated_at"}).json()
    oldest = client.get("/v1/groups", params={"sort": "updated_at"}).json()
    created = client.get("/v1/groups", params={"sort": "created_at"}).json()
    later = client.get("/v1/groups", params={"updated_since": touched["updated_at"]}).json()

    assert names(since) == ["Erste", "Zweite"]
    assert names(recent) == ["Erste", "Zweite"]
    assert names(oldest) == ["Zweite", "Erste"]
    assert names(created) == ["Erste", "Zweite"]
    assert names(later) == ["Erste"]


def test_list_shows_active_member_counts(client: TestClient) -> None:
    admin = create_actor(client)
    pending = create_actor(client)
    group = create_group(client, name="Gezählt", join_policy="approval", founder_id=admin["id"])
    create_group(client, name="Leer")
    join(client, group["id"], pending["id"])

    listed = client.get("/v1/groups").json()["data"]

    assert {item["name"]: item["member_count"] for item in listed} == {"Gezählt": 1, "Leer": 0}


def test_listing_does_not_query_per_group(client: TestClient, engine: Engine) -> None:
    def list_statements() -> int:
        with counted_statements(engine) as statements:
            assert client.get("/v1/groups").status_code == 200
        return len(statements)

    founder = create_actor(client)
    create_group(client, founder_id=founder["id"])
    one_group = list_statements()
    for _ in range(4):
        create_group(client, founder_id=founder["id"], topics=[TOPIC_AI, TOPIC_HYDROGEN])

    assert list_statements() == one_group
