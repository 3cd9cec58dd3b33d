"""News over HTTP: publishing, reading, lists, conditional requests and events."""

import itertools
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from radar.models.news import News
from tests.factories import TOPIC_AI, TOPIC_HYDROGEN, TOPIC_PLASTICS, create_actor
from tests.group_factories import (
    assert_problem,
    count_rows,
    counted_statements,
    recorded_events,
)

_counter = itertools.count(1)


def news_body(**overrides: Any) -> dict[str, Any]:
    n = next(_counter)
    body: dict[str, Any] = {
        "title": f"Neuigkeit {n}",
        "body": "Ein Verbundprojekt zur Kreislaufführung von Kunststoffen startet.",
        "topics": [TOPIC_PLASTICS],
    }
    body.update(overrides)
    return body


def create_news(client: TestClient, **overrides: Any) -> dict[str, Any]:
    response = client.post("/v1/news", json=news_body(**overrides))
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def titles(client: TestClient, **params: Any) -> list[str]:
    response = client.get("/v1/news", params=params)
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["data"]]


def parse(moment: str) -> datetime:
    return datetime.fromisoformat(moment)


# --- publish and read --------------------------------------------------------------------------


def test_publish_news_by_an_actor(client: TestClient, session: Session) -> None:
    author = create_actor(client)
    before = datetime.now(UTC)

    response = client.post(
        "/v1/news",
        json=news_body(title="Wasserstoff-Tag", author_id=author["id"], topics=[TOPIC_HYDROGEN]),
    )

    assert response.status_code == 201, response.text
    news = response.json()
    assert response.headers["location"].endswith(f"/v1/news/{news['id']}")
    assert response.headers["etag"] == '"1"'
    assert news["title"] == "Wasserstoff-Tag"
    assert news["author_id"] == author["id"]
    assert news["topics"] == [TOPIC_HYDROGEN]
    assert news["version"] == 1
    published = parse(news["published_at"])
    assert published.utcoffset() == timedelta(0)
    assert before <= published <= datetime.now(UTC)
    [event] = recorded_events(session, news["id"])
    assert (event.type, event.entity_type) == ("news.published", "news")
    assert event.payload == news


def test_published_at_with_a_zone_is_kept_as_that_instant(client: TestClient) -> None:
    news = create_news(client, published_at="2025-03-01T09:30:00+02:00")

    stored = client.get(f"/v1/news/{news['id']}").json()

    assert parse(news["published_at"]) == datetime(2025, 3, 1, 7, 30, tzinfo=UTC)
    assert stored["published_at"] == news["published_at"]


def test_read_news_returns_etag_and_honours_if_none_match(client: TestClient) -> None:
    news = create_news(client)

    response = client.get(f"/v1/news/{news['id']}")
    cached = client.get(f"/v1/news/{news['id']}", headers={"If-None-Match": 'W/"1"'})

    assert response.status_code == 200
    assert response.json() == news
    assert response.headers["etag"] == '"1"'
    assert cached.status_code == 304


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"headline": "x"}, "headline", id="unknown-field"),
        pytest.param({"title": "x" * 201}, "title", id="title-too-long"),
        pytest.param({"title": ""}, "title", id="title-empty"),
        pytest.param({"topics": [TOPIC_AI] * 31}, "topics", id="too-many-topics"),
        pytest.param({"topics": ["wasser-stoff"]}, "topics.0", id="unknown-topic"),
        pytest.param({"author_id": str(uuid.uuid4())}, "author_id", id="unknown-author"),
        pytest.param({"author_id": "jemand"}, "author_id", id="malformed-author"),
        pytest.param({"published_at": "2025-03-01T09:30:00"}, "published_at", id="naive-time"),
        pytest.param({"published_at": "gestern"}, "published_at", id="malformed-time"),
    ],
)
def test_publish_rejects_bad_input_and_writes_nothing(
    client: TestClient, session: Session, overrides: dict[str, Any], field: str
) -> None:
    response = client.post("/v1/news", json=news_body(**overrides))

    assert_problem(response, 422, field=field)
    assert count_rows(session, News) == 0
    assert recorded_events(session) == []


def test_unknown_topic_suggests_the_closest_slug(client: TestClient) -> None:
    response = client.post("/v1/news", json=news_body(topics=["wasserstof"]))

    [error] = assert_problem(response, 422, field="topics.0")["errors"]
    assert TOPIC_HYDROGEN in error["suggestions"]


# --- update and delete -------------------------------------------------------------------------


def test_patch_changes_only_the_given_fields(client: TestClient, session: Session) -> None:
    author = create_actor(client)
    news = create_news(client, author_id=author["id"], title="Alt")

    response = client.patch(
        f"/v1/news/{news['id']}",
        json={"title": "Neu", "published_at": "2025-01-02T03:04:05Z"},
        headers={"If-Match": '"1"'},
    )

    assert response.status_code == 200, response.text
    updated = response.json()
    assert response.headers["etag"] == '"2"'
    assert (updated["title"], updated["version"]) == ("Neu", 2)
    assert parse(updated["published_at"]) == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert (updated["body"], updated["author_id"]) == (news["body"], author["id"])
    assert updated["topics"] == news["topics"]
    assert client.get(f"/v1/news/{news['id']}").json() == updated
    [*_, event] = recorded_events(session, news["id"])
    assert (event.type, event.payload) == ("news.updated", updated)


def test_patch_can_detach_the_author(client: TestClient) -> None:
    author = create_actor(client)
    news = create_news(client, author_id=author["id"])

    response = client.patch(f"/v1/news/{news['id']}", json={"author_id": None})

    assert response.status_code == 200, response.text
    assert response.json()["author_id"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({"published_at": "2025-03-01T09:30:00"}, "published_at", id="naive-time"),
        pytest.param({"published_at": None}, "published_at", id="null-time"),
        pytest.param({"title": None}, "title", id="null-title"),
        pytest.param({"author_id": str(uuid.uuid4())}, "author_id", id="unknown-author"),
        pytest.param({"topics": ["kuenstliche-intelligenz-x"]}, "topics.0", id="unknown-topic"),
        pytest.param({"version": 7}, "version", id="unknown-field"),
    ],
)
def test_failed_patch_changes_nothing(
    client: TestClient, session: Session, body: dict[str, Any], field: str
) -> None:
    news = create_news(client)

    response = client.patch(f"/v1/news/{news['id']}", json={"body": "geändert", **body})

    assert_problem(response, 422, field=field)
    assert client.get(f"/v1/news/{news['id']}").json() == news
    assert [event.type for event in recorded_events(session, news["id"])] == ["news.published"]


def test_stale_if_match_is_refused_and_changes_nothing(
    client: TestClient, session: Session
) -> None:
    news = create_news(client)
    current = client.patch(f"/v1/news/{news['id']}", json={"title": "Zweite Fassung"}).json()

    stale_patch = client.patch(
        f"/v1/news/{news['id']}", json={"title": "Verloren"}, headers={"If-Match": '"1"'}
    )
    stale_delete = client.delete(f"/v1/news/{news['id']}", headers={"If-Match": '"1"'})

    assert assert_problem(stale_patch, 412)["current_version"] == 2
    assert_problem(stale_delete, 412)
    assert client.get(f"/v1/news/{news['id']}").json() == current
    assert len(recorded_events(session, news["id"])) == 2


def test_delete_news(client: TestClient, session: Session) -> None:
    author = create_actor(client)
    news = create_news(client, author_id=author["id"])

    response = client.delete(f"/v1/news/{news['id']}", headers={"If-Match": '"1"'})

    assert response.status_code == 204
    assert_problem(client.get(f"/v1/news/{news['id']}"), 404)
    assert client.get(f"/v1/actors/{author['id']}").status_code == 200
    [*_, event] = recorded_events(session, news["id"])
    assert (event.type, event.payload) == ("news.deleted", news)


def test_deleting_the_author_keeps_the_news(client: TestClient) -> None:
    author = create_actor(client)
    news = create_news(client, author_id=author["id"])

    assert client.delete(f"/v1/actors/{author['id']}").status_code == 204

    assert client.get(f"/v1/news/{news['id']}").json()["author_id"] is None


def test_unknown_news_is_404(client: TestClient) -> None:
    missing = uuid.uuid4()

    assert_problem(client.get(f"/v1/news/{missing}"), 404)
    assert_problem(client.patch(f"/v1/news/{missing}", json={"title": "x"}), 404)
    assert_problem(client.delete(f"/v1/news/{missing}"), 404)
    assert_problem(client.get("/v1/news/morgen"), 422, field="news_id", location="path")


# --- lists -------------------------------------------------------------------------------------


def test_newest_first_by_default_and_other_sorts(client: TestClient) -> None:
    create_news(client, title="Beta", published_at="2025-02-01T00:00:00Z")
    create_news(client, title="Alpha", published_at="2025-03-01T00:00:00Z")
    gamma = create_news(client, title="Gamma", published_at="2025-01-01T00:00:00Z")
    client.patch(f"/v1/news/{gamma['id']}", json={"body": "nachgetragen"})

    assert titles(client) == ["Alpha", "Beta", "Gamma"]
    assert titles(client, sort="published_at") == ["Gamma", "Beta", "Alpha"]
    assert titles(client, sort="title") == ["Alpha", "Beta", "Gamma"]
    assert titles(client, sort="-updated_at") == ["Gamma", "Alpha", "Beta"]


def test_limit_one_walks_news_published_at_the_same_time_by_id(client: TestClient) -> None:
    same_time = "2025-05-05T12:00:00Z"
    ids = sorted(create_news(client, published_at=same_time)["id"] for _ in range(3))

    pages = [client.get("/v1/news", params={"limit": 1, "offset": n}).json() for n in range(3)]

    assert [page["count"] for page in pages] == [3, 3, 3]
    walked = [page["data"][0]["id"] for page in pages]
    assert sorted(walked) == ids
    assert walked == [item["id"] for item in client.get("/v1/news").json()["data"]]


def test_offset_past_the_end_is_an_empty_page_with_the_count(client: TestClient) -> None:
    create_news(client)

    response = client.get("/v1/news", params={"offset": 3, "limit": 5})

    assert response.json() == {"data": [], "count": 1, "limit": 5, "offset": 3}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        pytest.param({"limit": 0}, "limit", id="limit-0"),
        pytest.param({"limit": 101}, "limit", id="limit-101"),
        pytest.param({"sort": "newest"}, "sort", id="bad-sort"),
        pytest.param({"author_id": "x"}, "author_id", id="malformed-author"),
        pytest.param({"published_since": "letzte Woche"}, "published_since", id="bad-time"),
        pytest.param({"topic": "wasserstof"}, "topic.0", id="unknown-topic"),
        pytest.param({"q": ""}, "q", id="empty-q"),
    ],
)
def test_bad_list_parameters_are_422(
    client: TestClient, params: dict[str, Any], field: str
) -> None:
    assert_problem(client.get("/v1/news", params=params), 422, field=field, location="query")


def test_listing_does_not_query_per_item(client: TestClient, engine: Engine) -> None:
    def list_statements() -> int:
        with counted_statements(engine) as statements:
            assert client.get("/v1/news").status_code == 200
        return len(statements)

    create_news(client)
    one_item = list_statements()
    for _ in range(4):
        create_news(client, topics=[TOPIC_AI, TOPIC_HYDROGEN])

    assert list_statements() == one_item


def test_filter_by_topic_author_and_text(client: TestClient) -> None:
    author = create_actor(client)
    other = create_actor(client)
    create_news(client, title="KI", topics=[TOPIC_AI], author_id=author["id"])
    create_news(client, title="H2", topics=[TOPIC_HYDROGEN], body="Elektrolyse in Lüdenscheid")
    create_news(client, title="Spritzguss", topics=[TOPIC_PLASTICS], author_id=other["id"])

    assert sorted(titles(client, topic=[TOPIC_AI, TOPIC_HYDROGEN])) == ["H2", "KI"]
    assert titles(client, author_id=author["id"]) == ["KI"]
    assert titles(client, author_id=str(uuid.uuid4())) == []
    assert titles(client, q="luedenscheid") == ["H2"]
    assert titles(client, q="spritz") == ["Spritzguss"]
    assert titles(client, q="ki", author_id=other["id"]) == []


def test_filter_by_publication_window_includes_its_ends(client: TestClient) -> None:
    create_news(client, title="Januar", published_at="2025-01-15T10:00:00Z")
    create_news(client, title="Februar", published_at="2025-02-15T10:00:00Z")
    create_news(client, title="März", published_at="2025-03-15T10:00:00+01:00")

    window = {"published_since": "2025-02-15T10:00:00Z", "published_until": "2025-03-15T09:00:00Z"}
    naive = {"published_since": "2025-02-15T10:00:00", "published_until": "2025-02-15T10:00:00"}

    assert titles(client, **window) == ["März", "Februar"]
    assert titles(client, published_until="2025-02-01T00:00:00+00:00") == ["Januar"]
    assert titles(client, **naive) == ["Februar"]  # a time without zone is read as UTC


def test_updated_since(client: TestClient) -> None:
    first = create_news(client, title="Erste")
    second = create_news(client, title="Zweite")

    assert sorted(titles(client, updated_since=second["updated_at"])) == ["Zweite"]
    touched = client.patch(f"/v1/news/{first['id']}", json={"body": "neu"}).json()
    assert titles(client, updated_since=touched["updated_at"]) == ["Erste"]
