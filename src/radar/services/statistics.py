"""Statistics for analysts: counts of the actors a caller may see, grouped by one dimension."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from radar.models.actor import Actor, ActorActionField, ActorKind, ActorTopic
from radar.models.statistics import ActorDimension, ActorStatistics, CountBucket
from radar.services.access import Principal, visible_actors
from radar.services.actors import actor_filters

_COLUMNS: dict[ActorDimension, Any] = {
    ActorDimension.district: col(Actor.district),
    ActorDimension.kind: col(Actor.kind),
    ActorDimension.country: col(Actor.country),
}
_LINKS: dict[ActorDimension, tuple[Any, Any]] = {
    ActorDimension.topic: (col(ActorTopic.actor_id), col(ActorTopic.topic_slug)),
    ActorDimension.action_field: (
        col(ActorActionField.actor_id),
        col(ActorActionField.action_field_slug),
    ),
}


def count_actors(
    session: Session,
    *,
    principal: Principal,
    group_by: ActorDimension,
    topics: Sequence[str] = (),
    action_fields: Sequence[str] = (),
    kinds: Sequence[ActorKind] = (),
    districts: Sequence[str] = (),
) -> ActorStatistics:
    """Counts per group of the actors `principal` may see that match every filter, largest
    group first (ties by key)."""
    where = [
        visible_actors(principal),
        *actor_filters(
            session, topics=topics, action_fields=action_fields, kinds=kinds, districts=districts
        ),
    ]
    total = session.execute(select(func.count()).select_from(Actor).where(*where)).scalar_one()
    if group_by in _LINKS:
        owner, value = _LINKS[group_by]
        key = value
        statement = select(key, func.count()).join(Actor, col(Actor.id) == owner).where(*where)
    else:
        key = _COLUMNS[group_by]
        statement = select(key, func.count()).where(*where)
    rows = session.execute(statement.group_by(key)).all()
    buckets = [
        CountBucket(key=None if value is None else str(value), count=count) for value, count in rows
    ]
    buckets.sort(key=lambda bucket: (-bucket.count, bucket.key is None, bucket.key or ""))
    return ActorStatistics(group_by=group_by, total=total, data=buckets)
