"""The match index: compact arrays of every actor's terms, fields, place, kind and partners,
built from the database in a few bulk queries, so that scoring one actor against all others is a
handful of vectorised operations."""

import json
import math
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from itertools import chain
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import sqlalchemy as sa
from rapidfuzz import fuzz, process
from sqlalchemy import Connection, func, select
from sqlmodel import Session, col

from radar.geo.privacy import kept_or_shown_point
from radar.matching.normalise import fold
from radar.models.action_field import ActionField
from radar.models.actor import (
    Actor,
    ActorActionField,
    ActorKind,
    ActorTopic,
    Visibility,
)
from radar.models.base import utcnow
from radar.models.event import Event
from radar.models.group import GroupMember, MemberStatus, WorkingGroup
from radar.models.idea import Idea, IdeaParticipant, IdeaTopic
from radar.models.topic import Topic

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int32]

KINDS: tuple[ActorKind, ...] = tuple(ActorKind)
VISIBILITIES: tuple[Visibility, ...] = tuple(Visibility)
# A term the actor names itself weighs 1; one from a joint project it takes part in less, growing
# with the number of such projects but never beyond its own terms. Working groups lend their
# members no topics: joining a group says what one is curious about, not what one does.
_OWN_WEIGHT = 1.0
_PROJECT_WEIGHT = 0.5
# An offer or need written as a longer phrase that contains a topic's name counts this much of
# one naming the topic: below the credit that makes a met need (see `signals.STRONG`).
PHRASE_CREDIT = 0.4
# Co-participants in one idea or joint project are partners. Co-members of a working group are
# not: they share a weak tie, kept apart (`group_members`) and explained as such.
_IDEA_TIE = 1.0


def topic_term(slug: str) -> str:
    return f"topic:{slug}"


def tag_term(tag: str) -> str:
    return f"tag:{fold(tag)}"


class ChangeMark(NamedTuple):
    """What an index was built from: every write records an event in its own transaction, so
    the number (`events`) and the highest sequence number (`highest`) of the events after
    `floor` change with every committed write (also one that took its number before others but
    committed after them)."""

    floor: int
    events: int
    highest: int


# Writes commit within this long of recording their event: events numbered up to the newest one
# older than this are all committed, and the mark need not count them again (the event log only
# grows; counting all of it would cost each match more the longer Radar runs).
SETTLED_AFTER = timedelta(hours=1)


@dataclass
class Csr:
    """Rows of (column, value) pairs: row i is `columns[starts[i]:starts[i + 1]]`."""

    starts: npt.NDArray[np.int64]
    columns: IntArray
    values: FloatArray

    @classmethod
    def from_rows(cls, rows: Sequence[dict[int, float]]) -> "Csr":
        lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
        starts = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lengths, out=starts[1:])
        count = int(starts[-1])
        columns = np.fromiter(chain.from_iterable(rows), dtype=np.int32, count=count)
        values = np.fromiter(
            chain.from_iterable(map(dict.values, rows)), dtype=np.float32, count=count
        )
        return cls(starts=starts, columns=columns, values=values)

    def row(self, i: int) -> tuple[IntArray, FloatArray]:
        start, end = int(self.starts[i]), int(self.starts[i + 1])
        return self.columns[start:end], self.values[start:end]

    def transpose(self, n_columns: int) -> "Csr":
        rows = np.repeat(np.arange(len(self.starts) - 1, dtype=np.int32), np.diff(self.starts))
        order = np.argsort(self.columns, kind="stable")
        counts = np.bincount(self.columns, minlength=n_columns)
        starts = np.zeros(n_columns + 1, dtype=np.int64)
        np.cumsum(counts, out=starts[1:])
        return Csr(starts=starts, columns=rows[order], values=self.values[order])


@dataclass
class MatchIndex:
    """Everything scoring needs, one array entry per actor (position `i`)."""

    ids: list[uuid.UUID]
    names: list[str]
    position: dict[uuid.UUID, int]
    kinds: npt.NDArray[np.int8]
    visibility: npt.NDArray[np.int8]
    districts: list[str | None]
    # Coordinates as every reader but the actor's managers sees them (NaN: none or hidden).
    lat: FloatArray
    lon: FloatArray
    action_fields: npt.NDArray[np.int32]  # bit j set: the actor serves field_slugs[j]
    field_slugs: list[str]
    terms: list[str]  # term id → "topic:slug" or "tag:folded text"
    term_labels: list[str]  # German label (a free tag as written)
    idf: FloatArray
    actor_terms: Csr  # actor → (term, weight)
    term_actors: Csr  # term → (actor, weight), the postings
    norms: FloatArray  # length of each actor's tf-idf vector
    offers: Csr  # actor → (term, worth: 1, or less for a phrase naming a topic)
    seeks: Csr
    offered_by: Csr  # term → (actor, worth)
    sought_by: Csr
    partners: Csr  # actor → (actor, tie strength)
    degree: FloatArray  # number of distinct partners
    change_mark: ChangeMark
    # Who takes part in each idea and (actively) in each group: what a change to one of them
    # touches.
    idea_members: dict[uuid.UUID, frozenset[int]] = field(default_factory=dict)
    group_members: dict[uuid.UUID, frozenset[int]] = field(default_factory=dict)
    # Rows changed since the arrays above were built (incremental refresh): they take
    # precedence over the CSR rows, which hold `base_size` actors; `alive` is False for
    # deleted actors.
    overlay: dict[int, "ActorRow"] = field(default_factory=dict)
    alive: npt.NDArray[np.bool_] = field(default_factory=lambda: np.ones(0, dtype=bool))
    base_size: int = -1
    base_terms: int = -1  # terms the postings (term_actors, offered_by, sought_by) cover
    field_labels: dict[str, tuple[str, str]] = field(default_factory=dict)  # slug → (DE, EN)
    term_labels_en: list[str] = field(default_factory=list)  # English label (a tag as written)
    term_parent: dict[int, int] = field(default_factory=dict)  # topic term → its parent's term
    group_names: dict[uuid.UUID, str] = field(default_factory=dict)
    # What signals derive from the index alone, computed at the first query (per index).
    derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.base_size < 0:
            self.base_size = len(self.ids)
        if self.base_terms < 0:
            self.base_terms = len(self.terms)
        if self.alive.size != len(self.ids):
            self.alive = np.ones(len(self.ids), dtype=bool)

    @property
    def size(self) -> int:
        return len(self.ids)

    @cached_property
    def term_ids(self) -> dict[str, int]:
        """Term text ("topic:slug", "tag:folded") → term id."""
        return {term: i for i, term in enumerate(self.terms)}

    def terms_row(self, i: int) -> tuple[IntArray, FloatArray]:
        """Actor `i`'s (term, weight) pairs."""
        row = self.overlay.get(i)
        return self.actor_terms.row(i) if row is None else row.term_arrays()

    def offers_row(self, i: int) -> IntArray:
        row = self.overlay.get(i)
        return self.offers.row(i)[0] if row is None else _ints(row.offers)

    def seeks_row(self, i: int) -> IntArray:
        row = self.overlay.get(i)
        return self.seeks.row(i)[0] if row is None else _ints(row.seeks)

    def offered(self, i: int) -> dict[int, float]:
        """What actor `i` offers: term → worth (see `_Terms.valued`)."""
        row = self.overlay.get(i)
        if row is not None:
            return dict(row.offers)
        terms, worths = self.offers.row(i)
        return dict(zip(terms.tolist(), worths.tolist(), strict=True))

    def sought(self, i: int) -> dict[int, float]:
        """What actor `i` seeks: term → worth."""
        row = self.overlay.get(i)
        if row is not None:
            return dict(row.seeks)
        terms, worths = self.seeks.row(i)
        return dict(zip(terms.tolist(), worths.tolist(), strict=True))

    def label(self, term: int, *, english: bool = False) -> str:
        """A term's label in German or English (a free tag as it was written)."""
        return (self.term_labels_en if english else self.term_labels)[term]

    def partners_row(self, i: int) -> tuple[IntArray, FloatArray]:
        """Actor `i`'s partners (through joint projects and ideas) and tie strengths."""
        row = self.overlay.get(i)
        if row is None:
            return self.partners.row(i)
        ordered = sorted(row.ties)
        return _ints(ordered), np.array([row.ties[j] for j in ordered], dtype=np.float32)


@dataclass
class ActorRow:
    """One actor's current data, as the index holds it (see `load_rows`)."""

    id: uuid.UUID
    name: str
    kind: int
    visibility: int
    district: str | None
    lat: float
    lon: float
    action_fields: int
    terms: dict[int, float]
    offers: dict[int, float]  # term → worth
    seeks: dict[int, float]
    ties: dict[int, float]

    def term_arrays(self) -> tuple[IntArray, FloatArray]:
        ordered = sorted(self.terms)
        return _ints(ordered), np.array([self.terms[t] for t in ordered], dtype=np.float32)


def _ints(values: Iterable[int]) -> IntArray:
    return np.array(sorted(values), dtype=np.int32)


# Every match reads it: built once (building a statement costs more than running this one) and
# run on the session's connection (so does the ORM's execution path).
_CHANGE_MARK = select(func.count(), func.max(col(Event.seq))).where(
    col(Event.seq) > sa.bindparam("floor")
)


def change_mark(session: Session, floor: int) -> ChangeMark:
    """The mark of the events numbered after `floor`."""
    count, highest = session.connection().execute(_CHANGE_MARK, {"floor": floor}).one()
    return ChangeMark(floor, int(count), int(highest or floor))


def settled_floor(session: Session) -> int:
    """The number of the newest event that is surely committed, as are all before it."""
    floor = session.execute(
        select(func.max(col(Event.seq))).where(col(Event.created_at) <= utcnow() - SETTLED_AFTER)
    ).scalar()
    return int(floor or 0)


class _Terms:
    """Interns terms and remembers a readable label for each, in German and English."""

    def __init__(self, labels: dict[str, tuple[str, str]]) -> None:
        self.ids: dict[str, int] = {}
        self.labels: list[str] = []
        self.labels_en: list[str] = []
        self._topic_labels = labels
        self._raw: dict[str, int | None] = {}  # the same tag is spelt the same way many times
        self.names: dict[str, set[str]] = {}  # slug → its names, folded, without spaces
        self._worths: dict[tuple[str, str], float] = {}

    def topic(self, slug: str) -> int:
        de, en = self._topic_labels.get(slug, (slug, slug))
        return self._intern(topic_term(slug), de, en)

    def tag(self, tag: str) -> int | None:
        if tag not in self._raw:
            key = tag_term(tag)
            self._raw[tag] = None if key == "tag:" else self._intern(key, tag.strip(), tag.strip())
        return self._raw[tag]

    def resolved(self, values: Sequence[str], topics: Sequence[str | None] | None) -> list[int]:
        """The terms of free-text values: the topic each resolved to on write (`topics`, in the
        same order), else the value itself as a free tag."""
        return [term for _, _, term in self._each(values, topics)]

    def valued(
        self, values: Sequence[str], topics: Sequence[str | None] | None
    ) -> dict[int, float]:
        """`resolved` with what each term is worth as an offer or need: 1, or `PHRASE_CREDIT`
        where a longer phrase merely contains the topic's name ("Pilotkunden aus der
        Metallverarbeitung" says more than, and something else than, "Metallverarbeitung")."""
        found: dict[int, float] = {}
        for value, slug, term in self._each(values, topics):
            worth = self._worth(value, slug) if slug else 1.0
            found[term] = max(found.get(term, 0.0), worth)
        return found

    def _each(
        self, values: Sequence[str], topics: Sequence[str | None] | None
    ) -> Iterable[tuple[str, str | None, int]]:
        """(value, the slug it resolved to or None, its term) for each value with a term."""
        if topics is None or len(topics) != len(values):
            topics = [None] * len(values)
        for value, slug in zip(values, topics, strict=True):
            term = self.topic(slug) if slug else self.tag(value)
            if term is not None:
                yield value, slug, term

    def _worth(self, value: str, slug: str) -> float:
        """1 where `value` is (a spelling of) one of the topic's names, `PHRASE_CREDIT` where
        it is a longer text that only contains one."""
        key = (value, slug)
        if key not in self._worths:
            compact = "".join(_words(value))
            names = self.names.get(slug, ())
            named = compact in names or (
                process.extractOne(compact, names, scorer=fuzz.ratio, score_cutoff=85) is not None
            )
            self._worths[key] = 1.0 if named else PHRASE_CREDIT
        return self._worths[key]

    def add_names(self, slug: str, names: Iterable[str]) -> None:
        """A topic's labels and synonyms, which tell a phrase from a name."""
        self.names.setdefault(slug, set()).update("".join(_words(name)) for name in names)

    def _intern(self, key: str, label: str, label_en: str) -> int:
        if key not in self.ids:
            self.ids[key] = len(self.labels)
            self.labels.append(label)
            self.labels_en.append(label_en)
        return self.ids[key]


def _words(text: str) -> list[str]:
    return fold(text).replace("-", " ").split()


def taxonomy_terms(connection: Connection) -> tuple[_Terms, dict[int, int]]:
    """Every taxonomy topic interned as a term (labels in German and English), and each topic
    term's parent term: needs meet offers up and down the tree."""
    topics = connection.execute(
        select(
            col(Topic.slug), col(Topic.label_de), col(Topic.label_en), col(Topic.parent_slug),
            _json_text(Topic.synonyms),
        ).order_by(col(Topic.slug))
    ).all()  # fmt: skip
    terms = _Terms({slug: (de, en) for slug, de, en, *_ in topics})
    for (slug, de, en, _, _), (synonyms,) in zip(topics, _parsed_json(topics, (4,)), strict=True):
        terms.topic(slug)
        terms.add_names(slug, (slug, de, en, *synonyms))
    parents = {terms.topic(slug): terms.topic(parent) for slug, _, _, parent, _ in topics if parent}
    return terms, parents


def build_index(session: Session) -> MatchIndex:
    """The index of every actor, from a handful of bulk queries."""
    mark = change_mark(session, settled_floor(session))
    # Core rows on the session's connection: the ORM's result machinery, enum conversion and a
    # JSON parse per value would cost more than the rest of the build.
    connection = session.connection()
    rows = connection.execute(
        select(
            _key(Actor.id),
            col(Actor.name),
            _text(Actor.kind),
            _text(Actor.visibility),
            col(Actor.district),
            col(Actor.lat),
            col(Actor.lon),
            col(Actor.postcode),
            col(Actor.city),
            _text(Actor.location_precision),
            _json_text(Actor.tags),
            _json_text(Actor.offers),
            _json_text(Actor.seeks),
            col(Actor.shown_lat),
            col(Actor.shown_lon),
            _json_text(Actor.tag_topics),
            _json_text(Actor.offer_topics),
            _json_text(Actor.seek_topics),
        ).order_by(col(Actor.id))
    ).all()
    # Ids are read as their stored text and turned into UUIDs once per actor: converting every
    # id in every link row would cost more than the rest of the build.
    position = {row[0]: i for i, row in enumerate(rows)}
    n = len(rows)
    terms, parents = taxonomy_terms(connection)
    weights: list[dict[int, float]] = [defaultdict(float) for _ in range(n)]
    offers: list[dict[int, float]] = [{} for _ in range(n)]
    seeks: list[dict[int, float]] = [{} for _ in range(n)]
    lat = np.full(n, np.nan, dtype=np.float32)
    lon = np.full(n, np.nan, dtype=np.float32)
    for i, (row, (tags, offered, sought, tag_topics, offer_topics, seek_topics)) in enumerate(
        zip(rows, _parsed_json(rows, (10, 11, 12, 15, 16, 17)), strict=True)
    ):
        for term in terms.resolved(tags, tag_topics):
            weights[i][term] = _OWN_WEIGHT
        offers[i] = terms.valued(offered, offer_topics)
        seeks[i] = terms.valued(sought, seek_topics)
        shown = kept_or_shown_point((row[13], row[14]), row[9], row[5], row[6], row[7], row[8])
        if shown is not None:
            lat[i], lon[i] = shown
    for actor_id, slug in _rows(
        connection, select(_key(ActorTopic.actor_id), col(ActorTopic.topic_slug))
    ):
        weights[position[actor_id]][terms.topic(slug)] = _OWN_WEIGHT
    field_labels = {
        slug: (de, en)
        for slug, de, en in connection.execute(
            select(col(ActionField.slug), col(ActionField.label_de), col(ActionField.label_en))
        )
    }
    field_slugs = sorted(field_labels)
    field_bit = {slug: 1 << j for j, slug in enumerate(field_slugs)}
    fields = np.zeros(n, dtype=np.int32)
    for actor_id, slug in _rows(
        connection, select(_key(ActorActionField.actor_id), col(ActorActionField.action_field_slug))
    ):
        fields[position[actor_id]] |= field_bit[slug]
    ties: list[dict[int, float]] = [defaultdict(float) for _ in range(n)]
    idea_members = _add_idea_signals(connection, position, terms, weights, ties)
    group_members, group_names = _groups(connection, position)

    n_terms = len(terms.labels)
    ids = [uuid.UUID(row[0]) for row in rows]
    actor_terms = Csr.from_rows(weights)
    df = np.bincount(actor_terms.columns, minlength=n_terms).astype(np.float32)
    idf = np.log((n + 1) / (df + 1)).astype(np.float32) + np.float32(1.0)
    weighted = actor_terms.values * idf[actor_terms.columns]
    norms = np.sqrt(
        np.add.reduceat(np.append(weighted**2, 0), actor_terms.starts[:-1])
        * (np.diff(actor_terms.starts) > 0)
    ).astype(np.float32)
    offers_csr, seeks_csr = Csr.from_rows(offers), Csr.from_rows(seeks)
    partners = Csr.from_rows(ties)
    return MatchIndex(
        ids=ids,
        names=[row[1] for row in rows],
        position=dict(zip(ids, range(n), strict=True)),
        kinds=np.array([_KIND_CODE[row[2]] for row in rows], dtype=np.int8),
        visibility=np.array([_VISIBILITY_CODE[row[3]] for row in rows], dtype=np.int8),
        districts=[row[4] for row in rows],
        lat=lat,
        lon=lon,
        action_fields=fields,
        field_slugs=field_slugs,
        terms=list(terms.ids),
        term_labels=terms.labels,
        term_labels_en=terms.labels_en,
        term_parent=parents,
        group_names=group_names,
        idf=idf,
        actor_terms=actor_terms,
        term_actors=actor_terms.transpose(n_terms),
        norms=norms,
        offers=offers_csr,
        seeks=seeks_csr,
        offered_by=offers_csr.transpose(n_terms),
        sought_by=seeks_csr.transpose(n_terms),
        partners=partners,
        degree=np.diff(partners.starts).astype(np.float32),
        change_mark=mark,
        field_labels=field_labels,
        idea_members={uuid.UUID(k): frozenset(v) for k, v in idea_members.items()},
        group_members={uuid.UUID(k): frozenset(v) for k, v in group_members.items()},
    )


_KIND_CODE = {kind.value: i for i, kind in enumerate(KINDS)}
_VISIBILITY_CODE = {visibility.value: i for i, visibility in enumerate(VISIBILITIES)}
_JSON_CHUNK = 20_000
_FETCH = 10_000


def _text(column: Any) -> Any:
    """A column read as the text it holds (an enum's value, not its member)."""
    return sa.type_coerce(col(column), sa.String)


def _json_text(column: Any) -> Any:
    """A JSON column read as its JSON text, parsed in bulk by `_parsed_json`."""
    return sa.cast(col(column), sa.Text)


def _parsed_json(rows: Sequence[Any], columns: Sequence[int]) -> Iterable[list[list[str]]]:
    """Per row, the JSON lists in `columns` (empty for NULL), parsed a chunk of rows at a time:
    one `json.loads` per chunk instead of one per value."""
    for start in range(0, len(rows), _JSON_CHUNK):
        chunk = rows[start : start + _JSON_CHUNK]
        text = ",".join("[" + ",".join(row[c] or "null" for c in columns) + "]" for row in chunk)
        for values in json.loads(f"[{text}]"):
            yield [value or [] for value in values]


def _rows(connection: Connection, statement: Any) -> Iterable[Any]:
    """The rows of a bulk query, fetched many at a time."""
    for partition in connection.execute(statement).partitions(_FETCH):
        yield from partition


def _key(column: Any) -> Any:
    """An id column as its stored text (the same spelling for every column of one database)."""
    return sa.cast(col(column), sa.String)


def _add_idea_signals(
    connection: Connection,
    position: dict[str, int],
    terms: _Terms,
    weights: list[dict[int, float]],
    ties: list[dict[int, float]],
) -> dict[str, set[int]]:
    idea_terms: dict[str, list[int]] = defaultdict(list)
    for idea_id, slug in _rows(
        connection, select(_key(IdeaTopic.idea_id), col(IdeaTopic.topic_slug))
    ):
        idea_terms[idea_id].append(terms.topic(slug))
    # The actor that brought an idea in takes part in it, listed as participant or not.
    members: dict[str, set[int]] = defaultdict(set)
    ideas = connection.execute(
        select(_key(Idea.id), _json_text(Idea.tags), _key(Idea.owner_id))
    ).all()
    for (idea_id, _, owner_id), (tags,) in zip(ideas, _parsed_json(ideas, (1,)), strict=True):
        idea_terms[idea_id].extend(t for tag in tags if (t := terms.tag(tag)) is not None)
        if owner_id is not None:
            members[idea_id].add(position[owner_id])
    for idea_id, actor_id in _rows(
        connection, select(_key(IdeaParticipant.idea_id), _key(IdeaParticipant.actor_id))
    ):
        members[idea_id].add(position[actor_id])
    for idea_id, participants in members.items():
        ordered = sorted(participants)
        _spread(ordered, idea_terms.get(idea_id, []), _PROJECT_WEIGHT, weights)
        _tie(ordered, _IDEA_TIE, ties)
    return members


def _groups(
    connection: Connection, position: dict[str, int]
) -> tuple[dict[str, list[int]], dict[uuid.UUID, str]]:
    """The active members of every working group, and every group's name."""
    members: dict[str, list[int]] = defaultdict(list)
    for group_id, actor_id in _rows(
        connection,
        select(_key(GroupMember.group_id), _key(GroupMember.actor_id)).where(
            col(GroupMember.status) == MemberStatus.active
        ),
    ):
        members[group_id].append(position[actor_id])
    names = {
        uuid.UUID(group_id): name
        for group_id, name in connection.execute(
            select(_key(WorkingGroup.id), col(WorkingGroup.name))
        )
    }
    return members, names


def _spread(
    actors: Iterable[int], term_ids: Sequence[int], weight: float, weights: list[dict[int, float]]
) -> None:
    for i in actors:
        for term in term_ids:
            weights[i][term] = min(_OWN_WEIGHT, weights[i][term] + weight)


def _tie(actors: Sequence[int], strength: float, ties: list[dict[int, float]]) -> None:
    # A huge consortium says little about each pair in it: ties thin out with its size.
    share = strength / math.log2(1 + max(1, len(actors) - 1))
    for i in actors:
        for j in actors:
            if i != j:
                ties[i][j] += share
