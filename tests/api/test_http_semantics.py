"""HTTP semantics: unknown paths and methods explained, fixed paths never shadowed by ids."""

from fastapi.testclient import TestClient


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


def test_a_body_that_is_not_json_is_a_415_and_bad_json_names_the_whole_body(
    client: TestClient,
) -> None:
    plain = client.post(
        "/v1/actors", content=b'{"name": "X"}', headers={"Content-Type": "text/plain"}
    )
    assert plain.status_code == 415, plain.text
    assert plain.headers["content-type"] == "application/problem+json"
    untyped = client.post("/v1/actors", content=b"name=X")
    assert untyped.status_code == 415, untyped.text

    broken = client.post(
        "/v1/actors", content=b'{"name": ', headers={"Content-Type": "application/json"}
    )
    assert broken.status_code == 422
    (error,) = broken.json()["errors"]
    assert (error["pointer"], error["type"]) == ("", "json_invalid")  # RFC 6901's root
    assert "character" in error["message"]

    empty = client.post("/v1/actors", headers={"Content-Type": "application/json"})
    assert empty.status_code == 422
    assert empty.json()["errors"][0]["pointer"] == ""
