"""The match endpoint over HTTP beside a bare FastAPI JSON endpoint, both served the same way.

    python bench/http_bench.py [--actors 10000] [--seconds 10] [--concurrency 8] [--rounds 5]

Synthetic actors (see match_bench.py) in a temporary SQLite database; each app runs in its own
`uvicorn` process (one worker, no access log) on a local port, and one asyncio client with
`--concurrency` connections sends requests for `--seconds` to each, in `--rounds` turns
taken alternately (so a drift in the machine's speed shifts both alike): to Radar
`GET /v1/actors/{random actor}/matches?limit=20` with an admin token, to the bare app
`GET /ping` (a small JSON object). Prints requests per second (median of the rounds), median
and p95 latency, and the ratio of each round and their median (target: the match endpoint
serves >= 30 % of the bare endpoint's requests per second).
"""

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from match_bench import populate

from radar.db import make_engine, session_scope
from radar.models.account import AccountCreate, Role, TokenCreate
from radar.models.actor import Actor
from radar.services import accounts
from radar.services.access import SYSTEM

BARE_APP = textwrap.dedent(
    """
    from fastapi import FastAPI

    app = FastAPI()


    @app.get("/ping")
    def ping() -> dict[str, object]:
        return {"status": "ok", "items": [1, 2, 3]}
    """
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(
    app: list[str], port: int, env: dict[str, str], cwd: str, health: str
) -> subprocess.Popen[bytes]:
    """`uvicorn APP…` on `port`, once `health` answers."""
    command = [sys.executable, "-m", "uvicorn", *app, "--port", str(port), "--no-access-log",
               "--log-level", "warning"]  # fmt: skip
    process = subprocess.Popen(command, env=env, cwd=cwd)
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}{health}", timeout=0.5).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{app} did not start")


async def load(
    base: str, paths: list[str], headers: dict[str, str], seconds: float, concurrency: int
) -> tuple[float, list[float], int]:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits) as client:

        async def worker(seed: int) -> None:
            nonlocal errors
            rng = random.Random(seed)
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                response = await client.get(rng.choice(paths))
                latencies.append((time.perf_counter() - start) * 1000)
                errors += response.status_code != 200

        for path in paths[:20]:  # warm up: the index is built on the first match
            await client.get(path, timeout=600)
        started = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(concurrency)))
        elapsed = time.perf_counter() - started
    return len(latencies) / elapsed, latencies, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--actors", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'http.db'}"
        populate(url, args.actors, random.Random(3))
        engine = make_engine(url)
        with session_scope(engine) as session:
            ids = [str(i) for i in session.scalars(Actor.__table__.select().with_only_columns(
                Actor.__table__.c.id))]  # fmt: skip
            account = accounts.create_account(
                session, data=AccountCreate(name="bench", role=Role.admin)
            )
            token = accounts.create_token(
                session, account_id=account.id, data=TokenCreate(name="bench"), principal=SYSTEM
            ).token
        engine.dispose()
        (Path(tmp) / "bare_app.py").write_text(BARE_APP, encoding="utf-8")
        env = {**os.environ, "RADAR_DATABASE_URL": url, "RADAR_RATE_LIMIT_PER_MINUTE": "0",
               "RADAR_LOG_LEVEL": "warning"}  # fmt: skip
        rounds: dict[str, list[tuple[float, list[float], int]]] = {}
        apps = (
            ("bare FastAPI `GET /ping`", ["bare_app:app"], "/ping", ["/ping"], {}),
            ("Radar `GET /v1/actors/{id}/matches?limit=20`",
             ["radar.api.app:create_app", "--factory"], "/health",
             [f"/v1/actors/{i}/matches?limit=20" for i in ids],
             {"Authorization": f"Bearer {token}"}),
        )  # fmt: skip
        servers = []
        try:
            for _, app, health, _, _ in apps:
                port = free_port()
                servers.append((port, serve(app, port, env, tmp, health)))
            # Both served at once and measured in turns (bare, Radar, bare, …): a machine whose
            # speed drifts during the run shifts both sides of each ratio alike.
            for _ in range(args.rounds):
                for (name, _, _, paths, headers), (port, _) in zip(apps, servers, strict=True):
                    rounds.setdefault(name, []).append(
                        asyncio.run(
                            load(f"http://127.0.0.1:{port}", paths, headers,
                                 args.seconds / args.rounds, args.concurrency)
                        )
                    )  # fmt: skip
        finally:
            for _, process in servers:
                process.terminate()
                process.wait(timeout=30)
    print(f"{args.actors:,} actors; {args.concurrency} connections for {args.seconds:.0f} s "
          f"each, in {args.rounds} alternating rounds; one uvicorn worker per app")  # fmt: skip
    print("| endpoint | requests/s (median of rounds) | median | p95 | errors |")
    print("| --- | --- | --- | --- | --- |")
    for name, measured in rounds.items():
        latencies = sorted(ms for _, round_ms, _ in measured for ms in round_ms)
        p95 = latencies[int(len(latencies) * 0.95) - 1]
        rate = statistics.median(r for r, _, _ in measured)
        errors = sum(e for _, _, e in measured)
        print(f"| {name} | {rate:,.0f} | {statistics.median(latencies):.1f} ms | "
              f"{p95:.1f} ms | {errors} |")  # fmt: skip
    bare, radar = rounds.values()
    ratios = sorted(r[0] / b[0] for b, r in zip(bare, radar, strict=True))
    print(
        f"ratio per round: {', '.join(f'{r:.0%}' for r in ratios)}; median "
        f"{statistics.median(ratios):.0%} of the bare endpoint's requests per second "
        "(target >= 30%)"
    )


if __name__ == "__main__":
    main()
