"""One actor scored against one idea's or group's profile: the same signals, weights and kinds
of reasons as the vectorised scoring of a profile against all actors (`score_profile`), computed
for one pair, so that an idea scores an actor exactly as the actor scores the idea."""

import math
from collections.abc import Mapping
from dataclasses import dataclass

from radar.matching.engine import COMPONENTS, DEFAULT_WEIGHTS
from radar.matching.explain import (
    PairFacts,
    Reason,
    Voice,
    met_needs,
    rarest_first,
    reasons,
    wants,
)
from radar.matching.index import KINDS, MatchIndex
from radar.matching.signals import (
    EARTH_DIAMETER_KM,
    FAR_KM,
    GROUP_TIE,
    NEARNESS_SHARE,
    STRONG,
    WEAK_SIGNAL,
    Profile,
    relative_degree,
)


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
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
    half_distance_km: float = 30.0,
    field_labels: Mapping[str, tuple[str, str]] | None = None,
    voice: Voice | None = None,
    flip: bool = False,
    query_kind: tuple[str, str] | None = None,
) -> Joinable:
    """Actor `c` against an idea's or group's profile. Reasons are told from the profile's side
    (`voice` names the actor), or with `flip` from the actor's (`voice` names the idea or
    group, and the actor is "you")."""
    terms, values = index.terms_row(c)
    mine = dict(zip(terms.tolist(), values.tolist(), strict=True))
    wanted = dict(zip(target.terms.tolist(), target.weights.tolist(), strict=True))
    shared = wanted.keys() & mine.keys()
    dot = sum(wanted[t] * mine[t] * float(index.idf[t]) ** 2 for t in shared)
    denominator = float(index.norms[c]) * target.norm
    topics = min(1.0, max(0.0, dot / denominator)) if denominator > 0 else 0.0
    own_fields = int(index.action_fields[c])
    either = (own_fields | target.action_fields).bit_count()
    fields = (own_fields & target.action_fields).bit_count() / either if either else 0.0
    distance = _distance(float(index.lat[c]), float(index.lon[c]), target.lat, target.lon)
    proximity = 0.0 if distance is None else 2.0 ** (-distance / half_distance_km)
    offers, seeks = index.offered(c), index.sought(c)
    theirs = wants(target)
    met = met_needs(index, theirs.seeks, offers, mine, seeks.keys())
    given = met_needs(index, seeks, theirs.offers, target.knows, theirs.seeks.keys())
    credit = sum(m.weighted for m in met) + sum(m.weighted for m in given)
    if max((m.credit for m in (*met, *given)), default=0.0) >= STRONG:
        complementarity = 1.0 - 2.0 ** (-(1.0 + credit))
    else:
        complementarity = WEAK_SIGNAL * min(credit, 1.0)
    complementarity *= 1.0 - NEARNESS_SHARE * (1.0 - (0.5 if distance is None else proximity))
    if distance is not None and distance > FAR_KM:
        complementarity *= 2.0 ** (-(distance - FAR_KM) / FAR_KM)
    kind = KINDS[int(index.kinds[c])]
    partners, ties = index.partners_row(c)
    tie_with = dict(zip(partners.tolist(), ties.tolist(), strict=True))
    known = [m for m in target.partners.tolist() if m in tie_with]
    adamic_adar = sum(
        math.sqrt(tie_with[m]) / math.log(2.0 + float(index.degree[m])) for m in known
    )
    groups = [g for g in target.groups if c in index.group_members.get(g, ())]
    network = 1.0 - math.exp(-(adamic_adar + GROUP_TIE * len(groups)))
    activity = topics * (float(relative_degree(index)[c]) + target.activity) * 0.5
    components = {
        "topics": topics,
        "action_fields": fields,
        "proximity": proximity,
        "complementarity": complementarity,
        "kinds": float(target.kinds[int(index.kinds[c])]),
        "network": network,
        "activity": activity,
    }
    weight_sum = sum(max(0.0, weights.get(name, 0.0)) for name in COMPONENTS) or 1.0
    total = sum(components[n] * max(0.0, weights.get(n, 0.0)) for n in COMPONENTS) / weight_sum
    facts = PairFacts(
        components=components,
        distance_km=distance,
        shared_terms=rarest_first(index, shared),
        fields_mine=target.action_fields,
        fields_theirs=own_fields,
        met=given if flip else met,
        given=met if flip else given,
        common_partners=len(known),
        shared_groups=sorted(index.group_names.get(g, str(g)) for g in groups),
        their_kind=kind,
        their_partners=int(index.degree[c]),
        states_needs=bool(index.seeks_row(c).size if flip else target.seeks.size),
        has_terms=bool(wanted) and bool(mine),
        query_kind=query_kind,
    )
    if flip:  # told to the actor: "mine" is the actor's, "theirs" the idea's or group's
        facts.fields_mine, facts.fields_theirs = own_fields, target.action_fields
        facts.their_partners = 0  # "active in shared topics" speaks of actors, not ideas
    shown = reasons(
        facts, index, field_labels or index.field_labels, weights,
        voice or Voice(other=index.names[c], other_en=index.names[c]),
    )  # fmt: skip
    return Joinable(
        score=round(total, 4),
        components={name: round(value, 4) for name, value in components.items()},
        reasons=shown,
        distance_km=None if distance is None else round(distance, 1),
    )


def _distance(lat1: float, lon1: float, lat2: float, lon2: float) -> float | None:
    if any(math.isnan(value) for value in (lat1, lon1, lat2, lon2)):
        return None
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return EARTH_DIAMETER_KM * math.asin(math.sqrt(min(1.0, max(0.0, h))))
