"""`match.found`: an actor created or changed so that it matches another above the threshold is
announced once per pair, and the announcement reaches subscribers like any event."""

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlmodel import Session

from radar.models.event import Event
from radar.settings import Settings
from radar.webhooks.dispatcher import Dispatcher
from radar.webhooks.match_watch import MatchWatcher
from tests.factories import TOPIC_AI, actor_body
from tests.webhooks.conftest import Receiver, subscribe


def _found(engine: Engine) -> list[Event]:
    with Session(engine) as session:
        return list(session.execute(select(Event).where(Event.type == "match.found")).scalars())


def test_a_new_match_above_the_threshold_is_announced_once_and_delivered(
    admin: TestClient, partner: TestClient, receiver: Receiver, engine: Engine,
    settings: Settings,
) -> None:  # fmt: skip
    watcher = MatchWatcher(engine, settings.model_copy(update={"match_found_threshold": 0.25}))
    watcher.run_once()  # starts its checkpoint here
    subscribe(partner, receiver.url, "match.found")
    seeker = admin.post("/v1/actors", json=actor_body(
        name="Sucht KI GmbH", topics=[TOPIC_AI], offers=[], seeks=["KI-Beratung"]
    )).json()  # fmt: skip
    offerer = admin.post("/v1/actors", json=actor_body(
        name="Bietet KI AG", kind="research_institute", topics=[TOPIC_AI],
        offers=["KI-Beratung"], seeks=[],
    )).json()  # fmt: skip

    assert watcher.run_once() >= 1
    admin.patch(f"/v1/actors/{offerer['id']}", json={"name": "Bietet KI SE"})
    watcher.run_once()
    Dispatcher(engine, allow_private=True).run_until_idle()

    found = _found(engine)
    pairs = [{e.payload["actor"]["id"], e.payload["match"]["id"]} for e in found]
    assert pairs.count({seeker["id"], offerer["id"]}) == 1  # once, not on every change
    payload = next(e.payload for e in found if {seeker["id"], offerer["id"]} == {
        e.payload["actor"]["id"], e.payload["match"]["id"]})  # fmt: skip
    assert payload["score"] >= 0.25
    # Named sides: who offers, who seeks (the payload goes to partners, not to either side).
    names = ("Sucht KI GmbH", "Bietet KI AG")
    assert any(
        "Künstliche Intelligenz" in r["de"]
        and all(n in r["de"] for n in names)
        and "Artificial intelligence" in r["en"]
        and not r["against"]
        for r in payload["reasons"]
    ), payload["reasons"]
    delivered = [r.json for r in receiver.received]
    assert delivered
    assert {d["type"] for d in delivered} == {"match.found"}


def test_nothing_is_announced_below_the_threshold_or_before_the_first_run(
    admin: TestClient, engine: Engine, settings: Settings
) -> None:
    admin.post("/v1/actors", json=actor_body(topics=[TOPIC_AI]))
    watcher = MatchWatcher(engine, settings.model_copy(update={"match_found_threshold": 0.99}))

    assert watcher.run_once() == 0  # the first run only sets the checkpoint
    admin.post("/v1/actors", json=actor_body(topics=[TOPIC_AI]))
    assert watcher.run_once() == 0
    assert _found(engine) == []


def test_an_idea_and_the_actors_it_matches_are_announced_both_ways(
    admin: TestClient, engine: Engine, settings: Settings
) -> None:
    from tests.idea_factories import idea_body

    watcher = MatchWatcher(engine, settings.model_copy(update={"match_found_threshold": 0.2}))
    watcher.run_once()
    owner = admin.post("/v1/actors", json=actor_body(name="Ideengeber GmbH")).json()
    idea = admin.post("/v1/ideas", json=idea_body(
        owner_id=owner["id"], topics=[TOPIC_AI], seeking_topics=[TOPIC_AI],
        seeking_kinds=["research_institute"], tags=[],
    )).json()  # fmt: skip
    institute = admin.post("/v1/actors", json=actor_body(
        name="KI-Institut", kind="research_institute", topics=[TOPIC_AI], offers=["KI"],
    )).json()  # fmt: skip

    watcher.run_once()
    watcher.run_once()

    ideas = [e.payload for e in _found(engine) if e.payload["match"]["type"] == "idea"]
    pairs = [(p["match"]["id"], p["actor"]["id"]) for p in ideas]
    assert pairs.count((idea["id"], institute["id"])) == 1
    assert (idea["id"], owner["id"]) not in pairs  # the owner is in it already
    reasons = next(p["reasons"] for p in ideas if p["actor"]["id"] == institute["id"])
    assert any(r["component"] == "kinds" for r in reasons)
