"""Match suggestions, shaped for the caller: only actors the caller may see, at the location
precision they may see."""

import math
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ParamSpec

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col

from radar.errors import FieldError, Forbidden, InvalidInput, NotFound
from radar.matching import signals
from radar.matching.engine import (
    DEFAULT_TUNING,
    ActorScores,
    MatchEngine,
    Tuning,
    score_actor,
    score_profile,
    top_positions,
)
from radar.matching.explain import KIND_LABELS, explain, explain_all
from radar.matching.index import KINDS, VISIBILITIES, MatchIndex, topic_term
from radar.matching.joinable import score_joinable
from radar.models.account import Role
from radar.models.action_field import ActionField
from radar.models.actor import Actor, ActorKind, Visibility
from radar.models.group import MemberStatus, WorkingGroup
from radar.models.idea import Idea, IdeaKind, IdeaStatus, ParticipantRole
from radar.models.match import (
    ActorMatches,
    ActorSet,
    Consortium,
    ConsortiumMember,
    Coverage,
    GroupMatch,
    GroupMatches,
    IdeaMatch,
    IdeaMatches,
    MatchedActor,
    MatchedGroup,
    MatchedIdea,
    MatchedPair,
    MatchPairs,
    MatchQuery,
    MatchReason,
)
from radar.services import actors, feedback, groups, ideas, taxonomy
from radar.services.access import Principal, can_see, ensure_visible
from radar.services.actors import get_actor
from radar.services.proximity import Near

BoolArray = npt.NDArray[np.bool_]
P = ParamSpec("P")


def visible_mask(index: MatchIndex, principal: Principal) -> BoolArray:
    """True for the indexed actors `principal` may see (the same rule as `visible_actors`);
    never for deleted ones."""
    return _visible(index, principal) & index.alive


def _visible(index: MatchIndex, principal: Principal) -> BoolArray:
    if principal.is_admin:
        return np.ones(index.size, dtype=bool)
    public: BoolArray = index.visibility == VISIBILITIES.index(Visibility.public)
    if principal.is_anonymous:
        return public
    mask: BoolArray = index.visibility != VISIBILITIES.index(Visibility.private)
    for actor_id in principal.actor_ids:
        if (i := index.position.get(actor_id)) is not None:
            mask[i] = True
    return mask


def match_actor_payload(
    session: Session,
    *,
    engine: MatchEngine,
    actor_id: uuid.UUID,
    principal: Principal,
    kinds: Sequence[ActorKind] = (),
    districts: Sequence[str] = (),
    min_score: float = 0.0,
    exclude_partners: bool = False,
    limit: int = 20,
    tuning: Tuning = DEFAULT_TUNING,
    near: Near | None = None,
    radius_km: float | None = None,
) -> dict[str, Any]:
    """`match_actor` as the plain values of an `ActorMatches` (for the endpoint, which writes
    them as JSON without building the models). `near` (with its radius) keeps those within the
    radius of that point; `radius_km` alone those within it of the actor itself."""
    index, q = _indexed_actor(session, engine, actor_id, principal)
    if q is None:  # written after the index's snapshot was read: the next request has it
        return {"data": []}
    scores = score_actor(index, q, weights=tuning.weights, half_distance_km=tuning.half_distance_km)
    allowed = _filtered(index, principal, scores, kinds, districts, min_score)
    allowed[q] = False
    if near is not None and near.radius_km is not None:
        around = signals.distances_km(index, near.lat, near.lon)
        allowed &= around <= np.float32(near.radius_km)  # NaN (no location) is never within
    elif radius_km is not None:
        if np.isnan(index.lat[q]):
            raise InvalidInput(
                [
                    FieldError(
                        loc=("query", "radius_km"),
                        message="the actor has no location to measure the radius from; give `near`",
                    )
                ]
            )
        allowed &= scores.distances_km <= np.float32(radius_km)
    if exclude_partners:
        allowed[index.partners_row(q)[0]] = False
    dismissed, accepted = feedback.dismissed_and_accepted(session, actor_id)
    for other in dismissed:
        if (i := index.position.get(other)) is not None:
            allowed[i] = False
    return {"data": _ranked(session, index, q, scores, allowed, limit, accepted, tuning.weights)}


def _validated(payload: Callable[P, dict[str, Any]]) -> Callable[P, ActorMatches]:
    def validated(*args: P.args, **kwargs: P.kwargs) -> ActorMatches:
        return ActorMatches.model_validate(payload(*args, **kwargs))

    return validated


match_actor = _validated(match_actor_payload)
"""The actors that could best work with `actor_id`, best first, each explained; 404 when the
caller may not see the actor (the arguments of `match_actor_payload`)."""


def _indexed_actor(
    session: Session, engine: MatchEngine, actor_id: uuid.UUID, principal: Principal
) -> tuple[MatchIndex, int | None]:
    """The index and the actor's position in it; 404 when the caller may not see the actor.

    The index is as fresh as the last committed write, so it answers who may see an actor it
    holds without reading the actor; one it does not hold is looked up (a 404, or an actor
    written since the index's snapshot, which the next request finds indexed)."""
    index = engine.index(session)
    q = index.position.get(actor_id)
    if q is None or not index.alive[q]:
        ensure_visible(principal, get_actor(session, actor_id=actor_id))
        return index, None
    if not can_see(principal, actor_id, VISIBILITIES[int(index.visibility[q])]):
        raise NotFound(f"No actor with id {actor_id}")
    return index, q


def _ranked(
    session: Session,
    index: MatchIndex,
    query: "int | signals.Profile",
    scores: ActorScores,
    allowed: BoolArray,
    limit: int,
    accepted: set[uuid.UUID],
    weights: Mapping[str, float],
    query_kind: tuple[str, str] | None = None,
) -> list[dict[str, Any]]:
    """The `limit` best allowed actors, each with its score, components and reasons: the plain
    values of `ActorMatch`es (validating them as a whole is cheaper than building each)."""
    if not isinstance(query, signals.Profile):
        query_kind = KIND_LABELS[KINDS[int(index.kinds[query])]]
        query = signals.profile_of(index, query)  # once, not per suggestion
    field_labels = index.field_labels or _field_labels(session)
    top = np.array(top_positions(scores.total, allowed, limit), dtype=np.intp)
    shown_weights = {name: float(weight) for name, weight in weights.items()}
    # Each component's values at the chosen positions, gathered once (not 7 lookups a match).
    components = {name: values[top].tolist() for name, values in scores.components.items()}
    totals, distances = scores.total[top].tolist(), scores.distances_km[top].tolist()
    matches = []
    positions = top.tolist()
    explained = explain_all(index, query, positions, scores, field_labels, query_kind=query_kind)
    for j, (c, total, distance, reasons) in enumerate(
        zip(positions, totals, distances, explained, strict=True)
    ):
        matches.append(
            {
                "actor": _matched_fields(index, c),
                "score": round(total, 4),
                "components": {name: round(values[j], 4) for name, values in components.items()},
                "weights": shown_weights,
                "reasons": [{"component": r.component, "de": r.de, "en": r.en} for r in reasons],
                "distance_km": None if math.isnan(distance) else round(distance, 1),
                "feedback": "accepted" if index.ids[c] in accepted else None,
            }
        )
    return matches


def match_idea(
    session: Session,
    *,
    engine: MatchEngine,
    idea_id: uuid.UUID,
    principal: Principal,
    kinds: Sequence[ActorKind] = (),
    districts: Sequence[str] = (),
    min_score: float = 0.0,
    limit: int = 20,
    tuning: Tuning = DEFAULT_TUNING,
    radius_km: float | None = None,
) -> ActorMatches:
    """Who could join an idea or joint project, best first: actors whose topics and offers meet
    what it is about and seeks, of the kinds it wants, near it, and working with its members
    already. Its owner and participants are left out; 404 when the caller may not see it."""
    ideas.read_idea(session, idea_id=idea_id, principal=principal)
    idea = ideas.get_idea(session, idea_id=idea_id)
    index = engine.index(session)
    query, positions, lead_kind = idea_profile(index, idea)
    filters = _Filters(kinds, districts, min_score, radius_km, limit, tuning)
    return _match_profile(session, index, principal, query, positions, filters, lead_kind, "idea")


def idea_profile(
    index: MatchIndex, idea: Idea
) -> tuple[signals.Profile, list[int], tuple[str, str] | None]:
    """An idea's profile for matching, the positions of those taking part (owner and
    participants), and the kind its reasons set beside the suggestion's: none when it seeks
    kinds ("gesucht: Hochschule"), else its lead's."""
    members = [p.actor_id for p in idea.participants]
    if idea.owner_id is not None:
        members.append(idea.owner_id)
    positions = [index.position[m] for m in members if m in index.position]
    lead = next(
        (p.actor_id for p in idea.participants if p.role == ParticipantRole.lead), idea.owner_id
    )
    lead_position = index.position.get(lead) if lead is not None else None
    profile = signals.seeking_profile(
        index,
        topics=[topic.slug for topic in idea.topics],
        tags=idea.tags,
        seeking_topics=idea.seeking_topics,
        seeking_kinds=[ActorKind(kind) for kind in idea.seeking_kinds],
        action_fields=[field.slug for field in idea.action_fields],
        lat=idea.lat,
        lon=idea.lon,
        members=positions,
        lead_kind=KINDS[int(index.kinds[lead_position])] if lead_position is not None else None,
    )
    lead_kind = (
        None
        if idea.seeking_kinds or lead_position is None
        else KIND_LABELS[KINDS[int(index.kinds[lead_position])]]
    )
    return profile, positions, lead_kind


def match_group(
    session: Session,
    *,
    engine: MatchEngine,
    group_id: uuid.UUID,
    principal: Principal,
    kinds: Sequence[ActorKind] = (),
    districts: Sequence[str] = (),
    min_score: float = 0.0,
    limit: int = 20,
    tuning: Tuning = DEFAULT_TUNING,
    radius_km: float | None = None,
) -> ActorMatches:
    """Whom to invite into a working group, best first: actors on its topics and action
    fields, near its members and working with them already. Members (and those asking to
    join) are left out; 404 when the caller may not see the group."""
    groups.read_group(session, principal=principal, group_id=group_id)
    group = groups.get_group(session, group_id=group_id)
    index = engine.index(session)
    positions = [index.position[m.actor_id] for m in group.members if m.actor_id in index.position]
    active = [
        index.position[m.actor_id]
        for m in group.members
        if m.status == MemberStatus.active and m.actor_id in index.position
    ]
    # Where the group is: the centre of its members' shown places.
    placed = [i for i in active if not np.isnan(index.lat[i])]
    lat = float(np.mean(index.lat[placed])) if placed else None
    lon = float(np.mean(index.lon[placed])) if placed else None
    query = signals.seeking_profile(
        index,
        topics=[topic.slug for topic in group.topics],
        tags=[],
        seeking_topics=[],
        seeking_kinds=[],
        action_fields=[field.slug for field in group.action_fields],
        lat=lat,
        lon=lon,
        members=active,
    )
    filters = _Filters(kinds, districts, min_score, radius_km, limit, tuning)
    return _match_profile(session, index, principal, query, positions, filters, None, "group")


@dataclass(frozen=True)
class _Filters:
    kinds: Sequence[ActorKind]
    districts: Sequence[str]
    min_score: float
    radius_km: float | None
    limit: int
    tuning: Tuning


def _match_profile(
    session: Session,
    index: MatchIndex,
    principal: Principal,
    query: signals.Profile,
    members: Sequence[int],
    filters: _Filters,
    query_kind: tuple[str, str] | None,
    what: str,
) -> ActorMatches:
    """Actors for an idea's or group's profile, its members left out."""
    scores = score_profile(
        index,
        query,
        weights=filters.tuning.weights,
        half_distance_km=filters.tuning.half_distance_km,
    )
    allowed = _filtered(
        index, principal, scores, filters.kinds, filters.districts, filters.min_score
    )
    allowed[list(members)] = False
    if filters.radius_km is not None:
        if np.isnan(query.lat):
            raise InvalidInput(
                [
                    FieldError(
                        loc=("query", "radius_km"),
                        message=f"the {what} has no location to measure the radius from",
                    )
                ]
            )
        allowed &= scores.distances_km <= np.float32(filters.radius_km)
    found = _ranked(
        session, index, query, scores, allowed, filters.limit, set(), filters.tuning.weights,
        query_kind,
    )  # fmt: skip
    return ActorMatches.model_validate({"data": found})


def _filtered(
    index: MatchIndex,
    principal: Principal,
    scores: ActorScores,
    kinds: Sequence[ActorKind],
    districts: Sequence[str],
    min_score: float,
) -> BoolArray:
    """The actors the caller may see that pass the list filters."""
    allowed = visible_mask(index, principal)
    if kinds:
        allowed &= np.isin(index.kinds, [KINDS.index(kind) for kind in kinds])
    if districts:
        allowed &= np.array([d in set(districts) for d in index.districts], dtype=bool)
    if min_score > 0:
        allowed &= scores.total >= np.float32(min_score)
    return allowed


def consortium(
    session: Session,
    *,
    engine: MatchEngine,
    idea_id: uuid.UUID,
    principal: Principal,
    size: int = 4,
    max_distance_km: float | None = None,
    tuning: Tuning = DEFAULT_TUNING,
) -> Consortium:
    """A team of `size` actors for an idea that together cover the topics and kinds it seeks:
    chosen greedily, each for what it adds to what the team (and the idea's participants)
    already covers, ties broken by match score; within `max_distance_km` of the idea."""
    idea = ideas.get_idea(session, idea_id=idea_id)
    candidates = match_idea(
        session,
        engine=engine,
        idea_id=idea_id,
        principal=principal,
        limit=200,
        tuning=tuning,
        radius_km=max_distance_km,
    ).data
    index = engine.index(session)
    sought_topics = list(dict.fromkeys(idea.seeking_topics))
    sought_kinds = [ActorKind(kind) for kind in dict.fromkeys(idea.seeking_kinds)]
    present = [p.actor_id for p in idea.participants] + (
        [idea.owner_id] if idea.owner_id is not None else []
    )
    covered_topics = {t for actor_id in present for t in _topics_of(index, actor_id, sought_topics)}
    covered_kinds = {
        KINDS[int(index.kinds[index.position[a]])] for a in present if a in index.position
    } & set(sought_kinds)
    chosen: list[ConsortiumMember] = []
    pool = list(candidates)
    carried = {
        match.actor.id: (_topics_of(index, match.actor.id, sought_topics), match.actor.kind)
        for match in pool
    }
    while pool and len(chosen) < size:
        adds = {
            match.actor.id: (
                [t for t in carried[match.actor.id][0] if t not in covered_topics],
                [k for k in sought_kinds if k == match.actor.kind and k not in covered_kinds],
            )
            for match in pool
        }
        best = max(
            pool, key=lambda m: (len(adds[m.actor.id][0]) + len(adds[m.actor.id][1]), m.score)
        )
        pool.remove(best)
        new_topics, new_kinds = adds[best.actor.id]
        covered_topics |= set(new_topics)
        covered_kinds |= set(new_kinds)
        chosen.append(
            ConsortiumMember(
                actor=best.actor,
                score=best.score,
                covers=Coverage(topics=new_topics, kinds=new_kinds),
                reasons=best.reasons,
            )
        )
    return Consortium(
        idea_id=idea_id,
        members=chosen,
        covered=Coverage(
            topics=[t for t in sought_topics if t in covered_topics],
            kinds=[k for k in sought_kinds if k in covered_kinds],
        ),
        open=Coverage(
            topics=[t for t in sought_topics if t not in covered_topics],
            kinds=[k for k in sought_kinds if k not in covered_kinds],
        ),
    )


def _topics_of(index: MatchIndex, actor_id: uuid.UUID, slugs: Sequence[str]) -> list[str]:
    """Which of `slugs` the actor carries as its own topic or offer (or through its projects)."""
    i = index.position.get(actor_id)
    if i is None:
        return []
    carried = set(index.terms_row(i)[0].tolist()) | set(index.offers_row(i).tolist())
    ids = index.term_ids
    return [slug for slug in slugs if ids.get(topic_term(slug), -1) in carried]


JOINABLE_STATUSES = (IdeaStatus.open, IdeaStatus.running)


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
    index, c = _indexed_actor(session, engine, actor_id, principal)
    if c is None:
        return IdeaMatches(data=[])
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
    candidates: list[tuple[Idea, list[int]]] = []
    for idea in session.execute(statement).scalars():
        taking_part = {p.actor_id for p in idea.participants} | (
            {idea.owner_id} if idea.owner_id is not None else set()
        )
        if actor_id not in taking_part:
            positions = [index.position[m] for m in taking_part if m in index.position]
            candidates.append((idea, positions))
    most = max((len(members) for _, members in candidates), default=0)
    found = []
    for idea, members in candidates:
        profile, _, _ = idea_profile(index, idea)
        fit = score_joinable(
            index, c, profile, liveliness=_liveliness(len(members), most),
            weights=tuning.weights, half_distance_km=tuning.half_distance_km,
        )  # fmt: skip
        if fit.score < min_score or _outside(fit.distance_km, radius_km):
            continue
        found.append((fit, idea))
    found.sort(key=lambda item: (-item[0].score, str(item[1].id)))
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
                reasons=[MatchReason(component=r.component, de=r.de, en=r.en) for r in fit.reasons],
                distance_km=fit.distance_km,
            )
            for fit, idea in found[:limit]
        ]
    )


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
    index, c = _indexed_actor(session, engine, actor_id, principal)
    if c is None:
        return GroupMatches(data=[])
    statement = select(WorkingGroup).options(
        selectinload(WorkingGroup.topics),  # type: ignore[arg-type]
        selectinload(WorkingGroup.action_fields),  # type: ignore[arg-type]
        selectinload(WorkingGroup.members),  # type: ignore[arg-type]
    )
    candidates = []
    for group in session.execute(statement).scalars():
        if any(m.actor_id == actor_id for m in group.members):
            continue
        active = [
            index.position[m.actor_id]
            for m in group.members
            if m.status == MemberStatus.active and m.actor_id in index.position
        ]
        candidates.append((group, active))
    most = max((len(active) for _, active in candidates), default=0)
    found = []
    for group, active in candidates:
        placed = [i for i in active if not np.isnan(index.lat[i])]
        profile = signals.seeking_profile(
            index,
            topics=[topic.slug for topic in group.topics],
            tags=[],
            seeking_topics=[topic.slug for topic in group.topics],
            seeking_kinds=[],
            action_fields=[field.slug for field in group.action_fields],
            lat=float(np.mean(index.lat[placed])) if placed else None,
            lon=float(np.mean(index.lon[placed])) if placed else None,
            members=active,
        )
        fit = score_joinable(
            index, c, profile, liveliness=_liveliness(len(active), most),
            weights=tuning.weights, half_distance_km=tuning.half_distance_km,
        )  # fmt: skip
        if fit.score < min_score or _outside(fit.distance_km, radius_km):
            continue
        found.append((fit, group))
    found.sort(key=lambda item: (-item[0].score, str(item[1].id)))
    return GroupMatches(
        data=[
            GroupMatch(
                group=MatchedGroup(id=group.id, name=group.name, join_policy=group.join_policy),
                score=fit.score,
                components=fit.components,
                weights=dict(tuning.weights),
                reasons=[MatchReason(component=r.component, de=r.de, en=r.en) for r in fit.reasons],
                distance_km=fit.distance_km,
            )
            for fit, group in found[:limit]
        ]
    )


def _liveliness(members: int, most: int) -> float:
    """How many take part already, on a log scale: 1 for the busiest candidate."""
    return math.log1p(members) / math.log1p(most) if most > 0 else 0.0


def _outside(distance_km: float | None, radius_km: float | None) -> bool:
    return radius_km is not None and (distance_km is None or distance_km > radius_km)


MAX_QUERY_ACTORS = 5000


def best_pairs(
    session: Session,
    *,
    engine: MatchEngine,
    query: MatchQuery,
    principal: Principal,
    tuning: Tuning = DEFAULT_TUNING,
) -> MatchPairs:
    """The best-scoring pairs of actors the caller may see, one from `among` and one from
    `with` (or both from `among`), each pair once, best first (analysts and admins)."""
    if principal.role not in (Role.admin, Role.analyst):
        raise Forbidden("Match queries are for analysts and admins")
    index = engine.index(session)
    visible = visible_mask(index, principal)
    among = _actor_set(session, index, query.among, loc="among") & visible
    other = among if query.with_ is None else _actor_set(session, index, query.with_, loc="with")
    other = other & visible
    sources = np.flatnonzero(among)
    if sources.size > MAX_QUERY_ACTORS:
        raise InvalidInput(
            [
                FieldError(
                    loc=("body", "among"),
                    message=f"{sources.size} actors match; narrow it to {MAX_QUERY_ACTORS} or "
                    "fewer",
                )
            ]
        )
    best: dict[tuple[int, int], float] = {}
    for a in sources.tolist():
        scores = score_actor(
            index, a, weights=tuning.weights, half_distance_km=tuning.half_distance_km
        )
        allowed = other.copy()
        allowed[a] = False
        if query.exclude_partners:
            allowed[index.partners_row(a)[0]] = False
        if query.min_score > 0:
            allowed &= scores.total >= np.float32(query.min_score)
        for b in top_positions(scores.total, allowed, query.limit):
            best[(min(a, b), max(a, b))] = float(scores.total[b])
    ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))[: query.limit]
    labels = _field_labels(session)
    pairs = []
    for (a, b), _ in ranked:
        scores = score_actor(
            index, a, weights=tuning.weights, half_distance_km=tuning.half_distance_km
        )
        distance = float(scores.distances_km[b])
        pairs.append(
            MatchedPair(
                a=_matched(index, a),
                b=_matched(index, b),
                score=round(float(scores.total[b]), 4),
                components={k: round(float(v[b]), 4) for k, v in scores.components.items()},
                reasons=[
                    MatchReason(component=r.component, de=r.de, en=r.en)
                    for r in explain(index, a, b, scores, labels)
                ],
                distance_km=None if np.isnan(distance) else round(distance, 1),
            )
        )
    return MatchPairs(data=pairs, scanned=int(sources.size))


def _actor_set(session: Session, index: MatchIndex, chosen: ActorSet, *, loc: str) -> BoolArray:
    mask = np.zeros(index.size, dtype=bool)
    # Checked here first, so that an unknown slug is reported where it is in the body.
    if chosen.topics:
        taxonomy.topic_filter(session, chosen.topics, loc=("body", loc, "topics"))
    taxonomy.resolve_action_fields(
        session, chosen.action_fields, loc=("body", loc, "action_fields")
    )
    conditions = actors.actor_filters(
        session,
        topics=chosen.topics,
        action_fields=chosen.action_fields,
        kinds=chosen.kinds,
        districts=chosen.districts,
    )
    if not conditions:
        mask[:] = True
        return mask
    for actor_id in session.execute(select(col(Actor.id)).where(*conditions)).scalars():
        if (i := index.position.get(actor_id)) is not None:
            mask[i] = True
    return mask


def _matched(index: MatchIndex, i: int) -> MatchedActor:
    return MatchedActor.model_validate(_matched_fields(index, i))


def _matched_fields(index: MatchIndex, i: int) -> dict[str, Any]:
    return {
        "id": index.ids[i],
        "name": index.names[i],
        "kind": KINDS[int(index.kinds[i])],
        "district": index.districts[i],
    }


def _field_labels(session: Session) -> dict[str, tuple[str, str]]:
    """Action-field labels (DE, EN) by slug."""
    return {
        slug: (de, en)
        for slug, de, en in session.execute(
            select(col(ActionField.slug), col(ActionField.label_de), col(ActionField.label_en))
        )
    }
