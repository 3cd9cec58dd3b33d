"""Readable reasons, in German and English, for why two actors were matched."""

from collections.abc import Mapping
from dataclasses import dataclass

from radar.matching.engine import ActorScores
from radar.matching.index import KINDS, IntArray, MatchIndex
from radar.matching.signals import Profile, profile_of
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
# A component explains a match only when it contributes at least this much.
_NOTABLE = 0.05
_SHOWN_TERMS = 3


@dataclass(frozen=True)
class Reason:
    component: str
    de: str
    en: str


def explain(
    index: MatchIndex,
    q: "int | Profile",
    c: int,
    scores: ActorScores,
    field_labels: Mapping[str, tuple[str, str]],
    *,
    query_kind: tuple[str, str] | None = None,
) -> list[Reason]:
    """Why actor `c` was suggested for actor `q` (or for an idea's or group's profile, whose
    kind is `query_kind` in German and English, if any), strongest signals first."""
    if not isinstance(q, Profile):
        query_kind = KIND_LABELS[KINDS[int(index.kinds[q])]]
        q = profile_of(index, q)
    reasons: list[tuple[float, Reason]] = []
    value = {name: float(array[c]) for name, array in scores.components.items()}
    shared = _shared_terms(index, q, c)
    if shared and value["topics"] >= _NOTABLE:
        names = ", ".join(shared[:_SHOWN_TERMS])
        n = len(shared)
        reasons.append(
            (
                value["topics"],
                Reason(
                    "topics",
                    f"{n} gemeinsame{'s' if n == 1 else ''} Them{'a' if n == 1 else 'en'}: {names}",
                    f"{n} shared topic{'' if n == 1 else 's'}: {names}",
                ),
            )
        )
    fields = _shared_fields(index, q, c)
    if fields and value["action_fields"] >= _NOTABLE:
        de = ", ".join(field_labels.get(slug, (slug, slug))[0] for slug in fields)
        en = ", ".join(field_labels.get(slug, (slug, slug))[1] for slug in fields)
        reasons.append(
            (
                value["action_fields"] * 0.5,
                Reason("action_fields", f"Handlungsfeld: {de}", f"action field: {en}"),
            )
        )
    distance = float(scores.distances_km[c])
    if distance == distance and value["proximity"] >= _NOTABLE:  # not NaN
        km = f"{distance:.0f}" if distance >= 1 else "< 1"
        reasons.append(
            (value["proximity"] * 0.5, Reason("proximity", f"{km} km entfernt", f"{km} km away"))
        )
    directions = (
        (q.seeks, index.offers_row(c), ("sucht", "bietet"), ("seeks", "offers")),
        (q.offers, index.seeks_row(c), ("bietet", "sucht"), ("offers", "seeks")),
    )
    for ours, other, (de_mine, de_theirs), (en_mine, en_theirs) in directions:
        for term in _common(ours, other):
            label = index.term_labels[term]
            de = f"{de_mine} {label} — {de_theirs} {label}"
            en = f"{en_mine} {label} — {en_theirs} {label}"
            reasons.append((1.0, Reason("complementarity", de, en)))
    if value["kinds"] >= 0.8:
        theirs = KIND_LABELS[KINDS[int(index.kinds[c])]]
        if query_kind is not None:
            de, en = f"{query_kind[0]} ↔ {theirs[0]}", f"{query_kind[1]} ↔ {theirs[1]}"
        else:
            de, en = f"gesucht: {theirs[0]}", f"sought: {theirs[1]}"
        reasons.append((0.2, Reason("kinds", de, en)))
    common = int(scores.common_partners[c])
    if common:
        reasons.append(
            (
                value["network"] + 0.1,
                Reason(
                    "network",
                    f"{common} gemeinsame{'r' if common == 1 else ''} Partner",
                    f"{common} shared partner{'' if common == 1 else 's'}",
                ),
            )
        )
    partners = int(index.degree[c])
    if partners and value["activity"] >= 0.3:
        reasons.append(
            (
                value["activity"] * 0.3,
                Reason(
                    "activity",
                    f"arbeitet mit {partners} Partner{'' if partners == 1 else 'n'} zusammen",
                    f"works with {partners} partner{'' if partners == 1 else 's'}",
                ),
            )
        )
    reasons.sort(key=lambda item: -item[0])
    return [reason for _, reason in reasons]


def _common(a: IntArray, b: IntArray) -> list[int]:
    return sorted(set(a.tolist()) & set(b.tolist()))


def _shared_terms(index: MatchIndex, q: Profile, c: int) -> list[str]:
    """Labels of the terms both sides carry, rarest first."""
    theirs, _ = index.terms_row(c)
    shared = sorted(
        set(q.terms.tolist()) & set(theirs.tolist()), key=lambda t: -float(index.idf[t])
    )
    return [index.term_labels[term] for term in shared]


def _shared_fields(index: MatchIndex, q: Profile, c: int) -> list[str]:
    both = q.action_fields & int(index.action_fields[c])
    return [slug for j, slug in enumerate(index.field_slugs) if both >> j & 1]
