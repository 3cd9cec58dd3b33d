"""The taxonomy, read-only: `/v1/topics` and `/v1/action-fields`."""

from typing import Annotated

from fastapi import Query

from radar.api.auth import authenticated_router
from radar.api.deps import SessionDep
from radar.api.errors import problems
from radar.models.action_field import ActionFieldPublic
from radar.models.topic import TopicPublic, TopicSuggestions
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


@router.get("/topics/suggest", response_model=TopicSuggestions, responses=problems(422))
def suggest_topics(
    session: SessionDep,
    q: Annotated[str, Query(min_length=1, max_length=100, description="What was typed.")],
    limit: Annotated[int, Query(ge=1, le=50, description="Most suggestions returned.")] = 10,
) -> TopicSuggestions:
    """Autocomplete for topic fields: the taxonomy topics the typed text could mean, best
    first — by German or English label, slug or synonym, from the first letters, with umlauts
    spelt out or not ("kunstst", "Kuenstliche", "kunstoff" all find their topic)."""
    return TopicSuggestions(data=taxonomy.suggest_topics(session, q=q, limit=limit))


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
