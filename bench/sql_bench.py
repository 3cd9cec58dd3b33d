"""The match index beside the same scoring written as one SQL query on PostgreSQL.

    python bench/sql_bench.py [--actors 100000] [--queries 30]
        [--url postgresql+psycopg://postgres@127.0.0.1:5432/radar_bench]

Synthetic actors as in match_bench.py, written into a fresh PostgreSQL database (dropped and
created again). The SQL side gets its own precomputed tables first — each actor's terms, the
terms' idf, the vectors' norms, offers, seeks, the ties of the collaboration network and the
degrees — so each query is one statement over indexed tables computing all seven components
with the default weights (tf-idf cosine, action-field Jaccard, haversine proximity,
complementarity, the kind matrix, tie-weighted Adamic–Adar, activity) and taking the top 20.
The engine's index is built from the same database. Prints p50/p95 of both, the ratio, and how
far their top 20s agree.
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).parent))
from match_bench import populate

from radar.db import make_engine, session_scope
from radar.matching.engine import DEFAULT_WEIGHTS, score_actor, top_positions
from radar.matching.index import KINDS, build_index
from radar.matching.signals import KIND_COMPLEMENT

PREPARE = """
DROP TABLE IF EXISTS bench_term, bench_idf, bench_norm, bench_offer, bench_seek, bench_tie,
    bench_degree, bench_kind;
CREATE TABLE bench_term AS
    SELECT DISTINCT a.id AS actor_id, lower(t) AS term
    FROM actor a, jsonb_array_elements_text(a.tags::jsonb) t;
CREATE TABLE bench_idf AS
    SELECT term, ln((:n + 1.0) / (count(*) + 1)) + 1 AS idf FROM bench_term GROUP BY term;
CREATE TABLE bench_norm AS
    SELECT actor_id, sqrt(sum(idf * idf)) AS norm
    FROM bench_term JOIN bench_idf USING (term) GROUP BY actor_id;
CREATE TABLE bench_offer AS
    SELECT DISTINCT a.id AS actor_id, lower(t) AS term
    FROM actor a, jsonb_array_elements_text(a.offers::jsonb) t;
CREATE TABLE bench_seek AS
    SELECT DISTINCT a.id AS actor_id, lower(t) AS term
    FROM actor a, jsonb_array_elements_text(a.seeks::jsonb) t;
CREATE TABLE bench_tie AS
    WITH sizes AS (SELECT idea_id, count(*) AS size FROM idea_participant GROUP BY idea_id)
    SELECT p1.actor_id AS a, p2.actor_id AS b,
           sum(1.0 / log(2, 1 + greatest(1, s.size - 1))) AS tie
    FROM idea_participant p1
    JOIN idea_participant p2 ON p2.idea_id = p1.idea_id AND p2.actor_id <> p1.actor_id
    JOIN sizes s ON s.idea_id = p1.idea_id
    GROUP BY p1.actor_id, p2.actor_id;
CREATE TABLE bench_degree AS SELECT a, count(*) AS deg FROM bench_tie GROUP BY a;
CREATE TABLE bench_kind (k1 varchar, k2 varchar, v float);
CREATE INDEX ON bench_term (term); CREATE INDEX ON bench_term (actor_id);
CREATE INDEX ON bench_idf (term); CREATE INDEX ON bench_norm (actor_id);
CREATE INDEX ON bench_offer (term); CREATE INDEX ON bench_offer (actor_id);
CREATE INDEX ON bench_seek (term); CREATE INDEX ON bench_seek (actor_id);
CREATE INDEX ON bench_tie (a); CREATE INDEX ON bench_degree (a);
"""

QUERY = """
WITH qt AS (SELECT term FROM bench_term WHERE actor_id = :q),
qf AS (SELECT action_field_slug AS slug FROM actor_action_field WHERE actor_id = :q),
topic AS (
    SELECT t.actor_id, sum(i.idf * i.idf) AS dot
    FROM bench_term t JOIN qt USING (term) JOIN bench_idf i USING (term) GROUP BY t.actor_id),
fields AS (
    SELECT f.actor_id, count(*) FILTER (WHERE f.action_field_slug IN (SELECT slug FROM qf))
        AS both_, count(*) AS theirs
    FROM actor_action_field f GROUP BY f.actor_id),
met AS (
    SELECT o.actor_id, count(*) AS n FROM bench_offer o
    WHERE o.term IN (SELECT term FROM bench_seek WHERE actor_id = :q) GROUP BY o.actor_id),
needs AS (
    SELECT s.actor_id, count(*) AS n FROM bench_seek s
    WHERE s.term IN (SELECT term FROM bench_offer WHERE actor_id = :q) GROUP BY s.actor_id),
aa AS (
    SELECT t2.b AS actor_id, sum(sqrt(t1.tie) * sqrt(t2.tie) / ln(2 + d.deg)) AS s
    FROM bench_tie t1 JOIN bench_tie t2 ON t2.a = t1.b JOIN bench_degree d ON d.a = t1.b
    WHERE t1.a = :q GROUP BY t2.b),
q AS (SELECT lat, lon, kind FROM actor WHERE id = :q),
qn AS (SELECT coalesce((SELECT norm FROM bench_norm WHERE actor_id = :q), 0) AS norm),
nf AS (SELECT count(*) AS n FROM qf),
maxdeg AS (SELECT greatest(max(deg), 1) AS m FROM bench_degree)
SELECT a.id,
    :w_topics * least(1.0, coalesce(topic.dot / nullif(n.norm * qn.norm, 0), 0))  -- no NULL
  + :w_fields * coalesce(fields.both_::float / nullif(fields.theirs + nf.n - fields.both_, 0), 0)
  + :w_proximity * coalesce(power(2.0, -(12742 * asin(sqrt(least(1.0,
        power(sin(radians(a.lat - q.lat) / 2), 2)
        + cos(radians(q.lat)) * cos(radians(a.lat)) * power(sin(radians(a.lon - q.lon) / 2), 2)
      )))) / :half), 0)
  + :w_complementarity * (1 - power(2.0, -(coalesce(met.n, 0) + coalesce(needs.n, 0))))
  + :w_kinds * coalesce(k.v, 0.3)
  + :w_network * (1 - exp(-coalesce(aa.s, 0)))
  + :w_activity * coalesce(ln(1 + d2.deg) / ln(1 + maxdeg.m), 0) AS score
FROM actor a CROSS JOIN q CROSS JOIN qn CROSS JOIN nf CROSS JOIN maxdeg
LEFT JOIN bench_norm n ON n.actor_id = a.id
LEFT JOIN topic ON topic.actor_id = a.id
LEFT JOIN fields ON fields.actor_id = a.id
LEFT JOIN met ON met.actor_id = a.id
LEFT JOIN needs ON needs.actor_id = a.id
LEFT JOIN aa ON aa.actor_id = a.id
LEFT JOIN bench_degree d2 ON d2.a = a.id
LEFT JOIN bench_kind k ON k.k1 = q.kind AND k.k2 = a.kind
WHERE a.id <> :q
ORDER BY score DESC, a.id
LIMIT 20
"""


def fresh_database(url: str) -> None:
    parsed = make_url(url)
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{parsed.database}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--actors", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=30)
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/radar_bench")
    args = parser.parse_args()
    fresh_database(args.url)
    rng = random.Random(args.actors)
    populate(args.url, args.actors, rng)
    engine = make_engine(args.url)
    start = time.perf_counter()
    with engine.begin() as connection:
        for statement in PREPARE.split(";"):
            if statement.strip():
                connection.execute(sa.text(statement), {"n": args.actors})
        connection.execute(
            sa.text("INSERT INTO bench_kind VALUES (:k1, :k2, :v)"),
            [
                {"k1": a.value, "k2": b.value, "v": float(KIND_COMPLEMENT[i, j])}
                for i, a in enumerate(KINDS)
                for j, b in enumerate(KINDS)
            ],
        )
        connection.execute(sa.text("ANALYZE"))
    prepare_s = time.perf_counter() - start
    start = time.perf_counter()
    with session_scope(engine, write=False) as session:
        index = build_index(session)
    build_s = time.perf_counter() - start
    weights = {f"w_{k}": v for k, v in DEFAULT_WEIGHTS.items()}
    weights["w_fields"] = weights.pop("w_action_fields")
    queries = rng.sample(range(index.size), args.queries)
    sql_ms, engine_ms, overlap = [], [], []
    allowed_all = index.visibility >= 0
    with engine.connect() as connection:
        for q in queries:
            actor_id = index.ids[q]
            start = time.perf_counter()
            rows = connection.execute(
                sa.text(QUERY), {"q": actor_id, "half": 30.0, **weights}
            ).all()
            sql_ms.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            scores = score_actor(index, q)
            allowed = allowed_all.copy()
            allowed[q] = False
            top = top_positions(scores.total, allowed, 20)
            engine_ms.append((time.perf_counter() - start) * 1000)
            mine = {index.ids[i] for i in top}
            overlap.append(len(mine & {row[0] for row in rows}) / 20)
    engine.dispose()
    sql_ms.sort()
    engine_ms.sort()

    def p95(samples: list[float]) -> float:
        return samples[max(0, int(len(samples) * 0.95) - 1)]

    print(f"{args.actors:,} actors on PostgreSQL; {args.queries} queries (top 20)")
    print(f"SQL tables prepared in {prepare_s:.1f} s; index built in {build_s:.1f} s")
    print("| scorer | p50 | p95 |")
    print("| --- | --- | --- |")
    print(f"| one SQL query | {statistics.median(sql_ms):,.1f} ms | {p95(sql_ms):,.1f} ms |")
    print(f"| match index | {statistics.median(engine_ms):,.1f} ms | {p95(engine_ms):,.1f} ms |")
    ratio = statistics.median(sql_ms) / statistics.median(engine_ms)
    print(f"index is {ratio:,.0f}× faster (target >= 10×); top-20 agreement "
          f"{statistics.mean(overlap):.0%}")  # fmt: skip


if __name__ == "__main__":
    main()
