"""Matching speed: top-20 actor → actors over N synthetic actors.

    python bench/match_bench.py [--sizes 10000 100000] [--queries 200]

Synthetic actors: about 8 topics each from 300 free tags (Zipf-distributed, so some are common
and most rare), 1–2 action fields, 2 offers and 2 seeks, positions spread over Germany, and a
network from joint projects of 2–8 participants (one per 4 actors). They are written with
SQLAlchemy core into a temporary SQLite database migrated to head; the index is built from it
as the service builds it. Prints index build time, peak and retained (index) memory
(tracemalloc) and p50/p95 of one
query (score every actor, take the top 20), and of what the endpoint adds (the needs re-rank and
the reasons of the 20), beside a naive pairwise Python scorer using geopy
distances (on a sample of candidates, extrapolated to N); then the incremental refresh of the
index after 1 and after 100 actor updates, and a query's p50 with those in the overlay.
"""

import argparse
import random
import statistics
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

from sqlalchemy import Engine, insert

from radar.db import make_engine, session_scope, upgrade
from radar.matching.diversity import diversified_top
from radar.matching.engine import DEFAULT_WEIGHTS, MatchEngine, score_actor, top_positions
from radar.matching.explain import explain_all
from radar.matching.index import MatchIndex, build_index
from radar.models.action_field import ActionField
from radar.models.actor import Actor, ActorActionField, ActorUpdate
from radar.models.idea import Idea, IdeaParticipant
from radar.services import actors
from radar.services.access import SYSTEM

TAGS = [f"Thema {i}" for i in range(300)]
KINDS = ["company"] * 6 + ["university", "research_institute", "startup", "network"]


def populate(url: str, n: int, rng: random.Random) -> None:
    engine = make_engine(url)
    upgrade(engine)
    weights = [1 / (rank + 1) for rank in range(len(TAGS))]
    with session_scope(engine) as session:
        fields = list(
            session.scalars(
                ActionField.__table__.select().with_only_columns(ActionField.__table__.c.slug)
            )
        )
        ids = [uuid.uuid4() for _ in range(n)]
        actors, links = [], []
        for actor_id in ids:
            tags = sorted(set(rng.choices(TAGS, weights=weights, k=8)))
            lat, lon = rng.uniform(47.4, 54.9), rng.uniform(6.0, 14.9)
            actors.append(
                {
                    "id": actor_id,
                    "name": f"Actor {actor_id.hex[:8]}",
                    "kind": rng.choice(KINDS),
                    "description": "",
                    "country": "DE",
                    "lat": lat,
                    "lon": lon,
                    "shown_lat": lat,  # exact: shown where it is
                    "shown_lon": lon,
                    "location_precision": "exact",
                    "visibility": "members",
                    "tags": tags,
                    "offers": rng.sample(TAGS, 2),
                    "seeks": rng.sample(TAGS, 2),
                    "search_text": "",
                    "version": 1,
                }
            )
            for slug in rng.sample(fields, rng.randint(1, 2)):
                links.append({"actor_id": actor_id, "action_field_slug": slug})
        for start in range(0, n, 5000):
            session.execute(insert(Actor), actors[start : start + 5000])
        session.execute(insert(ActorActionField), links)
        ideas, participants = [], []
        for _ in range(n // 4):
            idea_id = uuid.uuid4()
            ideas.append(
                {
                    "id": idea_id,
                    "title": "Projekt",
                    "summary": "",
                    "kind": "joint_project",
                    "status": "completed",
                    "tags": [],
                    "seeking_topics": [],
                    "seeking_kinds": [],
                    "search_text": "",
                    "version": 1,
                }
            )
            for actor_id in rng.sample(ids, rng.randint(2, 8)):
                participants.append({"idea_id": idea_id, "actor_id": actor_id, "role": "partner"})
        for start in range(0, len(ideas), 5000):
            session.execute(insert(Idea), ideas[start : start + 5000])
        for start in range(0, len(participants), 5000):
            session.execute(insert(IdeaParticipant), participants[start : start + 5000])
    engine.dispose()


def naive_ms(index: MatchIndex, q: int, sample: int) -> float:
    """A pairwise Python scorer (sets, geopy distances) over `sample` candidates, in ms per N."""
    from geopy.distance import great_circle

    terms = [set(index.actor_terms.row(i)[0].tolist()) for i in range(index.size)]
    start = time.perf_counter()
    mine = terms[q]
    scored = []
    for c in range(sample):
        shared = len(mine & terms[c]) / max(1, len(mine | terms[c]))
        km = great_circle((index.lat[q], index.lon[q]), (index.lat[c], index.lon[c])).km
        fields = bin(int(index.action_fields[q]) & int(index.action_fields[c])).count("1")
        scored.append((0.5 * shared + 0.3 * 2 ** (-km / 30) + 0.2 * fields, c))
    scored.sort(reverse=True)
    return (time.perf_counter() - start) * 1000 * index.size / sample


def refresh_times(
    engine: Engine, index: MatchIndex, rng: random.Random
) -> tuple[float, float, float]:
    """Incremental refresh after one actor update and after 100 (through the service, which
    records the events), and the p50 of a match with those 100 in the overlay."""
    matcher = MatchEngine(build=lambda session: index)
    with session_scope(engine, write=False) as session:
        matcher.index(session)
    times = []
    for count in (1, 100):
        chosen = rng.sample(index.ids, count)
        with session_scope(engine) as session:
            for actor_id in chosen:
                actors.update_actor(
                    session, actor_id=actor_id, principal=SYSTEM,
                    data=ActorUpdate(tags=[f"Neu {rng.randint(0, 50)}", "Galvanik"]),
                )  # fmt: skip
        with session_scope(engine, write=False) as session:
            start = time.perf_counter()
            matcher.index(session)
            times.append((time.perf_counter() - start) * 1000)
    with session_scope(engine, write=False) as session:
        fresh = matcher.index(session)
    assert matcher.refreshes == 2, "expected incremental refreshes"
    samples = []
    for q in rng.sample(range(fresh.size), 100):
        start = time.perf_counter()
        score_actor(fresh, q)
        samples.append((time.perf_counter() - start) * 1000)
    return times[0], times[1], statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    rows = []
    refreshes: list[tuple[int, float, float, float]] = []
    suggestions: list[tuple[int, float, float]] = []
    for n in args.sizes:
        rng = random.Random(n)
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{Path(tmp) / 'bench.db'}"
            populate(url, n, rng)
            engine = make_engine(url)
            start = time.perf_counter()
            with session_scope(engine, write=False) as session:
                index = build_index(session)
            build_s = time.perf_counter() - start
            del index
            # Memory in a second build: tracemalloc slows what it watches several-fold.
            tracemalloc.start()
            with session_scope(engine, write=False) as session:
                index = build_index(session)
            retained, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            refresh_ms = refresh_times(engine, index, rng)
            engine.dispose()
        samples, served = [], []
        allowed_all = index.visibility >= 0
        for q in rng.sample(range(n), min(args.queries, n)):
            start = time.perf_counter()
            scores = score_actor(index, q)
            allowed = allowed_all.copy()
            allowed[q] = False
            top_positions(scores.total, allowed, 20)
            samples.append((time.perf_counter() - start) * 1000)
            # What the endpoint adds: the needs re-rank and the reasons of the 20.
            start = time.perf_counter()
            top = diversified_top(index, scores, allowed, 20)
            explain_all(index, q, top, scores, {}, weights=DEFAULT_WEIGHTS)
            served.append(samples[-1] + (time.perf_counter() - start) * 1000)
        samples.sort()
        served.sort()
        p50, p95 = statistics.median(samples), samples[int(len(samples) * 0.95) - 1]
        full50, full95 = statistics.median(served), served[int(len(served) * 0.95) - 1]
        naive = naive_ms(index, 0, min(n, 20_000))
        rows.append((n, build_s, peak / 2**20, retained / 2**20, p50, p95, naive))
        suggestions.append((n, full50, full95))
        refreshes.append((n, *refresh_ms))
    print(
        "| actors | index build | peak memory | index memory | p50 | p95 "
        "| naive Python (geopy) | speed-up |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for n, build_s, peak_mb, index_mb, p50, p95, naive in rows:
        print(
            f"| {n:,} | {build_s:.1f} s | {peak_mb:.0f} MiB | {index_mb:.0f} MiB | {p50:.1f} ms "
            f"| {p95:.1f} ms | {naive:,.0f} ms | {naive / p50:.0f}× |"
        )
    print()
    print("| actors | top 20 re-ranked by needs, with reasons: p50 | p95 |")
    print("| --- | --- | --- |")
    for n, full50, full95 in suggestions:
        print(f"| {n:,} | {full50:.1f} ms | {full95:.1f} ms |")
    print()
    print("| actors | refresh after 1 write | after 100 writes | p50 with 100 changed |")
    print("| --- | --- | --- | --- |")
    for n, one, hundred, p50_overlay in refreshes:
        print(f"| {n:,} | {one:.0f} ms | {hundred:.0f} ms | {p50_overlay:.1f} ms |")


if __name__ == "__main__":
    main()
