"""Readable reasons, in German and English, for why two sides were matched: who offers what the
other seeks, what they share, and what speaks against the match, ordered by their share of the
score."""

import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from radar.matching.engine import COMPONENTS, ActorScores
from radar.matching.index import KINDS, MatchIndex
from radar.matching.signals import (
    FAR_KM,
    Profile,
    best_meet,
    need_weights,
    profile_of,
)
from radar.models.actor import ActorKind

KIND_LABELS: dict[ActorKind, tuple[str, str]] = {
    ActorKind.company: ("Unternehmen", "company"),
    ActorKind.university: ("Hochschule", "university"),
    ActorKind.research_institute: ("Forschungseinrichtung", "research institute"),
    ActorKind.startup: ("Start-up", "start-up"),
    ActorKind.network: ("Netzwerk", "network"),
    ActorKind.chamber: ("Kammer", "chamber"),
    ActorKind.public_body: ("öffentliche Einrichtung", "public body"),
    ActorKind.other: ("Akteur", "actor"),
}
# A component explains a match only when its value is at least this.
_NOTABLE = 0.05
_SHOWN_TERMS = 3
_SHOWN_NEEDS = 4


class Reason(NamedTuple):
    component: str
    de: str
    en: str
    against: bool = False  # speaks against the match (far away, nothing shared, no need met)


class Voice(NamedTuple):
    """How reasons name the two sides: the one asking (`you`, an idea, or a named actor in an
    analyst's pair) in clauses that end a sentence, and the one suggested."""

    other: str  # the suggestion: an actor's name, or "die Idee"
    other_en: str
    seeks_de: str = "Sie suchen"  # "…, wonach Sie suchen"
    seeks_en: str = "you seek"  # "…, which you seek"
    offers_de: str = "Sie bieten"  # "…, was Sie bieten"
    offers_en: str = "you offer"
    works_de: str = "woran Sie arbeiten"
    works_en: str = "you work on"


def actor_voice(name: str) -> Voice:
    """Reasons addressed to the one asking ("Sie"), about actor `name`."""
    return Voice(other=name, other_en=name)


def idea_voice(name: str) -> Voice:
    """Reasons about actor `name` for an idea looking for partners."""
    return _seeking_voice(name, "die Idee", "der Idee", "the idea")


def group_voice(name: str) -> Voice:
    """Reasons about actor `name` for a working group looking for members."""
    return _seeking_voice(name, "die Arbeitsgruppe", "der Arbeitsgruppe", "the working group")


def _seeking_voice(name: str, de: str, de_dative: str, en: str) -> Voice:
    """Reasons about actor `name` for an idea or group ("die Idee", "der Idee", "the idea")."""
    return Voice(
        other=name, other_en=name,
        seeks_de=f"{de} sucht", seeks_en=f"{en} seeks",
        offers_de=f"{de} bietet", offers_en=f"{en} offers",
        works_de=f"worum es in {de_dative} geht", works_en=f"{en} is about",
    )  # fmt: skip


def pair_voice(a: str, b: str) -> Voice:
    """Reasons about actor `b` for actor `a`, both named (an analyst's pair)."""
    return Voice(
        other=b, other_en=b,
        seeks_de=f"{a} sucht", seeks_en=f"{a} seeks",
        offers_de=f"{a} bietet", offers_en=f"{a} offers",
        works_de=f"woran {a} arbeitet", works_en=f"{a} works on",
    )  # fmt: skip


class Scale(dict[str, float]):
    """Each component's weight as a share of all weights: what one point of it adds to a
    score."""

    @classmethod
    def of(cls, weights: Mapping[str, float]) -> "Scale":
        total = sum(max(0.0, weights.get(name, 0.0)) for name in COMPONENTS) or 1.0
        return cls({name: max(0.0, weights.get(name, 0.0)) / total for name in COMPONENTS})


class Met(NamedTuple):
    """One need met: the term sought, the term that meets it, its credit (see
    `signals.need_credit`), whether an offer (not merely a topic) meets it, and how rare the
    need is to meet (`signals.need_weight`)."""

    need: int
    by: int
    credit: float
    offered: bool
    weight: float = 1.0
    weighted: float = 0.0  # credit × weight (see `met`)


def met(need: int, by: int, credit: float, offered: bool, weight: float) -> Met:
    """A `Met` with its weighted credit."""
    return Met(need, by, credit, offered, weight, credit * weight)


@dataclass
class PairFacts:
    """What the reasons of one pair are made of (from the asking side's point of view)."""

    components: dict[str, float]
    distance_km: float | None
    shared_terms: list[int]  # rarest first
    fields_mine: int
    fields_theirs: int
    met: list[Met]  # what the asking side seeks and the other meets
    given: list[Met]  # what the other seeks and the asking side meets
    common_partners: int
    shared_groups: list[str]
    their_kind: ActorKind
    their_partners: int
    states_needs: bool  # the asking side seeks something
    has_terms: bool  # both sides have topics at all
    query_kind: tuple[str, str] | None = None


def explain(
    index: MatchIndex,
    q: "int | Profile",
    c: int,
    scores: ActorScores,
    field_labels: Mapping[str, tuple[str, str]],
    *,
    weights: Mapping[str, float],
    query_kind: tuple[str, str] | None = None,
    voice: Voice | None = None,
) -> list[Reason]:
    """Why actor `c` was suggested for actor `q` (or for an idea's or group's profile, whose
    kind is `query_kind` in German and English, if any), the largest share of the score first,
    then what speaks against it."""
    return explain_all(
        index, q, [c], scores, field_labels, weights=weights, query_kind=query_kind,
        voices=None if voice is None else [voice],
    )[0]  # fmt: skip


def explain_all(
    index: MatchIndex,
    q: "int | Profile",
    positions: Sequence[int],
    scores: ActorScores,
    field_labels: Mapping[str, tuple[str, str]],
    *,
    weights: Mapping[str, float],
    query_kind: tuple[str, str] | None = None,
    voices: Sequence[Voice] | None = None,
) -> list[list[Reason]]:
    """`explain` for each of `positions`: the values they need gathered from the arrays once
    for all of them (a suggestion list would otherwise read a dozen numpy scalars each)."""
    if not isinstance(q, Profile):
        query_kind = KIND_LABELS[KINDS[int(index.kinds[q])]]
        q = profile_of(index, q)
    at = np.asarray(positions, dtype=np.intp)
    values = {name: array[at].tolist() for name, array in scores.components.items()}
    distances = scores.distances_km[at].tolist()
    commons = scores.common_partners[at].tolist()
    groups = scores.shared_groups[at].tolist()
    kinds, degrees = index.kinds[at].tolist(), index.degree[at].tolist()
    my_terms = set(q.terms.tolist())
    mine = wants(q)
    scale = Scale.of(weights)
    met_either = (scores.met_needs[at] + scores.needs_met[at] > 0).tolist()
    states_needs = q.seeks.size > 0
    explained = []
    for j, c in enumerate(positions):
        side = _side(index, c)
        theirs = side.terms
        facts = PairFacts(
            components={name: column[j] for name, column in values.items()},
            distance_km=None if distances[j] != distances[j] else distances[j],
            shared_terms=rarest_first(index, my_terms & theirs.keys()) if theirs else [],
            fields_mine=q.action_fields,
            fields_theirs=side.fields,
            met=met_needs(index, mine.seeks, side.offers, theirs, side.seeks)
            if met_either[j]
            else [],
            given=met_needs(index, side.seeks, mine.offers, q.knows, mine.seeks)
            if met_either[j]
            else [],
            common_partners=int(commons[j]),
            shared_groups=_shared_groups(index, q, c) if groups[j] else [],
            their_kind=KINDS[kinds[j]],
            their_partners=int(degrees[j]),
            states_needs=states_needs,
            has_terms=bool(my_terms) and bool(theirs),
            query_kind=query_kind,
        )
        voice = voices[j] if voices is not None else side.voice
        explained.append(reasons(facts, index, field_labels, scale, voice))
    return explained


class _Side(NamedTuple):
    """What reasons read of one suggested actor: its terms (term → weight), offers and needs
    (term → worth), action fields, and how reasons name it."""

    terms: dict[int, float]
    offers: dict[int, float]
    seeks: dict[int, float]
    fields: int
    voice: Voice


# Suggested actors whose `_Side` an index keeps: the same few turn up in many lists.
_KEPT_SIDES = 20_000


def _side(index: MatchIndex, c: int) -> _Side:
    """Actor `c`'s `_Side`, kept with the index (whose rows never change; an actor changed since
    it was built is read from its overlay each time)."""
    kept: dict[int, _Side] = index.derived.setdefault("explain_sides", {})
    found = kept.get(c)
    if found is None:
        terms, weights = index.terms_row(c)
        found = _Side(
            dict(zip(terms.tolist(), weights.tolist(), strict=True)),
            index.offered(c),
            index.sought(c),
            int(index.action_fields[c]),
            actor_voice(index.names[c]),
        )
        if c not in index.overlay:
            if len(kept) >= _KEPT_SIDES:
                kept.clear()
            kept[c] = found
    return found


def met_needs(
    index: MatchIndex,
    needs: Mapping[int, float],
    offers: Mapping[int, float],
    knows: Mapping[int, float],
    seeks: Collection[int],
) -> list[Met]:
    """Each of `needs` (term → worth) the other side meets by its best offer (term → worth) or
    topic (not one it seeks itself), best first."""
    if not needs or not (offers or knows):
        return []
    weights = need_weights(index)
    found = []
    for need, worth in needs.items():
        if (best := best_meet(index, need, offers, knows, seeks)) is not None:
            term, credit, offered = best
            weight = float(weights[need]) if need < weights.size else 1.0
            found.append(met(need, term, credit * worth, offered, weight))
    if len(found) > 1:
        found.sort(key=lambda m: (-m.weighted, m.need))
    return found


class Wants(NamedTuple):
    offers: dict[int, float]  # term → worth
    seeks: dict[int, float]


def wants(profile: Profile) -> Wants:
    """A profile's offers and needs with their worth."""
    return Wants(
        offers={t: profile.worth.get(t, 1.0) for t in profile.offers.tolist()},
        seeks={t: profile.worth.get(t, 1.0) for t in profile.seeks.tolist()},
    )


def reasons(
    facts: PairFacts,
    index: MatchIndex,
    field_labels: Mapping[str, tuple[str, str]],
    weights: Mapping[str, float],
    voice: Voice,
) -> list[Reason]:
    """The reasons of one pair: those for it by their share of the score (weight × value),
    then those against it."""
    scale = weights if isinstance(weights, Scale) else Scale.of(weights)
    values = facts.components
    pro: list[tuple[float, Reason]] = []
    if facts.met or facts.given:
        credits = sum(m.weighted for m in facts.met) + sum(m.weighted for m in facts.given)
        needs_share = scale["complementarity"] * values.get("complementarity", 0.0)
        per_credit = needs_share / (credits or 1.0)
        for m in facts.met[:_SHOWN_NEEDS]:
            pro.append((per_credit * m.weighted, _meets(index, m, voice)))
        for m in facts.given[:_SHOWN_NEEDS]:
            pro.append((per_credit * m.weighted, _given(index, m, voice)))
    topics = values.get("topics", 0.0)
    if facts.shared_terms and topics >= _NOTABLE:
        n = len(facts.shared_terms)
        shown = facts.shared_terms[:_SHOWN_TERMS]
        de = ", ".join([index.term_labels[t] for t in shown])
        en = ", ".join([index.term_labels_en[t] for t in shown])
        pro.append((scale["topics"] * topics, Reason(
            "topics",
            f"{n} gemeinsame{'s' if n == 1 else ''} Them{'a' if n == 1 else 'en'}: {de}",
            f"{n} shared topic{'' if n == 1 else 's'}: {en}",
        )))  # fmt: skip
    fields = values.get("action_fields", 0.0)
    if fields >= _NOTABLE and (both := facts.fields_mine & facts.fields_theirs):
        de, en = _field_names(index, both, field_labels)
        pro.append((scale["action_fields"] * fields, Reason(
            "action_fields", f"gemeinsames Handlungsfeld: {de}", f"shared action field: {en}"
        )))  # fmt: skip
    distance = facts.distance_km
    nearness = values.get("proximity", 0.0)
    if distance is not None and distance <= FAR_KM and nearness >= _NOTABLE:
        km = f"{distance:.0f}" if distance >= 1 else "< 1"
        pro.append((scale["proximity"] * nearness, Reason(
            "proximity", f"{km} km entfernt", f"{km} km away"
        )))  # fmt: skip
    kinds = values.get("kinds", 0.0)
    if kinds >= 0.8:
        theirs = KIND_LABELS[facts.their_kind]
        if facts.query_kind is not None:
            de = f"{facts.query_kind[0]} ↔ {theirs[0]}"
            en = f"{facts.query_kind[1]} ↔ {theirs[1]}"
        else:
            de, en = f"gesucht: {theirs[0]}", f"sought: {theirs[1]}"
        pro.append((scale["kinds"] * kinds, Reason("kinds", de, en)))
    if facts.common_partners or facts.shared_groups:
        ties = facts.common_partners + 0.25 * len(facts.shared_groups)
        per_tie = scale["network"] * values.get("network", 0.0) / ties
        if n := facts.common_partners:
            pro.append((per_tie * n, Reason(
                "network",
                f"{n} gemeinsame{'r' if n == 1 else ''} Projektpartner",
                f"{n} shared project partner{'' if n == 1 else 's'}",
            )))  # fmt: skip
        for name in facts.shared_groups:
            pro.append((per_tie * 0.25, Reason(
                "network",
                f"beide in der Arbeitsgruppe {name} (eine lose Verbindung)",
                f"both in the working group {name} (a loose tie)",
            )))  # fmt: skip
    partners = facts.their_partners
    active = values.get("activity", 0.0)
    if partners and active >= _NOTABLE:
        pro.append((scale["activity"] * active, Reason(
            "activity",
            f"aktiv in gemeinsamen Themen: {partners} Projektpartner",
            f"active in shared topics: {partners} project partner{'' if partners == 1 else 's'}",
        )))  # fmt: skip
    pro.sort(key=_share, reverse=True)  # stable: equal shares keep the order above
    found = [reason for _, reason in pro]
    _against(facts, index, field_labels, voice, found)
    return found


def _share(item: tuple[float, Reason]) -> float:
    return item[0]


def _field_names(
    index: MatchIndex, bits: int, field_labels: Mapping[str, tuple[str, str]]
) -> tuple[str, str]:
    """The names of the action fields set in `bits`, in German and English."""
    slugs = _fields(index, bits)
    de = ", ".join([field_labels.get(slug, (slug, slug))[0] for slug in slugs])
    en = ", ".join([field_labels.get(slug, (slug, slug))[1] for slug in slugs])
    return de, en


def _meets(index: MatchIndex, m: Met, voice: Voice) -> Reason:
    """The other side meets a need of the asking side."""
    by_de, by_en = index.label(m.by), index.label(m.by, english=True)
    need_de, need_en = index.label(m.need), index.label(m.need, english=True)
    verb_de, verb_en = ("bietet", "offers") if m.offered else ("arbeitet an", "works on")
    if m.by == m.need:
        de = f"{voice.other} {verb_de} {by_de}, wonach {voice.seeks_de}"
        en = f"{voice.other_en} {verb_en} {by_en}, which {voice.seeks_en}"
    else:
        de = f"{voice.other} {verb_de} {by_de}, verwandt mit {need_de}, wonach {voice.seeks_de}"
        en = f"{voice.other_en} {verb_en} {by_en}, related to {need_en}, which {voice.seeks_en}"
    return Reason("complementarity", de, en)


def _given(index: MatchIndex, m: Met, voice: Voice) -> Reason:
    """The asking side meets a need of the other."""
    need_de, need_en = index.label(m.need), index.label(m.need, english=True)
    if m.offered:
        tail_de, tail_en = f"was {voice.offers_de}", f"which {voice.offers_en}"
    else:
        tail_de, tail_en = voice.works_de, f"which {voice.works_en}"
    if m.by == m.need:
        de = f"{voice.other} sucht {need_de}, {tail_de}"
        en = f"{voice.other_en} seeks {need_en}, {tail_en}"
    else:
        by_de, by_en = index.label(m.by), index.label(m.by, english=True)
        de = f"{voice.other} sucht {need_de}, verwandt mit {by_de}, {tail_de}"
        en = f"{voice.other_en} seeks {need_en}, related to {by_en}, {tail_en}"
    return Reason("complementarity", de, en)


def _against(
    facts: PairFacts,
    index: MatchIndex,
    field_labels: Mapping[str, tuple[str, str]],
    voice: Voice,
    found: list[Reason],
) -> None:
    """What speaks against the match, when it does, added to `found`."""
    if facts.states_needs and not facts.met and not facts.given:
        found.append(Reason(
            "complementarity",
            f"{voice.other} bietet nichts, wonach {voice.seeks_de}",
            f"{voice.other_en} offers nothing {voice.seeks_en}",
            against=True,
        ))  # fmt: skip
    if facts.distance_km is not None and facts.distance_km > FAR_KM:
        km = f"{facts.distance_km:.0f}"
        found.append(
            Reason("proximity", f"weit entfernt: {km} km", f"far away: {km} km", against=True)
        )
    if facts.has_terms and not facts.shared_terms:
        found.append(Reason("topics", "keine gemeinsamen Themen", "no shared topics", against=True))
    if facts.fields_mine and facts.fields_theirs and not facts.fields_mine & facts.fields_theirs:
        de, en = _field_names(index, facts.fields_theirs, field_labels)
        found.append(Reason(
            "action_fields", f"anderes Handlungsfeld: {de}", f"different action field: {en}",
            against=True,
        ))  # fmt: skip


def rarest_first(index: MatchIndex, terms: Collection[int]) -> list[int]:
    """Terms, the rarest (highest idf) first."""
    if len(terms) <= 1:
        return list(terms)
    idf = index.idf
    return sorted(terms, key=lambda t: (-float(idf[t]), t))


def _shared_groups(index: MatchIndex, q: Profile, c: int) -> list[str]:
    ids: list[uuid.UUID] = sorted(
        (g for g in q.groups if c in index.group_members.get(g, ())), key=str
    )
    return sorted(index.group_names.get(g, str(g)) for g in ids)


def _fields(index: MatchIndex, bits: int) -> list[str]:
    """The slugs of the action fields set in `bits` (kept per index: few combinations occur)."""
    kept: dict[int, list[str]] = index.derived.setdefault("field_bits", {})
    found = kept.get(bits)
    if found is None:
        found = kept[bits] = [slug for j, slug in enumerate(index.field_slugs) if bits >> j & 1]
    return found
