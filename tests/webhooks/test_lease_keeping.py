"""Workers keep the leases of the deliveries they hold: receivers slower than the lease get no
duplicates from two workers, a worker whose claim was taken over sends nothing, and a worker
killed with SIGKILL repeats only the delivery it had in flight."""

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, update
from sqlmodel import Session, col

from radar.models.base import utcnow
from radar.models.webhook import DeliveryStatus, WebhookDelivery
from radar.webhooks.dispatcher import Dispatcher
from tests.webhooks.conftest import Clock, Received, Receiver, subscribe

LEASE = timedelta(seconds=1)


def _queue(engine: Engine, subscription_id: str, count: int) -> list[str]:
    """`count` pending deliveries for the subscription, numbered in their data; their ids."""
    ids = []
    with Session(engine) as session:
        for n in range(count):
            event_id = uuid.uuid4()
            ids.append(str(event_id))
            envelope = {"id": str(event_id), "type": "actor.updated",
                        "timestamp": utcnow().isoformat(), "data": {"n": n}}  # fmt: skip
            session.add(
                WebhookDelivery(
                    subscription_id=uuid.UUID(subscription_id),
                    event_id=event_id,
                    event_type="actor.updated",
                    payload=envelope,
                )
            )
        session.commit()
    return ids


def _slower_than_the_lease(every: int) -> Callable[[Received], tuple[int, dict[str, str]]]:
    """A receiver that takes one and a half leases over one delivery in `every`."""

    def respond(got: Received) -> tuple[int, dict[str, str]]:
        if got.json["data"]["n"] % every == every // 2:
            time.sleep(LEASE.total_seconds() * 1.5)
        return 200, {}

    return respond


def _unfinished(engine: Engine) -> int:
    with Session(engine) as session:
        return session.execute(
            select(func.count())
            .select_from(WebhookDelivery)
            .where(col(WebhookDelivery.status) != DeliveryStatus.succeeded)
        ).scalar_one()


def _attempts(engine: Engine) -> Counter[int]:
    with Session(engine) as session:
        return Counter(session.execute(select(col(WebhookDelivery.attempts))).scalars())


def _wait(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_two_workers_and_receivers_slower_than_the_lease_give_no_duplicates(
    partner: TestClient, receiver: Receiver, engine: Engine
) -> None:
    subscription = subscribe(partner, receiver.url, "actor.updated")
    ids = _queue(engine, subscription["id"], 1000)
    receiver.respond = _slower_than_the_lease(every=100)
    workers = [Dispatcher(engine, allow_private=True, lease=LEASE) for _ in range(2)]
    stop = threading.Event()
    threads = [
        threading.Thread(target=w.run_forever, args=(stop,), kwargs={"idle_seconds": 0.05})
        for w in workers
    ]
    for thread in threads:
        thread.start()
    try:
        finished = _wait(lambda: _unfinished(engine) == 0, 120)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        for worker in workers:
            worker.close()

    assert finished
    sent = Counter(receiver.ids())
    assert set(sent) == set(ids)  # none lost
    assert [i for i, times in sent.items() if times > 1] == []  # none twice
    assert _attempts(engine) == {1: 1000}  # and none attempted twice


def test_a_worker_whose_claim_was_taken_over_sends_nothing(
    partner: TestClient, receiver: Receiver, engine: Engine, clock: Clock
) -> None:
    subscription = subscribe(partner, receiver.url, "actor.updated")
    ids = _queue(engine, subscription["id"], 3)
    clock.catch_up()
    stalled = Dispatcher(engine, allow_private=True, lease=LEASE, clock=clock)
    other = Dispatcher(engine, allow_private=True, lease=LEASE, clock=clock)

    claimed = stalled.claim()
    clock.advance(LEASE * 2)  # it stalled past its lease before sending anything
    assert sorted(other.claim()) == sorted(claimed)
    stalled.attempt_all(claimed)
    assert receiver.ids() == []
    other.attempt_all(claimed)

    assert sorted(receiver.ids()) == sorted(ids)
    assert _attempts(engine) == {1: 3}


def test_a_slow_send_keeps_the_leases_of_the_whole_batch(
    partner: TestClient, receiver: Receiver, engine: Engine
) -> None:
    subscription = subscribe(partner, receiver.url, "actor.updated")
    _queue(engine, subscription["id"], 3)
    holder = Dispatcher(engine, allow_private=True, lease=LEASE)
    other = Dispatcher(engine, allow_private=True, lease=LEASE)
    taken_meanwhile: list[list[uuid.UUID]] = []

    def slow_first(got: Received) -> tuple[int, dict[str, str]]:
        if got.json["data"]["n"] == 0:
            time.sleep(LEASE.total_seconds() * 2.5)  # the lease written at the claim has run out
            taken_meanwhile.append(other.claim())
        return 200, {}

    receiver.respond = slow_first
    assert holder.run_once() == 3

    assert taken_meanwhile == [[]]
    assert len(receiver.ids()) == len(set(receiver.ids())) == 3


def test_after_slow_sends_a_worker_claims_what_it_can_send_in_half_a_lease(
    partner: TestClient, receiver: Receiver, engine: Engine
) -> None:
    subscription = subscribe(partner, receiver.url, "actor.updated")
    _queue(engine, subscription["id"], 3)
    dispatcher = Dispatcher(engine, allow_private=True, lease=LEASE, batch_size=50)

    def slow_first(got: Received) -> tuple[int, dict[str, str]]:
        if got.json["data"]["n"] == 0:
            time.sleep(LEASE.total_seconds() * 0.6)
        return 200, {}

    receiver.respond = slow_first
    assert dispatcher.run_once() == 3  # nothing known yet: a whole batch
    _queue(engine, subscription["id"], 20)

    # After a send of 0.6 lease and two quick ones, the moving average is 0.077 lease or
    # more (0.6 * 0.2 * 0.8 * 0.8): at most 6 sends fit in half a lease.
    assert 1 <= dispatcher.run_once() <= 6


def test_the_payload_sent_is_the_one_stored_at_the_send(
    partner: TestClient, receiver: Receiver, engine: Engine
) -> None:
    subscription = subscribe(partner, receiver.url, "actor.updated")
    first, second = _queue(engine, subscription["id"], 2)
    scrubbed = {"id": second, "type": "actor.updated", "timestamp": "t", "data": {"n": 1}}

    def scrub_the_second(got: Received) -> tuple[int, dict[str, str]]:
        if got.json["id"] == first:  # say, an erasure while the batch is being sent
            with Session(engine) as session:
                session.execute(
                    update(WebhookDelivery)
                    .where(col(WebhookDelivery.event_id) == uuid.UUID(second))
                    .values(payload=scrubbed)
                )
                session.commit()
        return 200, {}

    receiver.respond = scrub_the_second
    assert Dispatcher(engine, allow_private=True).run_once() == 2

    assert [r.json for r in receiver.received][1] == scrubbed


def _worker(database_url: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "RADAR_DATABASE_URL": database_url,
        "RADAR_WEBHOOKS_ALLOW_PRIVATE": "true",
        "RADAR_WEBHOOKS_LEASE_SECONDS": str(LEASE.total_seconds()),
        "RADAR_LOG_LEVEL": "warning",
    }
    return subprocess.Popen([sys.executable, "-m", "radar.cli", "worker"], env=env)


def test_a_worker_killed_mid_batch_repeats_only_its_delivery_in_flight(
    partner: TestClient, receiver: Receiver, engine: Engine, database_url: str
) -> None:
    subscription = subscribe(partner, receiver.url, "actor.updated")
    ids = _queue(engine, subscription["id"], 600)
    receiver.respond = _slower_than_the_lease(every=100)
    killed, survivor = _worker(database_url), _worker(database_url)
    try:
        started = _wait(lambda: len(receiver.ids()) >= 150, 60)
        os.kill(killed.pid, signal.SIGKILL)
        killed.wait()
        arrived_at_kill = len(receiver.ids())
        finished = _wait(lambda: _unfinished(engine) == 0, 120)
    finally:
        for worker in (killed, survivor):
            if worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=30)

    assert started
    assert finished
    assert arrived_at_kill < 600  # killed part-way
    sent = Counter(receiver.ids())
    assert set(sent) == set(ids)  # none lost
    # A worker sends one delivery at a time and records it before the next: at most that one
    # went out without its outcome recorded, and only it goes out again.
    twice = [i for i, times in sent.items() if times > 1]
    assert len(twice) <= 1
    assert all(sent[i] == 2 for i in twice)
