"""News items: publish, read, list, update, delete — each write with its domain event, each
read showing the author only to those who may see it."""

import uuid
from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col

from radar.errors import FieldError, InvalidInput, NotFound
from radar.models.actor import Actor
from radar.models.base import utcnow
from radar.models.news import (
    News,
    NewsCreate,
    NewsListPublic,
    NewsPublic,
    NewsTopic,
    NewsUpdate,
)
from radar.services import taxonomy
from radar.services.access import (
    Principal,
    require_manager,
    require_own_actor,
    visible_actor,
    visible_actor_ids,
)
from radar.services.common import (
    ExpectedVersion,
    PageRequest,
    check_version,
    fetch_page,
    flush_or_conflict,
    linked_to,
    matches_text,
    text_search_value,
    touch,
    updated_since_filter,
)
from radar.services.events import record_event

NEWS_SORTS = {
    "-published_at": (col(News.published_at).desc(), col(News.id)),
    "published_at": (col(News.published_at), col(News.id)),
    "title": (col(News.title), col(News.id)),
    "-updated_at": (col(News.updated_at).desc(), col(News.id)),
}
_LINKED_FIELDS = {"topics"}


def news_public(news: News, *, visible: Collection[uuid.UUID] | None = None) -> NewsPublic:
    """The API shape of a news item (slugs for its topics); with `visible`, an author outside
    that set appears as null."""
    author_id = news.author_id if visible is None or news.author_id in visible else None
    return NewsPublic.model_validate(
        news,
        update={"author_id": author_id, "topics": sorted(topic.slug for topic in news.topics)},
    )


def news_seen_by(session: Session, principal: Principal, news: News) -> NewsPublic:
    """The news item as `principal` may see it."""
    authors = [news.author_id] if news.author_id is not None else []
    return news_public(news, visible=visible_actor_ids(session, principal, authors))


def get_news(session: Session, *, news_id: uuid.UUID, for_update: bool = False) -> News:
    """The news item with this id, or NotFound."""
    news = session.get(News, news_id, with_for_update=for_update)
    if news is None:
        raise NotFound(f"No news item with id {news_id}")
    return news


def create_news(session: Session, *, data: NewsCreate, principal: Principal) -> NewsPublic:
    """Publish a news item from validated input; records `news.published`. Members publish for
    an author they manage; admins for any author, or none."""
    require_own_actor(principal, data.author_id, field="author_id")
    _require_author(session, data.author_id)
    published_at = utcnow() if data.published_at is None else data.published_at.astimezone(UTC)
    news = News.model_validate(
        data.model_dump(exclude=_LINKED_FIELDS), update={"published_at": published_at}
    )
    news.topics = taxonomy.resolve_topics(session, data.topics, loc=("body", "topics"))
    _refresh_search_text(news)
    session.add(news)
    flush_or_conflict(session, "news item")
    _record(session, "news.published", news_public(news))
    return news_seen_by(session, principal, news)


def list_news(
    session: Session,
    *,
    principal: Principal,
    page: PageRequest,
    topics: Sequence[str] = (),
    author_id: uuid.UUID | None = None,
    q: str | None = None,
    updated_since: datetime | None = None,
    published_since: datetime | None = None,
    published_until: datetime | None = None,
    sort: str = "-published_at",
) -> NewsListPublic:
    """One page of news matching every given filter, as `principal` may see it; the published
    window includes its ends."""
    statement = select(News).options(selectinload(News.topics))  # type: ignore[arg-type]
    if topics:
        topics = taxonomy.topic_filter(session, topics, loc=("query", "topic"))
        statement = statement.where(
            linked_to(News.id, NewsTopic.news_id, NewsTopic.topic_slug, topics)
        )
    if author_id is not None:
        statement = statement.where(col(News.author_id).in_(visible_actor(principal, author_id)))
    if q:
        statement = statement.where(matches_text(News.search_text, q))
    if published_since is not None:
        statement = statement.where(col(News.published_at) >= published_since)
    if published_until is not None:
        statement = statement.where(col(News.published_at) <= published_until)
    statement = statement.where(*updated_since_filter(News.updated_at, updated_since))
    statement = statement.order_by(*NEWS_SORTS[sort])
    rows, total = fetch_page(session, statement, page)
    authors = {news.author_id for news in rows if news.author_id is not None}
    visible = visible_actor_ids(session, principal, authors)
    return NewsListPublic(
        data=[news_public(news, visible=visible) for news in rows],
        count=total,
        limit=page.limit,
        offset=page.offset,
    )


def read_news(session: Session, *, news_id: uuid.UUID, principal: Principal) -> NewsPublic:
    """One news item in its API shape, as `principal` may see it."""
    return news_seen_by(session, principal, get_news(session, news_id=news_id))


def update_news(
    session: Session,
    *,
    news_id: uuid.UUID,
    data: NewsUpdate,
    principal: Principal,
    expected_version: ExpectedVersion = None,
) -> NewsPublic:
    """Apply the fields present in `data` (admins, or managers of the author, who may hand the
    item only to another actor they manage); 412 when `expected_version` is stale."""
    news = get_news(session, news_id=news_id, for_update=True)
    require_manager(principal, news.author_id, what="news item")
    check_version(current=news.version, expected=expected_version)
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    if "author_id" in changes:
        require_own_actor(principal, changes["author_id"], field="author_id")
        _require_author(session, changes["author_id"])
    if "published_at" in changes:
        changes["published_at"] = changes["published_at"].astimezone(UTC)
    if "topics" in changes:
        news.topics = taxonomy.resolve_topics(session, changes["topics"], loc=("body", "topics"))
    news.sqlmodel_update({k: v for k, v in changes.items() if k not in _LINKED_FIELDS})
    _refresh_search_text(news)
    touch(news)
    flush_or_conflict(session, "news item")
    _record(session, "news.updated", news_public(news))
    return news_seen_by(session, principal, news)


def delete_news(
    session: Session,
    *,
    news_id: uuid.UUID,
    principal: Principal,
    expected_version: ExpectedVersion = None,
) -> None:
    """Delete a news item (admins, or managers of the author); records `news.deleted`."""
    news = get_news(session, news_id=news_id, for_update=True)
    require_manager(principal, news.author_id, what="news item")
    check_version(current=news.version, expected=expected_version)
    public = news_public(news)
    session.delete(news)
    session.flush()
    _record(session, "news.deleted", public)


def detach_author(session: Session, *, actor_id: uuid.UUID) -> None:
    """Clear an actor's authorship of its news, each with `news.updated`."""
    statement = (
        select(News).where(col(News.author_id) == actor_id).order_by(col(News.id)).with_for_update()
    )
    for news in session.execute(statement).scalars().all():
        news.author_id = None
        touch(news)
        session.flush()
        _record(session, "news.updated", news_public(news))


def _require_author(session: Session, author_id: uuid.UUID | None) -> None:
    if author_id is not None and session.get(Actor, author_id) is None:
        raise InvalidInput(
            [
                FieldError(
                    loc=("body", "author_id"),
                    message=f"No actor with id {author_id}",
                    type="unknown_actor",
                )
            ]
        )


def _refresh_search_text(news: News) -> None:
    news.search_text = text_search_value(news.title, news.body)


def _record(session: Session, event_type: str, public: NewsPublic) -> None:
    record_event(
        session,
        type=event_type,
        entity_type="news",
        entity_id=public.id,
        payload=public.model_dump(mode="json"),
    )
