"""A local webhook receiver, a controllable clock, and partner clients."""

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from radar.api.app import create_app
from radar.models.account import Role
from radar.models.base import utcnow
from radar.settings import Settings
from tests.factories import issue_token


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Records what it is sent; `respond` decides the status (and headers) of each answer."""

    port: int = 0
    received: list[Received] = field(default_factory=list)
    respond: Callable[[Received], tuple[int, dict[str, str]]] = lambda _: (200, {})
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def ids(self) -> list[str]:
        with self.lock:
            return [r.headers["webhook-id"] for r in self.received]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", 0))
            got = Received({k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length))
            code, extra = state.respond(got)
            with state.lock:
                state.received.append(got)
            self.send_response(code)
            for key, value in extra.items():
                self.send_header(key, value)
            self.send_header("content-length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


class Clock:
    """Time for the dispatcher: now, until moved on."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta

    def catch_up(self) -> None:
        """At least the real time: what was written since is due."""
        self.now = max(self.now, utcnow())


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def private_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"webhooks_allow_private": True})


@pytest.fixture
def partner(private_settings: Settings, engine: Engine) -> Iterator[TestClient]:
    token = issue_token(engine, Role.partner)
    app = create_app(private_settings, engine=engine)
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as client:
        yield client


@pytest.fixture
def admin(private_settings: Settings, engine: Engine) -> Iterator[TestClient]:
    token = issue_token(engine, Role.admin)
    app = create_app(private_settings, engine=engine)
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as client:
        yield client


def subscribe(client: TestClient, url: str, *types: str) -> dict[str, Any]:
    response = client.post("/v1/webhooks", json={"url": url, "event_types": list(types or ["*"])})
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data
