"""What an actor could join: one indexed actor scored against the profiles of ideas and groups
looking for members, with the same signals, weights and kinds of reasons as actor matches."""

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from radar.matching.engine import COMPONENTS, DEFAULT_WEIGHTS
from radar.matching.explain import KIND_LABELS, Reason
from radar.matching.index import KINDS, MatchIndex
from radar.matching.signals import EARTH_DIAMETER_KM, Profile


@dataclass(frozen=True)
class Joinable:
    """How well actor `c` fits one idea or group, and why."""

    score: float
    components: dict[str, float]
    reasons: list[Reason]
    distance_km: float | None


def score_joinable(
    index: MatchIndex,
    c: int,
    target: Profile,
    *,
    liveliness: float,
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
    half_distance_km: float = 30.0,
) -> Joinable:
    """Actor `c` against an idea's or group's profile; `liveliness` in [0, 1] stands for the
    activity signal (how many take part already)."""
    terms, values = index.terms_row(c)
    mine = dict(zip(terms.tolist(), values.tolist(), strict=True))
    shared = sorted(set(target.terms.tolist()) & set(mine), key=lambda t: -float(index.idf[t]))
    dot = sum(mine[t] * float(index.idf[t]) ** 2 for t in shared)
    denominator = float(index.norms[c]) * target.norm
    topics = min(1.0, dot / denominator) if denominator > 0 else 0.0
    own_fields = int(index.action_fields[c])
    either = (own_fields | target.action_fields).bit_count()
    fields = (own_fields & target.action_fields).bit_count() / either if either else 0.0
    distance = _distance(float(index.lat[c]), float(index.lon[c]), target.lat, target.lon)
    proximity = 0.0 if distance is None else 2.0 ** (-distance / half_distance_km)
    offered = set(index.offers_row(c).tolist()) | set(mine)
    met = sorted(set(target.seeks.tolist()) & offered)
    complementarity = 1.0 - 2.0 ** (-len(met))
    kind = KINDS[int(index.kinds[c])]
    kinds = float(target.kinds[int(index.kinds[c])])
    partners = set(index.partners_row(c)[0].tolist())
    known = [m for m in target.partners.tolist() if m in partners]
    network = 1.0 - math.exp(-sum(1.0 / math.log(2.0 + float(index.degree[m])) for m in known))
    components = {
        "topics": topics,
        "action_fields": fields,
        "proximity": proximity,
        "complementarity": complementarity,
        "kinds": kinds,
        "network": network,
        "activity": liveliness,
    }
    weight_sum = sum(max(0.0, weights.get(name, 0.0)) for name in COMPONENTS) or 1.0
    total = sum(components[n] * max(0.0, weights.get(n, 0.0)) for n in COMPONENTS) / weight_sum
    reasons: list[tuple[float, Reason]] = []
    if shared and topics >= 0.05:
        names = ", ".join(index.term_labels[t] for t in shared[:3])
        n = len(shared)
        reasons.append((topics, Reason(
            "topics",
            f"{n} gemeinsame{'s' if n == 1 else ''} Them{'a' if n == 1 else 'en'}: {names}",
            f"{n} shared topic{'' if n == 1 else 's'}: {names}",
        )))  # fmt: skip
    for term in met:
        label = index.term_labels[term]
        reasons.append((1.0, Reason(
            "complementarity", f"sucht {label} — Sie bieten {label}",
            f"seeks {label} — you offer {label}",
        )))  # fmt: skip
    if kinds >= 0.8:
        de, en = KIND_LABELS[kind]
        reasons.append((0.2, Reason("kinds", f"gesucht: {de}", f"sought: {en}")))
    if distance is not None and proximity >= 0.05:
        km = f"{distance:.0f}" if distance >= 1 else "< 1"
        reasons.append((proximity * 0.5, Reason("proximity", f"{km} km entfernt", f"{km} km away")))
    if known:
        n = len(known)
        reasons.append((network + 0.1, Reason(
            "network",
            f"{n} Ihrer Partner {'ist' if n == 1 else 'sind'} dabei",
            f"{n} of your partners {'is' if n == 1 else 'are'} in it",
        )))  # fmt: skip
    reasons.sort(key=lambda item: -item[0])
    return Joinable(
        score=round(total, 4),
        components={name: round(value, 4) for name, value in components.items()},
        reasons=[reason for _, reason in reasons],
        distance_km=None if distance is None else round(distance, 1),
    )


def _distance(lat1: float, lon1: float, lat2: float, lon2: float) -> float | None:
    if any(np.isnan(value) for value in (lat1, lon1, lat2, lon2)):
        return None
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return EARTH_DIAMETER_KM * math.asin(math.sqrt(min(1.0, max(0.0, h))))
