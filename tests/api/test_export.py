"""`GET /v1/export/{kind}` and `radar export`: streamed, visible-only, and re-importable."""

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from radar.cli import main
from radar.models.account import Role
from radar.services.importer import read_records, run_import
from radar.settings import get_settings
from tests.conftest import ClientFactory
from tests.factories import TOPIC_AI, create_actor
from tests.group_factories import create_group, join
from tests.idea_factories import create_idea, idea_body

SIEGEN = {"lat": 50.8748, "lon": 8.0243, "city": "Siegen", "postcode": "57072",
          "district": "Siegen-Wittgenstein"}  # fmt: skip
KREUZTAL = {"lat": 50.9620, "lon": 7.9886, "city": "Kreuztal", "postcode": "57223",
            "district": "Siegen-Wittgenstein"}  # fmt: skip
NOWHERE = {"street": None, "postcode": None, "city": None, "district": None, "lat": None,
           "lon": None}  # fmt: skip


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


def _features(client: TestClient, entity: str) -> dict[str, dict[str, Any]]:
    response = client.get(f"/v1/export/{entity}", params={"format": "geojson"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/geo+json"
    collection = json.loads(response.text)
    assert collection["type"] == "FeatureCollection"
    return {feature["id"]: feature for feature in collection["features"]}


def test_geojson_is_served_and_declared_as_geo_json(client: TestClient) -> None:
    create_actor(client)

    _features(client, "actors")
    declared = client.get("/openapi.json").json()["paths"]["/v1/export/{entity}"]["get"]
    assert "application/geo+json" in declared["responses"]["200"]["content"]


def test_actors_and_ideas_without_a_location_you_may_see_have_a_null_geometry(
    client: TestClient, make_client: ClientFactory
) -> None:
    hidden = create_actor(client, location_precision="hidden", **SIEGEN)
    unlocated = create_actor(client, **NOWHERE)
    idea = create_idea(client, **NOWHERE)
    analyst = make_client(Role.analyst)

    actors = _features(analyst, "actors")
    ideas = _features(analyst, "ideas")

    assert set(actors) == {hidden["id"], unlocated["id"]}
    for feature in (actors[hidden["id"]], actors[unlocated["id"]], ideas[idea["id"]]):
        assert feature["type"] == "Feature"
        assert feature["geometry"] is None
    assert actors[hidden["id"]]["properties"]["name"] == hidden["name"]
    assert ideas[idea["id"]]["properties"]["external_id"] == idea["external_id"]
    # Its managers (and admins) see where it is.
    point = _features(client, "actors")[hidden["id"]]["geometry"]
    assert point == {"type": "Point", "coordinates": [8.0243, 50.8748]}


def test_a_group_is_placed_at_the_centre_of_its_members_shown_points(
    client: TestClient, make_client: ClientFactory
) -> None:
    siegen = create_actor(client, **SIEGEN)
    kreuztal = create_actor(client, location_precision="city", **KREUZTAL)
    group = create_group(client, founder_id=siegen["id"])
    join(client, group["id"], kreuztal["id"])
    analyst = make_client(Role.analyst)
    shown = analyst.get(f"/v1/actors/{kreuztal['id']}").json()

    feature = _features(analyst, "groups")[group["id"]]

    assert shown["lat"] != KREUZTAL["lat"]  # city precision: the analyst sees the centre
    assert feature["geometry"]["type"] == "Point"
    assert feature["geometry"]["coordinates"] == [
        pytest.approx((8.0243 + shown["lon"]) / 2, abs=1e-6),
        pytest.approx((50.8748 + shown["lat"]) / 2, abs=1e-6),
    ]
    assert feature["properties"]["place"] == "members_centre"
    assert feature["properties"]["name"] == group["name"]
    assert feature["properties"]["members"] == [siegen["id"], kreuztal["id"]]


@pytest.mark.parametrize(
    "member",
    [{"visibility": "private"}, {"location_precision": "hidden"}, NOWHERE],
    ids=["private", "hidden", "unlocated"],
)
def test_a_group_whose_members_you_may_not_place_has_no_geometry(
    client: TestClient, make_client: ClientFactory, member: dict[str, Any]
) -> None:
    only = create_actor(client, **{**SIEGEN, **member})
    group = create_group(client, founder_id=only["id"])
    empty = create_group(client)

    features = _features(make_client(Role.analyst), "groups")

    for unplaced in (features[group["id"]], features[empty["id"]]):
        assert unplaced["geometry"] is None
        assert unplaced["properties"]["place"] is None


def test_a_private_member_counts_only_for_those_who_may_see_it(
    client: TestClient, make_client: ClientFactory
) -> None:
    public = create_actor(client, **SIEGEN)
    private = create_actor(client, visibility="private", **KREUZTAL)
    group = create_group(client, founder_id=public["id"])
    join(client, group["id"], private["id"])

    by_analyst = _features(make_client(Role.analyst), "groups")[group["id"]]
    by_admin = _features(client, "groups")[group["id"]]

    assert by_analyst["geometry"]["coordinates"] == [8.0243, 50.8748]
    assert by_analyst["properties"]["members"] == [public["id"]]
    assert by_admin["geometry"]["coordinates"] == [
        pytest.approx((8.0243 + 7.9886) / 2, abs=1e-6),
        pytest.approx((50.8748 + 50.9620) / 2, abs=1e-6),
    ]


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, database_url: str) -> Iterator[None]:
    """Point `radar` at the test database (settings come from RADAR_* variables)."""
    monkeypatch.setenv("RADAR_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_radar_export_writes_the_same_geojson(
    environment: None, client: TestClient, tmp_path: Path
) -> None:
    siegen = create_actor(client, **SIEGEN)
    unlocated = create_actor(client, **NOWHERE)
    group = create_group(client, founder_id=siegen["id"])
    join(client, group["id"], unlocated["id"])
    written = {entity: tmp_path / f"{entity}.json" for entity in ("actors", "groups")}

    for entity, path in written.items():
        assert main(["export", entity, "--format", "geojson", "--output", str(path)]) == 0

    actors = {f["id"]: f for f in json.loads(written["actors"].read_text())["features"]}
    groups = {f["id"]: f for f in json.loads(written["groups"].read_text())["features"]}
    assert actors[unlocated["id"]]["geometry"] is None
    assert groups[group["id"]]["geometry"]["coordinates"] == [8.0243, 50.8748]
    assert groups[group["id"]]["properties"]["place"] == "members_centre"


def test_only_analysts_and_admins_export(make_client: ClientFactory) -> None:
    for role in (Role.member, Role.partner):
        assert make_client(role).get("/v1/export/actors").status_code == 403
    assert (
        make_client(Role.analyst).get("/v1/export/actors", params={"format": "xml"}).status_code
        == 422
    )
