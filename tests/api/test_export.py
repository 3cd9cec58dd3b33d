"""`GET /v1/export/{kind}` and `radar export`: streamed, visible-only, and re-importable."""

import csv
import io
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from radar.models.account import Role
from radar.services.importer import read_records, run_import
from tests.conftest import ClientFactory
from tests.factories import TOPIC_AI, create_actor
from tests.idea_factories import idea_body


def _export(client: TestClient, entity: str, fmt: str) -> str:
    response = client.get(f"/v1/export/{entity}", params={"format": fmt})
    assert response.status_code == 200, response.text
    return response.text


@pytest.fixture
def data(client: TestClient) -> dict[str, Any]:
    a = create_actor(
        client, external_id="ex-a", name="Aa GmbH", topics=[TOPIC_AI], tags=["Spritzguss", "KI"]
    )
    b = create_actor(client, external_id="ex-b", name="Bb AG", location_precision="city")
    hidden = create_actor(client, external_id="ex-p", name="Geheim GmbH", visibility="private")
    idea = client.post(
        "/v1/ideas",
        json=idea_body(
            external_id="ex-i",
            owner_id=a["id"],
            participants=[{"actor_id": b["id"], "role": "lead"}, {"actor_id": hidden["id"]}],
        ),
    ).json()
    return {"a": a, "b": b, "hidden": hidden, "idea": idea}


def test_csv_export_has_the_import_columns_and_only_visible_actors(
    client: TestClient, make_client: ClientFactory, data: dict[str, Any]
) -> None:
    analyst = make_client(Role.analyst)

    rows = list(csv.DictReader(io.StringIO(_export(analyst, "actors", "csv"))))

    assert [row["external_id"] for row in rows] == ["ex-a", "ex-b"]
    assert rows[0]["tags"] == "Spritzguss;KI"
    assert rows[0]["topics"] == TOPIC_AI
    assert "contact_email" not in rows[0]
    # City precision: the analyst gets the city's centre and no street or postcode.
    assert (rows[1]["street"], rows[1]["postcode"]) == ("", "")
    assert float(rows[1]["lat"]) == 51.21977


def test_idea_participants_are_external_ids_lead_first_visible_only(
    make_client: ClientFactory, client: TestClient, data: dict[str, Any]
) -> None:
    ideas = [
        json.loads(line)
        for line in _export(make_client(Role.analyst), "ideas", "jsonl").splitlines()
    ]

    assert [(i["external_id"], i["participants"]) for i in ideas] == [("ex-i", ["ex-b"])]
    admin_view = [json.loads(line) for line in _export(client, "ideas", "jsonl").splitlines()]
    assert admin_view[0]["participants"] == ["ex-b", "ex-p"]


def test_an_export_re_imports_losslessly(
    client: TestClient, engine: Engine, data: dict[str, Any]
) -> None:
    for entity, fmt in (
        ("actors", "csv"),
        ("actors", "jsonl"),
        ("ideas", "jsonl"),
        ("ideas", "csv"),
    ):
        text = _export(client, entity, fmt)
        report = run_import(engine, kind=entity, records=read_records(text, fmt, entity))  # type: ignore[arg-type]
        assert (report.created, report.updated, report.errors) == (0, 0, []), (entity, fmt)
        assert report.unchanged == (3 if entity == "actors" else 1)


def test_an_exported_actor_deleted_and_re_imported_comes_back_the_same(
    client: TestClient, engine: Engine, data: dict[str, Any]
) -> None:
    text = _export(client, "actors", "jsonl")
    before = client.get(f"/v1/actors/{data['a']['id']}").json()
    assert client.delete(f"/v1/actors/{data['a']['id']}").status_code == 204

    report = run_import(engine, kind="actors", records=read_records(text, "jsonl", "actors"))

    assert (report.created, report.unchanged) == (1, 2)
    again = client.get("/v1/actors", params={"q": "aa gmbh"}).json()["data"][0]
    same = (
        "name",
        "kind",
        "topics",
        "tags",
        "offers",
        "seeks",
        "street",
        "postcode",
        "city",
        "lat",
        "lon",
        "visibility",
    )
    assert {k: again[k] for k in same} == {k: before[k] for k in same}


def test_geojson_and_groups(client: TestClient, data: dict[str, Any]) -> None:
    collection = json.loads(_export(client, "actors", "geojson"))
    groups = _export(client, "groups", "csv")

    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == 3
    assert collection["features"][0]["geometry"]["coordinates"] == [7.6273, 51.2197]
    assert groups.splitlines()[0] == "name,description,join_policy,topics,action_fields,members"


def test_only_analysts_and_admins_export(make_client: ClientFactory) -> None:
    for role in (Role.member, Role.partner):
        assert make_client(role).get("/v1/export/actors").status_code == 403
    assert (
        make_client(Role.analyst).get("/v1/export/actors", params={"format": "xml"}).status_code
        == 422
    )
