"""`GET /v1/map`: GeoJSON points and clusters, filters, bbox, visibility and precision."""

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from radar.models.account import Role
from tests.conftest import ClientFactory
from tests.factories import TOPIC_AI, TOPIC_PLASTICS, create_actor
from tests.idea_factories import idea_body

GEO_JSON = "application/geo+json"
SIEGEN = {
    "lat": 50.8748,
    "lon": 8.0243,
    "city": "Siegen",
    "postcode": "57072",
    "district": "Siegen-Wittgenstein",
}
KREUZTAL = {
    "lat": 50.9620,
    "lon": 7.9886,
    "city": "Kreuztal",
    "postcode": "57223",
    "district": "Siegen-Wittgenstein",
}


def _map(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/v1/map", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == GEO_JSON
    data: dict[str, Any] = response.json()
    return data


def _points(collection: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["id"]: f for f in collection["features"] if not f["properties"].get("cluster")}


def test_actors_and_ideas_are_geojson_points_in_lon_lat_order(client: TestClient) -> None:
    actor = create_actor(client, topics=[TOPIC_AI], **SIEGEN)
    idea = client.post("/v1/ideas", json=idea_body(**KREUZTAL)).json()

    collection = _map(client)

    assert collection["type"] == "FeatureCollection"
    assert (collection["count"], collection["truncated"]) == (2, False)
    points = _points(collection)
    assert points[actor["id"]]["geometry"] == {"type": "Point", "coordinates": [8.0243, 50.8748]}
    assert points[actor["id"]]["properties"] == {
        "layer": "actor",
        "name": actor["name"],
        "kind": "company",
        "district": "Siegen-Wittgenstein",
        "topics": [TOPIC_AI],
    }
    assert points[idea["id"]]["properties"]["layer"] == "idea"
    assert set(_points(_map(client, layer="actors"))) == {actor["id"]}


def test_the_map_is_served_and_declared_as_geo_json(client: TestClient) -> None:
    response = client.get("/v1/map")
    declared = client.get("/openapi.json").json()["paths"]["/v1/map"]["get"]["responses"]

    assert response.headers["content-type"] == GEO_JSON
    assert declared["200"]["content"] == {
        GEO_JSON: {"schema": {"$ref": "#/components/schemas/MapFeatureCollection"}}
    }
    problem = client.get("/v1/map", params={"bbox": "8,50,7,51"})
    assert problem.headers["content-type"] == "application/problem+json"


def test_filters_and_bbox(client: TestClient) -> None:
    siegen = create_actor(client, topics=[TOPIC_AI], **SIEGEN)
    create_actor(client, topics=[TOPIC_PLASTICS])  # Lüdenscheid

    assert set(_points(_map(client, layer="actors", topic=TOPIC_AI))) == {siegen["id"]}
    inside = _map(client, layer="actors", bbox="7.9,50.8,8.1,50.95")
    assert set(_points(inside)) == {siegen["id"]}


@pytest.mark.parametrize(
    ("bbox", "kind"),
    [
        ("8,50,7,51", "invalid_range"),  # fits the declared pattern; min > max
        ("a,b,c,d", "value_error"),
        ("1,2,3", "value_error"),
        ("7,50,200,51", "value_error"),
        ("nan,50,inf,51", "value_error"),
    ],
)
def test_a_bad_bbox_is_a_problem_naming_it(client: TestClient, bbox: str, kind: str) -> None:
    response = client.get("/v1/map", params={"bbox": bbox})

    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert (error["field"], error["type"]) == ("bbox", kind)
    pattern = client.get("/openapi.json").json()["paths"]["/v1/map"]["get"]["parameters"]
    declared = next(p for p in pattern if p["name"] == "bbox")["schema"]["pattern"]
    assert (re.fullmatch(declared, bbox) is not None) == (kind == "invalid_range")


def test_clusters_merge_nearby_items_at_low_zoom_and_split_at_high_zoom(
    client: TestClient,
) -> None:
    create_actor(client, topics=[TOPIC_AI], **SIEGEN)
    create_actor(client, topics=[TOPIC_AI, TOPIC_PLASTICS], **KREUZTAL)
    create_actor(client, kind="university", topics=[TOPIC_AI], **SIEGEN)

    country = _map(client, layer="actors", zoom=5)
    street = _map(client, layer="actors", zoom=14)

    assert len(country["features"]) == 1
    cluster = country["features"][0]["properties"]
    assert cluster["cluster"] is True
    assert cluster["count"] == 3
    assert cluster["kinds"] == {"company": 2, "university": 1}
    assert cluster["top_topics"][0] == TOPIC_AI
    assert country["count"] == 3
    kinds_at_street = sorted(f["properties"].get("count", 1) for f in street["features"])
    assert kinds_at_street == [1, 2]  # Kreuztal alone; the two in Siegen share a point


def test_private_profiles_and_hidden_locations_stay_off_the_map(
    client: TestClient, make_client: ClientFactory, public_reader: TestClient
) -> None:
    private = create_actor(client, visibility="private", **SIEGEN)
    hidden = create_actor(client, location_precision="hidden", **SIEGEN)
    members_only = create_actor(client, visibility="members", **SIEGEN)
    other_member = make_client(Role.member)
    manager = make_client(Role.member, [private["id"], hidden["id"]])

    assert set(_points(_map(other_member))) == {members_only["id"]}
    assert set(_points(_map(public_reader))) == set()
    assert set(_points(_map(manager))) == {private["id"], hidden["id"], members_only["id"]}
    assert set(_points(_map(client))) == {private["id"], hidden["id"], members_only["id"]}


def test_coarse_precision_shows_the_centroid(
    client: TestClient, make_client: ClientFactory
) -> None:
    actor = create_actor(
        client,
        location_precision="postcode",
        lat=50.8801,
        lon=8.0301,
        city="Siegen",
        postcode="57072",
    )
    shown = client.get(f"/v1/actors/{actor['id']}", headers={}).json()
    reader = make_client(Role.analyst)

    point = _points(_map(reader))[actor["id"]]["geometry"]["coordinates"]
    listed = reader.get(f"/v1/actors/{actor['id']}").json()

    assert point == [listed["lon"], listed["lat"]]
    assert point != [shown["lon"], shown["lat"]]  # the admin sees the exact point


def test_clusters_are_grid_cells_named_by_zoom_row_and_column_on_both_sides_of_zero(
    client: TestClient,
) -> None:
    # A quarter tile at zoom 5 is 2.8125°: Siegen is in row 18, column 2; London (west of
    # Greenwich) in column -1.
    create_actor(client, **SIEGEN)
    create_actor(client, **KREUZTAL)
    london = {"lat": 51.5072, "lon": -0.1276, "city": "London", "postcode": None,
              "district": None, "country": "GB"}  # fmt: skip
    create_actor(client, topics=[TOPIC_AI], **london)
    create_actor(client, topics=[TOPIC_AI, TOPIC_PLASTICS], **london)
    create_actor(client, topics=[TOPIC_PLASTICS], **{**london, "lon": -0.2})

    features = {f["id"]: f for f in _map(client, layer="actors", zoom=5)["features"]}

    assert set(features) == {"cluster:5:18:2", "cluster:5:18:-1"}
    west = features["cluster:5:18:-1"]
    assert west["properties"]["count"] == 3
    assert west["properties"]["top_topics"] == sorted([TOPIC_AI, TOPIC_PLASTICS])
    assert west["geometry"]["coordinates"] == [
        pytest.approx((-0.1276 * 2 - 0.2) / 3, abs=1e-5),
        pytest.approx(51.5072, abs=1e-5),
    ]


def test_an_item_alone_in_its_cell_is_its_own_point_with_its_details(client: TestClient) -> None:
    siegen = create_actor(client, topics=[TOPIC_AI], **SIEGEN)
    idea = client.post("/v1/ideas", json=idea_body(**KREUZTAL)).json()

    features = _map(client, zoom=12)["features"]

    points = _points({"features": features})
    assert set(points) == {siegen["id"], idea["id"]}
    assert points[siegen["id"]]["properties"]["topics"] == [TOPIC_AI]
    assert points[siegen["id"]]["geometry"]["coordinates"] == [8.0243, 50.8748]
    assert points[idea["id"]]["properties"]["layer"] == "idea"


def test_a_member_sees_its_own_actor_exactly_and_others_at_their_precision_in_clusters(
    client: TestClient, make_client: ClientFactory
) -> None:
    own = create_actor(client, location_precision="city", **SIEGEN)
    other = create_actor(client, location_precision="city", **SIEGEN)
    member = make_client(Role.member, [own["id"]])
    shown = member.get(f"/v1/actors/{other['id']}").json()

    cluster = _map(member, layer="actors", zoom=3)["features"][0]

    assert cluster["properties"]["count"] == 2
    assert cluster["geometry"]["coordinates"] == [
        pytest.approx(round((8.0243 + shown["lon"]) / 2, 5)),
        pytest.approx(round((50.8748 + shown["lat"]) / 2, 5)),
    ]
