"""The FastAPI application factory."""

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy import Engine, create_engine

from radar import __version__
from radar.api.docs import install_docs
from radar.api.errors import install_error_handlers
from radar.api.middleware import BodySizeLimit, ConcurrencyLimit, VaryByCaller
from radar.api.nul_guard import RefuseNul
from radar.api.openapi_contract import install_openapi_contract
from radar.api.routes import (
    accounts,
    actors,
    admin,
    events,
    geocode,
    groups,
    health,
    ideas,
    map,
    matches,
    news,
    reports,
    statistics,
    taxonomy,
    transfer,
    webhooks,
)
from radar.db import make_engine
from radar.matching.engine import MatchEngine
from radar.settings import Settings, get_settings
from radar.web import install_explorer
from radar.webhooks.dispatcher import Dispatcher
from radar.webhooks.match_watch import MatchWatcher

DESCRIPTION = """
Radar keeps the actors of a regional innovation cluster — companies, universities, research
institutes, start-ups, networks — with their project ideas, working groups and news, and
suggests who could work together.

Errors are [RFC 9457](https://www.rfc-editor.org/rfc/rfc9457) `application/problem+json`
documents; a 422 lists each invalid value with its location and field path. Reads return an
`ETag`; send it back in `If-Match` on PATCH and DELETE to get a 412 instead of a lost update.
"""


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    """Build the app; the schema must already be at head (`radar db upgrade`)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = threading.Event()
        worker = None
        if settings.webhooks_dispatch_in_process:
            dispatcher = Dispatcher(
                app.state.engine,
                allow_private=settings.webhooks_allow_private,
                lease=timedelta(seconds=settings.webhooks_lease_seconds),
                watcher=MatchWatcher(app.state.engine, settings),
            )
            worker = threading.Thread(
                target=dispatcher.run_forever, args=(stop,), name="webhooks", daemon=True
            )
            worker.start()
        yield
        stop.set()
        if worker is not None:
            worker.join(timeout=20)
        if engine is None:
            app.state.engine.dispose()

    app = FastAPI(
        title="Radar",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served by install_docs without a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine or make_engine(settings.resolved_database_url())
    app.state.match_engine = MatchEngine()
    install_error_handlers(app)
    install_docs(app)
    install_explorer(app)
    # The last added runs first: a slow upload is read in full before it takes a slot.
    app.add_middleware(ConcurrencyLimit, limit=settings.max_concurrent_requests)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RefuseNul)
    app.add_middleware(VaryByCaller)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Content-Type", "If-Match", "If-None-Match", "Authorization"],
            expose_headers=["ETag", "Location"],
        )
    for module in (
        health,
        taxonomy,
        geocode,
        actors,
        ideas,
        groups,
        news,
        events,
        accounts,
        statistics,
        reports,
        matches,
        map,
        admin,
        transfer,
        webhooks,
    ):
        if module is matches:
            app.include_router(matches.direct_router)
        app.include_router(module.router)
    webhooks.document_webhooks(app)
    install_openapi_contract(app)
    return app


def openapi_document() -> dict[str, Any]:
    """The OpenAPI document of the app, independent of any database or environment."""
    engine = create_engine("sqlite://")
    try:
        return create_app(Settings(database_url="sqlite://"), engine=engine).openapi()
    finally:
        engine.dispose()
