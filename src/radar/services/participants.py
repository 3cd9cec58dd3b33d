"""The actors taking part in an idea: list, add or change a role, remove — each change recorded
as `idea.updated`."""

import uuid

from sqlmodel import Session

from radar.errors import Conflict, NotFound
from radar.models.actor import Actor
from radar.models.idea import Idea, IdeaParticipant, ParticipantPublic, ParticipantRole
from radar.services.common import check_version, flush_or_conflict, touch
from radar.services.ideas import (
    find_participant,
    get_idea,
    participants_public,
    record_idea_updated,
)


def list_participants(session: Session, *, idea_id: uuid.UUID) -> list[ParticipantPublic]:
    """The actors taking part in an idea, the lead first, then by the time they joined."""
    return participants_public(get_idea(session, idea_id=idea_id))


def put_participant(
    session: Session,
    *,
    idea_id: uuid.UUID,
    actor_id: uuid.UUID,
    role: ParticipantRole,
    expected_version: int | None = None,
) -> tuple[ParticipantPublic, bool]:
    """Add an actor to an idea or change its role; True when it was added. An idea has at
    most one lead (409 otherwise). Records `idea.updated` when something changed."""
    idea = get_idea(session, idea_id=idea_id, for_update=True)
    check_version(current=idea.version, expected=expected_version)
    if session.get(Actor, actor_id) is None:
        raise NotFound(f"No actor with id {actor_id}")
    participant = find_participant(idea, actor_id=actor_id)
    if role == ParticipantRole.lead:
        lead = _find_lead(idea)
        if lead is not None and lead is not participant:
            raise Conflict(
                f"Actor {lead.actor_id} is already the lead of idea {idea.id}; "
                "make it a partner first.",
                current_lead=str(lead.actor_id),
            )
    created = participant is None
    if participant is None:
        participant = IdeaParticipant(idea_id=idea.id, actor_id=actor_id, role=role)
        idea.participants.append(participant)
    elif participant.role == role:
        return ParticipantPublic.model_validate(participant), False
    else:
        participant.role = role
    touch(idea)
    flush_or_conflict(session, "participant")
    record_idea_updated(session, idea=idea)
    return ParticipantPublic.model_validate(participant), created


def remove_participant(
    session: Session,
    *,
    idea_id: uuid.UUID,
    actor_id: uuid.UUID,
    expected_version: int | None = None,
) -> None:
    """Take an actor out of an idea (404 when it does not take part); records `idea.updated`."""
    idea = get_idea(session, idea_id=idea_id, for_update=True)
    check_version(current=idea.version, expected=expected_version)
    participant = find_participant(idea, actor_id=actor_id)
    if participant is None:
        raise NotFound(f"Actor {actor_id} does not take part in idea {idea_id}")
    idea.participants.remove(participant)
    touch(idea)
    session.flush()
    record_idea_updated(session, idea=idea)


def _find_lead(idea: Idea) -> IdeaParticipant | None:
    return next((p for p in idea.participants if p.role == ParticipantRole.lead), None)
