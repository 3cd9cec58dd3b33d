"""Actor profiles: create, read, list, update, delete, export — each checked against the
caller, shaped for the caller, and each write recorded with its domain event."""

import dataclasses
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import selectinload
from sqlmodel import Session, SQLModel, col

from radar.errors import FieldError, Forbidden, InvalidInput, NotFound
from radar.geo.base import Geocoder
from radar.geo.privacy import kept_or_shown_point, shown_point
from radar.models.account import Account, AccountActor, Role
from radar.models.actor import (
    Actor,
    ActorActionField,
    ActorCreate,
    ActorKind,
    ActorPublic,
    ActorsPublic,
    ActorTopic,
    ActorUpdate,
    Visibility,
)
from radar.models.base import utcnow
from radar.models.event import Event, EventPublic
from radar.models.group import GroupMember, MemberRole, MemberStatus, WorkingGroup
from radar.models.idea import Idea, IdeaParticipant, ParticipantRole
from radar.models.news import News
from radar.services import geocoding, ideas, memberships, news, taxonomy, vocabulary
from radar.services.access import (
    SYSTEM,
    Principal,
    actor_seen,
    ensure_visible,
    require_manager,
    require_signed_in,
    require_writer,
    visible_actors,
)
from radar.services.common import (
    ExpectedVersion,
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
from radar.services.erasure import erase_actor_traces, tombstone
from radar.services.events import record_event, record_events
from radar.services.proximity import Near, box_prefilter, rank_by_distance

ACTOR_SORTS = {
    "name": (col(Actor.name), col(Actor.id)),
    "-updated_at": (col(Actor.updated_at).desc(), col(Actor.id)),
    "updated_at": (col(Actor.updated_at), col(Actor.id)),
    "created_at": (col(Actor.created_at), col(Actor.id)),
}
_LINKED_FIELDS = {"topics", "action_fields"}
# Free-term lists and the columns holding the taxonomy topic of each of their terms.
_TERM_TOPICS = {"offers": "offer_topics", "seeks": "seek_topics", "tags": "tag_topics"}


# Address fields withheld from everyone but managers and admins, per location precision.
class ManagerRef(SQLModel):
    account_id: uuid.UUID
    name: str


class IdeaRef(SQLModel):
    id: uuid.UUID
    title: str


class ParticipationRef(SQLModel):
    idea_id: uuid.UUID
    title: str
    role: ParticipantRole


class MembershipRef(SQLModel):
    group_id: uuid.UUID
    name: str
    role: MemberRole
    status: MemberStatus


class NewsRef(SQLModel):
    id: uuid.UUID
    title: str
    published_at: datetime


class ActorExport(SQLModel):
    """Everything stored about an actor (GDPR right of access)."""

    actor: ActorPublic
    managers: list[ManagerRef]
    ideas_owned: list[IdeaRef]
    participations: list[ParticipationRef]
    memberships: list[MembershipRef]
    news_authored: list[NewsRef]
    events: list[EventPublic]


def actor_public(actor: Actor, principal: Principal) -> ActorPublic:
    """The API shape of an actor as `principal` may see it (see `access.actor_seen`): contacts
    for cluster insiders only, the location at the actor's precision for all but its managers
    and admins. 404 when it may not see the actor at all."""
    seen = actor_seen(
        principal,
        actor_id=actor.id,
        visibility=actor.visibility,
        precision=actor.location_precision,
        shown=actor.shown_location,
    )
    if seen is None:
        raise NotFound(f"No actor with id {actor.id}")
    seen.update(
        topics=sorted(topic.slug for topic in actor.topics),
        action_fields=sorted(field.slug for field in actor.action_fields),
    )
    return ActorPublic.model_validate(actor, update=seen)


def get_actor(session: Session, *, actor_id: uuid.UUID, for_update: bool = False) -> Actor:
    """The actor with this id, or NotFound."""
    actor = session.get(Actor, actor_id, with_for_update=for_update)
    if actor is None:
        raise NotFound(f"No actor with id {actor_id}")
    return actor


def create_actor(
    session: Session,
    *,
    data: ActorCreate,
    principal: Principal,
    geocoder: Geocoder | None = None,
) -> ActorPublic:
    """Create an actor from validated input; a member creating it becomes its manager.
    Records `actor.created`."""
    require_writer(principal)
    ensure_unique_external_id(session, Actor, data.external_id)
    actor = _new_actor(
        session,
        data,
        taxonomy.resolve_topics(session, data.topics, loc=("body", "topics")),
        taxonomy.resolve_action_fields(session, data.action_fields, loc=("body", "action_fields")),
        geocoder or geocoding.configured_geocoder(session),
    )
    session.add(actor)
    flush_or_conflict(session, "actor")
    if principal.role is Role.member and principal.account_id is not None:
        session.add(AccountActor(account_id=principal.account_id, actor_id=actor.id))
        session.flush()
        principal = dataclasses.replace(principal, actor_ids=principal.actor_ids | {actor.id})
    _record(session, "actor.created", actor_public(actor, SYSTEM))
    return actor_public(actor, principal)


def create_actors(
    session: Session, items: Sequence[ActorCreate], *, geocoder: Geocoder | None = None
) -> None:
    """Create many actors as the system (bulk import): the taxonomy checked once, the rows,
    their topic and action-field links and their `actor.created` events written in one INSERT
    each, with what `create_actor` would store (geocoded, shown location, search text). The
    caller has made sure that no external_id is taken; any failure (an unknown topic or
    action field in any row) fails the whole call."""
    taxonomy.resolve_topics(session, _union(i.topics for i in items), loc=())
    taxonomy.resolve_action_fields(session, _union(i.action_fields for i in items), loc=())
    geocoder = geocoder or geocoding.configured_geocoder(session)
    now = utcnow()
    rows: list[dict[str, Any]] = []
    topic_links: list[dict[str, Any]] = []
    field_links: list[dict[str, Any]] = []
    snapshots: list[ActorPublic] = []
    for data in items:
        row = _new_actor_row(session, data, geocoder, now)
        topics, fields = sorted(set(data.topics)), sorted(set(data.action_fields))
        topic_links += [{"actor_id": row["id"], "topic_slug": slug} for slug in topics]
        field_links += [{"actor_id": row["id"], "action_field_slug": slug} for slug in fields]
        rows.append(row)
        snapshots.append(
            ActorPublic.model_validate({**row, "topics": topics, "action_fields": fields})
        )
    session.execute(sa.insert(Actor), rows)
    if topic_links:
        session.execute(sa.insert(ActorTopic), topic_links)
    if field_links:
        session.execute(sa.insert(ActorActionField), field_links)
    record_events(
        session,
        type="actor.created",
        entity_type="actor",
        snapshots=[(s.id, _payload(s), s.visibility is Visibility.private) for s in snapshots],
    )


def _new_actor_row(
    session: Session, data: ActorCreate, geocoder: Geocoder, now: datetime
) -> dict[str, Any]:
    """The column values `create_actor` would store for `data`, without an ORM object."""
    values: dict[str, Any] = data.model_dump(exclude=_LINKED_FIELDS)
    for name, field in Actor.model_fields.items():
        if name not in values:
            values[name] = field.get_default(call_default_factory=True)
    values.update(created_at=now, updated_at=now, **_term_topics(session, values))
    row = SimpleNamespace(**values)
    geocoding.locate_on_write(session, row, changed=data.model_fields_set, geocoder=geocoder)
    shown = shown_point(row.location_precision, row.lat, row.lon, row.postcode, row.city)
    row.shown_lat, row.shown_lon = shown if shown is not None else (None, None)
    row.search_text = text_search_value(row.name, row.description, row.city)
    return vars(row)


def _union(lists: Iterable[Sequence[str]]) -> list[str]:
    return list(dict.fromkeys(slug for slugs in lists for slug in slugs))


def _by_slug(rows: Iterable[Any]) -> dict[str, Any]:
    return {row.slug: row for row in rows}


def _new_actor(
    session: Session,
    data: ActorCreate,
    topics: list[Any],
    action_fields: list[Any],
    geocoder: Geocoder,
) -> Actor:
    actor = Actor.model_validate(data.model_dump(exclude=_LINKED_FIELDS))
    actor.topics = list(_by_slug(topics).values())
    actor.action_fields = list(_by_slug(action_fields).values())
    geocoding.locate_on_write(session, actor, changed=data.model_fields_set, geocoder=geocoder)
    _refresh_search_text(actor)
    actor.sqlmodel_update(_term_topics(session, actor.model_dump(include=set(_TERM_TOPICS))))
    return actor


def list_actors(
    session: Session,
    *,
    principal: Principal,
    page: PageRequest,
    topics: Sequence[str] = (),
    action_fields: Sequence[str] = (),
    kinds: Sequence[ActorKind] = (),
    districts: Sequence[str] = (),
    q: str | None = None,
    updated_since: datetime | None = None,
    sort: str = "name",
    near: Near | None = None,
) -> ActorsPublic:
    """One page of the actors `principal` may see matching every given filter (any of the
    values within a filter; a topic also matches its subtopics); with `near`, nearest first
    (within its radius), each with `distance_km`."""
    statement = select(Actor).options(
        selectinload(Actor.topics),  # type: ignore[arg-type]
        selectinload(Actor.action_fields),  # type: ignore[arg-type]
    )
    conditions = [
        visible_actors(principal),
        *actor_filters(
            session, topics=topics, action_fields=action_fields, kinds=kinds, districts=districts
        ),
        *updated_since_filter(Actor.updated_at, updated_since),
    ]
    if q:
        conditions.append(matches_text(Actor.search_text, q))
    if near is not None:
        return _list_near(session, statement.where(*conditions), conditions, principal, page, near)
    statement = statement.where(*conditions).order_by(*ACTOR_SORTS[sort])
    rows, total = fetch_page(session, statement, page)
    return ActorsPublic(
        data=[actor_public(actor, principal) for actor in rows],
        count=total,
        limit=page.limit,
        offset=page.offset,
    )


def _list_near(
    session: Session,
    statement: Select[Any],
    conditions: list[ColumnElement[bool]],
    principal: Principal,
    page: PageRequest,
    near: Near,
) -> ActorsPublic:
    """One page of the actors matching `conditions` nearest to `near`, at the locations the
    caller may see (hidden ones are left out), each with its distance."""
    located = session.execute(
        select(
            col(Actor.id),
            col(Actor.lat),
            col(Actor.lon),
            col(Actor.postcode),
            col(Actor.city),
            col(Actor.location_precision),
            col(Actor.shown_lat),
            col(Actor.shown_lon),
        ).where(*conditions, *box_prefilter(near, col(Actor.lat), col(Actor.lon)))
    )
    ranked = rank_by_distance(
        located,
        near,
        lambda row: (
            (row[1], row[2])
            if principal.manages(row[0])
            else kept_or_shown_point((row[6], row[7]), row[5], row[1], row[2], row[3], row[4])
        ),
    )
    chosen = dict(ranked[page.offset : page.offset + page.limit])
    actors = session.execute(statement.where(col(Actor.id).in_(chosen))).scalars().all()
    by_distance = sorted(actors, key=lambda actor: (chosen[actor.id], str(actor.id)))
    return ActorsPublic(
        data=[
            actor_public(actor, principal).model_copy(
                update={"distance_km": round(chosen[actor.id], 2)}
            )
            for actor in by_distance
        ],
        count=len(ranked),
        limit=page.limit,
        offset=page.offset,
    )


def actor_location_for(session: Session, *, actor_id: uuid.UUID, principal: Principal) -> Near:
    """The point an actor is shown at to `principal` (for `near_actor`); 404 when they may not
    see it, 422 when it shows no location."""
    shown = read_actor(session, actor_id=actor_id, principal=principal)
    if shown.lat is None or shown.lon is None:
        raise InvalidInput(
            [
                FieldError(
                    loc=("query", "near_actor"),
                    message="this actor shows no location",
                    type="no_location",
                )
            ]
        )
    return Near(lat=shown.lat, lon=shown.lon)


def actor_filters(
    session: Session,
    *,
    topics: Sequence[str] = (),
    action_fields: Sequence[str] = (),
    kinds: Sequence[ActorKind] = (),
    districts: Sequence[str] = (),
) -> list[ColumnElement[bool]]:
    """The SQL conditions of the actor list filters (any value within a filter; a topic also
    matches its subtopics); unknown topic or action-field slugs are a 422 on the query."""
    conditions: list[ColumnElement[bool]] = []
    if topics:
        topics = taxonomy.topic_filter(session, topics, loc=("query", "topic"))
        conditions.append(linked_to(Actor.id, ActorTopic.actor_id, ActorTopic.topic_slug, topics))
    if action_fields:
        taxonomy.resolve_action_fields(session, action_fields, loc=("query", "action_field"))
        conditions.append(
            linked_to(
                Actor.id,
                ActorActionField.actor_id,
                ActorActionField.action_field_slug,
                action_fields,
            )
        )
    if kinds:
        conditions.append(col(Actor.kind).in_(kinds))
    if districts:
        conditions.append(col(Actor.district).in_(districts))
    return conditions


def read_actor(session: Session, *, actor_id: uuid.UUID, principal: Principal) -> ActorPublic:
    """One actor in its API shape; 404 when `principal` may not see it."""
    actor = ensure_visible(principal, get_actor(session, actor_id=actor_id))
    return actor_public(actor, principal)


def update_actor(
    session: Session,
    *,
    actor_id: uuid.UUID,
    data: ActorUpdate,
    principal: Principal,
    expected_version: ExpectedVersion = None,
    geocoder: Geocoder | None = None,
) -> ActorPublic:
    """Apply the fields present in `data`; 412 when `expected_version` is stale."""
    actor = _managed_actor(session, actor_id=actor_id, principal=principal)
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
    term_topics = _term_topics(session, changes)
    actor.sqlmodel_update({k: v for k, v in changes.items() if k not in _LINKED_FIELDS})
    actor.sqlmodel_update(term_topics)
    if (actor.lat is None) != (actor.lon is None):
        raise InvalidInput(
            [
                FieldError(
                    loc=("body", "lat" if "lat" in changes else "lon"),
                    message="lat and lon must be given together",
                    type="coordinates_apart",
                )
            ]
        )
    geocoding.locate_on_write(session, actor, changed=changes, geocoder=geocoder)
    _refresh_search_text(actor)
    touch(actor)
    flush_or_conflict(session, "actor")
    _record(session, "actor.updated", actor_public(actor, SYSTEM))
    return actor_public(actor, principal)


def delete_actor(
    session: Session,
    *,
    actor_id: uuid.UUID,
    principal: Principal,
    expected_version: ExpectedVersion = None,
) -> None:
    """Delete an actor and its links (participations, memberships, managers); its ideas and
    news stay without an owner. Each changed idea, group and news item gets a new version and
    its event (the database cascades are only a safety net); then scrubs the actor from stored
    events and webhook deliveries (`erasure`) and records `actor.deleted` with its id only."""
    actor = _managed_actor(session, actor_id=actor_id, principal=principal)
    check_version(current=actor.version, expected=expected_version)
    actor_id, name = actor.id, actor.name
    private = actor.visibility is Visibility.private
    ideas.detach_actor(session, actor_id=actor_id)
    memberships.detach_actor(session, actor_id=actor_id)
    news.detach_author(session, actor_id=actor_id)
    session.delete(actor)
    session.flush()
    # The erasure reaches stored events and webhook deliveries; what stays is the id.
    erase_actor_traces(session, actor_id=actor_id, name=name)
    record_event(
        session,
        type="actor.deleted",
        entity_type="actor",
        entity_id=actor_id,
        payload=tombstone(actor_id),
        private=private,
    )


def export_actor(session: Session, *, actor_id: uuid.UUID, principal: Principal) -> ActorExport:
    """Everything stored about an actor (GDPR right of access), for its managers and admins;
    401 for anonymous callers, 404 when `principal` may not see the actor, 403 when they see
    it but do not manage it."""
    require_signed_in(principal)
    actor = ensure_visible(principal, get_actor(session, actor_id=actor_id))
    if not principal.manages(actor.id):
        raise Forbidden("Only the managers of an actor and admins may export it")
    rows = session.execute
    managers = rows(
        select(col(Account.id), col(Account.name))
        .join(AccountActor, col(AccountActor.account_id) == col(Account.id))
        .where(col(AccountActor.actor_id) == actor.id)
        .order_by(col(Account.name), col(Account.id))
    )
    owned = rows(
        select(col(Idea.id), col(Idea.title))
        .where(col(Idea.owner_id) == actor.id)
        .order_by(col(Idea.created_at), col(Idea.id))
    )
    participations = rows(
        select(col(IdeaParticipant.idea_id), col(Idea.title), col(IdeaParticipant.role))
        .join(Idea, col(Idea.id) == col(IdeaParticipant.idea_id))
        .where(col(IdeaParticipant.actor_id) == actor.id)
        .order_by(col(IdeaParticipant.joined_at), col(IdeaParticipant.idea_id))
    )
    group_memberships = rows(
        select(
            col(GroupMember.group_id),
            col(WorkingGroup.name),
            col(GroupMember.role),
            col(GroupMember.status),
        )
        .join(WorkingGroup, col(WorkingGroup.id) == col(GroupMember.group_id))
        .where(col(GroupMember.actor_id) == actor.id)
        .order_by(col(GroupMember.joined_at), col(GroupMember.group_id))
    )
    authored = rows(
        select(col(News.id), col(News.title), col(News.published_at))
        .where(col(News.author_id) == actor.id)
        .order_by(col(News.published_at), col(News.id))
    )
    events = rows(select(Event).where(col(Event.entity_id) == actor.id).order_by(col(Event.seq)))
    return ActorExport(
        actor=actor_public(actor, principal),
        managers=[ManagerRef(account_id=id_, name=name) for id_, name in managers],
        ideas_owned=[IdeaRef(id=id_, title=title) for id_, title in owned],
        participations=[
            ParticipationRef(idea_id=id_, title=title, role=role)
            for id_, title, role in participations
        ],
        memberships=[
            MembershipRef(group_id=id_, name=name, role=role, status=status)
            for id_, name, role, status in group_memberships
        ],
        news_authored=[
            NewsRef(id=id_, title=title, published_at=published_at)
            for id_, title, published_at in authored
        ],
        events=[EventPublic.model_validate(event) for event in events.scalars()],
    )


def _managed_actor(session: Session, *, actor_id: uuid.UUID, principal: Principal) -> Actor:
    """The actor, locked for a write: 404 when `principal` may not see it, 403 unless they
    manage it — checked before anything changes."""
    actor = ensure_visible(principal, get_actor(session, actor_id=actor_id, for_update=True))
    require_manager(principal, actor.id, what="actor")
    return actor


def retry_geocoding(
    session: Session,
    *,
    limit: int = 1000,
    geocoder: Geocoder | None = None,
    on_rows: Callable[[int], object] | None = None,
    on_row: Callable[[], object] | None = None,
) -> geocoding.RetryReport:
    """Geocode the actors whose geocoding failed or is pending again, recording each change."""
    return geocoding.retry_rows(
        session,
        Actor,
        record=lambda s, actor: _record(s, "actor.updated", actor_public(actor, SYSTEM)),
        limit=limit,
        geocoder=geocoder,
        on_rows=on_rows,
        on_row=on_row,
    )


def _term_topics(session: Session, values: dict[str, Any]) -> dict[str, list[str | None]]:
    """The taxonomy topic of each term, for the free-term lists (offers, seeks, tags) among
    `values`: the `*_topics` columns that go with them."""
    return {
        column: vocabulary.resolve_terms(session, values[terms])
        for terms, column in _TERM_TOPICS.items()
        if terms in values
    }


def _refresh_search_text(actor: Actor) -> None:
    actor.search_text = text_search_value(actor.name, actor.description, actor.city)


def _record(session: Session, event_type: str, snapshot: ActorPublic) -> None:
    # The full snapshot (exact location; contacts are dropped by record_event): webhooks will
    # shape it per receiver. A private profile's events are for admins only.
    record_event(
        session,
        type=event_type,
        entity_type="actor",
        entity_id=snapshot.id,
        payload=_payload(snapshot),
        private=snapshot.visibility is Visibility.private,
    )


def _payload(snapshot: ActorPublic) -> dict[str, Any]:
    return snapshot.model_dump(mode="json", exclude={"distance_km"})
