"""Erasure: what deleting an actor removes beyond its row — its data in stored events and in
webhook deliveries (pending or sent: redelivery and replay send what is stored), leaving only
the fact that an actor with its id existed."""

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy import select
from sqlmodel import Session, col

from radar.models.event import Event
from radar.models.webhook import WebhookDelivery

# What an erased actor's name becomes in text that named it (a reason of a suggestion).
ERASED = "[gelöscht/erased]"
# Keys of an entry about an actor (a member, a suggestion) that carry its name.
_NAME_KEYS = ("actor_name", "name")


def tombstone(actor_id: uuid.UUID) -> dict[str, Any]:
    """All that stays of an erased actor in an event: its id."""
    return {"id": str(actor_id)}


def erase_actor_traces(session: Session, *, actor_id: uuid.UUID, name: str) -> None:
    """Scrub actor `actor_id` (named `name`) from stored events and webhook deliveries: its own
    events keep only its id; events and deliveries of other things that name it (a member
    joining, a suggestion) keep its id but lose its name, wherever the name appears."""
    needle = str(actor_id)
    session.execute(
        sa.update(Event)
        .where(col(Event.entity_type) == "actor", col(Event.entity_id) == actor_id)
        .values(payload=tombstone(actor_id))
        .execution_options(synchronize_session=False)
    )
    mentioning = _mentions(col(Event.payload), needle)
    for event in session.execute(
        select(Event).where(col(Event.entity_type) != "actor", mentioning)
    ).scalars():
        event.payload = scrub(event.payload, needle, name)
    for delivery in session.execute(
        select(WebhookDelivery).where(_mentions(col(WebhookDelivery.payload), needle))
    ).scalars():
        envelope = dict(delivery.payload)
        data = envelope.get("data")
        own = (
            str(delivery.event_type).startswith("actor.")
            and isinstance(data, dict)
            and data.get("id") == needle
        )
        envelope["data"] = tombstone(actor_id) if own else scrub(data, needle, name)
        delivery.payload = envelope
    session.flush()


def _mentions(column: Any, needle: str) -> sa.ColumnElement[bool]:
    """Rows whose JSON holds `needle` anywhere (the JSON as text: SQLite and PostgreSQL)."""
    return sa.cast(column, sa.Text).contains(needle)


def scrub(value: Any, needle: str, name: str) -> Any:
    """`value` (JSON) without the name of the actor whose id is `needle`: the name fields of
    an entry about it emptied, the name replaced by `ERASED` in any text."""
    if isinstance(value, dict):
        scrubbed = {key: scrub(item, needle, name) for key, item in value.items()}
        about = scrubbed.get("actor_id") == needle or (
            scrubbed.get("type") == "actor" and scrubbed.get("id") == needle
        )
        if about:
            scrubbed.update({key: None for key in _NAME_KEYS if key in scrubbed})
        return scrubbed
    if isinstance(value, list):
        return [scrub(item, needle, name) for item in value]
    if isinstance(value, str) and name and name in value:
        return value.replace(name, ERASED)
    return value
