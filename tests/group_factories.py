"""Working-group request bodies, and checks shared by the group and news tests."""

import itertools
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx2
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, func
from sqlmodel import Session, col, select

from radar.models.event import Event
from radar.models.group import WorkingGroup
from tests.factories import FIELD_PRODUCTION, TOPIC_AI

_counter = itertools.count(1)

PROBLEM_JSON = "application/problem+json"


def group_body(**overrides: Any) -> dict[str, Any]:
    n = next(_counter)
    body: dict[str, Any] = {
        "name": f"Arbeitskreis {n}",
        "description": "KI in der Kunststoffverarbeitung: Erfahrungen austauschen.",
        "join_policy": "open",
        "topics": [TOPIC_AI],
        "action_fields": [FIELD_PRODUCTION],
    }
    body.update(overrides)
    return body


def create_group(client: TestClient, **overrides: Any) -> dict[str, Any]:
    """Create a working group over HTTP and return its JSON."""
    response = client.post("/v1/groups", json=group_body(**overrides))
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def join(client: TestClient, group_id: str, actor_id: str, **body: Any) -> dict[str, Any]:
    """Join a group over HTTP and return the membership JSON."""
    response = client.post(f"/v1/groups/{group_id}/members", json={"actor_id": actor_id, **body})
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def assert_problem(
    response: httpx2.Response, status: int, *, field: str | None = None, location: str = "body"
) -> dict[str, Any]:
    """Check an RFC 9457 problem; with `field`, that it names this invalid value."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status
    if field is not None:
        named = {(error["location"], error["field"]) for error in problem["errors"]}
        assert (location, field) in named, problem
    return problem


def recorded_events(session: Session, entity_id: str | None = None) -> list[Event]:
    """The events written so far (of one entity), oldest first."""
    # End any open read transaction: SQLite would otherwise keep showing its older snapshot.
    session.rollback()
    statement = select(Event).order_by(col(Event.seq))
    if entity_id is not None:
        statement = statement.where(Event.entity_id == uuid.UUID(entity_id))
    return list(session.exec(statement).all())


def count_rows(session: Session, model: Any) -> int:
    """How many rows the table of `model` holds."""
    session.rollback()
    return session.exec(select(func.count()).select_from(model)).one()


@contextmanager
def counted_statements(engine: Engine) -> Iterator[list[str]]:
    """Collect the SQL statements sent to the database inside the block."""
    statements: list[str] = []

    def collect(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", collect)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", collect)


def members(client: TestClient, group_id: str, **params: Any) -> list[dict[str, Any]]:
    """The members of a group over HTTP (one page; `params` are query parameters)."""
    response = client.get(f"/v1/groups/{group_id}/members", params=params)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def read_group(client: TestClient, group_id: str) -> dict[str, Any]:
    """A working group's JSON over HTTP."""
    response = client.get(f"/v1/groups/{group_id}")
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def member_url(group_id: str, actor_id: str) -> str:
    """The URL of one actor's membership in a group."""
    return f"/v1/groups/{group_id}/members/{actor_id}"


def group_state(admin: TestClient, session: Session, group_id: str) -> dict[str, Any]:
    """What a refused write must leave as it was: the group, its members, how many groups and
    events there are (read as an admin, who sees every member)."""
    return {
        "group": read_group(admin, group_id),
        "members": members(admin, group_id),
        "groups": count_rows(session, WorkingGroup),
        "events": len(recorded_events(session)),
    }
