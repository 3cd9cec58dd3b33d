"""What an actor could join: the ideas and joint projects, and the working groups, best first,
scored as the idea or group scores the actor."""

import uuid
from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col

from radar.matching.engine import DEFAULT_TUNING, MatchEngine, Tuning
from radar.matching.explain import Voice
from radar.matching.index import MatchIndex
from radar.matching.joinable import Joinable, score_joinable
from radar.matching.signals import Profile
from radar.models.group import WorkingGroup
from radar.models.idea import Idea, IdeaKind, IdeaStatus
from radar.models.match import (
    GroupMatch,
    GroupMatches,
    IdeaMatch,
    IdeaMatches,
    MatchedGroup,
    MatchedIdea,
    MatchReason,
)
from radar.services.access import Principal
from radar.services.match_notes import Nearest, filtered_out, given_filters, make_note, not_indexed
from radar.services.matches import GROUP_SIDE, IDEA_SIDE, group_profile, idea_profile, indexed_actor

JOINABLE_STATUSES = (IdeaStatus.open, IdeaStatus.running)
T = TypeVar("T", Idea, WorkingGroup)


def match_actor_ideas(
    session: Session,
    *,
    engine: MatchEngine,
    actor_id: uuid.UUID,
    principal: Principal,
    statuses: Sequence[IdeaStatus] = JOINABLE_STATUSES,
    idea_kinds: Sequence[IdeaKind] = (),
    districts: Sequence[str] = (),
    min_score: float = 0.0,
    radius_km: float | None = None,
    limit: int = 20,
    tuning: Tuning = DEFAULT_TUNING,
) -> IdeaMatches:
    """The ideas and joint projects the actor could join, best first (open and running ones
    by default; those it is in already left out); 404 when the caller may not see the actor."""
    index, c = indexed_actor(session, engine, actor_id, principal)
    if c is None:
        return IdeaMatches(data=[], note=not_indexed())
    statement = (
        select(Idea)
        .where(col(Idea.status).in_(statuses))
        .options(
            selectinload(Idea.topics),  # type: ignore[arg-type]
            selectinload(Idea.action_fields),  # type: ignore[arg-type]
            selectinload(Idea.participants),  # type: ignore[arg-type]
        )
    )
    if idea_kinds:
        statement = statement.where(col(Idea.kind).in_(idea_kinds))
    if districts:
        statement = statement.where(col(Idea.district).in_(districts))
    candidates: list[Idea] = []
    listed = 0
    for idea in session.execute(statement).scalars():
        listed += 1
        if actor_id not in {p.actor_id for p in idea.participants} | {idea.owner_id}:
            candidates.append(idea)
    found, reach = _fits(
        index, c, [(idea, idea_profile(index, idea)[0]) for idea in candidates], IDEA_SIDE,
        tuning, min_score, radius_km,
    )  # fmt: skip
    note = None
    if not found:
        shown = ", ".join(str(status) for status in statuses)
        if listed == 0 and (idea_kinds or districts) and _any_idea(session, statuses):
            note = filtered_out(
                "Keine Idee", "No idea", given_filters(idea_kinds, districts, radius=False)
            )
        elif listed == 0:
            note = make_note(
                "no_candidates",
                f"Es gibt keine Ideen mit Status {shown}.",
                f"There are no ideas with status {shown}.",
            )
        elif not candidates:
            note = make_note(
                "already_in",
                f"Der Akteur ist schon an allen Ideen mit Status {shown} beteiligt.",
                f"The actor takes part in every idea with status {shown} already.",
            )
        else:
            note = reach.note("Keine Idee", "No idea", min_score)
    return IdeaMatches(
        data=[
            IdeaMatch(
                idea=MatchedIdea(
                    id=idea.id,
                    title=idea.title,
                    kind=idea.kind,
                    status=idea.status,
                    district=idea.district,
                ),
                score=fit.score,
                components=fit.components,
                weights=dict(tuning.weights),
                reasons=[MatchReason(**r._asdict()) for r in fit.reasons],
                distance_km=fit.distance_km,
            )
            for fit, idea in found[:limit]
        ],
        note=note,
    )


def _any_idea(session: Session, statuses: Sequence[IdeaStatus]) -> bool:
    statement = select(col(Idea.id)).where(col(Idea.status).in_(statuses)).limit(1)
    return session.execute(statement).first() is not None


def match_actor_groups(
    session: Session,
    *,
    engine: MatchEngine,
    actor_id: uuid.UUID,
    principal: Principal,
    min_score: float = 0.0,
    radius_km: float | None = None,
    limit: int = 20,
    tuning: Tuning = DEFAULT_TUNING,
) -> GroupMatches:
    """The working groups the actor could join, best first (those it is in or asked to join
    left out); 404 when the caller may not see the actor."""
    index, c = indexed_actor(session, engine, actor_id, principal)
    if c is None:
        return GroupMatches(data=[], note=not_indexed())
    statement = select(WorkingGroup).options(
        selectinload(WorkingGroup.topics),  # type: ignore[arg-type]
        selectinload(WorkingGroup.action_fields),  # type: ignore[arg-type]
        selectinload(WorkingGroup.members),  # type: ignore[arg-type]
    )
    candidates: list[WorkingGroup] = []
    listed = 0
    for group in session.execute(statement).scalars():
        listed += 1
        if all(m.actor_id != actor_id for m in group.members):
            candidates.append(group)
    found, reach = _fits(
        index, c, [(group, group_profile(index, group)) for group in candidates], GROUP_SIDE,
        tuning, min_score, radius_km,
    )  # fmt: skip
    note = None
    if not found and listed == 0:
        note = make_note(
            "no_candidates",
            "Es gibt noch keine Arbeitsgruppen.",
            "There are no working groups yet.",
        )
    elif not found and not candidates:
        note = make_note(
            "already_in",
            "Der Akteur ist schon in allen Arbeitsgruppen (oder hat den Beitritt beantragt).",
            "The actor is in every working group already (or asked to join).",
        )
    elif not found:
        note = reach.note("Keine Arbeitsgruppe", "No working group", min_score)
    return GroupMatches(
        data=[
            GroupMatch(
                group=MatchedGroup(id=group.id, name=group.name, join_policy=group.join_policy),
                score=fit.score,
                components=fit.components,
                weights=dict(tuning.weights),
                reasons=[MatchReason(**r._asdict()) for r in fit.reasons],
                distance_km=fit.distance_km,
            )
            for fit, group in found[:limit]
        ],
        note=note,
    )


def _fits(
    index: MatchIndex,
    c: int,
    targets: Sequence[tuple[T, Profile]],
    voice: Voice,
    tuning: Tuning,
    min_score: float,
    radius_km: float | None,
) -> tuple[list[tuple[Joinable, T]], Nearest]:
    """Actor `c` scored against each idea's or group's profile, within the radius and at
    `min_score` or more, best first (ties by id); and the best score within the radius."""
    found = []
    reach = Nearest()
    for target, profile in targets:
        fit = score_joinable(
            index, c, profile, weights=tuning.weights, half_distance_km=tuning.half_distance_km,
            voice=voice, flip=True,
        )  # fmt: skip
        if _outside(fit.distance_km, radius_km):
            continue
        reach.saw(fit.score)
        if fit.score >= min_score:
            found.append((fit, target))
    found.sort(key=lambda item: (-item[0].score, str(item[1].id)))
    return found, reach


def _outside(distance_km: float | None, radius_km: float | None) -> bool:
    return radius_km is not None and (distance_km is None or distance_km > radius_km)
