"""Request dependencies: the unit-of-work session, settings, paging and conditional requests.

Dependencies that only read the request are `async def`: FastAPI runs each plain `def` in the
thread pool, a hop that costs more than such a dependency does."""

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from anyio import CancelScope
from fastapi import Depends, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import WithJsonSchema
from sqlmodel import Session

from radar.db import close_session, open_session
from radar.errors import FieldError, InvalidInput
from radar.geo.base import Geocoder
from radar.models.base import UtcDateTime
from radar.services.common import MAX_LIMIT, ExpectedVersion, PageRequest
from radar.services.geocoding import configured_geocoder
from radar.settings import Settings


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One session per request; it commits after the endpoint returns, before the response.

    Opening a session does no I/O (it connects at its first statement), so only its end runs in
    the thread pool."""
    write = request.method not in {"GET", "HEAD", "OPTIONS"}
    session = open_session(request.app.state.engine, write=write)
    commit = False
    try:
        yield session
        commit = True
    finally:
        # Shielded: a cancelled request still ends its transaction and returns its connection.
        with CancelScope(shield=True):
            await run_in_threadpool(close_session, session, commit=commit)


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_geocoder(session: SessionDep, settings: SettingsDep) -> Geocoder:
    """The configured geocoder chain for this request's writes (cache in its session)."""
    return configured_geocoder(session, settings)


GeocoderDep = Annotated[Geocoder, Depends(get_geocoder)]


async def get_page(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip.")] = 0,
) -> PageRequest:
    return PageRequest(limit=limit, offset=offset)


PageDep = Annotated[PageRequest, Depends(get_page)]


async def get_updated_since(
    updated_since: Annotated[
        UtcDateTime | None,
        Query(description="Only items changed at or after this time (ISO 8601; UTC if no zone)."),
    ] = None,
) -> UtcDateTime | None:
    return updated_since


UpdatedSinceDep = Annotated[UtcDateTime | None, Depends(get_updated_since)]

# RFC 9110 §8.8.3 and §13.1.1: `If-Match = "*" / #entity-tag`, a list of at least one tag
# (empty list elements allowed, as §5.6.1 asks of recipients); weak tags are valid syntax.
_ENTITY_TAG = r'(?:W/)?"[\x21\x23-\x7e\x80-\xff]*"'
IF_MATCH_PATTERN = rf"^(?:\*|(?:,[ \t]*)*{_ENTITY_TAG}(?:[ \t]*,(?:[ \t]*{_ENTITY_TAG})?)*)$"
_IF_MATCH = re.compile(IF_MATCH_PATTERN)
_TAG = re.compile(r'(W/)?"([^"]*)"')
# Our tags are versions in decimal; a tag of another form names no version of ours.
_VERSION = re.compile(r"0|[1-9][0-9]{0,18}")


def etag(version: int) -> str:
    """The entity tag of a resource at `version`."""
    return f'"{version}"'


async def get_expected_version(
    request: Request,
    if_match: Annotated[
        str | None,
        Header(
            alias="If-Match",
            description='Entity tags from a previous read, e.g. `"3"` (or `*`); 412 when none '
            "names the current version (weak tags never do).",
        ),
        # A header is text or absent, never null; the pattern is what the parser below accepts.
        WithJsonSchema({"type": "string", "pattern": IF_MATCH_PATTERN}),
    ] = None,
) -> ExpectedVersion:
    """The versions the client's If-Match accepts; None when the write is unconditional (no
    If-Match, or `*`: any current version). Strong comparison (RFC 9110 §8.8.3.2): `W/"2"`
    matches nothing, nor does a tag that is not one of our versions."""
    tags = _entity_tags(request, "If-Match", if_match)
    if tags is None:
        return None
    return frozenset(
        int(opaque) for weak, opaque in tags if not weak and _VERSION.fullmatch(opaque)
    )


def _entity_tags(request: Request, header: str, value: str | None) -> list[tuple[str, str]] | None:
    """The (weak marker, opaque tag) pairs of an `If-Match` or `If-None-Match` header, all its
    fields read as one list (RFC 9110 §5.3); None when absent or `*`; 422 naming the header
    when it is not that syntax."""
    if value is None:
        return None
    value = ", ".join(request.headers.getlist(header)) or value
    if _IF_MATCH.fullmatch(value) is None:
        raise InvalidInput(
            [
                FieldError(
                    loc=("header", header),
                    message='expected `*` or entity tags from a previous read, like "3"',
                )
            ]
        )
    return None if value == "*" else _TAG.findall(value)


ExpectedVersionDep = Annotated[ExpectedVersion, Depends(get_expected_version)]


def with_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


@dataclass(frozen=True)
class CachedVersions:
    """The versions a client's If-None-Match says it holds (RFC 9110 §13.1.2): weak comparison,
    so `W/"3"` names version 3 too; `any` for `*`."""

    versions: frozenset[int] = frozenset()
    any: bool = False

    def not_modified(self, version: int) -> Response | None:
        """A 304 (carrying the ETag) when the client already holds `version`."""
        if self.any or version in self.versions:
            return Response(status_code=304, headers={"ETag": etag(version)})
        return None


async def get_cached_versions(
    request: Request,
    if_none_match: Annotated[
        str | None,
        Header(
            alias="If-None-Match",
            description='Entity tags from a previous read, e.g. `"3"` (or `*`): 304 Not '
            "Modified, with no body, while one names the current version.",
        ),
        WithJsonSchema({"type": "string", "pattern": IF_MATCH_PATTERN}),
    ] = None,
) -> CachedVersions:
    """What the client's If-None-Match holds; 422 naming the header when it is not a list of
    entity tags (the same syntax as If-Match)."""
    tags = _entity_tags(request, "If-None-Match", if_none_match)
    if tags is None:
        return CachedVersions(any=if_none_match is not None)
    return CachedVersions(frozenset(int(tag) for _weak, tag in tags if _VERSION.fullmatch(tag)))


CachedVersionsDep = Annotated[CachedVersions, Depends(get_cached_versions)]


# `lat,lon` in degrees, each within its range: the pattern the OpenAPI document declares.
LAT_PATTERN = r"-?0*(?:90(?:\.0+)?|[1-8]?[0-9](?:\.[0-9]+)?)"
LON_PATTERN = r"-?0*(?:180(?:\.0+)?|(?:1[0-7][0-9]|[1-9]?[0-9])(?:\.[0-9]+)?)"
NEAR_PATTERN = rf"^[ \t]*({LAT_PATTERN})[ \t]*,[ \t]*({LON_PATTERN})[ \t]*$"
_NEAR = re.compile(NEAR_PATTERN)


async def get_near(
    near: Annotated[
        str | None,
        Query(
            max_length=60,
            description="`lat,lon`: list nearest first, each item with `distance_km`.",
        ),
        # A query parameter is text or absent, never null.
        WithJsonSchema(
            {
                "type": "string",
                "pattern": NEAR_PATTERN,
                "maxLength": 60,
                "examples": ["51.2197,7.6273"],
            }
        ),
    ] = None,
    radius_km: Annotated[
        float | None,
        Query(gt=0, le=20_000, description="Only items within this distance of `near`."),
    ] = None,
) -> tuple[tuple[float, float] | None, float | None]:
    """The `near` point and radius of a list query; 422 for a malformed point or a radius
    without a point."""
    point = None
    if near is not None:
        match = _NEAR.fullmatch(near)
        if match is None:
            raise InvalidInput(
                [FieldError(loc=("query", "near"), message="expected `lat,lon` in degrees")]
            )
        point = (float(match.group(1)), float(match.group(2)))
    return point, radius_km


NearDep = Annotated[tuple[tuple[float, float] | None, float | None], Depends(get_near)]
