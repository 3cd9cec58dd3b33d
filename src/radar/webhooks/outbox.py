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

from radar.models.account import Account, AccountActor, Role
from radar.models.webhook import WebhookDelivery, WebhookSubscription
from radar.services.access import Principal
from radar.services.event_views import EventReader, actor_states, referenced_actors
from radar.webhooks.catalogue import matches


@dataclass(frozen=True)
class OutgoingEvent:
    id: uuid.UUID
    type: str
    created_at: datetime
    data: dict[str, Any]  # the full snapshot: shaped for each subscription's owner
    private: bool = False  # of a private profile: for admins' and its managers' subscriptions
    entity_type: str = ""
    entity_id: uuid.UUID | None = None


def envelope(event: OutgoingEvent, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """What a receiver gets: `{id, type, timestamp, data}` (`data`: the event's, shaped for
    the receiver)."""
    return {
        "id": str(event.id),
        "type": event.type,
        "timestamp": event.created_at.isoformat(),
        "data": event.data if data is None else data,
    }


def queue_deliveries(
    session: Session,
    events: Sequence[OutgoingEvent],
    *,
    subscription_id: uuid.UUID | None = None,
) -> int:
    """Add a pending delivery for every enabled subscription each event matches (or only for
    `subscription_id`), its data shaped for the account that owns the subscription as a REST
    read would show it (see `event_views`); none where that account may not see the event.
    Returns how many."""
    if not events:
        return 0
    statement = (
        select(
            col(WebhookSubscription.id),
            col(WebhookSubscription.event_types),
            col(Account.id),
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
    readers = _readers(
        session, {account_id: role for _, _, account_id, role in subscriptions}, events
    )
    rows = []
    for event in events:
        for sub_id, patterns, account_id, _ in subscriptions:
            if subscription_id is None and not matches(patterns, event.type):
                continue
            reader = readers[account_id]
            if event.private and not (
                reader.principal.is_admin or reader.principal.manages(event.entity_id)
            ):
                continue
            data = reader.shape(event.entity_type, event.entity_id, event.data)
            if data is None:
                continue
            rows.append(
                {
                    "id": uuid.uuid4(),
                    "subscription_id": sub_id,
                    "event_id": event.id,
                    "event_type": event.type,
                    "payload": envelope(event, data),
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt_at": event.created_at,
                    "created_at": event.created_at,
                }
            )
    if rows:
        session.execute(sa.insert(WebhookDelivery), rows)
    return len(rows)


def _readers(
    session: Session, roles: dict[uuid.UUID, Role], events: Sequence[OutgoingEvent]
) -> dict[uuid.UUID, EventReader]:
    """A reader per subscribing account (its role and the actors it manages), all knowing the
    current state of the actors the events name."""
    managed: dict[uuid.UUID, set[uuid.UUID]] = {account_id: set() for account_id in roles}
    for account_id, actor_id in session.execute(
        select(col(AccountActor.account_id), col(AccountActor.actor_id)).where(
            col(AccountActor.account_id).in_(list(roles))
        )
    ):
        managed[account_id].add(actor_id)
    named: set[uuid.UUID] = set()
    for event in events:
        named |= referenced_actors(event.entity_type, event.entity_id, event.data)
    states = actor_states(session, named)
    return {
        account_id: EventReader(
            Principal(
                role=Role(role), account_id=account_id, actor_ids=frozenset(managed[account_id])
            ),
            states,
        )
        for account_id, role in roles.items()
    }
