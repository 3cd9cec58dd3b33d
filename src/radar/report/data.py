"""What the report shows, gathered through the statistics services: so each figure counts only
what the caller may see, exactly as the `/v1/statistics` endpoints count it."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy import select
from sqlmodel import Session, col

from radar.errors import FieldError, InvalidInput
from radar.geo.districts import NRW_DISTRICTS
from radar.matching.engine import MatchEngine
from radar.matching.normalise import closest
from radar.models.actor import Actor
from radar.models.base import utcnow
from radar.models.statistics import (
    ActorDimension,
    ActorStatistics,
    CrossTable,
    Gaps,
    Growth,
    MatchPotential,
    Network,
)
from radar.report.texts import ReportLanguage
from radar.services import gaps, growth, match_potential, network, statistics
from radar.services.access import Principal, require_analyst
from radar.services.matches import field_labels_of
from radar.services.statistics import ActorFilters, chosen_positions
from radar.services.tuning import current_tuning
from radar.settings import Settings

# The steps of building a report, for a progress bar: gathering, then drawing and writing.
GATHER_STEPS = ("figures", "districts × fields", "gaps", "growth", "network", "map", "pairs")
STEPS = (*GATHER_STEPS, "charts", "document")
TOP_PAIRS = 20
GAP_TERMS = 15
# `radar report` scores the pairs for longer than a request may take
# (`match_potential.SCAN_SECONDS`, what the API's report takes too, as its request holds a
# slot others wait for): a report is read at leisure, so more of a large region is scanned.
PAIR_SCAN_SECONDS = 4.0
MAX_PAIR_SCAN = 5000

OnStep = Callable[[str], object]


@dataclass(frozen=True)
class ReportFilters:
    """Which actors the report counts: those in any of `districts` and serving any of
    `action_fields` (each filter only when given), as on the statistics endpoints."""

    districts: Sequence[str] = ()
    action_fields: Sequence[str] = ()

    def actor_filters(self) -> ActorFilters:
        return ActorFilters(districts=self.districts, action_fields=self.action_fields)


@dataclass(frozen=True)
class MapPoints:
    """The chosen actors that show a place: longitude, latitude and district of each."""

    lon: list[float]
    lat: list[float]
    district: list[str | None]
    unplaced: int


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows, in the services' own shapes."""

    lang: ReportLanguage
    generated: date
    role: str
    filters: ReportFilters
    field_labels: dict[str, tuple[str, str]]  # action field slug → (DE, EN)
    by_kind: ActorStatistics
    by_district: ActorStatistics
    fields_by_district: CrossTable
    gaps: Gaps
    growth: Growth
    network: Network
    points: MapPoints
    potential: MatchPotential

    @property
    def actors(self) -> int:
        return self.by_kind.total

    @property
    def empty(self) -> bool:
        return self.by_kind.total == 0

    @property
    def districts(self) -> int:
        """Districts with a chosen actor."""
        return sum(1 for bucket in self.by_district.data if bucket.key is not None)

    def total(self, measure: str) -> int:
        """A growth measure summed over all months: ideas, groups, news, collaborations…"""
        return sum(int(getattr(row, measure)) for row in self.growth.data)


def gather_report(
    session: Session,
    *,
    engine: MatchEngine,
    principal: Principal,
    settings: Settings,
    filters: ReportFilters = ReportFilters(),  # frozen: never changed
    lang: ReportLanguage = ReportLanguage.de,
    generated: date | None = None,
    on_step: OnStep | None = None,
    pair_scan_seconds: float = PAIR_SCAN_SECONDS,
) -> ReportData:
    """The report's figures among the actors `principal` may see matching `filters` (analysts
    and admins); 422 for an unknown action field (a district, as on the statistics
    endpoints, may be any: one nobody is in gives an empty report). `on_step` hears each step
    (`GATHER_STEPS`) as it is done."""
    require_analyst(principal)
    chosen = filters.actor_filters()
    done = on_step or (lambda _step: None)
    index = engine.index(session)
    by_kind = statistics.count_actors(
        session, group_by=ActorDimension.kind, engine=engine, principal=principal, filters=chosen
    )
    by_district = statistics.count_actors(
        session,
        group_by=ActorDimension.district,
        engine=engine,
        principal=principal,
        filters=chosen,
    )
    done(GATHER_STEPS[0])
    fields_by_district = statistics.cross_table(
        session,
        rows=ActorDimension.district,
        columns=ActorDimension.action_field,
        engine=engine,
        principal=principal,
        filters=chosen,
    )
    done(GATHER_STEPS[1])
    found_gaps = gaps.needs_and_offers(
        session, nearest=0, limit=GAP_TERMS, engine=engine, principal=principal, filters=chosen
    )
    done(GATHER_STEPS[2])
    found_growth = growth.growth(session, engine=engine, principal=principal, filters=chosen)
    done(GATHER_STEPS[3])
    found_network = network.collaboration_network(
        session, bridges=0, engine=engine, principal=principal, filters=chosen
    )
    done(GATHER_STEPS[4])
    positions = np.flatnonzero(chosen_positions(session, index, principal, chosen))
    lat, lon = index.lat[positions], index.lon[positions]
    placed = ~(np.isnan(lat) | np.isnan(lon))
    points = MapPoints(
        lon=lon[placed].astype(float).tolist(),
        lat=lat[placed].astype(float).tolist(),
        district=[index.districts[p] for p in positions[placed].tolist()],
        unplaced=int(np.count_nonzero(~placed)),
    )
    done(GATHER_STEPS[5])
    cost = match_potential.SECONDS_PER_SCAN + match_potential.SECONDS_PER_ACTOR * index.size
    potential = match_potential.match_potential(
        session,
        min_score=settings.match_found_threshold,
        limit=TOP_PAIRS,
        scan=min(MAX_PAIR_SCAN, max(match_potential.MIN_SCAN, int(pair_scan_seconds / cost))),
        tuning=current_tuning(session, settings),
        engine=engine,
        principal=principal,
        filters=chosen,
    )
    done(GATHER_STEPS[6])
    return ReportData(
        lang=lang,
        generated=generated or utcnow().date(),
        role=str(principal.role),
        filters=filters,
        field_labels=index.field_labels or field_labels_of(session),
        by_kind=by_kind,
        by_district=by_district,
        fields_by_district=fields_by_district,
        gaps=found_gaps,
        growth=found_growth,
        network=found_network,
        points=points,
        potential=potential,
    )


def check_districts(session: Session, districts: Sequence[str]) -> None:
    """InvalidInput for a district that is neither one of North Rhine-Westphalia (Südwestfalen's
    home state, where a filter may name one with no actor yet) nor any actor's: on the command
    line a misspelt filter would otherwise make an empty report that looks like a finding."""
    if not districts:
        return
    known = set(NRW_DISTRICTS.values())
    known.update(
        name
        for name in session.execute(select(col(Actor.district)).distinct()).scalars()
        if name is not None
    )
    names: dict[str, tuple[str, ...]] = dict.fromkeys(known, ())
    errors = []
    for position, name in enumerate(districts):
        if name in known:
            continue
        suggestions = closest(name, names)
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        errors.append(
            FieldError(
                loc=("district", position),
                message=f"Unknown district {name!r}{hint}",
                type="unknown_district",
                extra={"suggestions": suggestions},
            )
        )
    if errors:
        raise InvalidInput(errors)
