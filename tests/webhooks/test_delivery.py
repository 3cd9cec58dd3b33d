"""Deliveries end to end: outbox rows in the writing transaction, signed posts a Standard
Webhooks receiver verifies (also during a secret rotation), retries on the schedule with the
same webhook-id, Retry-After, 410 and five days of failures disabling a subscription."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlmodel import Session
from standardwebhooks import Webhook

from radar.models.event import Event
from radar.models.webhook import WebhookDelivery
from radar.webhooks.dispatcher import RETRY_DELAYS, Dispatcher
from tests.factories import actor_body
from tests.webhooks.conftest import Clock, Receiver, subscribe


def _dispatcher(engine: Engine, clock: Clock | None = None) -> Dispatcher:
    return Dispatcher(engine, allow_private=True, **({"clock": clock} if clock else {}))


def _deliveries(session: Session) -> int:
    session.rollback()
    return session.execute(select(func.count()).select_from(WebhookDelivery)).scalar_one()


def test_a_write_queues_one_delivery_per_matching_subscription_in_its_transaction(
    partner: TestClient, admin: TestClient, receiver: Receiver, session: Session
) -> None:
    subscribe(partner, receiver.url, "actor.*")
    subscribe(partner, receiver.url, "idea.created")

    assert admin.post("/v1/actors", json=actor_body()).status_code == 201
    assert _deliveries(session) == 1
    bad = admin.post("/v1/actors", json=actor_body(kind="spaceship"))
    assert bad.status_code == 422
    assert _deliveries(session) == 1  # a failed write queues nothing
    private = admin.post("/v1/actors", json=actor_body(visibility="private"))
    assert private.status_code == 201
    assert _deliveries(session) == 1  # partners never get private profiles


def test_deliveries_are_signed_and_verify_with_standard_webhooks(
    partner: TestClient, admin: TestClient, receiver: Receiver, engine: Engine
) -> None:
    secret = subscribe(partner, receiver.url, "actor.created")["secret"]
    assert secret.startswith("whsec_")
    actor = admin.post("/v1/actors", json=actor_body(name="Signiert GmbH")).json()

    dispatcher = _dispatcher(engine)
    assert dispatcher.run_until_idle() == 1

    (got,) = receiver.received
    payload = Webhook(secret).verify(got.body, got.headers)
    assert payload["type"] == "actor.created"
    assert payload["data"]["id"] == actor["id"]
    assert payload["data"]["name"] == "Signiert GmbH"
    assert "contact_email" not in payload["data"]
    assert set(payload) == {"id", "type", "timestamp", "data"}
    assert got.headers["webhook-id"] == payload["id"]


def test_during_a_rotation_both_secrets_sign(
    partner: TestClient, admin: TestClient, receiver: Receiver, engine: Engine
) -> None:
    subscription = subscribe(partner, receiver.url, "actor.created")
    rotated = partner.post(f"/v1/webhooks/{subscription['id']}/rotate-secret")
    assert rotated.status_code == 200, rotated.text
    new_secret = rotated.json()["secret"]
    assert new_secret != subscription["secret"]
    admin.post("/v1/actors", json=actor_body())

    _dispatcher(engine).run_until_idle()

    (got,) = receiver.received
    assert len(got.headers["webhook-signature"].split()) == 2
    for secret in (subscription["secret"], new_secret):
        Webhook(secret).verify(got.body, got.headers)
    assert "secret" not in partner.get(f"/v1/webhooks/{subscription['id']}").json()


def test_receiver_down_then_up_gets_everything_in_retry_order_with_the_same_id(
    partner: TestClient, admin: TestClient, receiver: Receiver, engine: Engine, clock: Clock
) -> None:
    subscription = subscribe(partner, receiver.url, "actor.created")
    for n in range(3):
        admin.post("/v1/actors", json=actor_body(name=f"Warteschlange {n}"))
    down = True
    receiver.respond = lambda _: (503 if down else 200, {})
    clock.catch_up()
    dispatcher = _dispatcher(engine, clock)

    dispatcher.run_until_idle()  # three first attempts fail
    first_ids = receiver.ids()
    for attempt, delay in enumerate(RETRY_DELAYS[:4], start=1):
        with Session(engine) as session:
            due = [d.next_attempt_at for d in session.execute(select(WebhookDelivery)).scalars()]
        for moment in due:  # each retry on the schedule, ±20 %
            assert delay * 0.8 <= moment - clock.now <= delay * 1.2, attempt
        assert dispatcher.run_until_idle() == 0  # nothing is sent before it is due
        clock.now = max(due) + timedelta(seconds=1)
        if attempt == 4:
            down = False
        dispatcher.run_until_idle()

    assert len(first_ids) == 3
    ids = receiver.ids()
    assert ids[:3] == first_ids  # first attempts in the order the events were recorded
    assert {i: ids.count(i) for i in set(ids)} == dict.fromkeys(first_ids, 5)
    log = partner.get(f"/v1/webhooks/{subscription['id']}/deliveries").json()["data"]
    assert {d["status"] for d in log} == {"succeeded"}
    assert [a["status_code"] for a in log[0]["attempt_log"]] == [503, 503, 503, 503, 200]


def test_retry_after_is_honoured_on_429(
    partner: TestClient, admin: TestClient, receiver: Receiver, engine: Engine, clock: Clock
) -> None:
    subscribe(partner, receiver.url, "actor.created")
    admin.post("/v1/actors", json=actor_body())
    receiver.respond = lambda _: (429, {"Retry-After": "120"})
    clock.catch_up()

    _dispatcher(engine, clock).run_until_idle()

    with Session(engine) as session:
        due = session.execute(select(WebhookDelivery.next_attempt_at)).scalar_one()
    assert due - clock.now == timedelta(seconds=120)


def test_410_disables_the_subscription_at_once_and_records_why(
    partner: TestClient, admin: TestClient, receiver: Receiver, engine: Engine, session: Session
) -> None:
    subscription = subscribe(partner, receiver.url, "actor.created")
    admin.post("/v1/actors", json=actor_body())
    admin.post("/v1/actors", json=actor_body())
    receiver.respond = lambda _: (410, {})

    _dispatcher(engine).run_until_idle()

    shown = partner.get(f"/v1/webhooks/{subscription['id']}").json()
    assert (shown["enabled"], shown["disabled_reason"]) == (False, "the endpoint answered 410 Gone")
    assert len(receiver.received) == 1  # the other delivery is not tried any more
    session.rollback()
    disabled = session.execute(select(Event).where(Event.type == "webhook.disabled")).scalars()
    assert [e.entity_id for e in disabled] == [__import__("uuid").UUID(subscription["id"])]


def test_five_days_of_failures_disable_the_subscription(
    partner: TestClient, admin: TestClient, receiver: Receiver, engine: Engine, clock: Clock
) -> None:
    subscription = subscribe(partner, receiver.url, "actor.*")
    receiver.respond = lambda _: (500, {})
    dispatcher = _dispatcher(engine, clock)
    for day in range(6):
        admin.post("/v1/actors", json=actor_body(name=f"Tag {day}"))
        clock.catch_up()
        dispatcher.run_until_idle()
        clock.advance(timedelta(days=1))

    shown = partner.get(f"/v1/webhooks/{subscription['id']}").json()
    assert shown["enabled"] is False
    assert shown["disabled_reason"] == "failing continuously for 5 days"


def test_ping_redeliver_and_replay(
    partner: TestClient, admin: TestClient, receiver: Receiver, engine: Engine
) -> None:
    subscription = subscribe(partner, receiver.url, "actor.created")
    since = admin.post("/v1/actors", json=actor_body()).json()["created_at"]
    ping = partner.post(f"/v1/webhooks/{subscription['id']}/ping")
    assert ping.status_code == 202, ping.text
    dispatcher = _dispatcher(engine)
    dispatcher.run_until_idle()
    assert [r.json["type"] for r in receiver.received] == ["actor.created", "ping"]

    again = partner.post(
        f"/v1/webhooks/{subscription['id']}/deliveries/{ping.json()['id']}/redeliver"
    )
    assert again.status_code == 202
    dispatcher.run_until_idle()
    replayed = partner.post(f"/v1/webhooks/{subscription['id']}/replay", params={"since": since})
    assert replayed.status_code == 202
    assert replayed.json()["queued"] >= 1
    dispatcher.run_until_idle()

    ids = receiver.ids()
    assert ids[2] == ids[1]  # the redelivered ping, same webhook-id
    assert ids[0] in ids[3:]  # the replayed actor.created


@pytest.mark.parametrize("workers", [2])
def test_two_workers_deliver_every_event_exactly_once(
    partner: TestClient, engine: Engine, receiver: Receiver, workers: int
) -> None:
    import threading

    from radar.services.events import record_events

    subscribe(partner, receiver.url, "actor.updated")
    with Session(engine) as session:
        record_events(
            session,
            type="actor.updated",
            entity_type="actor",
            snapshots=[(__import__("uuid").uuid4(), {"n": n}, False) for n in range(1000)],
        )
        session.commit()
    dispatchers = [Dispatcher(engine, allow_private=True, batch_size=20) for _ in range(workers)]
    threads = [threading.Thread(target=d.run_until_idle) for d in dispatchers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    ids = receiver.ids()
    assert len(ids) == 1000
    assert len(set(ids)) == 1000
