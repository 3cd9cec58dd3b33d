"""The match signals: each scores one actor against every actor in the index, in [0, 1]."""

import numpy as np

from radar.matching.index import KINDS, FloatArray, IntArray, MatchIndex
from radar.models.actor import ActorKind

EARTH_DIAMETER_KM = 12742.0


def topic_similarity(index: MatchIndex, q: int) -> FloatArray:
    """Cosine of tf-idf vectors over topics and free tags (own, and from the actor's joint
    projects, ideas and groups): a shared rare topic counts more than a shared common one."""
    scores = np.zeros(index.size, dtype=np.float32)
    terms, weights = index.actor_terms.row(q)
    for term, weight in zip(terms.tolist(), weights.tolist(), strict=True):
        actors, values = index.term_actors.row(term)
        scores[actors] += values * np.float32(weight * float(index.idf[term]) ** 2)
    denominator = index.norms * index.norms[q]
    np.divide(scores, denominator, out=scores, where=denominator > 0)
    return np.clip(scores, 0.0, 1.0, out=scores)


def action_field_overlap(index: MatchIndex, q: int) -> FloatArray:
    """Jaccard overlap of the action fields the two actors serve."""
    mine = index.action_fields[q]
    both = np.bitwise_count(index.action_fields & mine).astype(np.float32)
    either = np.bitwise_count(index.action_fields | mine).astype(np.float32)
    result: FloatArray = np.divide(both, either, out=np.zeros_like(both), where=either > 0)
    return result


def distances_km(index: MatchIndex, lat: float, lon: float) -> FloatArray:
    """Great-circle distance from a point to every actor (NaN where an actor shows none)."""
    p1, l1 = np.radians(np.float32(lat)), np.radians(np.float32(lon))
    p2, l2 = np.radians(index.lat), np.radians(index.lon)
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2) ** 2
    result: FloatArray = (EARTH_DIAMETER_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))).astype(
        np.float32
    )
    return result


def proximity(distances: FloatArray, *, half_distance_km: float) -> FloatArray:
    """A smooth decay: 1 next door, ½ at the half distance, ¼ at twice it; 0 without a place."""
    decay = np.exp2(-distances / np.float32(half_distance_km)).astype(np.float32)
    result: FloatArray = np.nan_to_num(decay, nan=0.0)
    return result


def complementarity(index: MatchIndex, q: int) -> tuple[FloatArray, FloatArray]:
    """What `q` seeks and the other offers, and what it offers and the other seeks: counts of
    met needs per actor in both directions (1 − ½ⁿ of all of them is the signal)."""
    met_needs = _count_postings(index, index.seeks.row(q)[0], offered=True)
    needs_met = _count_postings(index, index.offers.row(q)[0], offered=False)
    return met_needs, needs_met


def complement_score(met_needs: FloatArray, needs_met: FloatArray) -> FloatArray:
    result: FloatArray = (1.0 - np.exp2(-(met_needs + needs_met))).astype(np.float32)
    return result


def _count_postings(index: MatchIndex, terms: IntArray, *, offered: bool) -> FloatArray:
    postings = index.offered_by if offered else index.sought_by
    counts = np.zeros(index.size, dtype=np.float32)
    for term in terms.tolist():
        counts[postings.row(term)[0]] += 1.0
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


def kind_complement(index: MatchIndex, q: int) -> FloatArray:
    """How well the other actor's kind complements `q`'s (company ↔ research, start-up ↔
    industry)."""
    result: FloatArray = KIND_COMPLEMENT[int(index.kinds[q])][index.kinds]
    return result


def shared_partners(index: MatchIndex, q: int) -> tuple[FloatArray, FloatArray]:
    """Adamic–Adar over the collaboration network (partners through joint projects, ideas,
    working groups), and the number of partners shared; the signal is 1 − e^(−score)."""
    adamic_adar = np.zeros(index.size, dtype=np.float32)
    common = np.zeros(index.size, dtype=np.float32)
    neighbours, ties = index.partners.row(q)
    for n, tie in zip(neighbours.tolist(), ties.tolist(), strict=True):
        second, _ = index.partners.row(n)
        adamic_adar[second] += np.float32(min(tie, 1.0) / np.log(2.0 + index.degree[n]))
        common[second] += 1.0
    adamic_adar[q] = common[q] = 0.0
    return (1.0 - np.exp(-adamic_adar)).astype(np.float32), common


def activity(index: MatchIndex) -> FloatArray:
    """How active an actor is: its number of partners on a log scale, 1 for the most active."""
    if index.size == 0:
        return np.zeros(0, dtype=np.float32)
    most = float(index.degree.max())
    if most == 0:
        return np.zeros(index.size, dtype=np.float32)
    result: FloatArray = (np.log1p(index.degree) / np.log1p(most)).astype(np.float32)
    return result
