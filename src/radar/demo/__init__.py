"""The demo data set: fictional actors across Südwestfalen with ideas, working groups and news.

Loaded through the same service functions as the API, so demo records are validated like any
input and every write records its event. Loading is idempotent: actors and ideas are matched
by external_id, groups by name, news by title; what exists already is left as it is.
"""

import json
import uuid
from importlib.resources import files
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from radar.models.actor import Actor, ActorCreate
from radar.models.group import MemberRole, MemberStatus, WorkingGroup, WorkingGroupCreate
from radar.models.idea import Idea, IdeaCreate
from radar.models.news import News, NewsCreate
from radar.services import actors, groups, ideas, memberships, news
from radar.services.access import SYSTEM


def demo_data() -> dict[str, list[dict[str, Any]]]:
    """The demo records as shipped inside the package."""
    text = (files("radar.demo") / "data.json").read_text(encoding="utf-8")
    data: dict[str, list[dict[str, Any]]] = json.loads(text)
    return data


def load_demo(session: Session) -> dict[str, int]:
    """Add the demo records that are not there yet; returns how many of each were created."""
    data = demo_data()
    actor_ids, new_actors = _load_actors(session, data["actors"])
    return {
        "actors": new_actors,
        "ideas": _load_ideas(session, data["ideas"], actor_ids),
        "groups": _load_groups(session, data["groups"], actor_ids),
        "news": _load_news(session, data["news"], actor_ids),
    }


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
