"""Who may see and change an actor, and what each caller sees of it (OWASP API1, privacy, GDPR)."""

import json
import uuid
from collections.abc import Callable
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from radar.models.account import AccountActor, Role
from radar.models.base import metadata
from tests.conftest import ClientFactory
from tests.factories import actor_body, create_actor
from tests.group_factories import create_group, join
from tests.idea_factories import create_idea

VISIBILITIES = ("public", "members", "private")
OPERATIONS = ("list", "read", "update", "delete", "export")
PUBLIC_READER = "anonymous, public read"

# Status per caller and operation on a public, a members-only and a private actor. A list
# answers 200 (401 when signed out) and holds the actor exactly when reading it gives 200.
SEES_ALL = {
    "read": (200, 200, 200),
    "update": (200, 200, 200),
    "delete": (204, 204, 204),
    "export": (200, 200, 200),
}
OUTSIDER = {
    "read": (200, 200, 404),
    "update": (403, 403, 404),
    "delete": (403, 403, 404),
    "export": (403, 403, 404),
}
SIGNED_OUT = dict.fromkeys(SEES_ALL, (401, 401, 401))
EXPECTED = {
    "admin": SEES_ALL,
    "manager": SEES_ALL,
    "other member": OUTSIDER,
    "analyst": OUTSIDER,
    "partner": OUTSIDER,
    "anonymous": SIGNED_OUT,
    PUBLIC_READER: {**SIGNED_OUT, "read": (200, 404, 404)},
}
ROLES = {
    "admin": Role.admin,
    "analyst": Role.analyst,
    "partner": Role.partner,
    "anonymous": None,
}
# What writes must leave alone when refused (api_token is left out: it notes its last use).
WATCHED_TABLES = ("actor", "actor_topic", "account_actor", "event")

Caller = Callable[[str, str], TestClient]


@pytest.fixture
def as_caller(make_client: ClientFactory, client: TestClient, public_reader: TestClient) -> Caller:
    """A client for a named caller; `manager` manages the given actor, `other member` another."""

    def make(caller: str, actor_id: str) -> TestClient:
        if caller == "manager":
            return make_client(Role.member, [actor_id])
        if caller == "other member":
            return make_client(Role.member, [create_actor(client)["id"]])
        if caller == PUBLIC_READER:
            return public_reader
        return make_client(ROLES[caller])

    return make


def _stored(engine: Engine) -> dict[str, list[str]]:
    with engine.connect() as connection:
        return {
            name: sorted(
                repr(tuple(row)) for row in connection.execute(metadata.tables[name].select())
            )
            for name in WATCHED_TABLES
        }


def _perform(reader: TestClient, operation: str, actor_id: str) -> httpx2.Response:
    url = f"/v1/actors/{actor_id}"
    if operation == "read":
        return reader.get(url)
    if operation == "update":
        return reader.patch(url, json={"name": "Übernommen GmbH"})
    if operation == "delete":
        return reader.delete(url)
    return reader.get(f"{url}/export")


def _listed_ids(reader: TestClient, **params: Any) -> set[str] | int:
    response = reader.get("/v1/actors", params={"limit": 100, **params})
    if response.status_code != 200:
        return response.status_code
    return {actor["id"] for actor in response.json()["data"]}


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("caller", list(EXPECTED))
def test_access_by_caller_operation_and_visibility(
    as_caller: Caller,
    client: TestClient,
    engine: Engine,
    caller: str,
    operation: str,
    visibility: str,
) -> None:
    actor = create_actor(client, name="Zielwerk GmbH", visibility=visibility)
    reader = as_caller(caller, actor["id"])
    column = VISIBILITIES.index(visibility)
    before = _stored(engine)

    if operation == "list":
        read_status = EXPECTED[caller]["read"][column]
        for params in ({}, {"q": "zielwerk"}, {"district": actor["district"]}):
            listed = _listed_ids(reader, **params)
            if read_status == 401:
                assert listed == 401
            else:
                assert isinstance(listed, set)
                assert (actor["id"] in listed) == (read_status == 200), params
        return

    expected = EXPECTED[caller][operation][column]
    response = _perform(reader, operation, actor["id"])
    assert response.status_code == expected, response.text
    if expected >= 400:
        assert response.headers["content-type"] == "application/problem+json"
        assert _stored(engine) == before
    if expected == 404:  # indistinguishable from an actor that does not exist
        unknown = str(uuid.uuid4())
        missing = _perform(reader, operation, unknown)
        assert response.json() == json.loads(missing.text.replace(unknown, actor["id"]))


@pytest.mark.parametrize(
    ("caller", "sees_contacts"),
    [
        (PUBLIC_READER, False),
        ("partner", False),
        ("other member", True),
        ("analyst", True),
        ("manager", True),
        ("admin", True),
    ],
)
def test_contacts_only_for_cluster_insiders(
    as_caller: Caller, client: TestClient, caller: str, sees_contacts: bool
) -> None:
    actor = create_actor(
        client, contact_email="kontakt@zielwerk.example", contact_phone="+49 2351 1234"
    )
    reader = as_caller(caller, actor["id"])
    read = reader.get(f"/v1/actors/{actor['id']}").json()
    listed = next(a for a in reader.get("/v1/actors").json()["data"] if a["id"] == actor["id"])
    expected = ("kontakt@zielwerk.example", "+49 2351 1234") if sees_contacts else (None, None)
    for shown in (read, listed):
        assert (shown["contact_email"], shown["contact_phone"]) == expected


@pytest.mark.parametrize(
    ("precision", "coarse"),
    [
        ("exact", ("Hauptstraße 1", "58507", 51.2197, 7.6273)),
        # The centroid of postcode 58507 and the centre of Lüdenscheid, from the gazetteer.
        ("postcode", (None, "58507", 51.23063, 7.62562)),
        ("city", (None, None, 51.21977, 7.6273)),
        ("hidden", (None, None, None, None)),
    ],
)
def test_location_precision_for_all_but_managers_and_admins(
    as_caller: Caller,
    client: TestClient,
    precision: str,
    coarse: tuple[str | None, str | None, float | None, float | None],
) -> None:
    actor = create_actor(
        client, location_precision=precision, street="Hauptstraße 1", lat=51.2197, lon=7.6273
    )
    exact = ("Hauptstraße 1", "58507", 51.2197, 7.6273)

    def location(shown: dict[str, Any]) -> tuple[Any, ...]:
        assert (shown["city"], shown["district"]) == ("Lüdenscheid", "Märkischer Kreis")
        return (shown["street"], shown["postcode"], shown["lat"], shown["lon"])

    for caller in ("other member", "analyst", "partner", PUBLIC_READER, "manager", "admin"):
        reader = as_caller(caller, actor["id"])
        expected = exact if caller in {"manager", "admin"} else coarse
        assert location(reader.get(f"/v1/actors/{actor['id']}").json()) == expected, caller
        # City and district still drive the filters, whatever the precision.
        page = reader.get("/v1/actors", params={"district": "Märkischer Kreis", "q": "ludenscheid"})
        listed = next(a for a in page.json()["data"] if a["id"] == actor["id"])
        assert location(listed) == expected, caller
    events = client.get("/v1/events", params={"entity_id": actor["id"]}).json()["data"]
    assert [(e["payload"]["street"], e["payload"]["lat"]) for e in events] == [
        ("Hauptstraße 1", 51.2197)
    ]


def test_a_member_creating_an_actor_becomes_its_manager(
    make_client: ClientFactory, engine: Engine
) -> None:
    creator = make_client(Role.member)
    created = creator.post("/v1/actors", json=actor_body(location_precision="hidden"))
    assert created.status_code == 201, created.text
    actor = created.json()
    assert (actor["street"], actor["lat"]) == ("Hauptstraße 1", 51.2197)
    assert actor["contact_email"] is not None
    renamed = creator.patch(f"/v1/actors/{actor['id']}", json={"name": "Eigenes Werk GmbH"})
    assert renamed.status_code == 200, renamed.text

    other = make_client(Role.member)
    before = _stored(engine)
    assert other.patch(f"/v1/actors/{actor['id']}", json={"name": "Fremd"}).status_code == 403
    assert other.delete(f"/v1/actors/{actor['id']}").status_code == 403
    assert _stored(engine) == before
    assert creator.delete(f"/v1/actors/{actor['id']}").status_code == 204


@pytest.mark.parametrize("caller", ["analyst", "partner", PUBLIC_READER])
def test_readers_create_nothing(
    as_caller: Caller, engine: Engine, client: TestClient, caller: str
) -> None:
    before = _stored(engine)
    response = as_caller(caller, str(uuid.uuid4())).post("/v1/actors", json=actor_body())
    assert response.status_code == (401 if caller == PUBLIC_READER else 403)
    assert _stored(engine) == before


def test_export_holds_everything_stored_about_the_actor(
    client: TestClient, make_client: ClientFactory, session: Session
) -> None:
    actor = create_actor(
        client, visibility="private", location_precision="hidden", contact_phone="+49 2351 9876"
    )
    founder = create_actor(client)
    manager = make_client(Role.member, [actor["id"]])
    client.patch(f"/v1/actors/{actor['id']}", json={"description": "Jetzt mit Sensorik."})
    idea = create_idea(
        client, owner_id=actor["id"], participants=[{"actor_id": actor["id"], "role": "lead"}]
    )
    group = create_group(client, founder_id=founder["id"])
    join(client, group["id"], actor["id"])
    news = client.post("/v1/news", json={"title": "Neuer Standort", "author_id": actor["id"]})

    response = manager.get(f"/v1/actors/{actor['id']}/export")
    assert response.status_code == 200, response.text
    export = response.json()
    assert export["actor"] == client.get(f"/v1/actors/{actor['id']}").json()
    assert (export["actor"]["contact_phone"], export["actor"]["lat"]) == ("+49 2351 9876", 51.2197)
    managers = session.exec(
        select(AccountActor.account_id).where(AccountActor.actor_id == uuid.UUID(actor["id"]))
    ).all()
    assert [m["account_id"] for m in export["managers"]] == [str(m) for m in managers]
    assert export["managers"][0]["name"]
    assert export["ideas_owned"] == [{"id": idea["id"], "title": idea["title"]}]
    assert export["participations"] == [
        {"idea_id": idea["id"], "title": idea["title"], "role": "lead"}
    ]
    assert export["memberships"] == [
        {"group_id": group["id"], "name": group["name"], "role": "member", "status": "active"}
    ]
    assert [n["id"] for n in export["news_authored"]] == [news.json()["id"]]
    assert [e["type"] for e in export["events"]] == ["actor.created", "actor.updated"]


def test_erasure_leaves_neither_the_actor_nor_its_contacts_anywhere(
    client: TestClient, make_client: ClientFactory, engine: Engine
) -> None:
    contacts = ("loesch.mich@zielwerk.example", "+49 2351 55555")
    actor = create_actor(client, contact_email=contacts[0], contact_phone=contacts[1])
    founder = create_actor(client)
    manager = make_client(Role.member, [actor["id"]])
    create_idea(client, owner_id=actor["id"], participants=[{"actor_id": actor["id"]}])
    join(client, create_group(client, founder_id=founder["id"])["id"], actor["id"])
    client.post("/v1/news", json={"title": "Abschied", "author_id": actor["id"]})

    assert manager.delete(f"/v1/actors/{actor['id']}").status_code == 204

    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            stored = repr(connection.execute(table.select()).all())
            assert not any(value in stored for value in contacts), table.name
            # The feed keeps the id: `actor.deleted` tells partners to erase their copies.
            if table.name != "event":
                assert actor["id"] not in stored, table.name
    deleted = client.get("/v1/events", params={"type": "actor.deleted"}).json()["data"]
    assert [e["entity_id"] for e in deleted] == [actor["id"]]
