"""Migrations are the only source of the schema: they must agree with the models."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, select
from sqlmodel import Session

from radar.db import alembic_config, make_engine, upgrade
from radar.models.action_field import ActionField
from radar.models.base import metadata
from radar.models.topic import Topic


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_taxonomy_is_seeded(session: Session) -> None:
    fields = session.exec(select(ActionField.slug)).all()  # type: ignore[call-overload]
    assert len(fields) == 4
    topics = session.exec(select(Topic)).scalars().all()  # type: ignore[call-overload]
    assert len(topics) >= 60
    assert all(topic.action_fields for topic in topics)
    assert all(topic.label_de and topic.label_en for topic in topics)


def test_downgrade_to_base_and_upgrade_again(database_url: str) -> None:
    # A separate engine: the session-wide one keeps its schema for the other tests.
    engine = make_engine(database_url)
    try:
        command.downgrade(alembic_config(engine), "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade(engine)
        assert "actor" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
