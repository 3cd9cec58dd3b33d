"""`GET /v1/statistics/cross-tables`: actors counted by two dimensions, checked against the
hand-counted region of `tests/statistics_region.py`."""

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from radar.models.account import Role
from tests.conftest import ClientFactory
from tests.factories import FIELD_CIRCULAR, FIELD_PRODUCTION
from tests.statistics_region import build_region

OLPE, SIEGEN, HSK = "Olpe", "Siegen-Wittgenstein", "Hochsauerlandkreis"


def _cells(body: dict[str, Any]) -> dict[tuple[str | None, str | None], int]:
    return {(cell["row"], cell["column"]): cell["count"] for cell in body["data"]}


def _totals(buckets: list[dict[str, Any]]) -> dict[str | None, int]:
    return {bucket["key"]: bucket["count"] for bucket in buckets}


def _table(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/v1/statistics/cross-tables", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_district_by_topic_counts_each_actor_in_each_of_its_topics(
    client: TestClient, engine: Engine
) -> None:
    build_region(client, engine)

    table = _table(client, rows="district", columns="topic")

    assert table["total"] == 6
    assert _cells(table) == {
        (HSK, "maschinelles-lernen"): 1,
        (OLPE, "kuenstliche-intelligenz"): 1,
        (OLPE, "kunststofftechnik"): 1,
        (OLPE, "spritzguss"): 1,
        (OLPE, "wasserstoff"): 1,
        (SIEGEN, "spritzguss"): 1,
        (SIEGEN, "wasserstoff"): 1,
    }
    assert [cell["row"] for cell in table["data"]] == [HSK, OLPE, OLPE, OLPE, OLPE, SIEGEN, SIEGEN]
    assert _totals(table["row_totals"]) == {OLPE: 3, SIEGEN: 2, HSK: 1}
    assert table["row_totals"][0] == {"key": OLPE, "count": 3}
    assert _totals(table["column_totals"]) == {
        "spritzguss": 2,
        "wasserstoff": 2,
        "kuenstliche-intelligenz": 1,
        "kunststofftechnik": 1,
        "maschinelles-lernen": 1,
    }


def test_rolled_up_topics_count_an_actor_once_under_their_top_level_topic(
    client: TestClient, engine: Engine
) -> None:
    build_region(client, engine)

    table = _table(client, rows="district", columns="topic", roll_up=True)

    # Olpe Kunststoff has kunststofftechnik and spritzguss below it: one actor, one count.
    assert _cells(table) == {
        (HSK, "kuenstliche-intelligenz"): 1,
        (OLPE, "energiesysteme"): 1,
        (OLPE, "kuenstliche-intelligenz"): 1,
        (OLPE, "kunststofftechnik"): 1,
        (SIEGEN, "energiesysteme"): 1,
        (SIEGEN, "kunststofftechnik"): 1,
    }
    assert _totals(table["column_totals"]) == {
        "energiesysteme": 2,
        "kuenstliche-intelligenz": 2,
        "kunststofftechnik": 2,
    }


def test_district_by_action_field_and_kind_by_topic(client: TestClient, engine: Engine) -> None:
    build_region(client, engine)

    fields = _table(client, rows="district", columns="action_field")
    kinds = _table(client, rows="kind", columns="topic")
    countries = _table(client, rows="country", columns="kind")

    assert _cells(fields) == {
        (HSK, None): 1,  # the lab serves no action field
        (OLPE, FIELD_CIRCULAR): 1,
        (OLPE, FIELD_PRODUCTION): 3,
        (SIEGEN, FIELD_CIRCULAR): 1,
        (SIEGEN, FIELD_PRODUCTION): 1,
    }
    assert _cells(kinds) == {
        ("company", "kunststofftechnik"): 1,
        ("company", "spritzguss"): 2,
        ("company", "wasserstoff"): 1,
        ("research_institute", "maschinelles-lernen"): 1,
        ("startup", "wasserstoff"): 1,
        ("university", "kuenstliche-intelligenz"): 1,
    }
    assert _cells(countries) == {
        ("DE", "company"): 3,
        ("DE", "research_institute"): 1,
        ("DE", "startup"): 1,
        ("DE", "university"): 1,
    }


def test_filters_choose_the_actors_counted_and_a_topic_filter_keeps_the_other_topics(
    client: TestClient, engine: Engine
) -> None:
    build_region(client, engine)

    # A topic filter finds actors by their topic (or one below it) and counts all their topics.
    plastics = _table(client, rows="district", columns="topic", topic="kunststofftechnik")
    companies = _table(client, rows="kind", columns="district", kind="company", district=OLPE)

    assert plastics["total"] == 2
    assert _cells(plastics) == {
        (OLPE, "kunststofftechnik"): 1,
        (OLPE, "spritzguss"): 1,
        (SIEGEN, "spritzguss"): 1,
    }
    assert _cells(companies) == {("company", OLPE): 2}


def test_private_actors_count_only_for_those_who_may_see_them(
    client: TestClient, engine: Engine, make_client: ClientFactory
) -> None:
    ids = build_region(client, engine)
    analyst = make_client(Role.analyst)
    # An analyst account that manages the private actor sees it, as in the actor list.
    manager = make_client(Role.analyst, [ids["secret"]])

    for_analyst = _table(analyst, rows="district", columns="topic")
    for_manager = _table(manager, rows="district", columns="topic")

    assert for_analyst["total"] == 5
    assert (OLPE, "wasserstoff") not in _cells(for_analyst)
    assert _totals(for_analyst["row_totals"])[OLPE] == 2
    assert for_manager["total"] == 6
    assert _cells(for_manager)[(OLPE, "wasserstoff")] == 1


def test_a_topic_against_itself_counts_which_topics_go_together(
    client: TestClient, engine: Engine
) -> None:
    build_region(client, engine)

    together = _table(client, rows="topic", columns="topic", topic="kunststofftechnik")

    # Olpe Kunststoff has both plastics topics; Siegen Formenbau injection moulding alone.
    assert _cells(together) == {
        ("kunststofftechnik", "kunststofftechnik"): 1,
        ("kunststofftechnik", "spritzguss"): 1,
        ("spritzguss", "kunststofftechnik"): 1,
        ("spritzguss", "spritzguss"): 2,
    }
