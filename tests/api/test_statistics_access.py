"""Who may read the statistics, how invalid queries are refused, and CSV with
`Accept: text/csv` — spreadsheet-safe."""

import csv
import io

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from radar.models.account import Role
from tests.conftest import ClientFactory
from tests.factories import create_actor
from tests.group_factories import assert_problem
from tests.statistics_region import build_region

ENDPOINTS = [
    ("/v1/statistics/cross-tables", {"rows": "district", "columns": "topic"}),
    ("/v1/statistics/gaps", {}),
    ("/v1/statistics/growth", {}),
    ("/v1/statistics/network", {}),
    ("/v1/statistics/match-potential", {}),
]
CSV_HEADERS = {
    "/v1/statistics/cross-tables": ["district", "topic", "count"],
    "/v1/statistics/gaps": [
        *("district", "term", "topic", "label_de", "label_en"),
        *("seekers", "offerers", "unmet", "nearest_outside"),
    ],
    "/v1/statistics/growth": [
        *("month", "key", "actors", "ideas", "groups", "news", "memberships", "collaborations")
    ],
    "/v1/statistics/network": ["district_a", "district_b", "project_ties", "group_ties", "ties"],
    "/v1/statistics/match-potential": ["district_a", "district_b", "pairs", "score_sum"],
}


@pytest.mark.parametrize(("path", "params"), ENDPOINTS)
def test_statistics_are_for_analysts_and_admins(
    make_client: ClientFactory, public_reader: TestClient, path: str, params: dict[str, str]
) -> None:
    for role in (Role.member, Role.partner):
        assert_problem(make_client(role).get(path, params=params), 403)
    assert_problem(public_reader.get(path, params=params), 403)
    assert make_client(Role.analyst).get(path, params=params).status_code == 200


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/v1/statistics/cross-tables", {"rows": "colour", "columns": "topic"}, "rows"),
        ("/v1/statistics/gaps", {"within_km": "0"}, "within_km"),
        ("/v1/statistics/gaps", {"topic": "no-such-topic"}, "topic.0"),
        ("/v1/statistics/growth", {"by": "kind"}, "by"),
        ("/v1/statistics/network", {"action_field": "nowhere"}, "action_field.0"),
        ("/v1/statistics/match-potential", {"min_score": "1.5"}, "min_score"),
        ("/v1/statistics/match-potential", {"scan": "0"}, "scan"),
    ],
)
def test_invalid_queries_are_problems_naming_the_parameter(
    client: TestClient, path: str, params: dict[str, str], field: str
) -> None:
    assert_problem(client.get(path, params=params), 422, field=field, location="query")


@pytest.mark.parametrize(("path", "params"), ENDPOINTS)
def test_csv_is_a_flat_table_when_asked_for(
    client: TestClient, engine: Engine, path: str, params: dict[str, str]
) -> None:
    build_region(client, engine)

    response = client.get(path, params=params, headers={"Accept": "text/csv"})
    as_json = client.get(path, params=params)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["vary"] == "Authorization, Accept"
    assert as_json.headers["content-type"] == "application/json"
    assert as_json.headers["vary"] == "Authorization, Accept"
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == CSV_HEADERS[path]
    assert len(rows) > 1


def test_the_csv_cross_table_holds_the_json_figures(client: TestClient, engine: Engine) -> None:
    build_region(client, engine)
    params = {"rows": "kind", "columns": "district", "district": "Olpe"}

    response = client.get(
        "/v1/statistics/cross-tables", params=params, headers={"Accept": "text/csv"}
    )

    assert response.text == "kind,district,count\r\ncompany,Olpe,2\r\nuniversity,Olpe,1\r\n"
    assert 'filename="cross-table.csv"' in response.headers["content-disposition"]


def test_json_is_kept_when_preferred_and_csv_cells_cannot_be_formulas(
    client: TestClient,
) -> None:
    create_actor(client, district='=HYPERLINK("http://evil.example")')
    create_actor(client, district="@SUM(A1)")

    preferred = client.get(
        "/v1/statistics/actors",
        params={"group_by": "district"},
        headers={"Accept": "application/json, text/csv;q=0.5"},
    )
    as_csv = client.get(
        "/v1/statistics/actors", params={"group_by": "district"}, headers={"Accept": "text/csv"}
    )

    assert preferred.headers["content-type"] == "application/json"
    rows = list(csv.reader(io.StringIO(as_csv.text)))
    assert rows[0] == ["district", "count"]
    assert sorted(rows[1:]) == [['\'=HYPERLINK("http://evil.example")', "1"], ["'@SUM(A1)", "1"]]


def test_network_and_match_potential_csv_hold_the_table_asked_for(
    client: TestClient, engine: Engine
) -> None:
    ids = build_region(client, engine)
    accept = {"Accept": "text/csv"}

    bridges = client.get("/v1/statistics/network", params={"table": "bridges"}, headers=accept)
    fields = client.get(
        "/v1/statistics/match-potential",
        params={"table": "action_fields", "min_score": 0},
        headers=accept,
    )
    pairs = client.get(
        "/v1/statistics/match-potential", params={"table": "pairs", "limit": 2}, headers=accept
    )

    [header, bridge] = list(csv.reader(io.StringIO(bridges.text)))
    assert header == ["id", "name", "district", "kind", "parts", "cut_off"]
    assert bridge == [ids["plast"], "Olpe Kunststoff GmbH", "Olpe", "company", "2", "1"]
    field_rows = list(csv.DictReader(io.StringIO(fields.text)))
    assert {row["action_field"]: row["pairs"] for row in field_rows} == {
        "industrielle-produktion": "3",
        "circular-economy": "1",
        "": "6",
    }
    pair_rows = list(csv.DictReader(io.StringIO(pairs.text)))
    assert len(pair_rows) <= 2
    assert all(row["a_name"] and row["b_name"] and row["reasons"] for row in pair_rows)
