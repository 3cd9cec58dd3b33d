"""Statistics for analysts: counts of the actors a caller may see by one dimension or two, and
what every statistic shares — who may ask, and which actors the filters choose."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import ColumnElement, select
from sqlmodel import Session, col

from radar.matching.engine import MatchEngine
from radar.matching.index import KINDS, MatchIndex
from radar.models.actor import Actor, ActorKind
from radar.models.statistics import (
    ActorDimension,
    ActorStatistics,
    CountBucket,
    CrossCell,
    CrossTable,
)
from radar.models.topic import Topic
from radar.services.access import Principal, require_analyst
from radar.services.actors import actor_filters
from radar.services.matches import BoolArray, visible_mask
from radar.services.statistics_snapshot import Codes, Snapshot, id_text, snapshot, text_positions


@dataclass(frozen=True)
class ActorFilters:
    """The actor list's filters (any value within a filter, every filter at once; a topic
    also matches its subtopics)."""

    topics: Sequence[str] = ()
    action_fields: Sequence[str] = ()
    kinds: Sequence[ActorKind] = ()
    districts: Sequence[str] = ()

    @property
    def given(self) -> bool:
        return bool(self.topics or self.action_fields or self.kinds or self.districts)

    def conditions(self, session: Session) -> list[ColumnElement[bool]]:
        """The SQL conditions of the actor list; 422 for unknown topics or action fields."""
        return actor_filters(
            session,
            topics=self.topics,
            action_fields=self.action_fields,
            kinds=self.kinds,
            districts=self.districts,
        )


NO_FILTERS = ActorFilters()


def chosen_positions(
    session: Session, index: MatchIndex, principal: Principal, filters: ActorFilters
) -> BoolArray:
    """The actors of the match index a statistic counts: those `principal` may see
    (`visible_mask`, the actor list's rule on the index) that match every filter."""
    chosen = visible_mask(index, principal)
    if filters.given:
        position = text_positions(session, index)  # not the whole snapshot
        found = session.execute(select(id_text(Actor.id)).where(*filters.conditions(session)))
        wanted = np.zeros(index.size, dtype=bool)
        wanted[[p for key in found.scalars() if (p := position.get(key)) is not None]] = True
        chosen &= wanted
    return chosen


def district_codes(index: MatchIndex) -> tuple[list[str | None], npt.NDArray[np.int64]]:
    """The districts of the index's actors, sorted (None last), and each actor's district as
    its place in them."""
    found: tuple[list[str | None], npt.NDArray[np.int64]] | None = index.derived.get(
        "district_codes"
    )
    if found is None:
        known = sorted({d for d in index.districts if d is not None})
        code: dict[str | None, int] = {name: i for i, name in enumerate(known)}
        codes = np.array([code.get(d, len(known)) for d in index.districts], dtype=np.int64)
        codes.setflags(write=False)
        found = ([*known, None], codes)
        index.derived["district_codes"] = found
    return found


def count_actors(
    session: Session,
    *,
    engine: MatchEngine,
    principal: Principal,
    group_by: ActorDimension,
    filters: ActorFilters = NO_FILTERS,
) -> ActorStatistics:
    """Counts per group of the actors `principal` may see that match every filter, largest
    group first (ties by key)."""
    index = engine.index(session)
    chosen = chosen_positions(session, index, principal, filters)
    values = _values(index, snapshot(session, index), group_by, chosen, {})
    return ActorStatistics(
        group_by=group_by, total=int(np.count_nonzero(chosen)), data=values.totals()
    )


def cross_table(
    session: Session,
    *,
    engine: MatchEngine,
    principal: Principal,
    rows: ActorDimension,
    columns: ActorDimension,
    roll_up: bool = False,
    filters: ActorFilters = NO_FILTERS,
) -> CrossTable:
    """The actors `principal` may see matching `filters`, counted by two dimensions (analysts
    and admins); with `roll_up`, topics count under their top-level topic. A dimension against
    itself counts which values go together (topic × topic: actors with both topics)."""
    require_analyst(principal)
    index = engine.index(session)
    chosen = chosen_positions(session, index, principal, filters)
    seen = snapshot(session, index)
    roots = _top_level_topics(session) if roll_up else {}
    row, column = (_values(index, seen, d, chosen, roots) for d in (rows, columns))
    cells: Codes
    if row.single or column.single:
        single, other = (row, column) if row.single else (column, row)
        owners, codes = other.pairs()
        pairs = np.stack([single.code[owners], codes])
        if not row.single:
            pairs = pairs[::-1]
        found, counts = _unique_pairs(pairs)
    else:
        found, counts = _crossed(index.size, row, column)
    cells = found
    return CrossTable(
        rows=rows,
        columns=columns,
        roll_up=roll_up,
        total=int(np.count_nonzero(chosen)),
        row_totals=row.totals(),
        column_totals=column.totals(),
        data=sorted(
            (
                CrossCell(row=row.labels[r], column=column.labels[c], count=int(n))
                for (r, c), n in zip(cells.T.tolist(), counts.tolist(), strict=True)
            ),
            key=lambda cell: (*_last_if_none(cell.row), *_last_if_none(cell.column)),
        ),
    )


@dataclass(frozen=True)
class _Values:
    """One dimension's values of the chosen actors: (actor, value) pairs, each pair once;
    `single` when every actor has exactly one (then `code` is per actor)."""

    labels: list[str | None]
    actor: Codes
    code: Codes
    single: bool

    def pairs(self) -> tuple[Codes, Codes]:
        """(actor, value) of every value of every chosen actor."""
        return self.actor, self.code[self.actor] if self.single else self.code

    def totals(self) -> list[CountBucket]:
        counts = np.bincount(
            self.code[self.actor] if self.single else self.code, minlength=len(self.labels)
        )
        return _buckets((self.labels[i], int(n)) for i, n in enumerate(counts.tolist()) if n)


def _values(
    index: MatchIndex,
    seen: Snapshot,
    dimension: ActorDimension,
    chosen: BoolArray,
    roots: dict[str, str],
) -> _Values:
    actors = np.flatnonzero(chosen)
    if dimension is ActorDimension.district:
        districts, per_actor = district_codes(index)
        return _Values(districts, actors, per_actor, single=True)
    if dimension is ActorDimension.kind:
        return _Values([kind.value for kind in KINDS], actors, index.kinds.astype(np.int64), True)
    if dimension is ActorDimension.country:
        return _Values(seen.countries, actors, seen.country, single=True)
    if dimension is ActorDimension.action_field:
        bits = index.action_fields[actors].astype(np.int64)
        owners = [actors[(bits >> j) & 1 == 1] for j in range(len(index.field_slugs))]
        owners.append(actors[bits == 0])
        codes = [np.full(o.size, j, dtype=np.int64) for j, o in enumerate(owners)]
        fields: list[str | None] = [*index.field_slugs, None]
        return _Values(fields, np.concatenate(owners), np.concatenate(codes), single=False)
    keep = chosen[seen.topic_actor]
    owner, topic = seen.topic_actor[keep], seen.topic[keep]
    slugs: list[str | None] = list(seen.topics)
    if roots:
        rolled = sorted({roots.get(slug, slug) for slug in seen.topics})
        at = {slug: i for i, slug in enumerate(rolled)}
        mapping = np.array([at[roots.get(slug, slug)] for slug in seen.topics], dtype=np.int64)
        slugs = list(rolled)
        width = len(rolled) + 1
        kept = np.unique(owner * width + mapping[topic])
        owner, topic = kept // width, kept % width
    has_topic = np.zeros(index.size, dtype=bool)
    has_topic[owner] = True
    without = actors[~has_topic[actors]]
    return _Values(
        [*slugs, None],
        np.concatenate([owner, without]),
        np.concatenate([topic, np.full(without.size, len(slugs), dtype=np.int64)]),
        single=False,
    )


def _unique_pairs(pairs: Codes) -> tuple[Codes, Codes]:
    width = int(pairs[1].max()) + 1 if pairs.size else 1
    keys, counts = np.unique(pairs[0] * width + pairs[1], return_counts=True)
    return np.stack([keys // width, keys % width]), counts


def _crossed(size: int, row: _Values, column: _Values) -> tuple[Codes, Codes]:
    """Cells of two dimensions with several values per actor: for each value of the one
    with fewer, the other's values among the actors having it."""
    few, many = (row, column) if len(row.labels) <= len(column.labels) else (column, row)
    found: list[Codes] = []
    for value in range(len(few.labels)):
        having = np.zeros(size, dtype=bool)
        having[few.actor[few.code == value]] = True
        codes = many.code[having[many.actor]]
        found.append(np.stack([np.full(codes.size, value, dtype=np.int64), codes]))
    pairs = np.concatenate(found, axis=1)
    if few is column:
        pairs = pairs[::-1]
    return _unique_pairs(pairs)


def _top_level_topics(session: Session) -> dict[str, str]:
    """Each topic below the top level → its top-level topic."""
    rows = session.execute(select(col(Topic.slug), col(Topic.parent_slug))).all()
    parents: dict[str, str | None] = {slug: parent for slug, parent in rows if slug}
    roots: dict[str, str] = {}
    for slug in parents:
        root, seen = slug, {slug}
        while (parent := parents.get(root)) is not None and parent not in seen:
            root = parent
            seen.add(root)
        if root != slug:
            roots[slug] = root
    return roots


def _buckets(rows: Iterable[Any]) -> list[CountBucket]:
    """Buckets largest first (ties by key, null last)."""
    buckets = [CountBucket(key=_text(value), count=count) for value, count in rows]
    buckets.sort(key=lambda bucket: (-bucket.count, *_last_if_none(bucket.key)))
    return buckets


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _last_if_none(value: str | None) -> tuple[bool, str]:
    return value is None, value or ""
