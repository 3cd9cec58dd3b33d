"""Operations for admins: `/v1/admin`."""

from typing import Annotated

from fastapi import Query
from sqlmodel import SQLModel

from radar.api.auth import PrincipalDep, authenticated_router
from radar.api.deps import GeocoderDep, SessionDep, SettingsDep
from radar.api.errors import problems
from radar.models.setting import MatchTuningPublic, MatchTuningUpdate
from radar.services import actors, ideas, tuning
from radar.services.access import require_admin

router = authenticated_router(prefix="/v1/admin", tags=["admin"])


class GeocodeRetryCount(SQLModel):
    entity_type: str
    located: int
    failed: int


class GeocodeRetryReport(SQLModel):
    data: list[GeocodeRetryCount]


@router.post("/geocode/retry", response_model=GeocodeRetryReport, responses=problems(403, 422))
def retry_geocoding(
    session: SessionDep,
    geocoder: GeocoderDep,
    principal: PrincipalDep,
    limit: Annotated[
        int, Query(ge=1, le=10_000, description="Most rows retried per kind in this call.")
    ] = 1000,
) -> GeocodeRetryReport:
    """Geocode again the actors and ideas whose geocoding failed or is pending (admins): each
    row located gets its coordinates, district and a new version; the others keep
    `geocode_status=failed` and the reason."""
    require_admin(principal)
    reports = [
        actors.retry_geocoding(session, limit=limit, geocoder=geocoder),
        ideas.retry_geocoding(session, limit=limit, geocoder=geocoder),
    ]
    return GeocodeRetryReport(
        data=[
            GeocodeRetryCount(entity_type=r.entity_type, located=r.located, failed=r.failed)
            for r in reports
        ]
    )


@router.get("/match-tuning", response_model=MatchTuningPublic, responses=problems(403))
def read_match_tuning(
    session: SessionDep, settings: SettingsDep, principal: PrincipalDep
) -> MatchTuningPublic:
    """The weights and proximity half-distance matches are scored with now, and the defaults
    (the weights that measure best on real collaborations) (admins)."""
    return tuning.read_tuning(session, settings, principal)


@router.patch(
    "/match-tuning", response_model=MatchTuningPublic, responses=problems(403, 422, body=True)
)
def change_match_tuning(
    body: MatchTuningUpdate, session: SessionDep, settings: SettingsDep, principal: PrincipalDep
) -> MatchTuningPublic:
    """Change component weights (those given; each in [0, 1], normalised to sum to 1 when
    scoring) and/or the half-distance, for every process from its next match (admins)."""
    return tuning.change_tuning(session, settings, principal, body)


@router.delete("/match-tuning", response_model=MatchTuningPublic, responses=problems(403))
def reset_match_tuning(
    session: SessionDep, settings: SettingsDep, principal: PrincipalDep
) -> MatchTuningPublic:
    """Back to the default weights (and those of RADAR_MATCH_WEIGHTS) (admins)."""
    return tuning.reset_tuning(session, settings, principal)
