"""Domain events: recorded in the same transaction as the change they describe."""

import uuid
from typing import Any

from sqlmodel import Session

from radar.models.event import Event

# Personal data stays out of the outbox: events reach partner platforms through webhooks.
PERSONAL_FIELDS = frozenset({"contact_email", "contact_phone"})


def record_event(
    session: Session,
    *,
    type: str,
    entity_type: str,
    entity_id: uuid.UUID,
    payload: dict[str, Any],
) -> Event:
    """Add a domain event (e.g. `actor.updated`) with a snapshot of the entity."""
    snapshot = {key: value for key, value in payload.items() if key not in PERSONAL_FIELDS}
    event = Event(type=type, entity_type=entity_type, entity_id=entity_id, payload=snapshot)
    session.add(event)
    return event
