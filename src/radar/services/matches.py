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
from sqlmodel import Session, col

from radar.errors import FieldError, InvalidInput, NotFound
from radar.matching import signals
from radar.matching.diversity import diversified_top
from radar.matching.engine import (
    DEFAULT_TUNING,
    ActorScores,
    MatchEngine,
    Tuning,
    score_profile,
)
from radar.matching.explain import (
    KIND_LABELS,
    Voice,
    explain_all,
    group_voice,
    idea_voice,
)
from radar.matching.index import KINDS, VISIBILITIES, IntArray, MatchIndex, topic_term
from radar.matching.joinable import score_joinable
from radar.models.action_field import ActionField
from radar.models.actor import ActorKind, Visibility
from radar.models.group import MemberStatus, WorkingGroup
from radar.models.idea import Idea, ParticipantRole
from radar.models.match import (
    ActorMatches,
    Consortium,
    ConsortiumMember,
    Coverage,
    MatchedActor,
    MatchNote,
)
from radar.services import feedback, groups, ideas
from radar.services.access import Principal, can_see, ensure_visible
from radar.services.actors import get_actor
from radar.services.match_notes import (
    INCLUDE_PARTNERS_DE,
    INCLUDE_PARTNERS_EN,
    below_min_score,
    filtered_out,
    given_filters,
    make_note,
    not_indexed,
)
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
    include_partners: bool = False,
    limit: int = 20,
    tuning: Tuning = DEFAULT_TUNING,
    near: Near | None = None,
    radius_km: float | None = None,
) -> dict[str, Any]:
    """`match_actor` as the plain values of an `ActorMatches` (for the endpoint, which writes
    them as JSON without building the models). Those it shares an idea or joint project with
    are left out unless `include_partners`. `near` (with its radius) keeps those within the
    radius of that point; `radius_km` alone those within it of the actor itself."""
    index, q = indexed_actor(session, engine, actor_id, principal)
    if q is None:  # written after the index's snapshot was read: the next request has it
        return {"data": [], "note": not_indexed().model_dump()}
    profile = signals.profile_of(index, q)  # once for scoring and reasons
    scores = score_profile(
        index, profile, weights=tuning.weights, half_distance_km=tuning.half_distance_km
    )
    allowed = _filtered(index, principal, scores, kinds, districts, min_score)
    allowed[q] = False
    around = _around(index, q, scores, near, radius_km)
    if around is not None:
        allowed &= around
    partners = None if include_partners else index.partners_row(q)[0]
    if partners is not None:
        allowed[partners] = False
    dismissed_ids, accepted = feedback.dismissed_and_accepted(session, actor_id)
    dismissed = [i for other in dismissed_ids if (i := index.position.get(other)) is not None]
    allowed[dismissed] = False
    query_kind = KIND_LABELS[KINDS[int(index.kinds[q])]]
    found = _ranked(
        session, index, profile, scores, allowed, limit, accepted, tuning.weights, query_kind
    )
    if found:
        return {"data": found, "note": None}
    filters = _Filters(kinds, districts, min_score, radius_km, limit, tuning)
    note = _actor_note(index, principal, q, scores, filters, around, partners, dismissed)
    return {"data": found, "note": note.model_dump()}


def _actor_note(
    index: MatchIndex,
    principal: Principal,
    q: int,
    scores: ActorScores,
    filters: "_Filters",
    around: BoolArray | None,
    partners: IntArray | None,
    dismissed: list[int],
) -> MatchNote:
    """Why no actor is suggested for actor `q`: the first step that leaves none (`partners`
    when they are left out)."""
    left = visible_mask(index, principal)
    left[q] = False
    if not left.any():
        return make_note(
            "no_candidates",
            "Es gibt keinen anderen Akteur, den Sie sehen dürfen.",
            "There is no other actor you may see.",
        )
    left &= _filtered(index, principal, scores, filters.kinds, filters.districts, 0.0)
    if around is not None:
        left &= around
    if not left.any():
        given = given_filters(filters.kinds, filters.districts, around is not None)
        return filtered_out("Kein Akteur", "No actor", given)
    if partners is not None:
        left[partners] = False
        if not left.any():
            return make_note(
                "only_partners",
                "Alle übrigen Akteure arbeiten schon mit diesem zusammen (gemeinsame Idee oder "
                f"Verbundprojekt); {INCLUDE_PARTNERS_DE}",
                "All remaining actors already work with this one (a shared idea or joint "
                f"project); {INCLUDE_PARTNERS_EN}",
            )
    left[dismissed] = False
    if not left.any():
        return make_note(
            "all_dismissed",
            "Alle übrigen Vorschläge wurden per Feedback abgelehnt; wird das Feedback "
            "zurückgezogen, kommen sie wieder.",
            "All remaining suggestions were dismissed by feedback; withdraw the feedback to "
            "see them again.",
        )
    return below_min_score(filters.min_score, float(scores.total[left].max()))


def _around(
    index: MatchIndex, q: int, scores: ActorScores, near: Near | None, radius_km: float | None
) -> BoolArray | None:
    """Those within `near`'s radius of its point, or within `radius_km` of actor `q`; None
    when no radius is given."""
    if near is not None and near.radius_km is not None:
        around = signals.distances_km(index, near.lat, near.lon)
        within: BoolArray = around <= np.float32(near.radius_km)  # NaN is never within
        return within
    if radius_km is None:
        return None
    if np.isnan(index.lat[q]):
        raise InvalidInput(
            [
                FieldError(
                    loc=("query", "radius_km"),
                    message="the actor has no location to measure the radius from; give `near`",
                    type="no_location",
                )
            ]
        )
    close: BoolArray = scores.distances_km <= np.float32(radius_km)
    return close


def _validated(payload: Callable[P, dict[str, Any]]) -> Callable[P, ActorMatches]:
    def validated(*args: P.args, **kwargs: P.kwargs) -> ActorMatches:
        return ActorMatches.model_validate(payload(*args, **kwargs))

    return validated


match_actor = _validated(match_actor_payload)
"""The actors that could best work with `actor_id`, best first, each explained; 404 when the
caller may not see the actor (the arguments of `match_actor_payload`)."""


def indexed_actor(
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
    field_labels = index.field_labels or field_labels_of(session)
    top = np.array(diversified_top(index, scores, allowed, limit), dtype=np.intp)
    shown_weights = {name: float(weight) for name, weight in weights.items()}
    # Each component's values at the chosen positions, gathered once (not 7 lookups a match).
    components = {name: values[top].tolist() for name, values in scores.components.items()}
    totals, distances = scores.total[top].tolist(), scores.distances_km[top].tolist()
    matches = []
    positions = top.tolist()
    explained = explain_all(
        index, query, positions, scores, field_labels, weights=weights, query_kind=query_kind
    )
    for j, (c, total, distance, reasons) in enumerate(
        zip(positions, totals, distances, explained, strict=True)
    ):
        matches.append(
            {
                "actor": matched_fields(index, c),
                "score": round(total, 4),
                "components": {name: round(values[j], 4) for name, values in components.items()},
                "weights": shown_weights,
                "reasons": [r._asdict() for r in reasons],
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


def group_profile(index: MatchIndex, group: WorkingGroup) -> signals.Profile:
    """A working group's profile for matching: it seeks members working on its topics, around
    the centre of its active members' shown places, who work with its members already."""
    active = [
        index.position[m.actor_id]
        for m in group.members
        if m.status == MemberStatus.active and m.actor_id in index.position
    ]
    placed = [i for i in active if not np.isnan(index.lat[i])]
    topics = [topic.slug for topic in group.topics]
    return signals.seeking_profile(
        index,
        topics=topics,
        tags=[],
        seeking_topics=topics,
        seeking_kinds=[],
        action_fields=[field.slug for field in group.action_fields],
        lat=float(np.mean(index.lat[placed])) if placed else None,
        lon=float(np.mean(index.lon[placed])) if placed else None,
        members=active,
    )


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
    query = group_profile(index, group)
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
    around = None
    if filters.radius_km is not None:
        if np.isnan(query.lat):
            raise InvalidInput(
                [
                    FieldError(
                        loc=("query", "radius_km"),
                        message=f"the {what} has no location to measure the radius from",
                        type="no_location",
                    )
                ]
            )
        around = scores.distances_km <= np.float32(filters.radius_km)
        allowed &= around
    found = _ranked_profile(index, query, scores, allowed, filters, query_kind, what)
    if found:
        return ActorMatches.model_validate({"data": found})
    note = _profile_note(index, principal, scores, members, filters, around, what)
    return ActorMatches.model_validate({"data": found, "note": note})


# How reasons name an idea or group to the actor it is suggested to.
IDEA_SIDE = Voice(other="Die Idee", other_en="The idea")
GROUP_SIDE = Voice(other="Die Arbeitsgruppe", other_en="The working group")


def _ranked_profile(
    index: MatchIndex,
    query: signals.Profile,
    scores: ActorScores,
    allowed: BoolArray,
    filters: "_Filters",
    query_kind: tuple[str, str] | None,
    what: str,
) -> list[dict[str, Any]]:
    """The best allowed actors for an idea's or group's profile, as `_ranked` chooses them,
    each scored and explained by `score_joinable`: the very numbers the actor sees for the idea
    or group (`match_actor_ideas`, `match_actor_groups`)."""
    weights = filters.tuning.weights
    top = diversified_top(index, scores, allowed, filters.limit)
    voice = idea_voice if what == "idea" else group_voice
    shown = {name: float(weight) for name, weight in weights.items()}
    found = []
    for c in top:
        fit = score_joinable(
            index, c, query, weights=weights, half_distance_km=filters.tuning.half_distance_km,
            voice=voice(index.names[c]), query_kind=query_kind,
        )  # fmt: skip
        found.append(
            {
                "actor": matched_fields(index, c),
                "score": fit.score,
                "components": fit.components,
                "weights": shown,
                "reasons": [r._asdict() for r in fit.reasons],
                "distance_km": fit.distance_km,
                "feedback": None,
            }
        )
    return found


def _profile_note(
    index: MatchIndex,
    principal: Principal,
    scores: ActorScores,
    members: Sequence[int],
    filters: _Filters,
    around: BoolArray | None,
    what: str,
) -> MatchNote:
    """Why no actor is suggested for an idea (`what`) or a group: the first step that leaves
    none."""
    left = visible_mask(index, principal)
    left[list(members)] = False
    if not left.any():
        in_it_de, in_it_en = (
            ("an der Idee beteiligt ist", "in the idea")
            if what == "idea"
            else ("in der Gruppe ist (oder den Beitritt beantragt hat)",
                  "in the group (or asked to join)")
        )  # fmt: skip
        return make_note(
            "no_candidates",
            f"Es gibt keinen Akteur, den Sie sehen dürfen und der nicht schon {in_it_de}.",
            f"There is no actor you may see who is not {in_it_en} already.",
        )
    left &= _filtered(index, principal, scores, filters.kinds, filters.districts, 0.0)
    if around is not None:
        left &= around
    if not left.any():
        given = given_filters(filters.kinds, filters.districts, around is not None)
        return filtered_out("Kein Akteur", "No actor", given)
    return below_min_score(filters.min_score, float(scores.total[left].max()))


def reaches(total: npt.NDArray[np.float32], min_score: float) -> BoolArray:
    """Whether each score, as shown (rounded to 4 places), is at least `min_score`."""
    shown: BoolArray = total >= np.float32(min_score - 0.00005)
    return shown


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
        allowed &= reaches(scores.total, min_score)
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


def matched_actor(index: MatchIndex, i: int) -> MatchedActor:
    return MatchedActor.model_validate(matched_fields(index, i))


def matched_fields(index: MatchIndex, i: int) -> dict[str, Any]:
    return {
        "id": index.ids[i],
        "name": index.names[i],
        "kind": KINDS[int(index.kinds[i])],
        "district": index.districts[i],
    }


def field_labels_of(session: Session) -> dict[str, tuple[str, str]]:
    """Action-field labels (DE, EN) by slug."""
    return {
        slug: (de, en)
        for slug, de, en in session.execute(
            select(col(ActionField.slug), col(ActionField.label_de), col(ActionField.label_en))
        )
    }
