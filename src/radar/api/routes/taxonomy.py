"""The taxonomy, read-only: `/v1/topics` and `/v1/action-fields`."""

from typing import Annotated

from fastapi import Query

from radar.api.auth import authenticated_router
from radar.api.deps import SessionDep
from radar.api.errors import problems
from radar.models.action_field import ActionFieldPublic
from radar.models.topic import TopicPublic
from radar.services import taxonomy

router = authenticated_router(prefix="/v1", tags=["taxonomy"])


@router.get("/topics", response_model=list[TopicPublic], responses=problems(422))
def list_topics(
    session: SessionDep,
    q: Annotated[
        str | None, Query(max_length=100, description="Part of a slug, label or synonym.")
    ] = None,
    action_field: Annotated[
        str | None, Query(max_length=64, description="Only topics serving this action field.")
    ] = None,
) -> list[TopicPublic]:
    """All taxonomy topics (the whole taxonomy is small, so this list is not paginated)."""
    return taxonomy.list_topics(session, q=q, action_field=action_field)


@router.get("/topics/{slug}", response_model=TopicPublic, responses=problems(404))
def read_topic(slug: str, session: SessionDep) -> TopicPublic:
    """One topic with its labels, synonyms, parent and action fields."""
    return taxonomy.get_topic(session, slug=slug)


@router.get("/action-fields", response_model=list[ActionFieldPublic])
def list_action_fields(session: SessionDep) -> list[ActionFieldPublic]:
    """The cluster's action fields (Handlungsfelder)."""
    return taxonomy.list_action_fields(session)


@router.get("/action-fields/{slug}", response_model=ActionFieldPublic, responses=problems(404))
def read_action_field(slug: str, session: SessionDep) -> ActionFieldPublic:
    """One action field."""
    return taxonomy.get_action_field(session, slug=slug)
