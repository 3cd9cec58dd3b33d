"""Accounts, actor grants and bearer tokens over HTTP: admins manage all, others their own."""

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from radar.api.app import create_app
from radar.models.account import Role
from radar.settings import Settings
from tests.conftest import ClientFactory
from tests.factories import create_actor

PROBLEM = "application/problem+json"
NON_ADMINS = [Role.member, Role.analyst, Role.partner]


def _me(client: TestClient) -> dict[str, Any]:
    response = client.get("/v1/me")
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def _fields(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    return [error["field"] for error in response.json()["errors"]]


def _bearer(app_client: TestClient, token: str) -> TestClient:
    return TestClient(app_client.app, headers={"Authorization": f"Bearer {token}"})


def test_me_is_the_callers_account(client: TestClient, make_client: ClientFactory) -> None:
    actor_id = create_actor(client)["id"]
    member = _me(make_client(Role.member, [actor_id]))
    assert member["role"] == "member"
    assert member["actor_ids"] == [actor_id]
    assert _me(client)["role"] == "admin"
    assert client.get(f"/v1/accounts/{member['id']}").json() == member


def test_admin_creates_reads_and_lists_accounts(client: TestClient) -> None:
    actor_ids = sorted([create_actor(client)["id"], create_actor(client)["id"]])
    created = client.post(
        "/v1/accounts",
        json={"name": "Südwestfalen Agentur", "role": "member", "actor_ids": actor_ids},
    )
    assert created.status_code == 201, created.text
    account = created.json()
    assert created.headers["location"].endswith(f"/v1/accounts/{account['id']}")
    assert (account["name"], account["role"], account["actor_ids"]) == (
        "Südwestfalen Agentur",
        "member",
        actor_ids,
    )
    assert client.get(f"/v1/accounts/{account['id']}").json() == account

    listed = client.get("/v1/accounts", params={"limit": 1}).json()
    assert listed["count"] == 2  # the admin's own account and the new one
    assert len(listed["data"]) == 1
    everything = client.get("/v1/accounts").json()["data"]
    assert account in everything
    assert [item["name"] for item in everything] == sorted(item["name"] for item in everything)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "X", "role": "member", "colour": "red"}, "colour"),
        ({"name": "X", "role": "superuser"}, "role"),
        ({"name": "", "role": "member"}, "name"),
        ({"name": "X", "role": "member", "actor_ids": [str(uuid.uuid4())]}, "actor_ids.0"),
    ],
)
def test_create_account_rejects_invalid_input(
    client: TestClient, body: dict[str, Any], field: str
) -> None:
    assert _fields(client.post("/v1/accounts", json=body)) == [field]
    assert client.get("/v1/accounts").json()["count"] == 1  # only the admin's own


@pytest.mark.parametrize("role", NON_ADMINS)
def test_non_admins_reach_only_their_own_account(
    client: TestClient, make_client: ClientFactory, role: Role
) -> None:
    actor_id = create_actor(client)["id"]
    admin_id = _me(client)["id"]
    caller = make_client(role)
    own_id = _me(caller)["id"]

    assert caller.post("/v1/accounts", json={"name": "X", "role": "admin"}).status_code == 403
    assert caller.get("/v1/accounts").status_code == 403
    assert caller.get(f"/v1/accounts/{own_id}").status_code == 200
    # Another account, existing or not, is simply not found.
    for other in (admin_id, uuid.uuid4()):
        assert caller.get(f"/v1/accounts/{other}").status_code == 404
        assert caller.put(f"/v1/accounts/{other}/actors/{actor_id}").status_code == 404
        assert caller.delete(f"/v1/accounts/{other}/actors/{actor_id}").status_code == 404
    # Granting actors is for admins, even on one's own account.
    assert caller.put(f"/v1/accounts/{own_id}/actors/{actor_id}").status_code == 403
    assert caller.delete(f"/v1/accounts/{own_id}/actors/{actor_id}").status_code == 403
    assert _me(caller)["actor_ids"] == []
    assert client.get("/v1/accounts").json()["count"] == 2


def test_admin_grants_and_revokes_actors(client: TestClient, make_client: ClientFactory) -> None:
    actor_id = create_actor(client)["id"]
    member = make_client(Role.member)
    account_id = _me(member)["id"]
    path = f"/v1/accounts/{account_id}/actors/{actor_id}"

    granted = client.put(path)
    assert granted.status_code == 200
    assert granted.json()["actor_ids"] == [actor_id]
    assert client.put(path).json()["actor_ids"] == [actor_id]  # idempotent
    assert _me(member)["actor_ids"] == [actor_id]  # effective at once

    assert client.delete(path).status_code == 204
    assert _me(member)["actor_ids"] == []
    assert client.delete(path).status_code == 404

    assert client.put(f"/v1/accounts/{account_id}/actors/{uuid.uuid4()}").status_code == 404
    assert client.put(f"/v1/accounts/{uuid.uuid4()}/actors/{actor_id}").status_code == 404


def test_a_member_manages_its_own_tokens(client: TestClient, make_client: ClientFactory) -> None:
    member = make_client(Role.member)
    tokens_path = f"/v1/accounts/{_me(member)['id']}/tokens"

    created = member.post(tokens_path, json={"name": "laptop", "expires_at": "2099-01-01T00:00Z"})
    assert created.status_code == 201, created.text
    assert created.headers["cache-control"] == "no-store"
    token = created.json()
    assert token["token"].startswith("radar_")
    assert (token["name"], token["expires_at"]) == ("laptop", "2099-01-01T00:00:00Z")
    new_client = _bearer(member, token["token"])
    assert _me(new_client)["id"] == _me(member)["id"]

    listed = member.get(tokens_path).json()
    assert listed["count"] == 2
    assert [item["name"] for item in listed["data"]] == ["test", "laptop"]
    for item in listed["data"]:
        assert "token" not in item
        assert "digest" not in item
        assert token["token"] not in str(item)

    assert member.delete(f"{tokens_path}/{token['id']}").status_code == 204
    revoked = new_client.get("/v1/me")
    assert revoked.status_code == 401
    assert revoked.headers["content-type"] == PROBLEM
    assert member.delete(f"{tokens_path}/{token['id']}").status_code == 204  # idempotent
    (after,) = [
        item for item in member.get(tokens_path).json()["data"] if item["id"] == token["id"]
    ]
    assert after["revoked_at"] is not None
    assert _me(member)["role"] == "member"  # its other token still works


def test_a_member_cannot_touch_another_accounts_tokens(
    client: TestClient, make_client: ClientFactory
) -> None:
    member = make_client(Role.member)
    own_path = f"/v1/accounts/{_me(member)['id']}/tokens"
    admin_path = f"/v1/accounts/{_me(client)['id']}/tokens"
    (admin_token,) = client.get(admin_path).json()["data"]

    assert member.post(admin_path, json={"name": "stolen"}).status_code == 404
    assert member.get(admin_path).status_code == 404
    assert member.delete(f"{admin_path}/{admin_token['id']}").status_code == 404
    # Nor through its own account's path.
    assert member.delete(f"{own_path}/{admin_token['id']}").status_code == 404

    assert client.get(admin_path).json()["count"] == 1
    assert _me(client)["role"] == "admin"


def test_an_admin_manages_any_accounts_tokens(
    client: TestClient, make_client: ClientFactory
) -> None:
    member = make_client(Role.member)
    tokens_path = f"/v1/accounts/{_me(member)['id']}/tokens"

    created = client.post(tokens_path, json={"name": "issued by admin"})
    assert created.status_code == 201
    assert created.json()["expires_at"] is None
    assert _me(_bearer(client, created.json()["token"]))["role"] == "member"

    (member_token,) = [t for t in client.get(tokens_path).json()["data"] if t["name"] == "test"]
    assert client.delete(f"{tokens_path}/{member_token['id']}").status_code == 204
    assert member.get("/v1/me").status_code == 401
    assert client.delete(f"{tokens_path}/{uuid.uuid4()}").status_code == 404
    assert client.get(f"/v1/accounts/{uuid.uuid4()}/tokens").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "scope": "all"}, "scope"),
        ({"name": ""}, "name"),
        ({"name": "x", "expires_at": "2099-01-01T00:00:00"}, "expires_at"),
        ({"name": "x", "expires_at": "soon"}, "expires_at"),
    ],
)
def test_create_token_rejects_invalid_input(
    client: TestClient, body: dict[str, Any], field: str
) -> None:
    tokens_path = f"/v1/accounts/{_me(client)['id']}/tokens"
    assert _fields(client.post(tokens_path, json=body)) == [field]
    assert client.get(tokens_path).json()["count"] == 1


ENDPOINTS = [
    ("GET", "/v1/me"),
    ("GET", "/v1/accounts"),
    ("POST", "/v1/accounts"),
    ("GET", "/v1/accounts/{account}"),
    ("PUT", "/v1/accounts/{account}/actors/{other}"),
    ("DELETE", "/v1/accounts/{account}/actors/{other}"),
    ("GET", "/v1/accounts/{account}/tokens"),
    ("POST", "/v1/accounts/{account}/tokens"),
    ("DELETE", "/v1/accounts/{account}/tokens/{other}"),
]


@pytest.mark.parametrize("public_read", [False, True])
@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_anonymous_callers_get_401_even_with_public_read(
    client: TestClient,
    settings: Settings,
    engine: Engine,
    method: str,
    path: str,
    public_read: bool,
) -> None:
    url = path.format(account=_me(client)["id"], other=uuid.uuid4())
    app = create_app(settings.model_copy(update={"public_read": public_read}), engine=engine)
    with TestClient(app) as anonymous:
        response = anonymous.request(method, url, json={"name": "x", "role": "admin"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert client.get("/v1/accounts").json()["count"] == 1
