"""A `radar worker` killed with SIGKILL in the middle of a batch: after a restart every
delivery arrives, none is lost (its lease lapses and another worker takes it up)."""

import os
import signal
import subprocess
import sys
import time
import uuid

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from radar.services.events import record_events
from tests.webhooks.conftest import Receiver, subscribe


def _worker(database_url: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "RADAR_DATABASE_URL": database_url,
        "RADAR_WEBHOOKS_ALLOW_PRIVATE": "true",
        "RADAR_WEBHOOKS_LEASE_SECONDS": "1",
        "RADAR_LOG_LEVEL": "warning",
    }
    return subprocess.Popen([sys.executable, "-m", "radar.cli", "worker"], env=env)


def _wait(condition: object, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.05)


def test_a_worker_killed_mid_batch_loses_nothing(
    partner: TestClient, receiver: Receiver, engine: Engine, database_url: str
) -> None:
    subscribe(partner, receiver.url, "actor.updated")
    ids = [uuid.uuid4() for _ in range(1000)]
    with Session(engine) as session:
        record_events(
            session,
            type="actor.updated",
            entity_type="actor",
            snapshots=[(actor_id, {"n": n}, False) for n, actor_id in enumerate(ids)],
        )
        session.commit()

    def slowly(_: object) -> tuple[int, dict[str, str]]:
        time.sleep(0.002)
        return 200, {}

    receiver.respond = slowly
    first = _worker(database_url)
    _wait(lambda: len(receiver.received) >= 300, 60)
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    killed_at = len(set(receiver.ids()))
    second = _worker(database_url)
    try:
        _wait(lambda: len(set(receiver.ids())) >= 1000, 90)
    finally:
        second.terminate()
        second.wait(timeout=30)

    assert 300 <= killed_at < 1000  # killed part-way
    delivered = set(receiver.ids())
    assert len(delivered) == 1000  # nothing lost
