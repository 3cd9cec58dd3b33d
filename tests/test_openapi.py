"""The committed OpenAPI document must match the app (regenerate with `radar openapi`)."""

import json
from pathlib import Path

from radar.api.app import openapi_document

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
