"""Values at the ends of their range: a 422 naming the value where they fall outside it (a
cursor beyond 64 bits, a time that leaves the calendar when converted to UTC), correct
answers at the ends themselves, and never a 500."""

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from radar.models.account import ApiToken
from radar.models.news import News
from tests.group_factories import assert_problem, count_rows

MAX_SEQ = 2**63 - 1
# Valid ISO 8601 times whose UTC instant falls before year 1 or after year 9999.
BEFORE_YEAR_1 = "0001-01-01T00:00:00+14:00"
AFTER_YEAR_9999 = "9999-12-31T23:59:59-14:00"
FIRST_UTC = "0001-01-01T00:00:00Z"
LAST_UTC = "9999-12-31T23:59:59Z"


def _tokens_path(client: TestClient) -> str:
    return f"/v1/accounts/{client.get('/v1/me').json()['id']}/tokens"


def test_an_event_cursor_beyond_64_bits_is_refused(client: TestClient) -> None:
    beyond = client.get("/v1/events", params={"after": MAX_SEQ + 1})
    at_the_end = client.get("/v1/events", params={"after": MAX_SEQ})

    assert_problem(beyond, 422, field="after", location="query")
    assert at_the_end.status_code == 200, at_the_end.text
    assert (at_the_end.json()["data"], at_the_end.json()["next_after"]) == ([], MAX_SEQ)


def test_a_token_expiry_beyond_the_calendar_in_utc_is_refused(
    client: TestClient, session: Session
) -> None:
    path = _tokens_path(client)
    before = count_rows(session, ApiToken)

    overflow = client.post(path, json={"name": "für immer", "expires_at": AFTER_YEAR_9999})
    naive = client.post(path, json={"name": "ohne Zone", "expires_at": "2030-01-01T00:00:00"})

    assert_problem(overflow, 422, field="expires_at")
    assert_problem(naive, 422, field="expires_at")
    assert count_rows(session, ApiToken) == before


def test_a_token_expiry_is_stored_in_utc(client: TestClient) -> None:
    response = client.post(
        _tokens_path(client), json={"name": "Kiribati", "expires_at": "2099-01-01T08:00:00+14:00"}
    )

    assert response.status_code == 201, response.text
    assert response.json()["expires_at"].startswith("2098-12-31T18:00:00")


@pytest.mark.parametrize("parameter", ["published_since", "published_until", "updated_since"])
@pytest.mark.parametrize("moment", [BEFORE_YEAR_1, AFTER_YEAR_9999])
def test_news_time_filters_beyond_the_calendar_are_refused(
    client: TestClient, parameter: str, moment: str
) -> None:
    response = client.get("/v1/news", params={parameter: moment})

    assert_problem(response, 422, field=parameter, location="query")


def test_news_time_filters_at_the_ends_of_the_calendar_work(client: TestClient) -> None:
    created = client.post("/v1/news", json={"title": "Mitten in der Zeit"})
    assert created.status_code == 201, created.text

    def titles(**params: str) -> list[str]:
        response = client.get("/v1/news", params=params)
        assert response.status_code == 200, response.text
        return [item["title"] for item in response.json()["data"]]

    assert titles(published_since=FIRST_UTC, published_until=LAST_UTC) == ["Mitten in der Zeit"]
    assert titles(published_until=FIRST_UTC) == []
    assert titles(published_since=LAST_UTC) == []
    assert titles(updated_since=FIRST_UTC) == ["Mitten in der Zeit"]
    assert titles(updated_since=LAST_UTC) == []


@pytest.mark.parametrize("moment", [BEFORE_YEAR_1, AFTER_YEAR_9999])
def test_other_time_parameters_beyond_the_calendar_are_refused(
    client: TestClient, moment: str
) -> None:
    for path in ("/v1/actors", "/v1/ideas", "/v1/groups"):
        assert_problem(
            client.get(path, params={"updated_since": moment}),
            422,
            field="updated_since",
            location="query",
        )
    replay = client.post(f"/v1/webhooks/{uuid.uuid4()}/replay", params={"since": moment})
    assert_problem(replay, 422, field="since", location="query")


def test_a_news_publication_time_beyond_the_calendar_is_refused(
    client: TestClient, session: Session
) -> None:
    created = client.post("/v1/news", json={"title": "Ewig", "published_at": AFTER_YEAR_9999})
    assert_problem(created, 422, field="published_at")
    assert count_rows(session, News) == 0

    news = client.post("/v1/news", json={"title": "Bald"}).json()
    changed = client.patch(f"/v1/news/{news['id']}", json={"published_at": BEFORE_YEAR_1})
    assert_problem(changed, 422, field="published_at")
    assert client.get(f"/v1/news/{news['id']}").json()["version"] == 1
