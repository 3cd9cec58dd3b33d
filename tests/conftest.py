"""Test fixtures: every database test runs on SQLite and on PostgreSQL, schema by `upgrade head`."""

import os
import uuid
from collections.abc import Callable, Iterator, Sequence

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, make_url, text
from sqlmodel import Session

import radar.models  # noqa: F401  (registers every table on the metadata)
from radar.api.app import create_app
from radar.db import make_engine, upgrade
from radar.models.account import Role
from radar.models.base import metadata
from radar.settings import Settings
from tests.browser_site import browser, demo_site, open_explorer, serve
from tests.factories import issue_token

# The browser tests' session-wide fixtures, defined once for every folder that uses them.
__all__ = ["browser", "demo_site", "open_explorer", "serve"]

POSTGRES_URL = os.environ.get(
    "RADAR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("RADAR_TEST_REQUIRE_POSTGRES") == "1"
# Seeded by migrations and never written by the API: kept between tests.
REFERENCE_TABLES = {"topic", "action_field", "topic_action_field", "alembic_version"}


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A fresh, empty database of each kind for this test session."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'radar.db'}"
        return
    admin_url = make_url(POSTGRES_URL)
    name = f"radar_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:
        admin.dispose()
        message = f"PostgreSQL not reachable at {POSTGRES_URL}: {error}"
        if REQUIRE_POSTGRES:
            pytest.fail(message)
        pytest.skip(message)
    yield admin_url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on the test database, migrated to head."""
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def _clean_tables(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test builds what it asserts on: empty every non-reference table afterwards."""
    yield
    if "engine" not in request.fixturenames:
        return
    engine: Engine = request.getfixturevalue("engine")
    tables = [t for t in reversed(metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{table.name}"' for table in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        max_body_bytes=65_536,
        event_feed_settle_seconds=0,
        rate_limit_per_minute=0,
        anonymous_rate_limit_per_minute=0,
        webhooks_dispatch_in_process=False,  # tests run dispatchers themselves
    )


ClientFactory = Callable[..., TestClient]


@pytest.fixture
def make_client(settings: Settings, engine: Engine) -> Iterator[ClientFactory]:
    """Clients signed in with a role (managing the given actors), or anonymous for role None."""
    app = create_app(settings, engine=engine)
    clients: list[TestClient] = []

    def make(role: Role | None, actor_ids: Sequence[uuid.UUID | str] = ()) -> TestClient:
        headers = {}
        if role is not None:
            ids = [uuid.UUID(str(actor_id)) for actor_id in actor_ids]
            headers["Authorization"] = f"Bearer {issue_token(engine, role, ids)}"
        test_client = TestClient(app, headers=headers)
        clients.append(test_client.__enter__())
        return test_client

    yield make
    for test_client in clients:
        test_client.__exit__(None, None, None)


@pytest.fixture
def public_reader(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """An anonymous client of an app with public read on, sharing the test database."""
    public = settings.model_copy(update={"public_read": True})
    with TestClient(create_app(public, engine=engine)) as reader:
        yield reader


@pytest.fixture
def client(make_client: ClientFactory) -> TestClient:
    """An HTTP client signed in as an admin, on an app bound to the test database."""
    return make_client(Role.admin)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session for service-level tests and for checking what the API wrote."""
    with Session(engine, expire_on_commit=False) as db_session:
        yield db_session
