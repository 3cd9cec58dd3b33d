"""Feedback on match suggestions: a dismissed pair is never suggested again (either way
round); an accepted one is recorded and marked in later suggestions."""

import uuid
from collections.abc import Mapping

import sqlalchemy as sa
from sqlalchemy import select
from sqlmodel import Session, col

from radar.errors import FieldError, InvalidInput, NotFound
from radar.models.base import utcnow
from radar.models.match import (
    FeedbackAction,
    MatchFeedback,
    MatchFeedbackCreate,
    MatchFeedbackList,
    MatchFeedbackPublic,
)
from radar.services.access import Principal, ensure_visible, require_manager
from radar.services.actors import get_actor

_ACTIONS = {"accept": FeedbackAction.accepted, "dismiss": FeedbackAction.dismissed}


def give_feedback(
    session: Session, *, data: MatchFeedbackCreate, principal: Principal
) -> tuple[MatchFeedbackPublic, bool]:
    """Record the word of `actor_id`'s managers on the suggestion `target_id`, replacing any
    earlier word on the pair; (the feedback, whether it is new)."""
    require_manager(principal, data.actor_id, what="match feedback")
    get_actor(session, actor_id=data.actor_id)
    if data.target_id == data.actor_id:
        raise InvalidInput(
            [
                FieldError(
                    loc=("body", "target_id"),
                    message="an actor is never its own match",
                    type="own_match",
                )
            ]
        )
    try:
        ensure_visible(principal, get_actor(session, actor_id=data.target_id))
    except NotFound as error:
        raise InvalidInput(
            [
                FieldError(
                    loc=("body", "target_id"),
                    message=f"no actor {data.target_id}",
                    type="unknown_actor",
                )
            ]
        ) from error
    feedback = session.execute(
        select(MatchFeedback)
        .where(
            col(MatchFeedback.actor_id) == data.actor_id,
            col(MatchFeedback.target_id) == data.target_id,
        )
        .with_for_update()
    ).scalar_one_or_none()
    created = feedback is None
    if feedback is None:
        feedback = MatchFeedback(
            actor_id=data.actor_id, target_id=data.target_id, action=_ACTIONS[data.action]
        )
        session.add(feedback)
    feedback.action = _ACTIONS[data.action]
    feedback.account_id = principal.account_id
    feedback.created_at = utcnow()
    session.flush()
    return MatchFeedbackPublic.model_validate(feedback), created


def list_feedback(
    session: Session, *, actor_id: uuid.UUID, principal: Principal
) -> MatchFeedbackList:
    """The feedback given for `actor_id`'s suggestions, newest first (its managers, admins)."""
    require_manager(principal, actor_id, what="match feedback")
    get_actor(session, actor_id=actor_id)
    rows = session.execute(
        select(MatchFeedback)
        .where(col(MatchFeedback.actor_id) == actor_id)
        .order_by(col(MatchFeedback.created_at).desc(), col(MatchFeedback.id))
    ).scalars()
    return MatchFeedbackList(data=[MatchFeedbackPublic.model_validate(row) for row in rows])


def withdraw_feedback(session: Session, *, feedback_id: uuid.UUID, principal: Principal) -> None:
    """Take feedback back: a dismissed pair may be suggested again."""
    feedback = session.get(MatchFeedback, feedback_id)
    if feedback is None or not principal.manages(feedback.actor_id):
        raise NotFound(f"No match feedback with id {feedback_id}")
    require_manager(principal, feedback.actor_id, what="match feedback")
    session.delete(feedback)
    session.flush()


# Every actor → actors match reads it: built once, not per request, and run on the session's
# connection (the ORM's execution path takes longer than the query).
_FEEDBACK_ON = select(
    col(MatchFeedback.actor_id), col(MatchFeedback.target_id), col(MatchFeedback.action)
).where(
    sa.or_(
        col(MatchFeedback.actor_id) == sa.bindparam("actor_id"),
        col(MatchFeedback.target_id) == sa.bindparam("actor_id"),
    )
)


def dismissed_pairs(session: Session, position: Mapping[uuid.UUID, int]) -> dict[int, list[int]]:
    """Every pair a manager of either side dismissed, by index position (`position`), each
    way round: the pairs an analyst's pair ranking and match potential leave out, as an
    actor's own suggestions do. Actors not indexed are skipped."""
    rows = session.connection().execute(_DISMISSED)
    pairs: dict[int, list[int]] = {}
    for source, target in rows:
        a, b = position.get(source), position.get(target)
        if a is not None and b is not None:
            pairs.setdefault(a, []).append(b)
            pairs.setdefault(b, []).append(a)
    return pairs


_DISMISSED = select(col(MatchFeedback.actor_id), col(MatchFeedback.target_id)).where(
    col(MatchFeedback.action) == FeedbackAction.dismissed
)


def dismissed_and_accepted(
    session: Session, actor_id: uuid.UUID
) -> tuple[set[uuid.UUID], set[uuid.UUID]]:
    """The actors never to suggest with `actor_id` (dismissed by either side) and those its
    managers accepted."""
    rows = session.connection().execute(_FEEDBACK_ON, {"actor_id": actor_id})
    dismissed: set[uuid.UUID] = set()
    accepted: set[uuid.UUID] = set()
    for source, target, action in rows:
        other = target if source == actor_id else source
        if action == FeedbackAction.dismissed:
            dismissed.add(other)
        elif source == actor_id:
            accepted.add(other)
    return dismissed, accepted
