"""`GET /v1/actors/{id}/matches`: ranked, explained, visible-only, fresh across processes; and
feedback on suggestions (a dismissed pair never comes back either way round)."""

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from radar.api.app import create_app
from radar.models.account import Role
from radar.models.match import ActorMatches
from radar.settings import Settings
from tests.conftest import ClientFactory
from tests.factories import FIELD_PRODUCTION, TOPIC_AI, TOPIC_PLASTICS, create_actor
from tests.idea_factories import idea_body

MUNICH = {"lat": 48.1374, "lon": 11.5755, "city": "München", "postcode": "80331"}


def _matches(client: TestClient, actor_id: str, **params: object) -> list[dict[str, object]]:
    response = client.get(f"/v1/actors/{actor_id}/matches", params=params)
    assert response.status_code == 200, response.text
    data: list[dict[str, object]] = response.json()["data"]
    return data


def _ids(matches: list[dict[str, object]]) -> list[str]:
    return [str(m["actor"]["id"]) for m in matches]  # type: ignore[index]


@pytest.fixture
def scene(client: TestClient) -> dict[str, str]:
    """A company seeking AI advice, an institute next door offering it, and a far-away firm."""
    me = create_actor(
        client,
        name="Spritzguss Lenne GmbH",
        kind="company",
        topics=[TOPIC_PLASTICS, TOPIC_AI],
        offers=["Spritzguss"],
        seeks=["KI-Beratung"],
        tags=[],
    )
    institute = create_actor(
        client,
        name="Institut für KI Südwestfalen",
        kind="research_institute",
        topics=[TOPIC_AI],
        offers=["KI-Beratung"],
        seeks=[],
        tags=[],
        lat=51.2630,
        lon=7.6500,
    )
    far = create_actor(
        client,
        name="Fernwerk AG",
        kind="company",
        topics=[],
        offers=[],
        seeks=[],
        tags=[],
        **MUNICH,
    )
    return {"me": me["id"], "institute": institute["id"], "far": far["id"]}


def test_the_best_partner_comes_first_with_components_and_reasons(
    client: TestClient, scene: dict[str, str]
) -> None:
    matches = _matches(client, scene["me"])

    assert _ids(matches) == [scene["institute"], scene["far"]]
    best = matches[0]
    components = best["components"]
    assert isinstance(components, dict)
    assert set(components) == {
        "topics",
        "action_fields",
        "proximity",
        "complementarity",
        "kinds",
        "network",
        "activity",
    }
    assert all(0 <= value <= 1 for value in components.values())
    assert 0 < float(best["score"]) <= 1  # type: ignore[arg-type]
    assert float(best["score"]) > float(matches[1]["score"])  # type: ignore[arg-type]
    shown = best["reasons"]
    assert isinstance(shown, list)
    reasons = {r["component"]: r for r in shown}
    # Who offers and who seeks, in each language's own labels, the largest share first.
    assert shown[0] == {
        "component": "complementarity",
        "de": "Institut für KI Südwestfalen bietet Künstliche Intelligenz, wonach Sie suchen",
        "en": "Institut für KI Südwestfalen offers Artificial intelligence, which you seek",
        "against": False,
    }
    assert reasons["topics"]["en"] == "1 shared topic: Artificial intelligence"
    assert reasons["topics"]["de"] == "1 gemeinsames Thema: Künstliche Intelligenz"
    assert reasons["proximity"]["de"] == "5 km entfernt"
    assert reasons["kinds"]["en"] == "company ↔ research institute"
    assert not any(r["against"] for r in shown)
    assert best["distance_km"] == pytest.approx(4.9, abs=0.2)
    # What speaks against the far one is said, and marked so, after what speaks for it.
    against = [(r["component"], r["en"]) for r in matches[1]["reasons"] if r["against"]]  # type: ignore[attr-defined]
    assert against == [
        ("complementarity", "Fernwerk AG offers nothing you seek"),
        ("proximity", "far away: 445 km"),
    ]
    assert matches[1]["reasons"][-len(against) :] == [  # type: ignore[index]
        r
        for r in matches[1]["reasons"]
        if r["against"]  # type: ignore[attr-defined]
    ]


def test_the_response_is_exactly_what_its_schema_writes(
    client: TestClient, scene: dict[str, str]
) -> None:
    """The endpoint writes plain values as JSON: they must be what `ActorMatches` would write,
    byte for byte (types, field order, floats, nulls)."""
    create_actor(client, location_precision="hidden", topics=[TOPIC_AI])
    accepted = {"actor_id": scene["me"], "target_id": scene["institute"], "action": "accept"}
    assert client.post("/v1/matches/feedback", json=accepted).status_code == 201
    assert (
        client.patch("/v1/admin/match-tuning", json={"weights": {"topics": 1}}).status_code == 200
    )

    response = client.get(f"/v1/actors/{scene['me']}/matches")

    assert response.headers["content-type"] == "application/json"
    shown = ActorMatches.model_validate_json(response.content)
    assert shown.model_dump_json() == response.text
    assert {m.distance_km is None for m in shown.data} == {True, False}
    assert {m.feedback for m in shown.data} == {"accepted", None}
    assert shown.data[0].weights["topics"] == 1


def test_filters_limit_and_minimum_score(client: TestClient, scene: dict[str, str]) -> None:
    assert _ids(_matches(client, scene["me"], kind="company")) == [scene["far"]]
    assert _ids(_matches(client, scene["me"], district="Märkischer Kreis", limit=1)) == [
        scene["institute"]
    ]
    best = float(_matches(client, scene["me"])[0]["score"])  # type: ignore[arg-type]
    assert _ids(_matches(client, scene["me"], min_score=best)) == [scene["institute"]]


def test_existing_partners_are_left_out_unless_asked_for(
    client: TestClient, scene: dict[str, str]
) -> None:
    body = idea_body(owner_id=scene["me"], participants=[{"actor_id": scene["far"]}])
    assert client.post("/v1/ideas", json=body).status_code == 201

    assert _ids(_matches(client, scene["me"])) == [scene["institute"]]
    assert _ids(_matches(client, scene["me"], include_partners=False)) == [scene["institute"]]
    assert scene["far"] in _ids(_matches(client, scene["me"], include_partners=True))
    assert scene["me"] not in _ids(_matches(client, scene["far"]))  # either way round


def test_private_profiles_are_never_suggested_to_those_who_may_not_see_them(
    client: TestClient, make_client: ClientFactory, scene: dict[str, str]
) -> None:
    hidden = create_actor(client, visibility="private", topics=[TOPIC_AI], offers=["KI-Beratung"])
    member = make_client(Role.member, [scene["me"]])
    stranger = make_client(Role.member)

    assert hidden["id"] in _ids(_matches(client, scene["me"]))
    assert hidden["id"] not in _ids(_matches(member, scene["me"]))
    assert stranger.get(f"/v1/actors/{hidden['id']}/matches").status_code == 404
    manager = make_client(Role.member, [hidden["id"]])
    assert scene["institute"] in _ids(_matches(manager, hidden["id"]))


def test_hidden_locations_give_no_distance(client: TestClient, scene: dict[str, str]) -> None:
    hidden = create_actor(client, location_precision="hidden", topics=[TOPIC_AI])

    match = next(m for m in _matches(client, scene["me"]) if m["actor"]["id"] == hidden["id"])  # type: ignore[index]

    assert match["distance_km"] is None
    assert match["components"]["proximity"] == 0  # type: ignore[index]


def test_a_write_through_one_process_shows_in_the_next_match_of_another(
    settings: Settings, engine: Engine, client: TestClient, scene: dict[str, str]
) -> None:
    other_app = create_app(settings, engine=engine)
    with TestClient(other_app, headers=dict(client.headers)) as other:
        before = _ids(_matches(other, scene["me"]))
        newcomer = create_actor(client, topics=[TOPIC_AI], action_fields=[FIELD_PRODUCTION])
        after = _ids(_matches(other, scene["me"]))
        renamed = client.patch(f"/v1/actors/{newcomer['id']}", json={"name": "Neu GmbH"})
        assert renamed.status_code == 200
        names = [m["actor"]["name"] for m in _matches(other, scene["me"])]  # type: ignore[index]

    assert newcomer["id"] not in before
    assert newcomer["id"] in after
    assert "Neu GmbH" in names


def test_a_radius_keeps_the_nearby_ones_around_the_actor_or_a_point(
    client: TestClient, scene: dict[str, str]
) -> None:
    # "me" is in Lüdenscheid, the institute next door, "far" in Munich.
    nearby = _ids(_matches(client, scene["me"], radius_km=50))
    around_munich = _ids(_matches(client, scene["me"], near="48.14,11.58", radius_km=20))
    around_far = _ids(_matches(client, scene["me"], near_actor=scene["far"], radius_km=20))

    assert nearby == [scene["institute"]]
    assert around_munich == [scene["far"]]
    assert around_far == [scene["far"]]
    assert set(_ids(_matches(client, scene["me"], near="48.14,11.58"))) >= {
        scene["institute"],
        scene["far"],
    }  # without a radius, `near` filters nothing


def test_a_radius_needs_somewhere_to_measure_from(client: TestClient) -> None:
    nowhere = create_actor(client, lat=None, lon=None, street=None, postcode=None, city=None)

    response = client.get(f"/v1/actors/{nowhere['id']}/matches", params={"radius_km": 10})
    both = client.get(
        f"/v1/actors/{nowhere['id']}/matches",
        params={"near": "51,7", "near_actor": nowhere["id"], "radius_km": 10},
    )

    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "radius_km"
    assert both.status_code == 422
    assert both.json()["errors"][0]["field"] == "near_actor"


def test_unknown_actor_and_bad_parameters(client: TestClient, scene: dict[str, str]) -> None:
    missing = client.get(f"/v1/actors/{uuid.uuid4()}/matches")
    bad = client.get(f"/v1/actors/{scene['me']}/matches", params={"limit": 0, "min_score": 2})

    assert missing.status_code == 404
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"limit", "min_score"}


def _feedback(client: TestClient, actor_id: str, target_id: str, action: str) -> dict[str, object]:
    response = client.post(
        "/v1/matches/feedback",
        json={"actor_id": actor_id, "target_id": target_id, "action": action},
    )
    assert response.status_code in (200, 201), response.text
    body: dict[str, object] = response.json()
    return body


def test_a_dismissed_suggestion_never_comes_back_either_way_round(
    client: TestClient, scene: dict[str, str]
) -> None:
    assert scene["institute"] in _ids(_matches(client, scene["me"]))

    _feedback(client, scene["me"], scene["institute"], "dismiss")

    assert scene["institute"] not in _ids(_matches(client, scene["me"]))
    assert scene["me"] not in _ids(_matches(client, scene["institute"]))
    assert scene["far"] in _ids(_matches(client, scene["me"]))


def test_an_accepted_suggestion_is_recorded_and_marked(
    client: TestClient, scene: dict[str, str]
) -> None:
    first = client.post(
        "/v1/matches/feedback",
        json={"actor_id": scene["me"], "target_id": scene["institute"], "action": "accept"},
    )
    assert first.status_code == 201, first.text
    assert first.json()["action"] == "accepted"

    shown = {str(m["actor"]["id"]): m for m in _matches(client, scene["me"])}  # type: ignore[index]
    assert shown[scene["institute"]]["feedback"] == "accepted"
    assert shown[scene["far"]]["feedback"] is None
    listed = client.get(f"/v1/actors/{scene['me']}/matches/feedback").json()["data"]
    assert [(f["target_id"], f["action"]) for f in listed] == [(scene["institute"], "accepted")]


def test_the_latest_word_replaces_the_earlier_and_can_be_withdrawn(
    client: TestClient, scene: dict[str, str]
) -> None:
    _feedback(client, scene["me"], scene["institute"], "accept")
    again = client.post(
        "/v1/matches/feedback",
        json={"actor_id": scene["me"], "target_id": scene["institute"], "action": "dismiss"},
    )
    assert again.status_code == 200, again.text
    assert scene["institute"] not in _ids(_matches(client, scene["me"]))

    assert client.delete(f"/v1/matches/feedback/{again.json()['id']}").status_code == 204

    assert scene["institute"] in _ids(_matches(client, scene["me"]))
    assert client.get(f"/v1/actors/{scene['me']}/matches/feedback").json()["data"] == []


def test_only_managers_and_admins_give_feedback(
    client: TestClient, make_client: ClientFactory, scene: dict[str, str]
) -> None:
    body = {"actor_id": scene["me"], "target_id": scene["far"], "action": "dismiss"}
    manager = make_client(Role.member, [scene["me"]])
    stranger = make_client(Role.member, [scene["institute"]])
    analyst = make_client(Role.analyst)

    assert stranger.post("/v1/matches/feedback", json=body).status_code == 403
    assert analyst.post("/v1/matches/feedback", json=body).status_code == 403
    assert analyst.get(f"/v1/actors/{scene['me']}/matches/feedback").status_code == 403
    assert manager.post("/v1/matches/feedback", json=body).status_code == 201
    feedback_id = manager.get(f"/v1/actors/{scene['me']}/matches/feedback").json()["data"][0]["id"]
    assert stranger.delete(f"/v1/matches/feedback/{feedback_id}").status_code == 404


def test_bad_feedback_is_a_problem_naming_the_field(
    client: TestClient, scene: dict[str, str]
) -> None:
    cases = [
        ({"actor_id": scene["me"], "target_id": scene["me"], "action": "dismiss"}, "target_id"),
        ({"actor_id": scene["me"], "target_id": str(uuid.uuid4()), "action": "accept"},
         "target_id"),
        ({"actor_id": scene["me"], "target_id": scene["far"], "action": "love"}, "action"),
    ]  # fmt: skip
    for body, field in cases:
        response = client.post("/v1/matches/feedback", json=body)

        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == field
    unknown = {"actor_id": str(uuid.uuid4()), "target_id": scene["far"], "action": "accept"}
    assert client.post("/v1/matches/feedback", json=unknown).status_code == 404
    assert client.delete(f"/v1/matches/feedback/{uuid.uuid4()}").status_code == 404


def _idea_matches(client: TestClient, idea_id: str, **params: object) -> list[dict[str, object]]:
    response = client.get(f"/v1/ideas/{idea_id}/matches", params=params)
    assert response.status_code == 200, response.text
    data: list[dict[str, object]] = response.json()["data"]
    return data


def test_who_could_join_an_idea_what_it_seeks_first_its_members_left_out(
    client: TestClient, scene: dict[str, str]
) -> None:
    idea = client.post(
        "/v1/ideas",
        json=idea_body(
            owner_id=scene["me"], topics=[TOPIC_PLASTICS], seeking_topics=[TOPIC_AI],
            seeking_kinds=["research_institute"], tags=[],
        ),
    ).json()  # fmt: skip

    found = _idea_matches(client, idea["id"])

    assert _ids(found)[0] == scene["institute"]
    assert scene["me"] not in _ids(found)  # the owner is in it already
    best = found[0]
    assert set(best["components"]) >= {"topics", "kinds", "proximity"}  # type: ignore[arg-type]
    texts = [r["de"] for r in best["reasons"]]  # type: ignore[attr-defined,index]
    assert "gesucht: Forschungseinrichtung" in texts
    assert any("km entfernt" in text for text in texts)
    assert _ids(_idea_matches(client, idea["id"], kind="company")) == [scene["far"]]
    assert _ids(_idea_matches(client, idea["id"], radius_km=50)) == [scene["institute"]]


def test_an_ideas_participants_are_left_out_and_their_partners_rank_higher(
    client: TestClient, scene: dict[str, str]
) -> None:
    partner = create_actor(client, topics=[], tags=[], offers=[], seeks=[], **MUNICH)
    client.post(
        "/v1/ideas",
        json=idea_body(owner_id=scene["far"], participants=[{"actor_id": partner["id"]}],
                       topics=[], seeking_topics=[], seeking_kinds=[], tags=[]),
    )  # fmt: skip
    idea = client.post(
        "/v1/ideas",
        json=idea_body(owner_id=scene["institute"], participants=[{"actor_id": scene["far"]}],
                       topics=[], seeking_topics=[], seeking_kinds=[], tags=[], lat=None,
                       lon=None, city=None, district=None),
    ).json()  # fmt: skip

    found = _idea_matches(client, idea["id"])

    assert not {scene["institute"], scene["far"]} & set(_ids(found))
    assert _ids(found)[0] == partner["id"]  # works with a member already
    assert found[0]["components"]["network"] > 0  # type: ignore[index]


def test_idea_matches_of_an_unknown_idea_and_bad_parameters(client: TestClient) -> None:
    assert client.get(f"/v1/ideas/{uuid.uuid4()}/matches").status_code == 404
    idea = client.post("/v1/ideas", json=idea_body(lat=None, lon=None, city=None)).json()
    no_place = client.get(f"/v1/ideas/{idea['id']}/matches", params={"radius_km": 5})
    assert no_place.status_code == 422
    assert no_place.json()["errors"][0]["field"] == "radius_km"
    bad = client.get(f"/v1/ideas/{idea['id']}/matches", params={"limit": 101})
    assert bad.status_code == 422


def test_whom_to_invite_into_a_group_its_members_left_out(
    client: TestClient, scene: dict[str, str]
) -> None:
    from tests.group_factories import create_group

    group = create_group(client, topics=[TOPIC_AI], action_fields=[], founder_id=scene["me"])

    response = client.get(f"/v1/groups/{group['id']}/matches")

    assert response.status_code == 200, response.text
    found = response.json()["data"]
    assert _ids(found)[0] == scene["institute"]  # on the topic, next to the founder
    assert scene["me"] not in _ids(found)
    assert found[0]["components"]["proximity"] > 0.8  # about 5 km away
    assert _ids(
        client.get(f"/v1/groups/{group['id']}/matches", params={"radius_km": 50}).json()["data"]
    ) == [scene["institute"]]
    assert client.get(f"/v1/groups/{uuid.uuid4()}/matches").status_code == 404


def test_a_consortium_covers_what_the_idea_seeks_and_says_what_stays_open(
    client: TestClient, scene: dict[str, str]
) -> None:
    university = create_actor(client, kind="university", topics=[TOPIC_PLASTICS], tags=[],
                              offers=[], seeks=[], lat=51.30, lon=7.70)  # fmt: skip
    hydrogen = create_actor(client, kind="company", topics=["wasserstoff"], tags=[],
                            offers=[], seeks=[], lat=51.25, lon=7.60)  # fmt: skip
    idea = client.post(
        "/v1/ideas",
        json=idea_body(owner_id=scene["me"], topics=[TOPIC_PLASTICS], tags=[],
                       seeking_topics=[TOPIC_AI, "wasserstoff", "sensorik"],
                       seeking_kinds=["research_institute", "university"]),
    ).json()  # fmt: skip

    response = client.get(f"/v1/ideas/{idea['id']}/consortium", params={"k": 3})

    assert response.status_code == 200, response.text
    team = response.json()
    members = {m["actor"]["id"]: m for m in team["members"]}
    assert set(members) == {scene["institute"], university["id"], hydrogen["id"]}
    # The owner brings AI already: the institute is chosen for its kind.
    assert members[scene["institute"]]["covers"] == {"topics": [], "kinds": ["research_institute"]}
    assert members[university["id"]]["covers"] == {"topics": [], "kinds": ["university"]}
    assert members[hydrogen["id"]]["covers"] == {"topics": ["wasserstoff"], "kinds": []}
    assert members[scene["institute"]]["reasons"]
    assert team["covered"] == {
        "topics": [TOPIC_AI, "wasserstoff"],
        "kinds": ["research_institute", "university"],
    }
    assert team["open"] == {"topics": ["sensorik"], "kinds": []}
    near = client.get(f"/v1/ideas/{idea['id']}/consortium", params={"max_distance_km": 1})
    assert near.json()["members"] == []
    assert client.get(f"/v1/ideas/{uuid.uuid4()}/consortium").status_code == 404
    assert client.get(f"/v1/ideas/{idea['id']}/consortium", params={"k": 0}).status_code == 422


def test_what_an_actor_could_join_ideas_on_its_topics_first_its_own_left_out(
    client: TestClient, scene: dict[str, str]
) -> None:
    seeking_ai = client.post(
        "/v1/ideas",
        json=idea_body(owner_id=scene["far"], topics=[TOPIC_AI], seeking_topics=[TOPIC_AI],
                       seeking_kinds=["research_institute"], tags=[]),
    ).json()  # fmt: skip
    unrelated = client.post(
        "/v1/ideas",
        json=idea_body(owner_id=scene["far"], topics=["wasserstoff"], seeking_topics=[],
                       seeking_kinds=["company"], tags=[], **MUNICH),
    ).json()  # fmt: skip
    own = client.post("/v1/ideas", json=idea_body(owner_id=scene["institute"])).json()
    done = client.post(
        "/v1/ideas", json=idea_body(owner_id=scene["far"], topics=[TOPIC_AI], status="completed")
    ).json()

    response = client.get(f"/v1/actors/{scene['institute']}/matches/ideas")

    assert response.status_code == 200, response.text
    found = response.json()["data"]
    ids = [f["idea"]["id"] for f in found]
    assert ids[0] == seeking_ai["id"]
    assert unrelated["id"] in ids
    assert own["id"] not in ids
    assert done["id"] not in ids
    texts = [r["de"] for r in found[0]["reasons"]]
    assert texts[0] == "Die Idee sucht Künstliche Intelligenz, was Sie bieten", texts
    assert "gesucht: Forschungseinrichtung" in texts
    assert found[0]["components"]["topics"] > found[1]["components"]["topics"]
    completed = client.get(
        f"/v1/actors/{scene['institute']}/matches/ideas", params={"status": "completed"}
    ).json()["data"]
    assert [f["idea"]["id"] for f in completed] == [done["id"]]
    near = client.get(
        f"/v1/actors/{scene['institute']}/matches/ideas", params={"radius_km": 50}
    ).json()["data"]
    assert unrelated["id"] not in [f["idea"]["id"] for f in near]


def test_what_groups_an_actor_could_join(client: TestClient, scene: dict[str, str]) -> None:
    from tests.group_factories import create_group, join

    on_topic = create_group(client, topics=[TOPIC_AI], action_fields=[], founder_id=scene["me"])
    off_topic = create_group(client, topics=["wasserstoff"], action_fields=[],
                             founder_id=scene["far"])  # fmt: skip
    mine = create_group(client, topics=[TOPIC_AI], action_fields=[])
    join(client, mine["id"], scene["institute"])

    response = client.get(f"/v1/actors/{scene['institute']}/matches/groups")

    assert response.status_code == 200, response.text
    found = response.json()["data"]
    assert [g["group"]["id"] for g in found] == [on_topic["id"], off_topic["id"]]
    assert found[0]["distance_km"] is not None
    assert found[0]["distance_km"] < 10
    assert client.get(f"/v1/actors/{uuid.uuid4()}/matches/groups").status_code == 404


def test_analysts_query_the_best_pairs_within_and_between_sets(
    client: TestClient, make_client: ClientFactory, scene: dict[str, str]
) -> None:
    siegen = create_actor(client, district="Siegen-Wittgenstein", topics=[TOPIC_AI], tags=[],
                          offers=["KI-Beratung"], seeks=[], lat=50.87, lon=8.02)  # fmt: skip
    analyst = make_client(Role.analyst)

    everyone = analyst.post("/v1/matches/query", json={"limit": 100})
    between = analyst.post(
        "/v1/matches/query",
        json={"among": {"districts": ["Märkischer Kreis"]},
              "with": {"districts": ["Siegen-Wittgenstein"]}, "limit": 10},
    )  # fmt: skip

    assert everyone.status_code == 200, everyone.text
    pairs = everyone.json()["data"]
    keys = [frozenset((p["a"]["id"], p["b"]["id"])) for p in pairs]
    assert len(keys) == len(set(keys))  # each pair once
    assert len(keys) == 6  # 4 actors, no partners yet
    scores = [p["score"] for p in pairs]
    assert scores == sorted(scores, reverse=True)
    assert pairs[0]["reasons"]
    assert between.status_code == 200, between.text
    crossing = between.json()["data"]
    assert crossing
    assert all(siegen["id"] in (p["a"]["id"], p["b"]["id"]) for p in crossing)
    assert all(
        {p["a"]["district"], p["b"]["district"]} == {"Märkischer Kreis", "Siegen-Wittgenstein"}
        for p in crossing
    )


def test_match_queries_are_for_analysts_and_admins_and_check_their_body(
    client: TestClient, make_client: ClientFactory, scene: dict[str, str]
) -> None:
    member = make_client(Role.member, [scene["me"]])

    assert member.post("/v1/matches/query", json={}).status_code == 403
    unknown = client.post("/v1/matches/query", json={"among": {"topics": ["kunstoff"]}})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "among.topics.0"
    bad = client.post("/v1/matches/query", json={"limit": 0, "colour": "red"})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"limit", "colour"}


def test_admins_change_the_weights_at_run_time_for_every_process(
    client: TestClient,
    make_client: ClientFactory,
    settings: Settings,
    engine: Engine,
    scene: dict[str, str],
) -> None:
    before = _matches(client, scene["me"])
    kinds_only = {**dict.fromkeys(before[0]["weights"], 0.0), "kinds": 1.0}  # type: ignore[arg-type]

    changed = client.patch(
        "/v1/admin/match-tuning", json={"weights": kinds_only, "half_distance_km": 10}
    )

    assert changed.status_code == 200, changed.text
    assert changed.json()["weights"]["kinds"] == 1.0
    assert changed.json()["half_distance_km"] == 10
    with TestClient(create_app(settings, engine=engine), headers=dict(client.headers)) as other:
        after = _matches(other, scene["me"])
    assert after[0]["weights"]["topics"] == 0  # type: ignore[index]
    assert after[0]["score"] == after[0]["components"]["kinds"]  # type: ignore[index]
    reset = client.delete("/v1/admin/match-tuning")
    assert reset.json()["weights"] == reset.json()["defaults"]
    assert _matches(client, scene["me"])[0]["score"] == before[0]["score"]


def test_only_admins_tune_and_only_known_components_in_range(
    client: TestClient, make_client: ClientFactory
) -> None:
    analyst = make_client(Role.analyst)

    assert analyst.get("/v1/admin/match-tuning").status_code == 403
    assert analyst.patch("/v1/admin/match-tuning", json={}).status_code == 403
    for weights, field in (({"charm": 0.5}, "weights.charm"), ({"topics": 2}, "weights.topics")):
        response = client.patch("/v1/admin/match-tuning", json={"weights": weights})
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == field
    zero = dict.fromkeys(client.get("/v1/admin/match-tuning").json()["defaults"], 0.0)
    nothing = client.patch("/v1/admin/match-tuning", json={"weights": zero})
    assert nothing.status_code == 422
    assert client.get("/v1/admin/match-tuning").json()["changed_at"] is None
