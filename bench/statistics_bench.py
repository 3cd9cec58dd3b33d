"""The statistics endpoints for 100,000 actors: median and p95 latency per endpoint, in-process.

    python bench/statistics_bench.py [--actors 100000] [--rounds 10] [--postgres URL]

A synthetic region in a temporary SQLite database (and, with `--postgres`, in a fresh database
on that server): actors in the six districts of Südwestfalen and elsewhere in Germany, spread
over three years, each with three taxonomy topics, one or two action fields, two offers and two
needs (taxonomy labels and free terms, resolved as a write resolves them), 80 % members-only,
15 % public, 5 % private; a joint project per four actors (2–8 participants), a working group
per fifty (3–25 members) and a news item per five. Requests are made as an analyst (who sees
all but the private profiles) after one warm-up request, which builds the match index the
endpoints read, and one more, which reads the statistics snapshot kept with each version of
the index (both printed apart: a process builds the index once and keeps it fresh; the
snapshot is read again after each write). Target: each endpoint under 1 s.
"""

import argparse
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, insert, make_url, select, text

from radar.api.app import create_app
from radar.db import make_engine, session_scope, upgrade
from radar.models.account import AccountCreate, Role, TokenCreate
from radar.models.action_field import ActionField
from radar.models.actor import Actor, ActorActionField, ActorTopic
from radar.models.group import GroupMember, WorkingGroup
from radar.models.idea import Idea, IdeaParticipant
from radar.models.news import News
from radar.models.topic import Topic
from radar.services import accounts, vocabulary
from radar.services.access import SYSTEM
from radar.settings import Settings

DISTRICTS = {
    "Siegen-Wittgenstein": (50.87, 8.02),
    "Olpe": (51.03, 7.85),
    "Hochsauerlandkreis": (51.35, 8.28),
    "Soest": (51.57, 8.11),
    "Märkischer Kreis": (51.22, 7.63),
    "Hagen": (51.36, 7.47),
}
KINDS = ["company"] * 6 + ["university", "research_institute", "startup", "network", "chamber"]
FREE_TERMS = [f"Spezialthema {i}" for i in range(300)]
START = datetime(2023, 1, 1, tzinfo=UTC)
DAYS = 3 * 365
CROSS, GAPS, GROWTH = "/v1/statistics/cross-tables", "/v1/statistics/gaps", "/v1/statistics/growth"
NETWORK, POTENTIAL = "/v1/statistics/network", "/v1/statistics/match-potential"
BY_TOPIC = {"rows": "district", "columns": "topic"}
CASES: list[tuple[str, str, dict[str, Any]]] = [
    ("actors by district", "/v1/statistics/actors", {"group_by": "district"}),
    ("district × topic", CROSS, BY_TOPIC),
    ("district × action field", CROSS, {"rows": "district", "columns": "action_field"}),
    ("kind × topic, rolled up", CROSS, {"rows": "kind", "columns": "topic", "roll_up": "true"}),
    ("district × topic, Olpe", CROSS, {**BY_TOPIC, "district": "Olpe"}),
    ("per term", GAPS, {}),
    ("per district and term", GAPS, {"per_district": "true"}),
    ("Olpe, within 25 km", GAPS, {"district": "Olpe", "within_km": 25}),
    ("per month", GROWTH, {}),
    ("by district", GROWTH, {"by": "district"}),
    ("by action field", GROWTH, {"by": "action_field"}),
    ("companies in Soest", GROWTH, {"kind": "company", "district": "Soest"}),
    ("everyone", NETWORK, {}),
    ("Siegen-Wittgenstein", NETWORK, {"district": "Siegen-Wittgenstein"}),
    ("everyone", POTENTIAL, {}),
    ("Olpe", POTENTIAL, {"district": "Olpe"}),
]


def moment(rng: random.Random) -> datetime:
    return START + timedelta(days=rng.uniform(0, DAYS))


def populate(url: str, n: int, rng: random.Random) -> None:
    """The synthetic region described above, written with SQLAlchemy core."""
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        fields = list(session.scalars(select(ActionField.slug)))
        topics = [
            (slug, label) for slug, label in session.execute(select(Topic.slug, Topic.label_de))
        ]
        labels = [label for _, label in topics]
        resolved = dict(
            zip(
                labels + FREE_TERMS,
                vocabulary.resolve_terms(session, labels + FREE_TERMS),
                strict=True,
            )
        )
        ids = [uuid.uuid4() for _ in range(n)]
        actors, topic_links, field_links = [], [], []
        for actor_id in ids:
            district = rng.choice([*DISTRICTS, None]) if rng.random() < 0.9 else None
            lat, lon = DISTRICTS[district] if district else (51.0, 10.0)
            lat, lon = lat + rng.gauss(0, 0.08), lon + rng.gauss(0, 0.12)
            if district is None:
                lat, lon = rng.uniform(47.4, 54.9), rng.uniform(6.0, 14.9)
            offers = [rng.choice(labels), rng.choice(FREE_TERMS)]
            seeks = [rng.choice(labels), rng.choice(FREE_TERMS)]
            roll = rng.random()
            actors.append(
                {
                    "id": actor_id,
                    "name": f"Akteur {actor_id.hex[:8]}",
                    "kind": rng.choice(KINDS),
                    "description": "",
                    "district": district,
                    "country": "DE",
                    "lat": lat,
                    "lon": lon,
                    "shown_lat": lat,
                    "shown_lon": lon,
                    "location_precision": "exact",
                    "visibility": "private"
                    if roll < 0.05
                    else "public"
                    if roll < 0.2
                    else "members",
                    "tags": [],
                    "offers": offers,
                    "seeks": seeks,
                    "offer_topics": [resolved[term] for term in offers],
                    "seek_topics": [resolved[term] for term in seeks],
                    "tag_topics": [],
                    "search_text": "",
                    "created_at": moment(rng),
                    "version": 1,
                }
            )
            for slug, _ in rng.sample(topics, 3):
                topic_links.append({"actor_id": actor_id, "topic_slug": slug})
            for slug in rng.sample(fields, rng.randint(1, 2)):
                field_links.append({"actor_id": actor_id, "action_field_slug": slug})
        _insert(session, Actor, actors)
        _insert(session, ActorTopic, topic_links)
        _insert(session, ActorActionField, field_links)
        ideas, participants = [], []
        for _ in range(n // 4):
            idea_id, created = uuid.uuid4(), moment(rng)
            owner, *others = rng.sample(ids, rng.randint(2, 8))
            ideas.append(
                {
                    "id": idea_id,
                    "title": "Verbundprojekt",
                    "summary": "",
                    "kind": "joint_project",
                    "status": "running",
                    "owner_id": owner,
                    "district": rng.choice(list(DISTRICTS)),
                    "tags": [],
                    "seeking_topics": [],
                    "seeking_kinds": [],
                    "search_text": "",
                    "created_at": created,
                    "version": 1,
                }
            )
            for actor_id in others:
                joined = created + timedelta(days=rng.uniform(0, 90))
                participants.append(
                    {
                        "idea_id": idea_id,
                        "actor_id": actor_id,
                        "role": "partner",
                        "joined_at": joined,
                    }
                )
        _insert(session, Idea, ideas)
        _insert(session, IdeaParticipant, participants)
        groups, members = [], []
        for g in range(n // 50):
            group_id, created = uuid.uuid4(), moment(rng)
            groups.append(
                {"id": group_id, "name": f"Arbeitskreis {g}", "description": "", "search_text": "",
                 "created_at": created, "version": 1}
            )  # fmt: skip
            for actor_id in rng.sample(ids, rng.randint(3, 25)):
                members.append(
                    {"group_id": group_id, "actor_id": actor_id, "role": "member",
                     "status": "active", "joined_at": created + timedelta(days=rng.uniform(0, 200))}
                )  # fmt: skip
        _insert(session, WorkingGroup, groups)
        _insert(session, GroupMember, members)
        news = [
            {"id": uuid.uuid4(), "title": "Neuigkeit", "body": "", "author_id": rng.choice(ids),
             "published_at": moment(rng), "search_text": "", "version": 1}
            for _ in range(n // 5)
        ]  # fmt: skip
        _insert(session, News, news)
    engine.dispose()


def _insert(session: Any, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), 5000):
        session.execute(insert(model), rows[start : start + 5000])


@contextmanager
def postgres_database(url: str) -> Iterator[str]:
    """A fresh database on the server of `url`, dropped afterwards."""
    admin_url = make_url(url)
    name = f"radar_statistics_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def measure(url: str, label: str, n: int, rounds: int) -> None:
    started = time.perf_counter()
    populate(url, n, random.Random(22))
    print(f"\n{label}: {n:,} actors written in {time.perf_counter() - started:,.0f} s")
    engine = make_engine(url)
    with session_scope(engine) as session:
        account = accounts.create_account(
            session, data=AccountCreate(name="bench", role=Role.analyst)
        )
        token = accounts.create_token(
            session, account_id=account.id, data=TokenCreate(name="bench"), principal=SYSTEM
        ).token
    settings = Settings(
        database_url=url, rate_limit_per_minute=0, anonymous_rate_limit_per_minute=0
    )
    app = create_app(settings, engine=engine)
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as client:
        started = time.perf_counter()
        assert client.get("/v1/statistics/network").status_code == 200
        print(f"match index built (once per process): {time.perf_counter() - started:,.1f} s")
        started = time.perf_counter()
        assert client.get(CROSS, params=BY_TOPIC).status_code == 200
        print(
            "statistics snapshot read (once per version of the index, i.e. after each write): "
            f"{time.perf_counter() - started:,.1f} s"
        )
        print(f"median and p95 of {rounds} requests, as an analyst")
        print("| endpoint | query | median | p95 | response |")
        print("| --- | --- | --- | --- | --- |")
        for name, path, params in CASES:
            samples, size = [], 0
            for _ in range(rounds):
                start = time.perf_counter()
                response = client.get(path, params=params)
                samples.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, response.text
                size = len(response.content)
            samples.sort()
            p95 = samples[max(0, round(len(samples) * 0.95) - 1)]
            print(
                f"| {path.removeprefix('/v1/statistics/')} | {name} "
                f"| {statistics.median(samples):,.0f} ms | {p95:,.0f} ms | {size / 1024:,.0f} KiB |"
            )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--actors", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--postgres", help="a PostgreSQL server URL to measure on as well")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        measure(f"sqlite:///{Path(tmp) / 'statistics.db'}", "SQLite", args.actors, args.rounds)
    if args.postgres:
        with postgres_database(args.postgres) as url:
            measure(url, "PostgreSQL", args.actors, args.rounds)


if __name__ == "__main__":
    main()
