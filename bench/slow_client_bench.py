"""Small requests while a slow client reads a large export, served by one process.

    python bench/slow_client_bench.py [--actors 100000] [--format csv] [--exports 1]
                                      [--rate 100000] [--seconds 20]

Synthetic actors (see match_bench.py) in a temporary SQLite database, served by `uvicorn` (one
worker, default settings but no rate limit, as in http_bench.py). First one client sends
`GET /v1/actors?limit=1` and `GET /health` in turn, one at a time, for `--seconds`; then
`--exports` clients each start `GET /v1/export/actors?format=…` (as admin) and read it at
`--rate` bytes per second (small reads with sleeps on a raw socket with a small receive
buffer), and once each has its headers and the first its first bytes the same small requests
run again for `--seconds` while the exports are under way. Prints median, p95, p99 and the
slowest latency of the small requests in both phases (target: p99 < 100 ms during the export),
how many timed out (`--timeout`), and how far each export got (none may finish in the phase;
beyond the streams one process serves at once, an export waits for its turn with its headers).
"""

import argparse
import os
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from http_bench import free_port, serve
from match_bench import populate

from radar.db import make_engine, session_scope
from radar.models.account import AccountCreate, Role, TokenCreate
from radar.services import accounts
from radar.services.access import SYSTEM

SMALL = ("/v1/actors?limit=1", "/health")


class SlowReader(threading.Thread):
    """Reads one export at about `rate` bytes per second until told to stop."""

    def __init__(self, port: int, path: str, token: str, rate: float) -> None:
        super().__init__(daemon=True)
        self.port, self.path, self.token, self.rate = port, path, token, rate
        self.received = 0
        self.finished = False
        self.headers = threading.Event()
        self.body = threading.Event()
        self.stop = threading.Event()

    def run(self) -> None:
        with socket.socket() as sock:
            # A small window: the server meets the client's pace, not a kernel buffer's.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16_384)
            sock.connect(("127.0.0.1", self.port))
            sock.sendall(
                f"GET {self.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Authorization: Bearer {self.token}\r\nConnection: close\r\n\r\n".encode()
            )
            began = time.perf_counter()
            head = b""
            while not self.stop.is_set():
                chunk = sock.recv(1024)
                if not chunk:
                    self.finished = True
                    break
                self.received += len(chunk)
                if not self.body.is_set():
                    head += chunk
                    if b"\r\n\r\n" in head:
                        self.headers.set()
                        if not head.endswith(b"\r\n\r\n"):
                            self.body.set()
                ahead = began + self.received / self.rate - time.perf_counter()
                if ahead > 0:
                    self.stop.wait(ahead)


def small_requests(
    base: str, token: str, seconds: float, timeout: float
) -> dict[str, tuple[list[float], int]]:
    """Latencies (ms) and timeouts of the small requests, sent one at a time for `seconds`."""
    measured: dict[str, tuple[list[float], int]] = {path: ([], 0) for path in SMALL}
    headers = {"Authorization": f"Bearer {token}"}
    deadline = time.perf_counter() + seconds
    with httpx.Client(base_url=base, headers=headers, timeout=timeout) as client:
        turn = 0
        while time.perf_counter() < deadline:
            path = SMALL[turn % len(SMALL)]
            turn += 1
            latencies, timeouts = measured[path]
            start = time.perf_counter()
            try:
                response = client.get(path)
            except httpx.TimeoutException:
                measured[path] = (latencies, timeouts + 1)
                continue
            if response.status_code != 200:
                raise SystemExit(f"{path}: {response.status_code} {response.text}")
            latencies.append((time.perf_counter() - start) * 1000)
    return measured


def percentile(ordered: list[float], share: float) -> float:
    return ordered[max(0, int(len(ordered) * share) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--actors", type=int, default=100_000)
    parser.add_argument("--format", choices=["csv", "jsonl", "geojson"], default="csv")
    parser.add_argument("--exports", type=int, default=1, help="slow export clients at once")
    parser.add_argument("--rate", type=float, default=100_000, help="bytes/s each export reads")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each phase")
    parser.add_argument("--timeout", type=float, default=10.0, help="of one small request")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'slow.db'}"
        populate(url, args.actors, random.Random(7))
        engine = make_engine(url)
        with session_scope(engine) as session:
            account = accounts.create_account(
                session, data=AccountCreate(name="bench", role=Role.admin)
            )
            token = accounts.create_token(
                session, account_id=account.id, data=TokenCreate(name="bench"), principal=SYSTEM
            ).token
        engine.dispose()
        env = {**os.environ, "RADAR_DATABASE_URL": url, "RADAR_RATE_LIMIT_PER_MINUTE": "0",
               "RADAR_LOG_LEVEL": "warning"}  # fmt: skip
        port = free_port()
        server = serve(["radar.api.app:create_app", "--factory"], port, env, tmp, "/health")
        base = f"http://127.0.0.1:{port}"
        readers = [
            SlowReader(port, f"/v1/export/actors?format={args.format}", token, args.rate)
            for _ in range(args.exports)
        ]
        try:
            small_requests(base, token, 1.0, args.timeout)  # warm up
            phases = {"without an export": small_requests(base, token, args.seconds, args.timeout)}
            for reader in readers:
                reader.start()
            # Every export has its headers, and the first one is under way (more than the
            # server streams at once wait for their turn before their first chunk).
            for reader in readers:
                if not reader.headers.wait(120):
                    raise SystemExit("an export was not answered within 120 s")
            if not readers[0].body.wait(120):
                raise SystemExit("the export did not start within 120 s")
            phases["during the slow export"] = small_requests(
                base, token, args.seconds, args.timeout
            )
        finally:
            for reader in readers:
                reader.stop.set()
            for reader in readers:
                reader.join(timeout=10)
            server.terminate()
            server.wait(timeout=30)
    print(f"{args.actors:,} actors; {args.exports} client(s) reading "
          f"`GET /v1/export/actors?format={args.format}` at {args.rate / 1000:.0f} KB/s; small "
          f"requests one at a time for {args.seconds:.0f} s per phase; one uvicorn worker, "
          "default settings (no rate limit)")  # fmt: skip
    print("| phase | request | requests | median | p95 | p99 | slowest | timed out |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for phase, measured in phases.items():
        for path, (latencies, timeouts) in measured.items():
            ordered = sorted(latencies) or [float("nan")]
            print(f"| {phase} | `GET {path}` | {len(latencies)} | "
                  f"{statistics.median(ordered):.1f} ms | {percentile(ordered, 0.95):.1f} ms | "
                  f"{percentile(ordered, 0.99):.1f} ms | {ordered[-1]:.1f} ms | "
                  f"{timeouts} (> {args.timeout:.0f} s) |")  # fmt: skip
    got = ", ".join(f"{r.received / 1e6:.1f} MB{' (finished)' if r.finished else ''}"
                    for r in readers)  # fmt: skip
    print(f"export(s) read by the end of the phase: {got}")


if __name__ == "__main__":
    main()
