"""The committed OpenAPI document must match the app (regenerate with `radar openapi`)."""

import copy
import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from radar.api.app import openapi_document
from radar.api.openapi_contract import add_links
from radar.models.webhook import SubscriptionCreate
from radar.webhooks import signing
from radar.webhooks.catalogue import EVENT_TYPES

COMMITTED = Path(__file__).resolve().parents[1] / "openapi" / "openapi.json"


def test_committed_openapi_matches_the_app() -> None:
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert committed == openapi_document(), (
        "openapi/openapi.json is stale: run `radar openapi --output openapi/openapi.json`"
    )


def test_every_operation_is_documented_with_its_problems() -> None:
    document = openapi_document()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation.get("description"), f"{method.upper()} {path} lacks a docstring"
            if (path.startswith("/v1/") and method != "get") or "{" in path:
                problem_codes = {c for c in operation["responses"] if c.startswith(("4", "5"))}
                assert problem_codes, f"{method.upper()} {path} declares no error responses"


PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
WEBHOOK_HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    """The document, built once for the tests that only read it."""
    return openapi_document()


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_every_error_response_is_a_problem_in_problem_json(document: dict[str, Any]) -> None:
    for path, method, operation in _operations(document):
        for code, response in operation["responses"].items():
            if code[0] in "45":
                assert response.get("content") == PROBLEM, f"{method.upper()} {path} {code}"


def test_fastapis_own_validation_error_is_nowhere(document: dict[str, Any]) -> None:
    assert not {"HTTPValidationError", "ValidationError"} & set(document["components"]["schemas"])
    assert "ValidationError" not in json.dumps(document)


def test_each_operation_documents_what_any_request_of_its_shape_can_get(
    document: dict[str, Any],
) -> None:
    for path, method, operation in _operations(document):
        label = f"{method.upper()} {path}"
        codes = set(operation["responses"])
        parameters = {(p["in"], p["name"]) for p in operation.get("parameters", [])}
        if "requestBody" in operation:
            assert {"400", "413", "415", "422"} <= codes, label
        if parameters:
            assert "422" in codes, label
        if operation.get("security"):
            assert {"401", "429"} <= codes, label
            assert operation["responses"]["429"]["headers"]["Retry-After"]["required"], label
        if ("query", "near_actor") in parameters:
            assert "404" in codes, label
        if ("header", "If-Match") in parameters:
            assert "412" in codes, label
        if ("header", "If-None-Match") in parameters:
            assert operation["responses"]["304"]["headers"]["ETag"]["required"], label
            assert "content" not in operation["responses"]["304"], label
        if {("header", "If-Match"), ("header", "If-None-Match")} & parameters:
            for code, response in operation["responses"].items():
                if code.startswith("2") and code != "204":
                    assert response["headers"]["ETag"]["required"], f"{label} {code}"
        if "415" in codes:
            accepted = list(operation["requestBody"]["content"])
            headers = operation["responses"]["415"]["headers"]
            assert headers["Accept"]["schema"]["enum"] == [", ".join(accepted)], label
            if method in {"post", "patch"}:
                accept = headers[f"Accept-{method.capitalize()}"]
                assert accept["schema"]["enum"] == [", ".join(accepted)], label


def test_a_response_whose_etag_a_link_takes_documents_it(document: dict[str, Any]) -> None:
    for path, method, operation in _operations(document):
        for code, response in operation["responses"].items():
            for link in response.get("links", {}).values():
                if "$response.header.ETag" in link["parameters"].values():
                    assert "ETag" in response["headers"], f"{method.upper()} {path} {code}"


def test_conditional_reads_are_documented(document: dict[str, Any]) -> None:
    for path in ("/v1/actors/{actor_id}", "/v1/ideas/{idea_id}/participants"):
        read = document["paths"][path]["get"]
        assert "If-None-Match" in {p["name"] for p in read["parameters"]}, path
        assert "304" in read["responses"], path


def test_an_unknown_near_actor_is_a_documented_404(
    client: TestClient, document: dict[str, Any]
) -> None:
    for path in ("/v1/actors", "/v1/ideas"):
        response = client.get(path, params={"near_actor": str(uuid.uuid4())})
        assert response.status_code == 404, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert "404" in document["paths"][path]["get"]["responses"]


def test_webhooks_document_the_standard_webhooks_headers_and_a_2xx_answer(
    document: dict[str, Any],
) -> None:
    webhooks = document["webhooks"]
    assert set(webhooks) == set(EVENT_TYPES)
    for event_type, item in webhooks.items():
        operation = item["post"]
        assert set(operation["responses"]) == {"2XX"}, event_type
        assert "2xx" in operation["responses"]["2XX"]["description"]
        headers = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
        assert set(headers) == set(WEBHOOK_HEADERS), event_type
        assert all(h["required"] and h["description"] and h["schema"] for h in headers.values())


def test_the_documented_webhook_headers_match_what_is_signed(document: dict[str, Any]) -> None:
    parameters = document["webhooks"]["ping"]["post"]["parameters"]
    schemas = {p["name"]: p["schema"] for p in parameters}
    msg_id = str(uuid.uuid4())
    for secrets in ([signing.new_secret()], [signing.new_secret(), signing.new_secret(64)]):
        headers = signing.headers(secrets, msg_id, 1_700_000_000, b'{"type":"ping"}')
        assert re.fullmatch(schemas["webhook-signature"]["pattern"], headers["webhook-signature"])
        assert re.fullmatch(schemas["webhook-timestamp"]["pattern"], headers["webhook-timestamp"])
        assert uuid.UUID(headers["webhook-id"])
    assert schemas["webhook-id"]["format"] == "uuid"
    assert not re.fullmatch(schemas["webhook-signature"]["pattern"], "v1,abc v2,def")


def test_the_event_type_schema_is_exactly_what_a_subscription_accepts(
    document: dict[str, Any],
) -> None:
    schemas = document["components"]["schemas"]
    for name in ("SubscriptionCreate", "SubscriptionUpdate"):
        properties = schemas[name]["properties"]
        assert properties["url"]["format"] == "uri"
        assert re.fullmatch(properties["url"]["pattern"], "https://hooks.example/in")
        assert not re.fullmatch(properties["url"]["pattern"], "ftp://hooks.example/in")
        selectors = properties["event_types"]["items"]["enum"]
        assert {"*", "actor.*", "actor.created", "webhook.disabled"} <= set(selectors)
        assert set(EVENT_TYPES) - {"ping"} <= set(selectors)
    for selector in selectors:
        SubscriptionCreate(url="https://hooks.example/in", event_types=[selector])
    for refused in ("ping", "actor", "actor.nothing", "nothing.*", "*.*", "ACTOR.*", ""):
        assert refused not in selectors
        with pytest.raises(ValidationError):
            SubscriptionCreate(url="https://hooks.example/in", event_types=[refused])
    for url in ("ftp://hooks.example/in", "https://hooks.example/ in", "hooks.example/in"):
        with pytest.raises(ValidationError):
            SubscriptionCreate(url=url, event_types=["*"])


def test_links_name_existing_operations_parameters_and_response_fields(
    document: dict[str, Any],
) -> None:
    by_id = {op["operationId"]: op for _, _, op in _operations(document)}
    count = 0
    for path, method, operation in _operations(document):
        own = {(p["in"], p["name"]) for p in operation.get("parameters", [])}
        for code, response in operation["responses"].items():
            for name, link in response.get("links", {}).items():
                label = f"{method.upper()} {path} {code} {name}"
                target = by_id[link["operationId"]]
                taken = {(p["in"], p["name"]) for p in target.get("parameters", [])}
                assert link["parameters"], label
                for parameter, expression in link["parameters"].items():
                    location, _, parameter_name = parameter.partition(".")
                    assert (location, parameter_name) in taken, label
                    if expression.startswith("$request.path."):
                        assert ("path", expression.removeprefix("$request.path.")) in own, label
                    elif expression.startswith("$response.body#/"):
                        schema = response["content"]["application/json"]["schema"]
                        field = expression.removeprefix("$response.body#/")
                        assert field in _resolve(document, schema)["properties"], label
                    else:
                        assert expression == "$response.header.ETag", label
                count += 1
    assert count >= 40


@pytest.mark.parametrize(
    ("collection", "param"),
    [
        ("/v1/actors", "actor_id"),
        ("/v1/ideas", "idea_id"),
        ("/v1/groups", "group_id"),
        ("/v1/news", "news_id"),
        ("/v1/webhooks", "subscription_id"),
    ],
)
def test_a_created_resource_links_to_its_read_update_and_delete(
    document: dict[str, Any], collection: str, param: str
) -> None:
    item = document["paths"][f"{collection}/{{{param}}}"]
    links = document["paths"][collection]["post"]["responses"]["201"]["links"].values()
    targets = {link["operationId"] for link in links}
    assert {item[method]["operationId"] for method in ("get", "patch", "delete")} <= targets
    assert all(link["parameters"][f"path.{param}"] == "$response.body#/id" for link in links)


def test_a_ping_links_to_the_delivery_log(document: dict[str, Any]) -> None:
    paths = document["paths"]
    links = paths["/v1/webhooks/{subscription_id}/ping"]["post"]["responses"]["202"]["links"]
    log = paths["/v1/webhooks/{subscription_id}/deliveries"]["get"]
    assert links["ListDeliveries"]["operationId"] == log["operationId"]


def test_a_link_to_a_missing_operation_is_an_error(document: dict[str, Any]) -> None:
    document = copy.deepcopy(document)
    with pytest.raises(LookupError, match="/v1/nothing"):
        add_links(document, [(("post", "/v1/actors"), "201", "X", ("get", "/v1/nothing"), {})])
    with pytest.raises(LookupError, match="has no 299"):
        add_links(document, [(("post", "/v1/actors"), "299", "X", ("get", "/v1/actors"), {})])


def test_the_served_document_is_the_contract_built_once(
    client: TestClient, document: dict[str, Any]
) -> None:
    served = client.get("/openapi.json").json()
    assert served == document
    assert client.app.openapi() is client.app.openapi()  # type: ignore[attr-defined]
