"""Scoring actor → actors over the match index, and keeping the index fresh across processes."""

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from sqlmodel import Session

from radar.matching import signals
from radar.matching.index import MatchIndex, build_index, change_mark
from radar.matching.refresh import refresh

COMPONENTS = (
    "topics",
    "action_fields",
    "proximity",
    "complementarity",
    "kinds",
    "network",
    "activity",
)
# Needs first: a stated need met by the other side's offers (or topics) weighs more than all the
# other signals together, so that with these weights an actor meeting a need of the query ranks
# above every actor meeting none (unless it is far away: see `signals.complement_score`).
# The rest orders actors within those two tiers, and carries the ranking where no one states
# needs. Its mix is measured on real collaborations (bench/h2020_eval.py): who already works
# with whom (network) and how active an actor is in the query's topics (activity: topic
# similarity × partners) predict new partners best; topic similarity on its own, proximity and
# kinds only break ties there. Activity's weight is large because its values are small.
DEFAULT_WEIGHTS: dict[str, float] = {
    "complementarity": 0.72,
    "activity": 0.2459,
    "network": 0.0307,
    "action_fields": 0.0015,
    "kinds": 0.0009,
    "proximity": 0.0009,
    "topics": 0.0,
}


@dataclass(frozen=True)
class Tuning:
    """How matches are scored: each component's weight and the proximity half-distance."""

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    half_distance_km: float = 30.0


DEFAULT_TUNING = Tuning()


@dataclass(frozen=True)
class ActorScores:
    """Every component for every actor, for one query actor."""

    components: dict[str, npt.NDArray[np.float32]]
    total: npt.NDArray[np.float32]
    distances_km: npt.NDArray[np.float32]
    common_partners: npt.NDArray[np.float32]
    met_needs: npt.NDArray[np.float32]  # how much of what the query seeks each actor meets
    needs_met: npt.NDArray[np.float32]  # how much of what each actor seeks the query meets
    shared_groups: npt.NDArray[np.float32]  # working groups both are active in
    best_need: npt.NDArray[np.float32]  # the best credit of a single need met, either way
    main_need: npt.NDArray[np.int64]  # the need met best (see `signals.Needs.main`)
    main_value: npt.NDArray[np.float32]  # how well (see `signals.Needs.main_value`)


def score_actor(
    index: MatchIndex,
    q: int,
    *,
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
    half_distance_km: float = 30.0,
) -> ActorScores:
    """Each component's contribution, and the weighted total in [0, 1], of every actor as a
    partner for actor `q`."""
    return score_profile(
        index, signals.profile_of(index, q), weights=weights, half_distance_km=half_distance_km
    )


def score_profile(
    index: MatchIndex,
    query: signals.Profile,
    *,
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
    half_distance_km: float = 30.0,
) -> ActorScores:
    """Each component and the weighted total of every actor for a query profile (an actor's,
    or an idea's or group's looking for members)."""
    if np.isnan(query.lat):
        distances = np.full(index.size, np.nan, dtype=np.float32)
    else:
        distances = signals.distances_km(index, query.lat, query.lon)
    needs = signals.complementarity(index, query)
    network, common, groups = signals.shared_partners(index, query)
    topics = signals.topic_similarity(index, query)
    nearness = signals.proximity(distances, half_distance_km=half_distance_km)
    components = {
        "topics": topics,
        "action_fields": signals.action_field_overlap(index, query),
        "proximity": nearness,
        "complementarity": signals.complement_score(
            needs.met_needs, needs.needs_met, needs.best, distances, nearness
        ),
        "kinds": signals.kind_complement(index, query),
        "network": network,
        "activity": signals.activity(index, query, topics),
    }
    total = np.zeros(index.size, dtype=np.float32)
    weight_sum = sum(max(0.0, weights.get(name, 0.0)) for name in COMPONENTS) or 1.0
    for name in COMPONENTS:
        weight = max(0.0, weights.get(name, 0.0))
        if weight:
            total += components[name] * np.float32(weight / weight_sum)
    return ActorScores(
        components, total, distances, common, needs.met_needs, needs.needs_met, groups,
        needs.best, needs.main, needs.main_value,
    )  # fmt: skip


# Blocks per position wanted when finding a cut for the best few (see `top_positions`).
_BLOCKS_PER_PLACE = 8


def top_positions(
    total: npt.NDArray[np.float32], allowed: npt.NDArray[np.bool_], limit: int
) -> list[int]:
    """The positions of the `limit` best allowed scores, best first (ties by position)."""
    if limit <= 0:
        return []
    blocks = _BLOCKS_PER_PLACE * limit
    size = total.size // blocks
    if size >= 8:
        # A cut no higher than the limit-th best score: the limit-th best of the blocks' best
        # (each of those is a score of its own). Only the few scores at or above it are
        # sorted, not all of them.
        masked = np.where(allowed, total, np.float32(-np.inf))
        best = masked[: blocks * size].reshape(blocks, size).max(axis=1)
        cut = np.partition(best, blocks - limit)[blocks - limit]
        candidates = np.flatnonzero(masked >= cut) if np.isfinite(cut) else np.flatnonzero(allowed)
    else:
        candidates = np.flatnonzero(allowed)
    if candidates.size == 0:
        return []
    scores = total[candidates]
    if candidates.size > 4 * limit:
        keep = np.argpartition(-scores, limit - 1)[:limit]
        candidates, scores = candidates[keep], scores[keep]
    order = np.lexsort((candidates, -scores))[:limit]
    return [int(i) for i in candidates[order]]


class MatchEngine:
    """Holds the index of one process and brings it up to date when the database changed:
    every write records an event, so any process sees any other's writes at its next match."""

    def __init__(self, build: Callable[[Session], MatchIndex] = build_index) -> None:
        self._build = build
        self._index: MatchIndex | None = None
        self._lock = threading.Lock()
        self.builds = 0  # full builds and incremental refreshes so far
        self.refreshes = 0

    def index(self, session: Session) -> MatchIndex:
        """The index as of the last committed write: refreshed from the events since it was
        built when only a few actors changed, rebuilt when many did."""
        current = self._index
        if current is not None and _unchanged(session, current):
            return current
        with self._lock:
            current = self._index
            if current is not None and _unchanged(session, current):
                return current
            fresher = None
            if current is not None:
                fresher = refresh(session, current, change_mark(session, current.change_mark.floor))
            if fresher is None:
                fresher = self._build(session)
                self.builds += 1
            else:
                self.refreshes += 1
            self._index = fresher
            return fresher


def _unchanged(session: Session, index: MatchIndex) -> bool:
    return change_mark(session, index.change_mark.floor) == index.change_mark
