"""Working groups and their membership: create, read, list, update, delete, join, approve, leave,
change a member's role, detach a deleted actor.

A membership change is a change of the group too (its `member_count`, its admins): each one
takes a new group version and update time, so ETags, 304s and `updated_since` stay right."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col

from radar.errors import Conflict, FieldError, InvalidInput, NotFound
from radar.models.actor import Actor
from radar.models.group import (
    GroupActionField,
    GroupMember,
    GroupTopic,
    JoinPolicy,
    MemberPublic,
    MemberRole,
    MembersPublic,
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
        else _require_actor(session, data.founder_id, loc=("body", "founder_id"))
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
    public = group_public(group, member_count=_count_active(session, group.id))
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
            col(WorkingGroup.id).in_(
                select(col(GroupTopic.group_id)).where(col(GroupTopic.topic_slug).in_(topics))
            )
        )
    if action_fields:
        taxonomy.resolve_action_fields(session, action_fields, loc=("query", "action_field"))
        statement = statement.where(
            col(WorkingGroup.id).in_(
                select(col(GroupActionField.group_id)).where(
                    col(GroupActionField.action_field_slug).in_(action_fields)
                )
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
    return group_public(group, member_count=_count_active(session, group.id))


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
    public = group_public(group, member_count=_count_active(session, group.id))
    _record_group(session, "group.updated", public)
    return public


def delete_group(
    session: Session, *, group_id: uuid.UUID, expected_version: int | None = None
) -> None:
    """Delete a group with its memberships; the member actors stay. Records `group.deleted`."""
    group = get_group(session, group_id=group_id, for_update=True)
    check_version(current=group.version, expected=expected_version)
    public = group_public(group, member_count=_count_active(session, group.id))
    session.delete(group)
    session.flush()
    _record_group(session, "group.deleted", public)


def list_members(
    session: Session,
    *,
    group_id: uuid.UUID,
    page: PageRequest,
    status: MemberStatus | None = None,
) -> MembersPublic:
    """One page of a group's members, in the order they joined."""
    get_group(session, group_id=group_id)
    statement = select(GroupMember).where(col(GroupMember.group_id) == group_id)
    if status is not None:
        statement = statement.where(col(GroupMember.status) == status)
    statement = statement.order_by(col(GroupMember.joined_at), col(GroupMember.actor_id))
    rows, total = fetch_page(session, statement, page)
    names = _actor_names(session, [membership.actor_id for membership in rows])
    return MembersPublic(
        data=[_member_public(membership, names[membership.actor_id]) for membership in rows],
        count=total,
        limit=page.limit,
        offset=page.offset,
    )


def join_group(
    session: Session,
    *,
    group_id: uuid.UUID,
    actor_id: uuid.UUID,
    role: MemberRole,
    expected_version: int | None = None,
) -> MemberPublic:
    """Add an actor to a group: active at once in an open group (`group.member_joined`),
    pending approval in an approval group (`group.join_requested`). A group without an active
    admin makes the joiner its active admin, so that someone can approve and administer.
    412 when `expected_version` names a stale group version."""
    group = _lock_group(session, group_id, expected_version)
    actor = _require_actor(session, actor_id, loc=("body", "actor_id"))
    existing = _find_membership(session, group_id, actor_id)
    if existing is not None:
        raise Conflict(
            f"Actor {actor_id} is already a {existing.status.value} member of group {group_id}",
            membership_status=existing.status.value,
        )
    if _count_active(session, group_id, role=MemberRole.admin) == 0:
        role, status = MemberRole.admin, MemberStatus.active
    elif group.join_policy is JoinPolicy.approval:
        status = MemberStatus.pending
    else:
        status = MemberStatus.active
    membership = GroupMember(group_id=group_id, actor_id=actor_id, role=role, status=status)
    session.add(membership)
    touch(group)
    flush_or_conflict(session, "membership")
    public = _member_public(membership, actor.name)
    event = "group.member_joined" if status is MemberStatus.active else "group.join_requested"
    _record_member(session, event, group_id, public)
    return public


def approve_member(
    session: Session,
    *,
    group_id: uuid.UUID,
    actor_id: uuid.UUID,
    expected_version: int | None = None,
) -> MemberPublic:
    """Make a pending membership active; records `group.member_joined`. 412 when
    `expected_version` names a stale group version."""
    group = _lock_group(session, group_id, expected_version)
    membership = _require_membership(session, group_id, actor_id)
    if membership.status is MemberStatus.active:
        raise Conflict(f"Actor {actor_id} is already an active member of group {group_id}")
    membership.status = MemberStatus.active
    touch(group)
    session.flush()
    public = _member_public(membership, _actor_names(session, [actor_id])[actor_id])
    _record_member(session, "group.member_joined", group_id, public)
    return public


def change_member_role(
    session: Session,
    *,
    group_id: uuid.UUID,
    actor_id: uuid.UUID,
    role: MemberRole,
    expected_version: int | None = None,
) -> MemberPublic:
    """Make a member (active or pending) an admin or a plain member; records
    `group.member_role_changed`. The same role again changes nothing (no event, no new group
    version). The last active admin cannot be demoted while other active members remain; 412
    when `expected_version` names a stale group version."""
    group = _lock_group(session, group_id, expected_version)
    membership = _require_membership(session, group_id, actor_id)
    name = _actor_names(session, [actor_id])[actor_id]
    if membership.role is role:
        return _member_public(membership, name)
    if role is not MemberRole.admin:
        _ensure_an_admin_remains(session, membership, "be demoted")
    membership.role = role
    touch(group)
    session.flush()
    public = _member_public(membership, name)
    _record_member(session, "group.member_role_changed", group_id, public)
    return public


def leave_group(
    session: Session,
    *,
    group_id: uuid.UUID,
    actor_id: uuid.UUID,
    expected_version: int | None = None,
) -> None:
    """Remove a membership (or withdraw a join request); records `group.member_left`. The
    last active admin cannot leave while other active members remain; 412 when
    `expected_version` names a stale group version."""
    group = _lock_group(session, group_id, expected_version)
    membership = _require_membership(session, group_id, actor_id)
    _ensure_an_admin_remains(session, membership, "leave")
    _end_membership(session, group, membership, _actor_names(session, [actor_id])[actor_id])


def detach_actor(session: Session, *, actor_id: uuid.UUID) -> None:
    """End every membership of an actor, promoting a successor where it was the last admin."""
    name = _actor_names(session, [actor_id])[actor_id]
    statement = (
        select(WorkingGroup)
        .where(
            col(WorkingGroup.id).in_(
                select(col(GroupMember.group_id)).where(col(GroupMember.actor_id) == actor_id)
            )
        )
        .order_by(col(WorkingGroup.id))
        .with_for_update()
    )
    for group in session.execute(statement).scalars().all():
        membership = _require_membership(session, group.id, actor_id)
        needs_admin = _is_last_admin_of_others(session, membership)
        _end_membership(session, group, membership, name)
        if needs_admin:
            _promote_earliest_member(session, group.id)


def _lock_group(
    session: Session, group_id: uuid.UUID, expected_version: int | None
) -> WorkingGroup:
    # Membership writes lock the group row so that concurrent joins and leaves see each other
    # (no group left without an admin) and take consecutive group versions.
    group = get_group(session, group_id=group_id, for_update=True)
    check_version(current=group.version, expected=expected_version)
    return group


def _ensure_an_admin_remains(session: Session, membership: GroupMember, action: str) -> None:
    """409 when `membership` is the last active admin and other active members remain."""
    if _is_last_admin_of_others(session, membership):
        raise Conflict(
            f"Actor {membership.actor_id} is the last active admin of group "
            f"{membership.group_id}; the group needs another active admin before this one "
            f"can {action}."
        )


def _is_last_admin_of_others(session: Session, membership: GroupMember) -> bool:
    """Whether `membership` is the only active admin while other active members remain."""
    group_id, actor_id = membership.group_id, membership.actor_id
    return (
        membership.status is MemberStatus.active
        and membership.role is MemberRole.admin
        and _count_active(session, group_id, role=MemberRole.admin, excluding=actor_id) == 0
        and _count_active(session, group_id, excluding=actor_id) > 0
    )


def _end_membership(
    session: Session, group: WorkingGroup, membership: GroupMember, actor_name: str
) -> None:
    public = _member_public(membership, actor_name)
    session.delete(membership)
    touch(group)
    session.flush()
    _record_member(session, "group.member_left", group.id, public)


def _promote_earliest_member(session: Session, group_id: uuid.UUID) -> None:
    """Make the earliest-joined active member the group's admin."""
    successor = session.execute(
        select(GroupMember)
        .where(
            col(GroupMember.group_id) == group_id,
            col(GroupMember.status) == MemberStatus.active,
        )
        .order_by(col(GroupMember.joined_at), col(GroupMember.actor_id))
        .limit(1)
    ).scalar_one()
    successor.role = MemberRole.admin
    session.flush()
    name = _actor_names(session, [successor.actor_id])[successor.actor_id]
    _record_member(session, "group.member_role_changed", group_id, _member_public(successor, name))


def _require_actor(session: Session, actor_id: uuid.UUID, *, loc: tuple[str, ...]) -> Actor:
    actor = session.get(Actor, actor_id)
    if actor is None:
        raise InvalidInput(
            [FieldError(loc=loc, message=f"No actor with id {actor_id}", type="unknown_actor")]
        )
    return actor


def _find_membership(
    session: Session, group_id: uuid.UUID, actor_id: uuid.UUID
) -> GroupMember | None:
    return session.get(GroupMember, {"group_id": group_id, "actor_id": actor_id})


def _require_membership(session: Session, group_id: uuid.UUID, actor_id: uuid.UUID) -> GroupMember:
    membership = _find_membership(session, group_id, actor_id)
    if membership is None:
        raise NotFound(f"Actor {actor_id} is not a member of group {group_id}")
    return membership


def _count_active(
    session: Session,
    group_id: uuid.UUID,
    *,
    role: MemberRole | None = None,
    excluding: uuid.UUID | None = None,
) -> int:
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


def _actor_names(session: Session, actor_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not actor_ids:
        return {}
    statement = select(col(Actor.id), col(Actor.name)).where(col(Actor.id).in_(actor_ids))
    return dict(session.execute(statement).all())


def _member_public(membership: GroupMember, actor_name: str) -> MemberPublic:
    return MemberPublic(
        actor_id=membership.actor_id,
        actor_name=actor_name,
        role=membership.role,
        status=membership.status,
        joined_at=membership.joined_at,
    )


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


def _record_member(
    session: Session, event_type: str, group_id: uuid.UUID, public: MemberPublic
) -> None:
    record_event(
        session,
        type=event_type,
        entity_type="group",
        entity_id=group_id,
        payload={"group_id": str(group_id), **public.model_dump(mode="json")},
    )
