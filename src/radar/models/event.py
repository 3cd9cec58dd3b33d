"""Domain events: written with every change, in the same transaction (the webhook outbox)."""

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from radar.models.base import new_id, utcnow


class Event(SQLModel, table=True):
    __tablename__ = "event"

    # A gap-free-enough ascending sequence for readers of the outbox and the match index.
    seq: int | None = Field(
        default=None,
        sa_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        primary_key=True,
    )
    id: uuid.UUID = Field(default_factory=new_id, unique=True)
    type: str = Field(max_length=64, index=True)
    entity_type: str = Field(max_length=32)
    entity_id: uuid.UUID = Field(index=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    # The snapshot is of something only its managers and admins may see (a private profile).
    private: bool = Field(default=False)


class EventPublic(SQLModel):
    id: uuid.UUID
    seq: int = Field(description="Position in the feed; pass the last one seen as `after`.")
    type: str
    entity_type: str
    entity_id: uuid.UUID
    payload: dict[str, Any]
    created_at: datetime


class EventsPage(SQLModel):
    data: list[EventPublic]
    next_after: int = Field(
        description="The cursor for the next request: the `seq` of the last event read (returned, "
        "or left out as not for you), or the `after` given when nothing new was there."
    )
