"""`GET /v1/statistics/growth`: what was new per month, checked against the hand-counted region
of `tests/statistics_region.py`."""

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from radar.models.account import Role
from tests.conftest import ClientFactory
from tests.factories import FIELD_CIRCULAR, FIELD_PRODUCTION
from tests.statistics_region import build_region

MEASURES = ("actors", "ideas", "groups", "news", "memberships", "collaborations")


def _growth(client: TestClient, **params: Any) -> dict[tuple[str, str | None], tuple[int, ...]]:
    response = client.get("/v1/statistics/growth", params=params)
    assert response.status_code == 200, response.text
    return {
        (row["month"], row["key"]): tuple(row[measure] for measure in MEASURES)
        for row in response.json()["data"]
    }


def test_new_things_per_month(client: TestClient, engine: Engine) -> None:
    build_region(client, engine)

    growth = _growth(client)

    # (actors, ideas, groups, news, memberships, collaborations)
    assert growth == {
        ("2026-01", None): (3, 1, 1, 0, 1, 0),
        # Both joint projects got their second actor in February.
        ("2026-02", None): (3, 2, 0, 2, 2, 2),
    }
    assert list(growth) == [("2026-01", None), ("2026-02", None)]


def test_growth_by_action_field_and_by_district(client: TestClient, engine: Engine) -> None:
    build_region(client, engine)

    by_field = _growth(client, by="action_field")
    by_district = _growth(client, by="district")

    assert by_field == {
        ("2026-01", FIELD_CIRCULAR): (2, 0, 1, 0, 0, 0),
        ("2026-01", FIELD_PRODUCTION): (2, 1, 0, 0, 1, 0),
        ("2026-02", FIELD_CIRCULAR): (0, 0, 0, 1, 1, 0),
        ("2026-02", FIELD_PRODUCTION): (2, 2, 0, 2, 2, 2),
        ("2026-02", None): (1, 0, 0, 0, 0, 0),
    }
    # Ideas here have no place; groups never have a district.
    assert by_district == {
        ("2026-01", "Olpe"): (2, 0, 0, 0, 1, 0),
        ("2026-01", "Siegen-Wittgenstein"): (1, 0, 0, 0, 0, 0),
        ("2026-01", None): (0, 1, 1, 0, 0, 0),
        ("2026-02", "Hochsauerlandkreis"): (1, 0, 0, 0, 0, 0),
        ("2026-02", "Olpe"): (1, 0, 0, 2, 2, 0),
        ("2026-02", "Siegen-Wittgenstein"): (1, 0, 0, 0, 0, 0),
        ("2026-02", None): (0, 2, 0, 0, 0, 2),
    }


def test_private_actors_and_their_memberships_count_only_for_those_who_may_see_them(
    client: TestClient, engine: Engine, make_client: ClientFactory
) -> None:
    build_region(client, engine)

    growth = _growth(make_client(Role.analyst), by="district")

    # The private company is not counted, nor its membership; its news item is public, but
    # not where its author is.
    assert growth[("2026-02", "Olpe")] == (0, 0, 0, 1, 1, 0)
    assert growth[("2026-02", None)] == (0, 2, 0, 1, 0, 2)


def test_filters_count_what_concerns_the_actors_chosen(client: TestClient, engine: Engine) -> None:
    build_region(client, engine)

    siegen = _growth(client, district="Siegen-Wittgenstein")

    # Siegen H2 (January) takes part in `joint`; Siegen Formenbau (February) owns `solo` and
    # takes part in `pair`. Neither is in a group or wrote news.
    assert siegen == {
        ("2026-01", None): (1, 1, 0, 0, 0, 0),
        ("2026-02", None): (1, 2, 0, 0, 0, 2),
    }


def test_since_and_until_keep_the_months_between(client: TestClient, engine: Engine) -> None:
    build_region(client, engine)

    assert list(_growth(client, since="2026-02-01")) == [("2026-02", None)]
    assert list(_growth(client, until="2026-01-31")) == [("2026-01", None)]
    response = client.get(
        "/v1/statistics/growth", params={"since": "2026-03-01", "until": "2026-01-01"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "until"
