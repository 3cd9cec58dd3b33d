"""The collaboration network of a region: ties from joint projects and working groups, its
connected parts, isolated actors, ties within and across districts, and the actors that hold
otherwise separate parts together — read off the match index, the graph work done by
rustworkx."""

from collections.abc import Collection
from dataclasses import dataclass
from itertools import chain

import numpy as np
import numpy.typing as npt
import rustworkx as rx
from sqlmodel import Session

from radar.matching.engine import MatchEngine
from radar.matching.index import KINDS, MatchIndex
from radar.models.statistics import (
    Bridge,
    ComponentSize,
    DistrictTies,
    Network,
    TieCounts,
)
from radar.services.access import Principal, require_analyst
from radar.services.matches import BoolArray
from radar.services.statistics import (
    NO_FILTERS,
    ActorFilters,
    chosen_positions,
    district_codes,
)

Positions = npt.NDArray[np.int64]


def collaboration_network(
    session: Session,
    *,
    engine: MatchEngine,
    principal: Principal,
    filters: ActorFilters = NO_FILTERS,
    bridges: int = 20,
) -> Network:
    """The network of the actors `principal` may see matching `filters` (analysts and
    admins): ties among them only; the `bridges` most separating articulation points."""
    require_analyst(principal)
    index = engine.index(session)
    chosen = chosen_positions(session, index, principal, filters)
    projects = _Hyperedges.of(list(index.idea_members.values()), chosen)
    groups = _Hyperedges.of(list(index.group_members.values()), chosen)
    project_pairs, group_pairs = projects.pairs(index.size), groups.pairs(index.size)
    pairs = _distinct(np.concatenate([project_pairs, group_pairs]))
    names, codes = district_codes(index)
    matrix = _district_matrix(index.size, codes, project_pairs, group_pairs, pairs)
    within = sum(row.ties for (a, b), row in matrix.items() if a == b)
    tying = np.zeros(index.size, dtype=bool)
    tying[pairs // index.size] = tying[pairs % index.size] = True
    tied = np.flatnonzero(tying)
    sizes, cut = _separations(projects, groups, tied)
    component_sizes = np.array(sorted(sizes, reverse=True), dtype=np.int64)
    size_values, size_counts = np.unique(component_sizes, return_counts=True)
    return Network(
        actors=int(np.count_nonzero(chosen)),
        isolated=int(np.count_nonzero(chosen)) - int(tied.size),
        components=len(sizes),
        largest_component=int(component_sizes[0]) if component_sizes.size else 0,
        ties=TieCounts(
            projects=int(project_pairs.size),
            groups=int(group_pairs.size),
            total=int(pairs.size),
            within_districts=within,
            across_districts=int(pairs.size) - within,
        ),
        component_sizes=[
            ComponentSize(size=int(size), count=int(count))
            for size, count in zip(size_values[::-1], size_counts[::-1], strict=True)
        ],
        districts=[
            row.model_copy(update={"district_a": names[a], "district_b": names[b]})
            for (a, b), row in matrix.items()
        ],
        bridges=_bridges(index, cut, bridges),
    )


@dataclass(frozen=True)
class _Hyperedges:
    """Ideas or groups with at least two chosen actors: their members (`member`) and which
    one each belongs to (`edge`, 0…count-1), ordered by the size of the edge, then the edge."""

    member: Positions
    edge: Positions
    count: int

    @classmethod
    def of(cls, members: Collection[frozenset[int]], chosen: BoolArray) -> "_Hyperedges":
        lengths = np.fromiter(map(len, members), dtype=np.int64, count=len(members))
        flat = np.fromiter(chain.from_iterable(members), dtype=np.int64, count=int(lengths.sum()))
        edge = np.repeat(np.arange(lengths.size), lengths)
        flat, edge = flat[chosen[flat]], edge[chosen[flat]]
        sizes = np.bincount(edge, minlength=lengths.size)
        keep = sizes[edge] >= 2
        flat, edge = flat[keep], edge[keep]
        order = np.lexsort((flat, edge, sizes[edge]))
        flat, edge = flat[order], edge[order]
        renumbered = np.cumsum(np.r_[True, edge[1:] != edge[:-1]]) - 1 if edge.size else edge
        return cls(flat, renumbered, int(renumbered[-1]) + 1 if edge.size else 0)

    def pairs(self, n: int) -> Positions:
        """The distinct pairs of actors sharing an edge, as keys a × n + b with a < b."""
        sizes = np.bincount(self.edge, minlength=self.count)[self.edge]
        keys = [np.zeros(0, dtype=np.int64)]
        for size in np.unique(sizes).tolist():
            stacked = self.member[sizes == size].reshape(-1, size)
            first, second = np.triu_indices(size, k=1)
            a, b = stacked[:, first], stacked[:, second]
            keys.append((np.minimum(a, b) * n + np.maximum(a, b)).ravel())
        return _distinct(np.concatenate(keys))


def _distinct(values: Positions) -> Positions:
    """The distinct values, sorted."""
    ordered = np.sort(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if ordered.size else ordered


def _district_matrix(
    n: int, codes: Positions, projects: Positions, groups: Positions, pairs: Positions
) -> dict[tuple[int, int], DistrictTies]:
    """Ties per unordered pair of districts (by code), ordered by the codes."""
    width = int(codes.max()) + 1 if codes.size else 1
    counted = []
    for keys in (projects, groups, pairs):
        a, b = codes[keys // n], codes[keys % n]
        cells = np.minimum(a, b) * width + np.maximum(a, b)
        counted.append(np.bincount(cells, minlength=width * width))
    return {
        (cell // width, cell % width): DistrictTies(
            district_a=None,
            district_b=None,
            project_ties=int(counted[0][cell]),
            group_ties=int(counted[1][cell]),
            ties=int(counted[2][cell]),
        )
        for cell in np.flatnonzero(counted[2]).tolist()
    }


def _separations(
    projects: _Hyperedges, groups: _Hyperedges, tied: Positions
) -> tuple[list[int], dict[int, list[int]]]:
    """The sizes of the connected parts of the tied actors, and for each articulation point
    (an actor) its parts: (how many, how many actors all but the largest hold).

    The graph is the bipartite one of actors and their ideas and groups: an actor separates
    it exactly when it separates the actors' own network (every idea or group kept has two
    actors). The parts come from its block-cut tree: the blocks (biconnected components) and
    the articulation points, each block weighing the actors only it holds."""
    actors = tied.size
    compact = np.zeros(int(tied.max()) + 1 if tied.size else 0, dtype=np.int64)
    compact[tied] = np.arange(actors)
    graph = rx.PyGraph(multigraph=True)
    graph.add_nodes_from(range(actors + projects.count + groups.count))
    ends = zip(
        compact[np.concatenate([projects.member, groups.member])].tolist(),
        (actors + np.concatenate([projects.edge, projects.count + groups.edge])).tolist(),
        strict=True,
    )
    graph.extend_from_edge_list(list(ends))
    blocks = rx.biconnected_components(graph)
    edge_ends = np.array(list(blocks.keys()), dtype=np.int64).reshape(-1, 2)
    block_of = np.fromiter(blocks.values(), dtype=np.int64, count=len(blocks))
    n_blocks = int(block_of.max()) + 1 if block_of.size else 1
    keys = _distinct(
        np.concatenate([edge_ends[:, 0], edge_ends[:, 1]]) * n_blocks + np.tile(block_of, 2)
    )
    node, block = keys // n_blocks, keys % n_blocks
    is_cut = np.bincount(node, minlength=graph.num_nodes()) > 1
    cuts = np.flatnonzero(is_cut)
    tree_node = np.full(graph.num_nodes(), -1, dtype=np.int64)
    tree_node[cuts] = n_blocks + np.arange(cuts.size)
    weight = np.zeros(n_blocks + cuts.size, dtype=np.int64)
    plain = ~is_cut[node] & (node < actors)
    np.add.at(weight, block[plain], 1)
    weight[n_blocks:] = cuts < actors
    tree = rx.PyGraph(multigraph=True)
    tree.add_nodes_from(range(weight.size))
    at_cut = is_cut[node]
    tree.extend_from_edge_list(
        list(zip(block[at_cut].tolist(), tree_node[node[at_cut]].tolist(), strict=True))
    )
    order = list(rx.dfs_edges(tree))
    below = weight.tolist()
    for parent, child in reversed(order):
        below[parent] += below[child]
    root = list(range(weight.size))
    for parent, child in order:
        root[child] = root[parent]
    total = np.array(below, dtype=np.int64)
    edges = np.array(order, dtype=np.int64).reshape(-1, 2)
    has_parent = np.zeros(weight.size, dtype=bool)
    has_parent[edges[:, 1]] = True
    sizes = [int(total[r]) for r in np.flatnonzero(~has_parent).tolist() if total[r]]
    # A cut node's parts: each child's subtree, and all of its component above it.
    part_sum = np.zeros(weight.size, dtype=np.int64)
    part_max = np.zeros(weight.size, dtype=np.int64)
    part_count = np.zeros(weight.size, dtype=np.int64)
    np.add.at(part_sum, edges[:, 0], total[edges[:, 1]])
    np.maximum.at(part_max, edges[:, 0], total[edges[:, 1]])
    np.add.at(part_count, edges[:, 0], 1)
    above = total[np.array(root, dtype=np.int64)] - total
    part_sum += np.where(has_parent, above, 0)
    part_max = np.maximum(part_max, np.where(has_parent, above, 0))
    part_count += has_parent
    cut: dict[int, list[int]] = {}
    for c in cuts[cuts < actors].tolist():
        t = int(tree_node[c])
        cut[int(tied[c])] = [int(part_count[t]), int(part_sum[t] - part_max[t])]
    return sizes, cut


def _bridges(index: MatchIndex, cut: dict[int, list[int]], limit: int) -> list[Bridge]:
    """The `limit` articulation points that cut most actors off the largest part."""
    ranked = sorted(
        ((cut_off, parts, p) for p, (parts, cut_off) in cut.items()),
        key=lambda item: (-item[0], -item[1], index.ids[item[2]].int),
    )
    return [
        Bridge(
            id=index.ids[p],
            name=index.names[p],
            district=index.districts[p],
            kind=KINDS[int(index.kinds[p])],
            parts=parts,
            cut_off=cut_off,
        )
        for cut_off, parts, p in ranked[:limit]
    ]
