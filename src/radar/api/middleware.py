"""ASGI middleware: the request body size limit (413), the limit on requests at once, and
`Vary: Authorization` on every answer of the API."""

import asyncio
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from radar.api.errors import PROBLEM_MEDIA_TYPE, problem_type

# A streamed answer keeps one read-only transaction, and so one pooled connection, from its
# first chunk to its last, with or without a slot: this many at once, plus the requests' slots,
# stays below the pool (SQLAlchemy's 5 + 10 overflow).
STREAMS_AT_ONCE = 4


class ConcurrencyLimit:
    """Work on at most `limit` HTTP requests at once; the others wait, first come first served.

    Each request runs its database work and scoring in worker threads; unbounded, a burst of
    requests contends for the interpreter lock (each is slower, and all together no faster)
    and can take every pooled connection while the requests holding them wait for a thread.
    Bounded below the pool size, a request always finds a connection.

    A request holds its slot only while this process works on it, never while its answer
    waits on the network: it gives the slot back before each part of its body is handed over,
    and a streamed answer (an export) takes a slot again, waiting its turn like any request,
    before it produces its next chunk. So neither a client that reads slowly nor a long export
    holds up the requests behind it.

    A streamed answer (one that does not declare its length) holds its database connection
    between chunks too, so at most `streams` stream at once; the others wait for their turn
    after their headers, before their first chunk, holding neither a slot nor a connection."""

    def __init__(self, app: ASGIApp, *, limit: int, streams: int = STREAMS_AT_ONCE) -> None:
        self.app = app
        self.limit = limit
        self.streams = streams
        # Made in the serving event loop.
        self._slots: asyncio.Semaphore | None = None
        self._streams: asyncio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._slots is None or self._streams is None:
            self._slots = asyncio.Semaphore(self.limit)
            self._streams = asyncio.Semaphore(self.streams)
        slots, streams = self._slots, self._streams
        await slots.acquire()
        held = True
        streaming = False

        def give_back() -> None:
            nonlocal held
            if held:
                held = False
                slots.release()

        def end_stream() -> None:
            nonlocal streaming
            if streaming:
                streaming = False
                streams.release()

        async def take_turn() -> None:
            nonlocal held
            await slots.acquire()
            held = True

        async def send_in_turn(message: Message) -> None:
            nonlocal streaming
            if message["type"] == "http.response.start" and _streamed(message):
                give_back()
                await send(message)
                await streams.acquire()
                streaming = True
                await take_turn()
            elif message["type"] == "http.response.body":
                give_back()
                more = message.get("more_body", False)
                if not more:
                    end_stream()
                await send(message)
                if more:
                    await take_turn()
            else:
                await send(message)

        try:
            await self.app(scope, receive, send_in_turn)
        finally:
            give_back()
            end_stream()


def _streamed(start: Message) -> bool:
    """Whether a response's body is streamed: it has one and does not declare its length."""
    status = start["status"]
    if status < 200 or status in {204, 304}:
        return False
    return all(name.lower() != b"content-length" for name, _ in start.get("headers", []))


class BodySizeLimit:
    """Refuse request bodies over `max_bytes`, by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, send)
            return
        # Bodies are small (bounded by max_bytes): read fully, then replay to the app.
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message]), send)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(scope, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        await self.app(scope, _replay([{"type": "http.request", "body": body}], receive), send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        body = json.dumps(
            {
                "type": problem_type("payload-too-large"),
                "title": "Content Too Large",
                "status": 413,
                "detail": f"The request body exceeds the limit of {self.max_bytes} bytes.",
                "instance": scope.get("path"),
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class VaryByCaller:
    """Every answer under `/v1` says it depends on the token (`Vary: Authorization`): what a
    response shows depends on who asks, so a cache must key on the token too. Set here, once,
    for every route — also those that build their own `Response` (a stream, an HTML page,
    CSV), which a dependency's headers never reach. A `Vary` the route sets (`Accept`,
    `Accept-Language`) is kept, with `Authorization` added once."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not (path == "/v1" or path.startswith("/v1/")):
            await self.app(scope, receive, send)
            return

        async def send_varying(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": with_vary(message.get("headers", []))}
            await send(message)

        await self.app(scope, receive, send_varying)


def with_vary(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """`headers` with their `Vary` fields made one that names `Authorization`."""
    varying: list[str] = []
    kept = []
    for field, value in headers:
        if field.lower() == b"vary":
            varying += [part.strip() for part in value.decode("latin-1").split(",")]
        else:
            kept.append((field, value))
    unique: dict[str, str] = {}  # each name once (compared without case), first spelling
    for name in [*varying, "Authorization"]:
        if name:
            unique.setdefault(name.lower(), name)
    return [*kept, (b"vary", ", ".join(unique.values()).encode("latin-1"))]


def _replay(messages: list[Message], then: Receive | None = None) -> Receive:
    pending = list(messages)

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive
