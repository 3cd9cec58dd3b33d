"""API shapes of statistics: actor counts grouped by district, kind, topic or action field."""

from enum import StrEnum

from sqlmodel import SQLModel


class ActorDimension(StrEnum):
    """What actor counts are grouped by."""

    district = "district"
    kind = "kind"
    topic = "topic"
    action_field = "action_field"
    country = "country"


class CountBucket(SQLModel):
    key: str | None
    count: int


class ActorStatistics(SQLModel):
    """How many actors (that the caller may see, matching the filters) fall in each group.

    `total` counts each actor once; with `topic` or `action_field` an actor counts in each of
    its groups, so the buckets may add up to more. `key` null: actors without a value."""

    group_by: ActorDimension
    total: int
    data: list[CountBucket]
