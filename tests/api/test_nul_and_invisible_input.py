"""NUL characters and invisible names: refused with a 422 naming the value, in request bodies,
query strings and paths, and nothing is written."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from radar.models.account import Account, ApiToken
from radar.models.actor import Actor
from radar.models.event import Event
from radar.models.group import WorkingGroup
from radar.models.idea import Idea
from radar.models.news import News
from radar.models.webhook import WebhookSubscription
from tests.factories import actor_body, create_actor
from tests.group_factories import assert_problem, count_rows, create_group, group_body
from tests.idea_factories import create_idea, idea_body

NUL = "\x00"
TABLES = (Actor, Idea, WorkingGroup, News, Account, ApiToken, WebhookSubscription, Event)


def news_body(**overrides: Any) -> dict[str, Any]:
    return {"title": "Neuigkeit", "body": "Ein Verbundprojekt startet.", **overrides}


def _counts(session: Session) -> list[int]:
    return [count_rows(session, table) for table in TABLES]


def _tokens_path(client: TestClient) -> str:
    return f"/v1/accounts/{client.get('/v1/me').json()['id']}/tokens"


BodyCase = tuple[Callable[[TestClient], str], dict[str, Any], str]
NUL_BODIES: dict[str, BodyCase] = {
    "actor name": (lambda _: "/v1/actors", actor_body(name=f"Nul{NUL}GmbH"), "name"),
    "actor description": (lambda _: "/v1/actors", actor_body(description=NUL), "description"),
    "actor district": (lambda _: "/v1/actors", actor_body(district=f"Olpe{NUL}"), "district"),
    "actor external_id": (lambda _: "/v1/actors", actor_body(external_id=f"x{NUL}"), "external_id"),
    "actor tag": (lambda _: "/v1/actors", actor_body(tags=["ok", f"K{NUL}I"]), "tags"),
    "idea summary": (lambda _: "/v1/ideas", idea_body(summary=f"a{NUL}b"), "summary"),
    "group name": (lambda _: "/v1/groups", group_body(name=f"{NUL}Kreis"), "name"),
    "news title": (lambda _: "/v1/news", news_body(title=f"Neu{NUL}"), "title"),
    "account name": (lambda _: "/v1/accounts", {"name": f"A{NUL}", "role": "member"}, "name"),
    "token name": (_tokens_path, {"name": f"laptop{NUL}"}, "name"),
    "webhook description": (
        lambda _: "/v1/webhooks",
        {"url": "https://hooks.example/r", "event_types": ["actor.*"], "description": NUL},
        "description",
    ),
    "match query, nested": (
        lambda _: "/v1/matches/query",
        {"among": {"districts": [f"Olpe{NUL}"]}},
        "among",
    ),
}


@pytest.mark.parametrize("case", NUL_BODIES.values(), ids=NUL_BODIES.keys())
def test_a_nul_anywhere_in_a_body_is_refused_and_changes_nothing(
    client: TestClient, session: Session, case: BodyCase
) -> None:
    path, body, field = case
    url = path(client)
    before = _counts(session)

    response = client.post(url, json=body)

    problem = assert_problem(response, 422, field=field)
    assert [e["type"] for e in problem["errors"]] == ["nul_character"]
    assert _counts(session) == before


def test_a_nul_in_an_update_is_refused_and_changes_nothing(
    client: TestClient, session: Session
) -> None:
    actor = create_actor(client)
    group = create_group(client)
    before = _counts(session)

    for path, body in (
        (f"/v1/actors/{actor['id']}", {"city": f"Siegen{NUL}"}),
        (f"/v1/groups/{group['id']}", {"description": f"{NUL}"}),
    ):
        assert_problem(client.patch(path, json=body), 422, field=next(iter(body)))

    assert _counts(session) == before
    assert client.get(f"/v1/actors/{actor['id']}").json()["version"] == 1


NUL_QUERIES = {
    "actors q": ("/v1/actors", "q"),
    "actors district": ("/v1/actors", "district"),
    "actors topic": ("/v1/actors", "topic"),
    "ideas q": ("/v1/ideas", "q"),
    "groups q": ("/v1/groups", "q"),
    "news q": ("/v1/news", "q"),
    "statistics district": ("/v1/statistics/actors?group_by=kind", "district"),
    "events entity_type": ("/v1/events", "entity_type"),
}


@pytest.mark.parametrize(("path", "parameter"), NUL_QUERIES.values(), ids=NUL_QUERIES.keys())
def test_a_nul_in_a_query_parameter_is_refused_naming_it(
    client: TestClient, path: str, parameter: str
) -> None:
    create_actor(client)
    separator = "&" if "?" in path else "?"

    response = client.get(f"{path}{separator}{parameter}=a%00b")

    problem = assert_problem(response, 422, field=parameter, location="query")
    assert [e["type"] for e in problem["errors"]] == ["nul_character"]


def test_a_nul_in_a_query_parameter_name_or_a_path_is_refused(client: TestClient) -> None:
    by_name = client.get("/v1/actors?na%00me=x")
    in_path = client.get("/v1/taxonomy/topics/wasser%00stoff")

    assert_problem(by_name, 422, field="na\x00me", location="query")
    assert_problem(in_path, 422, field="", location="path")


# --- names that show nothing ------------------------------------------------------------------

INVISIBLE = {
    "spaces": "   ",
    "no-break and ideographic spaces": "\u00a0\u3000\u2007",
    "zero-width space and joiners": "\u200b\u200c\u200d",
    "word joiner and BOM": " \u2060\ufeff ",
    "soft hyphen and bidi marks": "\u00ad\u200e\u202e",
    "hangul filler": "\u3164",
    "a lone combining mark": "\u0301",
    "a tab and a newline": "\t\n",
}
NAMED: dict[str, tuple[Callable[[TestClient], str], Callable[[str], dict[str, Any]], str]] = {
    "actor": (lambda _: "/v1/actors", lambda name: actor_body(name=name), "name"),
    "idea": (lambda _: "/v1/ideas", lambda name: idea_body(title=name), "title"),
    "group": (lambda _: "/v1/groups", lambda name: group_body(name=name), "name"),
    "news": (lambda _: "/v1/news", lambda name: news_body(title=name), "title"),
    "account": (lambda _: "/v1/accounts", lambda name: {"name": name, "role": "partner"}, "name"),
    "token": (_tokens_path, lambda name: {"name": name}, "name"),
}


@pytest.mark.parametrize("entity", NAMED.keys())
@pytest.mark.parametrize("name", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_a_name_without_a_visible_character_is_refused(
    client: TestClient, session: Session, entity: str, name: str
) -> None:
    path, body, field = NAMED[entity]
    url = path(client)
    before = _counts(session)

    response = client.post(url, json=body(name))

    problem = assert_problem(response, 422, field=field)
    assert [e["type"] for e in problem["errors"]] == ["invisible_name"]
    assert _counts(session) == before


def test_renaming_to_an_invisible_name_is_refused(client: TestClient, session: Session) -> None:
    actor = create_actor(client)
    idea = create_idea(client)
    group = create_group(client)
    news = client.post("/v1/news", json=news_body()).json()
    before = _counts(session)

    for path, field in (
        (f"/v1/actors/{actor['id']}", "name"),
        (f"/v1/ideas/{idea['id']}", "title"),
        (f"/v1/groups/{group['id']}", "name"),
        (f"/v1/news/{news['id']}", "title"),
    ):
        assert_problem(client.patch(path, json={field: "\u200b \u2060"}), 422, field=field)

    assert _counts(session) == before


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("  \u200bAcme GmbH\ufeff ", "Acme GmbH"),
        ("Cafe\u0301 Lenne", "Cafe\u0301 Lenne"),  # a combining mark on its letter stays
        ("\U0001f469\u200d\U0001f4bb Lab", "\U0001f469\u200d\U0001f4bb Lab"),  # a ZWJ sequence
        ("3D", "3D"),
    ],
)
def test_a_visible_name_is_kept_without_the_blanks_around_it(
    client: TestClient, given: str, stored: str
) -> None:
    actor = create_actor(client, name=given)
    group = create_group(client, name=given)

    assert actor["name"] == stored
    assert group["name"] == stored


@pytest.mark.parametrize("blank", ["\f", "\x1c", "\u3000", "\ufeff \t"])
def test_a_blank_tag_or_external_id_is_refused_as_the_schema_says(
    client: TestClient, session: Session, blank: str
) -> None:
    before = _counts(session)
    for body, field in (
        (idea_body(tags=["Wasserstoff", blank]), "tags.1"),
        (actor_body(external_id=blank), "external_id"),
    ):
        path = "/v1/ideas" if "title" in body else "/v1/actors"
        response = client.post(path, json=body)

        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == field
    assert _counts(session) == before
    pattern = client.get("/openapi.json").json()["components"]["schemas"]["IdeaCreate"]
    assert re.search(pattern["properties"]["tags"]["items"]["pattern"], blank) is None
