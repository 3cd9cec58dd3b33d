"""Export of actors, ideas and groups as CSV, JSON Lines or GeoJSON, streamed in batches, as
the caller may see them; the actor and idea columns are the import columns, so an export
re-imports losslessly. In GeoJSON every row is a Feature, one without a place with a null
geometry (RFC 7946 §3.2); a group is placed at the centre of its members' shown points."""

import csv
import io
import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any, Literal

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col

from radar.db import session_scope
from radar.models.actor import Actor
from radar.models.group import GroupMember, MemberStatus, WorkingGroup
from radar.models.idea import Idea, ParticipantRole
from radar.services.access import Principal, actor_seen, visible_actors
from radar.services.actors import actor_public
from radar.services.csv_cells import csv_row
from radar.services.importer import COLUMNS

Entity = Literal["actors", "ideas", "groups"]
ExportFormat = Literal["csv", "jsonl", "geojson"]
GROUP_COLUMNS = ("name", "description", "join_policy", "topics", "action_fields", "members")
MEDIA_TYPES: dict[ExportFormat, str] = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson",
    "geojson": "application/geo+json",
}
# Rows per chunk: making one (15–20 ms for CSV) is short, for a stream holds the process's
# request slot only while it makes a chunk (see `ConcurrencyLimit`).
BATCH = 100


def columns(entity: Entity) -> tuple[str, ...]:
    return GROUP_COLUMNS if entity == "groups" else COLUMNS[entity]


def export(
    engine: Engine,
    *,
    entity: Entity,
    fmt: ExportFormat,
    principal: Principal,
    on_row: Callable[[], object] | None = None,
) -> Iterator[str]:
    """The export as text chunks, one read-only transaction, `BATCH` rows at a time; `on_row`
    is called after each row (a progress bar's step)."""
    with session_scope(engine, write=False) as session:
        rows = {"actors": _actor_rows, "ideas": _idea_rows, "groups": _group_rows}[entity](
            session, principal
        )
        if on_row is not None:
            rows = _counted(rows, on_row)
        if fmt == "csv":
            yield from _csv(rows, columns(entity))
        elif fmt == "jsonl":
            names = columns(entity)
            for row in rows:
                kept = {key: row[key] for key in names if row.get(key) not in (None, "", [])}
                yield json.dumps(kept, ensure_ascii=False) + "\n"
        else:
            yield from _geojson(rows)


def stored_rows(engine: Engine, entity: Entity) -> int:
    """How many rows of `entity` are stored: what an export as the system exports (the total
    of a progress bar)."""
    model = {"actors": Actor, "ideas": Idea, "groups": WorkingGroup}[entity]
    with session_scope(engine, write=False) as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def _counted(
    rows: Iterator[dict[str, Any]], step: Callable[[], object]
) -> Iterator[dict[str, Any]]:
    for row in rows:
        yield row
        step()


def _actor_rows(session: Session, principal: Principal) -> Iterator[dict[str, Any]]:
    statement = (
        select(Actor)
        .where(visible_actors(principal))
        .options(selectinload(Actor.topics), selectinload(Actor.action_fields))  # type: ignore[arg-type]
        .order_by(col(Actor.name), col(Actor.id))
        .execution_options(yield_per=BATCH)
    )
    for actor in session.execute(statement).scalars():
        shown = actor_public(actor, principal).model_dump(mode="json")
        yield {"id": str(actor.id), **{key: shown.get(key) for key in COLUMNS["actors"]}}


def _external_ids(session: Session, principal: Principal) -> dict[uuid.UUID, str]:
    """Visible actors' external ids (an actor without one is exported by its id)."""
    statement = select(col(Actor.id), col(Actor.external_id)).where(visible_actors(principal))
    return {
        actor_id: external or str(actor_id) for actor_id, external in session.execute(statement)
    }


def _idea_rows(session: Session, principal: Principal) -> Iterator[dict[str, Any]]:
    external = _external_ids(session, principal)
    statement = (
        select(Idea)
        .options(
            selectinload(Idea.topics),  # type: ignore[arg-type]
            selectinload(Idea.action_fields),  # type: ignore[arg-type]
            selectinload(Idea.participants),  # type: ignore[arg-type]
        )
        .order_by(col(Idea.title), col(Idea.id))
        .execution_options(yield_per=BATCH)
    )
    for idea in session.execute(statement).scalars():
        ordered = sorted(
            idea.participants, key=lambda p: (p.role != ParticipantRole.lead, p.joined_at)
        )
        row: dict[str, Any] = {
            "id": str(idea.id),
            **{key: getattr(idea, key) for key in COLUMNS["ideas"] if hasattr(Idea, key)},
            "topics": sorted(t.slug for t in idea.topics),
            "action_fields": sorted(f.slug for f in idea.action_fields),
            "participants": [external[p.actor_id] for p in ordered if p.actor_id in external],
            "lat": idea.lat,
            "lon": idea.lon,
        }
        yield json.loads(json.dumps(row, default=str))


def _group_rows(session: Session, principal: Principal) -> Iterator[dict[str, Any]]:
    members: dict[uuid.UUID, list[str]] = {}
    points: dict[uuid.UUID, list[tuple[float, float]]] = {}
    for group_id, actor in session.execute(
        select(col(GroupMember.group_id), Actor)
        .join(Actor, col(Actor.id) == col(GroupMember.actor_id))
        .where(col(GroupMember.status) == MemberStatus.active, visible_actors(principal))
        .order_by(col(GroupMember.joined_at), col(GroupMember.actor_id))
    ):
        members.setdefault(group_id, []).append(actor.external_id or str(actor.id))
        if (point := _seen_point(actor, principal)) is not None:
            points.setdefault(group_id, []).append(point)
    statement = (
        select(WorkingGroup)
        .options(selectinload(WorkingGroup.topics), selectinload(WorkingGroup.action_fields))  # type: ignore[arg-type]
        .order_by(col(WorkingGroup.name), col(WorkingGroup.id))
        .execution_options(yield_per=BATCH)
    )
    for group in session.execute(statement).scalars():
        yield {
            "id": str(group.id),
            "name": group.name,
            "description": group.description,
            "join_policy": str(group.join_policy),
            "topics": sorted(t.slug for t in group.topics),
            "action_fields": sorted(f.slug for f in group.action_fields),
            "members": members.get(group.id, []),
            **_members_centre(points.get(group.id, [])),
        }


def _seen_point(actor: Actor, principal: Principal) -> tuple[float, float] | None:
    """The actor's (lat, lon) as `principal` may see it (`access.actor_seen`, the rule of the
    actor rows too): None when it may not see the actor or its location."""
    seen = actor_seen(
        principal,
        actor_id=actor.id,
        visibility=actor.visibility,
        precision=actor.location_precision,
        shown=actor.shown_location,
    )
    if seen is None:
        return None
    lat, lon = seen.get("lat", actor.lat), seen.get("lon", actor.lon)
    return None if lat is None or lon is None else (lat, lon)


def _members_centre(points: list[tuple[float, float]]) -> dict[str, Any]:
    """A group's place: the mean of its members' shown points, or none without any (working
    groups have no location of their own)."""
    if not points:
        return {"lat": None, "lon": None, "place": None}
    return {
        "lat": round(sum(lat for lat, _ in points) / len(points), 6),
        "lon": round(sum(lon for _, lon in points) / len(points), 6),
        "place": "members_centre",
    }


def _csv(rows: Iterator[dict[str, Any]], names: tuple[str, ...]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(names), extrasaction="ignore")
    writer.writeheader()
    for count, row in enumerate(rows, start=1):
        writer.writerow(csv_row(row))
        if count % BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _geojson(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    yield '{"type": "FeatureCollection", "features": ['
    first = True
    for row in rows:
        located = row.get("lat") is not None and row.get("lon") is not None
        properties = {k: v for k, v in row.items() if k not in {"id", "lat", "lon"}}
        feature = {
            "type": "Feature",
            "id": row["id"],
            # A row without a place the caller may see is kept, unlocated (RFC 7946 §3.2).
            "geometry": (
                {"type": "Point", "coordinates": [row["lon"], row["lat"]]} if located else None
            ),
            "properties": properties,
        }
        yield ("" if first else ",") + json.dumps(feature, ensure_ascii=False)
        first = False
    yield "]}\n"
