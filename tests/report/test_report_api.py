"""`GET /v1/reports/overview`: the report as an HTML page, for analysts and admins, in the
language asked for, with the statistics endpoints' filters."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from radar.models.account import Role
from radar.report.charts import CHARTS
from tests.conftest import ClientFactory
from tests.factories import FIELD_CIRCULAR, create_actor
from tests.report.conftest import OUTSIDE
from tests.statistics_region import build_region

URL = "/v1/reports/overview"


def test_an_analyst_gets_the_report_as_one_html_page(
    client: TestClient, engine: Engine, make_client: ClientFactory
) -> None:
    build_region(client, engine)

    response = make_client(Role.analyst).get(URL)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert response.headers["cache-control"] == "private, no-store"
    assert {"authorization", "accept-language"} <= {
        value.strip().lower() for value in ",".join(response.headers.get_list("vary")).split(",")
    }
    page = response.text
    assert '<html lang="de">' in page
    assert page.count("<svg ") == len(CHARTS)
    assert OUTSIDE.search(page) is None
    # As an analyst sees it: five actors, the private one left out.
    assert "<dt>Akteure</dt><dd>5</dd>" in page
    assert "Verdeckte Quanten GmbH" not in page


@pytest.mark.parametrize(
    ("params", "headers", "lang"),
    [
        ({}, {}, "de"),
        ({"lang": "en"}, {}, "en"),
        ({}, {"Accept-Language": "en-GB,en;q=0.9,de;q=0.8"}, "en"),
        ({}, {"Accept-Language": "fr-CH, de;q=0.5, en;q=0.4"}, "de"),
        ({}, {"Accept-Language": "fr"}, "de"),
        ({"lang": "de"}, {"Accept-Language": "en"}, "de"),
    ],
)
def test_the_language_is_lang_else_what_the_browser_prefers_else_german(
    client: TestClient, params: dict[str, str], headers: dict[str, str], lang: str
) -> None:
    response = client.get(URL, params=params, headers=headers)

    assert response.status_code == 200, response.text
    assert f'<html lang="{lang}">' in response.text


def test_the_filters_are_the_statistics_filters(client: TestClient, engine: Engine) -> None:
    build_region(client, engine)

    response = client.get(
        URL,
        params={"district": ["Siegen-Wittgenstein", "Hochsauerlandkreis"], "lang": "en",
                "action_field": FIELD_CIRCULAR},
    )  # fmt: skip

    assert response.status_code == 200, response.text
    assert "Districts: Siegen-Wittgenstein, Hochsauerlandkreis" in response.text
    assert "<dt>Actors</dt><dd>1</dd>" in response.text


def test_filters_that_choose_nobody_give_a_report_that_says_so(client: TestClient) -> None:
    response = client.get(URL, params={"district": "Nirgendwo", "lang": "en"})

    assert response.status_code == 200, response.text
    assert "No actors: the database is empty or the filters match none." in response.text


def test_an_unknown_action_field_is_a_422(client: TestClient) -> None:
    response = client.get(URL, params={"action_field": "circular-economie"})

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    [error] = response.json()["errors"]
    assert error["type"] == "unknown_action_field"


@pytest.mark.parametrize(("role", "status"), [(None, 401), (Role.member, 403), (Role.partner, 403)])
def test_others_may_not_read_the_report(
    make_client: ClientFactory, role: Role | None, status: int
) -> None:
    response = make_client(role).get(URL)

    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"


def test_anonymous_readers_get_no_report_even_with_public_read(public_reader: TestClient) -> None:
    assert public_reader.get(URL).status_code == 403


def test_the_same_page_is_served_again_until_something_changes(
    client: TestClient, engine: Engine, make_client: ClientFactory
) -> None:
    build_region(client, engine)
    analyst = make_client(Role.analyst)
    first = analyst.get(URL)
    again = analyst.get(URL)
    as_admin = client.get(URL)

    assert again.text == first.text
    assert "<dt>Akteure</dt><dd>5</dd>" in first.text
    assert "<dt>Akteure</dt><dd>6</dd>" in as_admin.text  # another view: its own page

    create_actor(client, name="Neue Fräserei GmbH")
    after_a_write = analyst.get(URL)

    assert "<dt>Akteure</dt><dd>6</dd>" in after_a_write.text
