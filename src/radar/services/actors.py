"""Actor profiles: create, read, list, update, delete — each write with its domain event."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col

from radar.errors import FieldError, InvalidInput, NotFound
from radar.models.actor import (
    Actor,
    ActorActionField,
    ActorCreate,
    ActorKind,
    ActorPublic,
    ActorsPublic,
    ActorTopic,
    ActorUpdate,
)
from radar.services import ideas, memberships, news, taxonomy
from radar.services.common import (
    PageRequest,
    check_version,
    ensure_unique_external_id,
    fetch_page,
    flush_or_conflict,
    linked_to,
    matches_text,
    text_search_value,
    touch,
    updated_since_filter,
)
from radar.services.events import record_event

ACTOR_SORTS = {
    "name": (col(Actor.name), col(Actor.id)),
    "-updated_at": (col(Actor.updated_at).desc(), col(Actor.id)),
    "updated_at": (col(Actor.updated_at), col(Actor.id)),
    "created_at": (col(Actor.created_at), col(Actor.id)),
}
_LINKED_FIELDS = {"topics", "action_fields"}


def actor_public(actor: Actor) -> ActorPublic:
    """The API shape of an actor (slugs for its topics and action fields)."""
    return ActorPublic.model_validate(
        actor,
        update={
            "topics": sorted(topic.slug for topic in actor.topics),
            "action_fields": sorted(field.slug for field in actor.action_fields),
        },
    )


def get_actor(session: Session, *, actor_id: uuid.UUID, for_update: bool = False) -> Actor:
    """The actor with this id, or NotFound."""
    actor = session.get(Actor, actor_id, with_for_update=for_update)
    if actor is None:
        raise NotFound(f"No actor with id {actor_id}")
    return actor


def create_actor(session: Session, *, data: ActorCreate) -> ActorPublic:
    """Create an actor from validated input; records `actor.created`."""
    ensure_unique_external_id(session, Actor, data.external_id)
    actor = Actor.model_validate(data.model_dump(exclude=_LINKED_FIELDS))
    actor.topics = taxonomy.resolve_topics(session, data.topics, loc=("body", "topics"))
    actor.action_fields = taxonomy.resolve_action_fields(
        session, data.action_fields, loc=("body", "action_fields")
    )
    _refresh_search_text(actor)
    session.add(actor)
    flush_or_conflict(session, "actor")
    public = actor_public(actor)
    _record(session, "actor.created", public)
    return public


def list_actors(
    session: Session,
    *,
    page: PageRequest,
    topics: Sequence[str] = (),
    action_fields: Sequence[str] = (),
    kinds: Sequence[ActorKind] = (),
    districts: Sequence[str] = (),
    q: str | None = None,
    updated_since: datetime | None = None,
    sort: str = "name",
) -> ActorsPublic:
    """One page of actors matching every given filter (any of the values within a filter;
    a topic also matches its subtopics)."""
    statement = select(Actor).options(
        selectinload(Actor.topics),  # type: ignore[arg-type]
        selectinload(Actor.action_fields),  # type: ignore[arg-type]
    )
    if topics:
        topics = taxonomy.topic_filter(session, topics, loc=("query", "topic"))
        statement = statement.where(
            linked_to(Actor.id, ActorTopic.actor_id, ActorTopic.topic_slug, topics)
        )
    if action_fields:
        taxonomy.resolve_action_fields(session, action_fields, loc=("query", "action_field"))
        statement = statement.where(
            linked_to(
                Actor.id,
                ActorActionField.actor_id,
                ActorActionField.action_field_slug,
                action_fields,
            )
        )
    if kinds:
        statement = statement.where(col(Actor.kind).in_(kinds))
    if districts:
        statement = statement.where(col(Actor.district).in_(districts))
    if q:
        statement = statement.where(matches_text(Actor.search_text, q))
    statement = statement.where(*updated_since_filter(Actor.updated_at, updated_since))
    statement = statement.order_by(*ACTOR_SORTS[sort])
    rows, total = fetch_page(session, statement, page)
    return ActorsPublic(
        data=[actor_public(actor) for actor in rows],
        count=total,
        limit=page.limit,
        offset=page.offset,
    )


def read_actor(session: Session, *, actor_id: uuid.UUID) -> ActorPublic:
    """One actor in its API shape."""
    return actor_public(get_actor(session, actor_id=actor_id))


def update_actor(
    session: Session,
    *,
    actor_id: uuid.UUID,
    data: ActorUpdate,
    expected_version: int | None = None,
) -> ActorPublic:
    """Apply the fields present in `data`; 412 when `expected_version` is stale."""
    actor = get_actor(session, actor_id=actor_id, for_update=True)
    check_version(current=actor.version, expected=expected_version)
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    if "external_id" in changes:
        ensure_unique_external_id(session, Actor, changes["external_id"], own_id=actor.id)
    if "topics" in changes:
        actor.topics = taxonomy.resolve_topics(session, changes["topics"], loc=("body", "topics"))
    if "action_fields" in changes:
        actor.action_fields = taxonomy.resolve_action_fields(
            session, changes["action_fields"], loc=("body", "action_fields")
        )
    actor.sqlmodel_update({k: v for k, v in changes.items() if k not in _LINKED_FIELDS})
    if (actor.lat is None) != (actor.lon is None):
        raise InvalidInput(
            [
                FieldError(
                    loc=("body", "lat" if "lat" in changes else "lon"),
                    message="lat and lon must be given together",
                )
            ]
        )
    _refresh_search_text(actor)
    touch(actor)
    flush_or_conflict(session, "actor")
    public = actor_public(actor)
    _record(session, "actor.updated", public)
    return public


def delete_actor(
    session: Session, *, actor_id: uuid.UUID, expected_version: int | None = None
) -> None:
    """Delete an actor and its links (participations, memberships); its ideas and news stay
    without an owner. Each changed idea, group and news item gets a new version and its event
    (the database cascades are only a safety net); then records `actor.deleted`."""
    actor = get_actor(session, actor_id=actor_id, for_update=True)
    check_version(current=actor.version, expected=expected_version)
    public = actor_public(actor)
    ideas.detach_actor(session, actor_id=actor.id)
    memberships.detach_actor(session, actor_id=actor.id)
    news.detach_author(session, actor_id=actor.id)
    session.delete(actor)
    session.flush()
    _record(session, "actor.deleted", public)


def _refresh_search_text(actor: Actor) -> None:
    actor.search_text = text_search_value(actor.name, actor.description, actor.city)


def _record(session: Session, event_type: str, public: ActorPublic) -> None:
    record_event(
        session,
        type=event_type,
        entity_type="actor",
        entity_id=public.id,
        payload=public.model_dump(mode="json"),
    )
