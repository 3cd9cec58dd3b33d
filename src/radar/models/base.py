"""Shared column types, enums helpers and bounded input types used by every model."""

import re
import unicodedata
import uuid
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any

import sqlalchemy as sa
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    Strict,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from sqlmodel import Field, SQLModel

from radar.geo.base import GeocodePrecision, GeocodeStatus

metadata = SQLModel.metadata
# Named constraints keep Alembic migrations (and SQLite batch mode) deterministic.
metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

MAX_TOPICS = 30
MAX_TAGS = 50

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=64)]
# A tag or external id is stripped of the spaces around it, so it must hold something else:
# a character that is no space nor separator. Spelt out, since `\S` means three things in the
# three engines that read it (ECMA-262 for the schema's readers, Python's `re`, Rust's
# `regex` in pydantic): every space any of them knows, and the file separators \x1c-\x1f.
NOT_BLANK = r"[^\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
Tag = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80, pattern=NOT_BLANK)
]
ExternalId = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=NOT_BLANK)
]

NUL = "\x00"
NUL_MESSAGE = "must not contain the NUL character (U+0000)"
# Characters Unicode classes as letters or symbols that still render as blank space.
_BLANK_GLYPHS = frozenset("\u115f\u1160\u2800\u3164\uffa0")
# Spaces, controls, format characters (zero-width space and joiners, word joiner, BOM), and
# combining marks, which show nothing without a base character.
_UNSEEN_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Cn", "Co", "Cs", "Mn", "Me"})


def holds_nul(value: Any) -> bool:
    """Whether a string, or any string inside a list or mapping (keys too), holds a NUL
    character, which PostgreSQL cannot store in text."""
    pending = [value]
    while pending:  # a loop, not recursion: a deeply nested body must not exhaust the stack
        item = pending.pop()
        if isinstance(item, str):
            if NUL in item:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            pending.extend(item)
    return False


def _blank_edge(character: str) -> bool:
    return (
        character.isspace() or unicodedata.category(character) == "Cf" or character in _BLANK_GLYPHS
    )


def _seen(character: str) -> bool:
    return (
        unicodedata.category(character) not in _UNSEEN_CATEGORIES and character not in _BLANK_GLYPHS
    )


def visible_name(value: str) -> str:
    """A name without the spaces and invisible characters around it; it must show at least one
    visible character (not only spaces, zero-width or other format characters)."""
    start, end = 0, len(value)
    while start < end and _blank_edge(value[start]):
        start += 1
    while end > start and _blank_edge(value[end - 1]):
        end -= 1
    name = value[start:end]
    if not any(_seen(character) for character in name):
        raise PydanticCustomError("invisible_name", "must contain at least one visible character")
    return name


def in_utc(moment: datetime) -> datetime:
    """The same instant in UTC (a time without a zone is read as UTC); refused when it falls
    outside the years 1 to 9999 in UTC, e.g. `9999-12-31T23:59:59-14:00`."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise PydanticCustomError(
            "datetime_out_of_range", "in UTC this time falls outside the years 1 to 9999"
        ) from None


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def iso_text(example: str) -> BeforeValidator:
    """Require a date or time given as text to be ISO 8601 text (like `example`): pydantic
    would read a number, or a number in text (`0.5`), as seconds since 1970."""

    def check(value: Any) -> Any:
        if isinstance(value, date) or (isinstance(value, str) and _ISO_DATE.match(value)):
            return value
        raise PydanticCustomError("iso_8601", f"expected ISO 8601 text, like {example}")

    return BeforeValidator(check)


# The name or title of an actor, idea, group, news item, account or token.
Name = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(visible_name)]
UtcDateTime = Annotated[datetime, iso_text("2024-05-01T12:00:00Z"), AfterValidator(in_utc)]
AwareUtcDateTime = Annotated[
    AwareDatetime, iso_text("2024-05-01T12:00:00+02:00"), AfterValidator(in_utc)
]
IsoDate = Annotated[date, iso_text("2024-05-01")]
# JSON numbers and booleans as they are: lax validation would take `true` for 1, `0` for
# false and "1.5" for 1.5, where the schema says number or boolean.
Number = Annotated[float, Strict()]
# JSON Schema counts 5.0 as an integer; a whole float is taken as one, nothing else is.
Integer = Annotated[
    int,
    Strict(),
    BeforeValidator(lambda v: int(v) if isinstance(v, float) and v.is_integer() else v),
]
Boolean = Annotated[bool, Strict()]


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def new_id() -> uuid.UUID:
    """A random identifier: ids in URLs are never sequential."""
    return uuid.uuid4()


def enum_type(enum_cls: type[StrEnum]) -> sa.Enum:
    """A portable enum column: VARCHAR holding the enum's values (no native PostgreSQL type)."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class InputModel(SQLModel):
    """A request body: unknown fields are rejected, and so is a NUL character in any string,
    at any depth."""

    model_config = {"extra": "forbid"}

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if holds_nul(value):
            raise PydanticCustomError("nul_character", NUL_MESSAGE)
        return value


class UpdateModel(InputModel):
    """A PATCH body: every field optional; `null` only where the field may be empty."""


class DateRange(SQLModel):
    """Mixin check that an end date never precedes its start date."""

    @model_validator(mode="after")
    def _end_not_before_start(self) -> Any:
        start: date | None = getattr(self, "start_date", None)
        end: date | None = getattr(self, "end_date", None)
        if start is not None and end is not None and end < start:
            raise PydanticCustomError(
                "date_order", "end_date must not be before start_date", {"field": "end_date"}
            )
        return self


def _number_needs(field: str, other: str) -> dict[str, Any]:
    return {
        "if": {"required": [field], "properties": {field: {"type": "number"}}},
        "then": {"required": [other], "properties": {other: {"type": "number"}}},
    }


class LocationFields(SQLModel):
    """A postal address and coordinates, flat so that API, import and export read alike."""

    # The document says what `_coordinates_in_pairs` refuses: one coordinate without the other.
    model_config = {
        "json_schema_extra": {"allOf": [_number_needs("lat", "lon"), _number_needs("lon", "lat")]}
    }

    street: str | None = Field(default=None, max_length=200)
    postcode: str | None = Field(
        default=None, max_length=16, schema_extra={"pattern": r"^[A-Za-z0-9 \-]{2,16}$"}
    )
    city: str | None = Field(default=None, max_length=120)
    district: str | None = Field(default=None, max_length=120, index=True)
    country: str = Field(default="DE", max_length=2, schema_extra={"pattern": r"^[A-Z]{2}$"})
    lat: Number | None = Field(default=None, ge=-90, le=90)
    lon: Number | None = Field(default=None, ge=-180, le=180)

    @model_validator(mode="after")
    def _coordinates_in_pairs(self) -> Any:
        if (self.lat is None) != (self.lon is None):
            missing = "lon" if self.lon is None else "lat"
            raise PydanticCustomError(
                "coordinate_pair", "lat and lon must be given together", {"field": missing}
            )
        return self


class GeocodeFields(SQLModel):
    """How a row's coordinates were found: set by the service on every address change, never
    taken from input."""

    geocode_status: GeocodeStatus = Field(
        default=GeocodeStatus.none,
        sa_type=enum_type(GeocodeStatus),
        index=True,
        description="none (no address), manual (coordinates given), ok (geocoded), failed "
        "(see geocode_error; retried by `radar geocode --pending`), pending (not yet tried).",
    )
    geocode_precision: GeocodePrecision | None = Field(
        default=None, sa_type=enum_type(GeocodePrecision)
    )
    geocode_source: str | None = Field(default=None, max_length=64)
    geocode_error: str | None = Field(default=None, max_length=500)


class Page(SQLModel):
    """Pagination metadata shared by every list response."""

    count: int = Field(description="Total number of items matching the filters.")
    limit: int
    offset: int
