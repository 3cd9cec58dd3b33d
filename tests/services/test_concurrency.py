"""Two writers racing on one version: the first wins, the second gets 412 — on both databases."""

import threading

import pytest
from sqlalchemy import Engine

from radar.db import session_scope
from radar.errors import PreconditionFailed
from radar.models.actor import ActorCreate, ActorKind, ActorUpdate
from radar.services import actors
from radar.services.access import SYSTEM


def test_concurrent_updates_of_one_version_lose_nothing(engine: Engine) -> None:
    with session_scope(engine) as setup:
        actor = actors.create_actor(
            setup, data=ActorCreate(name="Ursprung GmbH", kind=ActorKind.company), principal=SYSTEM
        )
    outcome: dict[str, object] = {}

    def second_writer() -> None:
        try:
            with session_scope(engine) as second:
                actors.update_actor(
                    second,
                    actor_id=actor.id,
                    data=ActorUpdate(name="Zweiter"),
                    principal=SYSTEM,
                    expected_version=1,
                )
            outcome["second"] = "committed"
        except Exception as error:  # the assertion below names what happened
            outcome["second"] = error

    with session_scope(engine) as first:
        actors.update_actor(
            first,
            actor_id=actor.id,
            data=ActorUpdate(name="Erster"),
            principal=SYSTEM,
            expected_version=1,
        )
        racer = threading.Thread(target=second_writer)
        racer.start()
        racer.join(timeout=0.3)  # the racer is now waiting for our lock (or already failed)
    racer.join(timeout=30)

    assert isinstance(outcome["second"], PreconditionFailed), outcome
    with session_scope(engine, write=False) as check:
        final = actors.read_actor(check, actor_id=actor.id, principal=SYSTEM)
    assert (final.name, final.version) == ("Erster", 2)


@pytest.mark.parametrize("expected_version", [None, 1])
def test_reads_do_not_wait_for_a_writer(engine: Engine, expected_version: int | None) -> None:
    with session_scope(engine) as setup:
        actor = actors.create_actor(
            setup, data=ActorCreate(name="Leser AG", kind="company"), principal=SYSTEM
        )
    with session_scope(engine) as writer:
        actors.update_actor(
            writer,
            actor_id=actor.id,
            data=ActorUpdate(name="Neu"),
            principal=SYSTEM,
            expected_version=expected_version,
        )
        with session_scope(engine, write=False) as reader:
            current = actors.read_actor(reader, actor_id=actor.id, principal=SYSTEM)
            assert current.name == "Leser AG"
