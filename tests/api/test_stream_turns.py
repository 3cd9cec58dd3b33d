"""Streamed answers take turns: a stream waiting on its client holds no slot, and streams
cannot take every pooled connection."""

import asyncio
import csv
import io

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from radar.api.app import create_app
from radar.api.middleware import STREAMS_AT_ONCE, ConcurrencyLimit
from radar.models.account import Role
from radar.settings import Settings
from tests.factories import create_actor, issue_token

TIMEOUT = 10  # seconds; generous: only a request that waits for another one runs into it
SMALL_BETWEEN_CHUNKS = [
    "export chunk 0",
    "small starts",
    "small ends",
    "export chunk 1",
    "export chunk 2",
]


class Client:
    """One request's client: records the answer, and can stop reading at the first chunk of a
    stream until `resume` is set (a client that reads slowly)."""

    def __init__(self, resume: asyncio.Event | None = None) -> None:
        self.status = 0
        self.body = b""
        self.started = asyncio.Event()
        self.paused = asyncio.Event()
        self._resume = resume

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.started.set()
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")
            if self._resume is not None and message.get("more_body", False):
                self.paused.set()
                await self._resume.wait()

    async def request(self, app: ASGIApp, path: str, query: str = "", token: str = "") -> None:
        headers = [(b"host", b"radar")]
        if token:
            headers.append((b"authorization", f"Bearer {token}".encode()))
        scope: Scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 50000),
            "server": ("radar", 80),
        }
        sent = False

        async def receive() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await asyncio.Event().wait()  # the client stays connected
            raise AssertionError("unreachable")

        await app(scope, receive, self.send)


def logging_app(log: list[str], work: asyncio.Event | None = None) -> ASGIApp:
    """`/stream/{name}` streams three chunks (no declared length), logging each as it makes it;
    any other path answers 204 at once, or after `work` is set."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"]
        if path.startswith("/stream/"):
            name = path.removeprefix("/stream/")
            await send({"type": "http.response.start", "status": 200, "headers": []})
            for number in range(3):
                log.append(f"{name} chunk {number}")
                if name == "failing" and number == 1:
                    raise RuntimeError("boom")
                await send({"type": "http.response.body", "body": b"x", "more_body": True})
            await send({"type": "http.response.body", "body": b""})
            return
        log.append("small starts")
        if work is not None:
            await work.wait()
        log.append("small ends")
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    return app


def test_a_stream_whose_client_is_not_reading_holds_no_slot() -> None:
    log: list[str] = []

    async def run() -> None:
        limited = ConcurrencyLimit(logging_app(log), limit=1)
        network = asyncio.Event()
        slow = Client(resume=network)
        stream = asyncio.create_task(slow.request(limited, "/stream/export"))
        await asyncio.wait_for(slow.paused.wait(), TIMEOUT)
        await asyncio.wait_for(Client().request(limited, "/small"), TIMEOUT)
        network.set()
        await asyncio.wait_for(stream, TIMEOUT)
        assert slow.body == b"xxx"

    asyncio.run(run())
    assert log == SMALL_BETWEEN_CHUNKS


def test_a_stream_waits_its_turn_before_each_chunk() -> None:
    """Limit 1: a request that came while the stream's chunk was on the network finishes
    before the stream makes its next chunk."""
    log: list[str] = []

    async def run() -> None:
        work = asyncio.Event()
        limited = ConcurrencyLimit(logging_app(log, work), limit=1)
        network = asyncio.Event()
        slow = Client(resume=network)
        stream = asyncio.create_task(slow.request(limited, "/stream/export"))
        await asyncio.wait_for(slow.paused.wait(), TIMEOUT)
        small = asyncio.create_task(Client().request(limited, "/small"))
        async with asyncio.timeout(TIMEOUT):
            while "small starts" not in log:
                await asyncio.sleep(0.001)
        network.set()  # the stream may go on, once the small request is done
        for _ in range(20):
            await asyncio.sleep(0)
        work.set()
        await asyncio.wait_for(asyncio.gather(stream, small), TIMEOUT)

    asyncio.run(run())
    assert log == SMALL_BETWEEN_CHUNKS


def test_streams_beyond_the_bound_wait_before_their_first_chunk_holding_no_slot() -> None:
    log: list[str] = []

    async def run() -> None:
        limited = ConcurrencyLimit(logging_app(log), limit=1, streams=1)
        network = asyncio.Event()
        first = Client(resume=network)
        second = Client()
        streams = [asyncio.create_task(first.request(limited, "/stream/first"))]
        await asyncio.wait_for(first.paused.wait(), TIMEOUT)
        streams.append(asyncio.create_task(second.request(limited, "/stream/second")))
        await asyncio.wait_for(second.started.wait(), TIMEOUT)  # its headers are out
        # A 204 declares no length but has no body: it is no stream and needs no stream's turn.
        await asyncio.wait_for(Client().request(limited, "/small"), TIMEOUT)
        network.set()
        await asyncio.wait_for(asyncio.gather(*streams), TIMEOUT)
        assert (first.body, second.body) == (b"xxx", b"xxx")

    asyncio.run(run())
    assert log == [
        "first chunk 0",
        "small starts",
        "small ends",
        "first chunk 1",
        "first chunk 2",
        "second chunk 0",
        "second chunk 1",
        "second chunk 2",
    ]


def test_a_failing_stream_gives_its_turn_back() -> None:
    log: list[str] = []

    async def run() -> None:
        limited = ConcurrencyLimit(logging_app(log), limit=1, streams=1)
        with pytest.raises(RuntimeError, match="boom"):
            await asyncio.wait_for(Client().request(limited, "/stream/failing"), TIMEOUT)
        after = Client()
        await asyncio.wait_for(after.request(limited, "/stream/after"), TIMEOUT)
        assert after.body == b"xxx"

    asyncio.run(run())
    assert log[-3:] == ["after chunk 0", "after chunk 1", "after chunk 2"]


def test_an_export_whose_client_is_not_reading_does_not_hold_up_other_requests(
    settings: Settings, engine: Engine, client: TestClient
) -> None:
    """The only slot (the default): an export stopped mid-way by its client, its transaction
    open, while a list and the health check are answered."""
    assert settings.max_concurrent_requests == 1
    create_actor(client, external_id="ex-a", name="Aa GmbH")
    create_actor(client, external_id="ex-b", name="Bb AG")
    app = create_app(settings, engine=engine)
    token = issue_token(engine, Role.admin)

    async def run() -> None:
        network = asyncio.Event()
        slow = Client(resume=network)
        export = asyncio.create_task(slow.request(app, "/v1/export/actors", "format=csv", token))
        await asyncio.wait_for(slow.paused.wait(), TIMEOUT)
        listed, health = Client(), Client()
        await asyncio.wait_for(listed.request(app, "/v1/actors", "limit=1", token), TIMEOUT)
        await asyncio.wait_for(health.request(app, "/health"), TIMEOUT)
        assert (listed.status, health.status) == (200, 200)
        assert not export.done()
        network.set()
        await asyncio.wait_for(export, TIMEOUT)
        assert slow.status == 200
        rows = csv.DictReader(io.StringIO(slow.body.decode()))
        assert [row["external_id"] for row in rows] == ["ex-a", "ex-b"]

    asyncio.run(run())


def test_more_stalled_exports_than_pooled_connections_leave_requests_served(
    settings: Settings, engine: Engine, client: TestClient
) -> None:
    """20 exports whose clients stop reading, against a pool of 15 connections: a few stream
    (each holding its connection), the others wait before their first chunk holding none, and
    a list is still answered; then every export completes."""
    create_actor(client, external_id="ex-a", name="Aa GmbH")
    app = create_app(settings, engine=engine)
    token = issue_token(engine, Role.admin)

    async def run() -> None:
        network = asyncio.Event()
        slow = [Client(resume=network) for _ in range(20)]
        exports = [
            asyncio.create_task(reader.request(app, "/v1/export/actors", "format=csv", token))
            for reader in slow
        ]
        async with asyncio.timeout(TIMEOUT):
            while sum(reader.paused.is_set() for reader in slow) < STREAMS_AT_ONCE:
                await asyncio.sleep(0.01)
        listed = Client()
        await asyncio.wait_for(listed.request(app, "/v1/actors", "limit=1", token), TIMEOUT)
        assert listed.status == 200
        assert sum(reader.paused.is_set() for reader in slow) == STREAMS_AT_ONCE
        assert engine.pool.checkedout() <= STREAMS_AT_ONCE  # type: ignore[attr-defined]
        network.set()
        await asyncio.wait_for(asyncio.gather(*exports), 6 * TIMEOUT)
        assert {reader.status for reader in slow} == {200}
        assert len({reader.body for reader in slow}) == 1

    asyncio.run(run())
