"""Gaps: what the actors of a region seek and offer, term by term, which needs nobody in the
region (or within a distance) meets, and who outside would — read off the match index, so that
a need is met exactly when the matching engine would call it met."""

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlmodel import Session

from radar.matching import signals
from radar.matching.engine import MatchEngine
from radar.matching.index import Csr, IntArray, MatchIndex
from radar.models.statistics import GapRow, Gaps, NearbyActor
from radar.services.access import Principal, require_analyst
from radar.services.matches import BoolArray, visible_mask
from radar.services.statistics import (
    NO_FILTERS,
    ActorFilters,
    chosen_positions,
    district_codes,
)

EARTH_RADIUS_KM = signals.EARTH_DIAMETER_KM / 2
# Distances are taken a block of seekers at a time: at most this many pairs in memory at once.
_BLOCK_PAIRS = 2_000_000
Points = npt.NDArray[np.float64]
Positions = npt.NDArray[np.int64]


def needs_and_offers(
    session: Session,
    *,
    engine: MatchEngine,
    principal: Principal,
    filters: ActorFilters = NO_FILTERS,
    per_district: bool = False,
    within_km: float | None = None,
    nearest: int = 3,
    limit: int = 100,
) -> Gaps:
    """Per term (and district): who inside seeks and offers it, whose needs nobody inside meets
    and the nearest actors outside that would (analysts and admins). Inside: the actors
    `principal` may see matching `filters`."""
    require_analyst(principal)
    index = engine.index(session)
    visible = visible_mask(index, principal)
    inside = chosen_positions(session, index, principal, filters)
    seekers, sought = _term_pairs(index, index.seeks, index.seeks_row, inside)
    offerers, offered = _term_pairs(index, index.offers, index.offers_row, inside)
    names, districts = district_codes(index)
    if not per_district:
        districts = np.zeros(index.size, dtype=np.int64)
    judge = _Judge(index, visible, inside, within_km)
    rows: list[GapRow] = []
    unmet_needs = 0
    offers_by_key = _count_by_key(districts[offerers], offered)
    by_term = _group_by(sought, seekers)
    keys = set(offers_by_key) | {
        (int(d), term) for term, group in by_term.items() for d in np.unique(districts[group])
    }
    for district, term in keys:
        group = by_term.get(term, np.zeros(0, dtype=np.int64))
        group = group[districts[group] == district]
        unmet = judge.unmet(term, group) if group.size else group
        unmet_needs += unmet.size
        rows.append(
            GapRow(
                district=names[district] if per_district else None,
                term=_term_text(index, term),
                topic=index.terms[term].startswith("topic:"),
                label_de=index.label(term),
                label_en=index.label(term, english=True),
                seekers=int(group.size),
                offerers=offers_by_key.get((district, term), 0),
                unmet=int(unmet.size),
                nearest_outside=judge.nearest_outside(term, unmet, nearest) if nearest else [],
            )
        )
    rows.sort(
        key=lambda row: (-row.unmet, -row.seekers, -row.offerers, row.term, *_last(row.district))
    )
    return Gaps(
        per_district=per_district,
        within_km=within_km,
        seekers=int(np.unique(seekers).size),
        needs=int(seekers.size),
        unmet=unmet_needs,
        terms=len(rows),
        data=rows[:limit],
    )


def _term_pairs(
    index: MatchIndex, csr: Csr, row_of: Callable[[int], IntArray], chosen: BoolArray
) -> tuple[Positions, Positions]:
    """(actor, term) of every offer or need (`csr`) of the chosen actors, changed rows from
    the index's overlay."""
    built = len(csr.starts) - 1  # actors added since the build are in the overlay only
    owners = np.repeat(np.arange(built), np.diff(csr.starts))
    keep = chosen[owners]
    for p in index.overlay:
        if p < built:
            keep[csr.starts[p] : csr.starts[p + 1]] = False
    actors, terms = [owners[keep]], [csr.columns[keep].astype(np.int64)]
    for p in sorted(index.overlay):
        if chosen[p]:
            row = row_of(p)
            actors.append(np.full(row.size, p, dtype=np.int64))
            terms.append(row.astype(np.int64))
    return np.concatenate(actors), np.concatenate(terms)


def _last(value: str | None) -> tuple[bool, str]:
    return value is None, value or ""


def _count_by_key(districts: Positions, terms: Positions) -> dict[tuple[int, int], int]:
    if not terms.size:
        return {}
    width = int(terms.max()) + 1
    keys, counts = np.unique(districts * width + terms, return_counts=True)
    return {
        (key // width, key % width): count
        for key, count in zip(keys.tolist(), counts.tolist(), strict=True)
    }


def _group_by(keys: Positions, values: Positions) -> dict[int, Positions]:
    if not keys.size:
        return {}
    order = np.argsort(keys, kind="stable")
    found, starts = np.unique(keys[order], return_index=True)
    return {
        int(key): group
        for key, group in zip(found, np.split(values[order], starts[1:]), strict=True)
    }


def _term_text(index: MatchIndex, term: int) -> str:
    key = index.terms[term]
    return key.removeprefix("topic:") if key.startswith("topic:") else index.label(term)


@dataclass
class _Judge:
    """Decides, need by need, whether anyone inside meets it, and who outside would."""

    index: MatchIndex
    visible: BoolArray
    inside: BoolArray
    within_km: float | None

    def __post_init__(self) -> None:
        self._meeters: dict[int, Positions] = {}
        self._located = ~np.isnan(self.index.lat)

    def meeters(self, need: int) -> Positions:
        """The actors (that the caller may see) meeting a need for `need` in full."""
        found = self._meeters.get(need)
        if found is None:
            found = _meeting(self.index, need)
            found = found[self.visible[found]]
            self._meeters[need] = found
        return found

    def unmet(self, need: int, seekers: Positions) -> Positions:
        """Those of `seekers` whose need nobody inside (near enough) meets."""
        meeters = self.meeters(need)
        meeters = meeters[self.inside[meeters]]
        if meeters.size > 1:
            others = np.ones(seekers.size, dtype=bool)
        else:  # nobody but, perhaps, the seeker itself
            others = np.isin(seekers, meeters, invert=True) & (meeters.size > 0)
        if self.within_km is None:
            return seekers[~others]
        located = self._located[seekers]
        near = meeters[self._located[meeters]]
        met = others & ~located
        reach = math.cos(self.within_km / EARTH_RADIUS_KM)
        for block in _blocks(np.flatnonzero(located), near.size):
            ask = seekers[block]
            close = (_points(self.index, ask) @ _points(self.index, near).T) >= reach
            close &= ask[:, None] != near[None, :]
            met[block] = close.any(axis=1)
        return seekers[~met]

    def nearest_outside(self, need: int, unmet: Positions, count: int) -> list[NearbyActor]:
        """The `count` actors outside meeting the need, nearest to any of the `unmet` seekers
        first (those without a place after, by id)."""
        if not unmet.size:
            return []
        candidates = self.meeters(need)
        if self.within_km is None:
            candidates = candidates[~self.inside[candidates]]
        candidates = candidates[~np.isin(candidates, unmet)]
        if not candidates.size:
            return []
        distances = np.full(candidates.size, np.inf)
        seekers = unmet[self._located[unmet]]
        placed = self._located[candidates]
        if seekers.size:
            around = _points(self.index, seekers).T
            for block in _blocks(np.flatnonzero(placed), seekers.size):
                cosines = (_points(self.index, candidates[block]) @ around).max(axis=1)
                distances[block] = EARTH_RADIUS_KM * np.arccos(np.clip(cosines, -1.0, 1.0))
        ids = [self.index.ids[p].int for p in candidates.tolist()]
        order = np.lexsort((ids, distances))[:count]
        return [self._nearby(int(candidates[i]), float(distances[i])) for i in order]

    def _nearby(self, p: int, distance: float) -> NearbyActor:
        return NearbyActor(
            id=self.index.ids[p],
            name=self.index.names[p],
            district=self.index.districts[p],
            distance_km=round(distance, 1) if math.isfinite(distance) else None,
        )


def _meeting(index: MatchIndex, need: int) -> Positions:
    """The actors meeting a need for `need` in full (`signals.STRONG`), by the engine's rule
    (`signals.best_meet`): offering the term or a closely related topic, or working on the
    topic without seeking it. Only the postings of the related terms are read."""
    related = [(t, v) for t, v in signals.related_terms(index, need) if t < index.base_terms]
    seeking = np.zeros(index.size, dtype=bool)
    if need < index.base_terms:
        seeking[index.sought_by.row(need)[0]] = True
    found: list[npt.NDArray[np.int32]] = [np.zeros(0, dtype=np.int32)]
    for term, credit in related:
        offerers, worths = index.offered_by.row(term)
        found.append(offerers[worths * np.float32(credit) >= signals.STRONG])
        workers, weights = index.term_actors.row(term)
        strong = workers[weights * np.float32(signals.VIA_TOPIC * credit) >= signals.STRONG]
        found.append(strong[~seeking[strong]])
    meeting = np.concatenate(found).astype(np.int64)
    if index.overlay:
        changed = np.zeros(index.size, dtype=bool)
        changed[list(index.overlay)] = True
        meeting = meeting[~changed[meeting]]
        again = [
            p
            for p, row in index.overlay.items()
            if signals.need_credit(index, need, row.offers, row.terms, row.seeks) >= signals.STRONG
        ]
        meeting = np.concatenate([meeting, np.array(again, dtype=np.int64)])
    return np.unique(meeting)


def _blocks(rows: Positions, columns: int) -> Iterator[Positions]:
    """`rows` in blocks of at most `_BLOCK_PAIRS` pairs with `columns` each."""
    if columns:
        size = max(1, _BLOCK_PAIRS // columns)
        for start in range(0, rows.size, size):
            yield rows[start : start + size]


def _points(index: MatchIndex, positions: Positions) -> Points:
    """The places of `positions` as unit vectors (rows), for angles by dot products."""
    phi = np.radians(index.lat[positions].astype(np.float64))
    lam = np.radians(index.lon[positions].astype(np.float64))
    return np.stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)], axis=1)
