"""Growth per month: new actors, ideas, working groups, news, memberships and collaborations,
by district or action field, counted on the statistics snapshot."""

from collections import defaultdict
from datetime import date

import numpy as np
from sqlmodel import Session

from radar.matching.engine import MatchEngine
from radar.matching.index import MatchIndex
from radar.models.statistics import Growth, GrowthDimension, GrowthRow
from radar.services.access import Principal, require_analyst
from radar.services.matches import BoolArray, visible_mask
from radar.services.statistics import (
    NO_FILTERS,
    ActorFilters,
    chosen_positions,
    district_codes,
)
from radar.services.statistics_snapshot import Codes, Snapshot, snapshot

MEASURES = ("actors", "ideas", "groups", "news", "memberships", "collaborations")
Counts = dict[tuple[str, str | None], dict[str, int]]


def growth(
    session: Session,
    *,
    engine: MatchEngine,
    principal: Principal,
    by: GrowthDimension | None = None,
    filters: ActorFilters = NO_FILTERS,
    since: date | None = None,
    until: date | None = None,
) -> Growth:
    """What was new per month among what `principal` may see (analysts and admins), from the
    month of `since` to that of `until`; see `Growth` for what counts where."""
    require_analyst(principal)
    index = engine.index(session)
    seen = snapshot(session, index)
    chosen = chosen_positions(session, index, principal, filters)
    counts: Counts = defaultdict(dict)
    _actors(counts, index, seen, chosen, by)
    visible = visible_mask(index, principal)
    _ideas(counts, index, seen, visible, chosen if filters.given else None, by)
    _groups_news_memberships(counts, index, seen, visible, chosen, filters.given, by)
    first = since.strftime("%Y-%m") if since else ""
    last = until.strftime("%Y-%m") if until else "9999-12"
    return Growth(
        by=by,
        data=[
            GrowthRow(month=when, key=key, **{m: found.get(m, 0) for m in MEASURES})
            for (when, key), found in sorted(
                counts.items(), key=lambda item: (item[0][0], item[0][1] is None, item[0][1] or "")
            )
            if first <= when <= last
        ],
    )


def _add(
    counts: Counts,
    measure: str,
    months: list[str],
    labels: list[str | None],
    month: Codes,
    key: Codes,
) -> None:
    """Count (month, key) code pairs under `measure`."""
    width = len(labels)
    found, number = np.unique(month * width + key, return_counts=True)
    for code, n in zip(found.tolist(), number.tolist(), strict=True):
        counts[(months[code // width], labels[code % width])][measure] = n


def _keys(
    by: GrowthDimension | None,
    things: Codes,
    districts: tuple[list[str | None], Codes] | None,
    fields: tuple[list[str], Codes],
) -> tuple[list[str | None], Codes, Codes]:
    """(labels, the things again — once per key they have —, their keys) for `by`."""
    if by is GrowthDimension.district and districts is not None:
        labels, codes = districts
        return labels, things, codes[things]
    if by is GrowthDimension.action_field:
        slugs, bits = fields
        having = [things[(bits[things] >> j) & 1 == 1] for j in range(len(slugs))]
        having.append(things[bits[things] == 0])
        keys = [np.full(h.size, j, dtype=np.int64) for j, h in enumerate(having)]
        return [*slugs, None], np.concatenate(having), np.concatenate(keys)
    return [None], things, np.zeros(things.size, dtype=np.int64)


def _actors(
    counts: Counts,
    index: MatchIndex,
    seen: Snapshot,
    chosen: BoolArray,
    by: GrowthDimension | None,
) -> None:
    actors = np.flatnonzero(chosen & (seen.created >= 0))
    bits = index.action_fields.astype(np.int64)
    labels, actors, keys = _keys(by, actors, district_codes(index), (index.field_slugs, bits))
    _add(counts, "actors", seen.months, labels, seen.created[actors], keys)


def _ideas(
    counts: Counts,
    index: MatchIndex,
    seen: Snapshot,
    visible: BoolArray,
    chosen: BoolArray | None,
    by: GrowthDimension | None,
) -> None:
    """Ideas by their creation, collaborations by their second actor taking part (only actors
    the caller may see); with `chosen`, only those a chosen actor takes part in."""
    ideas = np.arange(seen.idea_created.size)
    if chosen is not None:
        ideas = np.unique(seen.taker_idea[chosen[seen.taker_actor]])
    seen_takers = visible[seen.taker_actor]
    idea, month = seen.taker_idea[seen_takers], seen.taker_month[seen_takers]
    actor = seen.taker_actor[seen_takers]
    # Each actor once per idea, at its first month; then the second in time of each idea.
    order = np.lexsort((month, actor, idea))
    idea, actor, month = idea[order], actor[order], month[order]
    once = np.ones(idea.size, dtype=bool)
    once[1:] = (idea[1:] != idea[:-1]) | (actor[1:] != actor[:-1])
    idea, month = idea[once], month[once]
    order = np.lexsort((month, idea))
    idea, month = idea[order], month[order]
    starts = np.flatnonzero(np.r_[True, idea[1:] != idea[:-1]]) if idea.size else idea
    ends = np.r_[starts[1:], idea.size]
    two = ends - starts >= 2
    joint, second = idea[starts[two]], month[starts[two] + 1]
    wanted = np.isin(joint, ideas)
    joint, second = joint[wanted], second[wanted]
    districts = _idea_districts(seen)
    fields = (index.field_slugs, seen.idea_fields)
    labels, ideas, keys = _keys(by, ideas, districts, fields)
    _add(counts, "ideas", seen.months, labels, seen.idea_created[ideas], keys)
    month_of_joint = dict(zip(joint.tolist(), second.tolist(), strict=True))
    labels, joint, keys = _keys(by, joint, districts, fields)
    months = np.array([month_of_joint[i] for i in joint.tolist()], dtype=np.int64)
    _add(counts, "collaborations", seen.months, labels, months, keys)


def _idea_districts(seen: Snapshot) -> tuple[list[str | None], Codes]:
    known = sorted({d for d in seen.idea_district if d is not None})
    names: list[str | None] = [*known]
    code = {name: i for i, name in enumerate(names)}
    codes = [code.get(d, len(names)) if d is not None else len(names) for d in seen.idea_district]
    return [*names, None], np.array(codes, dtype=np.int64)


def _groups_news_memberships(
    counts: Counts,
    index: MatchIndex,
    seen: Snapshot,
    visible: BoolArray,
    chosen: BoolArray,
    filtered: bool,
    by: GrowthDimension | None,
) -> None:
    """Groups (with `filtered`, those a chosen actor is active in) by their action fields;
    news (with `filtered`, by chosen authors) by its author's district or fields where the
    caller may see the author; memberships of chosen actors by theirs."""
    districts, bits = district_codes(index), index.action_fields.astype(np.int64)
    groups = np.arange(seen.group_created.size)
    if filtered:
        groups = np.unique(seen.member_group[chosen[seen.member_actor]])
    labels, groups, keys = _keys(by, groups, None, (index.field_slugs, seen.group_fields))
    _add(counts, "groups", seen.months, labels, seen.group_created[groups], keys)
    author = seen.news_author
    shown = np.zeros(author.size, dtype=bool)
    shown[author >= 0] = visible[author[author >= 0]]
    news = np.flatnonzero(chosen[author] & (author >= 0)) if filtered else np.arange(author.size)
    names, codes = districts
    news_districts = np.where(shown, codes[np.maximum(author, 0)], len(names) - 1)
    news_bits = np.where(shown, bits[np.maximum(author, 0)], 0)
    labels, news, keys = _keys(by, news, (names, news_districts), (index.field_slugs, news_bits))
    _add(counts, "news", seen.months, labels, seen.news_month[news], keys)
    members = np.flatnonzero(chosen[seen.member_actor])
    who = seen.member_actor[members]
    labels, picked, keys = _keys(
        by, np.arange(members.size), (names, codes[who]), (index.field_slugs, bits[who])
    )
    _add(counts, "memberships", seen.months, labels, seen.member_month[members][picked], keys)
