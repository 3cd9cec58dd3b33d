"""Events as a reader may see them: the feed (`GET /v1/events`) and webhook payloads shaped by
the rules of REST reads.

An event keeps the full snapshot of what changed (contacts left out). Each reader gets it shaped
by `access.actor_seen` — the function REST reads call — at the stricter of the actor's state
then and now: an actor that turned private or coarsened its location since is not shown as it
was. Actors the reader may not see are left out: an actor's own events are dropped, its entry
in a member or participant list is removed, an owner or author becomes null, a match naming it
is dropped. An erased actor leaves only tombstones (`{"id": …}`), shown to every reader."""

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import select
from sqlmodel import Session, col

from radar.geo.privacy import shown_point
from radar.models.actor import Actor, LocationPrecision, Visibility
from radar.services.access import Principal, actor_seen, can_see

T = TypeVar("T")
# Finest first: the stricter of two states is the later in each.
_PRECISIONS = tuple(LocationPrecision)
_VISIBILITIES = (Visibility.public, Visibility.members, Visibility.private)
# Fields of an event payload that hold one actor's id.
_ACTOR_ID_FIELDS = ("owner_id", "author_id", "founder_id")


@dataclass(frozen=True)
class ActorState:
    """An actor's visibility and location precision as stored now."""

    visibility: Visibility
    precision: LocationPrecision


def actor_states(session: Session, actor_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, ActorState]:
    """The current state of those of `actor_ids` that exist, in one query."""
    wanted = set(actor_ids)
    if not wanted:
        return {}
    rows = session.execute(
        select(col(Actor.id), col(Actor.visibility), col(Actor.location_precision)).where(
            col(Actor.id).in_(wanted)
        )
    )
    return {
        actor_id: ActorState(Visibility(visibility), LocationPrecision(precision))
        for actor_id, visibility, precision in rows
    }


def referenced_actors(
    entity_type: str, entity_id: uuid.UUID | None, payload: Mapping[str, Any]
) -> set[uuid.UUID]:
    """The actors an event names: what shaping it for a reader must know the state of."""
    found: set[uuid.UUID] = set()
    if entity_type == "actor" and entity_id is not None:
        found.add(entity_id)
    for value in _actor_refs(payload):
        if (actor_id := _uuid(value)) is not None:
            found.add(actor_id)
    return found


def _actor_refs(payload: Mapping[str, Any]) -> list[Any]:
    refs = [payload.get(name) for name in (*_ACTOR_ID_FIELDS, "actor_id")]
    refs += [p.get("actor_id") for p in payload.get("participants") or () if isinstance(p, dict)]
    for side in ("actor", "match"):
        named = payload.get(side)
        if isinstance(named, dict) and named.get("type") == "actor":
            refs.append(named.get("id"))
    return [ref for ref in refs if ref is not None]


class EventReader:
    """Shapes events for one reader, from the current state of the actors they name."""

    def __init__(self, principal: Principal, states: Mapping[uuid.UUID, ActorState]) -> None:
        self.principal = principal
        self.states = states

    def sees(self, actor_id: uuid.UUID | None) -> bool:
        """Whether the reader may see this actor now (never one that no longer exists)."""
        if actor_id is None or (state := self.states.get(actor_id)) is None:
            return False
        return can_see(self.principal, actor_id, state.visibility)

    def shape(
        self, entity_type: str, entity_id: uuid.UUID | None, payload: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        """The payload as the reader may see it, or None when the event is not for it."""
        if entity_type == "actor":
            return self._actor(entity_id, payload)
        shaped = dict(payload)
        for side in ("actor", "match"):
            named = payload.get(side)
            is_actor = isinstance(named, dict) and named.get("type") == "actor"
            if is_actor and not self.sees(_uuid(named.get("id"))):  # type: ignore[union-attr]
                return None  # a suggestion naming an actor the reader may not see
        if "actor_id" in payload and not self.sees(_uuid(payload["actor_id"])):
            return None  # a member joining, leaving, asking to join: about that actor
        for name in _ACTOR_ID_FIELDS:
            if shaped.get(name) is not None and not self.sees(_uuid(shaped[name])):
                shaped[name] = None
        if isinstance(payload.get("participants"), list):
            shaped["participants"] = [
                p
                for p in payload["participants"]
                if isinstance(p, dict) and self.sees(_uuid(p.get("actor_id")))
            ]
        return shaped

    def _actor(
        self, actor_id: uuid.UUID | None, payload: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        if set(payload) <= {"id"}:
            return dict(payload)  # a tombstone: an actor with this id was erased
        state = self.states.get(actor_id) if actor_id is not None else None
        if actor_id is None or state is None:
            return {"id": str(actor_id)} if actor_id is not None else None
        then_visibility = _member(_VISIBILITIES, payload.get("visibility"), Visibility.private)
        then_precision = _member(_PRECISIONS, payload.get("location_precision"), state.precision)
        precision = max(then_precision, state.precision, key=_PRECISIONS.index)
        seen = actor_seen(
            self.principal,
            actor_id=actor_id,
            visibility=max(then_visibility, state.visibility, key=_VISIBILITIES.index),
            precision=precision,
            shown=lambda: _shown(payload, precision),
        )
        if seen is None:
            return None
        # Only fields the snapshot holds (it never holds contacts).
        return {**payload, **{key: value for key, value in seen.items() if key in payload}}


def _shown(payload: Mapping[str, Any], precision: LocationPrecision) -> tuple[float, float] | None:
    lat, lon = payload.get("lat"), payload.get("lon")
    if not isinstance(lat, int | float) or not isinstance(lon, int | float):
        return None
    return shown_point(
        precision, float(lat), float(lon), payload.get("postcode"), payload.get("city")
    )


def _member(values: tuple[T, ...], value: Any, default: T) -> T:
    return next((v for v in values if v == value), default)


def _uuid(value: Any) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
