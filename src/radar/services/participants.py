"""The actors taking part in an idea: list, add or change a role, remove — each change recorded
as `idea.updated`. The owner's managers add and change participants; an actor's own managers
may also take it out (leave)."""

import uuid

from sqlmodel import Session

from radar.errors import Conflict, Forbidden, NotFound
from radar.models.idea import Idea, IdeaParticipant, ParticipantPublic, ParticipantRole
from radar.services.access import Principal, require_manager, require_writer, visible_actor_ids
from radar.services.common import check_version, flush_or_conflict, touch
from radar.services.ideas import (
    find_participant,
    get_idea,
    participants_public,
    record_idea_updated,
)


def list_participants(
    session: Session, *, idea_id: uuid.UUID, principal: Principal
) -> list[ParticipantPublic]:
    """The actors taking part in an idea that `principal` may see, the lead first, then by the
    time they joined."""
    idea = get_idea(session, idea_id=idea_id)
    visible = visible_actor_ids(session, principal, (p.actor_id for p in idea.participants))
    return participants_public(idea, visible=visible)


def put_participant(
    session: Session,
    *,
    idea_id: uuid.UUID,
    actor_id: uuid.UUID,
    role: ParticipantRole,
    principal: Principal,
    expected_version: int | None = None,
) -> tuple[ParticipantPublic, bool]:
    """Add an actor to an idea or change its role (admins, or managers of the owner); True when
    it was added. An idea has at most one lead (409 otherwise). Records `idea.updated` when
    something changed."""
    idea = get_idea(session, idea_id=idea_id, for_update=True)
    require_manager(principal, idea.owner_id, what="idea's participants")
    check_version(current=idea.version, expected=expected_version)
    if not visible_actor_ids(session, principal, [actor_id]):
        raise NotFound(f"No actor with id {actor_id}")
    participant = find_participant(idea, actor_id=actor_id)
    if role == ParticipantRole.lead:
        lead = _find_lead(idea)
        if lead is not None and lead is not participant:
            raise _second_lead(session, principal, idea, lead)
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
    principal: Principal,
    expected_version: int | None = None,
) -> None:
    """Take an actor out of an idea (admins, managers of the owner, or of the actor itself);
    404 when it does not take part, as far as `principal` may see. Records `idea.updated`."""
    idea = get_idea(session, idea_id=idea_id, for_update=True)
    require_writer(principal)
    if not (principal.manages(idea.owner_id) or principal.manages(actor_id)):
        raise Forbidden(
            "Only the managers of the idea's owner, or of the participant itself, may take a "
            "participant out"
        )
    check_version(current=idea.version, expected=expected_version)
    participant = find_participant(idea, actor_id=actor_id)
    if participant is None or not visible_actor_ids(session, principal, [actor_id]):
        raise NotFound(f"Actor {actor_id} does not take part in idea {idea_id}")
    idea.participants.remove(participant)
    touch(idea)
    session.flush()
    record_idea_updated(session, idea=idea)


def _find_lead(idea: Idea) -> IdeaParticipant | None:
    return next((p for p in idea.participants if p.role == ParticipantRole.lead), None)


def _second_lead(
    session: Session, principal: Principal, idea: Idea, lead: IdeaParticipant
) -> Conflict:
    """The 409 for a second lead; it names the current lead only to those who may see it."""
    if not visible_actor_ids(session, principal, [lead.actor_id]):
        return Conflict(f"Idea {idea.id} already has a lead; it must become a partner first.")
    return Conflict(
        f"Actor {lead.actor_id} is already the lead of idea {idea.id}; make it a partner first.",
        current_lead=str(lead.actor_id),
    )
