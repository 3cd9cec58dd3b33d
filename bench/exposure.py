"""Fair exposure and the demo's stories: who the default suggestions show, and whether they meet
what the demo actors say they seek.

    python bench/exposure.py [--database-url URL] [--actor NAME ...] [--json FILE]

The demo data set is loaded into a fresh database (a temporary SQLite file unless
`--database-url` names another). For every demo actor its default top-10 `match_actor` list
is taken (as an admin, default settings, through the service function of the API). Printed:
the share of lists the most exposed actor appears in (target ≤ 35 %), the ten most exposed
actors, the coverage (the share of actors that appear in at least one list; target ≥ 50 %),
the Gini coefficient of the appearances (0: all shown equally often, 1: one actor in every
list), the share of list places by actor kind, and the mean number of met needs per list as
the engine sees them (suggestions with components["complementarity"] > 0) beside this bench's
own reading (suggestions that offer something the actor seeks) and the most there could be.

This bench reads a need as met when an offer is written as the need is (case, umlauts and
hyphens aside), or when both name taxonomy topics (a label or synonym, whole or as words of
the text, with a plural ending) and an offered topic is the sought one or below it in the tree.

The stories (`--actor` substrings of names, repeatable; by default Homert, Ruhrtal, Burgstadt
Ketten, Hengsteysee and Lahntal Medizintechnik): the actor's seeks and offers, its top 10 with
score, kind, distance and the first two reasons in German and English, ✓ where the suggestion
offers something the actor seeks, and where the expected partner ranks: Homert Schaltersysteme
should find the actor offering "Design for Recycling", Ruhrtal should find Klimakontor.
"""

import argparse
import json
import re
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from radar.db import make_engine, session_scope, upgrade
from radar.demo import demo_data, load_demo
from radar.matching.engine import MatchEngine
from radar.models.actor import Actor
from radar.models.topic import Topic
from radar.services.access import SYSTEM
from radar.services.matches import match_actor

LIST_LENGTH = 10
DEFAULT_STORIES = ("Homert", "Ruhrtal", "Burgstadt Ketten", "Hengsteysee", "Lahntal Medizintechnik")
# (story name contains, who the expected partner is, how it is described)
EXPECTED: tuple[tuple[str, Callable[[dict[str, Any]], bool], str], ...] = (
    ("Homert", lambda r: "Design for Recycling" in r["offers"], "offers Design for Recycling"),
    ("Ruhrtal", lambda r: "Klimakontor" in r["name"], "offers CO2-Bilanzierung"),
)
SPELT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})


def key(text: str) -> str:
    """Lower case, umlauts spelled out, hyphens as spaces."""
    return " ".join(text.casefold().translate(SPELT).replace("-", " ").split())


class NeedReader:
    """This bench's own reading of whether an offer meets a need, from the taxonomy alone."""

    def __init__(self, topics: Iterable[Topic]) -> None:
        self.parent: dict[str, str | None] = {}
        self.names: dict[str, set[str]] = defaultdict(set)
        for t in topics:
            self.parent[t.slug] = t.parent_slug
            for name in (t.slug.replace("-", " "), t.label_de, t.label_en, *t.synonyms):
                self.names[key(name)].add(t.slug)
        self._read: dict[str, set[str]] = {}

    def topics(self, text: str) -> set[str]:
        """The topics a text names: whole, else as words of it (a plural ending allowed)."""
        k = key(text)
        if k not in self._read:
            found = set(self.names.get(k, set()))
            if not found:
                for name, slugs in self.names.items():
                    if len(name) >= 3 and re.search(
                        rf"(?<!\w){re.escape(name)}(?:e|n|en|s|er)?(?!\w)", k
                    ):
                        found |= slugs
            self._read[k] = found
        return self._read[k]

    def lineage(self, slug: str) -> list[str]:
        chain = [slug]
        while (parent := self.parent.get(chain[-1])) is not None:
            chain.append(parent)
        return chain

    def met(self, seeks: Sequence[str], offers: Sequence[str]) -> list[str]:
        """The offers that meet one of the needs."""
        return [
            offer
            for offer in offers
            if any(
                key(seek) == key(offer)
                or any(s in self.lineage(o) for s in self.topics(seek) for o in self.topics(offer))
                for seek in seeks
            )
        ]


@dataclass(frozen=True)
class Profile:
    id: uuid.UUID
    name: str
    kind: str
    district: str | None
    offers: list[str]
    seeks: list[str]
    demo: bool


def read_profiles(session: Session) -> dict[uuid.UUID, Profile]:
    demo_ids = {r["external_id"] for r in demo_data()["actors"]}
    rows = session.execute(select(Actor).order_by(col(Actor.name))).scalars()
    return {
        a.id: Profile(
            a.id, a.name, a.kind.value, a.district, list(a.offers), list(a.seeks),
            a.external_id in demo_ids,
        )
        for a in rows
    }  # fmt: skip


def gini(values: Sequence[int]) -> float:
    ordered = sorted(values)
    n, total = len(ordered), sum(ordered)
    if n == 0 or total == 0:
        return 0.0
    return 2 * sum((i + 1) * v for i, v in enumerate(ordered)) / (n * total) - (n + 1) / n


def percent(share: float) -> str:
    return f"{share * 100:.1f} %"


def exposure(
    lists: dict[uuid.UUID, list[Any]], profiles: dict[uuid.UUID, Profile], reader: NeedReader
) -> dict[str, Any]:
    """The exposure figures over the lists (one per demo actor)."""
    appearances = Counter(m.actor.id for found in lists.values() for m in found)
    counts = [appearances[i] for i in profiles]
    ranked = sorted(profiles, key=lambda i: (-appearances[i], profiles[i].name))
    slots_by_kind = Counter(profiles[m.actor.id].kind for found in lists.values() for m in found)
    slots = sum(slots_by_kind.values()) or 1
    met_engine = [
        sum(m.components.get("complementarity", 0) > 0 for m in found) for found in lists.values()
    ]
    met_read = [
        sum(bool(reader.met(profiles[q].seeks, profiles[m.actor.id].offers)) for m in found)
        for q, found in lists.items()
    ]
    possible = [
        min(
            LIST_LENGTH,
            sum(
                bool(reader.met(profiles[q].seeks, p.offers))
                for p in profiles.values()
                if p.id != q
            ),
        )
        for q in lists
    ]
    n = len(lists) or 1
    top = ranked[0]
    return {
        "lists": len(lists),
        "actors": len(profiles),
        "most_exposed": {"name": profiles[top].name, "share": appearances[top] / n},
        "top10": [
            {
                "name": profiles[i].name,
                "kind": profiles[i].kind,
                "lists": appearances[i],
                "share": appearances[i] / n,
            }
            for i in ranked[:10]
        ],
        "coverage": sum(c > 0 for c in counts) / len(counts),
        "covered": sum(c > 0 for c in counts),
        "gini": gini(counts),
        "kinds": {
            kind: {"actors": count / len(profiles), "places": slots_by_kind[kind] / slots}
            for kind, count in Counter(p.kind for p in profiles.values()).most_common()
        },
        "mean_met_needs_engine": sum(met_engine) / n,
        "mean_offering_sought": sum(met_read) / n,
        "mean_possible": sum(possible) / n,
    }


def print_exposure(figures: dict[str, Any]) -> None:
    most = figures["most_exposed"]
    print("## Exposure\n")
    print("| measure | value | target |")
    print("| --- | --- | --- |")
    share = f"{percent(most['share'])} ({most['name']})"
    print(f"| most exposed actor: share of lists | {share} | ≤ 35 % |")
    print(
        f"| coverage: actors in at least one list | {percent(figures['coverage'])} "
        f"({figures['covered']} of {figures['actors']}) | ≥ 50 % |"
    )
    print(f"| Gini coefficient of appearances | {figures['gini']:.2f} | |")
    print(
        "| mean met needs per list (engine: complementarity > 0) "
        f"| {figures['mean_met_needs_engine']:.2f} of {LIST_LENGTH} | |"
    )
    print(
        "| mean suggestions that offer what the actor seeks (this bench's reading) "
        f"| {figures['mean_offering_sought']:.2f} of {LIST_LENGTH} | |"
    )
    print(
        "| the most there could be (actors offering what it seeks, at most 10) "
        f"| {figures['mean_possible']:.2f} | |"
    )
    print("\n## The 10 most exposed actors\n")
    print("| # | actor | kind | lists | share |")
    print("| --- | --- | --- | --- | --- |")
    for rank, row in enumerate(figures["top10"], start=1):
        print(
            f"| {rank} | {row['name']} | {row['kind']} | {row['lists']} | {percent(row['share'])} |"
        )
    print("\n## List places by kind\n")
    print("| kind | share of actors | share of list places |")
    print("| --- | --- | --- |")
    for kind, row in figures["kinds"].items():
        print(f"| {kind} | {percent(row['actors'])} | {percent(row['places'])} |")
    print()


def story(
    session: Session,
    engine: MatchEngine,
    actor: Profile,
    profiles: dict[uuid.UUID, Profile],
    reader: NeedReader,
) -> dict[str, Any]:
    """The actor's top 10, what each offers of what it seeks, and its expected partner's rank."""
    everyone = match_actor(
        session, engine=engine, actor_id=actor.id, principal=SYSTEM, limit=len(profiles)
    ).data
    found = match_actor(
        session, engine=engine, actor_id=actor.id, principal=SYSTEM, limit=LIST_LENGTH
    ).data
    rows = [
        {
            "name": m.actor.name,
            "kind": m.actor.kind.value,
            "score": m.score,
            "distance_km": m.distance_km,
            "complementarity": m.components.get("complementarity", 0),
            "meets": reader.met(actor.seeks, profiles[m.actor.id].offers),
            "reasons": [{"de": r.de, "en": r.en} for r in m.reasons[:2]],
        }
        for m in found
    ]
    expected = None
    records = demo_data()["actors"]
    for fragment, is_partner, described in EXPECTED:
        if fragment in actor.name:
            partner = next(r["name"] for r in records if is_partner(r) and r["name"] != actor.name)
            names = [m.actor.name for m in everyone]
            rank = names.index(partner) + 1 if partner in names else None
            expected = {"name": partner, "described": described, "rank": rank}
    return {
        "name": actor.name, "kind": actor.kind, "district": actor.district,
        "seeks": actor.seeks, "offers": actor.offers, "top10": rows, "expected": expected,
    }  # fmt: skip


def print_story(told: dict[str, Any]) -> None:
    print(f"### {told['name']} ({told['kind']}, {told['district']})\n")
    print(f"seeks: {' · '.join(told['seeks']) or '—'}  ")
    print(f"offers: {' · '.join(told['offers']) or '—'}\n")
    print(
        "| # | offers what it seeks | suggestion | kind | score | km | complementarity "
        "| reasons (de) | reasons (en) |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for rank, row in enumerate(told["top10"], start=1):
        meets = f"✓ {', '.join(row['meets'])}" if row["meets"] else ""
        km = "—" if row["distance_km"] is None else f"{row['distance_km']:.0f}"
        de = " · ".join(r["de"] for r in row["reasons"])
        en = " · ".join(r["en"] for r in row["reasons"])
        print(
            f"| {rank} | {meets} | {row['name']} | {row['kind']} | {row['score']:.3f} | {km} "
            f"| {row['complementarity']:.2f} | {de} | {en} |"
        )
    hits = sum(bool(row["meets"]) for row in told["top10"])
    print(f"\n{hits} of {len(told['top10'])} offer something it seeks.", end="")
    if (expected := told["expected"]) is not None:
        rank = expected["rank"]
        at = f"rank {rank}" if rank is not None else "not listed"
        print(
            f" Expected partner {expected['name']} ({expected['described']}): {at}; "
            f"top 3 {'✓' if rank is not None and rank <= 3 else '✗'}, "
            f"top 10 {'✓' if rank is not None and rank <= 10 else '✗'}.",
            end="",
        )
    print("\n")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", help="a database to use instead of a temporary one")
    parser.add_argument(
        "--actor", action="append", metavar="NAME", help="tell this actor's story (repeatable)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(args.database_url or f"sqlite:///{Path(tmp) / 'exposure.db'}")
        upgrade(engine)
        with session_scope(engine) as session:
            load_demo(session)
        with session_scope(engine, write=False) as session:
            profiles = read_profiles(session)
            reader = NeedReader(session.execute(select(Topic)).scalars())
            matcher = MatchEngine()
            lists = {
                p.id: match_actor(
                    session, engine=matcher, actor_id=p.id, principal=SYSTEM, limit=LIST_LENGTH
                ).data
                for p in profiles.values()
                if p.demo
            }
            chosen = args.actor or DEFAULT_STORIES
            told = []
            for fragment in chosen:
                named = [p for p in profiles.values() if fragment.casefold() in p.name.casefold()]
                if not named:
                    sys.exit(f"no actor's name contains {fragment!r}")
                told += [story(session, matcher, p, profiles, reader) for p in named]
        engine.dispose()
    others = sum(not p.demo for p in profiles.values())
    print(
        f"demo: {len(lists)} actors, each with its default top {LIST_LENGTH} (admin)"
        + (f"; the database holds {others} other actors too" if others else "")
        + f"; {time.perf_counter() - start:.1f} s\n"
    )
    figures = exposure(lists, profiles, reader)
    print_exposure(figures)
    print("## Stories\n")
    for entry in told:
        print_story(entry)
    if args.json:
        report = {**figures, "stories": told}
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(
        f"most exposed: {percent(figures['most_exposed']['share'])} of lists (target ≤ 35 %); "
        f"coverage: {percent(figures['coverage'])} (target ≥ 50 %)"
    )


if __name__ == "__main__":
    main()
