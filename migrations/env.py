"""Alembic environment: runs migrations on the engine handed in by radar.db (or the URL)."""

from alembic import context
from sqlalchemy import Engine, create_engine

import radar.models  # noqa: F401  (registers every table on the metadata)
from radar.models.base import metadata

config = context.config


def run_migrations_online() -> None:
    engine: Engine | None = config.attributes.get("engine")
    if engine is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
