"""Webhooks: partners' subscriptions, one delivery per (event, subscription), and each attempt."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

import sqlalchemy as sa
from pydantic import Field as SchemaField
from pydantic import field_validator
from sqlmodel import Field, SQLModel

from radar.models.base import (
    Boolean,
    InputModel,
    Page,
    UpdateModel,
    enum_type,
    new_id,
    utcnow,
)
from radar.webhooks.catalogue import EVENT_TYPES


def _selectors() -> tuple[str, ...]:
    """What a subscription may select: `*`, a family (`actor.*`) or an event type; `ping` is
    sent on request only, whatever a subscription selects."""
    types = [event_type for event_type in EVENT_TYPES if "." in event_type]
    families = dict.fromkeys(event_type.split(".")[0] + ".*" for event_type in types)
    return ("*", *families, *types)


EVENT_SELECTORS = _selectors()
# The schema says what `check_selectors` accepts; checked on the whole list, so a problem
# names `event_types`.
EventSelector = Annotated[str, SchemaField(json_schema_extra={"enum": list(EVENT_SELECTORS)})]
URL_PATTERN = r"^[Hh][Tt][Tt][Pp][Ss]?://\S+$"


class WebhookSubscription(SQLModel, table=True):
    __tablename__ = "webhook_subscription"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    account_id: uuid.UUID = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    url: str = Field(max_length=2000)
    event_types: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    description: str = Field(default="", max_length=500)
    enabled: bool = Field(default=True)
    secret: str = Field(max_length=200)
    # After a rotation the old secret signs too, until it expires.
    previous_secret: str | None = Field(default=None, max_length=200)
    previous_secret_expires_at: datetime | None = None
    disabled_reason: str | None = Field(default=None, max_length=500)
    failing_since: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class DeliveryStatus(StrEnum):
    pending = "pending"  # waiting for its (next) attempt
    succeeded = "succeeded"
    failed = "failed"  # retries exhausted, or the subscription was disabled


class WebhookDelivery(SQLModel, table=True):
    """One event for one subscription: created in the transaction that recorded the event."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        sa.Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
        sa.UniqueConstraint("event_id", "subscription_id", name="uq_webhook_delivery_pair"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    subscription_id: uuid.UUID = Field(
        foreign_key="webhook_subscription.id", ondelete="CASCADE", index=True
    )
    event_id: uuid.UUID = Field(index=True)  # the `webhook-id`, stable across retries
    event_type: str = Field(max_length=64)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)  # the envelope
    status: DeliveryStatus = Field(
        default=DeliveryStatus.pending, sa_type=enum_type(DeliveryStatus)
    )
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utcnow)
    lease_until: datetime | None = None
    last_status_code: int | None = None
    created_at: datetime = Field(default_factory=utcnow, index=True)
    delivered_at: datetime | None = None


class WebhookAttempt(SQLModel, table=True):
    __tablename__ = "webhook_attempt"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    delivery_id: uuid.UUID = Field(
        foreign_key="webhook_delivery.id", ondelete="CASCADE", index=True
    )
    number: int
    at: datetime = Field(default_factory=utcnow)
    status_code: int | None = None
    latency_ms: float | None = None
    response_body: str | None = Field(default=None, sa_type=sa.Text)  # first 2 KB
    error: str | None = Field(default=None, max_length=500)


# -- API shapes ------------------------------------------------------------------------------


class SubscriptionCreate(InputModel):
    url: str = Field(
        min_length=8,
        max_length=2000,
        schema_extra={"pattern": URL_PATTERN, "json_schema_extra": {"format": "uri"}},
        description="https URL receiving the events (resolving to public addresses only).",
    )
    event_types: list[EventSelector] = Field(
        min_length=1,
        max_length=50,
        description="Event types, families like `actor.*`, or `*` for all (see "
        "`GET /v1/webhooks/event-types`).",
    )
    description: str = Field(default="", max_length=500)
    enabled: Boolean = True

    @field_validator("event_types")
    @classmethod
    def _selectors(cls, value: list[str]) -> list[str]:
        return check_selectors(value)


class SubscriptionUpdate(UpdateModel):
    url: str = Field(
        default=None,
        min_length=8,
        max_length=2000,
        schema_extra={"pattern": URL_PATTERN, "json_schema_extra": {"format": "uri"}},
    )
    event_types: list[EventSelector] = Field(default=None, min_length=1, max_length=50)
    description: str = Field(default=None, max_length=500)
    enabled: Boolean = Field(default=None)

    @field_validator("event_types")
    @classmethod
    def _selectors(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else check_selectors(value)


def check_selectors(value: list[str]) -> list[str]:
    """Event types, families (`actor.*`) and `*`, deduplicated; ValueError for others."""
    for selector in value:
        if selector not in EVENT_SELECTORS:
            raise ValueError(f"{selector!r} is not an event type, a family like `actor.*`, or `*`")
    return list(dict.fromkeys(value))


class SubscriptionPublic(SQLModel):
    id: uuid.UUID
    account_id: uuid.UUID
    url: str = Field(schema_extra={"json_schema_extra": {"format": "uri"}})
    event_types: list[str]
    description: str
    enabled: bool
    disabled_reason: str | None
    created_at: datetime
    updated_at: datetime


class SubscriptionWithSecret(SubscriptionPublic):
    secret: str = Field(description="The signing secret `whsec_…`: shown this once; store it.")


class SubscriptionsPage(Page):
    data: list[SubscriptionPublic]


class AttemptPublic(SQLModel):
    number: int
    at: datetime
    status_code: int | None
    latency_ms: float | None
    response_body: str | None
    error: str | None


class DeliveryPublic(SQLModel):
    id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime
    last_status_code: int | None
    created_at: datetime
    delivered_at: datetime | None
    attempt_log: list[AttemptPublic] = Field(default_factory=list)


class DeliveriesPage(Page):
    data: list[DeliveryPublic]


class EventType(SQLModel):
    type: str
    description: str


class EventTypes(SQLModel):
    data: list[EventType]


class ReplayReport(SQLModel):
    queued: int = Field(description="Deliveries queued again.")


# -- what receivers get: `{id, type, timestamp, data}` per event type -------------------------


class Envelope(SQLModel):
    id: uuid.UUID = Field(description="The event's id: the `webhook-id` header, stable across "
                          "retries; deduplicate on it.")  # fmt: skip
    type: str
    timestamp: datetime = Field(description="When the event was recorded.")


class MemberEventData(SQLModel):
    group_id: uuid.UUID
    actor_id: uuid.UUID
    actor_name: str
    role: str
    status: str
    joined_at: datetime


class DisabledEventData(SQLModel):
    subscription_id: uuid.UUID
    url: str = Field(schema_extra={"json_schema_extra": {"format": "uri"}})
    reason: str


class PingEventData(SQLModel):
    subscription_id: uuid.UUID


class MatchedRef(SQLModel):
    type: str = Field(description="`actor` or `idea`.")
    id: uuid.UUID
    name: str


class MatchFoundData(SQLModel):
    actor: MatchedRef = Field(description="An actor of the pair.")
    match: MatchedRef = Field(description="The actor or idea it matches.")
    score: float
    reasons: list[dict[str, str]] = Field(description="`{component, de, en}` each.")
