"""Database engine and sessions; SQLite pragmas; schema upgrades through Alembic."""

from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlmodel import Session


def make_engine(url: str) -> Engine:
    """An engine for the URL; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT; we emit BEGIN.
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # A writing unit of work takes SQLite's write lock up front: a concurrent writer then waits
    # (busy timeout) and reads the committed row, instead of failing on a stale snapshot.
    immediate = connection.get_execution_options().get(_WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


_WRITE_OPTION = "radar_write"


@contextmanager
def session_scope(engine: Engine, *, write: bool = True) -> Iterator[Session]:
    """One unit of work: commits when the block succeeds, rolls back when it raises.

    `write=False` marks a read-only unit, which on SQLite does not take the write lock."""
    session = open_session(engine, write=write)
    try:
        yield session
    except BaseException:
        close_session(session, commit=False)
        raise
    close_session(session, commit=True)


def open_session(engine: Engine, *, write: bool = True) -> Session:
    """The session of a unit of work (it connects at its first statement); end it with
    `close_session`."""
    bind = engine.execution_options(**{_WRITE_OPTION: True}) if write else engine
    return Session(bind, expire_on_commit=False)


def close_session(session: Session, *, commit: bool) -> None:
    """End a unit of work: commit (rolled back if the commit fails) or roll back; then close."""
    try:
        if commit:
            try:
                session.commit()
            except BaseException:
                session.rollback()
                raise
        else:
            session.rollback()
    finally:
        session.close()


def migrations_directory() -> Path:
    """Where the Alembic scripts are: in an installed wheel they ship inside the package
    (`radar/migrations`, mapped from the repository's top-level `migrations/`); an editable
    install or a checkout on the path runs them from that top-level `migrations/`."""
    packaged = files("radar") / "migrations"
    if packaged.joinpath("env.py").is_file():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[2] / "migrations"
    if (checkout / "env.py").is_file():
        return checkout
    raise RuntimeError(f"no Alembic migrations found at {packaged} nor at {checkout}")


def alembic_config(engine: Engine | None = None) -> Config:
    """The Alembic configuration for the migrations (see `migrations_directory`)."""
    config = Config()
    config.set_main_option("script_location", str(migrations_directory()))
    if engine is not None:
        config.attributes["engine"] = engine
        config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` (the only way a schema is ever created)."""
    command.upgrade(alembic_config(engine), revision)
