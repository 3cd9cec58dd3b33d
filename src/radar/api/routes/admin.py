"""Operations for admins: `/v1/admin`."""

from typing import Annotated

from fastapi import Query
from sqlmodel import SQLModel

from radar.api.auth import PrincipalDep, authenticated_router
from radar.api.deps import GeocoderDep, SessionDep
from radar.api.errors import problems
from radar.services import actors, ideas
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
