"""API latency on the demo data set, SQLite against PostgreSQL, in-process (no network).

    python bench/api_latency.py [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]

Prints median and p95 per request kind, on each database, with the shared (database-backed)
rate limit off and on: the comparison is the cost of counting every request.
"""

import argparse
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, make_url, text

from radar.api.app import create_app
from radar.db import make_engine, session_scope, upgrade
from radar.demo import load_demo
from radar.models.account import AccountCreate, Role, TokenCreate
from radar.services import accounts
from radar.services.access import SYSTEM
from radar.settings import Settings

ROUNDS = 200


def measure(call: Callable[[], object], rounds: int = ROUNDS) -> tuple[float, float]:
    """Median and p95 in milliseconds."""
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def run(url: str, *, rate_limit: int) -> dict[str, tuple[float, float]]:
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        load_demo(session)
        account = accounts.create_account(
            session, data=AccountCreate(name="bench", role=Role.admin)
        )
        token = accounts.create_token(
            session, account_id=account.id, data=TokenCreate(name="bench"), principal=SYSTEM
        ).token
    settings = Settings(database_url=url, rate_limit_per_minute=rate_limit)
    headers = {"Authorization": f"Bearer {token}"}
    results: dict[str, tuple[float, float]] = {}
    with TestClient(create_app(settings, engine=engine), headers=headers) as client:
        actor_id = client.get("/v1/actors", params={"limit": 1}).json()["data"][0]["id"]
        results["GET /v1/actors?limit=100"] = measure(
            lambda: client.get("/v1/actors", params={"limit": 100})
        )
        results["GET /v1/actors?topic=…&district=…"] = measure(
            lambda: client.get(
                "/v1/actors", params={"topic": "kunststofftechnik", "district": "Märkischer Kreis"}
            )
        )
        results["GET /v1/actors?q=sauerland"] = measure(
            lambda: client.get("/v1/actors", params={"q": "sauerland"})
        )
        results["GET /v1/actors/{id}"] = measure(lambda: client.get(f"/v1/actors/{actor_id}"))
        results["GET /v1/ideas?limit=100"] = measure(
            lambda: client.get("/v1/ideas", params={"limit": 100})
        )
        body = {"name": "Bench GmbH", "kind": "company", "topics": ["spritzguss"]}
        results["POST /v1/actors"] = measure(lambda: client.post("/v1/actors", json=body))
        results["PATCH /v1/actors/{id}"] = measure(
            lambda: client.patch(f"/v1/actors/{actor_id}", json={"description": "x"})
        )
    engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--postgres",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/test",
        help="server URL; a scratch database is created and dropped on it",
    )
    args = parser.parse_args()
    runs: dict[str, dict[str, tuple[float, float]]] = {}
    for limited in (False, True):
        label = "rate limit on" if limited else "rate limit off"
        limit = 1_000_000 if limited else 0
        with tempfile.TemporaryDirectory() as folder:
            runs[f"SQLite, {label}"] = run(
                f"sqlite:///{Path(folder) / 'bench.db'}", rate_limit=limit
            )
        with scratch_postgres(args.postgres) as url:
            runs[f"PostgreSQL, {label}"] = run(url, rate_limit=limit)
    print(f"{ROUNDS} requests each, demo data (76 actors), admin token, in-process TestClient")
    print("(no network); median / p95 in ms\n")
    print("| request | " + " | ".join(runs) + " |")
    print("| --- |" + " ---: |" * len(runs))
    for request in runs["SQLite, rate limit off"]:
        cells = [f"{runs[name][request][0]:.2f} / {runs[name][request][1]:.2f}" for name in runs]
        print(f"| `{request}` | " + " | ".join(cells) + " |")


@contextmanager
def scratch_postgres(server_url: str) -> Iterator[str]:
    """A fresh database on the server for one run, dropped afterwards."""
    admin_url = make_url(server_url)
    name = f"radar_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
