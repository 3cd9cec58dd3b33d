"""Minting tokens with a token: the new one never outlives the one that mints it, and a
non-admin account holds a bounded number of active tokens; the command line mints freely."""

import threading
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from radar.api.app import create_app
from radar.db import session_scope
from radar.errors import Conflict
from radar.models.account import AccountCreate, Role, TokenCreate
from radar.models.base import utcnow
from radar.services import accounts
from radar.services.access import SYSTEM, Principal
from radar.settings import Settings
from tests.factories import issue_token

PROBLEM = "application/problem+json"
LIMIT = accounts.MAX_ACTIVE_TOKENS


def _account_with_token(
    engine: Engine, role: Role, *, expires_at: datetime | None = None
) -> tuple[uuid.UUID, str]:
    """A new account and a token for it minted by the service itself: (account id, secret)."""
    with session_scope(engine) as session:
        account = accounts.create_account(session, data=AccountCreate(name="minter", role=role))
        created = accounts.create_token(
            session,
            account_id=account.id,
            data=TokenCreate(name="first", expires_at=expires_at),
            principal=SYSTEM,
        )
    return account.id, created.token


def _client(settings: Settings, engine: Engine, token: str) -> TestClient:
    return TestClient(
        create_app(settings, engine=engine), headers={"Authorization": f"Bearer {token}"}
    )


def _mint(client: TestClient, account_id: uuid.UUID, **body: Any) -> Any:
    return client.post(f"/v1/accounts/{account_id}/tokens", json={"name": "minted", **body})


def _expiry(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _assert_outlives(response: Any) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    (error,) = response.json()["errors"]
    assert error["field"] == "expires_at"
    assert "outlive" in error["message"]


@pytest.mark.parametrize("role", [Role.member, Role.partner, Role.admin])
def test_a_token_minted_by_an_expiring_token_expires_with_it_by_default(
    settings: Settings, engine: Engine, role: Role
) -> None:
    expiry = (utcnow() + timedelta(days=3)).replace(microsecond=0)
    account_id, token = _account_with_token(engine, role, expires_at=expiry)
    with _client(settings, engine, token) as client:
        minted = _mint(client, account_id)
        assert minted.status_code == 201, minted.text
        assert _expiry(minted.json()["expires_at"]) == expiry
        # and that one, in turn, passes the bound on to what it mints
        with _client(settings, engine, minted.json()["token"]) as grandchild:
            assert _expiry(_mint(grandchild, account_id).json()["expires_at"]) == expiry
            _assert_outlives(_mint(grandchild, account_id, expires_at="2099-01-01T00:00Z"))


@pytest.mark.parametrize("role", [Role.member, Role.admin])
def test_a_token_may_not_mint_one_that_outlives_it(
    settings: Settings, engine: Engine, role: Role
) -> None:
    expiry = (utcnow() + timedelta(days=3)).replace(microsecond=0)
    account_id, token = _account_with_token(engine, role, expires_at=expiry)
    with _client(settings, engine, token) as client:
        _assert_outlives(_mint(client, account_id, expires_at="2099-01-01T00:00Z"))
        later = (expiry + timedelta(seconds=1)).isoformat()
        _assert_outlives(_mint(client, account_id, expires_at=later))
        same = _mint(client, account_id, expires_at=expiry.isoformat())
        assert same.status_code == 201, same.text
        # the same moment written in another zone is no later
        other_zone = expiry.astimezone(timezone(timedelta(hours=-5)))
        assert _mint(client, account_id, expires_at=other_zone.isoformat()).status_code == 201
        sooner = (expiry - timedelta(days=1)).isoformat()
        shorter = _mint(client, account_id, expires_at=sooner)
        assert shorter.status_code == 201, shorter.text
        assert _expiry(shorter.json()["expires_at"]) == expiry - timedelta(days=1)
        assert client.get(f"/v1/accounts/{account_id}/tokens").json()["count"] == 4


def test_an_admin_with_an_expiring_token_cannot_issue_a_lasting_one_to_another_account(
    settings: Settings, engine: Engine
) -> None:
    member_id, _ = _account_with_token(engine, Role.member)
    expiry = (utcnow() + timedelta(hours=1)).replace(microsecond=0)
    _, admin_token = _account_with_token(engine, Role.admin, expires_at=expiry)
    with _client(settings, engine, admin_token) as admin:
        _assert_outlives(_mint(admin, member_id, expires_at="2099-01-01T00:00Z"))
        issued = _mint(admin, member_id)
        assert issued.status_code == 201, issued.text
        assert _expiry(issued.json()["expires_at"]) == expiry


@pytest.mark.parametrize("role", [Role.member, Role.admin])
def test_a_lasting_token_mints_lasting_or_expiring_ones(
    settings: Settings, engine: Engine, role: Role
) -> None:
    account_id, token = _account_with_token(engine, role)
    with _client(settings, engine, token) as client:
        lasting = _mint(client, account_id)
        assert lasting.status_code == 201, lasting.text
        assert lasting.json()["expires_at"] is None
        expiring = _mint(client, account_id, expires_at="2099-01-01T00:00Z")
        assert expiring.status_code == 201, expiring.text
        assert expiring.json()["expires_at"] == "2099-01-01T00:00:00Z"


def test_the_service_itself_mints_freely(engine: Engine) -> None:
    """The command line and the demo loader bootstrap tokens with no token to bound them."""
    account_id, _ = _account_with_token(engine, Role.member)
    with session_scope(engine) as session:
        for index in range(LIMIT + 1):
            created = accounts.create_token(
                session,
                account_id=account_id,
                data=TokenCreate(name=f"cli {index}"),
                principal=SYSTEM,
            )
    assert created.expires_at is None


@pytest.mark.parametrize("role", [Role.member, Role.analyst, Role.partner])
def test_a_non_admin_account_holds_at_most_so_many_active_tokens(
    settings: Settings, engine: Engine, role: Role
) -> None:
    account_id, token = _account_with_token(engine, role)
    with _client(settings, engine, token) as client:
        minted = [_mint(client, account_id) for _ in range(LIMIT - 1)]
        assert {response.status_code for response in minted} == {201}
        refused = _mint(client, account_id)
        assert refused.status_code == 409, refused.text
        assert refused.headers["content-type"] == PROBLEM
        problem = refused.json()
        assert problem["status"] == 409
        assert problem["max_active_tokens"] == LIMIT
        assert "revoke" in problem["detail"]
        assert client.get(f"/v1/accounts/{account_id}/tokens").json()["count"] == LIMIT

        revoked = minted[0].json()["id"]
        assert client.delete(f"/v1/accounts/{account_id}/tokens/{revoked}").status_code == 204
        assert _mint(client, account_id).status_code == 201  # a revoked one no longer counts
        assert _mint(client, account_id).status_code == 409


def test_expired_tokens_do_not_count_towards_the_limit(settings: Settings, engine: Engine) -> None:
    account_id, token = _account_with_token(engine, Role.member)
    with session_scope(engine) as session:
        for index in range(LIMIT):
            accounts.create_token(
                session,
                account_id=account_id,
                data=TokenCreate(name=f"old {index}", expires_at=utcnow() - timedelta(days=1)),
                principal=SYSTEM,
            )
    with _client(settings, engine, token) as client:
        assert _mint(client, account_id).status_code == 201


def test_an_admin_issuing_tokens_to_a_member_meets_the_members_limit(
    settings: Settings, engine: Engine
) -> None:
    member_id, _ = _account_with_token(engine, Role.member)
    with _client(settings, engine, issue_token(engine, Role.admin)) as admin:
        assert {_mint(admin, member_id).status_code for _ in range(LIMIT - 1)} == {201}
        assert _mint(admin, member_id).status_code == 409


def test_an_admin_account_is_not_limited(settings: Settings, engine: Engine) -> None:
    account_id, token = _account_with_token(engine, Role.admin)
    with _client(settings, engine, token) as admin:
        assert {_mint(admin, account_id).status_code for _ in range(LIMIT + 1)} == {201}


def test_two_mints_at_once_cannot_pass_the_limit(engine: Engine) -> None:
    """The second waits for the first (the account row's lock) and then counts its token."""
    account_id, _ = _account_with_token(engine, Role.member)
    with session_scope(engine) as setup:
        minted = [
            accounts.create_token(
                setup, account_id=account_id, data=TokenCreate(name="old"), principal=SYSTEM
            )
            for _ in range(LIMIT - 2)
        ]
    minter = minted[0]  # with the account's first one, LIMIT - 1 tokens: room for one more
    principal = Principal(role=Role.member, account_id=account_id, token_id=minter.id)
    outcome: dict[str, object] = {}

    def second_minter() -> None:
        try:
            with session_scope(engine) as second:
                accounts.create_token(
                    second, account_id=account_id, data=TokenCreate(name="b"), principal=principal
                )
            outcome["second"] = "committed"
        except Exception as error:  # the assertion below names what happened
            outcome["second"] = error

    with session_scope(engine) as first:
        accounts.create_token(
            first, account_id=account_id, data=TokenCreate(name="a"), principal=principal
        )
        racer = threading.Thread(target=second_minter)
        racer.start()
        racer.join(timeout=0.3)  # the racer is now waiting for our lock
    racer.join(timeout=30)

    assert isinstance(outcome["second"], Conflict), outcome
