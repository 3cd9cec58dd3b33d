"""A small region to count by hand, for the statistics tests.

Six actors in three districts (PROD: industrielle-produktion, CIRC: circular-economy):

    plast   Olpe                company    kunststofftechnik, spritzguss  PROD
    uni     Olpe                university kuenstliche-intelligenz        PROD, CIRC
    h2      Siegen-Wittgenstein startup    wasserstoff                    CIRC
    mould   Siegen-Wittgenstein company    spritzguss                     PROD
    lab     Hochsauerlandkreis  research   maschinelles-lernen            —
    secret  Olpe (private)      company    wasserstoff                    PROD

Offers → seeks: plast Kunststofftechnik → Wasserstoff; uni Künstliche Intelligenz; h2
Wasserstoff → Künstliche Intelligenz; mould → Quantencomputing; lab → Kunststofftechnik;
secret Quantencomputing.

Created in January 2026: plast, uni, h2; in February: mould, lab, secret.
Ideas: `joint` owned by plast (January), h2 joined in February; `solo` owned by mould
(February), nobody else; `pair` owned by lab (February), mould joined in February.
Working group `circle` (January, circular economy): plast joined in January, uni and secret in
February. News: one by uni, one by secret, both February.

Ties: projects plast–h2, mould–lab; group plast–uni, plast–secret, uni–secret."""

import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlmodel import col

from radar.db import session_scope
from radar.models.actor import Actor
from radar.models.group import GroupMember, WorkingGroup
from radar.models.idea import Idea, IdeaParticipant
from radar.models.news import News
from tests.factories import FIELD_CIRCULAR, FIELD_PRODUCTION, create_actor
from tests.group_factories import create_group, join
from tests.idea_factories import create_idea

OLPE = {"district": "Olpe", "city": "Olpe", "postcode": "57462", "lat": 51.0289, "lon": 7.8514}
SIEGEN = {
    "district": "Siegen-Wittgenstein",
    "city": "Siegen",
    "postcode": "57072",
    "lat": 50.8748,
    "lon": 8.0243,
}
MESCHEDE = {
    "district": "Hochsauerlandkreis",
    "city": "Meschede",
    "postcode": "59872",
    "lat": 51.3500,
    "lon": 8.2833,
}
JANUARY = datetime(2026, 1, 15, 12, tzinfo=UTC)
FEBRUARY = datetime(2026, 2, 10, 12, tzinfo=UTC)


def _actor(client: TestClient, name: str, place: dict[str, Any], **body: Any) -> str:
    defaults: dict[str, Any] = {"street": None, "tags": [], "offers": [], "seeks": []}
    actor = create_actor(client, name=name, **{**defaults, **place, **body})
    return str(actor["id"])


def build_region(client: TestClient, engine: Engine) -> dict[str, str]:
    """The region above, created by `client` (an admin); the ids by short name."""
    ids = {
        "plast": _actor(
            client, "Olpe Kunststoff GmbH", OLPE, kind="company",
            topics=["kunststofftechnik", "spritzguss"], action_fields=[FIELD_PRODUCTION],
            offers=["Kunststofftechnik"], seeks=["Wasserstoff"],
        ),
        "uni": _actor(
            client, "Hochschule Olpe", OLPE, kind="university",
            topics=["kuenstliche-intelligenz"], action_fields=[FIELD_PRODUCTION, FIELD_CIRCULAR],
            offers=["Künstliche Intelligenz"],
        ),
        "h2": _actor(
            client, "Siegen H2 Start-up", SIEGEN, kind="startup", topics=["wasserstoff"],
            action_fields=[FIELD_CIRCULAR], offers=["Wasserstoff"],
            seeks=["Künstliche Intelligenz"],
        ),
        "mould": _actor(
            client, "Siegen Formenbau AG", SIEGEN, kind="company", topics=["spritzguss"],
            action_fields=[FIELD_PRODUCTION], seeks=["Quantencomputing"],
        ),
        "lab": _actor(
            client, "Sauerland Lernlabor", MESCHEDE, kind="research_institute",
            topics=["maschinelles-lernen"], action_fields=[], seeks=["Kunststofftechnik"],
        ),
        "secret": _actor(
            client, "Verdeckte Quanten GmbH", OLPE, kind="company", topics=["wasserstoff"],
            action_fields=[FIELD_PRODUCTION], offers=["Quantencomputing"], visibility="private",
        ),
    }  # fmt: skip
    # Ideas lend their participants topics: these have none, to keep the figures countable.
    place = {"city": None, "district": None, "lat": None, "lon": None, "country": None}
    place |= {"topics": [], "tags": [], "seeking_topics": []}
    joint = create_idea(
        client, owner_id=ids["plast"], participants=[{"actor_id": ids["h2"]}], **place
    )
    solo = create_idea(client, owner_id=ids["mould"], participants=[], **place)
    pair = create_idea(
        client, owner_id=ids["lab"], participants=[{"actor_id": ids["mould"]}], **place
    )
    circle = create_group(client, founder_id=ids["plast"], action_fields=[FIELD_CIRCULAR])
    join(client, circle["id"], ids["uni"])
    join(client, circle["id"], ids["secret"])
    response = client.post("/v1/news", json={"title": "KI-Labor eröffnet", "author_id": ids["uni"]})
    assert response.status_code == 201, response.text
    response = client.post("/v1/news", json={"title": "Verdeckt", "author_id": ids["secret"]})
    assert response.status_code == 201, response.text
    with session_scope(engine) as session:
        for name in ("plast", "uni", "h2"):
            _dated(session, Actor, Actor.id, ids[name], created_at=JANUARY)
        for name in ("mould", "lab", "secret"):
            _dated(session, Actor, Actor.id, ids[name], created_at=FEBRUARY)
        _dated(session, Idea, Idea.id, joint["id"], created_at=JANUARY)
        _dated(session, Idea, Idea.id, solo["id"], created_at=FEBRUARY)
        _dated(session, Idea, Idea.id, pair["id"], created_at=FEBRUARY)
        session.execute(update(IdeaParticipant).values(joined_at=FEBRUARY))
        _dated(session, WorkingGroup, WorkingGroup.id, circle["id"], created_at=JANUARY)
        session.execute(
            update(GroupMember)
            .where(col(GroupMember.actor_id) != uuid.UUID(ids["plast"]))
            .values(joined_at=FEBRUARY)
        )
        session.execute(
            update(GroupMember)
            .where(col(GroupMember.actor_id) == uuid.UUID(ids["plast"]))
            .values(joined_at=JANUARY)
        )
        session.execute(update(News).values(published_at=FEBRUARY))
    return ids


def _dated(session: Any, model: Any, id_column: Any, row_id: str, **values: datetime) -> None:
    session.execute(update(model).where(col(id_column) == uuid.UUID(row_id)).values(**values))
