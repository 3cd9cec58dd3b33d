"""Bursts of requests: each process works on a few at once, and none runs out of connections."""

import asyncio

import httpx
from sqlalchemy import Engine
from starlette.types import Receive, Scope, Send

from radar.api.app import create_app
from radar.api.middleware import ConcurrencyLimit
from radar.models.account import Role
from radar.settings import Settings
from tests.factories import issue_token


def test_no_more_requests_than_the_limit_run_at_once() -> None:
    running = 0
    most = 0

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.01)
        running -= 1
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def burst() -> list[int]:
        transport = httpx.ASGITransport(app=ConcurrencyLimit(app, limit=3))
        async with httpx.AsyncClient(transport=transport, base_url="http://radar") as client:
            responses = await asyncio.gather(*(client.get("/") for _ in range(20)))
        return [response.status_code for response in responses]

    assert asyncio.run(burst()) == [204] * 20
    assert most == 3


def test_a_burst_larger_than_the_connection_pool_is_served(
    settings: Settings, engine: Engine
) -> None:
    """100 requests at once against a pool of 15 connections: all answered, none waits for a
    connection (unbounded, requests holding connections waited for threads taken by requests
    waiting for connections, until the pool timed out with 500s)."""
    assert settings.max_concurrent_requests < 15  # the default, below the pool size
    app = create_app(settings, engine=engine)
    token = issue_token(engine, Role.admin, [])

    async def burst() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://radar", headers=headers, timeout=60
        ) as client:
            responses = await asyncio.gather(
                *(client.get("/v1/actors", params={"limit": 5}) for _ in range(100))
            )
        return [response.status_code for response in responses]

    assert asyncio.run(burst()) == [200] * 100
