"""Working-group membership: list members, join, approve, change a member's role, leave,
detach a deleted actor.

A membership change is a change of the group too (its `member_count`, its admins): each one
takes a new group version and update time, so ETags, 304s and `updated_since` stay right.

Who may: an actor's managers join and withdraw it; the managers of a group's active admins
approve, change roles and remove members; admins do everything. A member whose actor the caller
may not see is, for that caller, not there at all (left out of lists, 404 by id)."""

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlmodel import Session, col

from radar.errors import Conflict, NotFound
from radar.models.actor import Actor
from radar.models.group import (
    GroupMember,
    JoinPolicy,
    MemberPublic,
    MemberRole,
    MembersPublic,
    MemberStatus,
    WorkingGroup,
)
from radar.services.access import (
    Principal,
    can_see_actor,
    require_manager,
    require_writer,
    visible_actors,
)
from radar.services.common import (
    ExpectedVersion,
    PageRequest,
    check_version,
    fetch_page,
    flush_or_conflict,
    touch,
)
from radar.services.events import record_event
from radar.services.groups import (
    count_active_members,
    get_group,
    require_actor,
    require_group_admin,
)


def list_members(
    session: Session,
    *,
    principal: Principal,
    group_id: uuid.UUID,
    page: PageRequest,
    status: MemberStatus | None = None,
) -> MembersPublic:
    """One page of a group's members that the caller may see, in the order they joined;
    `count` counts those alone."""
    get_group(session, group_id=group_id)
    statement = (
        select(GroupMember)
        .join(Actor, col(Actor.id) == col(GroupMember.actor_id))
        .where(col(GroupMember.group_id) == group_id, visible_actors(principal))
    )
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
    principal: Principal,
    group_id: uuid.UUID,
    actor_id: uuid.UUID,
    role: MemberRole,
    expected_version: ExpectedVersion = None,
) -> MemberPublic:
    """Add an actor to a group (its managers, admins): active at once in an open group
    (`group.member_joined`), pending approval in an approval group (`group.join_requested`).
    A group without an active admin makes the joiner its active admin, so that someone can
    approve and administer; otherwise joining as admin takes the rights to make admins.
    412 when `expected_version` names a stale group version."""
    group = _lock_group(session, group_id)
    require_manager(principal, actor_id, what="membership")
    has_admin = count_active_members(session, group_id=group_id, role=MemberRole.admin) > 0
    if role is MemberRole.admin and has_admin:
        require_group_admin(session, principal=principal, group_id=group_id, action="add an admin")
    check_version(current=group.version, expected=expected_version)
    actor = require_actor(session, actor_id=actor_id, loc=("body", "actor_id"))
    existing = _find_membership(session, group_id, actor_id)
    if existing is not None:
        raise Conflict(
            f"Actor {actor_id} is already a {existing.status.value} member of group {group_id}",
            membership_status=existing.status.value,
        )
    if not has_admin:
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
    principal: Principal,
    group_id: uuid.UUID,
    actor_id: uuid.UUID,
    expected_version: ExpectedVersion = None,
) -> MemberPublic:
    """Make a pending membership active (admins, group admins' managers); records
    `group.member_joined`. 412 when `expected_version` names a stale group version."""
    group, membership, name = _as_group_admin(
        session, principal, group_id, actor_id, expected_version, action="approve join requests"
    )
    if membership.status is MemberStatus.active:
        raise Conflict(f"Actor {actor_id} is already an active member of group {group_id}")
    membership.status = MemberStatus.active
    touch(group)
    session.flush()
    public = _member_public(membership, name)
    _record_member(session, "group.member_joined", group_id, public)
    return public


def change_member_role(
    session: Session,
    *,
    principal: Principal,
    group_id: uuid.UUID,
    actor_id: uuid.UUID,
    role: MemberRole,
    expected_version: ExpectedVersion = None,
) -> MemberPublic:
    """Make a member (active or pending) an admin or a plain member (admins, group admins'
    managers); records `group.member_role_changed`. The same role again changes nothing (no
    event, no new group version). The last active admin cannot be demoted while other active
    members remain; 412 when `expected_version` names a stale group version."""
    group, membership, name = _as_group_admin(
        session, principal, group_id, actor_id, expected_version, action="change member roles"
    )
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
    principal: Principal,
    group_id: uuid.UUID,
    actor_id: uuid.UUID,
    expected_version: ExpectedVersion = None,
) -> None:
    """Remove a membership or withdraw a join request (the actor's managers, group admins'
    managers, admins); records `group.member_left`. The last active admin cannot leave while
    other active members remain; 412 when `expected_version` names a stale group version."""
    group = _lock_group(session, group_id)
    require_writer(principal)
    if not principal.manages(actor_id):
        require_group_admin(
            session, principal=principal, group_id=group_id, action="remove other members"
        )
    check_version(current=group.version, expected=expected_version)
    membership, name = _require_visible_membership(session, principal, group_id, actor_id)
    _ensure_an_admin_remains(session, membership, "leave")
    _end_membership(session, group, membership, name)


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


def _as_group_admin(
    session: Session,
    principal: Principal,
    group_id: uuid.UUID,
    actor_id: uuid.UUID,
    expected_version: ExpectedVersion,
    *,
    action: str,
) -> tuple[WorkingGroup, GroupMember, str]:
    """The locked group, the membership and the member's name for a group admin's change:
    404 unknown group, 403 not a group admin, 412 stale version, 404 no visible membership."""
    group = _lock_group(session, group_id)
    require_group_admin(session, principal=principal, group_id=group_id, action=action)
    check_version(current=group.version, expected=expected_version)
    membership, name = _require_visible_membership(session, principal, group_id, actor_id)
    return group, membership, name


def _lock_group(session: Session, group_id: uuid.UUID) -> WorkingGroup:
    # Membership writes lock the group row so that concurrent joins and leaves see each other
    # (no group left without an admin) and take consecutive group versions; the group's admins,
    # who authorise them, cannot change meanwhile either.
    return get_group(session, group_id=group_id, for_update=True)


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
        and count_active_members(
            session, group_id=group_id, role=MemberRole.admin, excluding=actor_id
        )
        == 0
        and count_active_members(session, group_id=group_id, excluding=actor_id) > 0
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


def _find_membership(
    session: Session, group_id: uuid.UUID, actor_id: uuid.UUID
) -> GroupMember | None:
    return session.get(GroupMember, {"group_id": group_id, "actor_id": actor_id})


def _require_membership(session: Session, group_id: uuid.UUID, actor_id: uuid.UUID) -> GroupMember:
    membership = _find_membership(session, group_id, actor_id)
    if membership is None:
        raise NotFound(f"Actor {actor_id} is not a member of group {group_id}")
    return membership


def _require_visible_membership(
    session: Session, principal: Principal, group_id: uuid.UUID, actor_id: uuid.UUID
) -> tuple[GroupMember, str]:
    """The membership and its actor's name; 404 as for no membership when the caller may not
    see the actor (a private profile's memberships are not acknowledged either)."""
    membership = _require_membership(session, group_id, actor_id)
    actor = session.get(Actor, actor_id)
    if actor is None or not can_see_actor(principal, actor):
        raise NotFound(f"Actor {actor_id} is not a member of group {group_id}")
    return membership, actor.name


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
