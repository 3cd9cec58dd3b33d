"""The OpenAPI document as the server behaves, where FastAPI's inference falls short: every
error an `application/problem+json` `Problem`, the statuses any operation can answer, the
webhooks as receivers see them, and links between the steps of the main flows."""

from collections.abc import Iterator
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI

from radar.api.errors import PROBLEM_MEDIA_TYPE, PROBLEM_SCHEMA_REF
from radar.errors import accepted_media_types

Document = dict[str, Any]
Operation = dict[str, Any]

# FastAPI's own 422 shape, which the server never sends.
FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")

# What a status means wherever it is answered; a route's own description stands.
MEANINGS: dict[int, str] = {
    400: "the body cannot be read (it is not valid JSON, say).",
    401: "no valid bearer token (none where one is needed, or one unknown, expired or revoked).",
    412: "`If-Match` names no current version; read again, then retry.",
    413: "the body is over the size limit.",
    415: "the body is not in a media type the operation takes (`Accept` names them).",
    422: "invalid values; `errors` names each, with its location and JSON pointer.",
    429: "over the rate limit; retry after `Retry-After` seconds.",
    503: "the database is busy or unreachable; retry shortly.",
}
NEAR_ACTOR_MISSING = "Not Found: no actor `near_actor` (that you may see)."

ETAG_HEADER = {
    "description": 'The version read or written, as an entity tag (`"3"`): send it as '
    "`If-Match` to update only that version, or as `If-None-Match` to read only a newer one.",
    "required": True,
    "schema": {"type": "string", "pattern": r'^"(?:0|[1-9][0-9]{0,18})"$'},
}

HEADERS: dict[int, dict[str, Any]] = {
    401: {
        "WWW-Authenticate": {
            "description": 'How to authenticate: `Bearer realm="radar"`.',
            "required": True,
            "schema": {"type": "string"},
        }
    },
    429: {
        "Retry-After": {
            "description": "Seconds until the rate limit admits another request.",
            "required": True,
            "schema": {"type": "integer", "minimum": 0},
        }
    },
    503: {
        "Retry-After": {
            "description": "Seconds after which to retry.",
            "schema": {"type": "integer", "minimum": 0},
        }
    },
}


def install_openapi_contract(app: FastAPI) -> None:
    """Serve the document `contract` makes of FastAPI's, built once and cached like FastAPI's."""
    generate = app.openapi

    def openapi() -> Document:
        if app.openapi_schema is None:
            app.openapi_schema = contract(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def contract(document: Document) -> Document:
    """`document` (FastAPI's) made to say what the server does."""
    for _, method, operation in operations(document):
        _declare_problems(operation, expected_problems(operation))
        _problems_as_sent(operation)
        _accepted_on_415(method, operation)
        _conditional_answers(operation)
    for _, _, operation in webhook_operations(document):
        _receiver_answers(operation)
    schemas = document.get("components", {}).get("schemas", {})
    for name in FASTAPI_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    add_links(document)
    return document


def operations(document: Document) -> Iterator[tuple[str, str, Operation]]:
    """Each `(path, method, operation)` of the document's paths."""
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            yield path, method, operation


def webhook_operations(document: Document) -> Iterator[tuple[str, str, Operation]]:
    """Each `(event type, method, operation)` of the document's webhooks."""
    for name, item in document.get("webhooks", {}).items():
        for method, operation in item.items():
            yield name, method, operation


def expected_problems(operation: Operation) -> dict[int, str | None]:
    """The problem statuses the server can answer to any request of this operation's shape,
    each with a description of its own (None: the generic one)."""
    parameters = {(p["in"], p["name"]) for p in operation.get("parameters", [])}
    expected: dict[int, str | None] = {}
    if "requestBody" in operation:
        # Unreadable, too large (any route), not JSON, invalid.
        expected.update(dict.fromkeys((400, 413, 415, 422)))
    if parameters:
        # Invalid values; a NUL character is refused in any of them before routing.
        expected[422] = None
    if operation.get("security"):
        # Authentication, the rate limit, and the database it takes (SQLite busy, say).
        expected.update(dict.fromkeys((401, 429, 503)))
    if ("query", "near_actor") in parameters:
        expected[404] = NEAR_ACTOR_MISSING
    if ("header", "If-Match") in parameters:
        expected[412] = None
    return expected


def _declare_problems(operation: Operation, expected: dict[int, str | None]) -> None:
    responses = operation.setdefault("responses", {})
    for status, description in expected.items():
        responses.setdefault(str(status), {"description": description or _phrase(status)})
    operation["responses"] = dict(sorted(responses.items()))


def _problems_as_sent(operation: Operation) -> None:
    """Each error response: a `Problem` in `application/problem+json` and nothing else (FastAPI
    files response models, and its own 422, under `application/json`)."""
    for code, response in operation["responses"].items():
        if code[:1] not in ("4", "5"):
            continue
        response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": PROBLEM_SCHEMA_REF}}}
        if not code.isdigit():  # a range: 4XX, 5XX
            continue
        status = int(code)
        if response.get("description") in (_phrase(status), "Validation Error", None):
            meaning = MEANINGS.get(status)
            response["description"] = (
                f"{_phrase(status)}: {meaning}" if meaning else _phrase(status)
            )
        if status in HEADERS:
            response["headers"] = {**HEADERS[status], **response.get("headers", {})}


def _accepted_on_415(method: str, operation: Operation) -> None:
    """A 415 names what the operation takes: `Accept`, and `Accept-Post` or `Accept-Patch`
    for its method (as `api/errors.py` sends them)."""
    response = operation["responses"].get("415")
    if response is None:
        return
    accepted = list(operation.get("requestBody", {}).get("content", {})) or ["application/json"]
    sent = accepted_media_types(accepted, method)
    headers = {
        name: {
            "description": "The media types the operation takes.",
            "required": True,
            "schema": {"type": "string", "enum": [value]},
        }
        for name, value in sent.items()
    }
    response["headers"] = {**headers, **response.get("headers", {})}


def _conditional_answers(operation: Operation) -> None:
    """Where a request may carry `If-Match` or `If-None-Match`, its success carries the `ETag`
    they are made of; where `If-None-Match`, a 304 (no body) answers one that names the
    current version."""
    headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
    if not headers & {"If-Match", "If-None-Match"}:
        return
    responses = operation["responses"]
    for code, response in responses.items():
        if code.startswith("2") and code != "204":
            response["headers"] = {"ETag": ETAG_HEADER, **response.get("headers", {})}
    if "If-None-Match" in headers:
        responses["304"] = {
            "description": "Not Modified: `If-None-Match` names the current version; there "
            "is no body.",
            "headers": {"ETag": ETAG_HEADER},
        }
        operation["responses"] = dict(sorted(responses.items()))


def _phrase(status: int) -> str:
    return HTTPStatus(status).phrase


def _receiver_answers(operation: Operation) -> None:
    """A webhook documents what its receiver answers (declared as a `2XX` range); FastAPI adds
    the answers of an endpoint of ours — 200, and 422 for an invalid body — which no receiver
    owes."""
    responses = operation.get("responses", {})
    operation["responses"] = {
        code: response for code, response in responses.items() if code not in ("200", "422")
    }


# -- links -----------------------------------------------------------------------------------

Endpoint = tuple[str, str]  # (method, path)
# A link: from a response (method, path, status) to an operation, with its parameters as
# `location.name` → runtime expression.
Link = tuple[Endpoint, str, str, Endpoint, dict[str, str]]

ID = "$response.body#/id"
ETAG = "$response.header.ETag"


def _crud_links(collection: str, noun: str, param: str, *more: tuple[str, str]) -> list[Link]:
    """Create → read, update, delete (and `more`: (name, sub-path) reads) of one resource, and
    read or update → the next change, each carrying the ETag it got as `If-Match`."""
    item = f"{collection}/{{{param}}}"
    create, read, update, delete = (
        ("post", collection),
        ("get", item),
        ("patch", item),
        ("delete", item),
    )
    by_id, same = {f"path.{param}": ID}, {f"path.{param}": f"$request.path.{param}"}
    conditional = {"header.If-Match": ETAG}
    links: list[Link] = [
        (create, "201", f"Read{noun}", read, by_id),
        (create, "201", f"Update{noun}", update, {**by_id, **conditional}),
        (create, "201", f"Delete{noun}", delete, {**by_id, **conditional}),
        (read, "200", f"Update{noun}", update, {**same, **conditional}),
        (read, "200", f"Delete{noun}", delete, {**same, **conditional}),
        (update, "200", f"Read{noun}", read, same),
        (update, "200", f"Delete{noun}", delete, {**same, **conditional}),
    ]
    links += [(create, "201", name, ("get", item + sub), by_id) for name, sub in more]
    return links


def _webhook_links() -> list[Link]:
    """Subscribe → read, change, delete, rotate, ping, the delivery log; ping → the log and
    redelivering the ping."""
    subscriptions = "/v1/webhooks"
    item = subscriptions + "/{subscription_id}"
    by_id, same = (
        {"path.subscription_id": ID},
        {"path.subscription_id": "$request.path.subscription_id"},
    )
    create, ping = ("post", subscriptions), ("post", item + "/ping")
    deliveries = ("get", item + "/deliveries")
    targets = {
        "ReadSubscription": ("get", item),
        "UpdateSubscription": ("patch", item),
        "DeleteSubscription": ("delete", item),
        "RotateSecret": ("post", item + "/rotate-secret"),
        "Ping": ping,
        "ListDeliveries": deliveries,
    }
    links: list[Link] = [(create, "201", name, target, by_id) for name, target in targets.items()]
    return [
        *links,
        (("get", item), "200", "Ping", ping, same),
        (ping, "202", "ListDeliveries", deliveries, same),
        (
            ping,
            "202",
            "Redeliver",
            ("post", item + "/deliveries/{delivery_id}/redeliver"),
            {**same, "path.delivery_id": ID},
        ),
    ]


def _account_links() -> list[Link]:
    """An account (created, or the caller's own) → read, erase, its tokens; a token → revoke."""
    account = "/v1/accounts/{account_id}"
    tokens = account + "/tokens"
    by_id = {"path.account_id": ID}
    same = {"path.account_id": "$request.path.account_id"}
    targets = {"CreateToken": ("post", tokens), "ListTokens": ("get", tokens)}
    return [
        (("post", "/v1/accounts"), "201", "ReadAccount", ("get", account), by_id),
        (("post", "/v1/accounts"), "201", "EraseAccount", ("delete", account), by_id),
        *[(("post", "/v1/accounts"), "201", n, t, by_id) for n, t in targets.items()],
        (("get", "/v1/me"), "200", "ReadAccount", ("get", account), by_id),
        *[(("get", "/v1/me"), "200", n, t, by_id) for n, t in targets.items()],
        (
            ("post", tokens),
            "201",
            "RevokeToken",
            ("delete", tokens + "/{token_id}"),
            {**same, "path.token_id": ID},
        ),
        (("post", tokens), "201", "ListTokens", ("get", tokens), same),
    ]


LINKS: list[Link] = [
    *_crud_links("/v1/actors", "Actor", "actor_id"),
    *_crud_links("/v1/ideas", "Idea", "idea_id", ("ListParticipants", "/participants")),
    *_crud_links("/v1/groups", "Group", "group_id", ("ListMembers", "/members")),
    *_crud_links("/v1/news", "News", "news_id"),
    *_webhook_links(),
    *_account_links(),
]


def add_links(document: Document, links: list[Link] = LINKS) -> None:
    """Put `links` on their responses, naming each target by its operationId; LookupError for a
    link from or to an operation or response the document lacks."""
    for source, status, name, target, parameters in links:
        response = _operation(document, source)["responses"].get(status)
        if response is None:
            raise LookupError(f"link {name}: {source[0].upper()} {source[1]} has no {status}")
        response.setdefault("links", {})[name] = {
            "operationId": _operation(document, target)["operationId"],
            "parameters": parameters,
        }
        if ETAG in parameters.values():
            # A link takes the ETag from this response: it is sent, and said so.
            response["headers"] = {"ETag": ETAG_HEADER, **response.get("headers", {})}


def _operation(document: Document, endpoint: Endpoint) -> Operation:
    method, path = endpoint
    operation: Operation | None = document.get("paths", {}).get(path, {}).get(method)
    if operation is None:
        raise LookupError(f"no operation {method.upper()} {path} for a link")
    return operation
