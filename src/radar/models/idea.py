"""Ideas: project ideas, use cases and joint projects (Verbundprojekte) with participants."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Literal

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

from radar.models.action_field import ActionField
from radar.models.actor import ActorKind
from radar.models.base import (
    MAX_TAGS,
    MAX_TOPICS,
    DateRange,
    ExternalId,
    GeocodeFields,
    InputModel,
    IsoDate,
    LocationFields,
    Name,
    Number,
    Page,
    Slug,
    Tag,
    UpdateModel,
    enum_type,
    new_id,
    utcnow,
)
from radar.models.topic import Topic


class IdeaKind(StrEnum):
    idea = "idea"
    use_case = "use_case"
    joint_project = "joint_project"


class IdeaStatus(StrEnum):
    open = "open"
    running = "running"
    completed = "completed"
    archived = "archived"


class ParticipantRole(StrEnum):
    lead = "lead"
    partner = "partner"


ParticipantStatus = Literal["active", "invited"]


class IdeaTopic(SQLModel, table=True):
    __tablename__ = "idea_topic"

    idea_id: uuid.UUID = Field(foreign_key="idea.id", primary_key=True, ondelete="CASCADE")
    topic_slug: str = Field(foreign_key="topic.slug", primary_key=True, index=True)


class IdeaActionField(SQLModel, table=True):
    __tablename__ = "idea_action_field"

    idea_id: uuid.UUID = Field(foreign_key="idea.id", primary_key=True, ondelete="CASCADE")
    action_field_slug: str = Field(foreign_key="action_field.slug", primary_key=True, index=True)


class IdeaParticipant(SQLModel, table=True):
    """An actor taking part in an idea or joint project."""

    __tablename__ = "idea_participant"

    idea_id: uuid.UUID = Field(foreign_key="idea.id", primary_key=True, ondelete="CASCADE")
    actor_id: uuid.UUID = Field(
        foreign_key="actor.id", primary_key=True, ondelete="CASCADE", index=True
    )
    role: ParticipantRole = Field(
        default=ParticipantRole.partner, sa_type=enum_type(ParticipantRole)
    )
    joined_at: datetime = Field(default_factory=utcnow)


class IdeaBase(LocationFields, DateRange):
    title: str = Field(min_length=1, max_length=200)
    summary: str = Field(default="", max_length=10_000, sa_type=sa.Text)
    kind: IdeaKind = Field(default=IdeaKind.idea, sa_type=enum_type(IdeaKind), index=True)
    status: IdeaStatus = Field(default=IdeaStatus.open, sa_type=enum_type(IdeaStatus), index=True)
    owner_id: uuid.UUID | None = Field(
        default=None,
        foreign_key="actor.id",
        ondelete="SET NULL",
        index=True,
        description="The actor that brought the idea in.",
    )
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    external_id: str | None = Field(default=None, max_length=200, unique=True)
    country: str | None = Field(  # type: ignore[assignment]  # an idea may have no location
        default=None, max_length=2, schema_extra={"pattern": r"^[A-Z]{2}$"}
    )


class Idea(IdeaBase, GeocodeFields, table=True):
    __tablename__ = "idea"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    tags: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    seeking_topics: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    seeking_kinds: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    search_text: str = Field(default="", sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow, index=True)
    version: int = Field(default=1)

    topics: list[Topic] = Relationship(link_model=IdeaTopic)
    action_fields: list[ActionField] = Relationship(link_model=IdeaActionField)
    participants: list[IdeaParticipant] = Relationship(
        sa_relationship_kwargs={"cascade": "all, delete-orphan", "passive_deletes": True}
    )


class ParticipantIn(InputModel):
    actor_id: uuid.UUID
    role: ParticipantRole = ParticipantRole.partner


class ParticipantPublic(SQLModel):
    actor_id: uuid.UUID
    role: ParticipantRole
    joined_at: datetime
    status: ParticipantStatus = Field(
        default="active",
        description="`active`: takes part; `invited`: asked to take part (or to lead) by the "
        "idea's owner, and does so once its managers accept the invitation.",
    )


class IdeaCreate(IdeaBase, InputModel):
    title: Name
    external_id: ExternalId | None = None
    topics: list[Slug] = Field(default_factory=list, max_length=MAX_TOPICS)
    action_fields: list[Slug] = Field(default_factory=list, max_length=10)
    tags: list[Tag] = Field(default_factory=list, max_length=MAX_TAGS)
    seeking_topics: list[Slug] = Field(default_factory=list, max_length=MAX_TOPICS)
    seeking_kinds: list[ActorKind] = Field(default_factory=list, max_length=8)
    participants: list[ParticipantIn] = Field(default_factory=list, max_length=100)


class IdeaUpdate(UpdateModel, DateRange):
    # A default of None on a non-optional type: the field may be left out, but not set to null.
    title: Name = Field(default=None)
    summary: str = Field(default=None, max_length=10_000)
    kind: IdeaKind = Field(default=None)
    status: IdeaStatus = Field(default=None)
    owner_id: uuid.UUID | None = None
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    external_id: ExternalId | None = None
    street: str | None = Field(default=None, max_length=200)
    postcode: str | None = Field(
        default=None, max_length=16, schema_extra={"pattern": r"^[A-Za-z0-9 \-]{2,16}$"}
    )
    city: str | None = Field(default=None, max_length=120)
    district: str | None = Field(default=None, max_length=120)
    country: str | None = Field(default=None, max_length=2, schema_extra={"pattern": r"^[A-Z]{2}$"})
    lat: Number | None = Field(default=None, ge=-90, le=90)
    lon: Number | None = Field(default=None, ge=-180, le=180)
    topics: list[Slug] = Field(default=None, max_length=MAX_TOPICS)
    action_fields: list[Slug] = Field(default=None, max_length=10)
    tags: list[Tag] = Field(default=None, max_length=MAX_TAGS)
    seeking_topics: list[Slug] = Field(default=None, max_length=MAX_TOPICS)
    seeking_kinds: list[ActorKind] = Field(default=None, max_length=8)


class IdeaPublic(IdeaBase, GeocodeFields):
    id: uuid.UUID
    distance_km: float | None = Field(
        default=None, description="Distance from `near` / `near_actor`, when the list has one."
    )
    topics: list[str]
    action_fields: list[str]
    tags: list[str]
    seeking_topics: list[str]
    seeking_kinds: list[ActorKind]
    participants: list[ParticipantPublic]
    created_at: datetime
    updated_at: datetime
    version: int


class IdeasPublic(Page):
    data: list[IdeaPublic]


class IdeaInvitation(SQLModel, table=True):
    """An actor asked to take part in an idea (or to lead it) by someone who does not manage
    it: it takes part once its managers accept."""

    __tablename__ = "idea_invitation"

    idea_id: uuid.UUID = Field(foreign_key="idea.id", primary_key=True, ondelete="CASCADE")
    actor_id: uuid.UUID = Field(
        foreign_key="actor.id", primary_key=True, ondelete="CASCADE", index=True
    )
    role: ParticipantRole = Field(
        default=ParticipantRole.partner, sa_type=enum_type(ParticipantRole)
    )
    invited_at: datetime = Field(default_factory=utcnow)


class InvitationPublic(SQLModel):
    idea_id: uuid.UUID
    actor_id: uuid.UUID
    role: ParticipantRole
    invited_at: datetime
