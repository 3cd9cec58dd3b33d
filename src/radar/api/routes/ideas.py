"""Ideas, use cases and joint projects with their participants: `/v1/ideas`."""

import uuid
from typing import Annotated, Literal

from fastapi import Query, Request, Response, status

from radar.api.auth import PrincipalDep, authenticated_router
from radar.api.deps import (
    CachedVersionsDep,
    ExpectedVersionDep,
    GeocoderDep,
    NearDep,
    PageDep,
    SessionDep,
    UpdatedSinceDep,
    with_etag,
)
from radar.api.errors import problems
from radar.api.near import resolve_near
from radar.models.base import InputModel
from radar.models.idea import (
    IdeaCreate,
    IdeaKind,
    IdeaPublic,
    IdeasPublic,
    IdeaStatus,
    IdeaUpdate,
    InvitationPublic,
    ParticipantPublic,
    ParticipantRole,
)
from radar.services import ideas, participants

router = authenticated_router(prefix="/v1/ideas", tags=["ideas"])

IdeaSort = Literal["title", "updated_at", "-updated_at", "created_at", "start_date"]


class ParticipantRoleIn(InputModel):
    """The role an actor takes in an idea; at most one participant is the lead."""

    role: ParticipantRole


@router.get("", response_model=IdeasPublic, responses=problems(422))
def list_ideas(
    session: SessionDep,
    principal: PrincipalDep,
    page: PageDep,
    updated_since: UpdatedSinceDep,
    near_and_radius: NearDep,
    topic: Annotated[list[str], Query(max_length=30, description="Topic slugs (any of).")] = [],  # noqa: B006
    action_field: Annotated[
        list[str], Query(max_length=10, description="Action-field slugs (any of).")
    ] = [],  # noqa: B006
    kind: Annotated[list[IdeaKind], Query(max_length=3, description="Kinds (any of).")] = [],  # noqa: B006
    idea_status: Annotated[
        list[IdeaStatus], Query(alias="status", max_length=4, description="Statuses (any of).")
    ] = [],  # noqa: B006
    district: Annotated[list[str], Query(max_length=20, description="Districts (any of).")] = [],  # noqa: B006
    owner_id: Annotated[
        uuid.UUID | None, Query(description="Only ideas brought in by this actor.")
    ] = None,
    participant: Annotated[
        uuid.UUID | None, Query(description="Only ideas this actor takes part in.")
    ] = None,
    q: Annotated[
        str | None, Query(min_length=1, max_length=200, description="Text in title/summary/city.")
    ] = None,
    sort: Annotated[IdeaSort, Query(description="Order; ties break by id.")] = "title",
    near_actor: Annotated[
        uuid.UUID | None,
        Query(description="Like `near`, from where this actor is shown to you."),
    ] = None,
) -> IdeasPublic:
    """List ideas, filtered and paginated; `count` is the total over all pages. Actors the
    caller may not see are left out of `participants` (`owner_id` null) and match no filter.
    With `near` (or `near_actor`) only located ideas are listed, nearest first (ties by id),
    each with `distance_km`; `radius_km` keeps those within it."""
    near = resolve_near(session, principal, near_and_radius, near_actor)
    return ideas.list_ideas(
        session,
        principal=principal,
        page=page,
        topics=topic,
        action_fields=action_field,
        kinds=kind,
        statuses=idea_status,
        districts=district,
        owner_id=owner_id,
        participant_id=participant,
        q=q,
        updated_since=updated_since,
        sort=sort,
        near=near,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=IdeaPublic,
    responses=problems(403, 409, body=True),
)
def create_idea(
    body: IdeaCreate,
    session: SessionDep,
    geocoder: GeocoderDep,
    principal: PrincipalDep,
    request: Request,
    response: Response,
) -> IdeaPublic:
    """Create an idea. Topic and action-field slugs must exist in the taxonomy; the owner and
    every participant must be existing actors, with at most one lead. Members must name as
    `owner_id` an actor they manage; admins may leave it out."""
    idea = ideas.create_idea(session, data=body, principal=principal, geocoder=geocoder)
    response.headers["Location"] = str(request.url_for("read_idea", idea_id=idea.id))
    with_etag(response, idea.version)
    return idea


@router.get("/{idea_id}", response_model=IdeaPublic, responses=problems(404, 422))
def read_idea(
    idea_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    cached_versions: CachedVersionsDep,
    response: Response,
) -> IdeaPublic | Response:
    """Read one idea; the `ETag` header carries its version for conditional updates. Actors
    the caller may not see are left out (`owner_id` null)."""
    idea = ideas.read_idea(session, idea_id=idea_id, principal=principal)
    if (cached := cached_versions.not_modified(idea.version)) is not None:
        return cached
    with_etag(response, idea.version)
    return idea


@router.patch(
    "/{idea_id}", response_model=IdeaPublic, responses=problems(403, 404, 409, 412, body=True)
)
def update_idea(
    idea_id: uuid.UUID,
    body: IdeaUpdate,
    session: SessionDep,
    geocoder: GeocoderDep,
    principal: PrincipalDep,
    expected_version: ExpectedVersionDep,
    response: Response,
) -> IdeaPublic:
    """Change the given fields only (admins, or managers of the owner, who may hand the idea
    only to another actor they manage); send `If-Match` with the ETag you read to avoid lost
    updates. Participants change through `/v1/ideas/{idea_id}/participants/{actor_id}`."""
    idea = ideas.update_idea(
        session,
        idea_id=idea_id,
        data=body,
        principal=principal,
        expected_version=expected_version,
        geocoder=geocoder,
    )
    with_etag(response, idea.version)
    return idea


@router.delete(
    "/{idea_id}", status_code=status.HTTP_204_NO_CONTENT, responses=problems(403, 404, 412, 422)
)
def delete_idea(
    idea_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    expected_version: ExpectedVersionDep,
) -> None:
    """Delete an idea with its participations (admins, or managers of the owner); the
    participating actors remain."""
    ideas.delete_idea(
        session, idea_id=idea_id, principal=principal, expected_version=expected_version
    )


@router.get(
    "/{idea_id}/participants",
    response_model=list[ParticipantPublic],
    responses=problems(404, 422),
)
def list_participants(
    idea_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    cached_versions: CachedVersionsDep,
    response: Response,
) -> list[ParticipantPublic] | Response:
    """The actors taking part in an idea that the caller may see, the lead first; the `ETag`
    is the idea's."""
    taking_part = participants.list_participants(session, idea_id=idea_id, principal=principal)
    version = ideas.get_idea(session, idea_id=idea_id).version
    if (cached := cached_versions.not_modified(version)) is not None:
        return cached
    with_etag(response, version)
    return taking_part


@router.put(
    "/{idea_id}/participants/{actor_id}",
    response_model=ParticipantPublic,
    responses={
        status.HTTP_201_CREATED: {"model": ParticipantPublic, "description": "Added"},
        status.HTTP_202_ACCEPTED: {
            "model": ParticipantPublic,
            "description": "Invited: takes part once its managers accept",
        },
        **problems(403, 404, 409, 412, body=True),
    },
)
def put_participant(
    idea_id: uuid.UUID,
    actor_id: uuid.UUID,
    body: ParticipantRoleIn,
    session: SessionDep,
    principal: PrincipalDep,
    expected_version: ExpectedVersionDep,
    response: Response,
) -> ParticipantPublic:
    """Add an actor to an idea (201) or change its role (200): admins, or managers of the
    idea's owner. An idea has at most one lead: making a second actor the lead is a 409 naming
    the current one. An actor takes part, or leads, only with its managers' consent: one the
    caller does not manage is invited instead (202, `status: invited`; it takes part once its
    managers accept the invitation). `If-Match` takes the idea's ETag; the response carries the
    idea's new one."""
    participant, created = participants.put_participant(
        session,
        idea_id=idea_id,
        actor_id=actor_id,
        role=body.role,
        principal=principal,
        expected_version=expected_version,
    )
    if created:
        response.status_code = status.HTTP_201_CREATED
    elif participant.status == "invited":
        response.status_code = status.HTTP_202_ACCEPTED
    # The idea is in the session already: reading its version costs no query.
    with_etag(response, ideas.get_idea(session, idea_id=idea_id).version)
    return participant


@router.delete(
    "/{idea_id}/participants/{actor_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(403, 404, 412, 422),
)
def remove_participant(
    idea_id: uuid.UUID,
    actor_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    expected_version: ExpectedVersionDep,
    response: Response,
) -> None:
    """Take an actor out of an idea (404 when it does not take part): admins, managers of the
    idea's owner, or of the actor itself (leaving); the actor itself stays. `If-Match` takes
    the idea's ETag; the response carries the idea's new one."""
    participants.remove_participant(
        session,
        idea_id=idea_id,
        actor_id=actor_id,
        principal=principal,
        expected_version=expected_version,
    )
    with_etag(response, ideas.get_idea(session, idea_id=idea_id).version)


@router.get(
    "/{idea_id}/invitations",
    response_model=list[InvitationPublic],
    responses=problems(401, 404, 422),
)
def list_invitations(
    idea_id: uuid.UUID, session: SessionDep, principal: PrincipalDep
) -> list[InvitationPublic]:
    """The idea's open invitations: all for admins and the managers of its owner, those of the
    actors you manage for anyone else."""
    return participants.list_invitations(session, idea_id=idea_id, principal=principal)


@router.post(
    "/{idea_id}/invitations/{actor_id}/accept",
    response_model=ParticipantPublic,
    responses=problems(403, 404, 409, 412, 422),
)
def accept_invitation(
    idea_id: uuid.UUID,
    actor_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    expected_version: ExpectedVersionDep,
    response: Response,
) -> ParticipantPublic:
    """Accept an invitation (the invited actor's managers, admins): the actor takes part in
    the role it was invited to (409 when that is the lead and another leads now). `If-Match`
    takes the idea's ETag; the response carries the idea's new one."""
    participant = participants.accept_invitation(
        session,
        idea_id=idea_id,
        actor_id=actor_id,
        principal=principal,
        expected_version=expected_version,
    )
    with_etag(response, ideas.get_idea(session, idea_id=idea_id).version)
    return participant


@router.delete(
    "/{idea_id}/invitations/{actor_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(403, 404, 422),
)
def decline_invitation(
    idea_id: uuid.UUID, actor_id: uuid.UUID, session: SessionDep, principal: PrincipalDep
) -> None:
    """Decline an invitation (the invited actor's managers) or withdraw it (the managers of the
    idea's owner); admins either."""
    participants.decline_invitation(
        session, idea_id=idea_id, actor_id=actor_id, principal=principal
    )
