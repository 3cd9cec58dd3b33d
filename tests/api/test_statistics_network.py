"""`GET /v1/statistics/network`: ties, connected parts, the district matrix and the bridging
actors, checked against the hand-counted region of `tests/statistics_region.py`."""

import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from radar.models.account import Role
from tests.conftest import ClientFactory
from tests.factories import create_actor
from tests.group_factories import create_group, join
from tests.idea_factories import create_idea
from tests.statistics_region import build_region


def _network(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/v1/statistics/network", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _matrix(body: dict[str, Any]) -> dict[tuple[str | None, str | None], tuple[int, int, int]]:
    return {
        (row["district_a"], row["district_b"]): (
            row["project_ties"],
            row["group_ties"],
            row["ties"],
        )
        for row in body["districts"]
    }


def test_the_network_of_the_region(client: TestClient, engine: Engine) -> None:
    ids = build_region(client, engine)

    network = _network(client)

    assert (network["actors"], network["isolated"]) == (6, 0)
    # Projects: Olpe Kunststoff–Siegen H2, Formenbau–Lernlabor; the group ties its three.
    assert network["ties"] == {
        "projects": 2,
        "groups": 3,
        "total": 5,
        "within_districts": 3,
        "across_districts": 2,
    }
    assert (network["components"], network["largest_component"]) == (2, 4)
    assert network["component_sizes"] == [{"size": 4, "count": 1}, {"size": 2, "count": 1}]
    assert _matrix(network) == {
        ("Hochsauerlandkreis", "Siegen-Wittgenstein"): (1, 0, 1),
        ("Olpe", "Olpe"): (0, 3, 3),
        ("Olpe", "Siegen-Wittgenstein"): (1, 0, 1),
    }
    # Olpe Kunststoff alone links Siegen H2 to the group.
    [bridge] = network["bridges"]
    assert bridge["id"] == ids["plast"]
    assert (bridge["parts"], bridge["cut_off"], bridge["kind"]) == (2, 1, "company")


def test_private_actors_and_their_ties_count_only_for_those_who_may_see_them(
    client: TestClient, engine: Engine, make_client: ClientFactory
) -> None:
    build_region(client, engine)

    network = _network(make_client(Role.analyst))

    assert network["actors"] == 5
    assert network["ties"]["groups"] == 1
    assert network["ties"]["total"] == 3
    assert network["component_sizes"] == [{"size": 3, "count": 1}, {"size": 2, "count": 1}]
    assert _matrix(network)[("Olpe", "Olpe")] == (0, 1, 1)


def test_filters_count_ties_among_the_actors_chosen_only(
    client: TestClient, engine: Engine
) -> None:
    build_region(client, engine)

    lab_only = _network(client, district="Hochsauerlandkreis")

    assert (lab_only["actors"], lab_only["isolated"], lab_only["components"]) == (1, 1, 0)
    assert lab_only["ties"]["total"] == 0
    assert lab_only["districts"] == []
    assert lab_only["bridges"] == []


def test_bridges_rank_by_the_actors_they_cut_off(client: TestClient, engine: Engine) -> None:
    left, hub, right, near, mid, end = (create_actor(client)["id"] for _ in range(6))
    # A chain: left – hub (project) – right (group) – near – mid – end (projects).
    create_idea(client, owner_id=hub, participants=[{"actor_id": left}])
    group = create_group(client, founder_id=hub)
    join(client, group["id"], right)
    create_idea(client, owner_id=right, participants=[{"actor_id": near}])
    create_idea(client, owner_id=near, participants=[{"actor_id": mid}])
    create_idea(client, owner_id=mid, participants=[{"actor_id": end}])

    network = _network(client)

    # Without right: {left, hub} and {near, mid, end}, two cut off the largest part; without
    # near: {left, hub, right} and {mid, end}, two; without hub or mid, one each.
    def by_id(*actor_ids: str) -> list[str]:
        return sorted(actor_ids, key=lambda actor_id: uuid.UUID(actor_id).int)

    assert [(b["id"], b["parts"], b["cut_off"]) for b in network["bridges"]] == [
        *((actor_id, 2, 2) for actor_id in by_id(right, near)),
        *((actor_id, 2, 1) for actor_id in by_id(hub, mid)),
    ]
    assert network["components"] == 1
    assert len(_network(client, bridges=1)["bridges"]) == 1
