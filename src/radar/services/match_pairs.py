"""Analysts' best pairs of actors within a set or between two, each pair once with its one
(symmetric) score, highest first."""

import heapq
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select
from sqlmodel import Session, col

from radar.errors import FieldError, InvalidInput
from radar.matching.engine import (
    DEFAULT_TUNING,
    ActorScores,
    MatchEngine,
    Tuning,
    score_actor,
    top_positions,
)
from radar.matching.explain import explain_all, pair_voice
from radar.matching.index import MatchIndex
from radar.models.actor import Actor
from radar.models.match import (
    ActorSet,
    MatchedPair,
    MatchNote,
    MatchPairs,
    MatchQuery,
    MatchReason,
)
from radar.services import actors, feedback, taxonomy
from radar.services.access import Principal, require_analyst
from radar.services.match_notes import (
    INCLUDE_PARTNERS_DE,
    INCLUDE_PARTNERS_EN,
    below_min_score,
    make_note,
)
from radar.services.matches import BoolArray, field_labels_of, matched_actor, reaches, visible_mask

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
    `with` (or both from `among`), each pair once, best first (analysts and admins). Each
    pair is shown, and ranked, by its score from one side: the `among` actor's, or the lower
    index position's when either could be."""
    require_analyst(principal, what="match queries")
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
                    type="too_many_actors",
                )
            ]
        )
    labels = index.field_labels or field_labels_of(session)
    ranking = PairRanking(index, labels, tuning.weights, query.limit)
    dismissed = feedback.dismissed_pairs(session, index.position)
    for a in sources.tolist():
        scores = score_actor(
            index, a, weights=tuning.weights, half_distance_km=tuning.half_distance_km
        )
        # Each actor gathers the pairs shown from its side, by the very scores they show (so
        # every actor is scored once, and the best pairs are found from whichever side).
        allowed = other.copy()
        allowed[a] = False
        if other[a]:  # either way round: a pair with a lower `among` actor is shown from there
            allowed[:a] &= ~among[:a]
        if not query.include_partners:
            allowed[index.partners_row(a)[0]] = False
        allowed[dismissed.get(a, [])] = False  # never suggested again, either way round
        if query.min_score > 0:
            reaching = reaches(scores.total, query.min_score)
            if (below := allowed & ~reaching).any():
                ranking.missed(float(scores.total[below].max()))
            allowed &= reaching
        ranking.add(a, top_positions(scores.total, allowed, query.limit), scores)
    pairs = ranking.best()
    note = None if pairs else _pairs_note(query, visible, among, other, ranking.best_missed)
    return MatchPairs(data=pairs, note=note, scanned=int(sources.size))


@dataclass
class PairRanking:
    """The `limit` best pairs by the score they are shown with, ties by their ids; only those
    that rank among them so far are explained."""

    index: MatchIndex
    labels: Mapping[str, tuple[str, str]]
    weights: Mapping[str, float]
    limit: int
    # A min-heap: the worst pair kept on top (lowest score, then highest ids).
    kept: list[tuple[float, int, int, MatchedPair]] = field(default_factory=list)
    best_missed: float | None = None

    def missed(self, score: float) -> None:
        """A score left out for `min_score`: the best is what an empty answer says."""
        self.best_missed = score if self.best_missed is None else max(self.best_missed, score)

    def add(self, a: int, others: Sequence[int], scores: ActorScores) -> None:
        """Pairs of `a` with each of `others`, shown from `a`'s side (`scores`)."""
        index, key_a = self.index, -self.index.ids[a].int
        ranked = [(round(float(scores.total[b]), 4), key_a, -index.ids[b].int, b) for b in others]
        entering = [
            item for item in ranked if len(self.kept) < self.limit or item[:3] > self.kept[0][:3]
        ]
        if not entering:
            return
        positions = [b for *_, b in entering]
        voices = [pair_voice(index.names[a], index.names[b]) for b in positions]
        explained = explain_all(
            index, a, positions, scores, self.labels, weights=self.weights, voices=voices
        )
        for (score, _, key_b, b), reasons in zip(entering, explained, strict=True):
            if len(self.kept) >= self.limit and (score, key_a, key_b) <= self.kept[0][:3]:
                continue
            distance = float(scores.distances_km[b])
            pair = MatchedPair(
                a=matched_actor(index, a),
                b=matched_actor(index, b),
                score=score,
                components={k: round(float(v[b]), 4) for k, v in scores.components.items()},
                reasons=[MatchReason(**r._asdict()) for r in reasons],
                distance_km=None if math.isnan(distance) else round(distance, 1),
            )
            entry = (score, key_a, key_b, pair)
            if len(self.kept) < self.limit:
                heapq.heappush(self.kept, entry)
            else:
                heapq.heapreplace(self.kept, entry)

    def best(self) -> list[MatchedPair]:
        """The pairs kept, best first."""
        return [pair for *_, pair in sorted(self.kept, key=lambda e: e[:3], reverse=True)]


def _pairs_note(
    query: MatchQuery,
    visible: BoolArray,
    among: BoolArray,
    other: BoolArray,
    best_missed: float | None,
) -> MatchNote:
    """Why a match query found no pair: the first step that leaves none."""
    if np.count_nonzero(visible) < 2:
        return make_note(
            "no_candidates",
            "Sie dürfen weniger als zwei Akteure sehen: es gibt kein Paar.",
            "You may see fewer than two actors: there is no pair.",
        )
    for side, chosen, mask in (("among", query.among, among), ("with", query.with_, other)):
        if chosen is not None and not mask.any():
            values = _set_values(chosen)
            return make_note(
                "empty_set",
                f"{side} ({values}) trifft keinen Akteur, den Sie sehen dürfen.",
                f"{side} ({values}) matches no actor you may see.",
            )
    if np.count_nonzero(among | other) < 2:
        sets_de, sets_en = (
            ("among trifft", "among matches") if query.with_ is None
            else ("among und with treffen", "among and with match")
        )  # fmt: skip
        return make_note(
            "filtered_out",
            f"{sets_de} nur einen Akteur, den Sie sehen dürfen: es gibt kein Paar.",
            f"{sets_en} only one actor you may see: there is no pair.",
        )
    if best_missed is None and not query.include_partners:
        return make_note(
            "only_partners",
            "Alle Paare arbeiten schon zusammen (gemeinsame Idee oder Verbundprojekt); "
            f"{INCLUDE_PARTNERS_DE}",
            "All pairs already work together (a shared idea or joint project); "
            f"{INCLUDE_PARTNERS_EN}",
        )
    return below_min_score(query.min_score, best_missed or 0.0, pairs=True)


def _set_values(chosen: ActorSet) -> str:
    """An actor set's filter values, as a reader would give them."""
    given = [
        f"{name}: {', '.join(str(value) for value in values)}"
        for name, values in (
            ("districts", chosen.districts),
            ("topics", chosen.topics),
            ("action_fields", chosen.action_fields),
            ("kinds", chosen.kinds),
        )
        if values
    ]
    return "; ".join(given) or "all"


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
