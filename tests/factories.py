"""Request bodies for tests: valid by default, overridable per test."""

import itertools
import uuid
from collections.abc import Sequence
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from radar.db import session_scope
from radar.models.account import AccountCreate, Role, TokenCreate
from radar.services import accounts
from radar.services.access import SYSTEM

_counter = itertools.count(1)

# Slugs seeded by the taxonomy migration.
TOPIC_AI = "kuenstliche-intelligenz"
TOPIC_PLASTICS = "kunststofftechnik"
TOPIC_HYDROGEN = "wasserstoff"
FIELD_PRODUCTION = "industrielle-produktion"
FIELD_CIRCULAR = "circular-economy"


def actor_body(**overrides: Any) -> dict[str, Any]:
    n = next(_counter)
    body: dict[str, Any] = {
        "name": f"Testwerk {n} GmbH",
        "kind": "company",
        "description": "Spritzguss und Werkzeugbau in Lüdenscheid.",
        "website": f"https://testwerk-{n}.example",
        "contact_email": f"info{n}@testwerk.example",
        "topics": [TOPIC_PLASTICS],
        "action_fields": [FIELD_PRODUCTION],
        "tags": ["Spritzguss"],
        "offers": ["Spritzguss"],
        "seeks": ["KI-Beratung"],
        "street": "Hauptstraße 1",
        "postcode": "58507",
        "city": "Lüdenscheid",
        "district": "Märkischer Kreis",
        "country": "DE",
        "lat": 51.2197,
        "lon": 7.6273,
        "visibility": "public",
    }
    body.update(overrides)
    return body


def create_actor(client: TestClient, **overrides: Any) -> dict[str, Any]:
    """Create an actor over HTTP and return its JSON."""
    response = client.post("/v1/actors", json=actor_body(**overrides))
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def issue_token(engine: Engine, role: Role, actor_ids: Sequence[uuid.UUID] = ()) -> str:
    """A new account with `role` managing `actor_ids`, and a bearer token for it."""
    with session_scope(engine) as session:
        account = accounts.create_account(
            session,
            data=AccountCreate(name=f"{role} account", role=role, actor_ids=list(actor_ids)),
        )
        return accounts.create_token(
            session, account_id=account.id, data=TokenCreate(name="test"), principal=SYSTEM
        ).token
