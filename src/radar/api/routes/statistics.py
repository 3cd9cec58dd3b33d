"""Statistics for analysts: `/v1/statistics` — JSON, or a CSV table with `Accept: text/csv`."""

from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response

from radar.api import statistics_tables as tables
from radar.api.auth import PrincipalDep, authenticated_router
from radar.api.deps import SessionDep, SettingsDep
from radar.api.errors import problems
from radar.errors import FieldError, InvalidInput
from radar.matching.engine import MatchEngine
from radar.models.actor import ActorKind
from radar.models.base import IsoDate
from radar.models.statistics import (
    ActorDimension,
    ActorStatistics,
    CrossTable,
    Gaps,
    Growth,
    GrowthDimension,
    MatchPotential,
    Network,
    NetworkTable,
    PotentialTable,
)
from radar.services import gaps, growth, match_potential, network, statistics
from radar.services.statistics import ActorFilters
from radar.services.tuning import current_tuning

router = authenticated_router(prefix="/v1/statistics", tags=["statistics"])


async def get_actor_filters(
    topic: Annotated[
        list[str], Query(max_length=30, description="Topic slugs (any of; subtopics too).")
    ] = [],  # noqa: B006
    action_field: Annotated[
        list[str], Query(max_length=10, description="Action-field slugs (any of).")
    ] = [],  # noqa: B006
    kind: Annotated[list[ActorKind], Query(max_length=8, description="Kinds (any of).")] = [],  # noqa: B006
    district: Annotated[list[str], Query(max_length=20, description="Districts (any of).")] = [],  # noqa: B006
) -> ActorFilters:
    """The actor list's filters: which actors a statistic counts."""
    return ActorFilters(topics=topic, action_fields=action_field, kinds=kind, districts=district)


FiltersDep = Annotated[ActorFilters, Depends(get_actor_filters)]


def _engine(request: Request) -> MatchEngine:
    engine: MatchEngine = request.app.state.match_engine
    return engine


@router.get(
    "/actors",
    response_model=ActorStatistics,
    responses={**tables.csv_responses("Counts per group."), **problems(422)},
)
def actor_statistics(
    session: SessionDep,
    principal: PrincipalDep,
    filters: FiltersDep,
    request: Request,
    response: Response,
    group_by: Annotated[ActorDimension, Query(description="The dimension to count by.")],
) -> Any:
    """How many of the actors you may see fall in each district, kind, country, topic or
    action field, with the actor list's filters — e.g. the kinds of actors working on
    hydrogen in the Märkischer Kreis. Largest group first."""
    result = statistics.count_actors(
        session,
        engine=_engine(request),
        principal=principal,
        group_by=group_by,
        filters=filters,
    )
    return tables.negotiated(
        request, response, result, lambda: tables.actor_counts(result), "actors"
    )


@router.get(
    "/cross-tables",
    response_model=CrossTable,
    responses={**tables.csv_responses("The cells, one a row."), **problems(403, 422)},
)
def cross_table(
    session: SessionDep,
    principal: PrincipalDep,
    filters: FiltersDep,
    request: Request,
    response: Response,
    rows: Annotated[ActorDimension, Query(description="The dimension of the rows.")],
    columns: Annotated[
        ActorDimension,
        Query(description="The dimension of the columns; that of rows too: which go together."),
    ],
    roll_up: Annotated[
        bool, Query(description="Count topics under their top-level topic.")
    ] = False,
) -> Any:
    """Actors counted by two dimensions at once (analysts and admins) — district × topic,
    district × action field, kind × topic, … — among the actors you may see, with the actor
    list's filters."""
    result = statistics.cross_table(
        session,
        engine=_engine(request),
        principal=principal,
        rows=rows,
        columns=columns,
        roll_up=roll_up,
        filters=filters,
    )
    return tables.negotiated(
        request, response, result, lambda: tables.cross_cells(result), "cross-table"
    )


@router.get(
    "/gaps",
    response_model=Gaps,
    responses={**tables.csv_responses("One row per term (and district)."), **problems(403, 422)},
)
def needs_and_offers(
    session: SessionDep,
    principal: PrincipalDep,
    filters: FiltersDep,
    request: Request,
    response: Response,
    per_district: Annotated[
        bool, Query(description="One row per district and term instead of per term.")
    ] = False,
    within_km: Annotated[
        float | None,
        Query(gt=0, le=1000, description="A need counts as met only by actors this near."),
    ] = None,
    nearest: Annotated[
        int, Query(ge=0, le=10, description="Actors outside to name per unmet need.")
    ] = 3,
    limit: Annotated[int, Query(ge=1, le=1000, description="Rows to return.")] = 100,
) -> Any:
    """What the actors inside — those you may see, with the actor list's filters — seek and
    offer, term by term (analysts and admins): how many seek it, how many offer it, how many
    of the needs nobody inside meets (with `within_km`: nobody that near), and the nearest
    actors outside that would. The filters draw the region: `district=Olpe` finds the needs
    in Olpe that nobody in Olpe meets."""
    result = gaps.needs_and_offers(
        session,
        engine=_engine(request),
        principal=principal,
        filters=filters,
        per_district=per_district,
        within_km=within_km,
        nearest=nearest,
        limit=limit,
    )
    return tables.negotiated(request, response, result, lambda: tables.gap_rows(result), "gaps")


@router.get(
    "/growth",
    response_model=Growth,
    responses={**tables.csv_responses("One row per month (and key)."), **problems(403, 422)},
)
def growth_per_month(
    session: SessionDep,
    principal: PrincipalDep,
    filters: FiltersDep,
    request: Request,
    response: Response,
    by: Annotated[
        GrowthDimension | None, Query(description="Break each month down by this.")
    ] = None,
    since: Annotated[IsoDate | None, Query(description="From this date's month on.")] = None,
    until: Annotated[IsoDate | None, Query(description="Up to this date's month.")] = None,
) -> Any:
    """What was new per month (analysts and admins): actors, ideas, working groups, news,
    group memberships and collaborations, among what you may see, by district or action
    field, with the actor list's filters."""
    if since is not None and until is not None and since > until:
        raise InvalidInput(
            [
                FieldError(
                    loc=("query", "until"),
                    message="until must not be before since",
                    type="invalid_range",
                )
            ]
        )
    result = growth.growth(
        session,
        engine=_engine(request),
        principal=principal,
        by=by,
        filters=filters,
        since=since,
        until=until,
    )
    return tables.negotiated(
        request, response, result, lambda: tables.growth_rows(result), "growth"
    )


@router.get(
    "/network",
    response_model=Network,
    responses={
        **tables.csv_responses("The table chosen by `table`."),
        **problems(403, 422),
    },
)
def collaboration_network(
    session: SessionDep,
    principal: PrincipalDep,
    filters: FiltersDep,
    request: Request,
    response: Response,
    bridges: Annotated[int, Query(ge=0, le=100, description="Bridging actors to list.")] = 20,
    table: Annotated[
        NetworkTable, Query(description="Which table a CSV holds (JSON holds all).")
    ] = NetworkTable.districts,
) -> Any:
    """Who works with whom (analysts and admins): actors, ties from joint projects and from
    working groups, connected parts, isolated actors, ties within and across districts, and
    the actors holding otherwise separate parts together — among the actors you may see,
    with the actor list's filters."""
    result = network.collaboration_network(
        session, engine=_engine(request), principal=principal, filters=filters, bridges=bridges
    )
    return tables.negotiated(
        request, response, result, lambda: tables.network_rows(result, table), f"network-{table}"
    )


@router.get(
    "/match-potential",
    response_model=MatchPotential,
    responses={
        **tables.csv_responses("The table chosen by `table`."),
        **problems(403, 422),
    },
)
def match_potential_of_region(
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    filters: FiltersDep,
    request: Request,
    response: Response,
    min_score: Annotated[
        float | None,
        Query(
            ge=0,
            le=1,
            description="The least score of a pair counted; default: the score "
            "at which matches are announced (`match.found`).",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=0, le=100, description="Strongest pairs to list.")] = 20,
    scan: Annotated[
        int | None,
        Query(
            ge=1,
            le=5000,
            description="Actors to score at most; default: as many as a quick "
            "answer allows (all of a set of a few thousand).",
        ),
    ] = None,
    table: Annotated[
        PotentialTable, Query(description="Which table a CSV holds (JSON holds all).")
    ] = PotentialTable.districts,
) -> Any:
    """Promising pairs not yet connected (analysts and admins) — no shared idea, joint project
    or working group — as the matching engine scores them, summed per pair of districts and
    per shared action field, the strongest listed with their reasons; among the actors you
    may see, with the actor list's filters."""
    result = match_potential.match_potential(
        session,
        engine=_engine(request),
        principal=principal,
        filters=filters,
        min_score=settings.match_found_threshold if min_score is None else min_score,
        limit=limit,
        scan=scan,
        tuning=current_tuning(session, settings),
    )
    return tables.negotiated(
        request,
        response,
        result,
        lambda: tables.potential_rows(result, table),
        f"match-potential-{table}",
    )
