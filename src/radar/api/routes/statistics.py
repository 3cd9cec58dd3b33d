"""Statistics for analysts: `/v1/statistics`."""

from typing import Annotated

from fastapi import Query

from radar.api.auth import PrincipalDep, authenticated_router
from radar.api.deps import SessionDep
from radar.api.errors import problems
from radar.models.actor import ActorKind
from radar.models.statistics import ActorDimension, ActorStatistics
from radar.services import statistics

router = authenticated_router(prefix="/v1/statistics", tags=["statistics"])


@router.get("/actors", response_model=ActorStatistics, responses=problems(422))
def actor_statistics(
    session: SessionDep,
    principal: PrincipalDep,
    group_by: Annotated[ActorDimension, Query(description="The dimension to count by.")],
    topic: Annotated[list[str], Query(max_length=30, description="Topic slugs (any of).")] = [],  # noqa: B006
    action_field: Annotated[
        list[str], Query(max_length=10, description="Action-field slugs (any of).")
    ] = [],  # noqa: B006
    kind: Annotated[list[ActorKind], Query(max_length=8, description="Kinds (any of).")] = [],  # noqa: B006
    district: Annotated[list[str], Query(max_length=20, description="Districts (any of).")] = [],  # noqa: B006
) -> ActorStatistics:
    """How many of the actors you may see fall in each district, kind, country, topic or
    action field, with the actor list's filters — e.g. the kinds of actors working on
    hydrogen in the Märkischer Kreis. Largest group first."""
    return statistics.count_actors(
        session,
        principal=principal,
        group_by=group_by,
        topics=topic,
        action_fields=action_field,
        kinds=kind,
        districts=district,
    )
