"""Working groups and their membership: `/v1/groups`."""

import uuid
from typing import Annotated, Literal

from fastapi import Query, Request, Response, status

from radar.api.auth import PrincipalDep, authenticated_router
from radar.api.deps import (
    CachedVersionsDep,
    ExpectedVersionDep,
    PageDep,
    SessionDep,
    UpdatedSinceDep,
    with_etag,
)
from radar.api.errors import problems
from radar.models.base import InputModel
from radar.models.group import (
    MemberPublic,
    MemberRole,
    MembershipCreate,
    MembersPublic,
    MemberStatus,
    WorkingGroupCreate,
    WorkingGroupPublic,
    WorkingGroupsPublic,
    WorkingGroupUpdate,
)
from radar.services import groups, memberships

router = authenticated_router(prefix="/v1/groups", tags=["groups"])

GroupSort = Literal["name", "updated_at", "-updated_at", "created_at"]


class MemberRoleUpdate(InputModel):
    """A member's new role in the group."""

    role: MemberRole


@router.get("", response_model=WorkingGroupsPublic, responses=problems(422))
def list_groups(
    session: SessionDep,
    principal: PrincipalDep,
    page: PageDep,
    updated_since: UpdatedSinceDep,
    topic: Annotated[list[str], Query(max_length=30, description="Topic slugs (any of).")] = [],  # noqa: B006
    action_field: Annotated[
        list[str], Query(max_length=10, description="Action-field slugs (any of).")
    ] = [],  # noqa: B006
    member: Annotated[
        uuid.UUID | None, Query(description="Only groups this actor is an active member of.")
    ] = None,
    q: Annotated[
        str | None, Query(min_length=1, max_length=200, description="Text in name/description.")
    ] = None,
    sort: Annotated[GroupSort, Query(description="Order; ties break by id.")] = "name",
) -> WorkingGroupsPublic:
    """List working groups, filtered and paginated; `count` is the total over all pages.
    `member` finds nothing for an actor the caller may not see."""
    return groups.list_groups(
        session,
        principal=principal,
        page=page,
        topics=topic,
        action_fields=action_field,
        member=member,
        q=q,
        updated_since=updated_since,
        sort=sort,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=WorkingGroupPublic,
    responses=problems(403, 409, body=True),
)
def create_group(
    body: WorkingGroupCreate,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
    response: Response,
) -> WorkingGroupPublic:
    """Create a working group (admins and members). Topic and action-field slugs must exist in
    the taxonomy; the founder, if given, must be an existing actor and becomes the group's
    first admin. Members must name a founder they manage; only admins may leave it out."""
    group = groups.create_group(session, principal=principal, data=body)
    response.headers["Location"] = str(request.url_for("read_group", group_id=group.id))
    with_etag(response, group.version)
    return group


@router.get("/{group_id}", response_model=WorkingGroupPublic, responses=problems(404, 422))
def read_group(
    group_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    cached_versions: CachedVersionsDep,
    response: Response,
) -> WorkingGroupPublic | Response:
    """Read one working group; the `ETag` header carries its version for conditional updates."""
    group = groups.read_group(session, principal=principal, group_id=group_id)
    if (cached := cached_versions.not_modified(group.version)) is not None:
        return cached
    with_etag(response, group.version)
    return group


@router.patch(
    "/{group_id}",
    response_model=WorkingGroupPublic,
    responses=problems(403, 404, 409, 412, body=True),
)
def update_group(
    group_id: uuid.UUID,
    body: WorkingGroupUpdate,
    session: SessionDep,
    principal: PrincipalDep,
    expected_version: ExpectedVersionDep,
    response: Response,
) -> WorkingGroupPublic:
    """Change the given fields only (admins, and the managers of the group's active admins);
    send `If-Match` with the ETag you read to avoid lost updates. Membership is changed
    through `/members`, not here."""
    group = groups.update_group(
        session,
        principal=principal,
        group_id=group_id,
        data=body,
        expected_version=expected_version,
    )
    with_etag(response, group.version)
    return group


@router.delete(
    "/{group_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(403, 404, 412, 422),
)
def delete_group(
    group_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    expected_version: ExpectedVersionDep,
) -> None:
    """Delete a working group with its memberships (admins, and the managers of the group's
    active admins); the member actors remain."""
    groups.delete_group(
        session, principal=principal, group_id=group_id, expected_version=expected_version
    )


@router.get("/{group_id}/members", response_model=MembersPublic, responses=problems(404, 422))
def list_members(
    group_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    page: PageDep,
    member_status: Annotated[
        MemberStatus | None,
        Query(alias="status", description="Only active members, or only pending requests."),
    ] = None,
) -> MembersPublic:
    """List a group's members in the order they joined (then by actor id), paginated. Members
    whose profile the caller may not see are left out, of `count` too (the group's
    `member_count` still counts them)."""
    return memberships.list_members(
        session, principal=principal, group_id=group_id, page=page, status=member_status
    )


@router.post(
    "/{group_id}/members",
    status_code=status.HTTP_201_CREATED,
    response_model=MemberPublic,
    responses=problems(403, 404, 409, 412, body=True),
)
def join_group(
    group_id: uuid.UUID,
    body: MembershipCreate,
    session: SessionDep,
    principal: PrincipalDep,
    expected_version: ExpectedVersionDep,
    response: Response,
) -> MemberPublic:
    """Add an actor to the group (its managers and admins may): active at once in an `open`
    group, `pending` until approved in an `approval` group. In a group without an active admin
    the joiner becomes its active admin; otherwise only admins and the managers of the group's
    active admins may join an actor as `admin`. 409 when the actor is already a member or has
    a pending request. Membership changes give the group a new version: the `ETag` header
    carries it, and an `If-Match` with the group's ETag makes the change conditional."""
    member = memberships.join_group(
        session,
        principal=principal,
        group_id=group_id,
        actor_id=body.actor_id,
        role=body.role,
        expected_version=expected_version,
    )
    with_etag(response, groups.group_version(session, group_id=group_id))
    return member


@router.post(
    "/{group_id}/members/{actor_id}/approve",
    response_model=MemberPublic,
    responses=problems(403, 404, 409, 412, 422),
)
def approve_member(
    group_id: uuid.UUID,
    actor_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    expected_version: ExpectedVersionDep,
    response: Response,
) -> MemberPublic:
    """Approve a pending join request (admins, and the managers of the group's active admins);
    409 when the membership is already active. The `ETag` header carries the group's new
    version; `If-Match` with the group's ETag is optional."""
    member = memberships.approve_member(
        session,
        principal=principal,
        group_id=group_id,
        actor_id=actor_id,
        expected_version=expected_version,
    )
    with_etag(response, groups.group_version(session, group_id=group_id))
    return member


@router.patch(
    "/{group_id}/members/{actor_id}",
    response_model=MemberPublic,
    responses=problems(403, 404, 409, 412, body=True),
)
def change_member_role(
    group_id: uuid.UUID,
    actor_id: uuid.UUID,
    body: MemberRoleUpdate,
    session: SessionDep,
    principal: PrincipalDep,
    expected_version: ExpectedVersionDep,
    response: Response,
) -> MemberPublic:
    """Make a member (active or pending) an `admin` or a plain `member` (admins, and the
    managers of the group's active admins). The last active admin cannot be demoted while
    other active members remain (409): promote another one first. The same role again changes
    nothing. The `ETag` header carries the group's version; `If-Match` with the group's ETag
    is optional."""
    member = memberships.change_member_role(
        session,
        principal=principal,
        group_id=group_id,
        actor_id=actor_id,
        role=body.role,
        expected_version=expected_version,
    )
    with_etag(response, groups.group_version(session, group_id=group_id))
    return member


@router.delete(
    "/{group_id}/members/{actor_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(403, 404, 409, 412, 422),
)
def leave_group(
    group_id: uuid.UUID,
    actor_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    expected_version: ExpectedVersionDep,
    response: Response,
) -> None:
    """Remove an actor from the group, or withdraw its pending request (the actor's managers,
    the managers of the group's active admins, admins). The last active admin cannot leave
    while other active members remain (409): another active admin is needed first. The `ETag`
    header carries the group's new version; `If-Match` with the group's ETag is optional."""
    memberships.leave_group(
        session,
        principal=principal,
        group_id=group_id,
        actor_id=actor_id,
        expected_version=expected_version,
    )
    with_etag(response, groups.group_version(session, group_id=group_id))
