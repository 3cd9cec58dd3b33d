"""Ideas and joint projects: create, read, list, update, delete, detach a deleted actor — each
write with its domain event, each read showing only the actors its reader may see."""

import uuid
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col

from radar.errors import FieldError, InvalidInput, NotFound
from radar.geo.base import Geocoder
from radar.models.idea import (
    Idea,
    IdeaActionField,
    IdeaCreate,
    IdeaKind,
    IdeaParticipant,
    IdeaPublic,
    IdeasPublic,
    IdeaStatus,
    IdeaTopic,
    IdeaUpdate,
    ParticipantIn,
    ParticipantPublic,
    ParticipantRole,
)
from radar.services import geocoding, taxonomy
from radar.services.access import (
    Principal,
    require_manager,
    require_own_actor,
    visible_actor,
    visible_actor_ids,
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
from radar.services.events import record_event
from radar.services.proximity import Near, box_prefilter, rank_by_distance

IDEA_SORTS = {
    "title": (col(Idea.title), col(Idea.id)),
    "updated_at": (col(Idea.updated_at), col(Idea.id)),
    "-updated_at": (col(Idea.updated_at).desc(), col(Idea.id)),
    "created_at": (col(Idea.created_at), col(Idea.id)),
    # NULLS LAST on both databases (their defaults differ), so pages are the same everywhere.
    "start_date": (col(Idea.start_date).asc().nulls_last(), col(Idea.id)),
}
_LINKED_FIELDS = {"topics", "action_fields", "participants"}


def idea_public(idea: Idea, *, visible: Collection[uuid.UUID] | None = None) -> IdeaPublic:
    """The API shape of an idea (slugs for its topics and action fields, lead first). With
    `visible`, the actors it references outside that set are left out (the owner as null)."""
    shown = idea.owner_id if visible is None or idea.owner_id in visible else None
    return IdeaPublic.model_validate(
        idea,
        update={
            "owner_id": shown,
            "topics": sorted(topic.slug for topic in idea.topics),
            "action_fields": sorted(field.slug for field in idea.action_fields),
            "participants": participants_public(idea, visible=visible),
        },
    )


def idea_seen_by(session: Session, principal: Principal, idea: Idea) -> IdeaPublic:
    """The idea as `principal` may see it: actors it may not see are left out."""
    return idea_public(
        idea, visible=visible_actor_ids(session, principal, _referenced_actors([idea]))
    )


def get_idea(session: Session, *, idea_id: uuid.UUID, for_update: bool = False) -> Idea:
    """The idea with this id, or NotFound."""
    idea = session.get(Idea, idea_id, with_for_update=for_update)
    if idea is None:
        raise NotFound(f"No idea with id {idea_id}")
    return idea


def create_idea(
    session: Session,
    *,
    data: IdeaCreate,
    principal: Principal,
    geocoder: Geocoder | None = None,
) -> IdeaPublic:
    """Create an idea from validated input; records `idea.created`. Members create ideas for
    an owner they manage; admins for any owner, or none. Participants the caller does not
    manage (short of an admin) are invited, not added: they take part once their managers
    accept (`GET /v1/ideas/{id}/invitations`)."""
    require_own_actor(principal, data.owner_id, field="owner_id")
    ensure_unique_external_id(session, Idea, data.external_id)
    topics = taxonomy.resolve_topics(session, data.topics, loc=("body", "topics"))
    action_fields = taxonomy.resolve_action_fields(
        session, data.action_fields, loc=("body", "action_fields")
    )
    seeking_topics = taxonomy.validate_topic_slugs(
        session, data.seeking_topics, loc=("body", "seeking_topics")
    )
    _require_actors(session, principal, owner_id=data.owner_id, participants=data.participants)
    idea = Idea.model_validate(
        data.model_dump(exclude=_LINKED_FIELDS | {"seeking_topics", "seeking_kinds"})
    )
    idea.topics = topics
    idea.action_fields = action_fields
    idea.seeking_topics = seeking_topics
    idea.seeking_kinds = [kind.value for kind in data.seeking_kinds]
    consenting = [p for p in data.participants if principal.manages(p.actor_id)]
    idea.participants = [
        IdeaParticipant(idea_id=idea.id, actor_id=participant.actor_id, role=participant.role)
        for participant in consenting
    ]
    geocoding.locate_on_write(session, idea, changed=data.model_fields_set, geocoder=geocoder)
    _refresh_search_text(idea)
    session.add(idea)
    flush_or_conflict(session, "idea")
    _record(session, "idea.created", idea_public(idea))
    if len(consenting) < len(data.participants):
        from radar.services.participants import invite  # participants builds on this module

        for participant in data.participants:
            if not principal.manages(participant.actor_id):
                invite(session, idea=idea, actor_id=participant.actor_id, role=participant.role)
    return idea_seen_by(session, principal, idea)


_LIST_OPTIONS = (
    selectinload(Idea.topics),  # type: ignore[arg-type]
    selectinload(Idea.action_fields),  # type: ignore[arg-type]
    selectinload(Idea.participants),  # type: ignore[arg-type]
)


def list_ideas(
    session: Session,
    *,
    principal: Principal,
    page: PageRequest,
    topics: Sequence[str] = (),
    action_fields: Sequence[str] = (),
    kinds: Sequence[IdeaKind] = (),
    statuses: Sequence[IdeaStatus] = (),
    districts: Sequence[str] = (),
    owner_id: uuid.UUID | None = None,
    participant_id: uuid.UUID | None = None,
    q: str | None = None,
    updated_since: datetime | None = None,
    sort: str = "title",
    near: Near | None = None,
) -> IdeasPublic:
    """One page of ideas matching every given filter (any of the values within a filter), as
    `principal` may see them; with `near`, the located ones nearest first (within its
    radius), each with `distance_km`."""
    statement = select(Idea)
    if topics:
        topics = taxonomy.topic_filter(session, topics, loc=("query", "topic"))
        statement = statement.where(
            linked_to(Idea.id, IdeaTopic.idea_id, IdeaTopic.topic_slug, topics)
        )
    if action_fields:
        taxonomy.resolve_action_fields(session, action_fields, loc=("query", "action_field"))
        statement = statement.where(
            linked_to(
                Idea.id, IdeaActionField.idea_id, IdeaActionField.action_field_slug, action_fields
            )
        )
    if kinds:
        statement = statement.where(col(Idea.kind).in_(kinds))
    if statuses:
        statement = statement.where(col(Idea.status).in_(statuses))
    if districts:
        statement = statement.where(col(Idea.district).in_(districts))
    if owner_id is not None:
        statement = statement.where(col(Idea.owner_id).in_(visible_actor(principal, owner_id)))
    if participant_id is not None:
        taking_part = select(col(IdeaParticipant.idea_id)).where(
            col(IdeaParticipant.actor_id).in_(visible_actor(principal, participant_id))
        )
        statement = statement.where(col(Idea.id).in_(taking_part))
    if q:
        statement = statement.where(matches_text(Idea.search_text, q))
    statement = statement.where(*updated_since_filter(Idea.updated_at, updated_since))
    distances: dict[uuid.UUID, float] = {}
    if near is not None:
        located = session.execute(
            statement.with_only_columns(col(Idea.id), col(Idea.lat), col(Idea.lon)).where(
                *box_prefilter(near, col(Idea.lat), col(Idea.lon))
            )
        )
        ranked = rank_by_distance(located, near, lambda row: (row[1], row[2]))
        distances = dict(ranked[page.offset : page.offset + page.limit])
        found = session.execute(
            select(Idea).options(*_LIST_OPTIONS).where(col(Idea.id).in_(distances))
        ).scalars()
        rows: Sequence[Idea] = sorted(found, key=lambda idea: (distances[idea.id], str(idea.id)))
        total = len(ranked)
    else:
        statement = statement.options(*_LIST_OPTIONS).order_by(*IDEA_SORTS[sort])
        rows, total = fetch_page(session, statement, page)
    visible = visible_actor_ids(session, principal, _referenced_actors(rows))
    return IdeasPublic(
        data=[
            idea_public(idea, visible=visible).model_copy(
                update={"distance_km": round(distances[idea.id], 2) if distances else None}
            )
            for idea in rows
        ],
        count=total,
        limit=page.limit,
        offset=page.offset,
    )


def read_idea(session: Session, *, idea_id: uuid.UUID, principal: Principal) -> IdeaPublic:
    """One idea in its API shape, as `principal` may see it."""
    return idea_seen_by(session, principal, get_idea(session, idea_id=idea_id))


def update_idea(
    session: Session,
    *,
    idea_id: uuid.UUID,
    data: IdeaUpdate,
    principal: Principal,
    expected_version: ExpectedVersion = None,
    geocoder: Geocoder | None = None,
) -> IdeaPublic:
    """Apply the fields present in `data` (admins, or managers of the owner, who may hand the
    idea only to another actor they manage); 412 when `expected_version` is stale."""
    idea = get_idea(session, idea_id=idea_id, for_update=True)
    require_manager(principal, idea.owner_id, what="idea")
    check_version(current=idea.version, expected=expected_version)
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    if "owner_id" in changes:
        require_own_actor(principal, changes["owner_id"], field="owner_id")
    # Every check (and every query) before the first change, so autoflush never writes a
    # half-validated idea.
    _check_merged_values(idea, changes)
    if "external_id" in changes:
        ensure_unique_external_id(session, Idea, changes["external_id"], own_id=idea.id)
    topics = (
        taxonomy.resolve_topics(session, changes["topics"], loc=("body", "topics"))
        if "topics" in changes
        else None
    )
    action_fields = (
        taxonomy.resolve_action_fields(
            session, changes["action_fields"], loc=("body", "action_fields")
        )
        if "action_fields" in changes
        else None
    )
    if "seeking_topics" in changes:
        changes["seeking_topics"] = taxonomy.validate_topic_slugs(
            session, changes["seeking_topics"], loc=("body", "seeking_topics")
        )
    if "seeking_kinds" in changes:
        changes["seeking_kinds"] = [kind.value for kind in changes["seeking_kinds"]]
    _require_actors(session, principal, owner_id=changes.get("owner_id"), participants=())
    if topics is not None:
        idea.topics = topics
    if action_fields is not None:
        idea.action_fields = action_fields
    idea.sqlmodel_update({k: v for k, v in changes.items() if k not in _LINKED_FIELDS})
    geocoding.locate_on_write(session, idea, changed=changes, geocoder=geocoder)
    _refresh_search_text(idea)
    touch(idea)
    flush_or_conflict(session, "idea")
    record_idea_updated(session, idea=idea)
    return idea_seen_by(session, principal, idea)


def delete_idea(
    session: Session,
    *,
    idea_id: uuid.UUID,
    principal: Principal,
    expected_version: ExpectedVersion = None,
) -> None:
    """Delete an idea with its participations and taxonomy links (admins, or managers of the
    owner); the actors stay. Records `idea.deleted`."""
    idea = get_idea(session, idea_id=idea_id, for_update=True)
    require_manager(principal, idea.owner_id, what="idea")
    check_version(current=idea.version, expected=expected_version)
    public = idea_public(idea)
    session.delete(idea)
    session.flush()
    _record(session, "idea.deleted", public)


def detach_actor(session: Session, *, actor_id: uuid.UUID) -> None:
    """Take an actor out of every idea it owns or joins, each with `idea.updated`."""
    taking_part = select(col(IdeaParticipant.idea_id)).where(
        col(IdeaParticipant.actor_id) == actor_id
    )
    statement = (
        select(Idea)
        .where(or_(col(Idea.owner_id) == actor_id, col(Idea.id).in_(taking_part)))
        .order_by(col(Idea.id))
        .with_for_update()
    )
    for idea in session.execute(statement).scalars().all():
        participant = find_participant(idea, actor_id=actor_id)
        if participant is not None:
            # Through the relationship, so that the snapshot below no longer lists it.
            idea.participants.remove(participant)
        if idea.owner_id == actor_id:
            idea.owner_id = None
        touch(idea)
        session.flush()
        record_idea_updated(session, idea=idea)


def participants_public(
    idea: Idea, *, visible: Collection[uuid.UUID] | None = None
) -> list[ParticipantPublic]:
    """An idea's participants in their API shape: the lead first, then by the time they joined;
    with `visible`, only those actors."""
    ordered = sorted(
        (p for p in idea.participants if visible is None or p.actor_id in visible),
        key=lambda p: (p.role != ParticipantRole.lead, p.joined_at, str(p.actor_id)),
    )
    return [ParticipantPublic.model_validate(participant) for participant in ordered]


def find_participant(idea: Idea, *, actor_id: uuid.UUID) -> IdeaParticipant | None:
    """The actor's participation in the idea, if it takes part."""
    return next((p for p in idea.participants if p.actor_id == actor_id), None)


def record_idea_updated(session: Session, *, idea: Idea) -> None:
    """Record `idea.updated` with the idea's current API shape."""
    _record(session, "idea.updated", idea_public(idea))


def _referenced_actors(ideas: Iterable[Idea]) -> set[uuid.UUID]:
    """The owners and participants of `ideas`."""
    return {
        actor_id
        for idea in ideas
        for actor_id in (idea.owner_id, *(p.actor_id for p in idea.participants))
        if actor_id is not None
    }


def _require_actors(
    session: Session,
    principal: Principal,
    *,
    owner_id: uuid.UUID | None,
    participants: Sequence[ParticipantIn],
) -> None:
    """422 unless the owner and every participant exist (as far as `principal` may see), no
    actor is listed twice and at most one participant leads."""
    wanted = {p.actor_id for p in participants} | ({owner_id} if owner_id else set())
    known = visible_actor_ids(session, principal, wanted)
    errors = []
    if owner_id is not None and owner_id not in known:
        errors.append(_unknown_actor(("body", "owner_id"), owner_id))
    seen: set[uuid.UUID] = set()
    lead_seen = False
    for index, participant in enumerate(participants):
        loc = ("body", "participants", index)
        if participant.actor_id not in known:
            errors.append(_unknown_actor((*loc, "actor_id"), participant.actor_id))
        elif participant.actor_id in seen:
            errors.append(
                FieldError(
                    loc=(*loc, "actor_id"),
                    message=f"Actor {participant.actor_id} is listed more than once",
                    type="duplicate_participant",
                )
            )
        seen.add(participant.actor_id)
        if participant.role == ParticipantRole.lead:
            if lead_seen:
                errors.append(
                    FieldError(
                        loc=(*loc, "role"),
                        message="An idea has at most one lead",
                        type="second_lead",
                    )
                )
            lead_seen = True
    if errors:
        raise InvalidInput(errors)


def _unknown_actor(loc: tuple[str | int, ...], actor_id: uuid.UUID) -> FieldError:
    return FieldError(loc=loc, message=f"No actor with id {actor_id}", type="unknown_actor")


def _check_merged_values(idea: Idea, changes: dict[str, Any]) -> None:
    """422 when the idea after a partial update would break a rule its fields share."""
    lat, lon = (changes.get(name, getattr(idea, name)) for name in ("lat", "lon"))
    if (lat is None) != (lon is None):
        raise InvalidInput(
            [
                FieldError(
                    loc=("body", "lat" if "lat" in changes else "lon"),
                    message="lat and lon must be given together",
                    type="coordinates_apart",
                )
            ]
        )
    start: date | None = changes.get("start_date", idea.start_date)
    end: date | None = changes.get("end_date", idea.end_date)
    if start is not None and end is not None and end < start:
        raise InvalidInput(
            [
                FieldError(
                    loc=("body", "end_date" if "end_date" in changes else "start_date"),
                    message="end_date must not be before start_date",
                    type="date_order",
                )
            ]
        )


def retry_geocoding(
    session: Session,
    *,
    limit: int = 1000,
    geocoder: Geocoder | None = None,
    on_rows: Callable[[int], object] | None = None,
    on_row: Callable[[], object] | None = None,
) -> geocoding.RetryReport:
    """Geocode the ideas whose geocoding failed or is pending again, recording each change."""
    return geocoding.retry_rows(
        session,
        Idea,
        record=lambda s, idea: record_idea_updated(s, idea=idea),
        limit=limit,
        geocoder=geocoder,
        on_rows=on_rows,
        on_row=on_row,
    )


def _refresh_search_text(idea: Idea) -> None:
    idea.search_text = text_search_value(idea.title, idea.summary, idea.city)


def _record(session: Session, event_type: str, public: IdeaPublic) -> None:
    record_event(
        session,
        type=event_type,
        entity_type="idea",
        entity_id=public.id,
        payload=public.model_dump(mode="json", exclude={"distance_km"}),
    )
