"""Ideas over HTTP: happy path, bad input, concurrency, pagination, events."""

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlmodel import Session, select

from radar.models.event import Event
from radar.models.idea import Idea
from tests.factories import (
    FIELD_CIRCULAR,
    FIELD_PRODUCTION,
    TOPIC_AI,
    TOPIC_HYDROGEN,
    TOPIC_PLASTICS,
    create_actor,
)
from tests.idea_factories import PROBLEM, create_idea, idea_body, idea_events, problem_fields


def test_create_read_update_delete_round_trip(client: TestClient) -> None:
    owner = create_actor(client)
    partner = create_actor(client)
    created = client.post(
        "/v1/ideas",
        json=idea_body(
            title="H2-Spritzguss",
            owner_id=owner["id"],
            topics=[TOPIC_PLASTICS, TOPIC_HYDROGEN],
            seeking_kinds=["university", "startup"],
            participants=[
                {"actor_id": partner["id"]},
                {"actor_id": owner["id"], "role": "lead"},
            ],
        ),
    )
    assert created.status_code == 201, created.text
    idea = created.json()
    assert created.headers["etag"] == '"1"'
    assert created.headers["location"].endswith(f"/v1/ideas/{idea['id']}")
    assert idea["topics"] == sorted([TOPIC_PLASTICS, TOPIC_HYDROGEN])
    assert idea["action_fields"] == [FIELD_PRODUCTION]
    assert idea["seeking_topics"] == [TOPIC_AI]
    assert idea["seeking_kinds"] == ["university", "startup"]
    assert idea["owner_id"] == owner["id"]
    assert [(p["actor_id"], p["role"]) for p in idea["participants"]] == [
        (owner["id"], "lead"),
        (partner["id"], "partner"),
    ]

    read = client.get(f"/v1/ideas/{idea['id']}")
    assert read.status_code == 200
    assert read.headers["etag"] == '"1"'
    assert read.json() == idea

    patched = client.patch(
        f"/v1/ideas/{idea['id']}",
        json={"status": "running", "topics": [TOPIC_AI], "city": None, "district": None},
        headers={"If-Match": '"1"'},
    )
    assert patched.status_code == 200, patched.text
    assert patched.headers["etag"] == '"2"'
    body = patched.json()
    assert (body["status"], body["topics"], body["city"]) == ("running", [TOPIC_AI], None)
    assert body["title"] == "H2-Spritzguss"
    assert body["participants"] == idea["participants"]
    assert body["updated_at"] >= idea["updated_at"]

    deleted = client.delete(f"/v1/ideas/{idea['id']}", headers={"If-Match": '"2"'})
    assert deleted.status_code == 204
    assert client.get(f"/v1/ideas/{idea['id']}").status_code == 404


def test_every_write_records_an_event(client: TestClient, session: Session) -> None:
    actor = create_actor(client)
    idea = create_idea(client)
    client.patch(f"/v1/ideas/{idea['id']}", json={"title": "Umbenannt"})
    client.put(f"/v1/ideas/{idea['id']}/participants/{actor['id']}", json={"role": "lead"})
    client.delete(f"/v1/ideas/{idea['id']}/participants/{actor['id']}")
    client.delete(f"/v1/ideas/{idea['id']}")
    events = idea_events(session)
    assert [e.type for e in events] == [
        "idea.created",
        "idea.updated",
        "idea.updated",
        "idea.updated",
        "idea.deleted",
    ]
    assert {e.entity_id for e in events} == {uuid.UUID(idea["id"])}
    assert [e.payload["version"] for e in events] == [1, 2, 3, 4, 4]
    assert events[1].payload["title"] == "Umbenannt"
    assert events[2].payload["participants"][0]["actor_id"] == actor["id"]
    assert events[3].payload["participants"] == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"unknown_field": 1}, "unknown_field"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"kind": "dream"}, "kind"),
        ({"status": "paused"}, "status"),
        ({"lat": 91.0}, "lat"),
        ({"country": "Germany"}, "country"),
        ({"start_date": "next week"}, "start_date"),
        ({"topics": ["x"] * 31}, "topics"),
        ({"tags": ["t" * 81]}, "tags.0"),
        ({"topics": [TOPIC_HYDROGEN, "kuenstliche-inteligenz"]}, "topics.1"),
        ({"action_fields": ["circular"]}, "action_fields.0"),
        ({"seeking_topics": ["wasserstof"]}, "seeking_topics.0"),
        ({"seeking_kinds": ["firm"]}, "seeking_kinds.0"),
        ({"owner_id": str(uuid.uuid4())}, "owner_id"),
        ({"participants": [{"actor_id": str(uuid.uuid4())}]}, "participants.0.actor_id"),
        (
            {"participants": [{"actor_id": str(uuid.uuid4()), "role": "boss"}]},
            "participants.0.role",
        ),
    ],
)
def test_bad_input_is_a_422_naming_the_field(
    client: TestClient, session: Session, overrides: dict[str, Any], field: str
) -> None:
    response = client.post("/v1/ideas", json=idea_body(**overrides))
    assert response.status_code == 422
    assert field in problem_fields(response)
    assert session.exec(select(Idea)).all() == []
    assert session.exec(select(Event)).all() == []


def test_unknown_slug_names_the_closest_known_ones(client: TestClient) -> None:
    response = client.post("/v1/ideas", json=idea_body(topics=["kuenstliche-inteligenz"]))
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "topics.0"
    assert TOPIC_AI in error["suggestions"]
    assert TOPIC_AI in error["message"]


def test_cross_field_rules_on_create(client: TestClient) -> None:
    # Rules spanning two fields name the field to fix.
    backwards = client.post(
        "/v1/ideas", json=idea_body(start_date="2027-01-01", end_date="2026-01-01")
    )
    assert backwards.status_code == 422
    assert problem_fields(backwards) == ["end_date"]
    assert "end_date" in backwards.json()["errors"][0]["message"]
    body = idea_body()
    del body["lon"]
    no_lon = client.post("/v1/ideas", json=body)
    assert no_lon.status_code == 422
    assert problem_fields(no_lon) == ["lon"]
    assert "lat and lon" in no_lon.json()["errors"][0]["message"]
    assert client.get("/v1/ideas").json()["count"] == 0


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"end_date": "2025-12-31"}, "end_date"),
        ({"start_date": "2028-01-01"}, "start_date"),
        ({"lat": None}, "lat"),
        ({"lon": None}, "lon"),
        ({"title": None}, "title"),
        ({"kind": "dream"}, "kind"),
        ({"participants": []}, "participants"),
        ({"topics": ["wasserstof"]}, "topics.0"),
        ({"seeking_topics": ["wasserstof"]}, "seeking_topics.0"),
        ({"owner_id": str(uuid.uuid4())}, "owner_id"),
    ],
)
def test_bad_patch_is_a_422_and_changes_nothing(
    client: TestClient, patch: dict[str, Any], field: str
) -> None:
    idea = create_idea(client, start_date="2026-01-01", end_date="2027-12-31")
    response = client.patch(f"/v1/ideas/{idea['id']}", json=patch)
    assert response.status_code == 422
    assert problem_fields(response) == [field]
    assert client.get(f"/v1/ideas/{idea['id']}").json() == idea


def test_patch_changes_only_the_given_fields(client: TestClient) -> None:
    owner = create_actor(client)
    idea = create_idea(client, owner_id=owner["id"])
    patched = client.patch(
        f"/v1/ideas/{idea['id']}",
        json={
            "end_date": "2030-06-30",
            "lat": 51.0,
            "lon": 8.0,
            "seeking_kinds": ["research_institute"],
            "seeking_topics": [TOPIC_PLASTICS, TOPIC_PLASTICS],
            "owner_id": None,
        },
    )
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert body["end_date"] == "2030-06-30"
    assert (body["lat"], body["lon"]) == (51.0, 8.0)
    assert body["seeking_kinds"] == ["research_institute"]
    assert body["seeking_topics"] == [TOPIC_PLASTICS]
    assert body["owner_id"] is None
    unchanged = {"title", "summary", "topics", "action_fields", "start_date", "city", "tags"}
    assert {k: body[k] for k in unchanged} == {k: idea[k] for k in unchanged}
    assert body["version"] == 2


def test_duplicate_external_id_is_a_409_and_changes_nothing(client: TestClient) -> None:
    first = create_idea(client, external_id="crm-1")
    duplicate = client.post("/v1/ideas", json=idea_body(external_id="crm-1"))
    assert duplicate.status_code == 409
    assert duplicate.headers["content-type"] == PROBLEM
    other = create_idea(client, external_id="crm-2")
    stolen = client.patch(f"/v1/ideas/{other['id']}", json={"external_id": "crm-1"})
    assert stolen.status_code == 409
    assert client.get("/v1/ideas").json()["count"] == 2
    assert client.get(f"/v1/ideas/{first['id']}").json()["external_id"] == "crm-1"
    assert client.get(f"/v1/ideas/{other['id']}").json()["external_id"] == "crm-2"


def test_stale_if_match_is_a_412_and_changes_nothing(client: TestClient) -> None:
    actor = create_actor(client)
    idea = create_idea(client, title="Original")
    etag = client.get(f"/v1/ideas/{idea['id']}").headers["etag"]
    first = client.patch(
        f"/v1/ideas/{idea['id']}", json={"title": "Erster"}, headers={"If-Match": etag}
    )
    assert first.status_code == 200
    second = client.patch(
        f"/v1/ideas/{idea['id']}", json={"title": "Zweiter"}, headers={"If-Match": etag}
    )
    assert second.status_code == 412
    assert second.headers["content-type"] == PROBLEM
    assert second.json()["current_version"] == 2
    stale_delete = client.delete(f"/v1/ideas/{idea['id']}", headers={"If-Match": etag})
    assert stale_delete.status_code == 412
    stale_join = client.put(
        f"/v1/ideas/{idea['id']}/participants/{actor['id']}",
        json={"role": "partner"},
        headers={"If-Match": etag},
    )
    assert stale_join.status_code == 412
    current = client.get(f"/v1/ideas/{idea['id']}").json()
    assert (current["title"], current["version"], current["participants"]) == ("Erster", 2, [])


def test_if_none_match_gives_304(client: TestClient) -> None:
    idea = create_idea(client)
    response = client.get(f"/v1/ideas/{idea['id']}", headers={"If-None-Match": '"1"'})
    assert response.status_code == 304
    assert response.headers["etag"] == '"1"'
    changed = client.get(f"/v1/ideas/{idea['id']}", headers={"If-None-Match": '"0"'})
    assert changed.status_code == 200


def test_unknown_and_malformed_ids(client: TestClient) -> None:
    actor = create_actor(client)
    idea = create_idea(client)
    missing = f"/v1/ideas/{uuid.uuid4()}"
    response = client.get(missing)
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    assert client.patch(missing, json={"title": "x"}).status_code == 404
    assert client.delete(missing).status_code == 404
    assert client.get(f"{missing}/participants").status_code == 404
    join = client.put(f"{missing}/participants/{actor['id']}", json={"role": "partner"})
    assert join.status_code == 404
    stranger = client.put(
        f"/v1/ideas/{idea['id']}/participants/{uuid.uuid4()}", json={"role": "partner"}
    )
    assert stranger.status_code == 404
    assert stranger.headers["content-type"] == PROBLEM
    not_taking_part = client.delete(f"/v1/ideas/{idea['id']}/participants/{actor['id']}")
    assert not_taking_part.status_code == 404
    malformed = client.get("/v1/ideas/42")
    assert malformed.status_code == 422
    assert problem_fields(malformed) == ["idea_id"]
    assert client.get(f"/v1/ideas/{idea['id']}").json()["version"] == 1


def test_pagination_walks_every_item_once_in_stable_order(client: TestClient) -> None:
    titles = [f"Projekt {letter}" for letter in "EDCBA"]
    for title in titles:
        create_idea(client, title=title)
    create_idea(client, title="Projekt C")
    seen = []
    for offset in range(7):
        page = client.get("/v1/ideas", params={"limit": 1, "offset": offset})
        assert page.status_code == 200
        assert page.json()["count"] == 6
        seen.extend((idea["title"], idea["id"]) for idea in page.json()["data"])
    assert [title for title, _ in seen] == sorted([*titles, "Projekt C"])
    assert len({idea_id for _, idea_id in seen}) == 6
    twins = [idea_id for title, idea_id in seen if title == "Projekt C"]
    assert twins == sorted(twins)
    beyond = client.get("/v1/ideas", params={"offset": 50}).json()
    assert (beyond["data"], beyond["count"], beyond["offset"]) == ([], 6, 50)
    for bad in ({"limit": 0}, {"limit": 101}, {"offset": -1}, {"sort": "random"}):
        response = client.get("/v1/ideas", params=bad)
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM


def test_listing_costs_the_same_queries_for_one_idea_or_many(
    client: TestClient, engine: Engine
) -> None:
    actors = [create_actor(client) for _ in range(3)]
    participants = [{"actor_id": actor["id"]} for actor in actors]

    def statements_for_one_page() -> int:
        statements: list[str] = []

        def count(*args: Any) -> None:
            statements.append(args[2])

        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get("/v1/ideas").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements)

    create_idea(client, participants=participants)
    one = statements_for_one_page()
    for _ in range(4):
        create_idea(client, participants=participants, topics=[TOPIC_AI, TOPIC_HYDROGEN])
    assert statements_for_one_page() == one


def test_sorts(client: TestClient) -> None:
    late = create_idea(client, title="A spät", start_date="2027-01-01", end_date=None)
    undated = create_idea(client, title="B offen", start_date=None, end_date=None)
    early = create_idea(client, title="C früh", start_date="2025-01-01", end_date=None)
    client.patch(f"/v1/ideas/{late['id']}", json={"summary": "zuletzt geändert"})

    def ids(sort: str) -> list[str]:
        response = client.get("/v1/ideas", params={"sort": sort})
        assert response.status_code == 200, response.text
        return [idea["id"] for idea in response.json()["data"]]

    assert ids("title") == [late["id"], undated["id"], early["id"]]
    assert ids("start_date") == [early["id"], late["id"], undated["id"]]
    assert ids("created_at") == [late["id"], undated["id"], early["id"]]
    assert ids("updated_at") == [undated["id"], early["id"], late["id"]]
    assert ids("-updated_at") == [late["id"], early["id"], undated["id"]]


def test_list_filters(client: TestClient) -> None:
    owner, partner = create_actor(client), create_actor(client)
    hydrogen = create_idea(
        client,
        title="Wasserstoff-Kreislauf",
        summary="Elektrolyse im Sauerland.",
        city="Olpe",
        district="Olpe",
        topics=[TOPIC_HYDROGEN],
        action_fields=[FIELD_CIRCULAR],
        kind="use_case",
        status="running",
        owner_id=owner["id"],
        participants=[{"actor_id": partner["id"], "role": "lead"}],
    )
    create_idea(
        client,
        title="KI im Spritzguss",
        summary="Qualitätsprüfung mit Bildverarbeitung.",
        city="Lüdenscheid",
        district="Märkischer Kreis",
        topics=[TOPIC_AI, TOPIC_PLASTICS],
    )

    def titles(**params: Any) -> list[str]:
        response = client.get("/v1/ideas", params=params)
        assert response.status_code == 200, response.text
        return [idea["title"] for idea in response.json()["data"]]

    assert titles(topic=TOPIC_HYDROGEN) == ["Wasserstoff-Kreislauf"]
    assert titles(topic=[TOPIC_HYDROGEN, TOPIC_PLASTICS]) == [
        "KI im Spritzguss",
        "Wasserstoff-Kreislauf",
    ]
    assert titles(action_field=FIELD_CIRCULAR) == ["Wasserstoff-Kreislauf"]
    assert titles(kind="use_case") == ["Wasserstoff-Kreislauf"]
    assert titles(status="running") == ["Wasserstoff-Kreislauf"]
    assert titles(status=["open", "completed"]) == ["KI im Spritzguss"]
    assert titles(district="Märkischer Kreis") == ["KI im Spritzguss"]
    assert titles(owner_id=owner["id"]) == ["Wasserstoff-Kreislauf"]
    assert titles(participant=partner["id"]) == ["Wasserstoff-Kreislauf"]
    assert titles(participant=owner["id"]) == []
    assert titles(q="ELEKTROLYSE") == ["Wasserstoff-Kreislauf"]
    assert titles(q="ludenscheid") == ["KI im Spritzguss"]
    assert titles(q="Lüdenscheid") == titles(q="luedenscheid") == ["KI im Spritzguss"]
    assert titles(q="qualitatsprufung") == titles(q="Qualitätsprüfung") == ["KI im Spritzguss"]
    assert titles(q="qualitaetspruefung") == ["KI im Spritzguss"]
    assert titles(q="100%_") == []
    assert titles(updated_since=hydrogen["updated_at"]) == [
        "KI im Spritzguss",
        "Wasserstoff-Kreislauf",
    ]
    assert titles(updated_since="2999-01-01T00:00:00") == []
    assert titles(topic=TOPIC_HYDROGEN, status="open") == []
    unknown = client.get("/v1/ideas", params={"topic": "wasserstof"})
    assert unknown.status_code == 422
    assert problem_fields(unknown) == ["topic.0"]
    assert TOPIC_HYDROGEN in unknown.json()["errors"][0]["suggestions"]
    bad_status = client.get("/v1/ideas", params={"status": "paused"})
    assert bad_status.status_code == 422
    assert problem_fields(bad_status) == ["status.0"]
