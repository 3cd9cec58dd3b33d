"""Actor profiles: `/v1/actors`."""

import uuid
from typing import Annotated, Literal

from fastapi import Query, Request, Response, status

from radar.api.auth import authenticated_router
from radar.api.deps import (
    ExpectedVersionDep,
    PageDep,
    SessionDep,
    UpdatedSinceDep,
    not_modified,
    with_etag,
)
from radar.api.errors import problems
from radar.models.actor import ActorCreate, ActorKind, ActorPublic, ActorsPublic, ActorUpdate
from radar.services import actors

router = authenticated_router(prefix="/v1/actors", tags=["actors"])

ActorSort = Literal["name", "updated_at", "-updated_at", "created_at"]


@router.get("", response_model=ActorsPublic, responses=problems(422))
def list_actors(
    session: SessionDep,
    page: PageDep,
    updated_since: UpdatedSinceDep,
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
) -> ActorsPublic:
    """List actors, filtered and paginated; `count` is the total over all pages."""
    return actors.list_actors(
        session,
        page=page,
        topics=topic,
        action_fields=action_field,
        kinds=kind,
        districts=district,
        q=q,
        updated_since=updated_since,
        sort=sort,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ActorPublic,
    responses=problems(409, body=True),
)
def create_actor(
    body: ActorCreate, session: SessionDep, request: Request, response: Response
) -> ActorPublic:
    """Create an actor profile. Topic and action-field slugs must exist in the taxonomy."""
    actor = actors.create_actor(session, data=body)
    response.headers["Location"] = str(request.url_for("read_actor", actor_id=actor.id))
    with_etag(response, actor.version)
    return actor


@router.get("/{actor_id}", response_model=ActorPublic, responses=problems(404, 422))
def read_actor(
    actor_id: uuid.UUID, session: SessionDep, request: Request, response: Response
) -> ActorPublic | Response:
    """Read one actor; the `ETag` header carries its version for conditional updates."""
    actor = actors.read_actor(session, actor_id=actor_id)
    if (cached := not_modified(request, actor.version)) is not None:
        return cached
    with_etag(response, actor.version)
    return actor


@router.patch(
    "/{actor_id}", response_model=ActorPublic, responses=problems(404, 409, 412, body=True)
)
def update_actor(
    actor_id: uuid.UUID,
    body: ActorUpdate,
    session: SessionDep,
    expected_version: ExpectedVersionDep,
    response: Response,
) -> ActorPublic:
    """Change the given fields only; send `If-Match` with the ETag you read, or risk lost
    updates."""
    actor = actors.update_actor(
        session, actor_id=actor_id, data=body, expected_version=expected_version
    )
    with_etag(response, actor.version)
    return actor


@router.delete(
    "/{actor_id}", status_code=status.HTTP_204_NO_CONTENT, responses=problems(404, 412, 422)
)
def delete_actor(
    actor_id: uuid.UUID, session: SessionDep, expected_version: ExpectedVersionDep
) -> None:
    """Delete an actor with its participations and memberships; its ideas and news remain,
    without owner or author."""
    actors.delete_actor(session, actor_id=actor_id, expected_version=expected_version)
