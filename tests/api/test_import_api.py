"""`POST /v1/import/{kind}`: bulk import over HTTP, for admins."""

from fastapi.testclient import TestClient

from radar.models.account import Role
from tests.conftest import ClientFactory

CSV = "external_id,name,kind,topics,city\nh1,Hallo GmbH,company,Wasserstoff,Olpe\nh2,,company,,\n"
JSONL = '{"external_id": "h3", "name": "Drei AG", "kind": "startup", "city": "Siegen"}\n'


def test_admins_import_csv_and_json_lines_with_row_errors(client: TestClient) -> None:
    response = client.post("/v1/import/actors", content=CSV, headers={"Content-Type": "text/csv"})

    assert response.status_code == 200, response.text
    assert response.json() == {
        "kind": "actors",
        "dry_run": False,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "superseded": 0,
        "invalid": 1,
        "errors": [{"line": 3, "field": "name", "message": "Field required"}],
    }
    listed = client.get("/v1/actors", params={"q": "hallo"}).json()["data"]
    assert [(a["district"], a["topics"]) for a in listed] == [("Olpe", ["wasserstoff"])]

    ndjson = client.post(
        "/v1/import/actors", content=JSONL, headers={"Content-Type": "application/x-ndjson"}
    )
    assert ndjson.json()["created"] == 1


def test_a_dry_run_over_http_writes_nothing(client: TestClient) -> None:
    response = client.post(
        "/v1/import/actors",
        params={"dry_run": True},
        content=CSV,
        headers={"Content-Type": "text/csv"},
    )

    assert (response.json()["created"], response.json()["dry_run"]) == (1, True)
    assert client.get("/v1/actors").json()["count"] == 0


def test_only_admins_import(make_client: ClientFactory) -> None:
    for role in (Role.member, Role.analyst, Role.partner):
        response = make_client(role).post(
            "/v1/import/actors", content=CSV, headers={"Content-Type": "text/csv"}
        )
        assert response.status_code == 403, role
    assert make_client(Role.admin).get("/v1/actors").json()["count"] == 0


def test_bad_requests_are_problems(client: TestClient) -> None:
    wrong_type = client.post(
        "/v1/import/actors", content=CSV, headers={"Content-Type": "text/plain"}
    )
    wrong_kind = client.post("/v1/import/groups", content=CSV, headers={"Content-Type": "text/csv"})
    not_utf8 = client.post(
        "/v1/import/actors",
        content="name\nM\xfcnchen".encode("latin-1"),
        headers={"Content-Type": "text/csv"},
    )

    assert wrong_type.status_code == 415
    assert wrong_type.headers["content-type"] == "application/problem+json"
    assert wrong_type.headers["accept-post"] == "text/csv, application/x-ndjson"
    assert wrong_kind.status_code == 422
    assert not_utf8.status_code == 422
