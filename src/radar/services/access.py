"""Who is asking, and what they may see and change: the one place access rules live."""

import uuid
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, false, or_, true
from sqlmodel import col

from radar.errors import Forbidden, NotFound, Unauthorized
from radar.models.account import Role
from radar.models.actor import Actor, Visibility

WRITER_ROLES = frozenset({Role.admin, Role.member})
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
    if actor.visibility is Visibility.public or principal.manages(actor.id):
        return True
    return actor.visibility is Visibility.members and not principal.is_anonymous


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
