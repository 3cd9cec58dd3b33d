"""Privacy in every channel, tried as an attacker would: every role reads every channel — REST
list and detail, map, near, matches, consortium, exports, the event feed, webhook payloads and
replay — and no street, contact or precise coordinate of a coarsened actor, and no name of a
private actor, reaches a reader who may not see it. And an erased actor leaves its name in no
table and no delivery."""

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text
from sqlmodel import Session, SQLModel

from radar.api.app import create_app
from radar.models.account import Role
from radar.models.webhook import WebhookDelivery
from radar.settings import Settings
from tests.factories import create_actor, issue_token

STREET = "Geheimweg 9"
LAT, LON = 51.133337, 8.077771  # Lennestadt; digits no shown point has
SECRET_DIGITS = ("51.13333", "8.07777")
PRECISIONS = ("postcode", "city", "hidden")
VISIBILITIES = ("public", "members", "private")


@pytest.fixture
def world(client: TestClient) -> dict[str, Any]:
    """A seeker, and actors of every coarse precision and visibility that offer what it seeks,
    each in an idea and a working group."""
    seeker = create_actor(client, name="Sucher Lennestadt GmbH", seeks=["Geheimtechnik"],
                          offers=["Beratung"], lat=51.10, lon=8.07)  # fmt: skip
    secret = {}
    for precision in PRECISIONS:
        for visibility in VISIBILITIES:
            secret[(precision, visibility)] = create_actor(
                client,
                name=f"Verborgen {precision} {visibility} AG",
                street=STREET,
                postcode="57368",
                city="Lennestadt",
                lat=LAT,
                lon=LON,
                contact_email=f"geheim-{precision}-{visibility}@verborgen.example",
                contact_phone="+49 2721 999999",
                location_precision=precision,
                visibility=visibility,
                offers=["Geheimtechnik"],
            )
    idea = client.post(
        "/v1/ideas",
        json={"title": "Gemeinsames Geheimprojekt", "owner_id": seeker["id"],
              "seeking_topics": [], "lat": 51.12, "lon": 8.06,
              "participants": [{"actor_id": a["id"], "role": "partner"}
                               for a in secret.values()]},
    )  # fmt: skip
    assert idea.status_code == 201, idea.text
    group = client.post("/v1/groups", json={"name": "AG Geheimtechnik", "founder_id": seeker["id"]})
    assert group.status_code == 201, group.text
    for actor in secret.values():
        joined = client.post(f"/v1/groups/{group.json()['id']}/members",
                             json={"actor_id": actor["id"]})  # fmt: skip
        assert joined.status_code == 201, joined.text
    return {"seeker": seeker, "secret": secret, "idea": idea.json(), "group": group.json()}


def _readers(settings: Settings, engine: Engine) -> Iterator[tuple[str, TestClient]]:
    public = settings.model_copy(update={"public_read": True, "webhooks_allow_private": True})
    app = create_app(public, engine=engine)
    with TestClient(app) as anonymous:
        yield "anonymous", anonymous
    for role in (Role.partner, Role.analyst, Role.member):
        headers = {"Authorization": f"Bearer {issue_token(engine, role)}"}
        with TestClient(app, headers=headers) as reader:
            yield role.value, reader


def _read_every_channel(reader: TestClient, world: dict[str, Any]) -> list[str]:
    seeker, idea, group = world["seeker"], world["idea"], world["group"]
    paths = [
        "/v1/actors?limit=100",
        "/v1/map?layer=actors&layer=ideas",
        f"/v1/actors?near={LAT},{LON}&radius_km=30&limit=100",
        f"/v1/actors?near_actor={seeker['id']}&limit=100",
        f"/v1/actors/{seeker['id']}/matches?limit=50&include_partners=true",
        f"/v1/ideas/{idea['id']}",
        f"/v1/ideas/{idea['id']}/matches?limit=50",
        f"/v1/ideas/{idea['id']}/consortium",
        f"/v1/groups/{group['id']}/members?limit=100",
        "/v1/events?limit=100",
        "/v1/export/actors?format=csv",
        "/v1/export/actors?format=jsonl",
        "/v1/export/actors?format=geojson",
        "/v1/export/ideas?format=jsonl",
        "/v1/export/groups?format=jsonl",
    ]
    paths += [f"/v1/actors/{actor['id']}" for actor in world["secret"].values()]
    return [reader.get(path).text for path in paths]


def _webhook_payloads(reader: TestClient, session: Session, admin: TestClient) -> list[str]:
    """What a subscription of the reader receives: a write after subscribing, and a replay of
    everything written before."""
    subscribed = reader.post(
        "/v1/webhooks", json={"url": "http://127.0.0.1:9/hook", "event_types": ["*"]}
    )
    if subscribed.status_code != 201:  # analysts and members may not subscribe
        assert subscribed.status_code in (401, 403), subscribed.text
        return []
    subscription = uuid.UUID(subscribed.json()["id"])
    replay = reader.post(f"/v1/webhooks/{subscription}/replay",
                         params={"since": "2000-01-01T00:00:00Z"})  # fmt: skip
    assert replay.status_code in (200, 202), replay.text
    session.rollback()  # a new transaction: what the API committed since
    rows = session.execute(
        select(WebhookDelivery.payload).where(WebhookDelivery.subscription_id == subscription)
    ).scalars()
    return [json.dumps(row, ensure_ascii=False) for row in rows]


def test_no_channel_shows_a_reader_what_it_may_not_see(
    world: dict[str, Any], client: TestClient, settings: Settings, engine: Engine, session: Session
) -> None:
    private_names = [a["name"] for (_, v), a in world["secret"].items() if v == "private"]
    for role, reader in _readers(settings, engine):
        seen = _read_every_channel(reader, world) + _webhook_payloads(reader, session, client)
        everything = "\n".join(seen)
        assert "Verborgen postcode public AG" in everything, role  # the walk reads something
        assert STREET not in everything, role
        for digits in SECRET_DIGITS:
            assert digits not in everything, (role, digits)
        for name in private_names:
            assert name not in everything, (role, name)
        if role in ("anonymous", "partner"):
            assert "@verborgen.example" not in everything, role
            assert "999999" not in everything, role


def test_the_feed_and_webhooks_show_a_partner_the_shown_location(
    world: dict[str, Any], settings: Settings, engine: Engine, session: Session, client: TestClient
) -> None:
    actor = world["secret"][("postcode", "members")]
    detail = client.get(f"/v1/actors/{actor['id']}").json()  # an admin: the exact point
    assert (detail["lat"], detail["street"]) == (LAT, STREET)
    for role, reader in _readers(settings, engine):
        if role == "anonymous":
            continue
        shown = reader.get(f"/v1/actors/{actor['id']}").json()
        assert shown["street"] is None
        events = reader.get("/v1/events", params={"entity_id": actor["id"]}).json()["data"]
        assert [e["type"] for e in events] == ["actor.created"]
        payload = events[0]["payload"]
        # The feed shows what REST shows.
        assert (payload["lat"], payload["lon"], payload["street"]) == (
            shown["lat"],
            shown["lon"],
            None,
        )
        for delivered in _webhook_payloads(reader, session, client):
            data = json.loads(delivered)["data"]
            if data.get("id") == actor["id"]:
                assert (data["lat"], data["lon"], data["street"]) == (
                    shown["lat"],
                    shown["lon"],
                    None,
                )


def test_an_erased_actor_leaves_its_name_in_no_table_and_no_delivery(
    world: dict[str, Any], client: TestClient, settings: Settings, engine: Engine, session: Session
) -> None:
    partner = next(reader for role, reader in _readers(settings, engine) if role == "partner")
    subscribed = partner.post(
        "/v1/webhooks", json={"url": "http://127.0.0.1:9/hook", "event_types": ["*"]}
    )
    assert subscribed.status_code == 201, subscribed.text
    doomed = create_actor(client, name="Zylinderkopf Loeschbar KG", street="Loeschgasse 3",
                          contact_email="weg@loeschbar.example")  # fmt: skip
    joined = client.post(f"/v1/groups/{world['group']['id']}/members",
                         json={"actor_id": doomed["id"]})  # fmt: skip
    assert joined.status_code == 201, joined.text

    assert client.delete(f"/v1/actors/{doomed['id']}").status_code == 204
    replay = partner.post(f"/v1/webhooks/{subscribed.json()['id']}/replay",
                          params={"since": "2000-01-01T00:00:00Z"})  # fmt: skip
    assert replay.status_code in (200, 202), replay.text

    session.rollback()
    leaks = []
    for table in SQLModel.metadata.sorted_tables:
        for row in session.execute(text(f'SELECT * FROM "{table.name}"')):
            cells = " ".join(str(cell) for cell in row)
            for trace in ("Zylinderkopf Loeschbar", "Loeschgasse", "weg@loeschbar"):
                if trace in cells:
                    leaks.append((table.name, trace))
    assert leaks == []
    # What stays: the fact that an actor with this id existed.
    feed = client.get("/v1/events", params={"entity_id": doomed["id"]}).json()["data"]
    assert [(e["type"], e["payload"]) for e in feed] == [
        ("actor.created", {"id": doomed["id"]}),
        ("actor.deleted", {"id": doomed["id"]}),
    ]


def test_an_erased_account_leaves_its_name_in_no_table_and_its_tokens_fail(
    world: dict[str, Any], client: TestClient, engine: Engine, session: Session
) -> None:
    actor = world["seeker"]
    token = issue_token(engine, Role.member, [actor["id"]])
    with TestClient(client.app, headers={"Authorization": f"Bearer {token}"}) as member:
        me = member.get("/v1/me").json()
        renamed = client.patch(
            f"/v1/accounts/{me['id']}", json={"name": "Erika Mustermann-Loeschbar"}
        )
        if renamed.status_code == 405:  # accounts are named at creation only
            session.execute(
                text("UPDATE account SET name = 'Erika Mustermann-Loeschbar' WHERE id = :id"),
                {"id": uuid.UUID(me["id"]).hex if engine.dialect.name == "sqlite" else me["id"]},
            )
            session.commit()
        feedback = member.post("/v1/matches/feedback", json={
            "actor_id": actor["id"], "target_id": world["secret"][("postcode", "public")]["id"],
            "action": "dismiss"})  # fmt: skip
        assert feedback.status_code in (200, 201), feedback.text

        assert member.delete(f"/v1/accounts/{me['id']}").status_code == 204
        assert member.get("/v1/me").status_code == 401

    session.rollback()
    leaks = [
        table.name
        for table in SQLModel.metadata.sorted_tables
        for row in session.execute(text(f'SELECT * FROM "{table.name}"'))
        if "Mustermann-Loeschbar" in " ".join(str(cell) for cell in row)
    ]
    assert leaks == []
    assert client.get(f"/v1/actors/{actor['id']}").status_code == 200  # the actor stays
