"""Idea request bodies for tests: valid by default, overridable per test."""

import itertools
from typing import Any

from fastapi.testclient import TestClient

from tests.factories import FIELD_PRODUCTION, TOPIC_AI, TOPIC_HYDROGEN

_counter = itertools.count(1)


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
