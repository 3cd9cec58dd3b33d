"""The match signals: each scores one query (an actor, or an idea or group seeking members)
against every actor in the index, in [0, 1]. Every signal is symmetric: actor A scores actor B
as B scores A, and an idea scores an actor as the actor scores the idea."""

import math
import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

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
# A need met by what the other side works on (its topics) counts half as much as one met by
# what it offers; one met by a more specific or general topic less (see `related_terms`).
VIA_TOPIC = 0.5
TREE_CREDIT = (1.0, 0.5, 0.25)  # a more specific topic meets a need
BROADER_CREDIT = (1.0, 0.25, 0.125)  # a more general one
# Beyond this distance a met need counts less and less (halved every further 100 km): a cluster
# looks for partners in reach first.
FAR_KM = 100.0
# Among actors meeting needs, the nearer ones come first: nearness moves the needs signal by up
# to this share.
NEARNESS_SHARE = 0.1
# A need counts as met, and puts the pair in the tier above all others, when one side meets it
# with at least this credit: an offer of the topic, of its parent or child, or the topic itself.
# Looser meets (an offer two levels away, a related topic) only add a little.
STRONG = 0.5
WEAK_SIGNAL = 0.06
# A shared working group is a weak tie: a quarter of one shared joint-project partner's path.
GROUP_TIE = 0.25


@dataclass(frozen=True)
class Profile:
    """What is matched against the actors: an indexed actor's row, or one built for an idea or
    group (its topics, fields, place, what it seeks, the kinds it wants, its members)."""

    terms: IntArray  # what it is about (tf-idf cosine)
    weights: FloatArray
    norm: float  # length of the tf-idf vector
    action_fields: int  # bit j: serves field_slugs[j]
    lat: float  # NaN: no place
    lon: float
    offers: IntArray  # what it offers: meets others' needs in full
    seeks: IntArray  # its needs
    worth: dict[int, float]  # an offer's or need's worth where below 1 (a phrase naming it)
    kinds: FloatArray  # how well each actor kind complements the query, per kind
    partners: IntArray  # positions of the actors it works with
    ties: FloatArray
    activity: float  # its partners, relative to the most connected actor, in [0, 1]
    knows: dict[int, float]  # what it works on (topics, weighted): meets others' needs in part
    groups: frozenset[uuid.UUID] = frozenset()  # the working groups it is an active member of
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
        worth={t: w for t, w in (*index.offered(q).items(), *index.sought(q).items()) if w < 1.0},
        kinds=KIND_COMPLEMENT[int(index.kinds[q])],
        partners=partners,
        ties=ties,
        activity=float(relative_degree(index)[q]),
        knows=dict(zip(terms.tolist(), weights.tolist(), strict=True)),
        groups=groups_of(index).get(q, frozenset()),
        position=q,
    )


def _as_profile(index: MatchIndex, q: "int | Profile") -> Profile:
    return q if isinstance(q, Profile) else profile_of(index, q)


def topic_similarity(index: MatchIndex, q: "int | Profile") -> FloatArray:
    """Cosine of tf-idf vectors over topics and free tags (own, and from the actor's joint
    projects and ideas): a shared rare topic counts more than a shared common one."""
    query = _as_profile(index, q)
    posted = query.terms < index.base_terms  # terms the postings hold
    terms, weights = query.terms[posted], query.weights[posted]
    rows = [index.term_actors.row(term) for term in terms.tolist()]
    if rows:  # every posting of the query's terms at once, summed per actor
        scale = weights * index.idf[terms].astype(np.float32) ** 2
        values = np.concatenate([row[1] for row in rows]) * np.repeat(
            scale, [row[0].size for row in rows]
        )
        actors = np.concatenate([row[0] for row in rows])
        scores = np.bincount(actors, weights=values, minlength=index.size).astype(np.float32)
    else:
        scores = np.zeros(index.size, dtype=np.float32)
    mine = dict(zip(query.terms.tolist(), query.weights.tolist(), strict=True))
    for p, row in index.overlay.items():  # rows changed since the postings were built
        shared = mine.keys() & row.terms.keys()
        scores[p] = sum(mine[t] * row.terms[t] * float(index.idf[t]) ** 2 for t in shared)
    if query.norm <= 0:
        return np.zeros(index.size, dtype=np.float32)
    scores *= inverse_norms(index)
    scores *= np.float32(1.0 / query.norm)
    return np.minimum(scores, np.float32(1.0), out=scores)  # tf-idf weights are positive


def inverse_norms(index: MatchIndex) -> FloatArray:
    """1 / each actor's tf-idf norm (0 for an actor without terms): the same for every query on
    one index, computed once, read-only."""
    cached: FloatArray | None = index.derived.get("inverse_norms")
    if cached is None:
        norms = index.norms.astype(np.float32)
        cached = np.divide(
            np.float32(1.0), norms, out=np.zeros_like(norms), where=norms > 0
        ).astype(np.float32)
        cached.setflags(write=False)
        index.derived["inverse_norms"] = cached
    return cached


def action_field_overlap(index: MatchIndex, q: "int | Profile") -> FloatArray:
    """Jaccard overlap of the action fields the two actors serve."""
    bits = _as_profile(index, q).action_fields
    both = np.bitwise_count(index.action_fields & np.int32(bits)).astype(np.float32)
    either = field_counts(index) + np.float32(bits.bit_count()) - both
    result: FloatArray = np.divide(both, either, out=np.zeros_like(both), where=either > 0)
    return result


def field_counts(index: MatchIndex) -> FloatArray:
    """How many action fields each actor serves (computed once per index, read-only)."""
    cached: FloatArray | None = index.derived.get("field_counts")
    if cached is None:
        cached = np.bitwise_count(index.action_fields).astype(np.float32)
        cached.setflags(write=False)
        index.derived["field_counts"] = cached
    return cached


def distances_km(index: MatchIndex, lat: float, lon: float) -> FloatArray:
    """Great-circle distance from a point to every actor (NaN where an actor shows none): from
    the chord between the two points on the unit sphere, 2 R asin(chord / 2) — the haversine
    distance, from differences of coordinates (exact to a metre in float32) rather than sines
    of small angles."""
    x, y, z = _unit_vectors(index)
    px, py, pz = _unit_vector(lat, lon)
    chord = x - px
    chord *= chord
    for axis, value in ((y, py), (z, pz)):
        step = axis - value
        step *= step
        chord += step
    np.sqrt(chord, out=chord)
    chord *= np.float32(0.5)
    np.minimum(chord, np.float32(1.0), out=chord)
    np.arcsin(chord, out=chord)
    chord *= np.float32(EARTH_DIAMETER_KM)
    return chord


def _unit_vector(lat: float, lon: float) -> tuple[np.float32, np.float32, np.float32]:
    phi, lam = math.radians(lat), math.radians(lon)
    x, y, z = math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi)
    return np.float32(x), np.float32(y), np.float32(z)


def _unit_vectors(index: MatchIndex) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Every actor's place as a point on the unit sphere (NaN without one): the same for every
    query on one index, computed once, read-only."""
    cached: tuple[FloatArray, FloatArray, FloatArray] | None = index.derived.get("unit_vectors")
    if cached is None:
        phi = np.radians(index.lat.astype(np.float64))
        lam = np.radians(index.lon.astype(np.float64))
        x, y, z = np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)
        cached = (x.astype(np.float32), y.astype(np.float32), z.astype(np.float32))
        for array in cached:
            array.setflags(write=False)
        index.derived["unit_vectors"] = cached
    return cached


def proximity(distances: FloatArray, *, half_distance_km: float) -> FloatArray:
    """A smooth decay: 1 next door, ½ at the half distance, ¼ at twice it; 0 without a place."""
    decay: FloatArray = np.multiply(
        distances, np.float32(-1.0 / half_distance_km), dtype=np.float32
    )
    np.exp2(decay, out=decay)
    return np.fmax(decay, np.float32(0.0), out=decay)  # no place (NaN): 0


def related_terms(index: MatchIndex, need: int) -> list[tuple[int, float]]:
    """The terms that meet a need for `need`, with their credit: the term itself (1); a more
    specific topic, one level down the tree (½) or two (¼) — an offer of extrusion meets a need
    for plastics technology —; a more general one, one level up (¼) or two (⅛) — a generalist
    may or may not do the special thing. Never siblings. A free tag meets only itself."""
    return _tree(index, need, "related", down=TREE_CREDIT, up=BROADER_CREDIT)


def needs_met_by(index: MatchIndex, term: int) -> list[tuple[int, float]]:
    """The needs an offer of `term` meets, with their credit (the inverse of `related_terms`)."""
    return _tree(index, term, "meets", down=BROADER_CREDIT, up=TREE_CREDIT)


def _tree(
    index: MatchIndex, term: int, name: str, *, down: tuple[float, ...], up: tuple[float, ...]
) -> list[tuple[int, float]]:
    cache: dict[int, list[tuple[int, float]]] = index.derived.setdefault(name, {})
    found = cache.get(term)
    if found is None:
        children: dict[int, list[int]] = index.derived.get("children") or _children(index)
        credit = {term: 1.0}
        above, below = [term], [term]
        for level in (1, 2):
            above = [index.term_parent[t] for t in above if t in index.term_parent]
            below = [child for t in below for child in children.get(t, ())]
            for t in below:
                credit.setdefault(t, down[level])
            for t in above:
                credit.setdefault(t, up[level])
        found = list(credit.items())
        cache[term] = found
    return found


def _children(index: MatchIndex) -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for child, parent in index.term_parent.items():
        children.setdefault(parent, []).append(child)
    index.derived["children"] = children
    return children


class Needs(NamedTuple):
    """Per actor: how much of what the query seeks it meets (`met_needs`), how much of what it
    seeks the query meets (`needs_met`), the best single credit either way (`best`), and the
    need it meets best (`main`: 2 × term + 1 for one of the query's needs met in full, 2 × term
    for one of its own met by the query or one of the query's met loosely, −1 for none)."""

    met_needs: FloatArray
    needs_met: FloatArray
    best: FloatArray
    main: npt.NDArray[np.int64]
    main_value: FloatArray  # how well it meets its main need (weighted credit, +1 in full)


def complementarity(index: MatchIndex, q: "int | Profile") -> Needs:
    """What each actor and `q` meet of each other's needs. Each sum runs over the needs, each
    need counted with its best credit — 1 for an offer of the very topic or term, less through
    the topic tree or through topics instead of offers (see `need_credit`) — times how rare the
    need is to meet (`need_weight`)."""
    query = _as_profile(index, q)
    met_needs = np.zeros(index.size, dtype=np.float32)
    best = np.zeros(index.size, dtype=np.float32)
    main = np.full(index.size, -1, dtype=np.int64)
    main_value = np.zeros(index.size, dtype=np.float32)  # its weighted credit (+1: in full)
    for need in set(query.seeks.tolist()):
        credit = np.zeros(index.size, dtype=np.float32)
        related = [(t, v) for t, v in related_terms(index, need) if t < index.base_terms]
        for term, value in related:  # working on it meets it in part …
            workers, weights = index.term_actors.row(term)
            credit[workers] = np.maximum(credit[workers], weights * np.float32(VIA_TOPIC * value))
        if need < index.base_terms:  # … unless one seeks it too
            credit[index.sought_by.row(need)[0]] = 0.0
        for term, value in related:  # offering it meets it
            offerers, worths = index.offered_by.row(term)
            credit[offerers] = np.maximum(credit[offerers], worths * np.float32(value))
        for p, row in index.overlay.items():
            credit[p] = need_credit(index, need, row.offers, row.terms, row.seeks)
        at = np.flatnonzero(credit > 0)  # the few that meet it: the rest is done on them only
        if not at.size:
            continue
        met = credit[at] * np.float32(query.worth.get(need, 1.0))
        weighted = met * np.float32(need_weight(index, need))
        met_needs[at] += weighted
        best[at] = np.maximum(best[at], met)
        full = met >= np.float32(STRONG)
        ranked = weighted + full  # the query's own needs met in full first
        better = ranked > main_value[at]
        main[at[better]] = 2 * need + full[better]
        main_value[at[better]] = ranked[better]
    # What `q` can give, each term with the best credit it meets a need for it with.
    supply: dict[int, float] = {}
    own_needs = set(query.seeks.tolist())
    for term in query.offers.tolist():
        worth = query.worth.get(term, 1.0)
        for need, value in needs_met_by(index, term):
            supply[need] = max(supply.get(need, 0.0), value * worth)
    for term, weight in query.knows.items():
        for need, value in needs_met_by(index, term):
            if need not in own_needs:
                supply[need] = max(supply.get(need, 0.0), VIA_TOPIC * value * weight)
    needs_met = np.zeros(index.size, dtype=np.float32)
    # All the postings of those needs at once: (seeker, need, credit) rows.
    wanted = np.array([n for n in supply if n < index.base_terms], dtype=np.int64)
    starts, ends = index.sought_by.starts[wanted], index.sought_by.starts[wanted + 1]
    lengths = ends - starts
    if lengths.sum():
        rows = np.arange(lengths.sum()) + np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        seekers = index.sought_by.columns[rows]
        needs = np.repeat(wanted, lengths)
        credits = np.array([supply[n] for n in wanted.tolist()], dtype=np.float32)
        met = index.sought_by.values[rows] * np.repeat(credits, lengths)
        weighted = met * need_weights(index)[needs]
        np.add.at(needs_met, seekers, weighted)
        np.maximum.at(best, seekers, met)

        order = np.argsort(weighted, kind="stable")  # the best need of a seeker assigned last
        order = order[weighted[order] > main_value[seekers[order]]]
        main[seekers[order]] = 2 * needs[order]
        main_value[seekers[order]] = weighted[order]
    for p, row in index.overlay.items():
        met_by = {n: supply.get(n, 0.0) * worth for n, worth in row.seeks.items()}
        needs_met[p] = sum(value * need_weight(index, n) for n, value in met_by.items())
        best[p] = max([float(best[p]), *met_by.values()])
        for n, value in met_by.items():
            if value > 0 and value * need_weight(index, n) > main_value[p]:
                main[p], main_value[p] = 2 * n, value * need_weight(index, n)
    if (own := query.position) is not None:
        met_needs[own] = needs_met[own] = best[own] = 0.0
        main[own], main_value[own] = -1, 0.0
    return Needs(met_needs, needs_met, best, main, main_value)


def need_credit(
    index: MatchIndex,
    need: int,
    offers: Mapping[int, float],
    knows: Mapping[int, float],
    seeks: "Collection[int]" = (),
) -> float:
    """How well one side's offers (term → worth) and topics meet one need of the other: the
    best credit (see `best_meet`)."""
    found = best_meet(index, need, offers, knows, seeks)
    return 0.0 if found is None else found[1]


def best_meet(
    index: MatchIndex,
    need: int,
    offers: Mapping[int, float],
    knows: Mapping[int, float],
    seeks: "Collection[int]" = (),
) -> tuple[int, float, bool] | None:
    """The term of one side's offers (term → worth) or topics that best meets one need of the
    other, its credit, and whether it is an offer; an offer wins a tie. Its topics meet no need
    it states itself (working on what one seeks is not offering it)."""
    best: tuple[int, float, bool] | None = None
    for term, credit in related_terms(index, need):
        if term in offers and (best is None or credit * offers[term] > best[1]):
            best = (term, credit * offers[term], True)
        if term in knows and need not in seeks:
            partial = VIA_TOPIC * credit * knows[term]
            if best is None or partial > best[1]:
                best = (term, partial, False)
    return best


def need_weight(index: MatchIndex, need: int) -> float:
    """How much meeting a need for `need` says, from ½ (what nearly everyone offers or works
    on) to 1 (what only a few do): meeting a rare need is the better suggestion, and an actor
    that seeks or offers only what everybody does does not top every list."""
    weights = need_weights(index)
    return float(weights[need]) if need < weights.size else 1.0


def need_weights(index: MatchIndex) -> FloatArray:
    """`need_weight` of every term the postings hold, computed once per index."""
    weights: FloatArray | None = index.derived.get("need_weights")
    if weights is None:
        supply = np.diff(index.offered_by.starts).astype(np.float32) + np.float32(
            VIA_TOPIC
        ) * np.diff(index.term_actors.starts).astype(np.float32)
        n = max(index.base_size, 1)
        rarity = np.log1p(n / (1.0 + supply)) / np.log1p(n)
        weights = (0.5 + 0.5 * np.clip(rarity, 0.0, 1.0)).astype(np.float32)
        weights.setflags(write=False)
        index.derived["need_weights"] = weights
    return weights


def complement_score(
    met_needs: FloatArray,
    needs_met: FloatArray,
    best: FloatArray,
    distances: FloatArray,
    nearness: FloatArray,
) -> FloatArray:
    """The needs signal. Where a need is met (`best` ≥ `STRONG`): above 0.45, so that with the
    default weights such a pair outranks every pair meeting none within `FAR_KM`, growing with
    the needs met and how fully, a little with nearness (`nearness`: the proximity signal, ½
    where a side shows no place), fading with distance beyond `FAR_KM`. Where needs are only
    loosely met: at most `WEAK_SIGNAL`."""
    result = np.zeros(met_needs.size, dtype=np.float32)
    at = np.flatnonzero((met_needs > 0) | (needs_met > 0))  # most actors meet no need
    met = met_needs[at] + needs_met[at]
    strong = 1.0 - np.exp2(-(1.0 + met))
    signal = np.where(best[at] >= STRONG, strong, WEAK_SIGNAL * np.minimum(met, 1.0))
    distance = distances[at]
    near = np.where(np.isnan(distance), np.float32(0.5), nearness[at])
    # Beyond FAR_KM, halved every FAR_KM; no place (NaN): no fade.
    beyond = np.fmax(distance - np.float32(FAR_KM), np.float32(0.0))
    fade = np.exp2(beyond * np.float32(-1.0 / FAR_KM))
    result[at] = signal * (1.0 - NEARNESS_SHARE * (1.0 - near)) * fade
    return result


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


def shared_partners(
    index: MatchIndex, q: "int | Profile"
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The network signal, 1 − e^(−score), and per actor the partners and working groups it
    shares with `q`. The score is Adamic–Adar over the joint-project network, each path
    weighted by how closely both sides work with the partner in between (the geometric mean of
    the two ties: repeated and small-team collaborations count more), plus a weak tie for each
    working group both are active in."""
    query = _as_profile(index, q)
    rows = [index.partners_row(n) for n in query.partners.tolist()]
    second = np.concatenate([row[0] for row in rows]) if rows else np.zeros(0, dtype=np.int64)
    # Each path's weight: √(both ties) / log(2 + the partner's own partners), summed per actor.
    scales = np.sqrt(query.ties) / np.log(2.0 + index.degree[query.partners])
    paths = np.repeat(scales, [row[0].size for row in rows]) * (
        np.sqrt(np.concatenate([row[1] for row in rows])) if rows else 1.0
    )
    score = np.bincount(second, weights=paths, minlength=index.size).astype(np.float32)
    common = np.bincount(second, minlength=index.size).astype(np.float32)
    groups = np.zeros(index.size, dtype=np.float32)
    for group in query.groups:
        groups[np.fromiter(index.group_members.get(group, ()), dtype=np.int64)] += 1.0
    if query.position is not None:
        score[query.position] = common[query.position] = groups[query.position] = 0.0
    if query.groups:
        score += np.float32(GROUP_TIE) * groups
    network = np.zeros(index.size, dtype=np.float32)
    at = np.flatnonzero(score > 0)  # most actors share nothing with `q`: done on the others only
    network[at] = -np.expm1(-score[at])
    return network, common, groups


def groups_of(index: MatchIndex) -> dict[int, frozenset[uuid.UUID]]:
    """The working groups each actor is active in: the same for every query on one index."""
    cached: dict[int, frozenset[uuid.UUID]] | None = index.derived.get("groups_of")
    if cached is None:
        found: dict[int, set[uuid.UUID]] = {}
        for group, members in index.group_members.items():
            for member in members:
                found.setdefault(member, set()).add(group)
        cached = {member: frozenset(groups) for member, groups in found.items()}
        index.derived["groups_of"] = cached
    return cached


def relative_degree(index: MatchIndex) -> FloatArray:
    """Each actor's number of joint-project partners plus one, relative to the most connected
    actor's (plus one): 1 for the most connected, and above 0 for an actor without partners
    yet, so that where no one has partners the topics still carry the activity signal. The same
    for every query on one index: computed once, returned read-only."""
    cached: FloatArray | None = index.derived.get("relative_degree")
    if cached is None:
        most = float(index.degree.max()) if index.size else 0.0
        cached = ((index.degree + np.float32(1.0)) / np.float32(most + 1.0)).astype(np.float32)
        cached.setflags(write=False)
        index.derived["relative_degree"] = cached
    return cached


def activity(index: MatchIndex, query: Profile, topics: FloatArray) -> FloatArray:
    """How active both sides are in what they share: the topic similarity times the mean of the
    two sides' partners (relative to the most connected actor). Popularity counts only as far
    as the topics meet, so a hub does not top every list."""
    result: FloatArray = (
        topics * ((relative_degree(index) + np.float32(query.activity)) * np.float32(0.5))
    ).astype(np.float32)
    return result


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
    (whose partners are likely members too; their number is its activity). Terms no indexed
    actor carries are left out."""
    ids = index.term_ids
    wanted = [topic_term(slug) for slug in topics] + [tag_term(tag) for tag in tags]
    about_terms = {ids[t] for t in wanted if t in ids}
    sought = {ids[t] for slug in seeking_topics if (t := topic_term(slug)) in ids}
    terms = np.array(sorted(about_terms | sought), dtype=np.int32)
    weights = np.ones(terms.size, dtype=np.float32)
    norm = float(np.sqrt(np.sum((weights * index.idf[terms]) ** 2))) if terms.size else 0.0
    bits = {slug: 1 << j for j, slug in enumerate(index.field_slugs)}
    if seeking_kinds:
        kinds = np.full(len(KINDS), 0.2, dtype=np.float32)
        kinds[[KINDS.index(kind) for kind in seeking_kinds]] = 1.0
    elif lead_kind is not None:
        kinds = KIND_COMPLEMENT[KINDS.index(lead_kind)]
    else:
        kinds = np.full(len(KINDS), 0.3, dtype=np.float32)
    partners = np.array(sorted(set(members)), dtype=np.int32)
    most = float(index.degree.max()) if index.size else 0.0
    return Profile(
        terms=terms,
        weights=weights,
        norm=norm,
        action_fields=sum(bits.get(slug, 0) for slug in set(action_fields)),
        lat=float("nan") if lat is None or lon is None else float(lat),
        lon=float("nan") if lat is None or lon is None else float(lon),
        offers=np.zeros(0, dtype=np.int32),
        seeks=np.array(sorted(sought), dtype=np.int32),
        worth={},
        kinds=kinds,
        partners=partners,
        ties=np.ones(partners.size, dtype=np.float32),
        activity=min(1.0, (partners.size + 1.0) / (most + 1.0)),
        knows=dict.fromkeys(sorted(about_terms), 1.0),
    )
