"""Bulk import speed: N synthetic actors with addresses, from CSV, into an empty SQLite database.

    python bench/import_bench.py [--actors 100000]

Each actor has an external_id, a name, a kind, 3 free-text topics (some naming taxonomy topics,
most free tags), 2 offers and 2 seeks, and a German street address (a real postcode and one of
its places, no coordinates, so every row is geocoded by the gazetteer on the way in). Prints the
total time, rows per second and peak memory (tracemalloc, measured in a second run of a tenth of
the rows), for the first import and for the re-run that finds everything unchanged.
"""

import argparse
import csv
import io
import random
import tempfile
import time
import tracemalloc
from pathlib import Path

from radar.db import make_engine, upgrade
from radar.geo.gazetteer import get_gazetteer
from radar.services.importer import read_records, run_import

TOPICS = ["Kunststofftechnik", "Wasserstoff", "künstliche Intelligenz", "Sensorik", "Robotik"]
TOPICS += [f"Fachgebiet {i}" for i in range(300)]


def synthetic_csv(n: int, rng: random.Random) -> str:
    postcodes = [pc for pc in get_gazetteer().postcodes.values() if pc.places]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["external_id", "name", "kind", "topics", "offers", "seeks", "street", "postcode", "city"]
    )
    for i in range(n):
        pc = rng.choice(postcodes)
        writer.writerow(
            [
                f"bench-{i}",
                f"Betrieb {i} GmbH",
                rng.choice(["company", "company", "startup", "research_institute"]),
                ";".join(rng.sample(TOPICS, 3)),
                ";".join(rng.sample(TOPICS, 2)),
                ";".join(rng.sample(TOPICS, 2)),
                f"Hauptstraße {rng.randint(1, 200)}",
                pc.code,
                rng.choice(pc.places),
            ]
        )
    return buffer.getvalue()


def timed_import(url: str, text: str) -> tuple[float, dict[str, int]]:
    engine = make_engine(url)
    start = time.perf_counter()
    report = run_import(engine, kind="actors", records=read_records(text, "csv", "actors"))
    seconds = time.perf_counter() - start
    engine.dispose()
    counts = {"created": report.created, "unchanged": report.unchanged, "invalid": report.invalid}
    return seconds, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--actors", type=int, default=100_000)
    args = parser.parse_args()
    rng = random.Random(1)
    text = synthetic_csv(args.actors, rng)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'import.db'}"
        upgrade(make_engine(url))
        first, counts = timed_import(url, text)
        second, again = timed_import(url, text)
        small = "\n".join(text.splitlines()[: args.actors // 10 + 1]) + "\n"
        small_url = f"sqlite:///{Path(tmp) / 'small.db'}"
        upgrade(make_engine(small_url))
        tracemalloc.start()
        timed_import(small_url, small.replace("bench-", "small-"))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    print(f"{args.actors:,} actors from CSV ({len(text) / 2**20:.1f} MiB), SQLite")
    print("| run | result | total | rows/s |")
    print("| --- | --- | --- | --- |")
    print(f"| first import | {counts} | {first:.1f} s | {args.actors / first:,.0f} |")
    print(f"| same file again | {again} | {second:.1f} s | {args.actors / second:,.0f} |")
    print(f"peak memory importing {args.actors // 10:,} rows: {peak / 2**20:.0f} MiB")
    print("target: 100,000 actors in <= 60 s")


if __name__ == "__main__":
    main()
