"""Lists ordered by distance from a point (`near`, `radius_km`), computed on the locations the
caller may see."""

import math
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement

from radar.geo.gazetteer import distance_km
from radar.geo.privacy import SHOWN_WITHIN_KM

# The box is drawn around the stored coordinates, but callers who do not manage an actor are
# measured to its shown point, which may lie up to SHOWN_WITHIN_KM away (plus rounding slack).
_PREFILTER_MARGIN_KM = SHOWN_WITHIN_KM + 1.0


@dataclass(frozen=True)
class Near:
    """A point to order by, and optionally the largest distance to list."""

    lat: float
    lon: float
    radius_km: float | None = None


def box_prefilter(near: Near, lat: Any, lon: Any) -> list[ColumnElement[bool]]:
    """Index-friendly coordinate ranges that hold every row within the radius (none without)."""
    if near.radius_km is None:
        return [lat.is_not(None)]
    reach = near.radius_km + _PREFILTER_MARGIN_KM
    dlat = reach / 111.0
    cos = max(math.cos(math.radians(min(89.0, abs(near.lat) + dlat))), 0.01)
    dlon = min(180.0, reach / (111.0 * cos))
    return [
        lat >= near.lat - dlat,
        lat <= near.lat + dlat,
        lon >= near.lon - dlon,
        lon <= near.lon + dlon,
    ]


def rank_by_distance(
    rows: Iterable[Any], near: Near, shown: Callable[[Any], tuple[float, float] | None]
) -> list[tuple[uuid.UUID, float]]:
    """(id, km) of the rows with a shown point within the radius, nearest first (ties by id)."""
    ranked = []
    for row in rows:
        point = shown(row)
        if point is None:
            continue
        km = distance_km(near.lat, near.lon, point[0], point[1])
        if near.radius_km is None or km <= near.radius_km:
            ranked.append((row[0], km))
    ranked.sort(key=lambda item: (item[1], str(item[0])))
    return ranked
