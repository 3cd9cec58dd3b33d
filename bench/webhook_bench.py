"""Webhook delivery speed: deliveries per second from one worker to a local receiver, and the
latency from the write to the receiver.

    python bench/webhook_bench.py [--events 2000] [--latency-events 200]

A temporary SQLite database with one subscription (to a local HTTP receiver that answers 200 at
once). Throughput: `--events` events recorded at once, then one dispatcher delivers them all.
Latency: a dispatcher runs as `radar serve` runs it (polling when idle), `--latency-events`
actor writes are made one by one, and each delivery's arrival is compared with its event's
commit time.
"""

import argparse
import json
import statistics
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sqlmodel import Session

from radar.db import make_engine, upgrade
from radar.models.account import Account, Role
from radar.models.webhook import WebhookSubscription
from radar.services.events import record_event, record_events
from radar.webhooks import signing
from radar.webhooks.dispatcher import Dispatcher

arrivals: list[tuple[float, dict[str, Any]]] = []


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        arrivals.append((time.time(), json.loads(body)))
        self.send_response(200)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--latency-events", type=int, default=200)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'hooks.db'}")
        upgrade(engine)
        with Session(engine) as session:
            account = Account(name="bench", role=Role.admin)
            session.add(account)
            session.flush()
            session.add(WebhookSubscription(
                account_id=account.id, url=f"http://127.0.0.1:{server.server_address[1]}/",
                event_types=["*"], secret=signing.new_secret(),
            ))  # fmt: skip
            session.commit()
            snapshots = [(uuid.uuid4(), {"n": n}, False) for n in range(args.events)]
            record_events(session, type="actor.updated", entity_type="actor", snapshots=snapshots)
            session.commit()
        dispatcher = Dispatcher(engine, allow_private=True)
        start = time.perf_counter()
        dispatcher.run_until_idle()
        seconds = time.perf_counter() - start
        assert len(arrivals) == args.events, len(arrivals)
        arrivals.clear()
        stop = threading.Event()
        worker = threading.Thread(target=dispatcher.run_forever, args=(stop,), daemon=True)
        worker.start()
        committed: dict[str, float] = {}
        for n in range(args.latency_events):
            with Session(engine) as session:
                event = record_event(session, type="actor.updated", entity_type="actor",
                                     entity_id=uuid.uuid4(), payload={"n": n})  # fmt: skip
                session.commit()
                committed[str(event.id)] = time.time()
            time.sleep(0.02)
        deadline = time.time() + 30
        while len(arrivals) < args.latency_events and time.time() < deadline:
            time.sleep(0.05)
        stop.set()
        worker.join()
        dispatcher.close()
        engine.dispose()
    latencies = sorted((at - committed[body["id"]]) * 1000 for at, body in arrivals)
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    rate = args.events / seconds
    print(f"throughput: {args.events:,} deliveries in {seconds:.1f} s = {rate:,.0f}/s from one "
          "worker (target >= 300/s)")  # fmt: skip
    median = statistics.median(latencies)
    print(f"write → receiver latency over {len(latencies)} writes: p50 {median:,.0f} ms, "
          f"p95 {p95:,.0f} ms (target p50 < 1 s)")  # fmt: skip


if __name__ == "__main__":
    main()
