"""Authentication of every /v1 request: bearer token → principal, anonymous rules, rate limit."""

from collections.abc import Callable, Coroutine
from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Connection, Engine
from starlette.types import Scope

from radar.api.client_address import client_address
from radar.api.deps import SettingsDep
from radar.api.errors import problems
from radar.errors import InvalidInput, TooManyRequests, Unauthorized
from radar.services import accounts, rate_limits
from radar.services.access import ANONYMOUS, Principal
from radar.settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Declares the scheme in OpenAPI (the Authorize button in /docs); we report errors ourselves.
bearer_scheme = HTTPBearer(
    auto_error=False,
    description="`Authorization: Bearer radar_…` — create tokens with `radar token create`.",
)


CredentialsDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)]


def get_principal(
    request: Request, settings: SettingsDep, credentials: CredentialsDep
) -> Principal:
    """Who is calling; 401 for bad tokens, 401 for anonymous callers unless public read is
    on (GET only), 429 beyond the caller's rate limit. (Every answer under /v1 carries
    `Vary: Authorization`: `api/middleware.py`.)"""
    return authenticate(request, settings, credentials)


def authenticate(
    request: Request,
    settings: Settings,
    credentials: HTTPAuthorizationCredentials | None,
    connection: Connection | None = None,
) -> Principal:
    """`get_principal` for an endpoint that authenticates in its own thread (it blocks on the
    database), reading the token on `connection` if given (a read-only unit of work's, say)."""
    engine = request.app.state.engine
    if request.headers.get("authorization") and credentials is None:
        raise Unauthorized("Send the token as `Authorization: Bearer radar_…`")
    # Rate limit and last use are written in their own short transactions, before a writing
    # unit of work takes any lock.
    try:
        if credentials is None:
            principal, use_due = ANONYMOUS, False
        elif connection is not None:
            principal, use_due = accounts.authenticate(connection, secret=credentials.credentials)
        else:
            with engine.connect() as own:
                principal, use_due = accounts.authenticate(own, secret=credentials.credentials)
    except Unauthorized:
        _limit_address(engine, request, settings)
        raise
    if principal.token_id is None:
        _limit_address(engine, request, settings)
    else:
        # Per account, not per token: minting more tokens must not buy more requests.
        _limit_rate(engine, f"account:{principal.account_id}", settings.rate_limit_per_minute)
        # Only when due (once a minute per token): no write on every request.
        if use_due:
            with engine.begin() as connection:
                accounts.note_token_use(connection, token_id=principal.token_id)
    if principal.is_anonymous and not (settings.public_read and request.method in SAFE_METHODS):
        raise Unauthorized("Sign in: send `Authorization: Bearer radar_…`")
    request.state.principal = principal
    return principal


def _limit_address(engine: Engine, request: Request, settings: Settings) -> None:
    key = f"ip:{client_address(request, settings.trusted_proxies)}"
    _limit_rate(engine, key, settings.anonymous_rate_limit_per_minute)


def _limit_rate(engine: Engine, key: str, limit: int) -> None:
    if not limit:
        return
    wait = rate_limits.count_request(engine, key=key, limit=limit)
    if wait is not None:
        raise TooManyRequests(
            f"More than {limit} requests per minute; retry in {wait} s", retry_after=wait
        )


PrincipalDep = Annotated[Principal, Depends(get_principal)]


async def authenticate_before_refusing(request: Request) -> None:
    """Authenticate a request about to be refused as invalid, unless that has been done: one
    that may not call gets its 401 (or 429) instead."""
    if getattr(request.state, "principal", None) is None:
        credentials = await bearer_scheme(request)
        await run_in_threadpool(authenticate, request, request.app.state.settings, credentials)


class AuthenticatedRoute(APIRoute):
    """A route that judges who calls before what is sent: a caller who may not call it gets
    its 401 (or 429) even when the query, headers or body are invalid as well. FastAPI reads
    the body, and an endpoint that authenticates by itself checks its parameters, before any
    dependency authenticates; such a request is authenticated when it turns out invalid."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def authenticate_first(request: Request) -> Response:
            try:
                return await handle(request)
            except (RequestValidationError, InvalidInput):
                await authenticate_before_refusing(request)
                raise

        return authenticate_first


def authenticates(scope: Scope) -> bool:
    """Whether the request goes where callers are authenticated: every /v1 path (a middleware
    asks, before routing)."""
    path: str = scope["path"]
    return path.startswith("/v1/")


def authenticated_router(*, prefix: str, tags: list[str | Enum]) -> APIRouter:
    """A router whose every endpoint authenticates its caller (and may answer 401 or 429)."""
    return APIRouter(
        prefix=prefix,
        tags=tags,
        dependencies=[Depends(get_principal)],
        responses=problems(401, 429),
        route_class=AuthenticatedRoute,
    )
