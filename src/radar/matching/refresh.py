"""Refreshing the match index incrementally: the events since it was built name the actors,
ideas and groups that changed; only the actors they touch are read again, and their rows go
into an overlay that takes precedence over the built arrays.

The term weights (idf) stay those of the last full build until the next one, which comes when
the overlay grows past a share of the index."""

import math
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlmodel import Session, col

from radar.geo.privacy import kept_or_shown_point
from radar.matching.index import (
    _IDEA_TIE,
    _OWN_WEIGHT,
    _PROJECT_WEIGHT,
    KINDS,
    VISIBILITIES,
    ActorRow,
    ChangeMark,
    MatchIndex,
    _spread,
    _Terms,
    _tie,
    taxonomy_terms,
)
from radar.models.actor import Actor, ActorActionField, ActorKind, ActorTopic, Visibility
from radar.models.event import Event
from radar.models.group import GroupMember, MemberStatus, WorkingGroup
from radar.models.idea import Idea, IdeaParticipant, IdeaTopic

# Beyond this many changed actors (or this share of the index) a full build is cheaper.
MAX_OVERLAY = 2000
MAX_OVERLAY_SHARE = 0.05
_CHUNK = 500


def refresh(session: Session, index: MatchIndex, mark: ChangeMark) -> MatchIndex | None:
    """The index brought up to `mark` (counted from the index's floor) from the events after
    its own, or None when a full build is due (too much changed, or an event numbered before
    the index's mark committed after it was built)."""
    if mark.floor != index.change_mark.floor:
        return None
    events = session.execute(
        select(col(Event.type), col(Event.entity_type), col(Event.entity_id))
        .where(col(Event.seq) > index.change_mark.highest)
        .order_by(col(Event.seq))
    ).all()
    if mark.events - index.change_mark.events != len(events):
        return None
    touched: set[uuid.UUID] = set()
    deleted: set[uuid.UUID] = set()
    ideas: set[uuid.UUID] = set()
    groups: set[uuid.UUID] = set()
    for kind, entity_type, entity_id in events:
        if entity_type == "actor":
            (deleted if kind == "actor.deleted" else touched).add(entity_id)
        elif entity_type == "idea":
            ideas.add(entity_id)
        elif entity_type == "group":
            groups.add(entity_id)
    idea_members = _idea_members(session, ideas)
    group_members = _group_members(session, groups)
    affected = touched | deleted
    for members in idea_members.values():
        affected |= members
    # A group's members change no actor's row (groups lend no topics and no partners): only
    # the index's member lists follow them.
    before = [index.idea_members.get(i, frozenset()) for i in ideas]
    for d in deleted:
        if (p := index.position.get(d)) is not None:
            before.append(frozenset(index.partners_row(p)[0].tolist()))
    affected |= {index.ids[p] for members in before for p in members}
    limit = min(MAX_OVERLAY, max(50, int(index.base_size * MAX_OVERLAY_SHARE)))
    if len(affected | {index.ids[p] for p in index.overlay}) > limit:
        return None
    return _patched(session, index, mark, affected, idea_members, group_members)


def _patched(
    session: Session,
    index: MatchIndex,
    mark: ChangeMark,
    affected: set[uuid.UUID],
    idea_members: dict[uuid.UUID, set[uuid.UUID]],
    group_members: dict[uuid.UUID, set[uuid.UUID]],
) -> MatchIndex:
    position = dict(index.position)
    existing = _existing(session, affected)
    ids = list(index.ids)
    for actor_id in sorted(existing - position.keys()):
        position[actor_id] = len(ids)
        ids.append(actor_id)
    terms, _ = taxonomy_terms(session.connection())  # labels and names; the ids are the index's
    terms.ids = dict(index.term_ids)
    terms.labels = list(index.term_labels)
    terms.labels_en = list(index.term_labels_en)
    field_bit = {slug: 1 << j for j, slug in enumerate(index.field_slugs)}
    rows = load_rows(session, sorted(existing), position, terms, field_bit)
    n = len(ids)
    grow = n - index.size
    names = index.names + [""] * grow
    districts = index.districts + [None] * grow
    kinds = np.append(index.kinds, np.zeros(grow, dtype=np.int8))
    visibility = np.append(index.visibility, np.zeros(grow, dtype=np.int8))
    lat = np.append(index.lat, np.full(grow, np.nan, dtype=np.float32))
    lon = np.append(index.lon, np.full(grow, np.nan, dtype=np.float32))
    fields = np.append(index.action_fields, np.zeros(grow, dtype=np.int32))
    degree = np.append(index.degree, np.zeros(grow, dtype=np.float32))
    norms = np.append(index.norms, np.zeros(grow, dtype=np.float32))
    alive = np.append(index.alive, np.ones(grow, dtype=bool))
    # A term first seen since the build counts as rare (df 1) until the next build.
    new_terms = len(terms.labels) - len(index.terms)
    rare = np.float32(math.log((index.base_size + 1) / 2) + 1)
    idf = np.append(index.idf, np.full(new_terms, rare, dtype=np.float32))
    overlay = dict(index.overlay)
    for actor_id in affected - existing:  # deleted
        if (p := position.get(actor_id)) is not None:
            alive[p] = False
            overlay[p] = _empty_row(actor_id)
            degree[p] = norms[p] = 0.0
    for p, row in rows.items():
        overlay[p] = row
        names[p], districts[p] = row.name, row.district
        kinds[p], visibility[p] = row.kind, row.visibility
        lat[p], lon[p] = row.lat, row.lon
        fields[p] = row.action_fields
        degree[p] = len(row.ties)
        norms[p] = math.sqrt(sum((w * float(idf[t])) ** 2 for t, w in row.terms.items()))
        alive[p] = True
    ideas_now = dict(index.idea_members)
    for idea_id, members in idea_members.items():
        ideas_now[idea_id] = frozenset(position[m] for m in members if m in position)
    groups_now = dict(index.group_members)
    group_names = dict(index.group_names)
    for group_id, members in group_members.items():
        groups_now[group_id] = frozenset(position[m] for m in members if m in position)
    for group_id, name in _in(
        session, select(col(WorkingGroup.id), col(WorkingGroup.name)), col(WorkingGroup.id),
        set(group_members),
    ):  # fmt: skip
        group_names[group_id] = name
    return MatchIndex(
        ids=ids,
        names=names,
        position=position,
        kinds=kinds,
        visibility=visibility,
        districts=districts,
        lat=lat,
        lon=lon,
        action_fields=fields,
        field_slugs=index.field_slugs,
        terms=list(terms.ids),
        term_labels=terms.labels,
        term_labels_en=terms.labels_en,
        term_parent=index.term_parent,
        group_names=group_names,
        idf=idf,
        actor_terms=index.actor_terms,
        term_actors=index.term_actors,
        norms=norms,
        offers=index.offers,
        seeks=index.seeks,
        offered_by=index.offered_by,
        sought_by=index.sought_by,
        partners=index.partners,
        degree=degree,
        change_mark=mark,
        idea_members=ideas_now,
        group_members=groups_now,
        overlay=overlay,
        alive=alive,
        base_size=index.base_size,
        base_terms=index.base_terms,
        field_labels=index.field_labels,
    )


def load_rows(
    session: Session,
    actor_ids: Sequence[uuid.UUID],
    position: dict[uuid.UUID, int],
    terms: _Terms,
    field_bit: dict[str, int],
) -> dict[int, ActorRow]:
    """The current rows of these actors, as a full build would make them: their own topics,
    tags, offers, seeks (as resolved on write), fields and shown place, the terms of the ideas
    they take part in, and their ties to everyone they share one with."""
    rows: dict[int, ActorRow] = {}
    wanted = set(actor_ids)
    for chunk in _chunks(actor_ids):
        for r in session.execute(
            select(
                col(Actor.id), col(Actor.name), col(Actor.kind), col(Actor.visibility),
                col(Actor.district), col(Actor.lat), col(Actor.lon), col(Actor.postcode),
                col(Actor.city), col(Actor.location_precision), col(Actor.tags),
                col(Actor.offers), col(Actor.seeks), col(Actor.shown_lat), col(Actor.shown_lon),
                col(Actor.tag_topics), col(Actor.offer_topics), col(Actor.seek_topics),
            ).where(col(Actor.id).in_(chunk))
        ):  # fmt: skip
            shown = kept_or_shown_point((r[13], r[14]), r[9], r[5], r[6], r[7], r[8])
            rows[position[r[0]]] = ActorRow(
                id=r[0],
                name=r[1],
                kind=KINDS.index(ActorKind(r[2])),
                visibility=VISIBILITIES.index(Visibility(r[3])),
                district=r[4],
                lat=float("nan") if shown is None else shown[0],
                lon=float("nan") if shown is None else shown[1],
                action_fields=0,
                terms=dict.fromkeys(terms.resolved(r[10] or [], r[15]), _OWN_WEIGHT),
                offers=terms.valued(r[11] or [], r[16]),
                seeks=terms.valued(r[12] or [], r[17]),
                ties={},
            )
        for actor_id, slug in session.execute(
            select(col(ActorTopic.actor_id), col(ActorTopic.topic_slug)).where(
                col(ActorTopic.actor_id).in_(chunk)
            )
        ):
            rows[position[actor_id]].terms[terms.topic(slug)] = _OWN_WEIGHT
        for actor_id, slug in session.execute(
            select(col(ActorActionField.actor_id), col(ActorActionField.action_field_slug)).where(
                col(ActorActionField.actor_id).in_(chunk)
            )
        ):
            rows[position[actor_id]].action_fields |= field_bit.get(slug, 0)
    weights: defaultdict[int, defaultdict[int, float]] = defaultdict(lambda: defaultdict(float))
    ties: defaultdict[int, defaultdict[int, float]] = defaultdict(lambda: defaultdict(float))
    for p, row in rows.items():
        weights[p].update(row.terms)
    ideas = _ideas_of(session, wanted)
    idea_terms: dict[uuid.UUID, list[int]] = defaultdict(list)
    for idea_id, slug in _in(session, select(col(IdeaTopic.idea_id), col(IdeaTopic.topic_slug)),
                             col(IdeaTopic.idea_id), ideas):  # fmt: skip
        idea_terms[idea_id].append(terms.topic(slug))
    for idea_id, tags in _in(session, select(col(Idea.id), col(Idea.tags)), col(Idea.id), ideas):
        idea_terms[idea_id].extend(t for tag in tags or [] if (t := terms.tag(tag)) is not None)
    for idea_id, members in _idea_members(session, ideas).items():
        ordered = sorted(position[m] for m in members if m in position)
        _spread(ordered, idea_terms.get(idea_id, []), _PROJECT_WEIGHT, weights)  # type: ignore[arg-type]
        _tie(ordered, _IDEA_TIE, ties)  # type: ignore[arg-type]
    for p, row in rows.items():
        row.terms = dict(weights[p])
        row.ties = dict(ties[p])
    return rows


def _existing(session: Session, actor_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    found: set[uuid.UUID] = set()
    for chunk in _chunks(sorted(actor_ids)):
        found |= set(
            session.execute(select(col(Actor.id)).where(col(Actor.id).in_(chunk))).scalars()
        )
    return found


def _ideas_of(session: Session, actor_ids: set[uuid.UUID]) -> set[uuid.UUID]:
    ideas: set[uuid.UUID] = set()
    for chunk in _chunks(sorted(actor_ids)):
        ideas |= set(
            session.execute(
                select(col(IdeaParticipant.idea_id)).where(col(IdeaParticipant.actor_id).in_(chunk))
            ).scalars()
        )
        ideas |= set(
            session.execute(select(col(Idea.id)).where(col(Idea.owner_id).in_(chunk))).scalars()
        )
    return ideas


def _idea_members(session: Session, ideas: set[uuid.UUID]) -> dict[uuid.UUID, set[uuid.UUID]]:
    """Who takes part in each idea now: its participants and the actor that brought it in."""
    members: dict[uuid.UUID, set[uuid.UUID]] = {idea_id: set() for idea_id in ideas}
    for idea_id, owner_id in _in(session, select(col(Idea.id), col(Idea.owner_id)),
                                 col(Idea.id), ideas):  # fmt: skip
        if owner_id is not None:
            members[idea_id].add(owner_id)
    for idea_id, actor_id in _in(
        session, select(col(IdeaParticipant.idea_id), col(IdeaParticipant.actor_id)),
        col(IdeaParticipant.idea_id), ideas,
    ):  # fmt: skip
        members[idea_id].add(actor_id)
    return members


def _group_members(session: Session, groups: set[uuid.UUID]) -> dict[uuid.UUID, set[uuid.UUID]]:
    """The active members of each group now."""
    members: dict[uuid.UUID, set[uuid.UUID]] = {group_id: set() for group_id in groups}
    statement = select(col(GroupMember.group_id), col(GroupMember.actor_id)).where(
        col(GroupMember.status) == MemberStatus.active
    )
    for group_id, actor_id in _in(session, statement, col(GroupMember.group_id), groups):
        members[group_id].add(actor_id)
    return members


def _in(session: Session, statement: Any, column: Any, values: set[uuid.UUID]) -> list[Any]:
    """`statement` for `column` in `values`, in chunks that every database takes."""
    rows: list[Any] = []
    for chunk in _chunks(sorted(values)):
        rows += session.execute(statement.where(column.in_(chunk))).all()
    return rows


def _chunks(values: Sequence[uuid.UUID]) -> Iterable[list[uuid.UUID]]:
    for start in range(0, len(values), _CHUNK):
        yield list(values[start : start + _CHUNK])


def _empty_row(actor_id: uuid.UUID) -> ActorRow:
    return ActorRow(
        id=actor_id, name="", kind=0, visibility=0, district=None, lat=float("nan"),
        lon=float("nan"), action_fields=0, terms={}, offers={}, seeks={}, ties={},
    )  # fmt: skip
