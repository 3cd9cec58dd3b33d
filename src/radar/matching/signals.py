"""The match signals: each scores one query (an actor, or an idea or group seeking members)
against every actor in the index, in [0, 1]."""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from radar.matching.index import (
    KINDS,
    FloatArray,
    IntArray,
    MatchIndex,
    tag_term,
    topic_term,
)
from radar.models.actor import ActorKind

EARTH_DIAMETER_KM = 12742.0


@dataclass(frozen=True)
class Profile:
    """What is matched against the actors: an indexed actor's row, or one built for an idea or
    group (its topics, fields, place, what it seeks, the kinds it wants, its members)."""

    terms: IntArray
    weights: FloatArray
    norm: float  # length of the tf-idf vector
    action_fields: int  # bit j: serves field_slugs[j]
    lat: float  # NaN: no place
    lon: float
    offers: IntArray
    seeks: IntArray
    kinds: FloatArray  # how well each actor kind complements the query, per kind
    partners: IntArray  # positions of the actors it works with
    ties: FloatArray
    position: int | None = None  # the indexed actor itself, never its own match


def profile_of(index: MatchIndex, q: int) -> Profile:
    """The profile of indexed actor `q`."""
    terms, weights = index.terms_row(q)
    partners, ties = index.partners_row(q)
    return Profile(
        terms=terms,
        weights=weights,
        norm=float(index.norms[q]),
        action_fields=int(index.action_fields[q]),
        lat=float(index.lat[q]),
        lon=float(index.lon[q]),
        offers=index.offers_row(q),
        seeks=index.seeks_row(q),
        kinds=KIND_COMPLEMENT[int(index.kinds[q])],
        partners=partners,
        ties=ties,
        position=q,
    )


def _as_profile(index: MatchIndex, q: "int | Profile") -> Profile:
    return q if isinstance(q, Profile) else profile_of(index, q)


def topic_similarity(index: MatchIndex, q: "int | Profile") -> FloatArray:
    """Cosine of tf-idf vectors over topics and free tags (own, and from the actor's joint
    projects, ideas and groups): a shared rare topic counts more than a shared common one."""
    query = _as_profile(index, q)
    scores = np.zeros(index.size, dtype=np.float32)
    mine = dict(zip(query.terms.tolist(), query.weights.tolist(), strict=True))
    for term, weight in mine.items():
        if term < index.base_terms:
            actors, values = index.term_actors.row(term)
            scores[actors] += values * np.float32(weight * float(index.idf[term]) ** 2)
    for p, row in index.overlay.items():  # rows changed since the postings were built
        shared = mine.keys() & row.terms.keys()
        scores[p] = sum(mine[t] * row.terms[t] * float(index.idf[t]) ** 2 for t in shared)
    denominator = index.norms * np.float32(query.norm)
    np.divide(scores, denominator, out=scores, where=denominator > 0)
    return np.clip(scores, 0.0, 1.0, out=scores)


def action_field_overlap(index: MatchIndex, q: "int | Profile") -> FloatArray:
    """Jaccard overlap of the action fields the two actors serve."""
    mine = np.int32(_as_profile(index, q).action_fields)
    both = np.bitwise_count(index.action_fields & mine).astype(np.float32)
    either = np.bitwise_count(index.action_fields | mine).astype(np.float32)
    result: FloatArray = np.divide(both, either, out=np.zeros_like(both), where=either > 0)
    return result


def distances_km(index: MatchIndex, lat: float, lon: float) -> FloatArray:
    """Great-circle distance from a point to every actor (NaN where an actor shows none)."""
    p1, l1 = np.radians(np.float32(lat)), np.radians(np.float32(lon))
    p2, l2, cos_p2 = _radians(index)
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * cos_p2 * np.sin((l2 - l1) / 2) ** 2
    result: FloatArray = (EARTH_DIAMETER_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))).astype(
        np.float32
    )
    return result


def _radians(index: MatchIndex) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Every actor's latitude and longitude in radians and the cosine of its latitude: the
    same for every query on one index, computed once, read-only."""
    cached: tuple[FloatArray, FloatArray, FloatArray] | None = index.derived.get("radians")
    if cached is None:
        p2, l2 = np.radians(index.lat), np.radians(index.lon)
        cached = (p2, l2, np.cos(p2))
        for array in cached:
            array.setflags(write=False)
        index.derived["radians"] = cached
    return cached


def proximity(distances: FloatArray, *, half_distance_km: float) -> FloatArray:
    """A smooth decay: 1 next door, ½ at the half distance, ¼ at twice it; 0 without a place."""
    decay = np.exp2(-distances / np.float32(half_distance_km)).astype(np.float32)
    result: FloatArray = np.nan_to_num(decay, nan=0.0)
    return result


def complementarity(index: MatchIndex, q: "int | Profile") -> tuple[FloatArray, FloatArray]:
    """What `q` seeks and the other offers, and what it offers and the other seeks: counts of
    met needs per actor in both directions (1 − ½ⁿ of all of them is the signal)."""
    query = _as_profile(index, q)
    met_needs = _count_postings(index, query.seeks, offered=True)
    needs_met = _count_postings(index, query.offers, offered=False)
    return met_needs, needs_met


def complement_score(met_needs: FloatArray, needs_met: FloatArray) -> FloatArray:
    result: FloatArray = (1.0 - np.exp2(-(met_needs + needs_met))).astype(np.float32)
    return result


def _count_postings(index: MatchIndex, terms: IntArray, *, offered: bool) -> FloatArray:
    postings = index.offered_by if offered else index.sought_by
    counts = np.zeros(index.size, dtype=np.float32)
    wanted = set(terms.tolist())
    for term in wanted:
        if term < index.base_terms:
            counts[postings.row(term)[0]] += 1.0
    for p, row in index.overlay.items():  # rows changed since the postings were built
        counts[p] = len(wanted & (row.offers if offered else row.seeks))
    return counts


def _kind_matrix() -> FloatArray:
    # How well two kinds of actor complement each other in a joint project (symmetric).
    k = ActorKind
    research = (k.university, k.research_institute)
    pairs: dict[tuple[ActorKind, ActorKind], float] = {}
    for r in research:
        pairs[(k.company, r)] = 1.0
        pairs[(k.startup, r)] = 0.8
        pairs[(k.public_body, r)] = 0.5
    pairs[(k.startup, k.company)] = 1.0
    pairs[(k.university, k.research_institute)] = 0.6
    pairs[(k.company, k.company)] = 0.4
    pairs[(k.university, k.university)] = 0.4
    pairs[(k.research_institute, k.research_institute)] = 0.4
    matrix = np.full((len(KINDS), len(KINDS)), 0.3, dtype=np.float32)
    for (a, b), value in pairs.items():
        matrix[KINDS.index(a), KINDS.index(b)] = matrix[KINDS.index(b), KINDS.index(a)] = value
    return matrix


KIND_COMPLEMENT = _kind_matrix()


def kind_complement(index: MatchIndex, q: "int | Profile") -> FloatArray:
    """How well the other actor's kind complements `q`'s (company ↔ research, start-up ↔
    industry), or is one an idea or group seeks."""
    result: FloatArray = _as_profile(index, q).kinds[index.kinds]
    return result


def shared_partners(index: MatchIndex, q: "int | Profile") -> tuple[FloatArray, FloatArray]:
    """Adamic–Adar over the collaboration network (partners through joint projects, ideas,
    working groups), each path weighted by how closely both sides work with the partner in
    between (the geometric mean of the two ties: repeated and small-team collaborations
    count more), and the number of partners shared; the signal is 1 − e^(−score)."""
    query = _as_profile(index, q)
    adamic_adar = np.zeros(index.size, dtype=np.float32)
    common = np.zeros(index.size, dtype=np.float32)
    for n, tie in zip(query.partners.tolist(), query.ties.tolist(), strict=True):
        second, ties = index.partners_row(n)
        scale = np.float32(np.sqrt(tie) / np.log(2.0 + index.degree[n]))
        adamic_adar[second] += np.sqrt(ties) * scale
        common[second] += 1.0
    if query.position is not None:
        adamic_adar[query.position] = common[query.position] = 0.0
    return (1.0 - np.exp(-adamic_adar)).astype(np.float32), common


def activity(index: MatchIndex) -> FloatArray:
    """How active an actor is: its number of partners on a log scale, 1 for the most active.
    The same for every query on one index: computed once, returned read-only."""
    cached: FloatArray | None = index.derived.get("activity")
    if cached is None:
        most = float(index.degree.max()) if index.size else 0.0
        if most == 0:
            cached = np.zeros(index.size, dtype=np.float32)
        else:
            cached = (np.log1p(index.degree) / np.log1p(most)).astype(np.float32)
        cached.setflags(write=False)
        index.derived["activity"] = cached
    return cached


def seeking_profile(
    index: MatchIndex,
    *,
    topics: Sequence[str],
    tags: Sequence[str],
    seeking_topics: Sequence[str],
    seeking_kinds: Sequence[ActorKind],
    action_fields: Sequence[str],
    lat: float | None,
    lon: float | None,
    members: Sequence[int],
    lead_kind: ActorKind | None = None,
) -> Profile:
    """The profile of an idea, joint project or group looking for members: its topics and
    tags (what it is about), the topics it seeks (needs that an actor's offers and topics
    meet), the kinds it wants (else those complementing its lead's), its place, and its members
    (whose partners are likely members too). Terms no indexed actor carries are left out."""
    ids = index.term_ids
    wanted = [topic_term(slug) for slug in (*topics, *seeking_topics)] + [
        tag_term(tag) for tag in tags
    ]
    terms = np.array(sorted({ids[t] for t in wanted if t in ids}), dtype=np.int32)
    weights = np.ones(terms.size, dtype=np.float32)
    norm = float(np.sqrt(np.sum((weights * index.idf[terms]) ** 2))) if terms.size else 0.0
    seeks = np.array(
        sorted({ids[t] for slug in seeking_topics if (t := topic_term(slug)) in ids}),
        dtype=np.int32,
    )
    bits = {slug: 1 << j for j, slug in enumerate(index.field_slugs)}
    if seeking_kinds:
        kinds = np.full(len(KINDS), 0.2, dtype=np.float32)
        kinds[[KINDS.index(kind) for kind in seeking_kinds]] = 1.0
    elif lead_kind is not None:
        kinds = KIND_COMPLEMENT[KINDS.index(lead_kind)]
    else:
        kinds = np.full(len(KINDS), 0.3, dtype=np.float32)
    partners = np.array(sorted(set(members)), dtype=np.int32)
    return Profile(
        terms=terms,
        weights=weights,
        norm=norm,
        action_fields=sum(bits.get(slug, 0) for slug in set(action_fields)),
        lat=float("nan") if lat is None or lon is None else float(lat),
        lon=float("nan") if lat is None or lon is None else float(lon),
        offers=np.zeros(0, dtype=np.int32),
        seeks=seeks,
        kinds=kinds,
        partners=partners,
        ties=np.ones(partners.size, dtype=np.float32),
    )
