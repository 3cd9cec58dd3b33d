"""Match suggestions: `/v1/actors/{id}/matches`."""

import uuid
from typing import Annotated

from fastapi import Query, Request

from radar.api.auth import PrincipalDep, authenticated_router
from radar.api.deps import SessionDep, SettingsDep
from radar.api.errors import problems
from radar.matching.engine import MatchEngine
from radar.models.actor import ActorKind
from radar.models.match import ActorMatches
from radar.services import matches

router = authenticated_router(prefix="/v1", tags=["matching"])


def _engine(request: Request) -> MatchEngine:
    engine: MatchEngine = request.app.state.match_engine
    return engine


@router.get("/actors/{actor_id}/matches", response_model=ActorMatches, responses=problems(404, 422))
def match_actor(
    actor_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    request: Request,
    kind: Annotated[list[ActorKind], Query(max_length=8, description="Kinds (any of).")] = [],  # noqa: B006
    district: Annotated[list[str], Query(max_length=20, description="Districts (any of).")] = [],  # noqa: B006
    min_score: Annotated[float, Query(ge=0, le=1, description="Lowest score returned.")] = 0.0,
    exclude_partners: Annotated[
        bool, Query(description="Leave out actors it already works with.")
    ] = False,
    limit: Annotated[int, Query(ge=1, le=100, description="Most suggestions returned.")] = 20,
) -> ActorMatches:
    """The actors that could best work with this one, best first: each with its total score,
    every signal's contribution (shared topics weighted by rarity, action fields, proximity,
    offers meeting needs, complementary kinds, shared partners, activity) and readable reasons
    in German and English. Only actors you may see are suggested, at the location precision
    you may see."""
    return matches.match_actor(
        session,
        engine=_engine(request),
        actor_id=actor_id,
        principal=principal,
        kinds=kind,
        districts=district,
        min_score=min_score,
        exclude_partners=exclude_partners,
        limit=limit,
        half_distance_km=settings.match_half_distance_km,
    )
