"""The browser tests' site and browser (tests/web, tests/report): the app with the demo data
served by uvicorn on a free loopback port, and Debian's chromium driven by Playwright, every
request it makes watched. The fixtures are session-wide and defined once (imported by
`tests/conftest.py`): Playwright's sync API runs one instance per thread at a time."""

import os
import shutil
import socket
import struct
import threading
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import Engine, select
from sqlmodel import col

from radar.api.app import create_app
from radar.cli import DEMO_MEMBER_ACTOR
from radar.db import make_engine, session_scope, upgrade
from radar.demo import load_demo
from radar.models.account import Role
from radar.models.actor import Actor
from radar.services.accounts import ensure_demo_accounts
from radar.settings import Settings
from radar.web import CONFIG_URL, install_explorer
from tests.factories import issue_token

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# CI installs chromium: there a missing browser fails the tests instead of skipping them.
REQUIRE_BROWSER = os.environ.get("RADAR_TEST_REQUIRE_BROWSER") == "1"
TILE_HOST = "tile.openstreetmap.org"


def with_explorer(app: FastAPI) -> FastAPI:
    """The app with the explorer mounted once (by `create_app` already, or here)."""
    if not any(getattr(route, "path", None) == CONFIG_URL for route in app.routes):
        install_explorer(app)
    return app


def server_settings(database_url: str, **changes: Any) -> Settings:
    return Settings(
        database_url=database_url,
        event_feed_settle_seconds=0,
        rate_limit_per_minute=0,
        anonymous_rate_limit_per_minute=0,
        webhooks_dispatch_in_process=False,
        **changes,
    )


@dataclass
class DemoSite:
    """The demo data set in a database, with tokens of each role."""

    engine: Engine
    database_url: str
    tokens: dict[Role, str]

    def actor(self, external_id: str) -> Actor:
        with session_scope(self.engine, write=False) as session:
            found = session.execute(
                select(Actor).where(col(Actor.external_id) == external_id)
            ).scalar_one()
            session.expunge(found)
            return found

    def coarse_actor(self) -> Actor:
        """A public demo actor shown at its city only."""
        with session_scope(self.engine, write=False) as session:
            found = (
                session.execute(
                    select(Actor)
                    .where(col(Actor.location_precision) == "city")
                    .where(col(Actor.visibility) == "public")
                    .where(col(Actor.street).is_not(None))
                    .order_by(col(Actor.external_id))
                )
                .scalars()
                .first()
            )
            assert found is not None
            session.expunge(found)
            return found


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoSite]:
    """A fresh SQLite database with the demo data set (the browser tests need a real server,
    so they run on SQLite only; what they read is covered on both databases elsewhere)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('explorer') / 'radar.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        load_demo(session)
        demo = ensure_demo_accounts(session, member_actor_external_id=DEMO_MEMBER_ACTOR)
    tokens = {role: created.token for role, created in demo.items()}
    tokens[Role.partner] = issue_token(engine, Role.partner)
    yield DemoSite(engine, url, tokens)
    engine.dispose()


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@pytest.fixture(scope="session")
def serve(demo_site: DemoSite) -> Iterator[Callable[..., str]]:
    """Start the app (with these settings changed) on a free loopback port; returns its URL.
    One server per set of settings, all stopped at the end of the session."""
    running: dict[str, str] = {}
    servers: list[tuple[uvicorn.Server, threading.Thread, socket.socket]] = []

    def start(**changes: Any) -> str:
        key = repr(sorted(changes.items()))
        if key in running:
            return running[key]
        settings = server_settings(demo_site.database_url, **changes)
        app = with_explorer(create_app(settings, engine=demo_site.engine))
        sock = _free_socket()
        config = uvicorn.Config(app, log_level="warning", ws="none", lifespan="on")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        for _ in range(200):
            if server.started:
                break
            threading.Event().wait(0.05)
        assert server.started, "the explorer's test server did not start"
        servers.append((server, thread, sock))
        running[key] = f"http://127.0.0.1:{sock.getsockname()[1]}"
        return running[key]

    yield start
    for server, thread, sock in servers:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def png(red: int, green: int, blue: int, size: int = 256) -> bytes:
    """A plain square PNG: the tiles served in place of the real tile server's."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes([red, green, blue]) * size
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * size))
        + chunk(b"IEND", b"")
    )


TILE = png(0xE4, 0xEA, 0xE0)


@dataclass
class Watch:
    """What one page did: console errors, uncaught errors, requests to other hosts, tiles."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    tiles: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)  # console errors a test expects


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium under Playwright (which may not download browsers of its own)."""
    reason = None
    if CHROMIUM is None:
        reason = "chromium is not installed (apt-get install chromium chromium-driver)"
    else:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            reason = "Playwright for Python is not installed (pip install playwright)"
    if reason is not None:
        if REQUIRE_BROWSER:
            pytest.fail(reason)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM)
        yield launched
        launched.close()


@dataclass
class Opened:
    page: Any
    watch: Watch
    base: str


@pytest.fixture
def open_explorer(browser: Any, serve: Callable[..., str]) -> Iterator[Callable[..., Opened]]:
    """Open the explorer in a new browser tab: signed in with `token` (kept in the tab's
    session storage, as the sign-in dialog keeps it), in `locale`, at `viewport`. Tile requests
    are answered locally (`tiles="serve"`) or refused (`"block"`); any other request to another
    host is refused and recorded. After the test, no page may have logged a console error
    (refused tiles aside), thrown, or asked another host for anything."""
    opened: list[tuple[Any, Opened, str]] = []

    def open_page(
        path: str = "/",
        *,
        token: str | None = None,
        locale: str = "en-US",
        viewport: tuple[int, int] = (1280, 800),
        tiles: str = "serve",
        mobile: bool = False,
        **settings: Any,
    ) -> Opened:
        base = serve(**settings)
        context = browser.new_context(
            locale=locale,
            viewport={"width": viewport[0], "height": viewport[1]},
            is_mobile=mobile,
            has_touch=mobile,
            device_scale_factor=2 if mobile else 1,
        )
        if token is not None:
            context.add_init_script(f"sessionStorage.setItem('radar-token', {token!r});")
        watch = Watch()

        def route(handled: Any) -> None:
            url = handled.request.url
            if url.startswith(base + "/"):
                handled.continue_()
            elif url.split("/")[2] == TILE_HOST:
                watch.tiles.append(url)
                if tiles == "serve":
                    handled.fulfill(status=200, content_type="image/png", body=TILE)
                else:
                    handled.abort()
            else:
                watch.outside.append(url)
                handled.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.set_default_timeout(15_000)

        def console(message: Any) -> None:
            if message.type == "error":
                source = (message.location or {}).get("url", "")
                refused_tile = tiles == "block" and TILE_HOST in source
                expected = any(text in message.text for text in watch.allowed)
                if not refused_tile and not expected:
                    watch.console_errors.append(f"{message.text} ({source})")

        page.on("console", console)
        page.on("pageerror", lambda error: watch.page_errors.append(str(error)))
        page.goto(base + path)
        result = Opened(page, watch, base)
        opened.append((context, result, tiles))
        return result

    yield open_page
    for context, _, _ in opened:
        context.close()
    for _, result, _ in opened:
        assert result.watch.page_errors == [], "the page threw"
        assert result.watch.console_errors == [], "the page logged errors"
        assert result.watch.outside == [], "the page asked another host"


def screenshot_dirs(tmp_path: Path) -> list[Path]:
    """Where screenshots go: the test's own folder, and RADAR_SCREENSHOTS_DIR when set (to
    refresh docs/screenshots)."""
    wanted = os.environ.get("RADAR_SCREENSHOTS_DIR")
    return [tmp_path, *([Path(wanted)] if wanted else [])]
