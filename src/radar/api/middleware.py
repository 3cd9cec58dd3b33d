"""ASGI middleware: the request body size limit (413) and the limit on requests at once."""

import asyncio
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from radar.api.errors import PROBLEM_MEDIA_TYPE, problem_type


class ConcurrencyLimit:
    """Work on at most `limit` HTTP requests at once; the others wait, first come first served.

    Each request runs its database work and scoring in worker threads; unbounded, a burst of
    requests contends for the interpreter lock (each is slower, and all together no faster)
    and can take every pooled connection while the requests holding them wait for a thread.
    Bounded below the pool size, a request always finds a connection.

    A request gives its slot back as it hands over the last of its response: writing a
    complete body to a client that reads slowly waits on the network, not on this process, so
    a slow reader does not hold up the requests behind it. (A streamed export keeps its slot
    until its last chunk, for it works while it streams.)"""

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit
        self._slots: asyncio.Semaphore | None = None  # made in the serving event loop

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.limit)
        slots = self._slots
        await slots.acquire()
        held = True

        def give_back() -> None:
            nonlocal held
            if held:
                held = False
                slots.release()

        async def send_last_unheld(message: Message) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                give_back()
            await send(message)

        try:
            await self.app(scope, receive, send_last_unheld)
        finally:
            give_back()


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


def _replay(messages: list[Message], then: Receive | None = None) -> Receive:
    pending = list(messages)

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive
