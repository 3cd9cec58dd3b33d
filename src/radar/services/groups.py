"""Working groups: create, read, list, update, delete, each write with its domain event; the
active-member counts their API shape carries."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col

from radar.errors import FieldError, InvalidInput, NotFound
from radar.models.actor import Actor
from radar.models.group import (
    GroupActionField,
    GroupMember,
    GroupTopic,
    MemberRole,
    MemberStatus,
    WorkingGroup,
    WorkingGroupCreate,
    WorkingGroupPublic,
    WorkingGroupsPublic,
    WorkingGroupUpdate,
)
from radar.services import taxonomy
from radar.services.common import (
    PageRequest,
    check_version,
    fetch_page,
    flush_or_conflict,
    linked_to,
    matches_text,
    text_search_value,
    touch,
    updated_since_filter,
)
from radar.services.events import record_event

GROUP_SORTS = {
    "name": (col(WorkingGroup.name), col(WorkingGroup.id)),
    "-updated_at": (col(WorkingGroup.updated_at).desc(), col(WorkingGroup.id)),
    "updated_at": (col(WorkingGroup.updated_at), col(WorkingGroup.id)),
    "created_at": (col(WorkingGroup.created_at), col(WorkingGroup.id)),
}
_LINKED_FIELDS = {"topics", "action_fields", "founder_id"}


def group_public(group: WorkingGroup, *, member_count: int) -> WorkingGroupPublic:
    """The API shape of a group (slugs for its topics and action fields, active member count)."""
    return WorkingGroupPublic.model_validate(
        group,
        update={
            "topics": sorted(topic.slug for topic in group.topics),
            "action_fields": sorted(field.slug for field in group.action_fields),
            "member_count": member_count,
        },
    )


def get_group(session: Session, *, group_id: uuid.UUID, for_update: bool = False) -> WorkingGroup:
    """The working group with this id, or NotFound."""
    group = session.get(WorkingGroup, group_id, with_for_update=for_update)
    if group is None:
        raise NotFound(f"No working group with id {group_id}")
    return group


def create_group(session: Session, *, data: WorkingGroupCreate) -> WorkingGroupPublic:
    """Create a group from validated input; the founder, if given, becomes its active admin.
    Records `group.created`."""
    founder = (
        None
        if data.founder_id is None
        else require_actor(session, actor_id=data.founder_id, loc=("body", "founder_id"))
    )
    group = WorkingGroup.model_validate(data.model_dump(exclude=_LINKED_FIELDS))
    group.topics = taxonomy.resolve_topics(session, data.topics, loc=("body", "topics"))
    group.action_fields = taxonomy.resolve_action_fields(
        session, data.action_fields, loc=("body", "action_fields")
    )
    _refresh_search_text(group)
    session.add(group)
    if founder is not None:
        session.add(
            GroupMember(
                group_id=group.id,
                actor_id=founder.id,
                role=MemberRole.admin,
                status=MemberStatus.active,
            )
        )
    flush_or_conflict(session, "working group")
    public = group_public(group, member_count=count_active_members(session, group_id=group.id))
    _record_group(session, "group.created", public)
    return public


def list_groups(
    session: Session,
    *,
    page: PageRequest,
    topics: Sequence[str] = (),
    action_fields: Sequence[str] = (),
    q: str | None = None,
    updated_since: datetime | None = None,
    member: uuid.UUID | None = None,
    sort: str = "name",
) -> WorkingGroupsPublic:
    """One page of groups matching every given filter (any of the values within a filter);
    `member` keeps the groups the actor is an active member of."""
    statement = select(WorkingGroup).options(
        selectinload(WorkingGroup.topics),  # type: ignore[arg-type]
        selectinload(WorkingGroup.action_fields),  # type: ignore[arg-type]
    )
    if topics:
        topics = taxonomy.topic_filter(session, topics, loc=("query", "topic"))
        statement = statement.where(
            linked_to(WorkingGroup.id, GroupTopic.group_id, GroupTopic.topic_slug, topics)
        )
    if action_fields:
        taxonomy.resolve_action_fields(session, action_fields, loc=("query", "action_field"))
        statement = statement.where(
            linked_to(
                WorkingGroup.id,
                GroupActionField.group_id,
                GroupActionField.action_field_slug,
                action_fields,
            )
        )
    if member is not None:
        statement = statement.where(
            col(WorkingGroup.id).in_(
                select(col(GroupMember.group_id)).where(
                    col(GroupMember.actor_id) == member,
                    col(GroupMember.status) == MemberStatus.active,
                )
            )
        )
    if q:
        statement = statement.where(matches_text(WorkingGroup.search_text, q))
    statement = statement.where(*updated_since_filter(WorkingGroup.updated_at, updated_since))
    statement = statement.order_by(*GROUP_SORTS[sort])
    rows, total = fetch_page(session, statement, page)
    counts = _active_member_counts_by_group(session, [group.id for group in rows])
    return WorkingGroupsPublic(
        data=[group_public(group, member_count=counts.get(group.id, 0)) for group in rows],
        count=total,
        limit=page.limit,
        offset=page.offset,
    )


def read_group(session: Session, *, group_id: uuid.UUID) -> WorkingGroupPublic:
    """One group in its API shape."""
    group = get_group(session, group_id=group_id)
    return group_public(group, member_count=count_active_members(session, group_id=group.id))


def group_version(session: Session, *, group_id: uuid.UUID) -> int:
    """The group's current version, e.g. its new ETag after a membership change made in this
    session (the group row is still locked by that change)."""
    return get_group(session, group_id=group_id).version


def update_group(
    session: Session,
    *,
    group_id: uuid.UUID,
    data: WorkingGroupUpdate,
    expected_version: int | None = None,
) -> WorkingGroupPublic:
    """Apply the fields present in `data`; 412 when `expected_version` is stale."""
    group = get_group(session, group_id=group_id, for_update=True)
    check_version(current=group.version, expected=expected_version)
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    if "topics" in changes:
        group.topics = taxonomy.resolve_topics(session, changes["topics"], loc=("body", "topics"))
    if "action_fields" in changes:
        group.action_fields = taxonomy.resolve_action_fields(
            session, changes["action_fields"], loc=("body", "action_fields")
        )
    group.sqlmodel_update({k: v for k, v in changes.items() if k not in _LINKED_FIELDS})
    _refresh_search_text(group)
    touch(group)
    flush_or_conflict(session, "working group")
    public = group_public(group, member_count=count_active_members(session, group_id=group.id))
    _record_group(session, "group.updated", public)
    return public


def delete_group(
    session: Session, *, group_id: uuid.UUID, expected_version: int | None = None
) -> None:
    """Delete a group with its memberships; the member actors stay. Records `group.deleted`."""
    group = get_group(session, group_id=group_id, for_update=True)
    check_version(current=group.version, expected=expected_version)
    public = group_public(group, member_count=count_active_members(session, group_id=group.id))
    session.delete(group)
    session.flush()
    _record_group(session, "group.deleted", public)


def require_actor(session: Session, *, actor_id: uuid.UUID, loc: tuple[str, ...]) -> Actor:
    """The actor with this id, or a 422 at `loc`."""
    actor = session.get(Actor, actor_id)
    if actor is None:
        raise InvalidInput(
            [FieldError(loc=loc, message=f"No actor with id {actor_id}", type="unknown_actor")]
        )
    return actor


def count_active_members(
    session: Session,
    *,
    group_id: uuid.UUID,
    role: MemberRole | None = None,
    excluding: uuid.UUID | None = None,
) -> int:
    """How many active members (of `role`, other than `excluding`, when given) a group has."""
    statement = select(func.count()).where(
        col(GroupMember.group_id) == group_id, col(GroupMember.status) == MemberStatus.active
    )
    if role is not None:
        statement = statement.where(col(GroupMember.role) == role)
    if excluding is not None:
        statement = statement.where(col(GroupMember.actor_id) != excluding)
    count: int = session.execute(statement).scalar_one()
    return count


def _active_member_counts_by_group(
    session: Session, group_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    if not group_ids:
        return {}
    statement = (
        select(col(GroupMember.group_id), func.count())
        .where(
            col(GroupMember.group_id).in_(group_ids),
            col(GroupMember.status) == MemberStatus.active,
        )
        .group_by(col(GroupMember.group_id))
    )
    return dict(session.execute(statement).all())


def _refresh_search_text(group: WorkingGroup) -> None:
    group.search_text = text_search_value(group.name, group.description)


def _record_group(session: Session, event_type: str, public: WorkingGroupPublic) -> None:
    record_event(
        session,
        type=event_type,
        entity_type="group",
        entity_id=public.id,
        payload=public.model_dump(mode="json"),
    )
