"""The interactive map: `/v1/map`."""

import re
from typing import Annotated

from fastapi import Query
from fastapi.responses import JSONResponse
from pydantic import WithJsonSchema

from radar.api.auth import PrincipalDep, authenticated_router
from radar.api.deps import LAT_PATTERN, LON_PATTERN, SessionDep
from radar.api.errors import problems
from radar.errors import FieldError, InvalidInput
from radar.models.actor import ActorKind
from radar.models.map import MapFeatureCollection
from radar.services import map as map_service

router = authenticated_router(prefix="/v1/map", tags=["map"])


class GeoJSONResponse(JSONResponse):
    """GeoJSON under its registered media type (RFC 7946 §12), in the response and in the
    OpenAPI declaration of the 200 response."""

    media_type = "application/geo+json"


# Four numbers, each within its range: the pattern the OpenAPI document declares. That min is
# below max is checked after it (`invalid_range`): no pattern can compare two numbers.
BBOX_PATTERN = (
    "^"
    + ",".join(
        rf"[ \t]*({part})[ \t]*" for part in (LON_PATTERN, LAT_PATTERN, LON_PATTERN, LAT_PATTERN)
    )
    + "$"
)
_BBOX = re.compile(BBOX_PATTERN)


def _bbox(text: str | None) -> map_service.BBox | None:
    if text is None:
        return None
    match = _BBOX.fullmatch(text)
    if match is None:
        raise InvalidInput(
            [
                FieldError(
                    loc=("query", "bbox"),
                    message="expected minLon,minLat,maxLon,maxLat in degrees, longitudes in "
                    "[-180, 180] and latitudes in [-90, 90]",
                )
            ]
        )
    min_lon, min_lat, max_lon, max_lat = (float(part) for part in match.groups())
    if not (min_lon < max_lon and min_lat < max_lat):
        raise InvalidInput(
            [
                FieldError(
                    loc=("query", "bbox"),
                    message="the minimum longitude and latitude must be below the maximum",
                    type="invalid_range",
                )
            ]
        )
    return min_lon, min_lat, max_lon, max_lat


@router.get(
    "",
    response_model=MapFeatureCollection,
    response_class=GeoJSONResponse,
    responses=problems(422),
)
def read_map(
    session: SessionDep,
    principal: PrincipalDep,
    layer: Annotated[
        list[map_service.Layer], Query(max_length=2, description="actors, ideas (default both).")
    ] = [],  # noqa: B006
    topic: Annotated[list[str], Query(max_length=30, description="Topic slugs (any of).")] = [],  # noqa: B006
    action_field: Annotated[
        list[str], Query(max_length=10, description="Action-field slugs (any of; actors).")
    ] = [],  # noqa: B006
    kind: Annotated[
        list[ActorKind], Query(max_length=8, description="Actor kinds (any of; only actors).")
    ] = [],  # noqa: B006
    district: Annotated[list[str], Query(max_length=20, description="Districts (any of).")] = [],  # noqa: B006
    bbox: Annotated[
        str | None,
        Query(
            max_length=100,
            description="minLon,minLat,maxLon,maxLat, e.g. `7.2,50.7,8.9,51.8` (min < max).",
        ),
        # A query parameter is text or absent, never null.
        WithJsonSchema(
            {
                "type": "string",
                "pattern": BBOX_PATTERN,
                "maxLength": 100,
                "examples": ["7.2,50.7,8.9,51.8"],
            }
        ),
    ] = None,
    zoom: Annotated[
        int | None,
        Query(
            ge=0,
            le=20,
            description="Web-map zoom level: items closer than about 64 px are "
            "merged into clusters. Without it every item is a point.",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=5000, description="Most features returned.")] = 5000,
) -> MapFeatureCollection:
    """Actors and ideas as an RFC 7946 GeoJSON FeatureCollection ([lon, lat]) served as
    `application/geo+json`, with the list filters and a bounding box. With `zoom`, nearby items
    merge into clusters carrying their count, kinds and top topics, so a country-wide view stays
    small. Only what you may see, at the location precision you may see: hidden locations are
    left out. Working groups have no location of their own and are not on the map."""
    return map_service.map_features(
        session,
        principal=principal,
        layers=layer or ["actors", "ideas"],
        topics=topic,
        action_fields=action_field,
        kinds=kind,
        districts=district,
        bbox=_bbox(bbox),
        zoom=zoom,
        limit=limit,
    )
