"""Bursts of requests: each process works on a few at once, and none runs out of connections."""

import asyncio

import httpx
import pytest
from sqlalchemy import Engine
from starlette.types import Message, Receive, Scope, Send

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


async def _request(limited: ConcurrencyLimit, send: Send) -> None:
    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    await limited({"type": "http", "method": "GET", "path": "/", "headers": []}, receive, send)


def test_a_client_reading_its_answer_slowly_does_not_hold_up_the_next_request() -> None:
    """Limit 1: the first client takes its whole body slowly; the second is served meanwhile."""
    started: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        started.append("request")
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"x" * 100_000})

    async def run() -> list[str]:
        limited = ConcurrencyLimit(app, limit=1)
        network = asyncio.Event()
        order: list[str] = []

        async def slow_reader(message: Message) -> None:
            if message["type"] == "http.response.body":
                await network.wait()
                order.append("slow client done")

        async def quick_reader(message: Message) -> None:
            if message["type"] == "http.response.body":
                order.append("second served")
                network.set()

        slow = asyncio.create_task(_request(limited, slow_reader))
        await asyncio.sleep(0)
        await asyncio.wait_for(_request(limited, quick_reader), timeout=5)
        await asyncio.wait_for(slow, timeout=5)
        return order

    assert asyncio.run(run()) == ["second served", "slow client done"]
    assert started == ["request", "request"]


def test_a_stream_holds_its_slot_while_it_makes_a_chunk() -> None:
    events: list[str] = []
    more = asyncio.Event()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        events.append("start")
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"a", "more_body": True})
        await more.wait()  # works on the next chunk
        await send({"type": "http.response.body", "body": b"b", "more_body": False})
        events.append("end")

    async def discard(message: Message) -> None:
        return None

    async def run() -> None:
        limited = ConcurrencyLimit(app, limit=1)
        first = asyncio.create_task(_request(limited, discard))
        second = asyncio.create_task(_request(limited, discard))
        for _ in range(10):
            await asyncio.sleep(0)
        assert events == ["start"]  # the second waits while the first streams
        more.set()
        await asyncio.wait_for(asyncio.gather(first, second), timeout=5)

    asyncio.run(run())
    assert events == ["start", "end", "start", "end"]


def test_a_failing_request_gives_its_slot_back() -> None:
    calls = 0

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("boom")
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def discard(message: Message) -> None:
        return None

    async def run() -> None:
        limited = ConcurrencyLimit(app, limit=1)
        with pytest.raises(RuntimeError, match="boom"):
            await _request(limited, discard)
        await asyncio.wait_for(_request(limited, discard), timeout=5)

    asyncio.run(run())
    assert calls == 2


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
