"""`POST /v1/matches/query`: the best pairs, each shown and ranked by one score, partners left
out unless asked for, and an empty answer that says why."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import FIELD_CIRCULAR, TOPIC_AI, TOPIC_HYDROGEN, TOPIC_PLASTICS, create_actor
from tests.idea_factories import create_idea

SIEGEN = {"district": "Siegen-Wittgenstein", "lat": 50.87, "lon": 8.02, "city": "Siegen"}


def _query(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post("/v1/matches/query", json=body)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def _pairs(client: TestClient, **body: Any) -> list[tuple[str, str, float]]:
    return [(p["a"]["id"], p["b"]["id"], p["score"]) for p in _query(client, **body)["data"]]


def _keys(pairs: list[tuple[str, str, float]]) -> set[frozenset[str]]:
    return {frozenset((a, b)) for a, b, _ in pairs}


@pytest.fixture
def cluster(client: TestClient) -> dict[str, list[str]]:
    """Actors in two districts with overlapping topics, offers and needs, some far apart; one
    of them works with an actor in a third district already (so is more active)."""
    lenne = [
        create_actor(client, topics=[TOPIC_AI, TOPIC_PLASTICS], offers=["Spritzguss"],
                     seeks=["KI-Beratung"]),
        create_actor(client, kind="research_institute", topics=[TOPIC_AI],
                     offers=["KI-Beratung"], seeks=[], lat=51.26, lon=7.65),
        create_actor(client, topics=[TOPIC_HYDROGEN], action_fields=[FIELD_CIRCULAR],
                     offers=["Elektrolyse"], seeks=["Spritzguss"], lat=51.35, lon=7.50),
    ]  # fmt: skip
    siegen = [
        create_actor(client, kind="university", topics=[TOPIC_AI, TOPIC_HYDROGEN],
                     offers=["KI-Beratung", "Elektrolyse"], seeks=["Spritzguss"], **SIEGEN),
        create_actor(client, topics=[TOPIC_PLASTICS], offers=[], seeks=["Elektrolyse"],
                     **SIEGEN),
    ]  # fmt: skip
    olpe = create_actor(client, topics=[TOPIC_PLASTICS], district="Olpe", lat=51.03, lon=7.85)
    create_idea(client, owner_id=olpe["id"], participants=[{"actor_id": lenne[0]["id"]}])
    return {
        "Märkischer Kreis": [a["id"] for a in lenne],
        "Siegen-Wittgenstein": [a["id"] for a in siegen],
        "Olpe": [olpe["id"]],
    }


BETWEEN = {"among": {"districts": ["Märkischer Kreis"]},
           "with": {"districts": ["Siegen-Wittgenstein"]}}  # fmt: skip
SWAPPED = {"among": {"districts": ["Siegen-Wittgenstein"]},
           "with": {"districts": ["Märkischer Kreis"]}}  # fmt: skip


@pytest.mark.parametrize("body", [{}, BETWEEN], ids=["within", "between"])
def test_pairs_come_best_first_by_the_score_they_show(
    client: TestClient, cluster: dict[str, list[str]], body: dict[str, Any]
) -> None:
    pairs = _query(client, **body, limit=100)["data"]

    ranked = [(-p["score"], p["a"]["id"], p["b"]["id"]) for p in pairs]
    assert len(pairs) == (15 - 1 if not body else 3 * 2)  # partners left out
    assert ranked == sorted(ranked)  # highest score first, ties by the two ids
    assert all(p["reasons"] for p in pairs)


def test_a_pair_between_two_sets_is_shown_from_the_among_side(
    client: TestClient, cluster: dict[str, list[str]]
) -> None:
    pairs = _pairs(client, **BETWEEN)

    assert {a for a, _, _ in pairs} <= set(cluster["Märkischer Kreis"])
    assert {b for _, b, _ in pairs} <= set(cluster["Siegen-Wittgenstein"])


def test_a_limit_keeps_the_best(client: TestClient, cluster: dict[str, list[str]]) -> None:
    everything = _pairs(client, limit=100)

    best = _pairs(client, limit=3)

    assert best == everything[:3]


def test_swapping_among_and_with_gives_the_same_pairs_and_scores(
    client: TestClient, cluster: dict[str, list[str]]
) -> None:
    there = _pairs(client, **BETWEEN, limit=100)
    back = _pairs(client, **SWAPPED, limit=100)

    assert {(frozenset((a, b)), s) for a, b, s in there} == {
        (frozenset((a, b)), s) for a, b, s in back
    }


def test_partners_are_left_out_unless_asked_for(
    client: TestClient, cluster: dict[str, list[str]]
) -> None:
    one, other = cluster["Märkischer Kreis"][0], cluster["Siegen-Wittgenstein"][0]
    create_idea(client, owner_id=one, participants=[{"actor_id": other}])
    partners = frozenset((one, other))

    assert partners not in _keys(_pairs(client, **BETWEEN))
    assert partners not in _keys(_pairs(client, **BETWEEN, include_partners=False))
    assert partners in _keys(_pairs(client, **BETWEEN, include_partners=True))
    # The deprecated flag still works, either way, and agrees with the new one.
    assert partners not in _keys(_pairs(client, **BETWEEN, exclude_partners=True))
    assert partners in _keys(_pairs(client, **BETWEEN, exclude_partners=False))
    agreeing = _pairs(client, **BETWEEN, include_partners=True, exclude_partners=False)
    assert partners in _keys(agreeing)


@pytest.mark.parametrize("include", [True, False])
def test_contradicting_partner_flags_are_refused(client: TestClient, include: bool) -> None:
    response = client.post(
        "/v1/matches/query", json={"include_partners": include, "exclude_partners": include}
    )

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == ["exclude_partners"]


def test_exclude_partners_is_marked_deprecated_in_the_schema(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()["components"]["schemas"]["MatchQuery"]

    assert schema["properties"]["exclude_partners"]["deprecated"] is True
    assert "include_partners" in schema["properties"]["exclude_partners"]["description"]
    assert schema["properties"]["include_partners"]["default"] is False


def _note(client: TestClient, **body: Any) -> dict[str, str]:
    answer = _query(client, **body)
    assert answer["data"] == []
    note: dict[str, str] = answer["note"]
    return note


def test_fewer_than_two_actors_make_no_pair(client: TestClient) -> None:
    create_actor(client)

    assert _note(client)["code"] == "no_candidates"


def test_an_empty_set_is_named_with_its_filter_values(
    client: TestClient, cluster: dict[str, list[str]]
) -> None:
    empty_among = _note(client, among={"topics": ["sensorik"], "kinds": ["startup"]})
    empty_with = _note(
        client, among={"districts": ["Märkischer Kreis"]}, **{"with": {"districts": ["Hagen"]}}
    )

    assert empty_among["code"] == "empty_set"
    assert empty_among["en"] == (
        "among (topics: sensorik; kinds: startup) matches no actor you may see."
    )
    assert empty_with["code"] == "empty_set"
    assert empty_with["en"].startswith("with (districts: Hagen) ")


def test_a_set_of_one_actor_makes_no_pair(
    client: TestClient, cluster: dict[str, list[str]]
) -> None:
    within = _note(client, among={"kinds": ["university"]})
    same = _note(client, among={"kinds": ["university"]}, **{"with": {"kinds": ["university"]}})

    assert within["code"] == "filtered_out"
    assert within["en"] == "among matches only one actor you may see: there is no pair."
    assert same["code"] == "filtered_out"
    assert same["en"].startswith("among and with match only one actor")


def test_only_partners_left_says_how_to_include_them(client: TestClient) -> None:
    one, other = create_actor(client), create_actor(client)
    create_idea(client, owner_id=one["id"], participants=[{"actor_id": other["id"]}])

    note = _note(client, min_score=0.9)

    assert note["code"] == "only_partners"
    assert "include_partners=true" in note["en"]
    assert "--include-partners" in note["en"]
    assert _pairs(client, include_partners=True)


def test_a_minimum_score_too_high_says_the_best_there_was(
    client: TestClient, cluster: dict[str, list[str]]
) -> None:
    best = _pairs(client, limit=100)[0][2]

    note = _note(client, min_score=1)

    assert note["code"] == "below_min_score"
    assert note["en"] == f"No pair reaches min_score 1; the best scored {best:.4f}."


def test_a_pair_dismissed_by_either_side_is_never_suggested(
    client: TestClient, cluster: dict[str, list[str]]
) -> None:
    pairs = _pairs(client, **BETWEEN)
    a, b, _score = pairs[0]
    # The manager of the `with` side says no to the `among` actor: the pair goes both ways.
    dismiss = {"actor_id": b, "target_id": a, "action": "dismiss"}
    assert client.post("/v1/matches/feedback", json=dismiss).status_code == 201

    assert frozenset((a, b)) not in _keys(_pairs(client, **BETWEEN))
    assert frozenset((a, b)) not in _keys(_pairs(client, **SWAPPED))
    assert frozenset((a, b)) not in _keys(_pairs(client))
    assert len(_pairs(client, **BETWEEN)) == len(pairs) - 1
