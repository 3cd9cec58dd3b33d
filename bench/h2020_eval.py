"""Matching quality on real collaborations: does the engine predict who works together next?

    python bench/h2020_eval.py ../shared/data/h2020 [--db h2020.db] [--weights '{"network": 1}']

The task and metrics are those of the data set's README: the `history` projects are imported
through the bulk importer (bench/h2020_convert.py, then `run_import`) as completed joint
projects; for every organisation active in history with at least one new partner in the `dev`
projects (one it never shared a history project with), the engine ranks the candidates (the
organisations active in history), excluding the organisation itself and its history partners,
with the same function and default settings that serve `GET /v1/actors/{id}/matches`. Prints
P@10, R@50 and MRR@50 beside the README's reference rankers, and the same for each signal
alone (which shows what each contributes). `--db` keeps the imported database for re-runs.
"""

import argparse
import csv
import json
import random
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from sqlalchemy import select
from sqlmodel import col

sys.path.insert(0, str(Path(__file__).parent))
from h2020_convert import convert

from radar.db import make_engine, session_scope, upgrade
from radar.matching.engine import COMPONENTS, DEFAULT_WEIGHTS, score_actor, top_positions
from radar.matching.index import MatchIndex, build_index
from radar.models.actor import Actor
from radar.services.importer import read_records, run_import

REFERENCES = [
    ("random", 0.003, 0.009, 0.013),
    ("topic tf-idf cosine (title tokens)", 0.028, 0.050, 0.078),
    ("popularity (number of history partners)", 0.108, 0.172, 0.267),
    ("Adamic–Adar on the history network", 0.114, 0.184, 0.274),
    ("Adamic–Adar + 0.01 × partners × cosine", 0.128, 0.216, 0.313),
]
MAX_QUERIES = 1500


def ground_truth(source: Path) -> tuple[set[str], dict[str, set[str]], dict[str, set[str]]]:
    """(organisations active in history, their history partners, their new dev partners
    among those active in history)."""
    split = {}
    with (source / "projects.csv").open(encoding="utf-8") as fh:
        split = {row["rcn"]: row["split"] for row in csv.DictReader(fh)}
    members: dict[str, set[str]] = defaultdict(set)
    with (source / "participations.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            members[row["rcn"]].add(row["pic"])
    active: set[str] = set()
    history: dict[str, set[str]] = defaultdict(set)
    for rcn, pics in members.items():
        if split.get(rcn) == "history":
            active |= pics
            for pic in pics:
                history[pic] |= pics - {pic}
    new: dict[str, set[str]] = defaultdict(set)
    for rcn, pics in members.items():
        if split.get(rcn) == "dev":
            for pic in pics & active:
                new[pic] |= (pics & active) - {pic} - history[pic]
    return active, history, {pic: found for pic, found in new.items() if found}


def import_history(source: Path, url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    with tempfile.TemporaryDirectory() as tmp:
        convert(source, Path(tmp))
        for kind in ("actors", "ideas"):
            text = (Path(tmp) / f"{kind}.jsonl").read_text(encoding="utf-8")
            start = time.perf_counter()
            records = read_records(text, "jsonl", kind)  # type: ignore[arg-type]
            report = run_import(engine, kind=kind, records=records)  # type: ignore[arg-type]
            print(
                f"imported {kind}: {report.created:,} created, {report.invalid} invalid "
                f"({time.perf_counter() - start:.0f} s)",
                file=sys.stderr,
            )
    engine.dispose()


def evaluate(
    index: MatchIndex,
    queries: list[tuple[int, set[int], set[int]]],
    candidates: np.ndarray,
    weights: Mapping[str, float],
) -> tuple[float, float, float]:
    """Mean P@10, R@50, MRR@50 over (query position, history partners, new partners)."""
    p10 = r50 = mrr = 0.0
    for q, history, new in queries:
        total = score_actor(index, q, weights=weights).total
        allowed = candidates.copy()
        allowed[q] = False
        allowed[list(history)] = False
        top = top_positions(total, allowed, 50)
        hits = [i in new for i in top]
        p10 += sum(hits[:10]) / 10
        r50 += sum(hits) / len(new)
        mrr += next((1 / (rank + 1) for rank, hit in enumerate(hits) if hit), 0.0)
    n = len(queries)
    return p10 / n, r50 / n, mrr / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("source", type=Path, help="the h2020 data folder")
    parser.add_argument("--db", type=Path, help="SQLite file to keep the import in")
    parser.add_argument("--weights", type=json.loads, help="weights to try (JSON object)")
    parser.add_argument("--no-ablation", action="store_true", help="skip single signals")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "h2020.db"
        url = f"sqlite:///{db.resolve()}"
        if not db.exists():
            import_history(args.source, url)
        engine = make_engine(url)
        start = time.perf_counter()
        with session_scope(engine) as session:
            index = build_index(session)
            ids = dict(session.execute(select(col(Actor.external_id), col(Actor.id))).all())
        print(f"index of {index.size:,} actors built in {time.perf_counter() - start:.1f} s")
        engine.dispose()
    active, history, new = ground_truth(args.source)
    at = {pic: index.position[ids[pic]] for pic in active if pic in ids}
    candidates = np.zeros(index.size, dtype=bool)
    candidates[list(at.values())] = True
    pics = sorted(pic for pic in new if pic in at)
    if len(pics) > MAX_QUERIES:
        pics = sorted(random.Random(1).sample(pics, MAX_QUERIES))
    queries = [
        (at[pic], {at[p] for p in history[pic] if p in at}, {at[p] for p in new[pic] if p in at})
        for pic in pics
    ]
    print(f"{len(queries):,} query organisations, {int(candidates.sum()):,} candidates")
    rows = [(name, p10, r50, mrr, "README") for name, p10, r50, mrr in REFERENCES]
    start = time.perf_counter()
    default = evaluate(index, queries, candidates, DEFAULT_WEIGHTS)
    seconds = time.perf_counter() - start
    rows.append(("Radar, default settings", *default, "this run"))
    tried = [(f"weights {json.dumps(args.weights)}", args.weights)] if args.weights else []
    if not args.no_ablation:
        tried += [(f"{name} alone", {name: 1.0}) for name in COMPONENTS]
    for label, weights in tried:
        rows.append((f"Radar, {label}", *evaluate(index, queries, candidates, weights), "this run"))
    print("| ranker | P@10 | R@50 | MRR@50 | source |")
    print("| --- | --- | --- | --- | --- |")
    for name, p10, r50, mrr, where in rows:
        print(f"| {name} | {p10:.3f} | {r50:.3f} | {mrr:.3f} | {where} |")
    best = REFERENCES[-1]
    verdicts = [
        f"{name} {ours:.4f} vs {theirs:.3f} {'✓' if round(ours, 3) >= theirs else '✗'}"
        for name, ours, theirs in zip(("P@10", "R@50", "MRR@50"), default, best[1:], strict=True)
    ]
    print(
        f"default vs best reference (target: no worse on each): {', '.join(verdicts)}; "
        f"{seconds / len(queries) * 1000:.1f} ms per query"
    )


if __name__ == "__main__":
    main()
