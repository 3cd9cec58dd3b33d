"""Readable reasons, in German and English, for why two actors were matched."""

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np

from radar.matching.engine import ActorScores
from radar.matching.index import KINDS, MatchIndex
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


class Reason(NamedTuple):
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
    return explain_all(index, q, [c], scores, field_labels, query_kind=query_kind)[0]


def explain_all(
    index: MatchIndex,
    q: "int | Profile",
    positions: Sequence[int],
    scores: ActorScores,
    field_labels: Mapping[str, tuple[str, str]],
    *,
    query_kind: tuple[str, str] | None = None,
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
    kinds, degrees = index.kinds[at].tolist(), index.degree[at].tolist()
    both_fields = (index.action_fields[at] & q.action_fields).tolist()
    my_terms, my_seeks, my_offers = (
        set(q.terms.tolist()),
        set(q.seeks.tolist()),
        set(q.offers.tolist()),
    )
    explained = []
    for j, c in enumerate(positions):
        reasons: list[tuple[float, Reason]] = []
        value = {name: column[j] for name, column in values.items()}
        shared = _shared_terms(index, my_terms, c)
        if shared and value["topics"] >= _NOTABLE:
            names = ", ".join(shared[:_SHOWN_TERMS])
            n = len(shared)
            de = f"{n} gemeinsame{'s' if n == 1 else ''} Them{'a' if n == 1 else 'en'}: {names}"
            en = f"{n} shared topic{'' if n == 1 else 's'}: {names}"
            reasons.append((value["topics"], Reason("topics", de, en)))
        fields = _fields(index, both_fields[j])
        if fields and value["action_fields"] >= _NOTABLE:
            de = ", ".join(field_labels.get(slug, (slug, slug))[0] for slug in fields)
            en = ", ".join(field_labels.get(slug, (slug, slug))[1] for slug in fields)
            reasons.append(
                (
                    value["action_fields"] * 0.5,
                    Reason("action_fields", f"Handlungsfeld: {de}", f"action field: {en}"),
                )
            )
        distance = distances[j]
        if distance == distance and value["proximity"] >= _NOTABLE:  # not NaN
            km = f"{distance:.0f}" if distance >= 1 else "< 1"
            reasons.append(
                (
                    value["proximity"] * 0.5,
                    Reason("proximity", f"{km} km entfernt", f"{km} km away"),
                )
            )
        directions = (
            (my_seeks, index.offers_row(c), ("sucht", "bietet"), ("seeks", "offers")),
            (my_offers, index.seeks_row(c), ("bietet", "sucht"), ("offers", "seeks")),
        )
        for ours, other, (de_mine, de_theirs), (en_mine, en_theirs) in directions:
            for term in sorted(ours.intersection(other.tolist())):
                label = index.term_labels[term]
                de = f"{de_mine} {label} — {de_theirs} {label}"
                en = f"{en_mine} {label} — {en_theirs} {label}"
                reasons.append((1.0, Reason("complementarity", de, en)))
        if value["kinds"] >= 0.8:
            theirs = KIND_LABELS[KINDS[kinds[j]]]
            if query_kind is not None:
                de, en = f"{query_kind[0]} ↔ {theirs[0]}", f"{query_kind[1]} ↔ {theirs[1]}"
            else:
                de, en = f"gesucht: {theirs[0]}", f"sought: {theirs[1]}"
            reasons.append((0.2, Reason("kinds", de, en)))
        common = int(commons[j])
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
        partners = int(degrees[j])
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
        explained.append([reason for _, reason in reasons])
    return explained


def _shared_terms(index: MatchIndex, mine: set[int], c: int) -> list[str]:
    """Labels of the terms both sides carry, rarest first."""
    theirs, _ = index.terms_row(c)
    shared = sorted(mine.intersection(theirs.tolist()), key=lambda t: -float(index.idf[t]))
    return [index.term_labels[term] for term in shared]


def _fields(index: MatchIndex, bits: int) -> list[str]:
    return [slug for j, slug in enumerate(index.field_slugs) if bits >> j & 1]
