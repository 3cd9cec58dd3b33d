"""Who may do what with working groups and their members, and whose memberships a caller sees:
role × operation, own and foreign actors, private members; a refused write changes nothing."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from radar.models.account import Role
from tests.conftest import ClientFactory
from tests.factories import create_actor
from tests.group_factories import (
    assert_problem,
    counted_statements,
    create_group,
    group_body,
    group_state,
    join,
    member_url,
    members,
    read_group,
    recorded_events,
)


@dataclass
class World:
    """An approval group: `founder` its admin, `member` a plain active member, `applicant` a
    pending request; `outsider` belongs to no group."""

    group: dict[str, Any]
    founder: dict[str, Any]
    member: dict[str, Any]
    applicant: dict[str, Any]
    outsider: dict[str, Any]


@pytest.fixture
def world(client: TestClient) -> World:
    founder, member, applicant, outsider = (create_actor(client) for _ in range(4))
    group = create_group(client, join_policy="approval", founder_id=founder["id"])
    join(client, group["id"], member["id"])
    approved = client.post(f"{member_url(group['id'], member['id'])}/approve")
    assert approved.status_code == 200, approved.text
    join(client, group["id"], applicant["id"])
    return World(read_group(client, group["id"]), founder, member, applicant, outsider)


# Each caller: its role and the actors of the world it manages.
CALLERS: dict[str, tuple[Role | None, tuple[str, ...]]] = {
    "admin": (Role.admin, ()),
    "group_admin": (Role.member, ("founder",)),
    "plain_member": (Role.member, ("member",)),
    "other_member": (Role.member, ("outsider", "applicant")),
    "analyst": (Role.analyst, ()),
    "partner": (Role.partner, ()),
    "anonymous": (None, ()),
    "anonymous_public_read": (None, ()),
}

Operation = Callable[[TestClient, World, list[str]], httpx2.Response]

OPERATIONS: dict[str, Operation] = {
    "list": lambda c, w, _: c.get("/v1/groups"),
    "read": lambda c, w, _: c.get(f"/v1/groups/{w.group['id']}"),
    "members": lambda c, w, _: c.get(f"/v1/groups/{w.group['id']}/members"),
    # Members found a group for an actor they manage; admins need no founder.
    "create": lambda c, w, managed: c.post(
        "/v1/groups", json=group_body(**({"founder_id": managed[0]} if managed else {}))
    ),
    "update": lambda c, w, _: c.patch(f"/v1/groups/{w.group['id']}", json={"name": "Neu"}),
    "delete": lambda c, w, _: c.delete(f"/v1/groups/{w.group['id']}"),
    "join_outsider": lambda c, w, _: c.post(
        f"/v1/groups/{w.group['id']}/members", json={"actor_id": w.outsider["id"]}
    ),
    "approve_applicant": lambda c, w, _: c.post(
        f"{member_url(w.group['id'], w.applicant['id'])}/approve"
    ),
    "promote_member": lambda c, w, _: c.patch(
        member_url(w.group["id"], w.member["id"]), json={"role": "admin"}
    ),
    "remove_member": lambda c, w, _: c.delete(member_url(w.group["id"], w.member["id"])),
}

# fmt: off
EXPECTED: dict[str, tuple[int, ...]] = {
    # caller:           admin group_admin plain other analyst partner anon anon_public
    "list":              (200, 200,        200,  200,  200,    200,    401, 200),
    "read":              (200, 200,        200,  200,  200,    200,    401, 200),
    "members":           (200, 200,        200,  200,  200,    200,    401, 200),
    "create":            (201, 201,        201,  201,  403,    403,    401, 401),
    "update":            (200, 200,        403,  403,  403,    403,    401, 401),
    "delete":            (204, 204,        403,  403,  403,    403,    401, 401),
    "join_outsider":     (201, 403,        403,  201,  403,    403,    401, 401),
    "approve_applicant": (200, 200,        403,  403,  403,    403,    401, 401),
    "promote_member":    (200, 200,        403,  403,  403,    403,    401, 401),
    "remove_member":     (204, 204,        204,  403,  403,    403,    401, 401),
}
# fmt: on

CASES = [
    pytest.param(operation, caller, expected, id=f"{operation}-{caller}")
    for operation, statuses in EXPECTED.items()
    for caller, expected in zip(CALLERS, statuses, strict=True)
]


@pytest.mark.parametrize(("operation", "caller", "expected"), CASES)
def test_role_by_operation(
    client: TestClient,
    make_client: ClientFactory,
    session: Session,
    request: pytest.FixtureRequest,
    world: World,
    operation: str,
    caller: str,
    expected: int,
) -> None:
    role, managed_names = CALLERS[caller]
    managed = [getattr(world, name)["id"] for name in managed_names]
    caller_api = (
        request.getfixturevalue("public_reader")
        if caller == "anonymous_public_read"
        else make_client(role, managed)
    )
    before = group_state(client, session, world.group["id"])

    response = OPERATIONS[operation](caller_api, world, managed)

    assert response.status_code == expected, response.text
    if expected >= 400:
        assert_problem(response, expected)
    if expected >= 400 or response.request.method == "GET":
        assert group_state(client, session, world.group["id"]) == before
    else:
        assert len(recorded_events(session)) > before["events"]


# --- own and foreign actors --------------------------------------------------------------------


def test_members_found_groups_only_for_actors_they_manage(
    client: TestClient, make_client: ClientFactory, session: Session
) -> None:
    own, foreign = create_actor(client), create_actor(client)
    member = make_client(Role.member, [own["id"]])
    events_before = len(recorded_events(session))

    without_founder = member.post("/v1/groups", json=group_body())
    foreign_founder = member.post("/v1/groups", json=group_body(founder_id=foreign["id"]))

    assert_problem(without_founder, 403)
    assert_problem(foreign_founder, 403)
    assert client.get("/v1/groups").json()["count"] == 0
    assert len(recorded_events(session)) == events_before
    founded = member.post("/v1/groups", json=group_body(founder_id=own["id"]))
    assert founded.status_code == 201, founded.text
    [admin] = members(client, founded.json()["id"])
    assert (admin["actor_id"], admin["role"]) == (own["id"], "admin")


def test_group_admin_rights_stay_within_their_group(
    client: TestClient, make_client: ClientFactory, session: Session
) -> None:
    own_admin, their_admin, their_member = (create_actor(client) for _ in range(3))
    create_group(client, founder_id=own_admin["id"])
    theirs = create_group(client, join_policy="approval", founder_id=their_admin["id"])
    join(client, theirs["id"], their_member["id"])
    group_admin = make_client(Role.member, [own_admin["id"]])
    before = group_state(client, session, theirs["id"])
    url = f"/v1/groups/{theirs['id']}"

    refused = [
        group_admin.patch(url, json={"name": "Übernommen"}),
        group_admin.patch(url, json={"name": "Übernommen"}, headers={"If-Match": '"99"'}),
        group_admin.delete(url),
        group_admin.post(f"{member_url(theirs['id'], their_member['id'])}/approve"),
        group_admin.patch(member_url(theirs["id"], their_member["id"]), json={"role": "admin"}),
        group_admin.delete(member_url(theirs["id"], their_member["id"])),
    ]

    for response in refused:
        assert_problem(response, 403)
    assert group_state(client, session, theirs["id"]) == before


def test_only_active_admins_confer_group_rights(
    client: TestClient, make_client: ClientFactory, session: Session
) -> None:
    founder, hopeful = create_actor(client), create_actor(client)
    group = create_group(client, join_policy="approval", founder_id=founder["id"])
    join(client, group["id"], hopeful["id"], role="admin")
    hopeful_manager = make_client(Role.member, [hopeful["id"]])
    before = group_state(client, session, group["id"])

    approve_self = hopeful_manager.post(f"{member_url(group['id'], hopeful['id'])}/approve")
    rename = hopeful_manager.patch(f"/v1/groups/{group['id']}", json={"name": "Meins"})

    assert_problem(approve_self, 403)
    assert_problem(rename, 403)
    assert group_state(client, session, group["id"]) == before
    withdrawn = hopeful_manager.delete(member_url(group["id"], hopeful["id"]))
    assert withdrawn.status_code == 204, withdrawn.text


def test_joining_as_admin_takes_the_right_to_make_admins(
    client: TestClient, make_client: ClientFactory, session: Session
) -> None:
    founder, second, newcomer = (create_actor(client) for _ in range(3))
    group = create_group(client, founder_id=founder["id"])
    newcomer_manager = make_client(Role.member, [newcomer["id"]])
    group_admin = make_client(Role.member, [founder["id"], second["id"]])
    before = group_state(client, session, group["id"])
    url = f"/v1/groups/{group['id']}/members"

    self_promoted = newcomer_manager.post(url, json={"actor_id": newcomer["id"], "role": "admin"})

    assert_problem(self_promoted, 403)
    assert group_state(client, session, group["id"]) == before
    co_admin = group_admin.post(url, json={"actor_id": second["id"], "role": "admin"})
    assert co_admin.status_code == 201, co_admin.text
    assert (co_admin.json()["role"], co_admin.json()["status"]) == ("admin", "active")
    plain = newcomer_manager.post(url, json={"actor_id": newcomer["id"]})
    assert (plain.status_code, plain.json()["role"]) == (201, "member")


def test_first_joiner_of_an_admin_less_group_administers_it(
    client: TestClient, make_client: ClientFactory
) -> None:
    actor = create_actor(client)
    group = create_group(client)
    manager = make_client(Role.member, [actor["id"]])

    joined = manager.post(f"/v1/groups/{group['id']}/members", json={"actor_id": actor["id"]})
    renamed = manager.patch(f"/v1/groups/{group['id']}", json={"name": "Neu belebt"})

    assert (joined.status_code, joined.json()["role"]) == (201, "admin")
    assert (renamed.status_code, renamed.json()["name"]) == (200, "Neu belebt")


# --- private members ---------------------------------------------------------------------------


@dataclass
class PrivateWorld:
    """An open group of a public founder, a members-only actor and a private actor."""

    group: dict[str, Any]
    founder: dict[str, Any]
    insider: dict[str, Any]
    hidden: dict[str, Any]


@pytest.fixture
def private_world(client: TestClient) -> PrivateWorld:
    founder = create_actor(client, visibility="public")
    insider = create_actor(client, visibility="members")
    hidden = create_actor(client, visibility="private")
    group = create_group(client, founder_id=founder["id"])
    join(client, group["id"], insider["id"])
    join(client, group["id"], hidden["id"])
    return PrivateWorld(read_group(client, group["id"]), founder, insider, hidden)


def test_members_list_shows_each_caller_only_the_actors_it_may_see(
    client: TestClient,
    make_client: ClientFactory,
    public_reader: TestClient,
    private_world: PrivateWorld,
) -> None:
    w = private_world
    everyone = [w.founder["id"], w.insider["id"], w.hidden["id"]]
    signed_in = [w.founder["id"], w.insider["id"]]
    callers = {
        "admin": (client, everyone),
        "hidden's manager": (make_client(Role.member, [w.hidden["id"]]), everyone),
        "group admin's manager": (make_client(Role.member, [w.founder["id"]]), signed_in),
        "analyst": (make_client(Role.analyst), signed_in),
        "partner": (make_client(Role.partner), signed_in),
        "anonymous, public read": (public_reader, [w.founder["id"]]),
    }

    for name, (caller, expected) in callers.items():
        page = caller.get(f"/v1/groups/{w.group['id']}/members")
        assert page.status_code == 200, (name, page.text)
        assert [m["actor_id"] for m in page.json()["data"]] == expected, name
        assert page.json()["count"] == len(expected), name
        # The number of members names nobody: it stays the true one.
        assert caller.get(f"/v1/groups/{w.group['id']}").json()["member_count"] == 3, name


def test_member_filter_finds_nothing_for_an_actor_the_caller_may_not_see(
    client: TestClient,
    make_client: ClientFactory,
    public_reader: TestClient,
    private_world: PrivateWorld,
) -> None:
    w = private_world

    def groups_of(caller: TestClient, actor: dict[str, Any]) -> list[str]:
        page = caller.get("/v1/groups", params={"member": actor["id"]})
        assert page.status_code == 200, page.text
        assert page.json()["count"] == len(page.json()["data"])
        return [group["id"] for group in page.json()["data"]]

    stranger = make_client(Role.member, [w.founder["id"]])
    assert groups_of(stranger, w.hidden) == []
    assert groups_of(make_client(Role.analyst), w.hidden) == []
    assert groups_of(public_reader, w.insider) == []
    assert groups_of(public_reader, w.founder) == [w.group["id"]]
    assert groups_of(stranger, w.insider) == [w.group["id"]]
    assert groups_of(make_client(Role.member, [w.hidden["id"]]), w.hidden) == [w.group["id"]]
    assert groups_of(client, w.hidden) == [w.group["id"]]


def test_a_private_membership_is_not_acknowledged_to_group_admins(
    client: TestClient, make_client: ClientFactory, session: Session, private_world: PrivateWorld
) -> None:
    w = private_world
    group_admin = make_client(Role.member, [w.founder["id"]])
    before = group_state(client, session, w.group["id"])
    url = member_url(w.group["id"], w.hidden["id"])

    for response in [
        group_admin.post(f"{url}/approve"),
        group_admin.patch(url, json={"role": "admin"}),
        group_admin.delete(url),
    ]:
        assert_problem(response, 404)
    assert group_state(client, session, w.group["id"]) == before
    assert make_client(Role.member, [w.hidden["id"]]).delete(url).status_code == 204


def test_members_list_checks_visibility_once_per_page(
    client: TestClient, make_client: ClientFactory, engine: Engine
) -> None:
    founder = create_actor(client)
    group = create_group(client, founder_id=founder["id"])
    caller = make_client(Role.member, [founder["id"]])
    # A token's first request also notes its use (once a minute): keep that out of the counts.
    assert caller.get("/v1/me").status_code == 200

    def list_statements() -> int:
        with counted_statements(engine) as statements:
            assert caller.get(f"/v1/groups/{group['id']}/members").status_code == 200
        return len(statements)

    one_member = list_statements()
    for visibility in ["public", "members", "private", "private"]:
        join(client, group["id"], create_actor(client, visibility=visibility)["id"])

    assert list_statements() == one_member
    assert len(members(caller, group["id"])) == 3
