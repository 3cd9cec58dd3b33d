"""What statistics count that the match index does not hold — each actor's topics, country and
month of creation, who takes part in each idea since when — read in a few bulk queries once per
version of the index (every write makes a new one), so that each statistic is array work."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import sqlalchemy as sa
from sqlmodel import Session, col

from radar.matching.index import MatchIndex
from radar.models.actor import Actor, ActorTopic
from radar.models.group import GroupActionField, GroupMember, MemberStatus, WorkingGroup
from radar.models.idea import Idea, IdeaActionField, IdeaParticipant
from radar.models.news import News

Codes = npt.NDArray[np.int64]
_KEY = "statistics_snapshot"


@dataclass(frozen=True)
class Snapshot:
    """Per indexed actor (by position) and per idea, as codes into the value lists."""

    position: dict[str, int]  # actor id, as the database spells it (`id_text`) → position
    months: list[str]  # every month anything here happened in, sorted (`YYYY-MM`)
    created: Codes  # actor → month it was created (-1: not in the database)
    countries: list[str | None]
    country: Codes  # actor → country
    topics: list[str]  # slugs, sorted
    topic_actor: Codes  # (actor, topic) link rows
    topic: Codes
    idea_created: Codes  # per idea: the month it was created
    idea_district: list[str | None]
    idea_fields: Codes  # per idea: bit j set for the index's field_slugs[j]
    taker_idea: Codes  # (idea, actor, month) of everyone taking part: the owner from
    taker_actor: Codes  # the idea's creation, a participant from joining
    taker_month: Codes
    group_created: Codes  # per working group: the month it was created
    group_fields: Codes  # per group: bit j set for the index's field_slugs[j]
    member_group: Codes  # (group, actor, month) of every active membership
    member_actor: Codes
    member_month: Codes
    news_author: Codes  # per news item: its author (-1: none, or not indexed)
    news_month: Codes  # the month it was published


def snapshot(session: Session, index: MatchIndex) -> Snapshot:
    """The snapshot of `index`'s version, read once and kept with the index."""
    found = index.derived.get(_KEY)
    if not isinstance(found, Snapshot):
        found = _read(session, index)
        index.derived[_KEY] = found
    return found


def _read(session: Session, index: MatchIndex) -> Snapshot:
    month = month_of(session)
    rows = _rows(session)
    actors = rows(sa.select(id_text(Actor.id), month(col(Actor.created_at)), col(Actor.country)))
    position = text_positions(session, index)
    ideas = rows(
        sa.select(
            id_text(Idea.id),
            month(col(Idea.created_at)),
            id_text(Idea.owner_id),
            col(Idea.district),
        )
    )
    participants = rows(
        sa.select(
            id_text(IdeaParticipant.idea_id),
            id_text(IdeaParticipant.actor_id),
            month(col(IdeaParticipant.joined_at)),
        )
    )
    groups = rows(sa.select(id_text(WorkingGroup.id), month(col(WorkingGroup.created_at))))
    members = rows(
        sa.select(
            id_text(GroupMember.group_id),
            id_text(GroupMember.actor_id),
            month(col(GroupMember.joined_at)),
        ).where(col(GroupMember.status) == MemberStatus.active)
    )
    news = rows(sa.select(id_text(News.author_id), month(col(News.published_at))))
    months = sorted(
        {m for _, m, _ in actors}
        | {m for _, m, _, _ in ideas}
        | {m for *_, m in participants}
        | {m for _, m in groups}
        | {m for *_, m in members}
        | {m for _, m in news}
    )
    month_code = {m: i for i, m in enumerate(months)}
    created = np.full(index.size, -1, dtype=np.int64)
    countries = sorted({c for *_, c in actors if c is not None})
    country_code: dict[str | None, int] = {c: i for i, c in enumerate(countries)}
    country = np.full(index.size, len(countries), dtype=np.int64)
    for key, when, land in actors:
        if (p := position.get(key)) is not None:
            created[p], country[p] = month_code[when], country_code.get(land, len(countries))
    links = rows(sa.select(id_text(ActorTopic.actor_id), col(ActorTopic.topic_slug)))
    owners, slugs = [], []
    for key, slug in links:
        if (p := position.get(key)) is not None:
            owners.append(p)
            slugs.append(slug)
    topics = sorted(set(slugs))
    topic_code = {slug: i for i, slug in enumerate(topics)}
    idea_code = {key: i for i, (key, *_) in enumerate(ideas)}
    field_bit = {slug: 1 << j for j, slug in enumerate(index.field_slugs)}
    idea_fields = np.zeros(len(ideas), dtype=np.int64)
    for key, slug in rows(
        sa.select(id_text(IdeaActionField.idea_id), col(IdeaActionField.action_field_slug))
    ):
        idea_fields[idea_code[key]] |= field_bit.get(slug, 0)
    takers = [
        (i, position.get(owner), month_code[when])
        for i, (_, when, owner, _) in enumerate(ideas)
        if owner is not None
    ]
    takers += [
        (idea_code[idea], position.get(actor), month_code[when])
        for idea, actor, when in participants
    ]
    takers = [taker for taker in takers if taker[1] is not None]
    taker = np.array(takers, dtype=np.int64).reshape(-1, 3)
    group_code = {key: i for i, (key, _) in enumerate(groups)}
    group_fields = np.zeros(len(groups), dtype=np.int64)
    for key, slug in rows(
        sa.select(id_text(GroupActionField.group_id), col(GroupActionField.action_field_slug))
    ):
        group_fields[group_code[key]] |= field_bit.get(slug, 0)
    membership = np.array(
        [
            (group_code[group], p, month_code[when])
            for group, actor, when in members
            if (p := position.get(actor)) is not None
        ],
        dtype=np.int64,
    ).reshape(-1, 3)
    authors = [position.get(author) if author else None for author, _ in news]
    return Snapshot(
        position=position,
        months=months,
        created=created,
        countries=[*countries, None],
        country=country,
        topics=topics,
        topic_actor=np.array(owners, dtype=np.int64),
        topic=np.array([topic_code[slug] for slug in slugs], dtype=np.int64),
        idea_created=np.array([month_code[when] for _, when, _, _ in ideas], dtype=np.int64),
        idea_district=[district for *_, district in ideas],
        idea_fields=idea_fields,
        taker_idea=taker[:, 0],
        taker_actor=taker[:, 1],
        taker_month=taker[:, 2],
        group_created=np.array([month_code[when] for _, when in groups], dtype=np.int64),
        group_fields=group_fields,
        member_group=membership[:, 0],
        member_actor=membership[:, 1],
        member_month=membership[:, 2],
        news_author=np.array([-1 if a is None else a for a in authors], dtype=np.int64),
        news_month=np.array([month_code[when] for _, when in news], dtype=np.int64),
    )


def text_positions(session: Session, index: MatchIndex) -> dict[str, int]:
    """The index's positions by actor id as `id_text` spells it in this database (PostgreSQL:
    the dashed form; SQLite, which stores a UUID as 32 hex digits: those), without parsing
    100,000 ids back into UUIDs; made once per version of the index."""
    found = index.derived.get(_POSITIONS)
    if not isinstance(found, dict):
        spell = str if session.get_bind().dialect.name == "postgresql" else (lambda key: key.hex)
        found = {spell(key): p for key, p in index.position.items()}
        index.derived[_POSITIONS] = found
    return found


_POSITIONS = "statistics_text_positions"


def _rows(session: Session) -> Callable[[Any], list[tuple[Any, ...]]]:
    """Run a select without parameters on the driver's cursor: plain tuples, skipping the
    per-row work of SQLAlchemy's result objects (half the time of reading 300,000 rows)."""
    connection = session.connection()
    dialect = connection.dialect

    def rows(statement: Any) -> list[tuple[Any, ...]]:
        sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
        cursor = connection.connection.cursor()
        try:
            cursor.execute(sql)
            return list(cursor.fetchall())
        finally:
            cursor.close()

    return rows


def id_text(column: Any) -> Any:
    """An id column as its stored text, the spelling `uuid.UUID` reads (and `position`'s)."""
    return sa.cast(col(column), sa.String)


def month_of(session: Session) -> Callable[[Any], Any]:
    """`YYYY-MM` of a stored time, in UTC, in the database's own dialect."""
    if session.get_bind().dialect.name == "postgresql":
        return lambda column: sa.func.to_char(sa.func.timezone("UTC", column), "YYYY-MM")
    return lambda column: sa.func.strftime("%Y-%m", column)
