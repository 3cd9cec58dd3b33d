"""The transactional outbox: one delivery per (event, matching subscription), written in the
transaction that records the event, so a committed change is never without its deliveries and
a rolled-back one never has any."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import select
from sqlmodel import Session, col

from radar.models.account import Account, Role
from radar.models.webhook import WebhookDelivery, WebhookSubscription
from radar.webhooks.catalogue import matches


@dataclass(frozen=True)
class OutgoingEvent:
    id: uuid.UUID
    type: str
    created_at: datetime
    data: dict[str, Any]
    private: bool = False  # of a private profile: for admins' subscriptions only


def envelope(event: OutgoingEvent) -> dict[str, Any]:
    """What a receiver gets: `{id, type, timestamp, data}`."""
    return {
        "id": str(event.id),
        "type": event.type,
        "timestamp": event.created_at.isoformat(),
        "data": event.data,
    }


def queue_deliveries(
    session: Session,
    events: Sequence[OutgoingEvent],
    *,
    subscription_id: uuid.UUID | None = None,
) -> int:
    """Add a pending delivery for every enabled subscription each event matches (or only for
    `subscription_id`); returns how many."""
    if not events:
        return 0
    statement = (
        select(
            col(WebhookSubscription.id),
            col(WebhookSubscription.event_types),
            col(Account.role),
        )
        .join(Account, col(Account.id) == col(WebhookSubscription.account_id))
        .where(col(WebhookSubscription.enabled).is_(True))
    )
    if subscription_id is not None:
        statement = statement.where(col(WebhookSubscription.id) == subscription_id)
    subscriptions = session.execute(statement).all()
    if not subscriptions:
        return 0
    rows = []
    for event in events:
        for sub_id, patterns, role in subscriptions:
            if event.private and role != Role.admin:
                continue
            if subscription_id is None and not matches(patterns, event.type):
                continue
            rows.append(
                {
                    "id": uuid.uuid4(),
                    "subscription_id": sub_id,
                    "event_id": event.id,
                    "event_type": event.type,
                    "payload": envelope(event),
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt_at": event.created_at,
                    "created_at": event.created_at,
                }
            )
    if rows:
        session.execute(sa.insert(WebhookDelivery), rows)
    return len(rows)
