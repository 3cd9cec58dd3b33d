"""The demo data set loads through the services, covers the region, and loads idempotently."""

from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import Engine, func, select
from sqlmodel import Session

from radar.db import session_scope
from radar.demo import demo_data, load_demo
from radar.models.actor import Actor
from radar.models.base import utcnow
from radar.models.event import Event
from radar.models.group import WorkingGroup
from radar.models.idea import Idea
from radar.models.news import News

DISTRICTS = {
    "Siegen-Wittgenstein",
    "Olpe",
    "Hochsauerlandkreis",
    "Soest",
    "Märkischer Kreis",
    "Hagen",
}


def _counts(session: Session) -> tuple[int, ...]:
    return tuple(
        session.execute(select(func.count()).select_from(model)).scalar_one()
        for model in (Actor, Idea, WorkingGroup, News, Event)
    )


def test_demo_data_covers_the_six_districts() -> None:
    data = demo_data()
    per_district = Counter(actor["district"] for actor in data["actors"])
    assert set(per_district) == DISTRICTS
    assert len(data["actors"]) >= 60
    assert (len(data["ideas"]), len(data["groups"]), len(data["news"])) >= (12, 6, 10)


def test_demo_loads_once_and_again_adds_nothing(engine: Engine, session: Session) -> None:
    with session_scope(engine) as first:
        created = load_demo(first)
    data = demo_data()
    assert created == {kind: len(data[kind]) for kind in ("actors", "ideas", "groups", "news")}
    after_first = _counts(session)
    with session_scope(engine) as second:
        again = load_demo(second)
    assert again == {"actors": 0, "ideas": 0, "groups": 0, "news": 0}
    assert _counts(session) == after_first


def test_the_demo_has_a_history_of_nearly_two_years(engine: Engine) -> None:
    with session_scope(engine) as session:
        load_demo(session)
    with session_scope(engine, write=False) as session:
        joined = {a.id: _utc(a.created_at) for a in session.execute(select(Actor)).scalars()}
        ideas = list(session.execute(select(Idea)).scalars())
        groups = list(session.execute(select(WorkingGroup)).scalars())
        now = utcnow()

        months = {moment.strftime("%Y-%m") for moment in joined.values()}
        assert len(months) >= 22  # January 2025 to November 2026, a few each month
        assert max(joined.values()) <= now
        for idea in ideas:
            people = [idea.owner_id, *(p.actor_id for p in idea.participants)]
            assert _utc(idea.created_at) > max(joined[a] for a in people if a is not None)
            assert all(_utc(p.joined_at) >= _utc(idea.created_at) for p in idea.participants)
            assert all(_utc(p.joined_at) <= now for p in idea.participants)
        for group in groups:
            assert _utc(group.created_at) > max(joined[m.actor_id] for m in group.members)
            assert all(_utc(m.joined_at) <= now for m in group.members)


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
