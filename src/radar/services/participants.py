"""The actors taking part in an idea: list, add or change a role, remove — each change recorded
as `idea.updated`. The owner's managers add and change participants; an actor's own managers
may also take it out (leave). An actor takes part, or leads, only with its managers' consent:
added by someone who does not manage it, it is invited (`idea.participant_invited`) and takes
part once they accept."""

import uuid

from sqlalchemy import select
from sqlmodel import Session, col

from radar.errors import Conflict, Forbidden, NotFound
from radar.models.idea import (
    Idea,
    IdeaInvitation,
    IdeaParticipant,
    InvitationPublic,
    ParticipantPublic,
    ParticipantRole,
)
from radar.services.access import (
    Principal,
    require_manager,
    require_signed_in,
    require_writer,
    visible_actor_ids,
)
from radar.services.common import ExpectedVersion, check_version, flush_or_conflict, touch
from radar.services.events import record_event
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
    expected_version: ExpectedVersion = None,
) -> tuple[ParticipantPublic, bool]:
    """Add an actor to an idea or change its role (admins, or managers of the owner); True when
    it was added. An idea has at most one lead (409 otherwise). Records `idea.updated` when
    something changed. An actor the caller does not manage (short of an admin) is not added
    nor made the lead: it is invited (`status: invited`), see `invite`."""
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
    consents = principal.manages(actor_id)
    if not consents and (participant is None or role == ParticipantRole.lead):
        if participant is not None and participant.role == role:
            return ParticipantPublic.model_validate(participant), False
        return invite(session, idea=idea, actor_id=actor_id, role=role), False
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
    expected_version: ExpectedVersion = None,
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


def invite(
    session: Session, *, idea: Idea, actor_id: uuid.UUID, role: ParticipantRole
) -> ParticipantPublic:
    """Invite an actor to take part in `idea` as `role` (again: the role is updated); records
    `idea.participant_invited`. It takes part once its managers accept."""
    invitation = session.get(IdeaInvitation, (idea.id, actor_id))
    if invitation is None:
        invitation = IdeaInvitation(idea_id=idea.id, actor_id=actor_id, role=role)
        session.add(invitation)
    elif invitation.role == role:
        return _invited(invitation)
    else:
        invitation.role = role
    session.flush()
    public = InvitationPublic.model_validate(invitation)
    record_event(
        session,
        type="idea.participant_invited",
        entity_type="idea",
        entity_id=idea.id,
        payload=public.model_dump(mode="json"),
    )
    return _invited(invitation)


def _invited(invitation: IdeaInvitation) -> ParticipantPublic:
    return ParticipantPublic(
        actor_id=invitation.actor_id,
        role=invitation.role,
        joined_at=invitation.invited_at,
        status="invited",
    )


def list_invitations(
    session: Session, *, idea_id: uuid.UUID, principal: Principal
) -> list[InvitationPublic]:
    """The idea's open invitations: all of them for admins and the managers of its owner,
    those of the actors it manages for anyone else (their managers decide)."""
    require_signed_in(principal)
    idea = get_idea(session, idea_id=idea_id)
    rows = session.execute(
        select(IdeaInvitation)
        .where(col(IdeaInvitation.idea_id) == idea_id)
        .order_by(col(IdeaInvitation.invited_at), col(IdeaInvitation.actor_id))
    ).scalars()
    everything = principal.manages(idea.owner_id)
    return [
        InvitationPublic.model_validate(row)
        for row in rows
        if everything or principal.manages(row.actor_id)
    ]


def accept_invitation(
    session: Session,
    *,
    idea_id: uuid.UUID,
    actor_id: uuid.UUID,
    principal: Principal,
    expected_version: ExpectedVersion = None,
) -> ParticipantPublic:
    """The invited actor's managers (or admins) accept: it takes part in the role it was
    invited to (409 when that is the lead and another leads now). Records `idea.updated`."""
    require_manager(principal, actor_id, what="invitation")
    idea = get_idea(session, idea_id=idea_id, for_update=True)
    check_version(current=idea.version, expected=expected_version)
    invitation = session.get(IdeaInvitation, (idea_id, actor_id))
    if invitation is None:
        raise NotFound(f"Actor {actor_id} has no invitation to idea {idea_id}")
    participant = find_participant(idea, actor_id=actor_id)
    if invitation.role == ParticipantRole.lead:
        lead = _find_lead(idea)
        if lead is not None and lead is not participant:
            raise _second_lead(session, principal, idea, lead)
    if participant is None:
        participant = IdeaParticipant(idea_id=idea.id, actor_id=actor_id, role=invitation.role)
        idea.participants.append(participant)
    else:
        participant.role = invitation.role
    session.delete(invitation)
    touch(idea)
    flush_or_conflict(session, "participant")
    record_idea_updated(session, idea=idea)
    return ParticipantPublic.model_validate(participant)


def decline_invitation(
    session: Session, *, idea_id: uuid.UUID, actor_id: uuid.UUID, principal: Principal
) -> None:
    """Decline an invitation (the invited actor's managers) or withdraw it (the managers of
    the idea's owner); admins either. 404 when there is none."""
    require_writer(principal)
    idea = get_idea(session, idea_id=idea_id)
    if not (principal.manages(actor_id) or principal.manages(idea.owner_id)):
        raise Forbidden(
            "Only the managers of the invited actor, or of the idea's owner, may decline or "
            "withdraw an invitation"
        )
    invitation = session.get(IdeaInvitation, (idea_id, actor_id))
    if invitation is None:
        raise NotFound(f"Actor {actor_id} has no invitation to idea {idea_id}")
    session.delete(invitation)
    session.flush()
