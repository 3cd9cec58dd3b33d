"""Typed domain errors raised by services and rendered as RFC 9457 problems by the API."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class FieldError:
    """One invalid value: where it is (a path into the body or query) and what is wrong."""

    loc: Sequence[str | int]
    message: str
    type: str = "value_error"
    extra: dict[str, Any] = field(default_factory=dict)


class RadarError(Exception):
    """Base of every error a client can cause; `status` is the HTTP status it maps to."""

    status = 400
    slug = "bad-request"
    title = "Bad request"

    headers: dict[str, str] = {}

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions


class Unauthorized(RadarError):
    status = 401
    slug = "unauthorized"
    title = "Unauthorized"
    headers = {"WWW-Authenticate": 'Bearer realm="radar"'}


class Forbidden(RadarError):
    status = 403
    slug = "forbidden"
    title = "Forbidden"


class NotFound(RadarError):
    status = 404
    slug = "not-found"
    title = "Not found"


class Conflict(RadarError):
    status = 409
    slug = "conflict"
    title = "Conflict"


class PreconditionFailed(RadarError):
    status = 412
    slug = "precondition-failed"
    title = "Precondition failed"


class InvalidInput(RadarError):
    status = 422
    slug = "validation-error"
    title = "Invalid input"

    def __init__(self, errors: Sequence[FieldError], detail: str | None = None) -> None:
        super().__init__(detail or f"{len(errors)} invalid value(s) in the request")
        self.errors = list(errors)


class UnsupportedMediaType(RadarError):
    status = 415
    slug = "unsupported-media-type"
    title = "Unsupported Media Type"

    def __init__(self, detail: str, *, accepted: Sequence[str], method: str) -> None:
        super().__init__(detail)
        self.headers = accepted_media_types(accepted, method)


def accepted_media_types(accepted: Sequence[str], method: str) -> dict[str, str]:
    """The headers of a 415 (RFC 9110 §15.5.16): `Accept` naming what the operation takes,
    and `Accept-Post` (W3C LDP) or `Accept-Patch` (RFC 5789 §3.1) for its method."""
    value = ", ".join(accepted)
    headers = {"Accept": value}
    if method.upper() in {"POST", "PATCH"}:
        headers[f"Accept-{method.capitalize()}"] = value
    return headers


class Unavailable(RadarError):
    status = 503
    slug = "unavailable"
    title = "Service unavailable"


class TooManyRequests(RadarError):
    status = 429
    slug = "too-many-requests"
    title = "Too many requests"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail, retry_after=retry_after)
        self.headers = {"Retry-After": str(retry_after)}
