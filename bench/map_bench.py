"""The map for 100,000 actors: `/v1/map` response size and latency, in-process (no network).

    python bench/map_bench.py [--actors 100000] [--rounds 20]

Synthetic actors spread over Germany (see match_bench.py), each with 8 taxonomy topics, in a
temporary SQLite database;
prints median and p95 latency and the response size at country-wide zoom levels (clustered)
and for a district-sized bbox, as an admin (exact locations) and as an analyst (postcode and
city precision rounded through the gazetteer for a third of the actors each).
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).parent))
from match_bench import populate

from radar.api.app import create_app
from radar.db import make_engine, session_scope
from radar.models.account import AccountCreate, Role, TokenCreate
from radar.models.actor import Actor, ActorTopic
from radar.models.topic import Topic
from radar.services import accounts
from radar.services.access import SYSTEM
from radar.settings import Settings

CASES = [
    ("zoom 5 (Germany)", {"zoom": 5}),
    ("zoom 6", {"zoom": 6}),
    ("zoom 9, bbox Südwestfalen", {"zoom": 9, "bbox": "7.2,50.7,8.9,51.8"}),
    ("no zoom, bbox Südwestfalen", {"bbox": "7.2,50.7,8.9,51.8"}),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--actors", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'map.db'}"
        populate(url, args.actors, random.Random(5))
        engine = make_engine(url)
        with session_scope(engine) as session:
            ids = list(
                session.scalars(Actor.__table__.select().with_only_columns(Actor.__table__.c.id))
            )
            # About 8 taxonomy topics each, for the clusters' top topics.
            slugs = list(session.scalars(select(Topic.slug)))
            rng = random.Random(6)
            links = [
                {"actor_id": actor_id, "topic_slug": slug}
                for actor_id in ids
                for slug in rng.sample(slugs, min(8, len(slugs)))
            ]
            for start in range(0, len(links), 50_000):
                session.execute(insert(ActorTopic), links[start : start + 50_000])
            # Through the ORM, so each row's shown location is kept as the service keeps it.
            for i, precision in ((1, "postcode"), (2, "city")):
                for start in range(0, len(ids[i::3]), 5000):
                    chunk = ids[i::3][start : start + 5000]
                    for actor in session.scalars(select(Actor).where(Actor.id.in_(chunk))):
                        actor.location_precision = precision
                    session.flush()
            tokens = {}
            for role in (Role.admin, Role.analyst):
                account = accounts.create_account(
                    session, data=AccountCreate(name=str(role), role=role)
                )
                tokens[role] = accounts.create_token(
                    session, account_id=account.id, data=TokenCreate(name="bench"), principal=SYSTEM
                ).token
        settings = Settings(
            database_url=url, rate_limit_per_minute=0, anonymous_rate_limit_per_minute=0
        )
        app = create_app(settings, engine=engine)
        print(f"{args.actors:,} actors; median and p95 of {args.rounds} requests")
        print("| request | caller | features | response size | median | p95 |")
        print("| --- | --- | --- | --- | --- | --- |")
        for role, token in tokens.items():
            with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as client:
                client.get("/v1/map", params={"zoom": 5})  # warm the gazetteer and caches
                for label, params in CASES:
                    samples, body = [], b""
                    for _ in range(args.rounds):
                        start = time.perf_counter()
                        response = client.get("/v1/map", params={"layer": "actors", **params})
                        samples.append((time.perf_counter() - start) * 1000)
                        body = response.content
                    samples.sort()
                    features = len(response.json()["features"])
                    p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
                    print(
                        f"| {label} | {role} | {features:,} | {len(body) / 1024:,.0f} KiB "
                        f"| {statistics.median(samples):,.0f} ms | {p95:,.0f} ms |"
                    )
        engine.dispose()


if __name__ == "__main__":
    main()
