"""Domain events: recorded in the same transaction as the change they describe."""

import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import select
from sqlmodel import Session, col

from radar.models.base import new_id, utcnow
from radar.models.event import Event, EventPublic, EventsPage
from radar.services.access import Principal, require_signed_in
from radar.services.event_views import EventReader, actor_states, referenced_actors
from radar.webhooks import outbox
from radar.webhooks.outbox import OutgoingEvent

# Personal data stays out of the outbox: events reach partner platforms through webhooks.
PERSONAL_FIELDS = frozenset({"contact_email", "contact_phone"})


def record_event(
    session: Session,
    *,
    type: str,
    entity_type: str,
    entity_id: uuid.UUID,
    payload: dict[str, Any],
    private: bool = False,
) -> Event:
    """Add a domain event (e.g. `actor.updated`) with a snapshot of the entity; `private` when
    the snapshot is of something only admins and its managers may see."""
    event = Event(
        type=type,
        entity_type=entity_type,
        entity_id=entity_id,
        payload=_without_personal(payload),
        private=private,
    )
    session.add(event)
    outbox.queue_deliveries(
        session,
        [
            OutgoingEvent(
                event.id, type, event.created_at, event.payload, private, entity_type, entity_id
            )
        ],
    )
    return event


def record_events(
    session: Session,
    *,
    type: str,
    entity_type: str,
    snapshots: Sequence[tuple[uuid.UUID, dict[str, Any], bool]],
) -> None:
    """Record one event per (entity id, payload, private) at once, as `record_event` would:
    for bulk writes, in one INSERT."""
    if not snapshots:
        return
    now = utcnow()
    rows: list[dict[str, Any]] = [
        {
            "id": new_id(),
            "type": type,
            "entity_type": entity_type,
            "entity_id": entity_id,
            "payload": _without_personal(payload),
            "created_at": now,
            "private": private,
        }
        for entity_id, payload, private in snapshots
    ]
    session.execute(sa.insert(Event), rows)
    outbox.queue_deliveries(
        session,
        [
            OutgoingEvent(
                r["id"], type, now, r["payload"], r["private"], entity_type, r["entity_id"]
            )
            for r in rows
        ],
    )


def _without_personal(payload: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in payload.items() if key not in PERSONAL_FIELDS}


def list_events(
    session: Session,
    *,
    principal: Principal,
    after: int,
    limit: int,
    settle: timedelta,
    types: list[str] | None = None,
    entity_type: str | None = None,
    entity_id: uuid.UUID | None = None,
) -> EventsPage:
    """Events after the cursor `after`, oldest first; `types` entries may end in `.*`. For
    signed-in callers only, each shaped as a REST read would show it to the caller (see
    `event_views`): events about what the caller may not see are left out (private profiles'
    for all but admins and their managers), and `next_after` moves past them.

    Only events older than `settle` are returned: a transaction that took its sequence number
    earlier but committed later is then already visible, so a reader never skips it."""
    require_signed_in(principal)
    statement = (
        select(Event)
        .where(col(Event.seq) > after, col(Event.created_at) <= utcnow() - settle)
        .order_by(col(Event.seq))
        .limit(limit)
    )
    if types:
        statement = statement.where(
            sa.or_(
                *(
                    col(Event.type).startswith(kind[:-1])
                    if kind.endswith(".*")
                    else col(Event.type) == kind
                    for kind in types
                )
            )
        )
    if not principal.is_admin:
        managed = (
            col(Event.entity_id).in_(principal.actor_ids) if principal.actor_ids else sa.false()
        )
        statement = statement.where(sa.or_(col(Event.private).is_(False), managed))
    if entity_type is not None:
        statement = statement.where(col(Event.entity_type) == entity_type)
    if entity_id is not None:
        statement = statement.where(col(Event.entity_id) == entity_id)
    rows = session.execute(statement).scalars().all()
    named: set[uuid.UUID] = set()
    for row in rows:
        named |= referenced_actors(row.entity_type, row.entity_id, row.payload)
    reader = EventReader(principal, actor_states(session, named))
    events = []
    for row in rows:
        shaped = reader.shape(row.entity_type, row.entity_id, row.payload)
        if shaped is not None:
            events.append(EventPublic.model_validate(row, update={"payload": shaped}))
    # Past the last event read, shown or not: a reader never reads the left-out ones again.
    return EventsPage(data=events, next_after=rows[-1].seq or after if rows else after)
