"""Each match signal on its own: values in [0, 1], and the property it promises."""

import uuid

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from radar.matching import signals
from radar.matching.index import MatchIndex, build_index
from tests.factories import FIELD_CIRCULAR, FIELD_PRODUCTION, TOPIC_AI, create_actor
from tests.idea_factories import idea_body

PLAIN = {"tags": [], "offers": [], "seeks": [], "topics": [], "action_fields": []}


def _index(session: Session) -> MatchIndex:
    session.expire_all()
    return build_index(session)


def test_a_shared_rare_topic_counts_more_than_a_shared_common_one(
    client: TestClient, session: Session
) -> None:
    me = create_actor(client, **{**PLAIN, "tags": ["Spritzguss", "Galvanik"]})
    common = create_actor(client, **{**PLAIN, "tags": ["Spritzguss"]})
    rare = create_actor(client, **{**PLAIN, "tags": ["Galvanik"]})
    for _ in range(4):
        create_actor(client, **{**PLAIN, "tags": ["Spritzguss"]})
    index = _index(session)

    scores = signals.topic_similarity(index, index.position[_id(me)])

    assert scores[index.position[_id(rare)]] > scores[index.position[_id(common)]] > 0
    assert np.all((scores >= 0) & (scores <= 1))


def test_topics_of_joint_projects_count_for_their_participants(
    client: TestClient, session: Session
) -> None:
    me = create_actor(client, **{**PLAIN, "topics": [TOPIC_AI]})
    participant = create_actor(client, **PLAIN)
    bystander = create_actor(client, **PLAIN)
    idea = idea_body(topics=[TOPIC_AI], tags=[], owner_id=participant["id"])
    assert client.post("/v1/ideas", json=idea).status_code == 201
    index = _index(session)

    scores = signals.topic_similarity(index, index.position[_id(me)])

    assert scores[index.position[_id(participant)]] > 0
    assert scores[index.position[_id(bystander)]] == 0


def test_action_field_overlap_is_the_share_of_fields_in_common(
    client: TestClient, session: Session
) -> None:
    me = create_actor(client, **{**PLAIN, "action_fields": [FIELD_PRODUCTION, FIELD_CIRCULAR]})
    half = create_actor(client, **{**PLAIN, "action_fields": [FIELD_CIRCULAR]})
    none = create_actor(client, **PLAIN)
    index = _index(session)

    overlap = signals.action_field_overlap(index, index.position[_id(me)])

    assert overlap[index.position[_id(half)]] == 0.5
    assert overlap[index.position[_id(none)]] == 0


def test_proximity_halves_at_the_half_distance_and_never_cuts_off() -> None:
    decay = signals.proximity(
        np.array([0, 30, 60, 600, np.nan], dtype=np.float32), half_distance_km=30
    )

    assert decay.tolist()[:3] == [1.0, 0.5, 0.25]
    assert 0 < decay[3] < 1e-5
    assert decay[4] == 0


def test_distances_follow_the_great_circle(client: TestClient, session: Session) -> None:
    create_actor(client, lat=51.2197, lon=7.6273)  # Lüdenscheid
    index = _index(session)

    to_siegen = signals.distances_km(index, 50.8748, 8.0243)

    assert abs(float(to_siegen[0]) - 47.4) < 1.0


def test_complementarity_counts_needs_met_in_both_directions(
    client: TestClient, session: Session
) -> None:
    me = create_actor(client, **{**PLAIN, "seeks": ["KI-Beratung"], "offers": ["Spritzguss"]})
    both = create_actor(client, **{**PLAIN, "offers": ["ki-beratung"], "seeks": ["Spritzguss"]})
    one = create_actor(client, **{**PLAIN, "offers": ["KI-Beratung"]})
    none = create_actor(client, **PLAIN)
    index = _index(session)
    at = {name: index.position[_id(a)] for name, a in (("both", both), ("one", one),
                                                        ("none", none))}  # fmt: skip

    met_needs, needs_met, best, *_ = signals.complementarity(index, index.position[_id(me)])
    near = np.ones(index.size, dtype=np.float32)
    score = signals.complement_score(met_needs, needs_met, best, near * 0, near)

    assert met_needs[at["both"]] == met_needs[at["one"]] > 0
    assert needs_met[at["both"]] > 0 == needs_met[at["one"]]
    assert best[at["both"]] == best[at["one"]] == 1.0
    assert score[at["both"]] > score[at["one"]] > 0.5
    assert score[at["none"]] == 0


def test_needs_are_met_in_full_by_offers_less_by_topics_and_the_topic_tree(
    client: TestClient, session: Session
) -> None:
    me = create_actor(client, **{**PLAIN, "seeks": ["Kunststofftechnik"]})
    offer = create_actor(client, **{**PLAIN, "offers": ["Kunststoffverarbeitung"]})
    child_offer = create_actor(client, **{**PLAIN, "offers": ["Extrusion"]})
    topic = create_actor(client, **{**PLAIN, "topics": ["kunststofftechnik"]})
    child_topic = create_actor(client, **{**PLAIN, "topics": ["spritzguss"]})
    seeks_too = create_actor(client, **{**PLAIN, "topics": ["kunststofftechnik"],
                                        "seeks": ["Kunststoffe"]})  # fmt: skip
    specialist = create_actor(client, **{**PLAIN, "seeks": ["Extrudieren"]})
    free = create_actor(client, **{**PLAIN, "seeks": ["Bienenzucht"]})
    same_free = create_actor(client, **{**PLAIN, "offers": ["BIENENZUCHT"]})
    index = _index(session)

    best = signals.complementarity(index, index.position[_id(me)]).best
    credit = {name: float(best[index.position[_id(a)]]) for name, a in (
        ("offer", offer), ("child_offer", child_offer), ("topic", topic),
        ("child_topic", child_topic), ("seeks_too", seeks_too), ("free", same_free),
    )}  # fmt: skip
    for_specialist = signals.complementarity(index, index.position[_id(specialist)]).best
    free_met = signals.complementarity(index, index.position[_id(free)]).best

    # An offer of the topic meets the need in full, one of a narrower topic (extrusion for
    # plastics technology) or working on the topic half, working on a narrower one a quarter;
    # one who seeks it too does not meet it by working on it.
    assert credit == {
        "offer": 1.0, "child_offer": 0.5, "topic": 0.5, "child_topic": 0.25, "seeks_too": 0.0,
        "free": 0.0,
    }  # fmt: skip
    # An offer of the broader topic meets a need for a narrower one only a quarter.
    assert for_specialist[index.position[_id(offer)]] == 0.25
    # A term in no taxonomy meets the same term, however it is written.
    assert free_met[index.position[_id(same_free)]] == 1.0


def test_a_met_need_fades_beyond_a_hundred_kilometres_and_loose_ones_barely_count() -> None:
    met = np.array([1, 1, 1, 0, 1], dtype=np.float32)
    best = np.array([1, 1, 1, 0, 0.25], dtype=np.float32)
    distances = np.array([20, 100, 200, np.nan, 20], dtype=np.float32)
    near = np.ones(5, dtype=np.float32)

    score = signals.complement_score(met, np.zeros(5, dtype=np.float32), best, distances, near)

    assert score.tolist() == [0.75, 0.75, 0.375, 0.0, pytest.approx(signals.WEAK_SIGNAL)]


def test_complementary_kinds_score_above_same_kinds(client: TestClient, session: Session) -> None:
    company = create_actor(client, kind="company")
    institute = create_actor(client, kind="research_institute")
    other_company = create_actor(client, kind="company")
    index = _index(session)

    kinds = signals.kind_complement(index, index.position[_id(company)])

    assert kinds[index.position[_id(institute)]] > kinds[index.position[_id(other_company)]]


def test_shared_partners_through_joint_projects_and_activity(
    client: TestClient, session: Session
) -> None:
    me, hub, friend_of_hub, stranger = (create_actor(client, **PLAIN) for _ in range(4))
    for owner, partner in ((me, hub), (hub, friend_of_hub)):
        body = idea_body(owner_id=owner["id"], participants=[{"actor_id": partner["id"]}])
        assert client.post("/v1/ideas", json=body).status_code == 201
    index = _index(session)
    q = index.position[_id(me)]

    network, common, groups = signals.shared_partners(index, q)
    degree = signals.relative_degree(index)

    assert common[index.position[_id(friend_of_hub)]] == 1
    assert network[index.position[_id(friend_of_hub)]] > 0
    assert network[index.position[_id(stranger)]] == 0
    assert network[q] == 0
    assert not groups.any()
    assert degree[index.position[_id(hub)]] == 1.0
    assert degree[index.position[_id(stranger)]] == pytest.approx(1 / 3)  # 0 partners + 1 of 2 + 1


def test_activity_counts_only_as_far_as_the_topics_meet(
    client: TestClient, session: Session
) -> None:
    me = create_actor(client, **{**PLAIN, "tags": ["Galvanik"]})
    busy_elsewhere = create_actor(client, **{**PLAIN, "tags": ["Holzbau"]})
    busy_here = create_actor(client, **{**PLAIN, "tags": ["Galvanik"]})
    for hub in (busy_elsewhere, busy_here):
        partner = create_actor(client, **PLAIN)
        body = idea_body(owner_id=hub["id"], participants=[{"actor_id": partner["id"]}])
        assert client.post("/v1/ideas", json=body).status_code == 201
    index = _index(session)
    query = signals.profile_of(index, index.position[_id(me)])

    active = signals.activity(index, query, signals.topic_similarity(index, query))

    assert active[index.position[_id(busy_elsewhere)]] == 0
    assert active[index.position[_id(busy_here)]] > 0


def _id(actor: dict[str, object]) -> uuid.UUID:
    return uuid.UUID(str(actor["id"]))


def test_a_topic_inside_a_longer_phrase_meets_a_need_only_loosely(
    client: TestClient, session: Session
) -> None:
    phrase = create_actor(client, **{**PLAIN, "seeks": ["Pilotkunden aus der Metallverarbeitung"]})
    name = create_actor(client, **{**PLAIN, "seeks": ["Metallverarbeitung"]})
    misspelt = create_actor(client, **{**PLAIN, "seeks": ["Corporate-start-up collaobration"]})
    offerer = create_actor(
        client, **{**PLAIN, "offers": ["Metallbearbeitung", "Kooperation mit Start-ups"]}
    )
    index = _index(session)

    best = signals.complementarity(index, index.position[_id(offerer)]).best

    assert best[index.position[_id(name)]] == 1.0
    assert best[index.position[_id(misspelt)]] == 1.0  # a misspelt name is still the name
    assert 0 < best[index.position[_id(phrase)]] < signals.STRONG
