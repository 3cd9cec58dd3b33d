"""Address completion for frontends: `/v1/geocode`."""

import dataclasses
from typing import Annotated

from fastapi import Query

from radar.api.auth import authenticated_router
from radar.api.deps import SettingsDep
from radar.api.errors import problems
from radar.geo.gazetteer import home_gazetteer
from radar.models.geocode import GeocodeCandidate, GeocodeCandidates

router = authenticated_router(prefix="/v1/geocode", tags=["geocoding"])


@router.get("", response_model=GeocodeCandidates, responses=problems(422))
def geocode_candidates(
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=200,
            description='What was typed: a place ("Lüd"), a postcode ("5746"), or an address '
            '("Hauptstraße 1, 58507 Lüdenscheid"; "Neunkirchen, NRW").',
        ),
    ],
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=20, description="Most candidates returned.")] = 5,
) -> GeocodeCandidates:
    """Candidate places and postcodes for an address field, best first, each with its
    coordinates, precision (postcode or city) and district; places in the cluster's home
    districts (`RADAR_HOME_DISTRICTS`) first. Answered by the offline gazetteer,
    so typing never calls (or is throttled by) an online geocoder."""
    found = home_gazetteer(tuple(settings.home_districts)).candidates(q, limit=limit)
    return GeocodeCandidates(
        data=[GeocodeCandidate.model_validate(dataclasses.asdict(result)) for result in found]
    )
