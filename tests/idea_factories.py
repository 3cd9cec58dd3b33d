"""Idea request bodies for tests (valid by default, overridable per test), and checks shared by
the idea tests."""

import itertools
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from radar.models.event import Event
from tests.factories import FIELD_PRODUCTION, TOPIC_AI, TOPIC_HYDROGEN

_counter = itertools.count(1)

PROBLEM = "application/problem+json"


def idea_body(**overrides: Any) -> dict[str, Any]:
    n = next(_counter)
    body: dict[str, Any] = {
        "title": f"Idee {n}: Wasserstoff für den Spritzguss",
        "summary": "Grüner Wasserstoff als Prozesswärme in der Kunststoffverarbeitung.",
        "kind": "joint_project",
        "status": "open",
        "topics": [TOPIC_HYDROGEN],
        "action_fields": [FIELD_PRODUCTION],
        "tags": ["Prozesswärme"],
        "seeking_topics": [TOPIC_AI],
        "seeking_kinds": ["university"],
        "city": "Lüdenscheid",
        "district": "Märkischer Kreis",
        "country": "DE",
        "lat": 51.2197,
        "lon": 7.6273,
        "start_date": "2026-01-01",
        "end_date": "2027-12-31",
    }
    body.update(overrides)
    return body


def create_idea(client: TestClient, **overrides: Any) -> dict[str, Any]:
    """Create an idea over HTTP and return its JSON."""
    response = client.post("/v1/ideas", json=idea_body(**overrides))
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def problem_fields(response: Any) -> list[str]:
    """The fields a problem+json response names as invalid, in order."""
    assert response.headers["content-type"] == PROBLEM
    return [error["field"] for error in response.json()["errors"]]


def idea_events(session: Session) -> list[Event]:
    """The idea events written so far, oldest first."""
    statement = select(Event).where(Event.entity_type == "idea").order_by(Event.seq)  # type: ignore[arg-type]
    return list(session.exec(statement).all())
