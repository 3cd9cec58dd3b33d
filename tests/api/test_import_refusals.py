"""`POST /v1/import/{kind}` refuses what it cannot read with a problem, never a 500: a CSV
cell over the reader's limit, or a header naming an unknown column, refuses the whole file
(nothing written); a NUL or a value of the wrong type fails its row, named by line and
field."""

import csv
import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from radar.api.app import create_app
from radar.models.account import Role
from radar.models.actor import Actor
from radar.settings import Settings
from tests.factories import issue_token
from tests.group_factories import assert_problem, count_rows


@pytest.fixture
def importer(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """An admin client of an app that takes bodies large enough for a cell over the limit."""
    roomy = settings.model_copy(update={"max_body_bytes": 1_000_000})
    token = issue_token(engine, Role.admin)
    with TestClient(
        create_app(roomy, engine=engine), headers={"Authorization": f"Bearer {token}"}
    ) as client:
        yield client


def test_a_csv_cell_over_the_field_limit_is_a_422_naming_the_line_and_writes_nothing(
    importer: TestClient, session: Session
) -> None:
    huge = "x" * (csv.field_size_limit() + 1)
    text = f"external_id,name,kind\nc1,Erste GmbH,company\nc2,{huge},company\n"

    response = importer.post(
        "/v1/import/actors", content=text, headers={"Content-Type": "text/csv"}
    )

    problem = assert_problem(response, 422, field="", location="body")
    assert problem["errors"][0]["line"] == 3
    assert "line 3" in problem["detail"]
    assert count_rows(session, Actor) == 0


def test_a_csv_header_naming_an_unknown_column_is_a_422_and_writes_nothing(
    importer: TestClient, session: Session
) -> None:
    text = "external_id,name,kind,colour\nc1,Erste GmbH,company,blau\n"

    response = importer.post(
        "/v1/import/actors", content=text, headers={"Content-Type": "text/csv"}
    )

    problem = assert_problem(response, 422, field="", location="body")
    assert (problem["errors"][0]["type"], problem["errors"][0]["column"]) == (
        "unknown_column",
        "colour",
    )
    assert count_rows(session, Actor) == 0


def test_nul_and_wrong_types_fail_their_rows_over_http(
    importer: TestClient, session: Session
) -> None:
    rows = [
        {"external_id": "j1", "name": "Nul\u0000 GmbH", "kind": "company"},
        {"external_id": "j2", "name": "Objekt AG", "kind": "company", "tags": {"a": 1}},
        {"external_id": "j3", "name": "Bool AG", "kind": "company", "lat": True, "lon": 7.6},
        {"external_id": "j4", "name": "Gut GmbH", "kind": "company", "tags": "KI;Spritzguss"},
    ]
    text = "\n".join(json.dumps(row) for row in rows) + "\n"

    response = importer.post(
        "/v1/import/actors", content=text, headers={"Content-Type": "application/x-ndjson"}
    )

    assert response.status_code == 200, response.text
    summary = response.json()
    assert summary["created"] == 1
    assert [(e["line"], e["field"]) for e in summary["errors"]] == [
        (1, "name"),
        (2, "tags"),
        (3, "lat"),
    ]
    assert count_rows(session, Actor) == 1
