"""API latency on the demo data set, SQLite against PostgreSQL, in-process (no network).

    python bench/api_latency.py [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]

Prints median and p95 per request kind and the PostgreSQL/SQLite ratio of the medians.
"""

import argparse
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, make_url, text

from radar.api.app import create_app
from radar.db import make_engine, session_scope, upgrade
from radar.demo import load_demo
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


def run(url: str) -> dict[str, tuple[float, float]]:
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        load_demo(session)
    results: dict[str, tuple[float, float]] = {}
    with TestClient(create_app(Settings(database_url=url), engine=engine)) as client:
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
    with tempfile.TemporaryDirectory() as folder:
        sqlite = run(f"sqlite:///{Path(folder) / 'bench.db'}")
    admin_url = make_url(args.postgres)
    name = f"radar_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        postgres = run(admin_url.set(database=name).render_as_string(hide_password=False))
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    print(f"{ROUNDS} requests each, demo data (76 actors), in-process TestClient, times in ms\n")
    print(
        "| request | SQLite median | SQLite p95 | PostgreSQL median | PostgreSQL p95 | PG/SQLite |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for request, (s_med, s_p95) in sqlite.items():
        p_med, p_p95 = postgres[request]
        cells = [f"{value:.2f}" for value in (s_med, s_p95, p_med, p_p95, p_med / s_med)]
        print(f"| `{request}` | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
