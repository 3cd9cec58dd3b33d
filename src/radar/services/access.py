"""Who is asking, and what they may see and change: the one place access rules live."""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, false, or_, select, true
from sqlmodel import Session, col

from radar.errors import Forbidden, NotFound, Unauthorized
from radar.models.account import Role
from radar.models.actor import Actor, LocationPrecision, Visibility

WRITER_ROLES = frozenset({Role.admin, Role.member})
ANALYST_ROLES = frozenset({Role.admin, Role.analyst})
# Personal contact data is for people inside the cluster, never for public or partner outputs.
CONTACT_READER_ROLES = frozenset({Role.admin, Role.member, Role.analyst})


@dataclass(frozen=True)
class Principal:
    """The caller: an account with a role and the actors it manages, or anonymous (role None)."""

    role: Role | None
    account_id: uuid.UUID | None = None
    token_id: uuid.UUID | None = None
    actor_ids: frozenset[uuid.UUID] = field(default_factory=frozenset)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.admin

    @property
    def is_anonymous(self) -> bool:
        return self.role is None

    def manages(self, actor_id: uuid.UUID | None) -> bool:
        """Admins manage every actor; members the actors linked to their account."""
        return self.is_admin or (actor_id is not None and actor_id in self.actor_ids)


ANONYMOUS = Principal(role=None)
# The service itself (command line, demo loader): acts with an admin's rights.
SYSTEM = Principal(role=Role.admin)


def require_writer(principal: Principal) -> None:
    """Only admins and members write; analysts and partners read."""
    if principal.role not in WRITER_ROLES:
        raise Forbidden(f"The role {principal.role or 'anonymous'} may not change data")


def require_analyst(principal: Principal, *, what: str = "statistics") -> None:
    """Questions of the whole region (statistics, reports, match queries over sets of
    actors) are for analysts and admins."""
    if principal.role not in ANALYST_ROLES:
        raise Forbidden(f"The role {principal.role or 'anonymous'} may not read {what}")


def require_signed_in(principal: Principal) -> None:
    """401 for anonymous callers (where public read does not suffice)."""
    if principal.is_anonymous:
        raise Unauthorized("Sign in: send `Authorization: Bearer radar_…`")


def require_admin(principal: Principal) -> None:
    if not principal.is_admin:
        raise Forbidden("Only admins may do this")


def require_manager(principal: Principal, actor_id: uuid.UUID | None, *, what: str) -> None:
    """403 unless the caller manages `actor_id` (the owner, author or member concerned)."""
    require_writer(principal)
    if not principal.manages(actor_id):
        raise Forbidden(f"Only the managers of the actor concerned may change this {what}")


def can_see_actor(principal: Principal, actor: Actor) -> bool:
    """Public profiles: everyone; members-only: signed-in callers; private: managers, admins."""
    return can_see(principal, actor.id, actor.visibility)


def can_see(principal: Principal, actor_id: uuid.UUID, visibility: Visibility) -> bool:
    """The rule of `can_see_actor` for an actor known by its id and visibility."""
    if visibility is Visibility.public or principal.manages(actor_id):
        return True
    return visibility is Visibility.members and not principal.is_anonymous


# What each location precision withholds from those who do not manage the actor (lat and lon
# of the coarse ones are replaced by the shown point).
WITHHELD_ADDRESS: dict[LocationPrecision, tuple[str, ...]] = {
    LocationPrecision.exact: (),
    LocationPrecision.postcode: ("street",),
    LocationPrecision.city: ("street", "postcode"),
    LocationPrecision.hidden: ("street", "postcode", "lat", "lon"),
}
PERSONAL_FIELDS = ("contact_email", "contact_phone")


def actor_seen(
    principal: Principal,
    *,
    actor_id: uuid.UUID,
    visibility: Visibility,
    precision: LocationPrecision,
    shown: Callable[[], tuple[float, float] | None],
) -> dict[str, Any] | None:
    """What `principal` may see of an actor: None when it may not see the actor at all, else
    the fields of the actor's full view to replace — contacts for all but cluster insiders, the
    address at the actor's precision and the point `shown()` (its shown location) for all but
    its managers and admins. Every channel that shows an actor shapes it by this: REST reads,
    the event feed and webhook payloads."""
    if not can_see(principal, actor_id, visibility):
        return None
    withheld: dict[str, Any] = {}
    if not sees_contacts(principal, actor_id):
        withheld.update(dict.fromkeys(PERSONAL_FIELDS))
    if not principal.manages(actor_id):
        withheld.update(dict.fromkeys(WITHHELD_ADDRESS[precision]))
        if precision is not LocationPrecision.exact and (point := shown()) is not None:
            withheld.update(lat=point[0], lon=point[1])
    return withheld


def visible_actors(principal: Principal) -> ColumnElement[bool]:
    """The SQL filter for the actors `principal` may see (lists, searches, the map)."""
    if principal.is_admin:
        return true()
    if principal.is_anonymous:
        return col(Actor.visibility) == Visibility.public
    managed = col(Actor.id).in_(principal.actor_ids) if principal.actor_ids else false()
    return or_(col(Actor.visibility) != Visibility.private, managed)


def ensure_visible(principal: Principal, actor: Actor) -> Actor:
    """The actor, or 404 as if it did not exist (a private profile is not even acknowledged)."""
    if not can_see_actor(principal, actor):
        raise NotFound(f"No actor with id {actor.id}")
    return actor


def sees_contacts(principal: Principal, actor_id: uuid.UUID) -> bool:
    """Personal contact fields: managers and cluster insiders, never anonymous or partners."""
    return principal.manages(actor_id) or principal.role in CONTACT_READER_ROLES


def visible_actor_ids(
    session: Session, principal: Principal, actor_ids: Iterable[uuid.UUID]
) -> frozenset[uuid.UUID]:
    """Those of `actor_ids` that exist and `principal` may see, in one query."""
    wanted = set(actor_ids)
    if not wanted:
        return frozenset()
    statement = select(col(Actor.id)).where(col(Actor.id).in_(wanted), visible_actors(principal))
    return frozenset(session.execute(statement).scalars())


def visible_actor(principal: Principal, actor_id: uuid.UUID) -> Select[uuid.UUID]:
    """A subquery of `actor_id` alone, or of nothing when `principal` may not see it: list
    filters by an actor the caller may not see find nothing."""
    return select(col(Actor.id)).where(col(Actor.id) == actor_id, visible_actors(principal))


def require_own_actor(principal: Principal, actor_id: uuid.UUID | None, *, field: str) -> None:
    """403 unless `principal` writes and, short of an admin, names an actor it manages in
    `field` (the owner of an idea, the author of a news item)."""
    require_writer(principal)
    if principal.is_admin or actor_id in principal.actor_ids:
        return
    if actor_id is None:
        raise Forbidden(f"Members must give {field}: one of the actors their account manages")
    raise Forbidden(
        f"{field} {actor_id} is not an actor your account manages; members act for their own "
        "actors only"
    )


def require_own_account(principal: Principal, *, account_id: uuid.UUID) -> None:
    """Admins reach every account, others only their own (404 for any other: no probing)."""
    require_signed_in(principal)
    if not principal.is_admin and principal.account_id != account_id:
        raise NotFound(f"No account with id {account_id}")
