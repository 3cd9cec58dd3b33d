"""The map: actors and ideas as GeoJSON points, clustered on a grid per zoom level, at the
location each caller may see."""

import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy import ColumnElement, Select, case, cast, func, select
from sqlmodel import Session, col

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
    sources: list[_Source] = []
    if "actors" in layers:
        sources.append(_actor_source(session, principal, topics, action_fields, kinds, districts))
    if "ideas" in layers and not kinds:
        sources.append(_idea_source(session, topics, action_fields, districts))
    if zoom is not None:
        features, count = _grid(session, sources, zoom, bbox)
    else:
        items = [item for source in sources for item in _items(session, source, bbox)]
        items.sort(key=lambda item: (item.layer, str(item.id)))
        features, count = [_point(item) for item in items], len(items)
    truncated = len(features) > limit
    return MapFeatureCollection(features=features[:limit], count=count, truncated=truncated)


@dataclass(frozen=True)
class _Source:
    """One layer of the map as SQL: the rows the caller may see that match the filters, and
    the point each is shown at."""

    layer: str
    id: Any
    name: Any
    kind: Any
    district: Any
    lat: Any
    lon: Any
    conditions: list[ColumnElement[bool]]
    topic_owner: Any
    topic_slug: Any


def _actor_source(
    session: Session,
    principal: Principal,
    topics: Sequence[str],
    action_fields: Sequence[str],
    kinds: Sequence[ActorKind],
    districts: Sequence[str],
) -> _Source:
    # Managers see their own actors where they are, everyone else where they are shown.
    lat: Any = col(Actor.shown_lat)
    lon: Any = col(Actor.shown_lon)
    if principal.is_admin:
        lat, lon = col(Actor.lat), col(Actor.lon)
    elif principal.actor_ids:
        own = col(Actor.id).in_(principal.actor_ids)
        lat = case((own, col(Actor.lat)), else_=col(Actor.shown_lat))
        lon = case((own, col(Actor.lon)), else_=col(Actor.shown_lon))
    conditions = [
        visible_actors(principal),
        col(Actor.lat).is_not(None),
        *actor_filters(
            session, topics=topics, action_fields=action_fields, kinds=kinds, districts=districts
        ),
    ]
    return _Source(
        "actor", col(Actor.id), col(Actor.name), col(Actor.kind), col(Actor.district), lat, lon,
        conditions, col(ActorTopic.actor_id), col(ActorTopic.topic_slug),
    )  # fmt: skip


def _idea_source(
    session: Session,
    topics: Sequence[str],
    action_fields: Sequence[str],
    districts: Sequence[str],
) -> _Source:
    from radar.services import taxonomy

    conditions: list[ColumnElement[bool]] = []
    if topics:
        slugs = taxonomy.topic_filter(session, topics, loc=("query", "topic"))
        conditions.append(
            col(Idea.id).in_(
                select(col(IdeaTopic.idea_id)).where(col(IdeaTopic.topic_slug).in_(slugs))
            )
        )
    if action_fields:
        conditions.append(
            linked_to(
                Idea.id, IdeaActionField.idea_id, IdeaActionField.action_field_slug, action_fields
            )
        )
    if districts:
        conditions.append(col(Idea.district).in_(districts))
    return _Source(
        "idea", col(Idea.id), col(Idea.title), col(Idea.kind), col(Idea.district),
        col(Idea.lat), col(Idea.lon), conditions, col(IdeaTopic.idea_id),
        col(IdeaTopic.topic_slug),
    )  # fmt: skip


def _located(source: _Source, bbox: BBox | None) -> list[ColumnElement[bool]]:
    """The source's conditions, its shown point known and (with `bbox`) inside it."""
    where = [*source.conditions, source.lat.is_not(None), source.lon.is_not(None)]
    if bbox is not None:
        min_lon, min_lat, max_lon, max_lat = bbox
        where += [source.lat.between(min_lat, max_lat), source.lon.between(min_lon, max_lon)]
    return where


def _items(
    session: Session, source: _Source, bbox: BBox | None, ids: Sequence[uuid.UUID] | None = None
) -> list[_Item]:
    """The source's points with their topics (only `ids`, when given)."""
    where = _located(source, bbox)
    if ids is not None:
        where.append(source.id.in_(ids))
    statement = select(
        source.id, source.name, source.kind, source.district, source.lat, source.lon
    ).where(*where)
    items = [
        _Item(item_id, source.layer, name, kind, district, lat, lon)
        for item_id, name, kind, district, lat, lon in session.execute(statement.limit(MAX_ITEMS))
    ]
    chosen = select(source.id).where(*where)
    _attach_topics(session, items, source.topic_owner, source.topic_slug, chosen)
    return items


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


def _grid(
    session: Session, sources: Sequence[_Source], zoom: int, bbox: BBox | None
) -> tuple[list[MapFeature], int]:
    """Cluster on the grid of `zoom` in SQL: per cell the count, mean point, layers, kinds
    and top topics; a cell holding one item is that item's point."""
    size = cell_degrees(zoom)
    cells: dict[tuple[int, int], _Cell] = defaultdict(_Cell)
    for source in sources:
        where = _located(source, bbox)
        # Shifted to be positive (truncation is floor then, on every database), then back.
        row = _floor(session, (source.lat + 90.0) / size)
        column = _floor(session, (source.lon + 180.0) / size)
        shift_row, shift_column = 2**zoom, 2 ** (zoom + 1)
        # The located rows once, materialised: both aggregates read them, and the topic links
        # are then looked up per located row (SQLite would otherwise scan all links first).
        located = (
            select(
                source.id.label("id"),
                row.label("row"),
                column.label("col"),
                source.kind.label("kind"),
                source.lat.label("lat"),
                source.lon.label("lon"),
            )
            .where(*where)
            .cte(f"located_{source.layer}")
            .prefix_with("MATERIALIZED")
        )
        counts = select(
            located.c.row, located.c.col, located.c.kind, func.count(), func.sum(located.c.lat),
            func.sum(located.c.lon), func.min(cast(located.c.id, sa.String)),
        ).group_by(located.c.row, located.c.col, located.c.kind)  # fmt: skip
        for r, c, kind, n, lat_sum, lon_sum, some_id in session.execute(counts):
            cell = cells[(int(r) - shift_row, int(c) - shift_column)]
            cell.count += n
            cell.lat_sum += lat_sum
            cell.lon_sum += lon_sum
            cell.layers[source.layer] += n
            cell.kinds[kind] += n
            cell.sample = (source, uuid.UUID(str(some_id)))
        linked = (
            select(located.c.row, located.c.col, source.topic_slug, func.count())
            .select_from(located)
            .join(source.topic_owner.table, source.topic_owner == located.c.id)
            .group_by(located.c.row, located.c.col, source.topic_slug)
        )
        for r, c, slug, n in session.execute(linked):
            cells[(int(r) - shift_row, int(c) - shift_column)].topics[slug] += n
    singles = _single_items(session, [cell for cell in cells.values() if cell.count == 1], bbox)
    features = []
    for (r, c), cell in sorted(cells.items()):
        if cell.count == 1:
            if cell.sample is not None and cell.sample[1] in singles:
                features.append(_point(singles[cell.sample[1]]))
            continue
        top = sorted(cell.topics.items(), key=lambda item: (-item[1], item[0]))[:3]
        features.append(
            MapFeature(
                id=f"cluster:{zoom}:{r}:{c}",
                geometry=PointGeometry(
                    coordinates=(
                        round(cell.lon_sum / cell.count, 5),
                        round(cell.lat_sum / cell.count, 5),
                    )
                ),
                properties={
                    "cluster": True,
                    "count": cell.count,
                    "layers": dict(cell.layers),
                    "kinds": dict(cell.kinds),
                    "top_topics": [slug for slug, _ in top],
                },
            )
        )
    features.sort(key=lambda f: -int(f.properties.get("count", 1)))
    return features, sum(cell.count for cell in cells.values())


@dataclass
class _Cell:
    count: int = 0
    lat_sum: float = 0.0
    lon_sum: float = 0.0
    layers: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    topics: Counter[str] = field(default_factory=Counter)
    sample: tuple[_Source, uuid.UUID] | None = None  # an item of the cell


def _single_items(
    session: Session, cells: list[_Cell], bbox: BBox | None
) -> dict[uuid.UUID, _Item]:
    """The items alone in their cells, by id, with their details and topics."""
    wanted: dict[str, tuple[_Source, list[uuid.UUID]]] = {}
    for cell in cells:
        if cell.sample is not None:
            source, item_id = cell.sample
            wanted.setdefault(source.layer, (source, []))[1].append(item_id)
    found: dict[uuid.UUID, _Item] = {}
    for source, ids in wanted.values():
        for start in range(0, len(ids), 2000):
            for item in _items(session, source, bbox, ids[start : start + 2000]):
                found[item.id] = item
    return found


def _floor(session: Session, value: Any) -> Any:
    """floor() of a non-negative value: a cast on SQLite (whose floor() is optional)."""
    if session.get_bind().dialect.name == "sqlite":
        return cast(value, sa.Integer)
    return func.floor(value)
