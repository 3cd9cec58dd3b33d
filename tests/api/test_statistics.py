"""`GET /v1/statistics/actors`: counts per district, kind, topic, action field, country."""

from fastapi.testclient import TestClient

from radar.models.account import Role
from tests.conftest import ClientFactory
from tests.factories import FIELD_CIRCULAR, TOPIC_AI, TOPIC_HYDROGEN, TOPIC_PLASTICS, create_actor


def _counts(response_json: dict[str, object]) -> dict[str | None, int]:
    data = response_json["data"]
    assert isinstance(data, list)
    return {bucket["key"]: bucket["count"] for bucket in data}


def _three_actors(client: TestClient) -> None:
    create_actor(client, district="Olpe", kind="startup", topics=[TOPIC_HYDROGEN, TOPIC_AI])
    create_actor(client, district="Olpe", kind="company", topics=[TOPIC_PLASTICS])
    create_actor(
        client,
        district=None,
        kind="company",
        topics=[TOPIC_PLASTICS],
        action_fields=[FIELD_CIRCULAR],
        lat=None,
        lon=None,
        city=None,
        postcode=None,
        street=None,
    )


def test_counts_by_district_kind_and_topic(client: TestClient) -> None:
    _three_actors(client)

    by_district = client.get("/v1/statistics/actors", params={"group_by": "district"}).json()
    by_kind = client.get("/v1/statistics/actors", params={"group_by": "kind"}).json()
    by_topic = client.get("/v1/statistics/actors", params={"group_by": "topic"}).json()

    assert by_district["total"] == 3
    assert by_district["data"][0] == {"key": "Olpe", "count": 2}
    assert _counts(by_district) == {"Olpe": 2, None: 1}
    assert _counts(by_kind) == {"company": 2, "startup": 1}
    assert _counts(by_topic) == {TOPIC_PLASTICS: 2, TOPIC_HYDROGEN: 1, TOPIC_AI: 1}
    assert by_topic["total"] == 3


def test_filters_narrow_the_counted_actors(client: TestClient) -> None:
    _three_actors(client)

    response = client.get(
        "/v1/statistics/actors",
        params={"group_by": "action_field", "topic": TOPIC_PLASTICS, "kind": "company"},
    )

    assert response.status_code == 200, response.text
    assert response.json()["total"] == 2
    assert _counts(response.json()) == {"industrielle-produktion": 1, FIELD_CIRCULAR: 1}


def test_private_profiles_count_only_for_those_who_may_see_them(
    client: TestClient, make_client: ClientFactory
) -> None:
    create_actor(client, district="Soest")
    create_actor(client, district="Soest", visibility="private")

    admin = client.get("/v1/statistics/actors", params={"group_by": "district"}).json()
    analyst = make_client(Role.analyst).get(
        "/v1/statistics/actors", params={"group_by": "district"}
    )

    assert _counts(admin) == {"Soest": 2}
    assert _counts(analyst.json()) == {"Soest": 1}


def test_unknown_dimensions_and_slugs_are_problems(client: TestClient) -> None:
    bad_dimension = client.get("/v1/statistics/actors", params={"group_by": "colour"})
    bad_topic = client.get(
        "/v1/statistics/actors", params={"group_by": "kind", "topic": "no-such-topic"}
    )

    assert bad_dimension.status_code == 422
    assert bad_dimension.json()["errors"][0]["field"] == "group_by"
    assert bad_topic.status_code == 422
    assert bad_topic.json()["errors"][0]["field"] == "topic.0"
