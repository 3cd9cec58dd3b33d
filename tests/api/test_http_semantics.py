"""HTTP semantics: unknown paths and methods explained, fixed paths never shadowed by ids,
If-Match by RFC 9110, authentication before validation, strict JSON and query types, unreadable
bodies, declared bounds."""

import re
import uuid
from typing import Any, get_args

import pytest
from fastapi.testclient import TestClient

from radar.api.app import openapi_document
from radar.matching.engine import COMPONENTS
from radar.models.setting import MatchComponent
from tests.conftest import ClientFactory
from tests.factories import create_actor
from tests.group_factories import assert_problem, create_group
from tests.idea_factories import create_idea

NOBODY = uuid.UUID(int=1)
JSON = {"Content-Type": "application/json"}


def test_an_unknown_path_or_method_is_a_problem_that_says_why(client: TestClient) -> None:
    missing = client.get("/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["detail"] == "No resource at /v1/nothing-here"

    wrong = client.put("/health")
    assert (wrong.status_code, wrong.headers["allow"]) == (405, "GET")
    assert wrong.json()["detail"] == "PUT is not allowed on /health; allowed: GET"


def test_the_event_types_are_not_shadowed_by_a_subscription_id(client: TestClient) -> None:
    assert client.get("/v1/webhooks/event-types").status_code == 200
    for method in ("patch", "delete", "options"):
        response = client.request(method.upper(), "/v1/webhooks/event-types")
        assert (response.status_code, response.headers["allow"]) == (405, "GET"), method
    # Something that is not an id names no subscription.
    assert client.get("/v1/webhooks/not-an-id").status_code == 404


def test_a_body_that_is_not_json_is_a_415_naming_what_the_method_accepts(
    client: TestClient,
) -> None:
    plain = client.post(
        "/v1/actors", content=b'{"name": "X"}', headers={"Content-Type": "text/plain"}
    )
    assert_problem(plain, 415)
    assert plain.headers["accept-post"] == "application/json"
    untyped = client.post("/v1/actors", content=b"name=X")
    assert untyped.status_code == 415, untyped.text

    actor = create_actor(client)
    patched = client.patch(
        f"/v1/actors/{actor['id']}", content=b"name=Y", headers={"Content-Type": "text/plain"}
    )
    assert_problem(patched, 415)
    assert patched.headers["accept-patch"] == "application/json"
    assert "accept-post" not in patched.headers


def test_unreadable_json_is_a_400_naming_the_whole_body_and_the_place_in_words(
    client: TestClient,
) -> None:
    broken = client.post("/v1/actors", content=b'{"kind": "company",\n "name": ', headers=JSON)
    problem = assert_problem(broken, 400)
    (error,) = problem["errors"]
    assert (error["pointer"], error["field"], error["type"]) == ("", "", "json_invalid")
    assert "line 2, column 10" in error["message"]
    assert "line 2, column 10" in problem["detail"]

    trailing_comma = client.post("/v1/actors", content=b'{"name": "X",}', headers=JSON)
    assert assert_problem(trailing_comma, 400)["errors"][0]["pointer"] == ""

    # No body at all is a body missing, not one unreadable.
    empty = client.post("/v1/actors", headers=JSON)
    assert assert_problem(empty, 422)["errors"][0]["pointer"] == ""


def test_detail_is_always_a_string(client: TestClient, make_client: ClientFactory) -> None:
    actor = create_actor(client)
    responses = [
        client.get("/v1/nothing-here"),
        client.put("/health"),
        make_client(None).get("/v1/actors"),
        client.get("/v1/actors?limit=0"),
        client.patch(f"/v1/actors/{actor['id']}", json={"name": "X"}, headers={"If-Match": '"9"'}),
        client.post("/v1/actors", content=b"{", headers=JSON),
        client.post("/v1/actors", content=b"{}", headers={"Content-Type": "text/plain"}),
        client.get(f"/v1/actors/{NOBODY}"),
    ]
    for response in responses:
        assert response.status_code >= 400
        assert isinstance(response.json()["detail"], str), response.text


# If-Match (RFC 9110 §13.1.1): strong comparison, lists, `*`; 422 only for broken syntax.


def _rename(client: TestClient, actor_id: str, if_match: str | list[str]) -> Any:
    values = [if_match] if isinstance(if_match, str) else if_match
    return client.patch(
        f"/v1/actors/{actor_id}",
        json={"name": f"Umbenannt {uuid.uuid4().hex[:6]}"},
        headers=[("If-Match", value.encode("latin-1")) for value in values],
    )


@pytest.mark.parametrize("if_match", ['W/"1"', '"abc"', '""', '"01"', '"2", "3"', 'W/"1", "0"'])
def test_if_match_without_the_current_version_strongly_is_a_412(
    client: TestClient, if_match: str
) -> None:
    actor = create_actor(client)
    response = _rename(client, actor["id"], if_match)
    problem = assert_problem(response, 412)
    assert problem["current_version"] == 1
    assert client.get(f"/v1/actors/{actor['id']}").json()["name"] == actor["name"]


@pytest.mark.parametrize(
    "if_match",
    ['"1"', '"0", "1"', 'W/"1", "1"', '"abc","1"', ', "1" ,, "7"', "*", ['"5"', '"1"']],
)
def test_if_match_naming_the_current_version_among_others_or_star_matches(
    client: TestClient, if_match: str | list[str]
) -> None:
    actor = create_actor(client)
    response = _rename(client, actor["id"], if_match)
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"2"'


@pytest.mark.parametrize(
    "if_match", ["1", '"1', "W/1", 'w/"1"', '*, "1"', "null", '"a"b"', ",", '"1 "']
)
def test_an_if_match_that_is_no_entity_tag_list_is_a_422_naming_the_header(
    client: TestClient, if_match: str
) -> None:
    actor = create_actor(client)
    response = _rename(client, actor["id"], if_match)
    assert_problem(response, 422, field="If-Match", location="header")


def test_every_conditional_write_takes_a_list_of_tags(client: TestClient) -> None:
    actor = create_actor(client)
    idea = create_idea(client)
    group = create_group(client)
    idea_url, group_url = f"/v1/ideas/{idea['id']}", f"/v1/groups/{group['id']}"
    writes = [
        ("PATCH", idea_url, {"title": "Neuer Titel"}, idea_url),
        ("PATCH", group_url, {"name": "Neuer Name"}, group_url),
        ("PUT", f"{idea_url}/participants/{actor['id']}", {"role": "partner"}, idea_url),
        ("DELETE", f"/v1/actors/{actor['id']}", None, f"/v1/actors/{actor['id']}"),
    ]
    for method, url, body, versioned in writes:
        tag = client.get(versioned).headers["etag"]
        stale = client.request(method, url, json=body, headers={"If-Match": f'W/{tag}, "99"'})
        assert stale.status_code == 412, (url, stale.text)
        current = client.request(method, url, json=body, headers={"If-Match": f'"99", {tag}'})
        assert current.status_code < 300, (url, current.text)


def test_the_documented_if_match_pattern_is_what_the_server_accepts(client: TestClient) -> None:
    document = openapi_document()
    (header,) = [
        parameter
        for parameter in document["paths"]["/v1/actors/{actor_id}"]["patch"]["parameters"]
        if parameter["name"] == "If-Match"
    ]
    # A header is text: null is no value it can take.
    assert header["schema"]["type"] == "string"
    pattern = re.compile(header["schema"]["pattern"])
    actor = create_actor(client)
    for value in ['"1"', 'W/"1"', '"a", W/"b"', "*", "1", '"1', "*, *", "", '"x\x80"']:
        response = _rename(client, actor["id"], value)
        assert (pattern.search(value) is not None) == (response.status_code != 422), value
    conditional = [
        (path, method)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if any(p["name"] == "If-Match" for p in operation.get("parameters", []))
    ]
    assert len(conditional) >= 10
    for path, method in conditional:
        (schema,) = [
            p["schema"]
            for p in document["paths"][path][method]["parameters"]
            if p["name"] == "If-Match"
        ]
        assert schema == header["schema"], (path, method)


# Authentication first: who may not call learns that before what is wrong with the call.


INVALID_CALLS = [
    ("GET", "/v1/actors?limit=abc", None),
    ("GET", f"/v1/actors/{NOBODY}/matches?min_score=2", None),
    ("GET", f"/v1/actors/{NOBODY}/matches/ideas?limit=0", None),
    ("GET", f"/v1/ideas/{NOBODY}/consortium?k=99", None),
    ("GET", f"/v1/actors/{NOBODY}/matches?near=91,0", None),
    ("GET", "/v1/news?topic=a%00b", None),
    ("GET", "/v1/events?after=-1", None),
    ("GET", "/v1/news?published_since=gestern", None),
    ("GET", "/v1/accounts?offset=-1", None),
    ("POST", "/v1/admin/geocode/retry?limit=0", None),
    ("PATCH", "/v1/admin/match-tuning", b'{"weights": '),
    ("POST", "/v1/matches/query", b'{"limit": "viele"}'),
    ("POST", "/v1/actors", b"{"),
]


@pytest.mark.parametrize("token", [None, "radar_not-a-token"])
@pytest.mark.parametrize(("method", "url", "body"), INVALID_CALLS)
def test_an_invalid_request_of_an_unknown_caller_is_a_401(
    make_client: ClientFactory, token: str | None, method: str, url: str, body: bytes | None
) -> None:
    anonymous = make_client(None)
    headers = {**JSON, **({"Authorization": f"Bearer {token}"} if token else {})}
    response = anonymous.request(method, url, content=body, headers=headers)
    assert_problem(response, 401)
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("method", "url", "body"), INVALID_CALLS)
def test_a_signed_in_caller_learns_what_is_invalid(
    client: TestClient, method: str, url: str, body: bytes | None
) -> None:
    response = client.request(method, url, content=body, headers=JSON)
    assert response.status_code in {400, 422}, response.text


def test_with_public_read_an_invalid_anonymous_read_is_a_422_and_a_write_a_401(
    public_reader: TestClient,
) -> None:
    assert_problem(public_reader.get("/v1/actors?limit=abc"), 422, field="limit", location="query")
    matches = public_reader.get(f"/v1/actors/{NOBODY}/matches?min_score=2")
    assert_problem(matches, 422, field="min_score", location="query")
    assert_problem(public_reader.get("/v1/news?topic=a%00b"), 422, field="topic", location="query")
    assert_problem(public_reader.post("/v1/actors", content=b"{", headers=JSON), 401)


def test_the_documented_near_pattern_is_what_the_server_accepts(client: TestClient) -> None:
    (near,) = [
        parameter
        for parameter in openapi_document()["paths"]["/v1/actors"]["get"]["parameters"]
        if parameter["name"] == "near"
    ]
    assert near["schema"]["type"] == "string"
    pattern = re.compile(near["schema"]["pattern"])
    for value in ["51.2,7.6", "-90,180", "90.0, -180.00", "90.5,0", "0,181", "0000", "1e1,2"]:
        response = client.get("/v1/actors", params={"near": value})
        assert (pattern.search(value) is not None) == (response.status_code == 200), value


def test_a_match_query_documents_that_its_partner_flags_must_not_contradict(
    client: TestClient,
) -> None:
    schema = openapi_document()["components"]["schemas"]["MatchQuery"]
    refused = [both["properties"] for both in schema["not"]["anyOf"]]
    for flags in refused:
        body = {name: flag["const"] for name, flag in flags.items()}
        assert client.post("/v1/matches/query", json=body).status_code == 422, body
    agreeing = {"include_partners": True, "exclude_partners": False}
    assert client.post("/v1/matches/query", json=agreeing).status_code == 200


def test_a_coordinate_without_the_other_is_refused_as_documented(client: TestClient) -> None:
    schema = openapi_document()["components"]["schemas"]["ActorCreate"]
    pairs = {(rule["if"]["required"][0], rule["then"]["required"][0]) for rule in schema["allOf"]}
    assert pairs == {("lat", "lon"), ("lon", "lat")}
    for coordinates in ({"lat": 51.2}, {"lat": 51.2, "lon": None}, {"lon": 7.6}):
        body = {"name": "Ohne Paar", "kind": "company", **coordinates}
        assert client.post("/v1/actors", json=body).status_code == 422, coordinates


# Strict types: a number is no date, time or boolean, a boolean no number.


@pytest.mark.parametrize("listing", ["actors", "ideas", "groups", "news"])
@pytest.mark.parametrize("value", ["0.5", "1700000000", "0"])
def test_updated_since_is_iso_8601_text_not_a_unix_time(
    client: TestClient, listing: str, value: str
) -> None:
    response = client.get(f"/v1/{listing}", params={"updated_since": value})
    assert_problem(response, 422, field="updated_since", location="query")
    assert client.get(f"/v1/{listing}", params={"updated_since": "2024-05-01"}).status_code == 200


@pytest.mark.parametrize("parameter", ["published_since", "published_until"])
def test_the_news_time_filters_are_iso_8601_text(client: TestClient, parameter: str) -> None:
    response = client.get("/v1/news", params={parameter: "1700000000.5"})
    assert_problem(response, 422, field=parameter, location="query")


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/v1/actors", {"member_since": 0}, "member_since"),
        ("/v1/actors", {"member_since": "1700000000"}, "member_since"),
        ("/v1/actors", {"lat": True, "lon": 7.6}, "lat"),
        ("/v1/actors", {"lat": "51.2", "lon": 7.6}, "lat"),
        ("/v1/ideas", {"start_date": 0}, "start_date"),
        ("/v1/news", {"published_at": 1700000000}, "published_at"),
        ("/v1/matches/query", {"exclude_partners": 0}, "exclude_partners"),
        ("/v1/matches/query", {"include_partners": "true"}, "include_partners"),
        ("/v1/matches/query", {"min_score": False}, "min_score"),
        ("/v1/matches/query", {"limit": "5"}, "limit"),
    ],
)
def test_a_json_number_is_no_date_or_boolean_and_a_boolean_or_text_no_number(
    client: TestClient, url: str, body: dict[str, Any], field: str
) -> None:
    response = client.post(url, json=body)
    assert_problem(response, 422, field=field)


def test_a_token_expiry_is_iso_8601_text(client: TestClient) -> None:
    account_id = client.get("/v1/me").json()["id"]
    response = client.post(f"/v1/accounts/{account_id}/tokens", json={"name": "t", "expires_at": 0})
    assert_problem(response, 422, field="expires_at")


def test_dates_and_numbers_of_their_own_type_still_read(client: TestClient) -> None:
    actor = create_actor(client, member_since="2019-04-01", lat=51, lon=7.6)
    assert (actor["member_since"], actor["lat"]) == ("2019-04-01", 51.0)
    query = client.post("/v1/matches/query", json={"include_partners": True, "limit": 5})
    assert query.status_code == 200, query.text
    # A query string is text: booleans in it are read from it.
    found = client.get(f"/v1/actors/{actor['id']}/matches?include_partners=true")
    assert found.status_code == 200, found.text


# The weights of match tuning: the keys and bounds the server takes, declared.


def test_the_weight_keys_are_the_match_components_declared_with_their_bounds(
    client: TestClient,
) -> None:
    assert get_args(MatchComponent) == COMPONENTS
    schemas = openapi_document()["components"]["schemas"]
    weights = schemas["MatchTuningUpdate"]["properties"]["weights"]
    assert weights["propertyNames"] == {"enum": list(COMPONENTS)}
    value = weights["additionalProperties"]
    assert (value["type"], value["minimum"], value["maximum"]) == ("number", 0, 1)

    for refused in ({"charm": 0.5}, {"topics": 1.5}, {"topics": True}, {"topics": None}):
        response = client.patch("/v1/admin/match-tuning", json={"weights": refused})
        assert_problem(response, 422, field=f"weights.{next(iter(refused))}")
    taken = client.patch("/v1/admin/match-tuning", json={"weights": {"topics": 0.5}})
    assert taken.json()["weights"]["topics"] == 0.5


# Integers bound where the database would overflow.


def test_an_event_cursor_beyond_64_bits_is_a_422(client: TestClient) -> None:
    response = client.get("/v1/events", params={"after": 2**63})
    assert_problem(response, 422, field="after", location="query")
    assert client.get("/v1/events", params={"after": 2**63 - 1}).status_code == 200


def test_every_integer_parameter_is_bounded_to_64_bits() -> None:
    def integers(schema: dict[str, Any]) -> list[dict[str, Any]]:
        nested = [*schema.get("anyOf", []), *([schema["items"]] if "items" in schema else [])]
        own = [schema] if schema.get("type") == "integer" else []
        return own + [found for inner in nested for found in integers(inner)]

    parameters = [
        (path, parameter["name"], schema)
        for path, operations in openapi_document()["paths"].items()
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
        for schema in integers(parameter["schema"])
    ]
    assert parameters
    for path, name, schema in parameters:
        assert schema.get("maximum", 2**64) <= 2**63 - 1, (path, name)
        assert schema.get("minimum", -(2**64)) >= -(2**63), (path, name)
