"""Who may read and change ideas, their participants and news (role × operation, a refused write
changes nothing), and which referenced actors each caller sees in them."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from radar.models.account import Role
from radar.models.event import Event
from radar.models.idea import Idea
from radar.models.news import News
from tests.conftest import ClientFactory
from tests.factories import create_actor
from tests.group_factories import assert_problem, count_rows, counted_statements
from tests.idea_factories import create_idea, idea_body


@dataclass(frozen=True)
class World:
    """An idea and a news item owned by `owner`, with `participant` taking part in the idea;
    `newcomer` takes part in nothing; `other` belongs to another member. All public."""

    owner: str
    participant: str
    newcomer: str
    other: str
    idea: str
    news: str


@pytest.fixture
def world(client: TestClient) -> World:
    owner, participant, newcomer, other = (create_actor(client)["id"] for _ in range(4))
    idea = create_idea(
        client,
        owner_id=owner,
        participants=[{"actor_id": owner, "role": "lead"}, {"actor_id": participant}],
    )
    return World(owner, participant, newcomer, other, idea["id"], _publish(client, owner)["id"])


Caller = Callable[[str], TestClient]


@pytest.fixture
def caller(make_client: ClientFactory, public_reader: TestClient, world: World) -> Caller:
    """A client for one role of the tables below."""
    clients: dict[str, Callable[[], TestClient]] = {
        "admin": lambda: make_client(Role.admin),
        "owner's member": lambda: make_client(Role.member, [world.owner]),
        "participant's member": lambda: make_client(Role.member, [world.participant]),
        "other member": lambda: make_client(Role.member, [world.other]),
        "analyst": lambda: make_client(Role.analyst),
        "partner": lambda: make_client(Role.partner),
        "anonymous": lambda: make_client(None),
        "anonymous, public read": lambda: public_reader,
    }
    return lambda role: clients[role]()


def _publish(client: TestClient, author_id: str | None) -> dict[str, Any]:
    response = client.post("/v1/news", json={"title": "Neuer Standort", "author_id": author_id})
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


Operation = Callable[[TestClient, World], httpx2.Response]

IDEA_OPERATIONS: dict[str, Operation] = {
    "list": lambda c, w: c.get("/v1/ideas"),
    "read": lambda c, w: c.get(f"/v1/ideas/{w.idea}"),
    "create": lambda c, w: c.post("/v1/ideas", json=idea_body(owner_id=w.owner)),
    "update": lambda c, w: c.patch(f"/v1/ideas/{w.idea}", json={"title": "Umbenannt"}),
    "delete": lambda c, w: c.delete(f"/v1/ideas/{w.idea}"),
    "add participant": lambda c, w: c.put(
        f"/v1/ideas/{w.idea}/participants/{w.newcomer}", json={"role": "partner"}
    ),
    "leave": lambda c, w: c.delete(f"/v1/ideas/{w.idea}/participants/{w.participant}"),
}
NEWS_OPERATIONS: dict[str, Operation] = {
    "list": lambda c, w: c.get("/v1/news"),
    "read": lambda c, w: c.get(f"/v1/news/{w.news}"),
    "create": lambda c, w: c.post("/v1/news", json={"title": "Neu", "author_id": w.owner}),
    "update": lambda c, w: c.patch(f"/v1/news/{w.news}", json={"title": "Umbenannt"}),
    "delete": lambda c, w: c.delete(f"/v1/news/{w.news}"),
}
READ_ONLY = (200, 200, 403, 403, 403, 403, 403)
# Status per role for the operations above, in their order (news: the first five).
EXPECTED: dict[str, tuple[int, ...]] = {
    "admin": (200, 200, 201, 200, 204, 201, 204),
    # It invites an actor it does not manage (202): that actor takes part once it accepts.
    "owner's member": (200, 200, 201, 200, 204, 202, 204),
    # The participant's managers may take it out of the idea, and nothing else.
    "participant's member": (200, 200, 403, 403, 403, 403, 204),
    "other member": READ_ONLY,
    "analyst": READ_ONLY,
    "partner": READ_ONLY,
    "anonymous": (401,) * 7,
    "anonymous, public read": (200, 200, 401, 401, 401, 401, 401),
}


def _cases(operations: dict[str, Operation]) -> list[Any]:
    return [
        pytest.param(role, operation, status, id=f"{role}-{operation}")
        for role, statuses in EXPECTED.items()
        for operation, status in zip(operations, statuses, strict=False)
    ]


def _state(admin: TestClient, session: Session, path: str, model: Any) -> tuple[Any, int, int]:
    """What a write could change: the resource (as an admin reads it) and the row counts."""
    return admin.get(path).json(), count_rows(session, model), count_rows(session, Event)


@pytest.mark.parametrize(("role", "operation", "expected"), _cases(IDEA_OPERATIONS))
def test_idea_access_by_role(
    role: str,
    operation: str,
    expected: int,
    world: World,
    caller: Caller,
    client: TestClient,
    session: Session,
) -> None:
    path = f"/v1/ideas/{world.idea}"
    before = _state(client, session, path, Idea)

    response = IDEA_OPERATIONS[operation](caller(role), world)

    assert response.status_code == expected, response.text
    if expected >= 400:
        assert_problem(response, expected)
        assert _state(client, session, path, Idea) == before
    elif operation not in {"list", "read"}:
        assert count_rows(session, Event) == before[2] + 1


@pytest.mark.parametrize(("role", "operation", "expected"), _cases(NEWS_OPERATIONS))
def test_news_access_by_role(
    role: str,
    operation: str,
    expected: int,
    world: World,
    caller: Caller,
    client: TestClient,
    session: Session,
) -> None:
    path = f"/v1/news/{world.news}"
    before = _state(client, session, path, News)

    response = NEWS_OPERATIONS[operation](caller(role), world)

    assert response.status_code == expected, response.text
    if expected >= 400:
        assert_problem(response, expected)
        assert _state(client, session, path, News) == before
    elif operation not in {"list", "read"}:
        assert count_rows(session, Event) == before[2] + 1


# --- privacy of the actors an idea or news item refers to -----------------------------------

# Whether each reader sees an actor of each visibility (public, members, private).
SEES = {
    "admin": (True, True, True),
    "its own member": (True, True, True),
    "other member": (True, True, False),
    "analyst": (True, True, False),
    "partner": (True, True, False),
    "anonymous, public read": (True, False, False),
}


@pytest.mark.parametrize("visibility", ["public", "members", "private"])
@pytest.mark.parametrize("reader", list(SEES))
def test_referenced_actors_appear_only_to_those_who_may_see_them(
    reader: str,
    visibility: str,
    client: TestClient,
    make_client: ClientFactory,
    public_reader: TestClient,
    world: World,
) -> None:
    hidden = create_actor(client, visibility=visibility)["id"]
    idea = create_idea(
        client,
        owner_id=hidden,
        participants=[{"actor_id": world.other, "role": "lead"}, {"actor_id": hidden}],
    )["id"]
    _publish(client, hidden)
    readers: dict[str, Callable[[], TestClient]] = {
        "admin": lambda: make_client(Role.admin),
        "its own member": lambda: make_client(Role.member, [hidden]),
        "other member": lambda: make_client(Role.member, [world.other]),
        "analyst": lambda: make_client(Role.analyst),
        "partner": lambda: make_client(Role.partner),
        "anonymous, public read": lambda: public_reader,
    }
    reading = readers[reader]()
    seen = SEES[reader][["public", "members", "private"].index(visibility)]

    shown = reading.get(f"/v1/ideas/{idea}").json()
    assert shown["owner_id"] == (hidden if seen else None)
    participants = [world.other, hidden] if seen else [world.other]
    assert [p["actor_id"] for p in shown["participants"]] == participants
    listed = reading.get(f"/v1/ideas/{idea}/participants").json()
    assert [p["actor_id"] for p in listed] == participants
    for filter_name in ("owner_id", "participant"):
        page = reading.get("/v1/ideas", params={filter_name: hidden}).json()
        assert ([item["id"] for item in page["data"]], page["count"]) == (
            ([idea], 1) if seen else ([], 0)
        )
    [in_list] = [item for item in reading.get("/v1/ideas").json()["data"] if item["id"] == idea]
    assert in_list == shown
    news = reading.get("/v1/news", params={"author_id": hidden}).json()
    assert news["count"] == (1 if seen else 0)
    authors = {item["author_id"] for item in reading.get("/v1/news").json()["data"]}
    assert authors == ({world.owner, hidden} if seen else {world.owner, None})


def test_a_member_cannot_reach_a_private_actor_it_does_not_manage(
    client: TestClient, make_client: ClientFactory, session: Session, world: World
) -> None:
    private = create_actor(client, visibility="private")["id"]
    member = make_client(Role.member, [world.owner])
    idea_path = f"/v1/ideas/{world.idea}"
    before = _state(client, session, idea_path, Idea)

    named = member.post(
        "/v1/ideas", json=idea_body(owner_id=world.owner, participants=[{"actor_id": private}])
    )
    assert_problem(named, 422, field="participants.0.actor_id")
    assert_problem(member.put(f"{idea_path}/participants/{private}", json={"role": "lead"}), 404)
    assert _state(client, session, idea_path, Idea) == before

    # An admin adds it; the owner's member can neither see it nor take it out.
    assert client.put(f"{idea_path}/participants/{private}", json={"role": "partner"}).is_success
    before = _state(client, session, idea_path, Idea)
    assert_problem(member.delete(f"{idea_path}/participants/{private}"), 404)
    assert _state(client, session, idea_path, Idea) == before


def test_a_second_lead_names_the_current_one_only_to_those_who_see_it(
    client: TestClient, make_client: ClientFactory, world: World
) -> None:
    private = create_actor(client, visibility="private")["id"]
    idea = create_idea(
        client, owner_id=world.owner, participants=[{"actor_id": private, "role": "lead"}]
    )["id"]
    url = f"/v1/ideas/{idea}/participants/{world.newcomer}"

    refused = make_client(Role.member, [world.owner]).put(url, json={"role": "lead"})
    problem = assert_problem(refused, 409)
    assert "current_lead" not in problem
    assert private not in problem["detail"]
    assert assert_problem(client.put(url, json={"role": "lead"}), 409)["current_lead"] == private


# --- owners and authors ----------------------------------------------------------------------


def test_a_member_must_name_an_owner_it_manages(
    client: TestClient, make_client: ClientFactory, session: Session, world: World
) -> None:
    member = make_client(Role.member, [world.owner])
    events = count_rows(session, Event)

    missing = assert_problem(member.post("/v1/ideas", json=idea_body()), 403)
    assert "owner_id" in missing["detail"]
    foreign = assert_problem(member.post("/v1/ideas", json=idea_body(owner_id=world.other)), 403)
    assert world.other in foreign["detail"]
    assert (count_rows(session, Idea), count_rows(session, Event)) == (1, events)
    assert client.post("/v1/ideas", json=idea_body()).status_code == 201


def test_a_member_hands_an_idea_only_to_its_own_actors(
    client: TestClient, make_client: ClientFactory, session: Session, world: World
) -> None:
    member = make_client(Role.member, [world.owner, world.newcomer])
    path = f"/v1/ideas/{world.idea}"
    before = _state(client, session, path, Idea)

    for owner in (world.other, None):
        assert_problem(member.patch(path, json={"owner_id": owner}), 403)
    assert _state(client, session, path, Idea) == before
    handed = member.patch(path, json={"owner_id": world.newcomer})
    assert (handed.status_code, handed.json()["owner_id"]) == (200, world.newcomer)


def test_an_idea_without_owner_is_changed_by_admins_only(
    client: TestClient, make_client: ClientFactory, session: Session, world: World
) -> None:
    path = f"/v1/ideas/{create_idea(client)['id']}"
    member = make_client(Role.member, [world.owner])
    before = _state(client, session, path, Idea)

    assert_problem(member.patch(path, json={"title": "Meins"}), 403)
    assert_problem(member.delete(path), 403)
    assert_problem(member.put(f"{path}/participants/{world.owner}", json={"role": "lead"}), 403)
    assert _state(client, session, path, Idea) == before
    assert client.patch(path, json={"title": "Geklärt"}).status_code == 200


def test_a_member_publishes_only_for_its_own_actors(
    client: TestClient, make_client: ClientFactory, session: Session, world: World
) -> None:
    member = make_client(Role.member, [world.owner, world.newcomer])
    path = f"/v1/news/{world.news}"
    before = _state(client, session, path, News)

    missing = assert_problem(member.post("/v1/news", json={"title": "Ohne"}), 403)
    assert "author_id" in missing["detail"]
    foreign = member.post("/v1/news", json={"title": "Fremd", "author_id": world.other})
    assert world.other in assert_problem(foreign, 403)["detail"]
    for author in (world.other, None):
        assert_problem(member.patch(path, json={"author_id": author}), 403)
    assert _state(client, session, path, News) == before
    handed = member.patch(path, json={"author_id": world.newcomer})
    assert (handed.status_code, handed.json()["author_id"]) == (200, world.newcomer)
    assert _publish(client, None)["author_id"] is None


# --- cost ------------------------------------------------------------------------------------


def test_hiding_actors_costs_the_same_queries_for_one_item_or_many(
    client: TestClient, make_client: ClientFactory, engine: Engine, world: World
) -> None:
    private = create_actor(client, visibility="private")["id"]
    member = make_client(Role.member, [world.other])
    # A token's first request also notes its use (once a minute): keep that out of the counts.
    assert member.get("/v1/me").status_code == 200

    def statements(path: str) -> int:
        with counted_statements(engine) as sent:
            assert member.get(path).status_code == 200
        return len(sent)

    one = {path: statements(path) for path in ("/v1/ideas", "/v1/news")}
    for _ in range(4):
        participants = [{"actor_id": private}, {"actor_id": world.participant}]
        create_idea(client, owner_id=private, participants=participants)
        _publish(client, private)
    assert {path: statements(path) for path in one} == one
