"""Helpers shared by the entity services: paging, text search, versions, uniqueness."""

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from radar.errors import Conflict, PreconditionFailed
from radar.matching.normalise import fold
from radar.models.base import utcnow

T = TypeVar("T")

MAX_LIMIT = 100


@dataclass(frozen=True)
class PageRequest:
    """Which slice of a list to return."""

    limit: int = 20
    offset: int = 0


def text_search_value(*parts: str | None) -> str:
    """The folded text a row is searched by (`q` filters), stored beside the row.

    Umlauts are kept both spelled out and plain (`luedenscheid ludenscheid`) so a search for
    either spelling finds the row."""
    text = " ".join(part for part in parts if part)
    spelled, plain = fold(text), fold(text, spell_umlauts=False)
    return spelled if spelled == plain else f"{spelled} {plain}"


def matches_text(column: Any, query: str) -> ColumnElement[bool]:
    """A portable, case- and umlaut-insensitive substring filter on a folded text column."""
    escaped = fold(query).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(f"%{escaped}%", escape="\\")  # type: ignore[no-any-return]


def linked_to(
    owner_id: Any, link_owner_id: Any, link_value: Any, values: Sequence[Any]
) -> ColumnElement[bool]:
    """Rows having a link row (e.g. actor_topic) whose value is any of `values`."""
    return col(owner_id).in_(select(col(link_owner_id)).where(col(link_value).in_(values)))


def fetch_page(
    session: Session, statement: Select[Any], page: PageRequest
) -> tuple[Sequence[Any], int]:
    """The rows of one page of `statement` (already filtered and ordered) and the total count."""
    total = session.execute(
        select(func.count()).select_from(statement.order_by(None).subquery())
    ).scalar_one()
    rows = session.execute(statement.limit(page.limit).offset(page.offset)).scalars().all()
    return rows, total


ExpectedVersion = int | AbstractSet[int] | None
"""The versions a conditional write accepts (If-Match): one, any of a set (an empty set
accepts none), or None for an unconditional write."""


def check_version(*, current: int, expected: ExpectedVersion) -> None:
    """Refuse a write made against a stale version (If-Match); `None` means unconditional."""
    if expected is None:
        return
    accepted = {expected} if isinstance(expected, int) else expected
    if current not in accepted:
        named = ", ".join(str(version) for version in sorted(accepted))
        raise PreconditionFailed(
            f"The resource is at version {current}, the request expected "
            + (f"version {named}" if named else "none of its versions (weak tags never match)")
            + "; read it again and retry.",
            current_version=current,
        )


def touch(row: Any) -> None:
    """Mark a row as changed: a new version and update time."""
    row.version += 1
    row.updated_at = utcnow()


def ensure_unique_external_id(
    session: Session, model: Any, external_id: str | None, *, own_id: Any = None
) -> None:
    """409 when another row of `model` already carries `external_id`."""
    if external_id is None:
        return
    statement = select(model.id).where(model.external_id == external_id)
    if own_id is not None:
        statement = statement.where(model.id != own_id)
    existing = session.execute(statement).scalar_one_or_none()
    if existing is not None:
        raise Conflict(
            f"external_id {external_id!r} is already used by {model.__tablename__} {existing}",
            field="external_id",
            existing_id=str(existing),
        )


def flush_or_conflict(session: Session, what: str) -> None:
    """Flush pending writes; a uniqueness race lost to another request becomes a 409."""
    try:
        session.flush()
    except IntegrityError as error:
        raise Conflict(f"{what} conflicts with existing data: {error.orig}") from error


def updated_since_filter(column: Any, since: datetime | None) -> list[ColumnElement[bool]]:
    """The filter for partner sync: rows changed at or after `since`."""
    return [] if since is None else [column >= since]
