"""Working groups: actors gathered around topics, with membership."""

import uuid
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

from radar.models.action_field import ActionField
from radar.models.base import (
    MAX_TOPICS,
    InputModel,
    Name,
    Page,
    Slug,
    UpdateModel,
    enum_type,
    new_id,
    utcnow,
)
from radar.models.topic import Topic


class JoinPolicy(StrEnum):
    open = "open"
    approval = "approval"


class MemberRole(StrEnum):
    admin = "admin"
    member = "member"


class MemberStatus(StrEnum):
    active = "active"
    pending = "pending"


class GroupTopic(SQLModel, table=True):
    __tablename__ = "group_topic"

    group_id: uuid.UUID = Field(
        foreign_key="working_group.id", primary_key=True, ondelete="CASCADE"
    )
    topic_slug: str = Field(foreign_key="topic.slug", primary_key=True, index=True)


class GroupActionField(SQLModel, table=True):
    __tablename__ = "group_action_field"

    group_id: uuid.UUID = Field(
        foreign_key="working_group.id", primary_key=True, ondelete="CASCADE"
    )
    action_field_slug: str = Field(foreign_key="action_field.slug", primary_key=True, index=True)


class GroupMember(SQLModel, table=True):
    """An actor's membership in a working group; `pending` until approved in approval groups."""

    __tablename__ = "group_member"

    group_id: uuid.UUID = Field(
        foreign_key="working_group.id", primary_key=True, ondelete="CASCADE"
    )
    actor_id: uuid.UUID = Field(
        foreign_key="actor.id", primary_key=True, ondelete="CASCADE", index=True
    )
    role: MemberRole = Field(default=MemberRole.member, sa_type=enum_type(MemberRole))
    status: MemberStatus = Field(default=MemberStatus.active, sa_type=enum_type(MemberStatus))
    joined_at: datetime = Field(default_factory=utcnow)


class WorkingGroupBase(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=10_000, sa_type=sa.Text)
    join_policy: JoinPolicy = Field(default=JoinPolicy.open, sa_type=enum_type(JoinPolicy))


class WorkingGroup(WorkingGroupBase, table=True):
    __tablename__ = "working_group"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    search_text: str = Field(default="", sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow, index=True)
    version: int = Field(default=1)

    topics: list[Topic] = Relationship(link_model=GroupTopic)
    action_fields: list[ActionField] = Relationship(link_model=GroupActionField)
    members: list[GroupMember] = Relationship(
        sa_relationship_kwargs={"cascade": "all, delete-orphan", "passive_deletes": True}
    )


class WorkingGroupCreate(WorkingGroupBase, InputModel):
    name: Name
    topics: list[Slug] = Field(default_factory=list, max_length=MAX_TOPICS)
    action_fields: list[Slug] = Field(default_factory=list, max_length=10)
    founder_id: uuid.UUID | None = Field(
        default=None, description="Actor that founds the group and becomes its first admin."
    )


class WorkingGroupUpdate(UpdateModel):
    # A default of None on a non-optional type: the field may be left out, but not set to null.
    name: Name = Field(default=None)
    description: str = Field(default=None, max_length=10_000)
    join_policy: JoinPolicy = Field(default=None)
    topics: list[Slug] = Field(default=None, max_length=MAX_TOPICS)
    action_fields: list[Slug] = Field(default=None, max_length=10)


class WorkingGroupPublic(WorkingGroupBase):
    id: uuid.UUID
    topics: list[str]
    action_fields: list[str]
    member_count: int
    created_at: datetime
    updated_at: datetime
    version: int


class WorkingGroupsPublic(Page):
    data: list[WorkingGroupPublic]


class MembershipCreate(InputModel):
    actor_id: uuid.UUID
    role: MemberRole = MemberRole.member


class MemberPublic(SQLModel):
    actor_id: uuid.UUID
    actor_name: str
    role: MemberRole
    status: MemberStatus
    joined_at: datetime


class MembersPublic(Page):
    data: list[MemberPublic]
