"""RFC 9457 problem details: one renderer for every error a client can see."""

import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from radar.errors import FieldError, InvalidInput, RadarError, accepted_media_types

log = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_SCHEMA_REF = "#/components/schemas/Problem"


class ProblemFieldError(BaseModel):
    """One invalid value in a 422 problem."""

    location: str
    field: str
    pointer: str
    message: str
    type: str


class Problem(BaseModel):
    """An RFC 9457 problem detail document."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str = Field(description="What went wrong, in words; always present.")
    instance: str | None = None
    errors: list[ProblemFieldError] | None = None


def problem_type(slug: str) -> str:
    return f"urn:radar:problem:{slug}"


def problem_response(
    request: Request,
    *,
    status: int,
    slug: str,
    title: str,
    detail: str,
    errors: Sequence[FieldError] = (),
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    # Extension members never overwrite the members RFC 9457 defines.
    body: dict[str, Any] = {
        **extensions,
        "type": problem_type(slug),
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    if errors:
        body["errors"] = [_field_error(error) for error in errors]
    # Whether a caller gets a 404 or a 403 depends on who asks, as a success does.
    headers = {"Vary": "Authorization", **(headers or {})}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def _field_error(error: FieldError) -> dict[str, Any]:
    location, *path = [str(part) for part in error.loc] or ["body"]
    return {
        "location": location,
        "field": ".".join(path),
        # RFC 6901: the whole document is "", a member "/name".
        "pointer": "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in path),
        "message": error.message,
        "type": error.type,
        **error.extra,
    }


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def _allowed_methods(request: Request) -> str:
    """Every method some route serves at this path (Starlette names only the first route's)."""
    routes = request.app.router.routes
    return ", ".join(
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    )


def _context_field(error: dict[str, Any]) -> tuple[str, ...]:
    field = (error.get("ctx") or {}).get("field")
    return (field,) if isinstance(field, str) else ()


def problems(*statuses: int, body: bool = False) -> dict[int | str, dict[str, Any]]:
    """The `responses=` declaration of the problem statuses an endpoint can return; `body`
    adds those of a request body: 400 (unreadable), 413 (too large), 415 (not JSON), 422
    (invalid)."""
    codes = sorted({*statuses, *((400, 413, 415, 422) if body else ())})
    return {
        status: {
            # The model makes `Problem` a component; FastAPI files it under application/json as
            # well, which `openapi_contract` takes out.
            "model": Problem,
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": PROBLEM_SCHEMA_REF}}},
        }
        for status in codes
    }


def install_error_handlers(app: FastAPI) -> None:
    """Render domain errors, validation errors and HTTP errors as problem+json."""

    @app.exception_handler(RadarError)
    async def radar_error(request: Request, exc: RadarError) -> JSONResponse:
        return radar_problem(request, exc)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        if _body_not_json(request, exc):
            return problem_response(
                request,
                status=415,
                slug="unsupported-media-type",
                title="Unsupported Media Type",
                detail="Send the request body as JSON, with `Content-Type: application/json`.",
                headers=accepted_media_types(["application/json"], request.method),
            )
        unreadable = [error for error in exc.errors() if error.get("type") == "json_invalid"]
        if unreadable:
            # Syntax, not content: the body cannot be read at all (RFC 9110 §15.5.1).
            error = _unreadable_body_error(unreadable[0], exc.body)
            return problem_response(
                request,
                status=400,
                slug="malformed-json",
                title="Bad Request",
                detail=error.message[0].upper() + error.message[1:] + ".",
                errors=[error],
            )
        errors = [_validation_field_error(error) for error in exc.errors()]
        return problem_response(
            request,
            status=422,
            slug=InvalidInput.slug,
            title=InvalidInput.title,
            detail=f"{len(errors)} invalid value(s) in the request",
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        phrase = HTTPStatus(exc.status_code).phrase
        headers = dict(exc.headers) if exc.headers else {}
        if exc.status_code == 405:
            headers["Allow"] = _allowed_methods(request)
        return problem_response(
            request,
            status=exc.status_code,
            slug=phrase.lower().replace(" ", "-"),
            title=phrase,
            detail=str(exc.detail) if exc.detail != phrase else _default_detail(request, headers),
            headers=headers or None,
        )

    @app.exception_handler(OperationalError)
    async def database_busy(request: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database unavailable: %s", exc)
        return problem_response(
            request,
            status=503,
            slug="unavailable",
            title="Service unavailable",
            detail="The database is busy or unreachable; retry shortly.",
            headers={"Retry-After": "1"},
        )

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(
            request,
            status=500,
            slug="internal-error",
            title="Internal Server Error",
            detail="An unexpected error occurred; it has been logged.",
        )


def _default_detail(request: Request, headers: dict[str, str]) -> str:
    """What an unknown path or method means, said in words (`detail` is never left empty)."""
    if "Allow" in headers:
        return f"{request.method} is not allowed on {request.url.path}; allowed: {headers['Allow']}"
    return f"No resource at {request.url.path}"


def radar_problem(request: Request, exc: RadarError) -> JSONResponse:
    """The problem response of a domain error."""
    errors = exc.errors if isinstance(exc, InvalidInput) else ()
    return problem_response(
        request,
        status=exc.status,
        slug=exc.slug,
        title=exc.title,
        detail=exc.detail,
        errors=errors,
        headers=exc.headers or None,
        **exc.extensions,
    )


def _unreadable_body_error(error: dict[str, Any], document: Any) -> FieldError:
    """The error of a body that is not JSON: it names the whole body (pointer ""), the
    position in the text is said in words, being no field."""
    loc = tuple(error.get("loc", ("body",)))
    reason = (error.get("ctx") or {}).get("error", "invalid JSON")
    at = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
    where = ""
    if at is not None and isinstance(document, str):
        line = document.count("\n", 0, at) + 1
        column = at - document.rfind("\n", 0, at)
        where = f" at line {line}, column {column}"
    return FieldError(
        loc=("body",), message=f"the body is not valid JSON: {reason}{where}", type="json_invalid"
    )


def _validation_field_error(error: dict[str, Any]) -> FieldError:
    loc = tuple(error.get("loc", ("body",)))
    if loc[-1:] == ("[key]",):
        # A refused key of a mapping: the member it names is what to fix.
        loc = loc[:-1]
    return FieldError(
        # Checks spanning several fields name the one to fix in their context.
        loc=(*loc, *_context_field(error)),
        message=str(error.get("msg", "invalid value")),
        type=str(error.get("type", "value_error")),
    )


def _body_not_json(request: Request, exc: RequestValidationError) -> bool:
    """Whether the errors come from a body sent in another media type than JSON: FastAPI
    leaves such a body unread (raw bytes) and reports it as invalid; it is a 415, not a 422."""
    body_errors = any(tuple(error.get("loc", ()))[:1] == ("body",) for error in exc.errors())
    return body_errors and isinstance(exc.body, bytes | bytearray) and len(exc.body) > 0
