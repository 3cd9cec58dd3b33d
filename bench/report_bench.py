"""The report for 10,000 actors: median and p95 of building it, in-process, and where the time
goes.

    python bench/report_bench.py [--actors 10000] [--rounds 5] [--postgres URL]

The synthetic region of `statistics_bench.py` (the same generator and seed) in a temporary
SQLite database (and, with `--postgres`, in a fresh database on that server). Each round
gathers the report's figures and writes the document, as an admin (as `radar report` does):
with a fresh match index, as the command builds it in a process of its own, in HTML and in
PDF; and with the index kept warm, as the server answers `GET /v1/reports/overview` after its
first request. Target: under 10 s for 10,000 actors.
"""

import argparse
import random
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from statistics_bench import populate, postgres_database

from radar.db import make_engine, session_scope
from radar.matching.engine import MatchEngine
from radar.report.data import PAIR_SCAN_SECONDS, STEPS, gather_report
from radar.report.html import render_html
from radar.report.pdf import render_pdf
from radar.services.access import SYSTEM
from radar.services.match_potential import SCAN_SECONDS
from radar.settings import Settings

Render = Callable[..., bytes]
CASES: list[tuple[str, str, bool]] = [
    ("HTML, fresh index (`radar report`)", "html", True),
    ("PDF, fresh index (`radar report --format pdf`)", "pdf", True),
    (
        "HTML, warm index (`GET /v1/reports/overview`, drawn once per version of the data)",
        "html",
        False,
    ),
]


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(len(ordered) * 0.95) - 1)]


def measure(url: str, label: str, n: int, rounds: int) -> None:
    started = time.perf_counter()
    populate(url, n, random.Random(22))
    print(f"\n{label}: {n:,} actors written in {time.perf_counter() - started:,.0f} s")
    engine = make_engine(url)
    settings = Settings(database_url=url)
    warm = MatchEngine()
    with session_scope(engine, write=False) as session:
        gather_report(session, engine=warm, principal=SYSTEM, settings=settings)
    steps: dict[str, list[float]] = defaultdict(list)
    print(f"median and p95 of {rounds} reports, as an admin")
    print("| report | median | p95 | size |")
    print("| --- | --- | --- | --- |")
    for name, fmt, fresh in CASES:
        samples, size = [], 0
        for _ in range(rounds):
            match_engine = MatchEngine() if fresh else warm
            with session_scope(engine, write=False) as session:
                start = last = time.perf_counter()

                def step(done: str, fresh: bool = fresh, fmt: str = fmt) -> None:
                    nonlocal last
                    now = time.perf_counter()
                    if fresh and fmt == "html":
                        steps[done].append(now - last)
                    last = now

                # The API samples the pairs within a request's budget; the command scans more.
                budget = PAIR_SCAN_SECONDS if fresh else SCAN_SECONDS
                data = gather_report(
                    session, engine=match_engine, principal=SYSTEM, settings=settings,
                    on_step=step, pair_scan_seconds=budget,
                )  # fmt: skip
                if fmt == "pdf":
                    size = len(render_pdf(data, on_step=step))
                else:
                    size = len(render_html(data, on_step=step).encode("utf-8"))
                samples.append(time.perf_counter() - start)
        print(
            f"| {name} | {statistics.median(samples):,.2f} s | {_p95(samples):,.2f} s "
            f"| {size / 1024:,.0f} KiB |"
        )
    print("\nwhere the time of the fresh HTML report goes (median of each step)")
    print("| step | median |")
    print("| --- | --- |")
    for name in STEPS:
        print(f"| {name} | {statistics.median(steps[name]):,.2f} s |")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--actors", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--postgres", help="a PostgreSQL server URL to measure on as well")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        measure(f"sqlite:///{Path(tmp) / 'report.db'}", "SQLite", args.actors, args.rounds)
    if args.postgres:
        with postgres_database(args.postgres) as url:
            measure(url, "PostgreSQL", args.actors, args.rounds)


if __name__ == "__main__":
    main()
