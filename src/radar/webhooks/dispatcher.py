"""The dispatcher: claims due deliveries with a lease (committed before sending), posts each
signed, and records the attempt — success, a retry on the schedule, or the end.

A worker keeps the leases of the deliveries it holds: a keeper thread renews them while the
batch is sent, and each send first renews its own lease, comparing the lease end this worker
wrote (its claim token). So a delivery goes out once in normal operation, however slow the
receiver, and a worker whose claim was taken over (it stalled past its lease) never sends it;
each outcome is recorded before the next send, so a crash repeats only the send in flight.

Retries come 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h after the failures, each ±20 %;
`Retry-After` on 429 and 503 is honoured; 410 disables the subscription at once, and so do five
days of failures in a row (recording `webhook.disabled`). Time comes from an injected clock."""

import json
import logging
import random
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

import httpx
import sqlalchemy as sa
from sqlalchemy import Engine, select
from sqlmodel import Session, col

from radar.db import session_scope
from radar.models.base import utcnow
from radar.models.webhook import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from radar.webhooks import signing, ssrf

if TYPE_CHECKING:
    from radar.webhooks.match_watch import MatchWatcher

log = logging.getLogger("radar.webhooks")

RETRY_DELAYS = [
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
]
JITTER = 0.2
DISABLE_AFTER = timedelta(days=5)
TIMEOUT_SECONDS = 15.0
MAX_RETRY_AFTER = timedelta(days=1)
BODY_LOGGED = 2048
SECRET_OVERLAP = timedelta(hours=24)

Clock = Callable[[], datetime]
Payload = dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    latency_ms: float | None
    body: str | None
    error: str | None
    retry_after: timedelta | None = None
    final: bool = False


Sent = tuple[WebhookDelivery, WebhookSubscription, Outcome]


class Dispatcher:
    """Sends due webhook deliveries; safe to run in several processes at once."""

    def __init__(
        self,
        engine: Engine,
        *,
        allow_private: bool = False,
        clock: Clock = utcnow,
        transport: httpx.BaseTransport | None = None,
        resolve: ssrf.Resolver = ssrf.system_resolver,
        rng: random.Random | None = None,
        batch_size: int = 50,
        lease: timedelta = timedelta(seconds=60),
        watcher: "MatchWatcher | None" = None,
    ) -> None:
        self.engine = engine
        self.allow_private = allow_private
        self.clock = clock
        self.resolve = resolve
        self.rng = rng or random.Random()
        self.batch_size = batch_size
        self.lease = lease
        self.watcher = watcher
        self.client = httpx.Client(
            timeout=TIMEOUT_SECONDS, follow_redirects=False, transport=transport
        )
        # The deliveries this worker holds, each with the lease end it last wrote: its token.
        self._held: dict[uuid.UUID, datetime] = {}
        self._lock = threading.Lock()  # one lease write at a time: keeper, send or record
        self._send_seconds = 0.0  # how long a send takes, a moving average

    def close(self) -> None:
        self.client.close()

    def run_once(self) -> int:
        """Announce new matches (with a watcher), then claim one batch of due deliveries and
        attempt each; how many were attempted."""
        if self.watcher is not None:
            self.watcher.run_once()
        claimed = self.claim(limit=self._batch_limit())
        if claimed:
            self.attempt_all(claimed)
        return len(claimed)

    def run_until_idle(self, *, max_rounds: int = 1000) -> int:
        """Attempt due deliveries until none is due now (tests and `radar worker --once`)."""
        total = 0
        for _ in range(max_rounds):
            done = self.run_once()
            total += done
            if not done:
                break
        return total

    def run_forever(self, stop: threading.Event, *, idle_seconds: float = 0.2) -> None:
        while not stop.is_set():
            try:
                busy = self.run_once()
            except Exception:  # a worker keeps going: the lease brings the batch back
                log.exception("webhook dispatch failed; retrying")
                busy = 0
            if not busy:
                stop.wait(idle_seconds)

    # -- claiming ---------------------------------------------------------------------------

    def claim(self, *, limit: int | None = None) -> list[uuid.UUID]:
        """Take a lease on up to `limit` (`batch_size`) due deliveries and commit it before
        sending: another worker skips them while this one keeps the lease (a crashed worker's
        come back when it runs out)."""
        now = self.clock()
        until = self._lease_end(now)
        due = (
            select(col(WebhookDelivery.id))
            .where(
                col(WebhookDelivery.status) == DeliveryStatus.pending,
                col(WebhookDelivery.next_attempt_at) <= now,
                sa.or_(
                    col(WebhookDelivery.lease_until).is_(None),
                    col(WebhookDelivery.lease_until) < now,
                ),
            )
            .order_by(col(WebhookDelivery.next_attempt_at), col(WebhookDelivery.created_at))
            .limit(limit or self.batch_size)
        )
        claimed: list[uuid.UUID] = []
        with session_scope(self.engine, write=False) as session:
            # Idle most of the time: look first, without taking SQLite's write lock.
            if session.execute(due.with_only_columns(col(WebhookDelivery.id))).first() is None:
                return claimed
        with session_scope(self.engine) as session:
            if self.engine.dialect.name == "postgresql":
                due = due.with_for_update(skip_locked=True)
            candidates = list(session.execute(due).scalars())
            for delivery_id in candidates:
                # A conditional update: on SQLite (no row locks) only one worker wins it.
                won = session.execute(
                    sa.update(WebhookDelivery)
                    .where(
                        col(WebhookDelivery.id) == delivery_id,
                        col(WebhookDelivery.status) == DeliveryStatus.pending,
                        sa.or_(
                            col(WebhookDelivery.lease_until).is_(None),
                            col(WebhookDelivery.lease_until) < now,
                        ),
                    )
                    .values(lease_until=until)
                    .execution_options(synchronize_session=False)
                )
                if won.rowcount == 1:  # type: ignore[attr-defined]
                    claimed.append(delivery_id)
        with self._lock:
            self._held.update(dict.fromkeys(claimed, until))
        return claimed

    def _batch_limit(self) -> int:
        # About what this worker sends in half a lease: slow receivers do not leave one worker
        # sitting on deliveries another one could send (nor a crash keep many of them waiting).
        if self._send_seconds <= 0:
            return self.batch_size
        fits = int(self.lease.total_seconds() / 2 / self._send_seconds)
        return max(1, min(self.batch_size, fits))

    def _lease_end(self, now: datetime) -> datetime:
        # The lease end doubles as the claim's token: a takeover writes a later one, and the
        # random microseconds keep two claims apart even if the workers' clocks disagree.
        return now + self.lease + timedelta(microseconds=1 + secrets.randbelow(999))

    def _extend(
        self, session: Session, delivery_ids: list[uuid.UUID], token: datetime, until: datetime
    ) -> dict[uuid.UUID, Payload]:
        """Move the lease of those deliveries that are still pending and still leased with
        `token` (nobody took them over) to `until`; their payloads as they are now."""
        renewed = session.connection().execute(
            _RENEW, {"ids": delivery_ids, "token": token, "until": until}
        )
        return dict(renewed.all())

    def _keep_leases(self, stop: threading.Event) -> None:
        """Renew the held leases three times per lease period until `stop`: a batch sent to a
        slow receiver stays this worker's to the end."""
        interval = self.lease.total_seconds() / 3
        while not stop.wait(interval):
            try:
                self._renew_held()
            except Exception:  # the next round tries again, and every send checks its lease
                log.exception("renewing webhook leases failed")

    def _renew_held(self) -> None:
        with self._lock:
            if not self._held:
                return
            until = self._lease_end(self.clock())
            by_token: dict[datetime, list[uuid.UUID]] = {}
            for delivery_id, token in self._held.items():
                by_token.setdefault(token, []).append(delivery_id)
            kept: set[uuid.UUID] = set()
            with session_scope(self.engine) as session:
                for token, delivery_ids in by_token.items():
                    kept.update(self._extend(session, delivery_ids, token, until))
            for delivery_id in list(self._held):
                if delivery_id in kept:
                    self._held[delivery_id] = until
                else:  # taken over, redelivered or ended by someone else: not ours to send
                    del self._held[delivery_id]

    # -- one attempt ------------------------------------------------------------------------

    def attempt_all(self, delivery_ids: list[uuid.UUID]) -> None:
        """Send the claimed deliveries in order, recording each outcome before the next send,
        while a keeper thread renews the leases of those still waiting."""
        with session_scope(self.engine, write=False) as session:
            deliveries = list(
                session.execute(
                    select(WebhookDelivery).where(col(WebhookDelivery.id).in_(delivery_ids))
                ).scalars()
            )
            wanted = {d.subscription_id for d in deliveries}
            subscriptions = {
                s.id: s
                for s in session.execute(
                    select(WebhookSubscription).where(col(WebhookSubscription.id).in_(wanted))
                ).scalars()
            }
            session.expunge_all()
        order = {delivery_id: i for i, delivery_id in enumerate(delivery_ids)}
        deliveries.sort(key=lambda d: order[d.id])
        stop = threading.Event()
        keeper = threading.Thread(
            target=self._keep_leases, args=(stop,), name="webhook-leases", daemon=True
        )
        keeper.start()
        try:
            sent: Sent | None = None
            for delivery in deliveries:
                subscription = subscriptions.get(delivery.subscription_id)
                if subscription is None:
                    continue
                payload = self._between_sends(sent, delivery.id)
                sent = None
                if payload is None:  # no longer this worker's, or no longer pending
                    continue
                delivery.payload = payload
                if subscription.enabled:
                    started = time.perf_counter()
                    outcome = self.send(subscription, delivery)
                    took = time.perf_counter() - started
                    self._send_seconds = 0.8 * self._send_seconds + 0.2 * took
                else:
                    outcome = Outcome(None, None, None, "subscription disabled", final=True)
                sent = (delivery, subscription, outcome)
            if sent is not None:
                self._between_sends(sent, None)
        finally:
            stop.set()
            keeper.join()
            with self._lock:  # after a failure the leases left lapse: the deliveries come back
                for delivery_id in delivery_ids:
                    self._held.pop(delivery_id, None)

    def _between_sends(self, sent: Sent | None, next_id: uuid.UUID | None) -> Payload | None:
        """One transaction between two sends: record the outcome of the delivery just sent (a
        crash later in the batch repeats nothing), then renew the lease of the next one if this
        worker still holds it and it is still pending. The next one's payload as it is now (a
        scrub since the claim counts), or None: not to be sent."""
        with self._lock:
            token = self._held.pop(sent[0].id, None) if sent is not None else None
            next_token = self._held.get(next_id) if next_id is not None else None
            until = self._lease_end(self.clock())
            renewed: dict[uuid.UUID, Payload] = {}
            with session_scope(self.engine) as session:
                if sent is not None:
                    self._record(session, *sent, token)
                if next_id is not None and next_token is not None:
                    renewed = self._extend(session, [next_id], next_token, until)
            if next_id is None:
                return None
            if next_id in renewed:
                self._held[next_id] = until
                return renewed[next_id]
            self._held.pop(next_id, None)
            return None

    def send(self, subscription: WebhookSubscription, delivery: WebhookDelivery) -> Outcome:
        """POST the delivery, signed with the current (and during a rotation the previous)
        secret, to the address the SSRF guard checked just now."""
        now = self.clock()
        try:
            target = ssrf.check(
                subscription.url, allow_private=self.allow_private, resolve=self.resolve
            )
        except ssrf.UnsafeUrl as error:
            return Outcome(None, None, None, f"refused: {error}")
        body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()
        keys = [subscription.secret]
        if subscription.previous_secret and (
            subscription.previous_secret_expires_at is None
            or subscription.previous_secret_expires_at > now
        ):
            keys.append(subscription.previous_secret)
        headers = signing.headers(keys, str(delivery.event_id), int(now.timestamp()), body)
        headers["content-type"] = "application/json"
        headers["user-agent"] = "Radar-Webhooks/1"
        url = httpx.URL(subscription.url)
        default_port = 443 if url.scheme == "https" else 80
        headers["host"] = (
            target.host if target.port == default_port else f"{target.host}:{target.port}"
        )
        extensions = {"sni_hostname": target.host} if url.scheme == "https" else {}
        pinned = url.copy_with(host=target.address)
        started = time.perf_counter()
        try:
            response = self.client.post(
                pinned, content=body, headers=headers, extensions=extensions
            )
        except httpx.HTTPError as error:
            return Outcome(None, None, None, f"{type(error).__name__}: {error}"[:500])
        latency = (time.perf_counter() - started) * 1000
        retry_after = (
            _retry_after(response.headers.get("retry-after"), now)
            if response.status_code in (429, 503)
            else None
        )
        return Outcome(
            response.status_code, round(latency, 1), response.text[:BODY_LOGGED], None, retry_after
        )

    def _record(
        self,
        session: Session,
        delivery: WebhookDelivery,
        subscription: WebhookSubscription,
        outcome: Outcome,
        token: datetime | None,
    ) -> None:
        now = self.clock()
        row = session.get(WebhookDelivery, delivery.id, with_for_update=True)
        sub = session.get(WebhookSubscription, subscription.id, with_for_update=True)
        if row is None or sub is None:
            return
        row.attempts += 1
        session.add(
            WebhookAttempt(
                delivery_id=row.id,
                number=row.attempts,
                at=now,
                status_code=outcome.status_code,
                latency_ms=outcome.latency_ms,
                response_body=outcome.body,
                error=outcome.error,
            )
        )
        row.last_status_code = outcome.status_code
        if token is None or row.lease_until != token:
            return  # the claim was lost during the send: what comes next is its holder's call
        row.lease_until = None
        if outcome.final:  # not to be tried again (its subscription is disabled)
            row.status = DeliveryStatus.failed
            return
        code = outcome.status_code
        if code is not None and 200 <= code < 300:
            row.status = DeliveryStatus.succeeded
            row.delivered_at = now
            sub.failing_since = None
            return
        if code == 410:
            row.status = DeliveryStatus.failed
            _disable(session, sub, now, "the endpoint answered 410 Gone")
            return
        if sub.failing_since is None:
            sub.failing_since = now
        elif now - sub.failing_since >= DISABLE_AFTER:
            row.status = DeliveryStatus.failed
            _disable(session, sub, now, "failing continuously for 5 days")
            return
        if row.attempts > len(RETRY_DELAYS):
            row.status = DeliveryStatus.failed
            return
        delay = RETRY_DELAYS[row.attempts - 1]
        delay = delay * (1 + self.rng.uniform(-JITTER, JITTER))
        if outcome.retry_after is not None:
            delay = min(outcome.retry_after, MAX_RETRY_AFTER)
        row.next_attempt_at = now + delay


# Built once: it runs before every send. Executed on the session's connection, so the ORM
# neither flushes first nor tracks it.
_RENEW = (
    sa.update(WebhookDelivery)
    .where(
        col(WebhookDelivery.id).in_(sa.bindparam("ids", expanding=True)),
        col(WebhookDelivery.status) == DeliveryStatus.pending,
        col(WebhookDelivery.lease_until) == sa.bindparam("token"),
    )
    .values(lease_until=sa.bindparam("until"))
    .returning(col(WebhookDelivery.id), col(WebhookDelivery.payload))
)


def _disable(session: Session, subscription: WebhookSubscription, now: datetime, why: str) -> None:
    from radar.services.events import record_event

    subscription.enabled = False
    subscription.disabled_reason = why
    subscription.updated_at = now
    session.execute(
        sa.update(WebhookDelivery)
        .where(
            col(WebhookDelivery.subscription_id) == subscription.id,
            col(WebhookDelivery.status) == DeliveryStatus.pending,
        )
        .values(status=DeliveryStatus.failed, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    record_event(
        session,
        type="webhook.disabled",
        entity_type="webhook",
        entity_id=subscription.id,
        payload={"subscription_id": str(subscription.id), "url": subscription.url, "reason": why},
        private=True,
    )


def _retry_after(value: str | None, now: datetime) -> timedelta | None:
    """`Retry-After` in seconds or as an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(timedelta(0), moment - now)
