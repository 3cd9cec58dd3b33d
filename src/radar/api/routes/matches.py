"""Match suggestions: `/v1/actors/{id}/matches` (partners), `/v1/ideas/{id}/matches` (who
could join), `/v1/groups/{id}/matches` (whom to invite), and feedback on them."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from pydantic_core import to_json

from radar.api.auth import (
    AuthenticatedRoute,
    CredentialsDep,
    PrincipalDep,
    authenticate,
    authenticated_router,
)
from radar.api.deps import NearDep, SessionDep, SettingsDep
from radar.api.errors import problems
from radar.api.near import resolve_near
from radar.db import close_session, open_session
from radar.matching.engine import MatchEngine
from radar.models.actor import ActorKind
from radar.models.idea import IdeaKind, IdeaStatus
from radar.models.match import (
    ActorMatches,
    Consortium,
    GroupMatches,
    IdeaMatches,
    MatchFeedbackCreate,
    MatchFeedbackList,
    MatchFeedbackPublic,
    MatchPairs,
    MatchQuery,
)
from radar.services import feedback, match_joinable, match_pairs, matches
from radar.services.tuning import current_tuning

router = authenticated_router(prefix="/v1", tags=["matching"])

# The filters every suggestion list takes.
Kinds = Annotated[list[ActorKind], Query(max_length=8, description="Kinds (any of).")]
Districts = Annotated[list[str], Query(max_length=20, description="Districts (any of).")]
MinScore = Annotated[float, Query(ge=0, le=1, description="Lowest score returned.")]
Limit = Annotated[int, Query(ge=1, le=100, description="Most suggestions returned.")]


def _engine(request: Request) -> MatchEngine:
    engine: MatchEngine = request.app.state.match_engine
    return engine


# The endpoint frontends call most: it authenticates, reads and closes its session in one trip
# to the thread pool instead of three (the dependencies' and its own), a third of its time.
direct_router = APIRouter(
    prefix="/v1", tags=["matching"], responses=problems(401, 429), route_class=AuthenticatedRoute
)


@direct_router.get(
    "/actors/{actor_id}/matches", response_model=ActorMatches, responses=problems(404, 422)
)
async def match_actor(
    actor_id: uuid.UUID,
    request: Request,
    settings: SettingsDep,
    credentials: CredentialsDep,
    near_and_radius: NearDep,
    kind: Kinds = [],  # noqa: B006
    district: Districts = [],  # noqa: B006
    min_score: MinScore = 0.0,
    include_partners: Annotated[
        bool,
        Query(
            description="Also suggest the actors it already works with (a shared idea or "
            "joint project); left out by default."
        ),
    ] = False,
    limit: Limit = 20,
    near_actor: Annotated[
        uuid.UUID | None, Query(description="Measure `radius_km` from where this actor is.")
    ] = None,
) -> Response:
    """The actors that could best work with this one, needs first: an actor offering what
    this one seeks (or seeking what it offers) comes before every actor meeting no stated
    need, unless it is over 100 km away; among those, one meeting a need no suggestion above
    meets yet goes first. Each comes with its total score (the same whichever side of the pair
    asks), every signal's contribution (offers meeting needs, shared topics weighted by rarity,
    action fields, proximity, complementary kinds, shared partners and working groups,
    activity in shared topics) and reasons in German and English that say who offers and who
    seeks, largest share first, then what speaks against the match (`against`). Only actors
    you may see are suggested, at the location precision you may see; those it already works
    with only with `include_partners=true`. With `radius_km`, only actors within that distance
    of the actor (or of `near=lat,lon` or `near_actor`) are suggested; proximity counts either
    way. An empty list comes with a `note` saying why."""

    def serve() -> Response:
        session = open_session(request.app.state.engine, write=False)
        try:
            # The token is checked on the connection the match then reads with: one checkout.
            principal = authenticate(request, settings, credentials, session.connection())
            point, radius_km = near_and_radius
            near = (
                resolve_near(session, principal, near_and_radius, near_actor)
                if point is not None or near_actor is not None
                else None
            )
            found = matches.match_actor_payload(
                session,
                engine=_engine(request),
                actor_id=actor_id,
                principal=principal,
                kinds=kind,
                districts=district,
                min_score=min_score,
                include_partners=include_partners,
                limit=limit,
                tuning=current_tuning(session, settings),
                near=near,
                radius_km=radius_km,
            )
        finally:
            # A read: nothing to commit. The thread finishes even if the request is cancelled.
            close_session(session, commit=False)
        # Plain values written as JSON: `ActorMatches` is the schema they keep to (a test holds
        # them to it), building it would only check our own output again.
        return Response(to_json(found), media_type="application/json")

    return await run_in_threadpool(serve)


@router.get(
    "/actors/{actor_id}/matches/ideas", response_model=IdeaMatches, responses=problems(404, 422)
)
def match_actor_ideas(
    actor_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    request: Request,
    status: Annotated[
        list[IdeaStatus], Query(max_length=4, description="Statuses (default: open, running).")
    ] = [],  # noqa: B006
    kind: Annotated[list[IdeaKind], Query(max_length=3, description="Idea kinds (any of).")] = [],  # noqa: B006
    district: Districts = [],  # noqa: B006
    min_score: MinScore = 0.0,
    radius_km: Annotated[
        float | None, Query(gt=0, le=20_000, description="Only ideas this close to the actor.")
    ] = None,
    limit: Limit = 20,
) -> IdeaMatches:
    """The ideas and joint projects this actor could join, best first: on its topics, seeking
    what it offers or the kind it is, near it, with its partners in them already; each with
    its score, every signal and reasons in German and English. Those it is in are left out."""
    return match_joinable.match_actor_ideas(
        session,
        engine=_engine(request),
        actor_id=actor_id,
        principal=principal,
        statuses=status or match_joinable.JOINABLE_STATUSES,
        idea_kinds=kind,
        districts=district,
        min_score=min_score,
        radius_km=radius_km,
        limit=limit,
        tuning=current_tuning(session, settings),
    )


@router.get(
    "/actors/{actor_id}/matches/groups", response_model=GroupMatches, responses=problems(404, 422)
)
def match_actor_groups(
    actor_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    request: Request,
    min_score: MinScore = 0.0,
    radius_km: Annotated[
        float | None,
        Query(gt=0, le=20_000, description="Only groups whose members meet this close."),
    ] = None,
    limit: Limit = 20,
) -> GroupMatches:
    """The working groups this actor could join, best first: on its topics and action fields,
    near their members, with its partners in them already. Those it is in are left out."""
    return match_joinable.match_actor_groups(
        session,
        engine=_engine(request),
        actor_id=actor_id,
        principal=principal,
        min_score=min_score,
        radius_km=radius_km,
        limit=limit,
        tuning=current_tuning(session, settings),
    )


@router.get("/ideas/{idea_id}/matches", response_model=ActorMatches, responses=problems(404, 422))
def match_idea(
    idea_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    request: Request,
    kind: Kinds = [],  # noqa: B006
    district: Districts = [],  # noqa: B006
    min_score: MinScore = 0.0,
    radius_km: Annotated[
        float | None, Query(gt=0, le=20_000, description="Only actors this close to the idea.")
    ] = None,
    limit: Limit = 20,
) -> ActorMatches:
    """Who could join this idea or joint project, best first: actors whose topics and offers
    meet what it is about and what it seeks, of the kinds it wants (else those complementing
    its lead), near it, and already working with its members; each with its score, every
    signal and reasons in German and English. Its owner and participants are left out."""
    return matches.match_idea(
        session,
        engine=_engine(request),
        idea_id=idea_id,
        principal=principal,
        kinds=kind,
        districts=district,
        min_score=min_score,
        limit=limit,
        tuning=current_tuning(session, settings),
        radius_km=radius_km,
    )


@router.get("/ideas/{idea_id}/consortium", response_model=Consortium, responses=problems(404, 422))
def consortium(
    idea_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    request: Request,
    k: Annotated[int, Query(ge=1, le=20, description="Team size proposed.")] = 4,
    max_distance_km: Annotated[
        float | None, Query(gt=0, le=20_000, description="Only actors this close to the idea.")
    ] = None,
) -> Consortium:
    """A proposed team of `k` actors for this idea that together cover the topics and actor
    kinds it seeks: chosen one by one for what each adds to what the team (and the idea's
    participants) already covers, then by match score; each member with what it covers and
    why it matches, and what remains open."""
    return matches.consortium(
        session,
        engine=_engine(request),
        idea_id=idea_id,
        principal=principal,
        size=k,
        max_distance_km=max_distance_km,
        tuning=current_tuning(session, settings),
    )


@router.get("/groups/{group_id}/matches", response_model=ActorMatches, responses=problems(404, 422))
def match_group(
    group_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    request: Request,
    kind: Kinds = [],  # noqa: B006
    district: Districts = [],  # noqa: B006
    min_score: MinScore = 0.0,
    radius_km: Annotated[
        float | None,
        Query(gt=0, le=20_000, description="Only actors this close to the members' centre."),
    ] = None,
    limit: Limit = 20,
) -> ActorMatches:
    """Whom to invite into this working group, best first: actors on its topics and action
    fields, near its members and already working with them; each with its score, every signal
    and reasons in German and English. Members and those asking to join are left out."""
    return matches.match_group(
        session,
        engine=_engine(request),
        group_id=group_id,
        principal=principal,
        kinds=kind,
        districts=district,
        min_score=min_score,
        limit=limit,
        tuning=current_tuning(session, settings),
        radius_km=radius_km,
    )


@router.post("/matches/query", response_model=MatchPairs, responses=problems(403, 422, body=True))
def query_matches(
    body: MatchQuery,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    request: Request,
) -> MatchPairs:
    """The best pairs of actors (analysts and admins): within one set of actors (`among`, by
    districts, topics, action fields, kinds) or between it and another (`with`) — e.g. who in
    Olpe should meet whom in Siegen on hydrogen. Each pair once, with its score from one side
    (the `among` actor's), best first, explained; pairs already working together are left out
    unless `include_partners` is true. An empty list comes with a `note` saying why."""
    return match_pairs.best_pairs(
        session,
        engine=_engine(request),
        query=body,
        principal=principal,
        tuning=current_tuning(session, settings),
    )


@router.post(
    "/matches/feedback",
    status_code=status.HTTP_201_CREATED,
    response_model=MatchFeedbackPublic,
    responses={200: {"description": "Earlier feedback on the pair replaced."},
               **problems(403, 404, 422, body=True)},
)  # fmt: skip
def give_feedback(
    body: MatchFeedbackCreate, session: SessionDep, principal: PrincipalDep, response: Response
) -> MatchFeedbackPublic:
    """Say what became of a suggestion (the actor's managers and admins): `dismiss` and the
    pair is never suggested again, either way round; `accept` and it is recorded (suggestions
    then show `feedback: accepted`). The latest word on a pair replaces the earlier one (200)."""
    given, created = feedback.give_feedback(session, data=body, principal=principal)
    if not created:
        response.status_code = status.HTTP_200_OK
    return given


@router.get(
    "/actors/{actor_id}/matches/feedback",
    response_model=MatchFeedbackList,
    responses=problems(403, 404, 422),
)
def list_feedback(
    actor_id: uuid.UUID, session: SessionDep, principal: PrincipalDep
) -> MatchFeedbackList:
    """The feedback given on this actor's suggestions, newest first (its managers, admins)."""
    return feedback.list_feedback(session, actor_id=actor_id, principal=principal)


@router.delete(
    "/matches/feedback/{feedback_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(403, 404, 422),
)
def withdraw_feedback(feedback_id: uuid.UUID, session: SessionDep, principal: PrincipalDep) -> None:
    """Take feedback back: a dismissed pair may be suggested again."""
    feedback.withdraw_feedback(session, feedback_id=feedback_id, principal=principal)
