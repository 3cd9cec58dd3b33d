"""The domain-event feed: `/v1/events`, for partners syncing changes, deletions included."""

import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import Query
from pydantic import StringConstraints

from radar.api.auth import PrincipalDep, authenticated_router
from radar.api.deps import SessionDep, SettingsDep
from radar.api.errors import problems
from radar.models.event import EventsPage
from radar.services import events

router = authenticated_router(prefix="/v1/events", tags=["events"])

# The largest `seq` a 64-bit column holds: a cursor beyond it is refused, never sent to SQL.
MAX_SEQ = 2**63 - 1

EventTypeFilter = Annotated[
    str, StringConstraints(pattern=r"^[a-z_]+(\.[a-z_]+|\.\*)$", max_length=64)
]


@router.get("", response_model=EventsPage, responses=problems(422))
def list_events(
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    after: Annotated[
        int,
        Query(
            ge=0,
            le=MAX_SEQ,
            description="Cursor: return events after this `seq` (0: from the start).",
        ),
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=100, description="Events per page.")] = 100,
    type: Annotated[
        list[EventTypeFilter],
        Query(
            max_length=20,
            description="Event types (any of), e.g. `actor.deleted`, or a family like `actor.*`.",
        ),
    ] = [],  # noqa: B006
    entity_type: Annotated[
        str | None, Query(pattern=r"^[a-z_]+$", max_length=32, description="E.g. `actor`.")
    ] = None,
    entity_id: Annotated[uuid.UUID | None, Query(description="Events of one entity.")] = None,
) -> EventsPage:
    """Every recorded change, oldest first, with a snapshot of the entity — the way to learn
    about deletions, which `updated_since` on the lists cannot show. Poll with `after` set to
    the last `next_after`; each event has a stable `id` for de-duplication. Events become
    visible a moment (`RADAR_EVENT_FEED_SETTLE_SECONDS`) after they were recorded. Signed-in
    callers only, even with public read; events of private profiles are for admins only."""
    return events.list_events(
        session,
        principal=principal,
        after=after,
        limit=limit,
        settle=timedelta(seconds=settings.event_feed_settle_seconds),
        types=type,
        entity_type=entity_type,
        entity_id=entity_id,
    )
