"""Needs first: an actor offering what another seeks tops its list whatever the popularity of
the others; a pair scores the same whichever side asks; a working group is a loose tie."""

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import FIELD_PRODUCTION, TOPIC_AI, create_actor
from tests.group_factories import create_group, join
from tests.idea_factories import create_idea, idea_body

QUIET: dict[str, Any] = {"tags": [], "offers": [], "seeks": [], "topics": []}


def _matches(client: TestClient, path: str, **params: object) -> list[dict[str, Any]]:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def _busy_actors(client: TestClient, count: int) -> list[dict[str, Any]]:
    """Actors on the asker's topic that work together in joint projects: the most active."""
    busy = [create_actor(client, **{**QUIET, "topics": [TOPIC_AI]}) for _ in range(count)]
    for lead in busy[:3]:
        others = [{"actor_id": a["id"]} for a in busy if a is not lead]
        body = idea_body(owner_id=lead["id"], participants=others)
        assert client.post("/v1/ideas", json=body).status_code == 201
    return busy


def test_an_offer_of_what_is_sought_comes_before_every_busy_actor(client: TestClient) -> None:
    seeker = create_actor(client, **{**QUIET, "topics": [TOPIC_AI], "seeks": ["Spritzgießen"]})
    busy = _busy_actors(client, 6)
    # 21 km away, with the topic and an offer spelt another way than the need.
    offerer = create_actor(
        client, **{**QUIET, "topics": ["spritzguss"], "offers": ["Spritzgussteile"]},
        lat=51.3, lon=7.38,
    )  # fmt: skip

    matches = _matches(client, f"/v1/actors/{seeker['id']}/matches")

    assert matches[0]["actor"]["id"] == offerer["id"]
    assert matches[0]["reasons"][0]["en"] == (
        f"{offerer['name']} offers Injection moulding, which you seek"
    )
    assert {m["actor"]["id"] for m in matches[1:]} == {b["id"] for b in busy}
    for match in matches[1:]:
        against = [r["en"] for r in match["reasons"] if r["against"]]
        assert f"{match['actor']['name']} offers nothing you seek" in against
    # And the other way round: the seeker is the offerer's first suggestion.
    assert (
        _matches(client, f"/v1/actors/{offerer['id']}/matches")[0]["actor"]["id"] == (seeker["id"])
    )


def test_a_pair_scores_the_same_whichever_side_asks(client: TestClient) -> None:
    a = create_actor(client, seeks=["Wasserstoff"], offers=["Spritzguss"], topics=[TOPIC_AI])
    b = create_actor(client, **{**QUIET, "offers": ["H2"], "topics": ["wasserstoff"]},
                     kind="research_institute", lat=51.4, lon=7.5)  # fmt: skip
    _busy_actors(client, 3)
    idea = create_idea(client, owner_id=a["id"], seeking_topics=["wasserstoff"])

    from_a = next(m for m in _matches(client, f"/v1/actors/{a['id']}/matches")
                  if m["actor"]["id"] == b["id"])  # fmt: skip
    from_b = next(m for m in _matches(client, f"/v1/actors/{b['id']}/matches")
                  if m["actor"]["id"] == a["id"])  # fmt: skip
    idea_side = next(m for m in _matches(client, f"/v1/ideas/{idea['id']}/matches")
                     if m["actor"]["id"] == b["id"])  # fmt: skip
    actor_side = next(m for m in _matches(client, f"/v1/actors/{b['id']}/matches/ideas")
                      if m["idea"]["id"] == idea["id"])  # fmt: skip

    assert from_a["score"] == from_b["score"] > 0.37  # above every pair meeting no need
    assert from_a["components"] == from_b["components"]
    assert idea_side["score"] == actor_side["score"] > 0.37
    assert idea_side["components"] == actor_side["components"]
    assert idea_side["reasons"][0]["de"] == (
        f"{b['name']} bietet Wasserstoff, wonach die Idee sucht"
    )
    assert actor_side["reasons"][0]["de"] == "Die Idee sucht Wasserstoff, was Sie bieten"


def test_a_working_group_is_a_loose_tie_and_lends_no_partners_or_topics(
    client: TestClient,
) -> None:
    members = [create_actor(client, **QUIET) for _ in range(6)]
    groups = [
        create_group(client, name=f"AG KI {n}", founder_id=members[0]["id"], topics=[TOPIC_AI])
        for n in (1, 2)
    ]
    for member in members[1:]:
        join(client, groups[0]["id"], member["id"])
    newcomer = create_actor(client, **QUIET, kind="startup", name="Frisch gegründet GmbH")
    for group in groups:
        join(client, group["id"], newcomer["id"])
    institute = create_actor(
        client, **{**QUIET, "offers": ["KI-Beratung"], "topics": [TOPIC_AI]},
        kind="research_institute",
    )  # fmt: skip
    idea = create_idea(
        client, owner_id=members[1]["id"], seeking_topics=[TOPIC_AI], seeking_kinds=[],
        topics=[TOPIC_AI], action_fields=[FIELD_PRODUCTION],
    )  # fmt: skip

    seen_by_member = next(m for m in _matches(client, f"/v1/actors/{members[0]['id']}/matches")
                          if m["actor"]["id"] == newcomer["id"])  # fmt: skip
    team = client.get(f"/v1/ideas/{idea['id']}/consortium").json()

    texts = [r["en"] for r in seen_by_member["reasons"]]
    assert "both in the working group AG KI 1 (a loose tie)" in texts
    assert "both in the working group AG KI 2 (a loose tie)" in texts
    assert not any("partner" in text for text in texts)  # no partners, no activity
    assert seen_by_member["components"]["topics"] == 0  # the groups' topics are not its own
    assert team["members"][0]["actor"]["id"] == institute["id"]


def test_a_list_covers_different_needs_before_it_repeats_one(client: TestClient) -> None:
    seeker = create_actor(client, **{**QUIET, "seeks": ["Robotik", "Galvanik"]})
    # Three offerers of robotics next door, one of surface coating 40 km away (and coating
    # offered a second time, so the two needs are as rare to meet).
    robots = [
        create_actor(client, **{**QUIET, "offers": ["Cobots"]}, lat=51.22, lon=7.63)
        for _ in range(3)
    ]
    coating = create_actor(client, **{**QUIET, "offers": ["Beschichtung"]}, lat=51.55, lon=7.9)
    create_actor(client, **{**QUIET, "offers": ["Galvanik"]}, lat=51.6, lon=7.95)
    create_actor(client, **{**QUIET, "offers": ["Industrieroboter"]}, lat=51.6, lon=7.95)

    matches = _matches(client, f"/v1/actors/{seeker['id']}/matches")
    ids = [m["actor"]["id"] for m in matches]
    score = {m["actor"]["id"]: m["score"] for m in matches}

    assert ids[0] in {r["id"] for r in robots}
    assert ids[1] == coating["id"]  # the other need, before the second robot offerer
    assert score[coating["id"]] < min(score[r["id"]] for r in robots)  # order, not score
