"""One imported row: an upsert by external_id through the actor and idea services, skipped
when it would change nothing."""

import uuid
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col

from radar.errors import FieldError, InvalidInput
from radar.matching.topics import TopicNormaliser
from radar.models.actor import Actor, ActorCreate, ActorUpdate
from radar.models.idea import Idea, IdeaCreate, IdeaUpdate, ParticipantRole
from radar.services import actors, ideas, participants
from radar.services.access import SYSTEM

Outcome = Literal["created", "updated", "unchanged"]
# Compared as sets: the services store them sorted.
_SET_FIELDS = frozenset({"topics", "action_fields"})


Row = tuple[int, dict[str, Any]]  # (line, record)


@dataclass
class ActorBatch:
    """A batch of actor rows split for import: `fresh` to create at once (valid, external_id
    neither stored nor repeated in the batch), `rest` for the row-by-row upsert (which reports
    invalid rows), `stored` the batch's existing actors by external_id, loaded in one query."""

    fresh: list[tuple[Row, ActorCreate]]
    rest: list[Row]
    stored: dict[str, Actor]


def plan_actors(session: Session, rows: list[Row], normaliser: TopicNormaliser) -> ActorBatch:
    """Split a batch of actor rows (see ActorBatch)."""
    ids = [str(record.get("external_id") or "").strip() for _, record in rows]
    statement = (
        select(Actor)
        .where(col(Actor.external_id).in_(set(ids) - {""}))
        .options(
            selectinload(Actor.topics),  # type: ignore[arg-type]
            selectinload(Actor.action_fields),  # type: ignore[arg-type]
        )
    )
    stored = {actor.external_id: actor for actor in session.execute(statement).scalars()}
    fresh: list[tuple[Row, ActorCreate]] = []
    rest: list[Row] = []
    seen: set[str] = set()
    for external_id, row in zip(ids, rows, strict=True):
        if not external_id or external_id in stored or external_id in seen:
            rest.append(row)
            continue
        data = _with_topics({**row[1], "external_id": external_id}, normaliser)
        try:
            fresh.append((row, ActorCreate.model_validate(data)))
        except ValidationError:
            rest.append(row)
            continue
        seen.add(external_id)
    return ActorBatch(fresh=fresh, rest=rest, stored=stored)


def upsert_actor(
    session: Session,
    record: dict[str, Any],
    normaliser: TopicNormaliser,
    stored: dict[str, Actor] | None = None,
) -> Outcome:
    """Create the actor with this external_id, or update what differs; `stored` holds actors
    already loaded by external_id."""
    data = _with_topics(_require_external_id(record), normaliser)
    existing = (stored or {}).get(data["external_id"]) or _by_external_id(
        session, Actor, data["external_id"]
    )
    if existing is None:
        actors.create_actor(session, data=ActorCreate.model_validate(data), principal=SYSTEM)
        return "created"
    wanted = ActorUpdate.model_validate(data).model_dump(exclude_unset=True)
    current = actors.actor_public(existing, SYSTEM).model_dump()
    changes = _differences(wanted, current)
    if not changes:
        return "unchanged"
    actors.update_actor(
        session,
        actor_id=existing.id,
        data=ActorUpdate.model_validate(changes),
        principal=SYSTEM,
    )
    return "updated"


def upsert_idea(session: Session, record: dict[str, Any], normaliser: TopicNormaliser) -> Outcome:
    """Create the idea with this external_id, or update what differs; participants are
    actor external_ids, the first one the lead."""
    data = _with_topics(_require_external_id(record), normaliser)
    wanted_participants = _participants(session, data.pop("participants", None))
    existing = _by_external_id(session, Idea, data["external_id"])
    if existing is None:
        if wanted_participants is not None:
            data["participants"] = [
                {"actor_id": actor_id, "role": role} for actor_id, role in wanted_participants
            ]
        ideas.create_idea(session, data=IdeaCreate.model_validate(data), principal=SYSTEM)
        return "created"
    wanted = IdeaUpdate.model_validate(data).model_dump(exclude_unset=True)
    current = ideas.idea_public(existing).model_dump()
    changes = _differences(wanted, current)
    changed = bool(changes)
    if changes:
        ideas.update_idea(
            session, idea_id=existing.id, data=IdeaUpdate.model_validate(changes), principal=SYSTEM
        )
    if wanted_participants is not None:
        changed |= _sync_participants(session, existing, wanted_participants)
    return "updated" if changed else "unchanged"


def _require_external_id(record: dict[str, Any]) -> dict[str, Any]:
    if not str(record.get("external_id") or "").strip():
        raise InvalidInput(
            [FieldError(loc=("external_id",), message="every imported row needs an external_id")]
        )
    return {**record, "external_id": str(record["external_id"]).strip()}


def _with_topics(record: dict[str, Any], normaliser: TopicNormaliser) -> dict[str, Any]:
    """Free-text topics become taxonomy slugs where they match one, free tags where not."""
    if "topics" not in record:
        return record
    topics = record["topics"]
    values = [topics] if isinstance(topics, str) else list(topics)
    slugs, free = normaliser.split([str(value) for value in values])
    tags = list(record.get("tags") or [])
    return {**record, "topics": slugs, "tags": list(dict.fromkeys([*tags, *free]))}


def _by_external_id(session: Session, model: type[Actor] | type[Idea], external_id: str) -> Any:
    statement = select(model).where(col(model.external_id) == external_id)
    return session.execute(statement).scalar_one_or_none()


def _differences(wanted: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    changes = {}
    for key, value in wanted.items():
        stored = current.get(key)
        if key in _SET_FIELDS:
            same = set(value or []) == set(stored or [])
        elif isinstance(value, float) and isinstance(stored, float):
            same = abs(value - stored) < 1e-9
        else:
            same = value == stored
        if not same:
            changes[key] = value
    return changes


def _participants(
    session: Session, external_ids: Any
) -> list[tuple[uuid.UUID, ParticipantRole]] | None:
    if external_ids is None:
        return None
    wanted = [
        str(value).strip()
        for value in ([external_ids] if isinstance(external_ids, str) else external_ids)
    ]
    found = dict(
        session.execute(
            select(col(Actor.external_id), col(Actor.id)).where(col(Actor.external_id).in_(wanted))
        ).all()
    )
    missing = [value for value in wanted if value not in found]
    if missing:
        raise InvalidInput(
            [
                FieldError(
                    loc=("participants",),
                    message=f"no actor with external_id {missing[0]!r} (import actors first)",
                )
            ]
        )
    ordered = list(dict.fromkeys(found[value] for value in wanted))
    return [
        (actor_id, ParticipantRole.lead if i == 0 else ParticipantRole.partner)
        for i, actor_id in enumerate(ordered)
    ]


def _sync_participants(
    session: Session, idea: Idea, wanted: list[tuple[uuid.UUID, ParticipantRole]]
) -> bool:
    current = {p.actor_id: p.role for p in idea.participants}
    target = dict(wanted)
    changed = False
    for actor_id in [a for a in current if a not in target]:
        participants.remove_participant(
            session, idea_id=idea.id, actor_id=actor_id, principal=SYSTEM
        )
        changed = True
    # Demote a lead that is no longer the lead first: an idea has at most one.
    for actor_id, role in sorted(wanted, key=lambda item: item[1] == ParticipantRole.lead):
        if current.get(actor_id) != role:
            participants.put_participant(
                session, idea_id=idea.id, actor_id=actor_id, role=role, principal=SYSTEM
            )
            changed = True
    return changed
