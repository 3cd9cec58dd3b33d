"""News items: `/v1/news`."""

import uuid
from typing import Annotated, Literal

from fastapi import Query, Request, Response, status

from radar.api.auth import PrincipalDep, authenticated_router
from radar.api.deps import (
    CachedVersionsDep,
    ExpectedVersionDep,
    PageDep,
    SessionDep,
    UpdatedSinceDep,
    with_etag,
)
from radar.api.errors import problems
from radar.models.base import UtcDateTime
from radar.models.news import NewsCreate, NewsListPublic, NewsPublic, NewsUpdate
from radar.services import news as news_service

router = authenticated_router(prefix="/v1/news", tags=["news"])

NewsSort = Literal["-published_at", "published_at", "title", "-updated_at"]


@router.get("", response_model=NewsListPublic, responses=problems(422))
def list_news(
    session: SessionDep,
    principal: PrincipalDep,
    page: PageDep,
    updated_since: UpdatedSinceDep,
    topic: Annotated[list[str], Query(max_length=30, description="Topic slugs (any of).")] = [],  # noqa: B006
    author_id: Annotated[uuid.UUID | None, Query(description="Only news by this actor.")] = None,
    q: Annotated[
        str | None, Query(min_length=1, max_length=200, description="Text in title/body.")
    ] = None,
    published_since: Annotated[
        UtcDateTime | None,
        Query(description="Only news published at or after this time (ISO 8601; UTC if no zone)."),
    ] = None,
    published_until: Annotated[
        UtcDateTime | None,
        Query(description="Only news published at or before this time (ISO 8601; UTC if no zone)."),
    ] = None,
    sort: Annotated[NewsSort, Query(description="Order; ties break by id.")] = "-published_at",
) -> NewsListPublic:
    """List news, newest first by default, filtered and paginated; `count` is the total over
    all pages. An author the caller may not see appears as null and matches no filter."""
    return news_service.list_news(
        session,
        principal=principal,
        page=page,
        topics=topic,
        author_id=author_id,
        q=q,
        updated_since=updated_since,
        published_since=published_since,
        published_until=published_until,
        sort=sort,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=NewsPublic,
    responses=problems(403, 409, body=True),
)
def create_news(
    body: NewsCreate,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
    response: Response,
) -> NewsPublic:
    """Publish a news item. The author must be an existing actor (for members, one they
    manage; admins may leave it out); `published_at` defaults to now and must carry a
    timezone; topic slugs must exist in the taxonomy."""
    news = news_service.create_news(session, data=body, principal=principal)
    response.headers["Location"] = str(request.url_for("read_news", news_id=news.id))
    with_etag(response, news.version)
    return news


@router.get("/{news_id}", response_model=NewsPublic, responses=problems(404, 422))
def read_news(
    news_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    cached_versions: CachedVersionsDep,
    response: Response,
) -> NewsPublic | Response:
    """Read one news item; the `ETag` header carries its version for conditional updates. An
    author the caller may not see appears as null."""
    news = news_service.read_news(session, news_id=news_id, principal=principal)
    if (cached := cached_versions.not_modified(news.version)) is not None:
        return cached
    with_etag(response, news.version)
    return news


@router.patch(
    "/{news_id}", response_model=NewsPublic, responses=problems(403, 404, 409, 412, body=True)
)
def update_news(
    news_id: uuid.UUID,
    body: NewsUpdate,
    session: SessionDep,
    principal: PrincipalDep,
    expected_version: ExpectedVersionDep,
    response: Response,
) -> NewsPublic:
    """Change the given fields only (admins, or managers of the author); send `If-Match` with
    the ETag you read to avoid lost updates. Members may hand the item only to another actor
    they manage; admins may also send `author_id: null` to detach it from its author."""
    news = news_service.update_news(
        session,
        news_id=news_id,
        data=body,
        principal=principal,
        expected_version=expected_version,
    )
    with_etag(response, news.version)
    return news


@router.delete(
    "/{news_id}", status_code=status.HTTP_204_NO_CONTENT, responses=problems(403, 404, 412, 422)
)
def delete_news(
    news_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    expected_version: ExpectedVersionDep,
) -> None:
    """Delete a news item (admins, or managers of the author)."""
    news_service.delete_news(
        session, news_id=news_id, principal=principal, expected_version=expected_version
    )
