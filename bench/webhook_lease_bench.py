"""Webhook duplicates under slow receivers: deliveries sent, duplicates and lost, with two
workers sharing a database, and with one of them killed with SIGKILL part-way.

    python bench/webhook_lease_bench.py [--events 1000] [--lease 1] [--slow-every 100]
                                        [--slow-seconds 1.5] [--database-url URL]

A local receiver takes `--slow-seconds` over one delivery in `--slow-every` (longer than the
lease by default) and answers the others at once; it counts arrivals per `webhook-id`. The
issue's case: `--events 60 --lease 60 --slow-every 1 --slow-seconds 1.5`. Without a
`--database-url`, a temporary SQLite file.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select, text
from sqlmodel import Session, col

from radar.db import make_engine, upgrade
from radar.models.account import Account, Role
from radar.models.base import utcnow
from radar.models.webhook import DeliveryStatus, WebhookDelivery, WebhookSubscription
from radar.webhooks import signing
from radar.webhooks.dispatcher import Dispatcher

arrivals: Counter[str] = Counter()
lock = threading.Lock()
slow = {"every": 100, "seconds": 1.5}


class Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
        with lock:
            arrivals[body["id"]] += 1
        if body["data"]["n"] % slow["every"] == slow["every"] // 2:
            time.sleep(slow["seconds"])
        self.send_response(200)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def queue(engine: Engine, url: str, events: int) -> set[str]:
    """A fresh subscription to `url` with `events` pending deliveries; their ids."""
    with engine.begin() as connection:
        for table in ("webhook_attempt", "webhook_delivery", "webhook_subscription"):
            connection.execute(text(f"DELETE FROM {table}"))
    ids = set()
    with Session(engine) as session:
        account = Account(name="lease bench", role=Role.admin)
        session.add(account)
        session.flush()
        subscription = WebhookSubscription(account_id=account.id, url=url, event_types=["*"],
                                           secret=signing.new_secret())  # fmt: skip
        session.add(subscription)
        session.flush()
        for n in range(events):
            event_id = uuid.uuid4()
            ids.add(str(event_id))
            envelope = {"id": str(event_id), "type": "actor.updated",
                        "timestamp": utcnow().isoformat(), "data": {"n": n}}  # fmt: skip
            session.add(WebhookDelivery(subscription_id=subscription.id, event_id=event_id,
                                        event_type="actor.updated", payload=envelope))  # fmt: skip
        session.commit()
    return ids


def unfinished(engine: Engine) -> int:
    with Session(engine) as session:
        return session.execute(
            select(func.count())
            .select_from(WebhookDelivery)
            .where(col(WebhookDelivery.status) != DeliveryStatus.succeeded)
        ).scalar_one()


def wait(engine: Engine, seconds: float = 600) -> None:
    deadline = time.monotonic() + seconds
    while unfinished(engine) and time.monotonic() < deadline:
        time.sleep(0.1)


def two_threads(engine: Engine, lease: timedelta) -> None:
    workers = [Dispatcher(engine, allow_private=True, lease=lease) for _ in range(2)]
    stop = threading.Event()
    threads = [threading.Thread(target=w.run_forever, args=(stop,)) for w in workers]
    for thread in threads:
        thread.start()
    wait(engine)
    stop.set()
    for thread in threads:
        thread.join()


def two_processes_one_killed(engine: Engine, lease: timedelta, url: str, events: int) -> None:
    env = {**os.environ, "RADAR_DATABASE_URL": url, "RADAR_WEBHOOKS_ALLOW_PRIVATE": "true",
           "RADAR_WEBHOOKS_LEASE_SECONDS": str(lease.total_seconds()),
           "RADAR_LOG_LEVEL": "warning"}  # fmt: skip
    command = [sys.executable, "-m", "radar.cli", "worker"]
    killed, survivor = subprocess.Popen(command, env=env), subprocess.Popen(command, env=env)
    while sum(arrivals.values()) < events // 4 and killed.poll() is None:
        time.sleep(0.05)
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait()
    wait(engine)
    survivor.terminate()
    survivor.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--lease", type=float, default=1.0, help="seconds")
    parser.add_argument("--slow-every", type=int, default=100)
    parser.add_argument("--slow-seconds", type=float, default=1.5)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    slow.update(every=args.slow_every, seconds=args.slow_seconds)
    lease = timedelta(seconds=args.lease)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    hook = f"http://127.0.0.1:{server.server_address[1]}/hook"
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'lease.db'}"
        engine = make_engine(url)
        upgrade(engine)
        scenarios = {
            "2 workers": lambda: two_threads(engine, lease),
            "2 workers, 1 killed (SIGKILL)": lambda: two_processes_one_killed(
                engine, lease, url, args.events
            ),
        }
        for name, run in scenarios.items():
            ids = queue(engine, hook, args.events)
            arrivals.clear()
            started = time.perf_counter()
            run()
            seconds = time.perf_counter() - started
            duplicates = sum(times - 1 for times in arrivals.values())
            rows.append((name, args.events, sum(arrivals.values()), duplicates,
                         len(ids - set(arrivals)), seconds))  # fmt: skip
        engine.dispose()
    server.shutdown()
    print(f"{args.events} deliveries, lease {args.lease:g} s, one in {args.slow_every} taking "
          f"{args.slow_seconds:g} s at the receiver")  # fmt: skip
    print(f"| {'scenario':<30} | deliveries | sent | duplicates | lost | seconds |")
    print(f"| {'-' * 30} | ---------: | ---: | ---------: | ---: | ------: |")
    for name, events, sent, duplicates, lost, seconds in rows:
        print(f"| {name:<30} | {events:>10} | {sent:>4} | {duplicates:>10} | {lost:>4} | "
              f"{seconds:>7.1f} |")  # fmt: skip


if __name__ == "__main__":
    main()
