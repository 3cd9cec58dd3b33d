"""The contract under a fuzzer: schemathesis runs every operation of the OpenAPI document
against the app — examples, coverage, fuzzing and the stateful phase that follows the
document's links — with every check on, as an admin and as an anonymous caller, with a fixed
seed, on both databases (with the demo data, so ids and places exist).

What the run may not find: a server error, a response that breaks its schema or its declared
content type, a status the operation does not document, a schema-violating request accepted,
a schema-valid request refused — except the refusals below, each with its reason. They are
the whole list: a new kind of refusal fails this test until it is either fixed in the
document or added here with a reason.

`RADAR_FUZZ_EXAMPLES` sets the examples per operation and phase (default below), and
`RADAR_FUZZ_SEED` the seed; longer runs with more examples and other seeds are what to do after
changing the API."""

import contextlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema
from schemathesis.specs.openapi.checks import positive_data_acceptance
from sqlalchemy import Engine
from sqlmodel import Session

from radar.api.app import create_app
from radar.api.deps import IF_MATCH_PATTERN
from radar.demo import load_demo
from radar.models.account import Role
from radar.settings import Settings
from tests.factories import issue_token

# Refusals of schema-valid requests (422) that are right although the document cannot say so:
# the `type` of each error in the problem, with why no schema can express it.
ALLOWED_REFUSALS: dict[str, str] = {
    "unknown_topic": "topic slugs are rows of the taxonomy in the database, not a fixed enum",
    "unknown_action_field": "action-field slugs are rows of the taxonomy in the database",
    "unknown_actor": "an id in a body must name an existing actor: a reference, not a shape",
    "unknown_column": "an import's CSV header must name columns of `radar import`; the body "
    "is text, and no schema of a text says which words its first line holds",
    "unsafe_url": "a webhook URL must resolve, and to a public address (the SSRF guard); "
    "DNS is not in any schema (and this machine resolves no name at all)",
    "exclusive_parameters": "`near` and `near_actor` exclude each other; OpenAPI cannot say "
    "that of two query parameters",
    "dependent_parameter": "`radius_km` needs `near` or `near_actor`; OpenAPI cannot say that "
    "one query parameter needs another",
    "invalid_range": "a bbox's minimum must be below its maximum; a pattern cannot compare "
    "two numbers",
    "date_order": "an end date may not be before its start date; JSON Schema cannot compare "
    "two values",
    "datetime_out_of_range": "a time whose offset puts it outside the years 1 to 9999 in UTC "
    "(`9999-12-31T23:59:59-14:00`) fits `format: date-time` but no database column",
    "invisible_name": "a name must show a visible character; visibility is a Unicode general "
    "category (not only controls, spaces, format or private-use characters), which a pattern "
    "cannot say portably (ECMA-262's `\\p{...}` is not in Python's `re`, which schemathesis "
    "generates with)",
    "no_location": "`radius_km` around an actor, idea or group needs that subject to have a "
    "place: a matter of the stored data, not of the request's shape",
    "coordinates_apart": "after a partial update `lat` and `lon` must both be set or both be "
    "empty; which one is stored is state, not shape",
    "own_match": "feedback on an actor's own suggestion names another actor; OpenAPI cannot "
    "compare a body value with a path parameter",
    "outlives_token": "a token may not outlive the token that creates it: the limit is the "
    "calling token's expiry, state and not shape",
    "too_many_actors": "a pairs query over more actors than the limit: how many actors a "
    "filter selects depends on the data",
}

# Statuses a schema-violating request may get: schemathesis's defaults, and besides them
# these, with why.
DEFAULT_REFUSALS = [400, 401, 403, 404, 405, 406, 409, 415, 422, 428, 429, "5xx"]
ALSO_REFUSALS = {
    413: "a body over `RADAR_MAX_BODY_BYTES` is refused before it is read, so before anything "
    "else (authentication included) can look at it",
}

# Statuses a schema-valid request may get: schemathesis's defaults (a 5xx fails its own
# check), and besides them these, with why.
DEFAULT_ACCEPTABLE = ["2xx", "3xx", 401, 403, 404, 409, 429, "5xx"]
ALSO_ACCEPTABLE = {
    412: "a well-formed `If-Match` that names no current version (a stale or weak tag) "
    "depends on the state, like 404 and 409",
}

# What the generator is told not to produce, with why.
GENERATION = {
    # NUL is refused in every text (PostgreSQL cannot store it; `api/nul_guard.py`), said in
    # the API description; a pattern on every string of the document would say it 300 times.
    "allow-x00": False,
    # No example database: a run replays nothing from earlier runs on this machine, so it
    # generates here exactly what it generates in CI on a clean clone.
    "database": "none",
}

EXAMPLES = int(os.environ.get("RADAR_FUZZ_EXAMPLES", "5"))
SEED = int(os.environ.get("RADAR_FUZZ_SEED", "20261205"))


@schemathesis.check
def positive_data_acceptance_but_references(
    ctx: Any, response: schemathesis.Response, case: schemathesis.Case
) -> bool | None:
    """schemathesis's `positive_data_acceptance`, except the refusals listed above."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except Exception:
        if response.status_code == 422 and _only_allowed_refusals(response, case):
            return None
        raise


def _only_allowed_refusals(response: schemathesis.Response, case: schemathesis.Case) -> bool:
    try:
        errors = response.json().get("errors") or []
    except (ValueError, AttributeError):
        return False
    return bool(errors) and all(
        error.get("type") in ALLOWED_REFUSALS or _not_schema_valid(error, case) for error in errors
    )


def _not_schema_valid(error: dict[str, Any], case: schemathesis.Case) -> bool:
    """Whether the value refused was not schema-valid after all. schemathesis 4 generates
    header values for a pattern from letters and digits only; when none fits an optional
    header's pattern (`If-Match` needs quotes), its default "positive" case sends one that
    breaks the pattern (`If-Match: 0`; `If-None-Match` alike). Checked against the declared
    pattern, not assumed."""
    header = error.get("field")
    if error.get("location") != "header" or header not in ("If-Match", "If-None-Match"):
        return False
    sent = (case.headers or {}).get(header)
    return sent is not None and re.fullmatch(IF_MATCH_PATTERN, sent) is None


@dataclass(frozen=True)
class Finding:
    operation: str
    check: str
    title: str
    request: str
    response: str

    def __str__(self) -> str:
        heading = f"{self.operation} · {self.check}: {self.title}"
        return f"{heading}\n  {self.request}\n  → {self.response}"


@pytest.fixture
def demo_engine(engine: Engine) -> Engine:
    with Session(engine) as session:
        load_demo(session)
        session.commit()
    return engine


@pytest.mark.parametrize("role", [Role.admin, None], ids=["admin", "anonymous"])
def test_the_contract_holds_under_schemathesis(
    settings: Settings, demo_engine: Engine, role: Role | None
) -> None:
    app = create_app(settings, engine=demo_engine)
    headers = {}
    if role is not None:
        headers["Authorization"] = f"Bearer {issue_token(demo_engine, role, [])}"
    config = SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "headers": headers,
            "generation": {"max-examples": EXAMPLES, **GENERATION},
            "checks": {
                "enabled": True,
                # Run as `positive_data_acceptance_but_references` above.
                "positive_data_acceptance": {
                    "enabled": False,
                    "expected-statuses": [*DEFAULT_ACCEPTABLE, *ALSO_ACCEPTABLE],
                },
                "negative_data_rejection": {
                    "expected-statuses": [*DEFAULT_REFUSALS, *ALSO_REFUSALS],
                },
            },
        }
    )
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
    findings: set[Finding] = set()
    operations: set[str] = set()
    errors: list[str] = []
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            operations.add(event.recorder.label)
            findings.update(_findings(event.recorder))
        elif isinstance(event, events.NonFatalError):
            errors.append(f"{event.label}: {event.value!r}")
        elif isinstance(event, events.FatalError):
            errors.append(f"fatal: {event.exception!r}")
    documented = {
        f"{method.upper()} {path}"
        for path, item in app.openapi()["paths"].items()
        for method in item
        if method in {"get", "put", "post", "patch", "delete"}
    }
    assert not errors, "\n".join(errors)
    assert documented <= operations, f"not tested: {sorted(documented - operations)}"
    assert not findings, f"{len(findings)} contract failures:\n" + "\n".join(
        str(finding) for finding in sorted(findings, key=str)
    )


def _findings(recorder: Any) -> Iterator[Finding]:
    for case_id, checks in recorder.checks.items():
        for check in checks:
            if check.failure_info is None:
                continue
            case = recorder.cases[case_id].value
            interaction = recorder.interactions.get(case_id)
            yield Finding(
                operation=recorder.label,
                check=check.name,
                title=str(getattr(check.failure_info.failure, "title", "")),
                request=case.as_curl_command()[:400],
                response=_describe(interaction.response if interaction else None),
            )


def _describe(response: Any) -> str:
    if response is None:
        return "no response"
    text = response.content.decode("utf-8", "replace") if response.content else ""
    with contextlib.suppress(ValueError):
        text = json.dumps(json.loads(text), ensure_ascii=False)
    return f"{response.status_code} {text[:300]}"
