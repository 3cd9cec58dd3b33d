"""Migrations are the only source of the schema: they must agree with the models."""

import uuid
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, select
from sqlmodel import Session
from sqlmodel.sql.sqltypes import UTCDateTime

from radar.db import alembic_config, make_engine, migrations_directory, upgrade
from radar.geo.privacy import shown_point
from radar.models.action_field import ActionField
from radar.models.actor import Actor
from radar.models.base import metadata
from radar.models.topic import Topic


def test_the_checkout_runs_its_top_level_migrations() -> None:
    # The editable install runs migrations/ of the checkout (the wheel ships them inside the
    # package: tests/test_wheel_install.py).
    assert migrations_directory() == Path(__file__).resolve().parents[1] / "migrations"


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


def test_actors_written_before_resolved_terms_are_backfilled(database_url: str) -> None:
    # As the actor table stood at 0011, written by hand: no app model knows that shape.
    actor = sa.table(
        "actor",
        *(sa.column(name) for name in ("name", "kind", "description", "country")),
        *(sa.column(name) for name in ("location_precision", "visibility", "search_text")),
        sa.column("id", sa.Uuid),
        *(sa.column(name, sa.JSON) for name in ("tags", "offers", "seeks")),
        *(sa.column(name, UTCDateTime()) for name in ("created_at", "updated_at")),
        sa.column("version", sa.Integer),
    )
    actor_id, now = uuid.uuid4(), datetime.now(UTC)
    engine = make_engine(database_url)
    try:
        command.downgrade(alembic_config(engine), "0011")
        with engine.begin() as connection:
            connection.execute(
                actor.insert().values(
                    id=actor_id, name="Alt GmbH", kind="company", description="", country="DE",
                    location_precision="exact", visibility="members", search_text="",
                    tags=[], offers=["Spritzgussteile", "Praxispartner"],
                    seeks=["Kunststoff-Technik"], created_at=now, updated_at=now, version=1,
                )
            )  # fmt: skip
        upgrade(engine)
        with Session(engine) as session:
            stored = session.get(Actor, actor_id)
            assert stored is not None
            assert stored.offer_topics == ["spritzguss", None]
            assert stored.seek_topics == ["kunststofftechnik"]
            assert stored.tag_topics == []
    finally:
        upgrade(engine)
        with engine.begin() as connection:
            connection.execute(actor.delete().where(actor.c.id == actor_id))
        engine.dispose()


def test_coarse_actors_shown_at_their_exact_point_are_shown_on_the_grid(
    database_url: str,
) -> None:
    # As the actor table stood at 0012, written by hand: shown points as 0012 kept them, the
    # exact point for a coarse location outside Germany.
    actor = sa.table(
        "actor",
        *(sa.column(name) for name in ("name", "kind", "description", "country", "city")),
        *(sa.column(name) for name in ("location_precision", "visibility", "search_text")),
        sa.column("id", sa.Uuid),
        *(sa.column(name, sa.JSON) for name in ("tags", "offers", "seeks")),
        *(sa.column(name, UTCDateTime()) for name in ("created_at", "updated_at")),
        sa.column("version", sa.Integer),
        *(sa.column(name, sa.Float) for name in ("lat", "lon", "shown_lat", "shown_lon")),
    )
    paris = (48.8867, 2.3431)
    ids = {precision: uuid.uuid4() for precision in ("city", "postcode", "exact")}
    now = datetime.now(UTC)
    common = {
        "kind": "company", "description": "", "country": "FR", "city": "Paris",
        "visibility": "public", "search_text": "", "tags": [], "offers": [], "seeks": [],
        "created_at": now, "updated_at": now, "version": 1, "lat": paris[0], "lon": paris[1],
        "shown_lat": paris[0], "shown_lon": paris[1],
    }  # fmt: skip
    engine = make_engine(database_url)
    try:
        command.downgrade(alembic_config(engine), "0012")
        with engine.begin() as connection:
            connection.execute(
                actor.insert(),
                [
                    {
                        **common, "id": actor_id, "name": f"Atelier {precision}",
                        "location_precision": precision,
                    }
                    for precision, actor_id in ids.items()
                ],
            )  # fmt: skip
        upgrade(engine)
        with Session(engine) as session:
            shown = {}
            for precision, actor_id in ids.items():
                stored = session.get(Actor, actor_id)
                assert stored is not None
                shown[precision] = (stored.shown_lat, stored.shown_lon)
        assert shown["exact"] == paris
        assert shown["city"] == shown_point("city", *paris, None, "Paris") != paris
        assert shown["postcode"] == shown_point("postcode", *paris, None, "Paris") != paris
    finally:
        upgrade(engine)
        with engine.begin() as connection:
            connection.execute(actor.delete().where(actor.c.id.in_(ids.values())))
        engine.dispose()
