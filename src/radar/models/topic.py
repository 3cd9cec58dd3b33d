"""Topics: the canonical subjects of the taxonomy, with labels, synonyms and a parent."""

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

from radar.models.action_field import ActionField


class TopicActionField(SQLModel, table=True):
    """Which action fields a topic serves."""

    __tablename__ = "topic_action_field"

    topic_slug: str = Field(foreign_key="topic.slug", primary_key=True, ondelete="CASCADE")
    action_field_slug: str = Field(
        foreign_key="action_field.slug", primary_key=True, ondelete="CASCADE"
    )


class TopicBase(SQLModel):
    slug: str = Field(primary_key=True, max_length=64)
    label_de: str = Field(max_length=200)
    label_en: str = Field(max_length=200)
    parent_slug: str | None = Field(
        default=None, foreign_key="topic.slug", ondelete="SET NULL", max_length=64
    )


class Topic(TopicBase, table=True):
    __tablename__ = "topic"

    synonyms: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    action_fields: list[ActionField] = Relationship(link_model=TopicActionField)


class TopicPublic(TopicBase):
    synonyms: list[str]
    action_fields: list[str]


class TopicSuggestion(SQLModel):
    """A topic the typed text could mean."""

    slug: str
    label_de: str
    label_en: str
    matched: str = Field(description="The label or synonym that matched what was typed.")
    score: float = Field(description="How well it matched, 0–100 (100: exactly).")


class TopicSuggestions(SQLModel):
    data: list[TopicSuggestion]
