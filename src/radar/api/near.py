"""`near` / `near_actor` / `radius_km` of the list endpoints, resolved to one point."""

import uuid

from sqlmodel import Session

from radar.errors import FieldError, InvalidInput
from radar.services import actors
from radar.services.access import Principal
from radar.services.proximity import Near


def resolve_near(
    session: Session,
    principal: Principal,
    near_and_radius: tuple[tuple[float, float] | None, float | None],
    near_actor: uuid.UUID | None,
) -> Near | None:
    """The point a list is ordered by: `near` or where `near_actor` is shown to the caller;
    422 for both at once or a radius without either."""
    point, radius_km = near_and_radius
    if point is not None and near_actor is not None:
        raise InvalidInput(
            [
                FieldError(
                    loc=("query", "near_actor"),
                    message="give `near` or `near_actor`, not both",
                    type="exclusive_parameters",
                )
            ]
        )
    if near_actor is not None:
        origin = actors.actor_location_for(session, actor_id=near_actor, principal=principal)
        return Near(lat=origin.lat, lon=origin.lon, radius_km=radius_km)
    if point is not None:
        return Near(lat=point[0], lon=point[1], radius_km=radius_km)
    if radius_km is not None:
        raise InvalidInput(
            [
                FieldError(
                    loc=("query", "radius_km"),
                    message="radius_km needs `near` or `near_actor`",
                    type="dependent_parameter",
                )
            ]
        )
    return None
