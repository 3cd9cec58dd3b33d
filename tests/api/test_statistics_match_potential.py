"""`GET /v1/statistics/match-potential`: unconnected pairs summed per district pair and per
action field, checked against the hand-counted region of `tests/statistics_region.py`."""

from itertools import pairwise
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from radar.models.account import Role
from tests.conftest import ClientFactory
from tests.factories import FIELD_CIRCULAR, FIELD_PRODUCTION
from tests.statistics_region import build_region

# Pairs sharing an idea or a working group.
CONNECTED = [{"plast", "h2"}, {"mould", "lab"}, {"plast", "uni"}, {"plast", "secret"}]
CONNECTED += [{"uni", "secret"}]


def _potential(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/v1/statistics/match-potential", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_every_unconnected_pair_counts_once(client: TestClient, engine: Engine) -> None:
    ids = build_region(client, engine)

    potential = _potential(client, min_score=0, limit=5)

    # 15 pairs of six actors, 5 connected.
    assert (potential["actors"], potential["scanned"], potential["sampled"]) == (6, 6, False)
    assert potential["pairs"] == 10
    by_districts = {
        (row["district_a"], row["district_b"]): row["pairs"] for row in potential["districts"]
    }
    assert by_districts == {
        ("Olpe", "Siegen-Wittgenstein"): 5,
        ("Hochsauerlandkreis", "Olpe"): 3,
        ("Siegen-Wittgenstein", "Siegen-Wittgenstein"): 1,
        ("Hochsauerlandkreis", "Siegen-Wittgenstein"): 1,
    }
    by_field = {row["action_field"]: row["pairs"] for row in potential["action_fields"]}
    # Both in production: plast–mould, uni–mould, mould–secret; both circular: uni–h2.
    assert by_field == {FIELD_PRODUCTION: 3, FIELD_CIRCULAR: 1, None: 6}
    district_sum = sum(row["score_sum"] for row in potential["districts"])
    field_sum = sum(row["score_sum"] for row in potential["action_fields"])
    assert district_sum == pytest.approx(field_sum, abs=1e-3)  # no pair shares two fields
    names = {value: key for key, value in ids.items()}
    top = potential["top"]
    assert len(top) == 5
    assert all({names[p["a"]["id"]], names[p["b"]["id"]]} not in CONNECTED for p in top)
    assert all(a["score"] >= b["score"] for a, b in pairwise(top))
    assert all(pair["reasons"] for pair in top)


def test_min_score_and_privacy_narrow_the_pairs(
    client: TestClient, engine: Engine, make_client: ClientFactory
) -> None:
    build_region(client, engine)

    for_analyst = _potential(make_client(Role.analyst), min_score=0)
    strong = _potential(client, min_score=0.5)

    # Without the private company: 10 pairs of five, 3 connected.
    assert (for_analyst["actors"], for_analyst["pairs"]) == (5, 7)
    assert 0 < strong["pairs"] < 10
    assert all(pair["score"] >= 0.5 for pair in strong["top"])


def test_a_large_set_is_sampled(client: TestClient, engine: Engine) -> None:
    build_region(client, engine)

    potential = _potential(client, min_score=0, scan=2)

    assert (potential["scanned"], potential["sampled"]) == (2, True)
    assert potential["pairs"] < 10


def test_a_dismissed_pair_is_no_potential(client: TestClient, engine: Engine) -> None:
    ids = build_region(client, engine)
    before = _potential(client, min_score=0, limit=20)
    best = before["top"][0]
    dismiss = {"actor_id": best["b"]["id"], "target_id": best["a"]["id"], "action": "dismiss"}
    assert client.post("/v1/matches/feedback", json=dismiss).status_code == 201

    after = _potential(client, min_score=0, limit=20)

    dismissed = {best["a"]["id"], best["b"]["id"]}
    assert after["pairs"] == before["pairs"] - 1
    assert all({p["a"]["id"], p["b"]["id"]} != dismissed for p in after["top"])
    assert len(after["top"]) == len(before["top"]) - 1
    assert set(ids.values()) >= dismissed
