"""The incremental refresh of the match index: after writes of every kind it holds what a full
build would, read only for the actors the writes touched."""

import math
import uuid
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlmodel import Session, col

from radar.matching.engine import MatchEngine
from radar.matching.index import SETTLED_AFTER, MatchIndex, build_index
from radar.models.base import utcnow
from radar.models.event import Event
from tests.factories import FIELD_CIRCULAR, TOPIC_AI, TOPIC_HYDROGEN, create_actor
from tests.group_factories import create_group, join
from tests.idea_factories import idea_body


def _row(index: MatchIndex, actor_id: str) -> dict[str, Any]:
    """Everything the index holds about one actor, by term text and actor id."""
    p = index.position[uuid.UUID(actor_id)]
    terms, weights = index.terms_row(p)
    partners, ties = index.partners_row(p)
    return {
        "terms": {index.terms[t]: round(float(w), 5) for t, w in zip(terms, weights, strict=True)},
        "offers": {index.terms[t] for t in index.offers_row(p)},
        "seeks": {index.terms[t] for t in index.seeks_row(p)},
        "partners": {
            str(index.ids[j]): round(float(t), 5) for j, t in zip(partners, ties, strict=True)
        },
        "name": index.names[p],
        "kind": int(index.kinds[p]),
        "visibility": int(index.visibility[p]),
        "district": index.districts[p],
        "place": (
            None
            if math.isnan(index.lat[p])
            else (round(float(index.lat[p]), 4), round(float(index.lon[p]), 4))
        ),
        "fields": int(index.action_fields[p]),
        "degree": float(index.degree[p]),
        "alive": bool(index.alive[p]),
    }


def test_after_writes_of_every_kind_the_refreshed_index_holds_what_a_build_would(
    client: TestClient, session: Session
) -> None:
    a = create_actor(client, topics=[TOPIC_AI], tags=["Spritzguss"], offers=["KI"], seeks=[])
    b = create_actor(client, topics=[], tags=["Galvanik"], offers=[], seeks=["KI"])
    c = create_actor(client, kind="university", topics=[TOPIC_HYDROGEN])
    idea = client.post(
        "/v1/ideas", json=idea_body(owner_id=a["id"], participants=[{"actor_id": b["id"]}])
    ).json()
    group = create_group(client, founder_id=c["id"])
    engine = MatchEngine()
    session.rollback()
    engine.index(session)

    client.patch(f"/v1/actors/{a['id']}", json={"topics": [TOPIC_HYDROGEN], "tags": ["Neu"],
                                                "action_fields": [FIELD_CIRCULAR]})  # fmt: skip
    d = create_actor(client, name="Neuling AG", tags=["Wasserstoffspeicher"], lat=50.9, lon=8.0)
    client.put(f"/v1/ideas/{idea['id']}/participants/{c['id']}", json={"role": "partner"})
    join(client, group["id"], d["id"])
    second = client.post(
        "/v1/ideas", json=idea_body(owner_id=d["id"], participants=[{"actor_id": a["id"]}])
    ).json()
    client.patch(f"/v1/actors/{c['id']}", json={"location_precision": "hidden"})
    assert client.delete(f"/v1/actors/{b['id']}").status_code == 204
    session.rollback()

    refreshed = engine.index(session)
    built = build_index(session)

    assert (engine.builds, engine.refreshes) == (1, 1)
    for actor in (a, c, d):
        assert _row(refreshed, actor["id"]) == _row(built, actor["id"]), actor["name"]
    assert not refreshed.alive[refreshed.position[uuid.UUID(b["id"])]]
    assert uuid.UUID(b["id"]) not in built.position
    assert second["id"]
    # A joint idea makes partners; a shared working group only a weak tie, kept apart.
    assert _row(refreshed, d["id"])["partners"].keys() == {a["id"]}
    members = refreshed.group_members[uuid.UUID(group["id"])]
    assert {refreshed.ids[p] for p in members} == {uuid.UUID(c["id"]), uuid.UUID(d["id"])}
    assert refreshed.group_names[uuid.UUID(group["id"])] == group["name"]


def test_a_write_after_a_refresh_is_refreshed_again_and_many_writes_rebuild(
    client: TestClient, session: Session
) -> None:
    a = create_actor(client, topics=[TOPIC_AI])
    engine = MatchEngine()
    session.rollback()
    engine.index(session)

    client.patch(f"/v1/actors/{a['id']}", json={"name": "Eins"})
    session.rollback()
    engine.index(session)
    client.patch(f"/v1/actors/{a['id']}", json={"name": "Zwei"})
    session.rollback()
    second = engine.index(session)

    assert second.names[second.position[uuid.UUID(a["id"])]] == "Zwei"
    assert (engine.builds, engine.refreshes) == (1, 2)
    for n in range(60):  # more than the overlay may hold for so small an index
        create_actor(client, name=f"Masse {n}")
    session.rollback()
    engine.index(session)
    assert engine.builds == 2


def test_the_change_mark_counts_only_events_after_the_settled_ones(
    client: TestClient, session: Session
) -> None:
    """Events older than SETTLED_AFTER are committed: the mark counts from the newest of them
    (the event log only grows), yet a write, and one numbered before the newest event but
    committed after the index was built, still show."""
    a = create_actor(client, topics=[TOPIC_AI])
    b = create_actor(client, topics=[TOPIC_AI])
    aged = utcnow() - SETTLED_AFTER - timedelta(minutes=1)
    session.execute(update(Event).values(created_at=aged))
    session.commit()
    settled = session.execute(select(func.max(col(Event.seq)))).scalar_one()
    engine = MatchEngine()
    first = engine.index(session)
    assert first.change_mark == (settled, 0, settled)

    client.patch(f"/v1/actors/{a['id']}", json={"name": "Eins"})
    client.patch(f"/v1/actors/{b['id']}", json={"name": "Zwei"})
    # The first of the two commits late: the index sees the second one's event only.
    session.rollback()
    late = session.execute(select(Event).where(col(Event.seq) == settled + 1)).scalar_one()
    row = late.model_dump()
    session.delete(late)
    session.commit()
    refreshed = engine.index(session)
    assert refreshed.names[refreshed.position[uuid.UUID(b["id"])]] == "Zwei"
    assert refreshed.change_mark == (settled, 1, settled + 2)
    assert (engine.builds, engine.refreshes) == (1, 1)

    # Its event, numbered before the newest one the index saw, changes the count after the
    # floor but not the newest number: the index is built anew.
    session.add(Event(**row))
    session.commit()
    rebuilt = engine.index(session)
    assert rebuilt.names[rebuilt.position[uuid.UUID(a["id"])]] == "Eins"
    assert rebuilt.change_mark == (settled, 2, settled + 2)
    assert (engine.builds, engine.refreshes) == (2, 1)
