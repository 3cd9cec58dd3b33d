"""Offers, seeks and tags resolved to taxonomy topics on every write, stored and shown."""

import json
import uuid

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlmodel import Session, col

from radar.models.actor import Actor
from radar.models.event import Event
from radar.services import vocabulary
from radar.services.importer import read_records, run_import
from tests.factories import create_actor


def _stored(session: Session, actor_id: str) -> Actor:
    session.expire_all()
    actor = session.get(Actor, uuid.UUID(actor_id))
    assert actor is not None
    return actor


def test_created_terms_resolve_and_show_in_order(client: TestClient, session: Session) -> None:
    created = create_actor(
        client,
        offers=["Spritzgussteile", "Praxispartner"],
        seeks=["Kunststoff-Technik"],
        tags=["Robtik", "Praxispartner für Reallabore"],
    )

    shown = {key: created[key] for key in ("offer_topics", "seek_topics", "tag_topics")}
    assert shown == {
        "offer_topics": ["spritzguss", None],
        "seek_topics": ["kunststofftechnik"],
        "tag_topics": ["robotik", "reallabore"],
    }
    read = client.get(f"/v1/actors/{created['id']}").json()
    assert {key: read[key] for key in shown} == shown
    listed = client.get("/v1/actors").json()["data"]
    assert {key: listed[0][key] for key in shown} == shown
    stored = _stored(session, created["id"])
    assert stored.offer_topics == ["spritzguss", None]
    assert stored.seek_topics == ["kunststofftechnik"]
    event = session.execute(select(Event)).scalars().one()
    assert event.payload["offer_topics"] == ["spritzguss", None]


def test_patched_terms_are_resolved_again(client: TestClient, session: Session) -> None:
    actor = create_actor(client, offers=["Spritzguss"], seeks=["KI"], tags=[])

    patched = client.patch(
        f"/v1/actors/{actor['id']}", json={"seeks": ["Wärmepumpen", "Heat pumps", "Kaffee"]}
    )

    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert body["seek_topics"] == ["waermepumpen", "waermepumpen", None]
    assert body["offer_topics"] == ["spritzguss"]
    assert body["tag_topics"] == []
    renamed = client.patch(f"/v1/actors/{actor['id']}", json={"name": "Umbenannt GmbH"}).json()
    assert renamed["seek_topics"] == ["waermepumpen", "waermepumpen", None]
    cleared = client.patch(f"/v1/actors/{actor['id']}", json={"seeks": [], "tags": ["3D Druck"]})
    assert (cleared.json()["seek_topics"], cleared.json()["tag_topics"]) == (
        [],
        ["additive-fertigung"],
    )
    assert _stored(session, actor["id"]).tag_topics == ["additive-fertigung"]


def test_imported_terms_resolve_on_create_and_update(client: TestClient) -> None:
    first = (
        "external_id,name,kind,offers,seeks\n"
        "r1,Erster GmbH,company,Spritzgussteile;Praxispartner,Kunststoff-Technik\n"
        "r2,Zweite AG,company,,Sensoren\n"
    )
    again = "external_id,name,kind,seeks\nr1,Erster GmbH,company,Lasers;Robtik\n"

    created = client.post("/v1/import/actors", content=first, headers={"Content-Type": "text/csv"})
    updated = client.post("/v1/import/actors", content=again, headers={"Content-Type": "text/csv"})

    assert (created.json()["created"], updated.json()["updated"]) == (2, 1)
    by_id = {a["external_id"]: a for a in client.get("/v1/actors").json()["data"]}
    assert by_id["r1"]["offer_topics"] == ["spritzguss", None]
    assert by_id["r1"]["seek_topics"] == ["lasertechnik", "robotik"]
    assert by_id["r2"]["seek_topics"] == ["sensorik"]


def test_imported_free_topics_stay_tags_that_still_resolve(
    engine: Engine, session: Session
) -> None:
    record = {"external_id": "t1", "name": "T GmbH", "kind": "company"}
    topics = ["Robotik", "KI-Anwendungen aus dem Mittelstand"]
    text = json.dumps({**record, "topics": topics}) + "\n"

    report = run_import(engine, kind="actors", records=read_records(text, "jsonl", "actors"))

    assert report.created == 1
    actor = session.execute(select(Actor).where(col(Actor.external_id) == "t1")).scalar_one()
    assert [topic.slug for topic in actor.topics] == ["robotik"]
    assert actor.tags == ["KI-Anwendungen aus dem Mittelstand"]
    assert actor.tag_topics == ["kuenstliche-intelligenz"]


def test_the_normaliser_is_built_once_per_database(engine: Engine) -> None:
    with Session(engine) as first, Session(engine) as second:
        assert vocabulary.normaliser(first) is vocabulary.normaliser(second)
        assert vocabulary.resolve_terms(first, ["Roboter", "Praxispartner"]) == ["robotik", None]
        assert vocabulary.resolve_terms(first, []) == []
