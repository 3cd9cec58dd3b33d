"""Bearer authentication, the anonymous and public-read rules, and rate limits shared through
the database by several app instances."""

import re
import uuid
from datetime import timedelta
from functools import partial
from ipaddress import ip_network

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine, select
from sqlmodel import Session, col

from radar.api.app import create_app
from radar.db import session_scope
from radar.models.account import AccountCreate, ApiToken, Role, TokenCreate
from radar.models.base import utcnow
from radar.models.rate_limit import RateLimitWindow
from radar.services import accounts, rate_limits
from radar.services.access import SYSTEM
from radar.settings import Settings
from tests.conftest import ClientFactory
from tests.factories import actor_body, create_actor, issue_token

PROBLEM = "application/problem+json"
# A fixed clock 15 s into a rate-limit window, so no request can straddle two windows.
NOW = 1_000 * rate_limits.WINDOW_SECONDS + 15.0


def _new_token(engine: Engine, **token_fields: object) -> tuple[uuid.UUID, str]:
    """A member account and a token for it, made through the services: (token id, secret)."""
    with session_scope(engine) as session:
        account = accounts.create_account(
            session, data=AccountCreate(name="auth test", role=Role.member)
        )
        created = accounts.create_token(
            session,
            account_id=account.id,
            data=TokenCreate.model_validate({"name": "auth test", **token_fields}),
            principal=SYSTEM,
        )
    return created.id, created.token


def _client(
    settings: Settings, engine: Engine, token: str | None = None, **changes: object
) -> TestClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    app = create_app(settings.model_copy(update=changes), engine=engine)
    return TestClient(app, headers=headers)


def _assert_unauthorized(response: Response) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["status"] == 401


def test_v1_needs_a_token_but_probes_and_docs_do_not(make_client: ClientFactory) -> None:
    anonymous = make_client(None)
    _assert_unauthorized(anonymous.get("/v1/actors"))
    _assert_unauthorized(anonymous.get("/v1/topics"))
    for path in ("/health", "/ready", "/docs", "/openapi.json"):
        assert anonymous.get(path).status_code == 200, path


@pytest.mark.parametrize(
    "header",
    [
        "Basic dXNlcjpwYXNz",
        "Bearer",
        "Bearer ",
        "radar_abc",
        "Token radar_abc",
        "Bearer radar_nope",
    ],
)
def test_malformed_or_unknown_credentials_are_401(
    settings: Settings, engine: Engine, header: str
) -> None:
    with _client(settings, engine) as anonymous:
        _assert_unauthorized(anonymous.get("/v1/topics", headers={"Authorization": header}))


def test_revoked_and_expired_tokens_are_401(settings: Settings, engine: Engine) -> None:
    revoked_id, revoked = _new_token(engine)
    _, expired = _new_token(engine, expires_at=utcnow() - timedelta(seconds=1))
    _, valid = _new_token(engine, expires_at=utcnow() + timedelta(days=1))
    with session_scope(engine) as session:
        token = session.get(ApiToken, revoked_id)
        assert token is not None
        accounts.revoke_token(session, account_id=token.account_id, token_id=revoked_id)

    for secret in (revoked, expired):
        with _client(settings, engine, secret) as client:
            _assert_unauthorized(client.get("/v1/me"))
    with _client(settings, engine, valid) as client:
        assert client.get("/v1/me").status_code == 200


def test_public_read_opens_reads_but_not_writes(
    settings: Settings, engine: Engine, client: TestClient
) -> None:
    create_actor(client, visibility="public")
    with _client(settings, engine, public_read=True) as anonymous:
        assert anonymous.get("/v1/topics").status_code == 200
        actors = anonymous.get("/v1/actors")
        assert actors.status_code == 200
        assert actors.json()["count"] == 1
        _assert_unauthorized(anonymous.post("/v1/actors", json=actor_body()))
        _assert_unauthorized(anonymous.get("/v1/me"))
    assert client.get("/v1/actors").json()["count"] == 1


def test_use_sets_last_used_at(settings: Settings, engine: Engine, session: Session) -> None:
    token_id, secret = _new_token(engine)
    stored = session.get(ApiToken, token_id)
    assert stored is not None
    assert stored.last_used_at is None
    session.commit()  # ends the read snapshot, so that the refresh below sees the request's write
    with _client(settings, engine, secret) as client:
        assert client.get("/v1/me").status_code == 200
    session.refresh(stored)
    assert stored.last_used_at is not None
    assert stored.last_used_at >= stored.created_at


def _assert_too_many(response: Response) -> None:
    assert response.status_code == 429, response.text
    assert response.headers["retry-after"] == str(rate_limits.WINDOW_SECONDS - 15)
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["status"] == 429


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rate limits count at NOW: no request can fall into the next window."""
    monkeypatch.setattr(rate_limits, "count_request", partial(rate_limits.count_request, now=NOW))


@pytest.mark.usefixtures("fixed_clock")
def test_rate_limit_per_account_is_shared_by_two_app_instances(
    settings: Settings, engine: Engine
) -> None:
    token = issue_token(engine, Role.member)
    other_token = issue_token(engine, Role.member)
    limits = {"rate_limit_per_minute": 5, "anonymous_rate_limit_per_minute": 3}
    with (
        _client(settings, engine, token, **limits) as first,
        _client(settings, engine, token, **limits) as second,
        _client(settings, engine, other_token, **limits) as other,
    ):
        for client in (first, first, first, second, second):
            assert client.get("/v1/me").status_code == 200
        _assert_too_many(first.get("/v1/me"))
        _assert_too_many(second.get("/v1/topics"))
        assert other.get("/v1/me").status_code == 200  # another account has its own budget


@pytest.mark.usefixtures("fixed_clock")
def test_the_tokens_of_one_account_share_its_rate_limit(settings: Settings, engine: Engine) -> None:
    """Minting more tokens buys no more requests."""
    token = issue_token(engine, Role.member)
    with _client(settings, engine, token, rate_limit_per_minute=3) as first:
        account_id = first.get("/v1/me").json()["id"]
        minted = first.post(f"/v1/accounts/{account_id}/tokens", json={"name": "second"})
        assert minted.status_code == 201, minted.text
        with _client(settings, engine, minted.json()["token"], rate_limit_per_minute=3) as second:
            assert second.get("/v1/me").status_code == 200  # the account's third request
            _assert_too_many(second.get("/v1/me"))
            _assert_too_many(first.get("/v1/me"))


@pytest.mark.usefixtures("fixed_clock")
def test_anonymous_rate_limit_per_address_is_shared_by_two_app_instances(
    settings: Settings, engine: Engine
) -> None:
    token = issue_token(engine, Role.member)
    limits = {"rate_limit_per_minute": 5, "anonymous_rate_limit_per_minute": 3}
    with (
        _client(settings, engine, public_read=True, **limits) as first,
        _client(settings, engine, public_read=True, **limits) as second,
        _client(settings, engine, token, **limits) as signed_in,
    ):
        for client in (first, first, second):
            assert client.get("/v1/topics").status_code == 200
        _assert_too_many(second.get("/v1/topics"))
        _assert_too_many(first.get("/v1/topics", headers={"Authorization": "Bearer radar_bad"}))
        assert signed_in.get("/v1/topics").status_code == 200  # a token has its own budget


def test_count_request_resets_with_each_window(engine: Engine) -> None:
    start = 7 * rate_limits.WINDOW_SECONDS
    count = partial(rate_limits.count_request, engine, key="token:unit", limit=2)
    assert count(now=start + 1) is None
    assert count(now=start + 50) is None
    assert count(now=start + 50.5) == 10  # seconds until the window ends
    assert count(now=start + 59.9) == 1
    assert rate_limits.count_request(engine, key="token:other", limit=2, now=start + 59.9) is None
    next_window = start + rate_limits.WINDOW_SECONDS
    assert count(now=next_window) is None
    assert count(now=next_window + 1) is None
    assert count(now=next_window + 2) == rate_limits.WINDOW_SECONDS - 2


def test_responses_vary_by_authorization(client: TestClient) -> None:
    assert client.get("/v1/actors").headers["vary"] == "Authorization"


@pytest.mark.parametrize(
    ("path", "headers", "vary"),
    [
        ("/v1/export/actors?format=csv", {}, "Authorization"),  # a stream of its own
        ("/v1/statistics/actors?group_by=kind", {"Accept": "text/csv"}, "Authorization, Accept"),
        ("/v1/statistics/actors?group_by=kind", {}, "Authorization, Accept"),
        ("/v1/reports/overview", {}, "Authorization, Accept-Language"),
        ("/v1/actors?limit=x", {}, "Authorization"),  # a problem
    ],
)
def test_every_answer_of_the_api_varies_by_authorization_once(
    client: TestClient, path: str, headers: dict[str, str], vary: str
) -> None:
    response = client.get(path, headers=headers)

    assert response.headers.get_list("vary") == [vary], response.status_code


def test_pages_outside_the_api_do_not_vary_by_authorization(client: TestClient) -> None:
    assert "vary" not in client.get("/health").headers


def _every_v1_route(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) of every /v1 endpoint the API documents, path parameters filled in."""
    return [
        (method.upper(), re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path))
        for path, operations in app.openapi()["paths"].items()
        if path.startswith("/v1/")
        for method in operations
    ]


def test_every_v1_endpoint_authenticates_its_caller(settings: Settings, engine: Engine) -> None:
    """Including those that authenticate in their own thread rather than in a dependency."""
    with _client(settings, engine) as anonymous:
        routes = _every_v1_route(anonymous.app)  # type: ignore[arg-type]
        assert ("GET", "/v1/actors") in routes
        assert any(path.endswith("/matches") for _, path in routes)
        for method, path in routes:
            _assert_unauthorized(anonymous.request(method, path))
    with _client(settings, engine, "radar_nope", public_read=True) as bad_token:
        for method, path in routes:
            _assert_unauthorized(bad_token.request(method, path))


@pytest.mark.usefixtures("fixed_clock")
def test_the_match_endpoint_counts_towards_the_rate_limit_and_varies_by_token(
    settings: Settings, engine: Engine
) -> None:
    token = issue_token(engine, Role.admin)
    actor_id = uuid.uuid4()
    with _client(settings, engine, token, rate_limit_per_minute=3) as client:
        missing = client.get(f"/v1/actors/{actor_id}/matches")
        assert missing.status_code == 404
        assert missing.headers["vary"] == "Authorization"
        mine = create_actor(client)
        found = client.get(f"/v1/actors/{mine['id']}/matches")
        assert found.status_code == 200, found.text
        assert found.headers["vary"] == "Authorization"
        _assert_too_many(client.get(f"/v1/actors/{mine['id']}/matches"))


def _counted_keys(engine: Engine) -> set[str]:
    """The callers the rate limit counted: `ip:…` and `account:…` keys."""
    with Session(engine) as session:
        return set(session.execute(select(col(RateLimitWindow.key))).scalars())


@pytest.mark.usefixtures("fixed_clock")
@pytest.mark.parametrize(
    ("trusted", "peer", "forwarded_for", "counted_as"),
    [
        ([], "127.0.0.1", "198.51.100.7", "127.0.0.1"),  # no proxy by default, not even loopback
        (["10.0.0.0/8"], "192.0.2.1", "198.51.100.7", "192.0.2.1"),
        (["10.0.0.0/8"], "10.1.2.3", "198.51.100.7", "198.51.100.7"),
        (["10.0.0.0/8"], "10.1.2.3", "203.0.113.9, 198.51.100.7", "198.51.100.7"),
        (
            ["10.0.0.0/8", "192.0.2.5"],
            "10.1.2.3",
            "203.0.113.9, 198.51.100.7, 192.0.2.5",
            "198.51.100.7",
        ),
        (["127.0.0.1"], "127.0.0.1", "2001:db8::7", "2001:db8::7"),
    ],
)
def test_x_forwarded_for_counts_only_from_a_trusted_proxy(
    settings: Settings,
    engine: Engine,
    trusted: list[str],
    peer: str,
    forwarded_for: str,
    counted_as: str,
) -> None:
    app = create_app(
        settings.model_copy(
            update={
                "public_read": True,
                "anonymous_rate_limit_per_minute": 100,
                "trusted_proxies": [ip_network(network) for network in trusted],
            }
        ),
        engine=engine,
    )
    with TestClient(app, client=(peer, 40_000)) as anonymous:
        response = anonymous.get("/v1/topics", headers={"X-Forwarded-For": forwarded_for})
    assert response.status_code == 200, response.text
    assert _counted_keys(engine) == {f"ip:{counted_as}"}


@pytest.mark.usefixtures("fixed_clock")
def test_behind_a_trusted_proxy_each_client_has_its_own_budget_and_cannot_forge_another(
    settings: Settings, engine: Engine
) -> None:
    proxied = settings.model_copy(
        update={
            "public_read": True,
            "anonymous_rate_limit_per_minute": 2,
            "trusted_proxies": [ip_network("10.0.0.5")],
        }
    )
    with TestClient(create_app(proxied, engine=engine), client=("10.0.0.5", 40_000)) as proxy:

        def via_proxy(*hops: str) -> Response:
            return proxy.get("/v1/topics", headers={"X-Forwarded-For": ", ".join(hops)})

        assert via_proxy("198.51.100.7").status_code == 200
        assert via_proxy("192.0.2.99", "198.51.100.7").status_code == 200  # forged hop ignored
        _assert_too_many(via_proxy("203.0.113.1", "198.51.100.7"))
        assert via_proxy("198.51.100.8").status_code == 200
    with TestClient(create_app(proxied, engine=engine), client=("127.0.0.1", 40_000)) as local:
        for forged in ("192.0.2.1", "192.0.2.2"):
            assert local.get("/v1/topics", headers={"X-Forwarded-For": forged}).status_code == 200
        _assert_too_many(local.get("/v1/topics", headers={"X-Forwarded-For": "192.0.2.3"}))
