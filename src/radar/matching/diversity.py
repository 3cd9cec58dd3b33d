"""Suggestion lists that cover different needs before they repeat one, and that do not hand the
same sought-after actor to everybody: a re-rank among the actors that meet needs (they stay
ahead of those meeting none)."""

import math
from collections import Counter

import numpy as np
import numpy.typing as npt

from radar.matching.engine import ActorScores, top_positions
from radar.matching.explain import Met, met_needs, wants
from radar.matching.index import MatchIndex
from radar.matching.signals import FAR_KM, STRONG, Profile, needs_met_by, related_terms

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
    index: MatchIndex,
    query: Profile,
    scores: ActorScores,
    allowed: npt.NDArray[np.bool_],
    limit: int,
) -> list[int]:
    """The `limit` best allowed actors by score, re-ranked where needs are met: those meeting
    a need within `FAR_KM` (either way) come first, and among them one whose main need — the
    one it meets best — no suggestion above shares yet moves ahead of one repeating it (of two
    offerers of the same thing and one of another, the list shows one of each first), and of
    two close ones, the one fewer others could take comes first."""
    tier = (scores.best_need >= np.float32(STRONG)) & ~(scores.distances_km > np.float32(FAR_KM))
    pool = top_positions(scores.total, allowed, max(limit * POOL_FACTOR, limit + 10))
    if len(pool) <= 1 or not tier[pool].any():
        return pool[:limit]
    pooled = set(pool)
    pool += [c for c in top_positions(scores.total, allowed & ~tier, limit) if c not in pooled]
    mine = wants(query)
    main: dict[int, tuple[bool, int] | None] = {}  # (one of the asker's needs, the need)
    for c in pool:
        main[c] = None
        if tier[c]:
            terms, values = index.terms_row(c)
            knows = dict(zip(terms.tolist(), values.tolist(), strict=True))
            offers, seeks = index.offered(c), index.sought(c)
            met = met_needs(index, mine.seeks, offers, knows, seeks.keys())
            given = met_needs(index, seeks, mine.offers, query.knows, mine.seeks.keys())
            main[c] = _main(met, given)
    reach = {c: math.log1p(needs_reach(index, c)) for c in pool}
    seen: Counter[tuple[bool, int]] = Counter()
    chosen: list[int] = []
    remaining = list(pool)
    while remaining and len(chosen) < limit:

        def key(c: int) -> tuple[bool, float]:
            need, total = main[c], float(scores.total[c]) - SOUGHT_AFTER * reach[c]
            if need is None:
                return bool(tier[c]), total
            return True, total - REPEAT_PENALTY * seen[need]

        best = max(remaining, key=key)  # the first of equals: the pool is in score order
        remaining.remove(best)
        chosen.append(best)
        if (need := main[best]) is not None:
            seen[need] += 1
    return chosen


def needs_reach(index: MatchIndex, c: int) -> int:
    """How many stated needs across the index actor `c`'s offers could meet in full, and how
    many offers and topics could meet its needs: the size of its market, which decides how
    many lists it would top. Counted once per index."""
    cache: dict[int, int] = index.derived.setdefault("needs_reach", {})
    if c not in cache:
        offered = np.diff(index.offered_by.starts)
        sought = np.diff(index.sought_by.starts)
        worked = np.diff(index.term_actors.starts)
        count = 0
        for term in index.offers_row(c).tolist():
            count += sum(
                int(sought[n]) for n, credit in needs_met_by(index, term)
                if credit >= STRONG and n < sought.size
            )  # fmt: skip
        for need in index.seeks_row(c).tolist():
            count += sum(
                int(offered[t]) + int(worked[t]) for t, credit in related_terms(index, need)
                if credit >= STRONG and t < offered.size
            )  # fmt: skip
        cache[c] = count
    return cache[c]


def _main(mine: list[Met], theirs: list[Met]) -> tuple[bool, int] | None:
    """The need a pair meets best: one of the asker's if any is met in full, else theirs."""
    strong = [m for m in mine if m.credit >= STRONG]
    if strong:
        return True, max(strong, key=lambda m: m.weighted).need
    best = max((*mine, *theirs), key=lambda m: m.weighted, default=None)
    return None if best is None else (False, best.need)
