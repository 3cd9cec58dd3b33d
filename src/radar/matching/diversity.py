"""Suggestion lists that cover different needs before they repeat one, and that do not hand the
same sought-after actor to everybody: a re-rank among the actors that meet needs (they stay
ahead of those meeting none)."""

import heapq

import numpy as np
import numpy.typing as npt

from radar.matching.engine import ActorScores, top_positions
from radar.matching.index import FloatArray, MatchIndex
from radar.matching.signals import FAR_KM, STRONG

# Candidates looked at per suggestion returned.
POOL_FACTOR = 3
# What a suggestion loses in the order (not in its score) for each one above it whose main
# need is the same: enough to let an offerer of another need come first when the two are
# close, not enough to lift a weak match over a strong one.
REPEAT_PENALTY = 0.05
# What a suggestion loses in the order per e-fold of the needs it could meet or have met across
# the index: of two that meet needs about equally, the one with fewer other takers first, so
# that an actor wanted by everybody does not top every list (popularity damping, order only).
SOUGHT_AFTER = 0.01


def diversified_top(
    index: MatchIndex, scores: ActorScores, allowed: npt.NDArray[np.bool_], limit: int
) -> list[int]:
    """The `limit` best allowed actors by score, re-ranked where needs are met: those meeting
    a need within `FAR_KM` (either way) come first, and among them one whose main need — the
    one it meets best — no suggestion above meets as well yet moves ahead of one repeating it
    (of two offerers of the same thing and one of another, the list shows one of each first),
    and of two close ones, the one fewer others could take comes first."""
    tier = (scores.best_need >= np.float32(STRONG)) & ~(scores.distances_km > np.float32(FAR_KM))
    pool = top_positions(scores.total, allowed, max(limit * POOL_FACTOR, limit + 10))
    at = np.array(pool, dtype=np.intp)
    if at.size <= 1 or not tier[at].any():
        return pool[:limit]
    in_tier = tier[at].tolist()
    mains = np.where(tier[at], scores.main_need[at], -1).tolist()
    base = (scores.total[at] - np.float32(SOUGHT_AFTER) * needs_reach(index)[at]).tolist()
    # Best first: a heap of (not in the tier, −order value, position). Values only fall (a
    # suggestion above met the same main need), so an entry popped with a stale value goes back
    # in with its current one (lazy greedy: the same order as pushing at every fall, for fewer
    # pushes).
    value = base
    heap = [(not t, -b, j) for j, (t, b) in enumerate(zip(in_tier, base, strict=True))]
    heapq.heapify(heap)
    sharing: dict[int, list[int]] = {}  # main need → the pool entries meeting it best
    for j, need in enumerate(mains):
        if need >= 0:
            sharing.setdefault(need, []).append(j)
    strength = scores.main_value[at].tolist()
    chosen: list[int] = []
    while heap and len(chosen) < limit:
        _, negative, j = heapq.heappop(heap)
        if -negative != value[j]:
            heapq.heappush(heap, (not in_tier[j], -value[j], j))
            continue
        chosen.append(pool[j])
        others = sharing.get(mains[j], [])
        if others:
            others.remove(j)
            for k in others:
                # Only one meeting the need no better than one above repeats it: an offer of
                # what another merely works on is news.
                if strength[k] <= strength[j]:
                    value[k] -= REPEAT_PENALTY
    return chosen


def needs_reach(index: MatchIndex) -> FloatArray:
    """Per actor, the log of how many stated needs across the index its offers could meet and
    how many offers and topics could meet its needs (same terms): the size of its market, which
    decides how many lists it would top. Computed once per index, read-only."""
    cached: FloatArray | None = index.derived.get("needs_reach")
    if cached is None:
        sought = np.diff(index.sought_by.starts).astype(np.float32)
        supplied = np.diff(index.offered_by.starts) + np.diff(index.term_actors.starts)
        reach = _row_sums(index.offers.starts, sought[index.offers.columns])
        reach += _row_sums(index.seeks.starts, supplied.astype(np.float32)[index.seeks.columns])
        cached = np.zeros(index.size, dtype=np.float32)
        cached[: reach.size] = np.log1p(reach)
        cached.setflags(write=False)
        index.derived["needs_reach"] = cached
    return cached


def _row_sums(starts: npt.NDArray[np.int64], values: FloatArray) -> FloatArray:
    sums: FloatArray = np.add.reduceat(np.append(values, np.float32(0)), starts[:-1]) * (
        np.diff(starts) > 0
    )
    return sums.astype(np.float32)
