"""Offline geocoding: gazetteer load time and memory, and addresses geocoded per second.

    python bench/geocode_bench.py [--municipalities ../shared/data/suedwestfalen/municipalities.csv]

Addresses are synthetic but realistic: every German postcode with one of its places and a
street, the same places by name only (city precision), the Südwestfalen municipalities with a
state hint, and misspelt variants (umlauts spelled out or dropped). Target: >= 5,000/s.
"""

import argparse
import csv
import random
import statistics
import time
import tracemalloc
from pathlib import Path

from radar.geo.base import Address, parse_query
from radar.geo.gazetteer import Gazetteer


def addresses(gazetteer: Gazetteer, municipalities: Path | None) -> list[Address]:
    rng = random.Random(1)
    found: list[Address] = []
    for pc in gazetteer.postcodes.values():
        if pc.places:
            city = rng.choice(pc.places)
            found.append(
                Address(street=f"Hauptstraße {rng.randint(1, 99)}", postcode=pc.code, city=city)
            )
            found.append(
                Address(city=city.replace("ü", "ue").replace("ö", "oe").replace("ä", "ae"))
            )
    if municipalities is not None:
        with municipalities.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                found.append(Address(city=row["municipality"], state="NRW"))
    rng.shuffle(found)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--municipalities", type=Path, default=None)
    args = parser.parse_args()

    start = time.perf_counter()
    Gazetteer.from_package()
    load_s = time.perf_counter() - start
    tracemalloc.start()
    gazetteer = Gazetteer.from_package()
    _, peak = tracemalloc.get_traced_memory()
    retained, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    batch = addresses(gazetteer, args.municipalities)
    rates = []
    hits = 0
    for _ in range(5):
        start = time.perf_counter()
        hits = sum(gazetteer.geocode(address) is not None for address in batch)
        rates.append(len(batch) / (time.perf_counter() - start))
    lines = [f"{a.postcode or ''} {a.city}".strip() for a in batch[:20_000]]
    start = time.perf_counter()
    for line in lines:
        gazetteer.geocode(parse_query(line))
    parsed_rate = len(lines) / (time.perf_counter() - start)

    print(f"gazetteer: {len(gazetteer.places):,} places, {len(gazetteer.postcodes):,} postcodes")
    print("| measure | value |")
    print("| --- | --- |")
    print(f"| load time | {load_s * 1000:.0f} ms |")
    print(f"| memory retained after load | {retained / 2**20:.1f} MiB |")
    print(f"| peak memory during load | {peak / 2**20:.1f} MiB |")
    print(f"| addresses in the batch | {len(batch):,} ({hits / len(batch):.1%} found) |")
    print(f"| geocode, structured (median of 5 runs) | {statistics.median(rates):,.0f} /s |")
    print(f"| geocode, one-line query parsed first | {parsed_rate:,.0f} /s |")
    print(f"| target | 5,000 /s ({statistics.median(rates) / 5000:.1f}× the target) |")


if __name__ == "__main__":
    main()
