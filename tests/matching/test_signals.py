"""Each match signal on its own: values in [0, 1], and the property it promises."""

import uuid

import numpy as np
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
    index = _index(session)

    met_needs, needs_met = signals.complementarity(index, index.position[_id(me)])
    score = signals.complement_score(met_needs, needs_met)

    assert (met_needs[index.position[_id(both)]], needs_met[index.position[_id(both)]]) == (1, 1)
    assert score[index.position[_id(both)]] == 0.75
    assert score[index.position[_id(one)]] == 0.5


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

    network, common = signals.shared_partners(index, q)
    active = signals.activity(index)

    assert common[index.position[_id(friend_of_hub)]] == 1
    assert network[index.position[_id(friend_of_hub)]] > 0
    assert network[index.position[_id(stranger)]] == 0
    assert network[q] == 0
    assert active[index.position[_id(hub)]] == 1.0
    assert active[index.position[_id(stranger)]] == 0


def _id(actor: dict[str, object]) -> uuid.UUID:
    return uuid.UUID(str(actor["id"]))
