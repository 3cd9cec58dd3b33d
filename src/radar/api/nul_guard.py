"""ASGI middleware refusing a NUL character in the query string (422 naming the parameter) or
the path: PostgreSQL cannot store or compare text that holds one."""

from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from radar.api.auth import authenticate_before_refusing, authenticates
from radar.api.errors import radar_problem
from radar.errors import FieldError, InvalidInput, RadarError
from radar.models.base import NUL, NUL_MESSAGE

_TYPE = "nul_character"


class RefuseNul:
    """Answer 422 before routing when a query parameter (name or value) or a path segment
    holds NUL; bodies are checked by the input models."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            errors = [*_query_errors(scope), *_path_errors(scope)]
            if errors:
                request = Request(scope)
                refusal: RadarError = InvalidInput(errors)
                try:
                    # Who may not call learns that first, as from the endpoints themselves.
                    if authenticates(scope):
                        await authenticate_before_refusing(request)
                except RadarError as error:
                    refusal = error
                await radar_problem(request, refusal)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _query_errors(scope: Scope) -> list[FieldError]:
    raw: bytes = scope.get("query_string", b"")
    # Most requests hold no NUL: skip parsing them.
    if b"%00" not in raw and b"\x00" not in raw:
        return []
    names = dict.fromkeys(
        name
        for name, value in parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
        if NUL in name or NUL in value
    )
    return [FieldError(loc=("query", name), message=NUL_MESSAGE, type=_TYPE) for name in names]


def _path_errors(scope: Scope) -> list[FieldError]:
    # Only a text path parameter (a taxonomy slug) can hold one: the others are ids and enums.
    if NUL not in scope.get("path", ""):
        return []
    return [FieldError(loc=("path",), message=NUL_MESSAGE, type=_TYPE)]
