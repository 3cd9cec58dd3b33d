"""Needs met: do planted seekers and offerers find each other, however the need is spelt?

    python bench/needs_eval.py [--database-url URL] [--json FILE]

The demo data set is loaded into a fresh database (a temporary SQLite file unless
`--database-url` names another, empty one). On top of it go seeker/offerer pairs, each on its
own taxonomy topic T (no two pairs on the same topic or on topics above or below each other,
every top-level branch of the taxonomy used; topics that few demo actors carry, offer or seek
are preferred, so that a demo actor meeting the same need rarely stands in the way). The seeker
is a company with one or two topics of its own industry (a production branch other than T's;
none a planted topic or below one) that seeks one spelling of T; the offerer (research
institute, company, start-up in turn) offers another spelling of T and has no topics, or for a
third of them T itself (for `parent_child` the child topic it names). Both are public, placed
near two different demo actors 5–40 km apart, with the district and the action fields of the
topic each names. Each seeker also owns an idea seeking T.

The spellings come from the taxonomy in the database, chosen with `random.Random(7)`:
`label_de` (seek the German label, offer a synonym), `label_en` (the English label on one
side, the German on the other), `synonym` (two different synonyms), and, each against another
name of T, `umlaut` (ä/ö/ü written ae/oe/ue or dropped, ß as ss), `hyphen` (hyphens and spaces
changed, compounds split), `plural` (a plural for a singular or the reverse), `typo` (two
letters swapped or one dropped in a word of six letters or more), and `parent_child` (seek a
topic's label, offer its child's).

Measured with default settings as an admin, through the service functions of the API: hit@3
seeker → offerer (`match_actor`), hit@3 offerer → seeker, hit@5 idea → offerer (`match_idea`)
and hit@5 offerer → idea (`match_actor_ideas`), each with the mean rank (beyond 50 counted as
51), by spelling kind. Every miss is listed with both texts and the top 3 with the first reason.
"""

import argparse
import json
import math
import re
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from random import Random
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from radar.db import make_engine, session_scope, upgrade
from radar.demo import demo_data, load_demo
from radar.matching.engine import MatchEngine
from radar.models.actor import Actor, ActorCreate, ActorKind, Visibility
from radar.models.idea import IdeaCreate
from radar.models.topic import Topic, TopicActionField
from radar.services import actors, ideas
from radar.services.access import SYSTEM
from radar.services.match_joinable import match_actor_ideas
from radar.services.matches import match_actor, match_idea

SPELLINGS = (
    "label_de",
    "label_en",
    "synonym",
    "umlaut",
    "hyphen",
    "plural",
    "typo",
    "parent_child",
)
PAIRS_PER_SPELLING = 6
DEPTH = 50  # ranks beyond this count as DEPTH + 1
OFFERER_KINDS = (ActorKind.research_institute, ActorKind.company, ActorKind.startup)
# The seekers' own trades: production branches of the taxonomy, one of which each seeker is in.
INDUSTRIES = (
    "maschinenbau", "metallverarbeitung", "kunststofftechnik", "automotive", "elektrotechnik",
    "gebaeude-und-energietechnik", "medizintechnik", "lebensmitteltechnik", "werkstofftechnik",
    "nachwachsende-rohstoffe", "photonik",
)  # fmt: skip
EXTERNAL_PREFIX = "bench-needs-"
SPELT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
DROPPED = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "Ä": "A", "Ö": "O", "Ü": "U"})
# Tails of German compounds that a writer may split off ("Kunststoff Technik").
COMPOUND_TAILS = (
    "technik", "technologie", "management", "wirtschaft", "entwicklung", "verarbeitung",
    "recycling", "bilanzierung", "sicherung", "planung", "analyse", "elektronik", "pumpen",
    "bau", "guss", "druck", "beratung", "schutz", "ökonomie", "logistik", "effizienz",
    "vermeidung", "gestaltung", "berichterstattung", "nachfolge", "sicherheit", "bilanz",
    "zwilling", "fertigung", "prüfung", "förderung", "software", "rohstoffe", "werkstoffe",
)  # fmt: skip
# (last-word pattern, replacement) for plural ↔ singular, the first that applies; German ones
# only where no lower-case word (an adjective that would have to agree) precedes.
GERMAN_NUMBER = (
    (r"(?<=[a-zäöü])oren$", "or"),  # Sensoren → Sensor
    (r"(?<=[a-zäöü]{3})ien$", "ie"),  # Batterien → Batterie
    (r"(?<=[a-zäöü])(pumpe|brille|kette|anlage|leuchte)$", r"\1n"),  # Wärmepumpe → -pumpen
    (r"(?<=[a-zäöü])(teil|stoff|ent|il|ett|at|form)e$", r"\1"),  # Patente → Patent
    (r"(?i)(schichtung|schulung|prüfung|bildung|behandlung|setzung)$", r"\1en"),
)
ENGLISH_NUMBER = (
    (r"(?<=[a-z])(twin|passport|pump|laser|robot|sensor|model|platform|device|drive)$", r"\1s"),
    (r"(?<=[a-z]{2})technology$", "technologies"),
    (r"(?<=[a-z]{3}[^siuac])s$", ""),  # robots → robot, Cobots → Cobot
)
NOT_COUNTABLE = {"things", "sales", "plastics", "renewables", "series", "news"}


@dataclass(frozen=True)
class Term:
    """A taxonomy topic, as the database has it."""

    slug: str
    label_de: str
    label_en: str
    parent: str | None
    synonyms: tuple[str, ...]
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Spelling:
    """Two ways of writing one need; `changed` is the one the spelling kind alters."""

    changed: str
    other: str
    offered: str  # the topic the offering side names
    fixed: bool  # True: `changed` is always the seeker's side


@dataclass
class Pair:
    number: int
    spelling: str
    topic: str
    offered: str
    seek: str
    offer: str
    offerer_kind: str
    offerer_topics: list[str]
    seeker_topics: list[str]
    seeker_district: str
    offerer_district: str
    distance_km: float
    seeker_id: str = ""
    offerer_id: str = ""
    idea_id: str = ""


def key(text: str) -> str:
    """Lower case, umlauts spelled out, hyphens as spaces: how two names are told apart."""
    return " ".join(text.casefold().translate(SPELT).replace("-", " ").split())


class Taxonomy:
    """The topic tree with its names, and the variants of each topic's names."""

    def __init__(self, terms: Iterable[Term]) -> None:
        self.terms = {term.slug: term for term in terms}
        owners: dict[str, set[str]] = defaultdict(set)
        for term in self.terms.values():
            for name in self.names(term):
                owners[key(name)].add(term.slug)
        self.owners = owners
        self.written = {name.casefold() for t in self.terms.values() for name in self.names(t)}

    @staticmethod
    def names(term: Term) -> list[str]:
        return [term.label_de, term.label_en, *term.synonyms]

    def own_names(self, slug: str) -> list[str]:
        """The topic's names that name no other topic, four letters or more, one per key."""
        seen: dict[str, str] = {}
        for name in self.names(self.terms[slug]):
            k = key(name)
            if len(k) >= 4 and self.owners[k] == {slug}:
                seen.setdefault(k, name)
        return list(seen.values())

    def lineage(self, slug: str) -> list[str]:
        """The topic and its ancestors, itself first."""
        chain = [slug]
        while (parent := self.terms[chain[-1]].parent) is not None:
            chain.append(parent)
        return chain

    def root(self, slug: str) -> str:
        return self.lineage(slug)[-1]

    def related(self, a: str, b: str) -> bool:
        return a in self.lineage(b) or b in self.lineage(a)

    def children(self, slug: str) -> list[str]:
        return [t.slug for t in self.terms.values() if t.parent == slug]

    def is_new(self, text: str) -> bool:
        """True when `text` is written as no name of any topic is."""
        return text.casefold() not in self.written

    def spellings(self, kind: str, slug: str) -> list[Spelling]:
        """Every way `kind` can write a need for `slug` (empty: the topic does not lend
        itself to it)."""
        term, own = self.terms[slug], self.own_names(slug)
        if kind == "parent_child":
            if term.label_de not in own:
                return []
            return [
                Spelling(term.label_de, self.terms[c].label_de, c, fixed=True)
                for c in self.children(slug)
                if self.terms[c].label_de in self.own_names(c)
            ]
        if kind == "label_de":
            synonyms = [n for n in own if n in term.synonyms]
            return [
                Spelling(term.label_de, s, slug, True) for s in synonyms if term.label_de in own
            ]
        if kind == "label_en":
            if term.label_en not in own or key(term.label_en) == key(term.label_de):
                return []
            return [Spelling(term.label_en, term.label_de, slug, fixed=False)]
        if kind == "synonym":
            synonyms = [n for n in own if n in term.synonyms]
            return [Spelling(a, b, slug, False) for a in synonyms for b in synonyms if a != b]
        altered = {"umlaut": _umlauts, "hyphen": _hyphens, "plural": _numbers, "typo": _typos}
        found = []
        for name in own:
            for variant in altered[kind](name):
                if self.is_new(variant):
                    found += [
                        Spelling(variant, other, slug, False) for other in own if other != name
                    ]
        return found


def _umlauts(name: str) -> list[str]:
    if not re.search("[äöüÄÖÜß]", name):
        return []
    return [name.translate(SPELT), name.translate(DROPPED)]


def _hyphens(name: str) -> list[str]:
    found = []
    joined = re.sub(r"(?<=\w)-(?=\w)", " ", name)
    if joined != name:
        found.append(joined)
    words = name.split()
    if len(words) == 2 and "-" not in name and all(w[0].isupper() for w in words):
        found.append("-".join(words))
    last = words[-1]
    for tail in COMPOUND_TAILS:
        if last.endswith(tail) and len(last) - len(tail) >= 4 and "-" not in last:
            head = " ".join([*words[:-1], last[: -len(tail)]])
            found += [f"{head} {tail.capitalize()}", f"{head}-{tail.capitalize()}"]
            break
    return found


def _numbers(name: str) -> list[str]:
    *head, last = name.split(" ")
    if (
        last.casefold() in NOT_COUNTABLE
        or last.isupper()
        or not last.isalpha()
        or {"und", "and"} & set(head)
    ):
        return []
    rules = ENGLISH_NUMBER if name.isascii() else ()
    if all(word[:1].isupper() for word in head):
        rules += GERMAN_NUMBER
    for pattern, replacement in rules:
        changed = re.sub(pattern, replacement, last)
        if changed != last:
            return [" ".join([*head, changed])]
    return []


def _typos(name: str) -> list[str]:
    found = []
    for word in re.finditer(r"[^\W\d_]{6,}", name):
        w, at = word.group(), word.start()
        for i in range(1, len(w) - 1):
            if w[i] != w[i + 1]:
                swapped = w[:i] + w[i + 1] + w[i] + w[i + 2 :]
                found.append(name[:at] + swapped + name[at + len(w) :])
        for i in range(1, len(w)):
            if w[i] != w[i - 1]:
                found.append(name[:at] + w[:i] + w[i + 1 :] + name[at + len(w) :])
    return found


def read_taxonomy(session: Session) -> Taxonomy:
    fields: dict[str, list[str]] = defaultdict(list)
    links = select(col(TopicActionField.topic_slug), col(TopicActionField.action_field_slug))
    for slug, field in session.execute(links.order_by(col(TopicActionField.action_field_slug))):
        fields[slug].append(field)
    topics = session.execute(select(Topic).order_by(col(Topic.slug))).scalars()
    return Taxonomy(
        Term(
            t.slug, t.label_de, t.label_en, t.parent_slug, tuple(t.synonyms), tuple(fields[t.slug])
        )
        for t in topics
    )


def demo_presence(taxonomy: Taxonomy) -> Counter[str]:
    """How many demo actors carry, offer or seek each topic (by its exact names)."""
    present: Counter[str] = Counter()
    for record in demo_data()["actors"]:
        slugs = set(record.get("topics", []))
        for text in (*record.get("offers", []), *record.get("seeks", [])):
            slugs |= taxonomy.owners.get(key(text), set())
        present.update(slugs)
    return present


def plan_spellings(taxonomy: Taxonomy, rng: Random) -> list[tuple[str, str, Spelling]]:
    """(spelling kind, topic, spelling) for each pair: a first pass gives every top-level branch
    one pair, of the kind it can take that has fewest so far; a second brings every kind up to
    PAIRS_PER_SPELLING from the branches with fewest pairs."""
    presence = demo_presence(taxonomy)
    taken: list[str] = []
    per_branch: Counter[str] = Counter()
    chosen: list[tuple[str, str, Spelling]] = []

    def options(kind: str, branch: str | None) -> list[tuple[int, float, str, Spelling]]:
        found = []
        for slug in taxonomy.terms:
            if branch is not None and taxonomy.root(slug) != branch:
                continue
            if any(taxonomy.related(slug, t) for t in taken):
                continue
            spellings = [
                s for s in taxonomy.spellings(kind, slug)
                if not any(taxonomy.related(s.offered, t) for t in taken)
            ]  # fmt: skip
            if spellings:
                found.append((presence[slug], rng.random(), slug, rng.choice(spellings)))
        return sorted(found)

    def take(kind: str, option: tuple[int, float, str, Spelling]) -> None:
        _, _, slug, spelling = option
        taken.extend({slug, spelling.offered})
        per_branch[taxonomy.root(slug)] += 1
        chosen.append((kind, slug, spelling))

    branches = sorted({taxonomy.root(slug) for slug in taxonomy.terms})
    rng.shuffle(branches)
    counts: Counter[str] = Counter()
    for branch in branches:
        fitting = {kind: options(kind, branch) for kind in SPELLINGS}
        kinds = sorted((counts[k], rng.random(), k) for k in SPELLINGS if fitting[k])
        if not kinds:
            sys.exit(f"no spelling fits the branch {branch}")
        kind = kinds[0][2]
        take(kind, fitting[kind][0])
        counts[kind] += 1
    for kind in SPELLINGS:
        while counts[kind] < PAIRS_PER_SPELLING:
            found = options(kind, None)
            if not found:
                sys.exit(f"the taxonomy has no more topics for {kind}")
            take(kind, min(found, key=lambda o: (per_branch[taxonomy.root(o[2])], o[:2])))
            counts[kind] += 1
    return sorted(chosen, key=lambda c: (SPELLINGS.index(c[0]), c[1]))


def km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    (lat1, lon1), (lat2, lon2) = (tuple(map(math.radians, p)) for p in (a, b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def moved(point: tuple[float, float], rng: Random) -> tuple[float, float]:
    """The point moved 0.3–2 km in a random direction."""
    bearing, km = rng.uniform(0, 2 * math.pi), rng.uniform(0.3, 2.0)
    lat = point[0] + km * math.cos(bearing) / 111.2
    lon = point[1] + km * math.sin(bearing) / (111.2 * math.cos(math.radians(point[0])))
    return round(lat, 5), round(lon, 5)


def places(rng: Random) -> Callable[[], tuple[tuple[float, float, str], tuple[float, float, str]]]:
    """Draws a seeker's and an offerer's place: near two different demo actors, 5–40 km apart."""
    anchors = [
        ((r["lat"], r["lon"]), r["district"])
        for r in demo_data()["actors"]
        if r.get("lat") is not None and r.get("district")
    ]

    def draw() -> tuple[tuple[float, float, str], tuple[float, float, str]]:
        while True:
            (a, a_district), (b, b_district) = rng.sample(anchors, 2)
            seeker, offerer = moved(a, rng), moved(b, rng)
            if 5 <= km_between(seeker, offerer) <= 40:
                return (*seeker, a_district), (*offerer, b_district)

    return draw


def industry_topics(taxonomy: Taxonomy, topic: str, taken: list[str], rng: Random) -> list[str]:
    """One or two topics of an industry other than the topic's: what the seeker itself does.
    None is a planted topic or below one, so no seeker carries what another pair seeks."""
    for branch in rng.sample(INDUSTRIES, len(INDUSTRIES)):
        if branch == taxonomy.root(topic):
            continue
        free = [
            slug
            for slug in taxonomy.terms
            if taxonomy.root(slug) == branch and not set(taken) & set(taxonomy.lineage(slug))
        ]
        if free:
            return sorted(rng.sample(free, min(len(free), rng.choice((1, 2)))))
    sys.exit("no industry topic is free of the planted ones")


def plant(session: Session, taxonomy: Taxonomy, rng: Random) -> list[Pair]:
    """Writes the seeker/offerer pairs and the seekers' ideas through the services."""
    plans = plan_spellings(taxonomy, rng)
    taken = [t for _, slug, spelling in plans for t in (slug, spelling.offered)]
    draw = places(rng)
    side: Counter[str] = Counter()
    pairs = []
    for number, (kind, slug, spelling) in enumerate(plans, start=1):
        swap = not spelling.fixed and side[kind] % 2 == 1
        side[kind] += 1
        seek, offer = (
            (spelling.other, spelling.changed) if swap else (spelling.changed, spelling.other)
        )
        (s_lat, s_lon, s_district), (o_lat, o_lon, o_district) = draw()
        offerer_kind = OFFERER_KINDS[number % 3]
        pair = Pair(
            number=number,
            spelling=kind,
            topic=slug,
            offered=spelling.offered,
            seek=seek,
            offer=offer,
            offerer_kind=offerer_kind.value,
            offerer_topics=[spelling.offered] if (number // 3) % 3 == 0 else [],
            seeker_topics=industry_topics(taxonomy, slug, taken, rng),
            seeker_district=s_district,
            offerer_district=o_district,
            distance_km=round(km_between((s_lat, s_lon), (o_lat, o_lon)), 1),
        )
        tag = f"{EXTERNAL_PREFIX}p{number:02d}"
        seeker = actors.create_actor(
            session,
            principal=SYSTEM,
            data=ActorCreate(
                name=f"P{number:02d} seeker GmbH",
                kind=ActorKind.company,
                external_id=f"{tag}-seeker",
                topics=pair.seeker_topics,
                action_fields=list(taxonomy.terms[slug].fields),
                seeks=[seek],
                lat=s_lat, lon=s_lon, district=s_district,
                visibility=Visibility.public,
            ),
        )  # fmt: skip
        offerer = actors.create_actor(
            session,
            principal=SYSTEM,
            data=ActorCreate(
                name=f"P{number:02d} offerer {offerer_kind.value.replace('_', ' ')}",
                kind=offerer_kind,
                external_id=f"{tag}-offerer",
                topics=pair.offerer_topics,
                action_fields=list(taxonomy.terms[spelling.offered].fields),
                offers=[offer],
                lat=o_lat, lon=o_lon, district=o_district,
                visibility=Visibility.public,
            ),
        )  # fmt: skip
        idea = ideas.create_idea(
            session,
            principal=SYSTEM,
            data=IdeaCreate(
                title=f"P{number:02d} idea",
                external_id=f"{tag}-idea",
                owner_id=seeker.id,
                seeking_topics=[slug],
                lat=s_lat, lon=s_lon, district=s_district,
            ),
        )  # fmt: skip
        pair.seeker_id, pair.offerer_id, pair.idea_id = map(str, (seeker.id, offerer.id, idea.id))
        pairs.append(pair)
    return pairs


@dataclass(frozen=True)
class Outcome:
    rank: int  # 1-based; DEPTH + 1 when not among the first DEPTH
    top: list[tuple[str, float, str]]  # the first three: name, score, first reason


MEASURES = (
    ("seeker → offerer", 3),
    ("offerer → seeker", 3),
    ("idea → offerer", 5),
    ("offerer → idea", 5),
)


def _actor(match: Any) -> tuple[str, str]:
    return str(match.actor.id), str(match.actor.name)


def _idea(match: Any) -> tuple[str, str]:
    return str(match.idea.id), str(match.idea.title)


def _outcome(found: list[Any], wanted: str, which: Callable[[Any], tuple[str, str]]) -> Outcome:
    ids = [which(m)[0] for m in found]
    rank = ids.index(wanted) + 1 if wanted in ids else DEPTH + 1
    top = [(which(m)[1], m.score, m.reasons[0].en if m.reasons else "—") for m in found[:3]]
    return Outcome(rank, top)


def measure(session: Session, pairs: list[Pair]) -> dict[str, list[Outcome]]:
    """Each pair's outcome in each measure, with default settings, as an admin."""
    common: dict[str, Any] = {
        "session": session, "engine": MatchEngine(), "principal": SYSTEM, "limit": DEPTH,
    }  # fmt: skip
    outcomes: dict[str, list[Outcome]] = {name: [] for name, _ in MEASURES}
    for p in pairs:
        seeker, offerer, idea = (uuid.UUID(i) for i in (p.seeker_id, p.offerer_id, p.idea_id))
        found = match_actor(actor_id=seeker, **common).data
        outcomes["seeker → offerer"].append(_outcome(found, p.offerer_id, _actor))
        found = match_actor(actor_id=offerer, **common).data
        outcomes["offerer → seeker"].append(_outcome(found, p.seeker_id, _actor))
        found = match_idea(idea_id=idea, **common).data
        outcomes["idea → offerer"].append(_outcome(found, p.offerer_id, _actor))
        found = match_actor_ideas(actor_id=offerer, **common).data
        outcomes["offerer → idea"].append(_outcome(found, p.idea_id, _idea))
    return outcomes


def summary(pairs: list[Pair], outcomes: list[Outcome], k: int) -> dict[str, dict[str, float]]:
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for pair, result in zip(pairs, outcomes, strict=True):
        groups[pair.spelling].append(result)
    groups["overall"] = list(outcomes)
    return {
        name: {
            "pairs": len(group),
            "hits": sum(r.rank <= k for r in group),
            "hit_rate": sum(r.rank <= k for r in group) / len(group),
            "mean_rank": sum(r.rank for r in group) / len(group),
        }
        for name, group in groups.items()
    }


def percent(share: float) -> str:
    return f"{share * 100:.1f} %"


def print_pairs(pairs: list[Pair], taxonomy: Taxonomy) -> None:
    print("## Planted pairs\n")
    print(
        "| # | spelling | topic T | seeker seeks | offerer offers | offerer | offerer topics "
        "| seeker topics | districts | km |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for p in pairs:
        topic = p.topic if p.offered == p.topic else f"{p.topic} ⊃ {p.offered}"
        print(
            f"| P{p.number:02d} | {p.spelling} | {topic} | {p.seek} | {p.offer} "
            f"| {p.offerer_kind} | {', '.join(p.offerer_topics) or '—'} "
            f"| {', '.join(p.seeker_topics)} | {p.seeker_district} → {p.offerer_district} "
            f"| {p.distance_km:.0f} |"
        )
    branches = {taxonomy.root(p.topic) for p in pairs}
    roots = {taxonomy.root(slug) for slug in taxonomy.terms}
    print(
        f"\n{len(pairs)} pairs on {len({p.topic for p in pairs})} topics, "
        f"{len(branches)} of {len(roots)} top-level branches; offerers: "
        + ", ".join(f"{n} {k}" for k, n in sorted(Counter(p.offerer_kind for p in pairs).items()))
        + f"; {sum(bool(p.offerer_topics) for p in pairs)} offerers carry the topic\n"
    )


def print_tables(figures: dict[str, dict[str, dict[str, float]]]) -> None:
    for name, k in MEASURES:
        print(f"## hit@{k} {name}\n")
        print(f"| spelling | pairs | hits | hit@{k} | mean rank |")
        print("| --- | --- | --- | --- | --- |")
        for kind, row in figures[name].items():
            label = f"**{kind}**" if kind == "overall" else kind
            print(
                f"| {label} | {row['pairs']} | {row['hits']} | {percent(row['hit_rate'])} "
                f"| {row['mean_rank']:.1f} |"
            )
        print()


def _short(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def print_misses(pairs: list[Pair], outcomes: dict[str, list[Outcome]]) -> None:
    """Each pair that misses somewhere: both texts, then per missed measure the rank and the
    top 3 with their scores and first reasons."""
    missing = [
        (p, [(name, k, outcomes[name][i]) for name, k in MEASURES if outcomes[name][i].rank > k])
        for i, p in enumerate(pairs)
    ]
    missing = [(p, missed) for p, missed in missing if missed]
    print(f"## Misses: {len(missing)} of {len(pairs)} pairs miss at least once\n")
    for p, missed in missing:
        print(
            f"**P{p.number:02d} {p.spelling}** ({p.topic}): seeks “{p.seek}” · offers “{p.offer}”"
        )
        for name, k, o in missed:
            rank = f"rank {o.rank}" if o.rank <= DEPTH else f"not in the top {DEPTH}"
            top = " · ".join(f"{title} {score:.3f} ({_short(why)})" for title, score, why in o.top)
            print(f"- {name} (top {k}): {rank}; top 3: {top or '—'}")
        print()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", help="an empty database to use instead of a temporary one"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'needs.db'}"
        engine = make_engine(url)
        upgrade(engine)
        with session_scope(engine) as session:
            planted = session.execute(
                select(col(Actor.id)).where(col(Actor.external_id).startswith(EXTERNAL_PREFIX))
            ).first()
            if planted is not None:
                sys.exit(f"{url} holds planted actors already: give an empty database")
            load_demo(session)
            taxonomy = read_taxonomy(session)
            pairs = plant(session, taxonomy, Random(7))
        with session_scope(engine, write=False) as session:
            outcomes = measure(session, pairs)
        engine.dispose()
    demo = demo_data()
    print(
        f"demo: {len(demo['actors'])} actors, {len(demo['ideas'])} ideas; planted {len(pairs)} "
        f"seeker/offerer pairs and their ideas; {time.perf_counter() - start:.1f} s\n"
    )
    print_pairs(pairs, taxonomy)
    figures = {name: summary(pairs, outcomes[name], k) for name, k in MEASURES}
    print_tables(figures)
    print_misses(pairs, outcomes)
    if args.json:
        report = {
            "pairs": [
                {**asdict(p), "ranks": {name: outcomes[name][i].rank for name, _ in MEASURES}}
                for i, p in enumerate(pairs)
            ],
            "measures": {f"hit@{k} {name}": figures[name] for name, k in MEASURES},
            "depth": DEPTH,
            "target_hit3_seeker_offerer": 0.9,
        }
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    overall = figures["seeker → offerer"]["overall"]["hit_rate"]
    print(f"needs hit@3 (seeker→offerer): {percent(overall)} (target ≥ 90 %)")


if __name__ == "__main__":
    main()
