"""News items published by actors."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

from radar.models.base import (
    MAX_TOPICS,
    AwareUtcDateTime,
    InputModel,
    Name,
    Page,
    Slug,
    UpdateModel,
    new_id,
    utcnow,
)
from radar.models.topic import Topic


class NewsTopic(SQLModel, table=True):
    __tablename__ = "news_topic"

    news_id: uuid.UUID = Field(foreign_key="news.id", primary_key=True, ondelete="CASCADE")
    topic_slug: str = Field(foreign_key="topic.slug", primary_key=True, index=True)


class NewsBase(SQLModel):
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(default="", max_length=50_000, sa_type=sa.Text)
    author_id: uuid.UUID | None = Field(
        default=None, foreign_key="actor.id", ondelete="SET NULL", index=True
    )


class News(NewsBase, table=True):
    __tablename__ = "news"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    published_at: datetime = Field(default_factory=utcnow, index=True)
    search_text: str = Field(default="", sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow, index=True)
    version: int = Field(default=1)

    topics: list[Topic] = Relationship(link_model=NewsTopic)


class NewsCreate(NewsBase, InputModel):
    title: Name
    published_at: AwareUtcDateTime | None = Field(
        default=None, description="Defaults to now; the timezone is required."
    )
    topics: list[Slug] = Field(default_factory=list, max_length=MAX_TOPICS)


class NewsUpdate(UpdateModel):
    # A default of None on a non-optional type: the field may be left out, but not set to null.
    title: Name = Field(default=None)
    body: str = Field(default=None, max_length=50_000)
    author_id: uuid.UUID | None = None
    published_at: AwareUtcDateTime = Field(default=None)
    topics: list[Slug] = Field(default=None, max_length=MAX_TOPICS)


class NewsPublic(NewsBase):
    id: uuid.UUID
    published_at: datetime
    topics: list[str]
    created_at: datetime
    updated_at: datetime
    version: int


class NewsListPublic(Page):
    data: list[NewsPublic]
