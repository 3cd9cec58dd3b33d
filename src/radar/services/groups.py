"""Working groups: create, read, list, update, delete, each write with its domain event; the
active-member counts their API shape carries; who may administer a group."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col

from radar.errors import FieldError, Forbidden, InvalidInput, NotFound
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
from radar.services.access import Principal, require_writer, visible_actors
from radar.services.common import (
    ExpectedVersion,
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


def create_group(
    session: Session, *, principal: Principal, data: WorkingGroupCreate
) -> WorkingGroupPublic:
    """Create a group from validated input; the founder, if given, becomes its active admin.
    Members found groups for an actor they manage; only admins may leave the founder out.
    Records `group.created`."""
    _authorise_founding(principal, data.founder_id)
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
    principal: Principal,
    page: PageRequest,
    topics: Sequence[str] = (),
    action_fields: Sequence[str] = (),
    q: str | None = None,
    updated_since: datetime | None = None,
    member: uuid.UUID | None = None,
    sort: str = "name",
) -> WorkingGroupsPublic:
    """One page of groups matching every given filter (any of the values within a filter);
    `member` keeps the groups the actor is an active member of, none if the caller may not see
    that actor."""
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
                select(col(GroupMember.group_id))
                .join(Actor, col(Actor.id) == col(GroupMember.actor_id))
                .where(
                    col(GroupMember.actor_id) == member,
                    col(GroupMember.status) == MemberStatus.active,
                    visible_actors(principal),
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


def read_group(
    session: Session, *, principal: Principal, group_id: uuid.UUID
) -> WorkingGroupPublic:
    """One group in its API shape. Groups themselves are not private: whoever may read at all
    (`principal`) reads every group; `member_count` counts without naming anyone."""
    group = get_group(session, group_id=group_id)
    return group_public(group, member_count=count_active_members(session, group_id=group.id))


def group_version(session: Session, *, group_id: uuid.UUID) -> int:
    """The group's current version, e.g. its new ETag after a membership change made in this
    session (the group row is still locked by that change)."""
    return get_group(session, group_id=group_id).version


def update_group(
    session: Session,
    *,
    principal: Principal,
    group_id: uuid.UUID,
    data: WorkingGroupUpdate,
    expected_version: ExpectedVersion = None,
) -> WorkingGroupPublic:
    """Apply the fields present in `data` (admins and group admins' managers); 412 when
    `expected_version` is stale."""
    group = get_group(session, group_id=group_id, for_update=True)
    require_group_admin(session, principal=principal, group_id=group_id, action="change the group")
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
    session: Session,
    *,
    principal: Principal,
    group_id: uuid.UUID,
    expected_version: ExpectedVersion = None,
) -> None:
    """Delete a group with its memberships (admins and group admins' managers); the member
    actors stay. Records `group.deleted`."""
    group = get_group(session, group_id=group_id, for_update=True)
    require_group_admin(session, principal=principal, group_id=group_id, action="delete the group")
    check_version(current=group.version, expected=expected_version)
    public = group_public(group, member_count=count_active_members(session, group_id=group.id))
    session.delete(group)
    session.flush()
    _record_group(session, "group.deleted", public)


def require_group_admin(
    session: Session, *, principal: Principal, group_id: uuid.UUID, action: str
) -> None:
    """403 unless the caller is an admin or manages an active admin member of the group."""
    require_writer(principal)
    if not _manages_group_admin(session, principal=principal, group_id=group_id):
        raise Forbidden(
            f"Only admins and the managers of an active admin of group {group_id} may {action}"
        )


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


def _manages_group_admin(session: Session, *, principal: Principal, group_id: uuid.UUID) -> bool:
    """Whether the caller is an admin or manages an active admin member of the group."""
    if principal.is_admin:
        return True
    if not principal.actor_ids:
        return False
    statement = (
        select(col(GroupMember.actor_id))
        .where(
            col(GroupMember.group_id) == group_id,
            col(GroupMember.role) == MemberRole.admin,
            col(GroupMember.status) == MemberStatus.active,
            col(GroupMember.actor_id).in_(principal.actor_ids),
        )
        .limit(1)
    )
    return session.execute(statement).first() is not None


def _authorise_founding(principal: Principal, founder_id: uuid.UUID | None) -> None:
    require_writer(principal)
    if principal.is_admin:
        return
    if founder_id is None:
        raise Forbidden("Give a founder_id: an actor you manage, which becomes the first admin")
    if not principal.manages(founder_id):
        raise Forbidden("Only the managers of the founder may found a group in its name")


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
