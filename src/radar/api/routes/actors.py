"""Actor profiles: `/v1/actors`."""

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
from radar.models.actor import ActorCreate, ActorKind, ActorPublic, ActorsPublic, ActorUpdate
from radar.services import actors

router = authenticated_router(prefix="/v1/actors", tags=["actors"])

ActorSort = Literal["name", "updated_at", "-updated_at", "created_at"]


@router.get("", response_model=ActorsPublic, responses=problems(422))
def list_actors(
    session: SessionDep,
    principal: PrincipalDep,
    page: PageDep,
    updated_since: UpdatedSinceDep,
    near_and_radius: NearDep,
    topic: Annotated[list[str], Query(max_length=30, description="Topic slugs (any of).")] = [],  # noqa: B006
    action_field: Annotated[
        list[str], Query(max_length=10, description="Action-field slugs (any of).")
    ] = [],  # noqa: B006
    kind: Annotated[list[ActorKind], Query(max_length=8, description="Kinds (any of).")] = [],  # noqa: B006
    district: Annotated[list[str], Query(max_length=20, description="Districts (any of).")] = [],  # noqa: B006
    q: Annotated[
        str | None, Query(min_length=1, max_length=200, description="Text in name/description.")
    ] = None,
    sort: Annotated[ActorSort, Query(description="Order; ties break by id.")] = "name",
    near_actor: Annotated[
        uuid.UUID | None,
        Query(description="Like `near`, from where this actor is shown to you."),
    ] = None,
) -> ActorsPublic:
    """List the actors you may see, filtered and paginated; `count` is the total over all
    pages. With `near` (or `near_actor`) the list is ordered by distance from there (ties by
    id), each item carries `distance_km`, and only actors showing a location to you are
    listed; `radius_km` keeps those within it."""
    near = resolve_near(session, principal, near_and_radius, near_actor)
    return actors.list_actors(
        session,
        principal=principal,
        page=page,
        topics=topic,
        action_fields=action_field,
        kinds=kind,
        districts=district,
        q=q,
        updated_since=updated_since,
        sort=sort,
        near=near,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ActorPublic,
    responses=problems(403, 409, body=True),
)
def create_actor(
    body: ActorCreate,
    session: SessionDep,
    geocoder: GeocoderDep,
    principal: PrincipalDep,
    request: Request,
    response: Response,
) -> ActorPublic:
    """Create an actor profile (admins and members; a member becomes its manager). Topic and
    action-field slugs must exist in the taxonomy."""
    actor = actors.create_actor(session, data=body, principal=principal, geocoder=geocoder)
    response.headers["Location"] = str(request.url_for("read_actor", actor_id=actor.id))
    with_etag(response, actor.version)
    return actor


@router.get("/{actor_id}", response_model=ActorPublic, responses=problems(404, 422))
def read_actor(
    actor_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    cached_versions: CachedVersionsDep,
    response: Response,
) -> ActorPublic | Response:
    """Read one actor; the `ETag` header carries its version for conditional updates. Contacts
    are shown to cluster insiders only, and the location at the actor's precision to all but
    its managers and admins."""
    actor = actors.read_actor(session, actor_id=actor_id, principal=principal)
    if (cached := cached_versions.not_modified(actor.version)) is not None:
        return cached
    with_etag(response, actor.version)
    return actor


@router.patch(
    "/{actor_id}",
    response_model=ActorPublic,
    responses=problems(403, 404, 409, 412, body=True),
)
def update_actor(
    actor_id: uuid.UUID,
    body: ActorUpdate,
    session: SessionDep,
    geocoder: GeocoderDep,
    principal: PrincipalDep,
    expected_version: ExpectedVersionDep,
    response: Response,
) -> ActorPublic:
    """Change the given fields only (the actor's managers and admins); send `If-Match` with
    the ETag you read, or risk lost updates."""
    actor = actors.update_actor(
        session,
        actor_id=actor_id,
        data=body,
        principal=principal,
        expected_version=expected_version,
        geocoder=geocoder,
    )
    with_etag(response, actor.version)
    return actor


@router.delete(
    "/{actor_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(403, 404, 412, 422),
)
def delete_actor(
    actor_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    expected_version: ExpectedVersionDep,
) -> None:
    """Delete an actor for good (the GDPR erasure; its managers and admins) with its
    participations, memberships and managers; its ideas and news remain, without owner or
    author. The erasure reaches the event feed and webhook deliveries, sent or not: the actor's
    earlier events keep only its id, other events and deliveries that named it lose its name;
    the `actor.deleted` event carries its id alone."""
    actors.delete_actor(
        session, actor_id=actor_id, principal=principal, expected_version=expected_version
    )


@router.get(
    "/{actor_id}/export", response_model=actors.ActorExport, responses=problems(403, 404, 422)
)
def export_actor(
    actor_id: uuid.UUID, session: SessionDep, principal: PrincipalDep
) -> actors.ActorExport:
    """Everything stored about an actor (the GDPR right of access; its managers and admins):
    the full profile, its managers, ideas, participations, memberships, news and events."""
    return actors.export_actor(session, actor_id=actor_id, principal=principal)
