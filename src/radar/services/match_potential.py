"""Match potential: the promising pairs of a region that are not yet connected, as the matching
engine scores them, summed per pair of districts and per action field, the strongest explained
(by the analysts' pair ranking of `match_pairs`)."""

from collections import defaultdict

import numpy as np
from sqlmodel import Session

from radar.matching import signals
from radar.matching.engine import DEFAULT_TUNING, MatchEngine, Tuning, score_actor, top_positions
from radar.matching.index import MatchIndex
from radar.models.statistics import MatchPotential, PotentialByDistricts, PotentialByField
from radar.services import feedback
from radar.services.access import Principal, require_analyst
from radar.services.match_pairs import PairRanking
from radar.services.matches import field_labels_of, reaches
from radar.services.statistics import (
    NO_FILTERS,
    ActorFilters,
    chosen_positions,
    district_codes,
)

# How many actors one request scores by default: as many as fit in half a second, at what
# scoring one actor against all costs (measured on a 2-core machine: about 4 ms, and 70 ns
# per actor indexed) — every actor of a region of 100, an evenly spread 45 of 100,000.
SCAN_SECONDS = 0.5
SECONDS_PER_SCAN = 0.004
SECONDS_PER_ACTOR = 7e-8
MIN_SCAN = 20


def match_potential(
    session: Session,
    *,
    engine: MatchEngine,
    principal: Principal,
    filters: ActorFilters = NO_FILTERS,
    min_score: float = 0.3,
    limit: int = 20,
    scan: int | None = None,
    tuning: Tuning = DEFAULT_TUNING,
) -> MatchPotential:
    """Unconnected pairs scoring at least `min_score` among the actors `principal` may see
    matching `filters` (analysts and admins), each pair once; at most `scan` actors scored
    (by default as many as fit in `SCAN_SECONDS`), evenly spread over the set."""
    require_analyst(principal)
    index = engine.index(session)
    chosen = chosen_positions(session, index, principal, filters)
    members = np.flatnonzero(chosen)
    cost = SECONDS_PER_SCAN + SECONDS_PER_ACTOR * index.size
    wanted = scan or max(MIN_SCAN, int(SCAN_SECONDS / cost))
    sources = members
    if members.size > wanted:
        sources = np.unique(members[np.linspace(0, members.size - 1, wanted).round().astype(int)])
    is_source = np.zeros(index.size, dtype=bool)
    is_source[sources] = True
    sums = _Sums(index)
    labels = index.field_labels or field_labels_of(session)
    ranking = PairRanking(index, labels, tuning.weights, limit) if limit else None
    groups_of = signals.groups_of(index)
    dismissed = feedback.dismissed_pairs(session, index.position)
    for a in sources.tolist():
        scores = score_actor(
            index, a, weights=tuning.weights, half_distance_km=tuning.half_distance_km
        )
        allowed = chosen.copy()
        allowed[a] = False
        allowed[:a] &= ~is_source[:a]  # a pair of two scanned actors counts from the first
        allowed[index.partners_row(a)[0]] = False
        allowed[dismissed.get(a, [])] = False  # a manager said no: no potential
        for group in groups_of.get(a, ()):
            allowed[list(index.group_members[group])] = False
        allowed &= reaches(scores.total, min_score)
        sums.add(a, np.flatnonzero(allowed), scores.total)
        if ranking is not None:
            ranking.add(a, top_positions(scores.total, allowed, limit), scores)
    return MatchPotential(
        actors=int(members.size),
        scanned=int(sources.size),
        sampled=bool(sources.size < members.size),
        min_score=min_score,
        pairs=sums.pairs,
        districts=sums.by_districts(),
        action_fields=sums.by_field(),
        top=ranking.best() if ranking is not None else [],
    )


class _Sums:
    """Pairs and their scores summed per unordered pair of districts and per shared field."""

    def __init__(self, index: MatchIndex) -> None:
        self.index = index
        self.names, self.codes = district_codes(index)
        size = len(self.names)
        self.district_pairs = np.zeros((size, size), dtype=np.int64)
        self.district_scores = np.zeros((size, size), dtype=np.float64)
        fields = len(index.field_slugs)
        self.field_pairs = np.zeros(fields + 1, dtype=np.int64)  # the last: no field shared
        self.field_scores = np.zeros(fields + 1, dtype=np.float64)
        self.pairs = 0

    def add(self, a: int, others: np.ndarray, totals: np.ndarray) -> None:
        if not others.size:
            return
        scores = totals[others].astype(np.float64)
        mine, theirs = self.codes[a], self.codes[others]
        low, high = np.minimum(mine, theirs), np.maximum(mine, theirs)
        np.add.at(self.district_pairs, (low, high), 1)
        np.add.at(self.district_scores, (low, high), scores)
        shared = self.index.action_fields[others] & self.index.action_fields[a]
        for j in range(self.field_pairs.size - 1):
            has = (shared >> j) & 1 == 1
            self.field_pairs[j] += np.count_nonzero(has)
            self.field_scores[j] += scores[has].sum()
        self.field_pairs[-1] += np.count_nonzero(shared == 0)
        self.field_scores[-1] += scores[shared == 0].sum()
        self.pairs += int(others.size)

    def by_districts(self) -> list[PotentialByDistricts]:
        rows = [
            PotentialByDistricts(
                district_a=self.names[a],
                district_b=self.names[b],
                pairs=int(self.district_pairs[a, b]),
                score_sum=round(float(self.district_scores[a, b]), 4),
            )
            for a, b in zip(*np.nonzero(self.district_pairs), strict=True)
        ]
        return sorted(rows, key=lambda row: (-row.score_sum, -row.pairs))

    def by_field(self) -> list[PotentialByField]:
        slugs: list[str | None] = [*self.index.field_slugs, None]
        found: defaultdict[str | None, list[float]] = defaultdict(lambda: [0, 0.0])
        for j, slug in enumerate(slugs):
            if self.field_pairs[j]:
                found[slug] = [int(self.field_pairs[j]), float(self.field_scores[j])]
        rows = [
            PotentialByField(action_field=slug, pairs=int(pairs), score_sum=round(score, 4))
            for slug, (pairs, score) in found.items()
        ]
        return sorted(rows, key=lambda row: (-row.score_sum, -row.pairs))
