"""The demo data set: fictional actors across Südwestfalen with ideas, working groups and news.

Loaded through the same service functions as the API, so demo records are validated like any
input and every write records its event. Loading is idempotent: actors and ideas are matched
by external_id, groups by name, news by title; what exists already is left as it is.

The records get a history, so that growth over time shows as it would in a running cluster:
the actors joined one after another from the launch (January 2025, the month before the first
news item) to November 2026, in the order of the file; an idea was started, and a group
founded, two weeks after the last of its people joined, and the others came in over the next
weeks. None of it lies in the future.
"""

import json
import uuid
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from radar.models.actor import Actor, ActorCreate
from radar.models.base import utcnow
from radar.models.group import (
    GroupMember,
    MemberRole,
    MemberStatus,
    WorkingGroup,
    WorkingGroupCreate,
)
from radar.models.idea import Idea, IdeaCreate, IdeaParticipant
from radar.models.news import News, NewsCreate
from radar.services import actors, groups, ideas, memberships, news
from radar.services.access import SYSTEM


def demo_data() -> dict[str, list[dict[str, Any]]]:
    """The demo records as shipped inside the package."""
    text = (files("radar.demo") / "data.json").read_text(encoding="utf-8")
    data: dict[str, list[dict[str, Any]]] = json.loads(text)
    return data


LAUNCH = datetime(2025, 1, 15, 9, tzinfo=UTC)
LATEST_JOINED = datetime(2026, 11, 15, 9, tzinfo=UTC)
STARTED_AFTER = timedelta(days=14)  # an idea or group, after the last of its people joined
CAME_IN_AFTER = timedelta(days=9)  # each further participant or member, one after another


def load_demo(session: Session) -> dict[str, int]:
    """Add the demo records that are not there yet; returns how many of each were created."""
    data = demo_data()
    actor_ids, new_actors = _load_actors(session, data["actors"])
    counts = {
        "actors": new_actors,
        "ideas": _load_ideas(session, data["ideas"], actor_ids),
        "groups": _load_groups(session, data["groups"], actor_ids),
        "news": _load_news(session, data["news"], actor_ids),
    }
    if new_actors == len(data["actors"]):  # a fresh load: every record is the demo's own
        _give_history(session, data, actor_ids)
    return counts


def _give_history(
    session: Session, data: dict[str, list[dict[str, Any]]], actor_ids: dict[str, uuid.UUID]
) -> None:
    """Date the records just loaded as described in the module's docstring."""
    now = utcnow()
    step = (LATEST_JOINED - LAUNCH) / max(1, len(data["actors"]) - 1)
    joined = {
        actor_ids[record["external_id"]]: min(now, LAUNCH + i * step)
        for i, record in enumerate(data["actors"])
    }
    for actor in session.execute(select(Actor).where(col(Actor.id).in_(joined))).scalars():
        actor.created_at = joined[actor.id]
    external_ids = [record["external_id"] for record in data["ideas"]]
    for idea in session.execute(
        select(Idea).where(col(Idea.external_id).in_(external_ids))
    ).scalars():
        _date(idea, idea.participants, joined, now, first=idea.owner_id)
    names = [record["name"] for record in data["groups"]]
    for group in session.execute(
        select(WorkingGroup).where(col(WorkingGroup.name).in_(names))
    ).scalars():
        _date(group, group.members, joined, now, first=None)
    session.flush()


def _date(
    started: Idea | WorkingGroup,
    people: list[IdeaParticipant] | list[GroupMember],
    joined: dict[uuid.UUID, datetime],
    now: datetime,
    *,
    first: uuid.UUID | None,
) -> None:
    """Start `started` after the last of its people joined Radar; the first of them (its
    owner, or its founder: the earliest to join) at once, the others one after another."""
    ids = [person.actor_id for person in people]
    if first is not None:
        ids.append(first)
    known = [joined[actor_id] for actor_id in ids if actor_id in joined]
    if not known:
        return
    start = min(now, max(known) + STARTED_AFTER)
    started.created_at = start
    for n, person in enumerate(sorted(people, key=lambda p: p.joined_at)):
        person.joined_at = min(now, start + n * CAME_IN_AFTER)


def _load_actors(
    session: Session, records: list[dict[str, Any]]
) -> tuple[dict[str, uuid.UUID], int]:
    existing = dict(
        session.execute(
            select(col(Actor.external_id), col(Actor.id)).where(col(Actor.external_id).isnot(None))
        ).all()
    )
    ids: dict[str, uuid.UUID] = {}
    created = 0
    for record in records:
        key = record["external_id"]
        if key in existing:
            ids[key] = existing[key]
            continue
        ids[key] = actors.create_actor(
            session, data=ActorCreate.model_validate(record), principal=SYSTEM
        ).id
        created += 1
    return ids, created


def _load_ideas(
    session: Session, records: list[dict[str, Any]], actor_ids: dict[str, uuid.UUID]
) -> int:
    existing = set(
        session.execute(
            select(col(Idea.external_id)).where(col(Idea.external_id).isnot(None))
        ).scalars()
    )
    created = 0
    for record in records:
        if record["external_id"] in existing:
            continue
        fields = {k: v for k, v in record.items() if k not in {"owner", "participants"}}
        fields["owner_id"] = actor_ids[record["owner"]] if record.get("owner") else None
        fields["participants"] = [
            {"actor_id": actor_ids[p["actor"]], "role": p["role"]}
            for p in record.get("participants", [])
        ]
        ideas.create_idea(session, data=IdeaCreate.model_validate(fields), principal=SYSTEM)
        created += 1
    return created


def _load_groups(
    session: Session, records: list[dict[str, Any]], actor_ids: dict[str, uuid.UUID]
) -> int:
    existing = set(session.execute(select(col(WorkingGroup.name))).scalars())
    created = 0
    for record in records:
        if record["name"] in existing:
            continue
        founder, *others = record["members"]
        fields = {k: v for k, v in record.items() if k != "members"}
        fields["founder_id"] = actor_ids[founder["actor"]]
        group = groups.create_group(
            session, data=WorkingGroupCreate.model_validate(fields), principal=SYSTEM
        )
        for member in others:
            membership = memberships.join_group(
                session,
                principal=SYSTEM,
                group_id=group.id,
                actor_id=actor_ids[member["actor"]],
                role=MemberRole(member["role"]),
            )
            if membership.status == MemberStatus.pending:
                memberships.approve_member(
                    session, group_id=group.id, actor_id=membership.actor_id, principal=SYSTEM
                )
        created += 1
    return created


def _load_news(
    session: Session, records: list[dict[str, Any]], actor_ids: dict[str, uuid.UUID]
) -> int:
    existing = set(session.execute(select(col(News.title))).scalars())
    created = 0
    for record in records:
        if record["title"] in existing:
            continue
        fields = {k: v for k, v in record.items() if k != "author"}
        fields["author_id"] = actor_ids[record["author"]] if record.get("author") else None
        news.create_news(session, data=NewsCreate.model_validate(fields), principal=SYSTEM)
        created += 1
    return created
