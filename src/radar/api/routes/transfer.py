"""Bulk import for admins and export for analysts: `/v1/import/{kind}`, `/v1/export/{kind}`."""

from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import StreamingResponse
from sqlmodel import Field, SQLModel
from starlette.concurrency import run_in_threadpool

from radar.api.auth import PrincipalDep, authenticated_router
from radar.api.errors import problems
from radar.errors import FieldError, Forbidden, InvalidInput, UnsupportedMediaType
from radar.models.account import Role
from radar.services import exporter, importer
from radar.services.access import require_admin

router = authenticated_router(prefix="/v1", tags=["import and export"])

_ACCEPTED = ("text/csv", "application/x-ndjson")
_BODY = {
    "requestBody": {
        "required": True,
        "content": {media_type: {"schema": {"type": "string"}} for media_type in _ACCEPTED},
    }
}


class ImportRowError(SQLModel):
    line: int
    field: str | None
    message: str


class ImportSummary(SQLModel):
    kind: importer.Kind
    dry_run: bool
    created: int
    updated: int
    unchanged: int
    superseded: int = Field(
        description="Rows skipped because a later row of the file has the same external_id "
        "(the last one wins)."
    )
    invalid: int
    errors: list[ImportRowError]


@router.post(
    "/import/{kind}",
    response_model=ImportSummary,
    responses=problems(403, body=True),
    openapi_extra=_BODY,
)
async def import_rows(
    kind: importer.Kind,
    request: Request,
    principal: PrincipalDep,
    dry_run: Annotated[bool, Query(description="Validate only; write nothing.")] = False,
) -> ImportSummary:
    """Import actors or ideas (admins): CSV (`text/csv`, lists `;`-separated) or JSON Lines
    (`application/x-ndjson`) with the columns of `radar import`. Rows are upserted by
    `external_id` — a row equal to what is stored changes nothing — and committed in batches;
    each invalid row is reported with its line, field and reason and changes nothing. A CSV
    that cannot be parsed (a cell over 131,072 characters), or whose header names an unknown
    column, is refused whole (422, naming the line or the column)."""
    require_admin(principal)
    content_type = request.headers.get("content-type", "")
    if "csv" not in content_type and "json" not in content_type:
        raise UnsupportedMediaType(
            "Send the rows as CSV (`Content-Type: text/csv`) or JSON Lines "
            "(`Content-Type: application/x-ndjson`).",
            accepted=_ACCEPTED,
            method=request.method,
        )
    try:
        text = (await request.body()).decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidInput(
            [FieldError(loc=("body",), message=f"the body is not UTF-8 text: {error.reason}")]
        ) from error
    # Read in full before anything is written: a CSV that cannot be parsed is refused whole.
    records = await run_in_threadpool(
        importer.read_records, text, importer.detect_format(content_type), kind
    )
    engine = request.app.state.engine
    report = await run_in_threadpool(
        importer.run_import, engine, kind=kind, records=records, dry_run=dry_run
    )
    return ImportSummary(
        kind=report.kind,
        dry_run=report.dry_run,
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        superseded=report.superseded,
        invalid=report.invalid,
        errors=[
            ImportRowError(line=e.line, field=e.field, message=e.message) for e in report.errors
        ],
    )


@router.get(
    "/export/{entity}",
    responses={
        200: {
            "description": "The export, streamed.",
            "content": {media: {} for media in exporter.MEDIA_TYPES.values()},
        },
        **problems(403, 422),
    },
    response_class=StreamingResponse,
)
def export_rows(
    entity: exporter.Entity,
    request: Request,
    principal: PrincipalDep,
    format: Annotated[
        exporter.ExportFormat, Query(description="csv, jsonl (the import formats) or geojson.")
    ] = "csv",
) -> StreamingResponse:
    """Everything of one kind you may see (analysts and admins), streamed: actors and ideas
    with the import columns (so an export re-imports losslessly), groups with their members'
    external_ids. Locations at each actor's precision, no contact data.

    GeoJSON (`application/geo+json`, RFC 7946) has one Feature per row, [lon, lat]: a row
    without a location you may see (a hidden one, an idea without an address) keeps its
    properties with `"geometry": null`. Working groups have no location of their own: a group
    is placed at the centre (mean) of its active members' points as you see them, with the
    property `"place": "members_centre"`; members you may not see, or whose location you may
    not see, do not count, and a group without such a member has `"place": null` and no
    geometry."""
    if principal.role not in {Role.admin, Role.analyst}:
        raise Forbidden("Only analysts and admins export")
    chunks = exporter.export(
        request.app.state.engine, entity=entity, fmt=format, principal=principal
    )
    extension = "json" if format == "geojson" else format
    return StreamingResponse(
        chunks,
        media_type=exporter.MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{entity}.{extension}"'},
    )
