"""The map: actors and ideas as GeoJSON points, clustered on a grid per zoom level, at the
location each caller may see."""

import math
import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, select
from sqlmodel import Session, col

from radar.geo.privacy import kept_or_shown_point
from radar.models.actor import Actor, ActorKind, ActorTopic
from radar.models.idea import Idea, IdeaActionField, IdeaTopic
from radar.models.map import MapFeature, MapFeatureCollection, PointGeometry
from radar.services.access import Principal, visible_actors
from radar.services.actors import actor_filters
from radar.services.common import linked_to

Layer = Literal["actors", "ideas"]
BBox = tuple[float, float, float, float]  # min lon, min lat, max lon, max lat
MAX_ITEMS = 100_000
# Coordinates shown at a coarser precision may lie a little outside the stored ones' box.
_BOX_MARGIN = 0.3


@dataclass
class _Item:
    id: uuid.UUID
    layer: str
    name: str
    kind: str
    district: str | None
    lat: float
    lon: float
    topics: list[str] = field(default_factory=list)


def map_features(
    session: Session,
    *,
    principal: Principal,
    layers: Sequence[Layer] = ("actors", "ideas"),
    topics: Sequence[str] = (),
    action_fields: Sequence[str] = (),
    kinds: Sequence[ActorKind] = (),
    districts: Sequence[str] = (),
    bbox: BBox | None = None,
    zoom: int | None = None,
    limit: int = 5000,
) -> MapFeatureCollection:
    """The actors (and ideas) `principal` may see, matching the filters, inside `bbox`; with
    `zoom`, items close together at that zoom level are merged into clusters."""
    items: list[_Item] = []
    if "actors" in layers:
        items += _actors(session, principal, topics, action_fields, kinds, districts, bbox)
    if "ideas" in layers and not kinds:
        items += _ideas(session, topics, action_fields, districts, bbox)
    if bbox is not None:
        items = [item for item in items if _inside(item, bbox)]
    items.sort(key=lambda item: (item.layer, str(item.id)))
    count = len(items)
    features = _clusters(items, zoom) if zoom is not None else [_point(i) for i in items]
    truncated = len(features) > limit
    return MapFeatureCollection(features=features[:limit], count=count, truncated=truncated)


def _actors(
    session: Session,
    principal: Principal,
    topics: Sequence[str],
    action_fields: Sequence[str],
    kinds: Sequence[ActorKind],
    districts: Sequence[str],
    bbox: BBox | None,
) -> list[_Item]:
    conditions = [
        visible_actors(principal),
        col(Actor.lat).is_not(None),
        *actor_filters(
            session, topics=topics, action_fields=action_fields, kinds=kinds, districts=districts
        ),
        *_box_filter(Actor, bbox),
    ]
    statement = select(
        col(Actor.id),
        col(Actor.name),
        col(Actor.kind),
        col(Actor.district),
        col(Actor.lat),
        col(Actor.lon),
        col(Actor.postcode),
        col(Actor.city),
        col(Actor.location_precision),
        col(Actor.shown_lat),
        col(Actor.shown_lon),
    ).where(*conditions)
    items = []
    for row in session.execute(statement.limit(MAX_ITEMS)):
        actor_id, name, kind, district, lat, lon, postcode, city, precision, *kept = row
        point = (
            (lat, lon)
            if principal.manages(actor_id)
            else kept_or_shown_point((kept[0], kept[1]), precision, lat, lon, postcode, city)
        )
        if point is not None:
            items.append(_Item(actor_id, "actor", name, kind, district, point[0], point[1]))
    chosen = select(col(Actor.id)).where(*conditions)
    _attach_topics(session, items, col(ActorTopic.actor_id), col(ActorTopic.topic_slug), chosen)
    return items


def _ideas(
    session: Session,
    topics: Sequence[str],
    action_fields: Sequence[str],
    districts: Sequence[str],
    bbox: BBox | None,
) -> list[_Item]:
    from radar.services import taxonomy

    statement = select(
        col(Idea.id),
        col(Idea.title),
        col(Idea.kind),
        col(Idea.district),
        col(Idea.lat),
        col(Idea.lon),
    ).where(col(Idea.lat).is_not(None), *_box_filter(Idea, bbox))
    if topics:
        slugs = taxonomy.topic_filter(session, topics, loc=("query", "topic"))
        statement = statement.where(
            col(Idea.id).in_(
                select(col(IdeaTopic.idea_id)).where(col(IdeaTopic.topic_slug).in_(slugs))
            )
        )
    if action_fields:
        statement = statement.where(
            linked_to(
                Idea.id,
                IdeaActionField.idea_id,
                IdeaActionField.action_field_slug,
                action_fields,
            )
        )
    if districts:
        statement = statement.where(col(Idea.district).in_(districts))
    items = [
        _Item(idea_id, "idea", title, kind, district, lat, lon)
        for idea_id, title, kind, district, lat, lon in session.execute(statement.limit(MAX_ITEMS))
    ]
    chosen = statement.with_only_columns(col(Idea.id))
    _attach_topics(session, items, col(IdeaTopic.idea_id), col(IdeaTopic.topic_slug), chosen)
    return items


def _box_filter(model: type[Actor] | type[Idea], bbox: BBox | None) -> list[ColumnElement[bool]]:
    if bbox is None:
        return []
    min_lon, min_lat, max_lon, max_lat = bbox
    return [
        col(model.lat) >= min_lat - _BOX_MARGIN,
        col(model.lat) <= max_lat + _BOX_MARGIN,
        col(model.lon) >= min_lon - _BOX_MARGIN,
        col(model.lon) <= max_lon + _BOX_MARGIN,
    ]


def _inside(item: _Item, bbox: BBox) -> bool:
    min_lon, min_lat, max_lon, max_lat = bbox
    return min_lat <= item.lat <= max_lat and min_lon <= item.lon <= max_lon


def _attach_topics(
    session: Session, items: list[_Item], owner: Any, slug: Any, chosen: Select[Any]
) -> None:
    """Each item's topic slugs, in one query over the links of the rows `chosen` selects."""
    if not items:
        return
    by_id = {item.id: item for item in items}
    for owner_id, topic in session.execute(
        select(owner, slug).where(owner.in_(chosen.scalar_subquery())).order_by(owner, slug)
    ):
        if (item := by_id.get(owner_id)) is not None:
            item.topics.append(topic)


def _point(item: _Item) -> MapFeature:
    return MapFeature(
        id=str(item.id),
        geometry=PointGeometry(coordinates=(item.lon, item.lat)),
        properties={
            "layer": item.layer,
            "name": item.name,
            "kind": item.kind,
            "district": item.district,
            "topics": item.topics,
        },
    )


def cell_degrees(zoom: int) -> float:
    """The side of a clustering cell at `zoom`: a quarter of a web-map tile (≈ 64 px)."""
    return 360.0 / float(2 ** (zoom + 2))


def _clusters(items: list[_Item], zoom: int) -> list[MapFeature]:
    size = cell_degrees(zoom)
    cells: dict[tuple[int, int], list[_Item]] = defaultdict(list)
    for item in items:
        cells[(math.floor(item.lat / size), math.floor(item.lon / size))].append(item)
    features = []
    for (row, column), members in sorted(cells.items()):
        if len(members) == 1:
            features.append(_point(members[0]))
            continue
        topics = Counter(topic for member in members for topic in member.topics)
        features.append(
            MapFeature(
                id=f"cluster:{zoom}:{row}:{column}",
                geometry=PointGeometry(
                    coordinates=(
                        round(sum(m.lon for m in members) / len(members), 5),
                        round(sum(m.lat for m in members) / len(members), 5),
                    )
                ),
                properties={
                    "cluster": True,
                    "count": len(members),
                    "layers": dict(Counter(m.layer for m in members)),
                    "kinds": dict(Counter(m.kind for m in members)),
                    "top_topics": [slug for slug, _ in topics.most_common(3)],
                },
            )
        )
    features.sort(key=lambda f: -int(f.properties.get("count", 1)))
    return features
