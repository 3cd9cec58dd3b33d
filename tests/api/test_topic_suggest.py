"""`GET /v1/topics/suggest`: autocomplete for topic fields, from the first letters, by German
or English label or synonym, with umlauts spelt either way and small typos forgiven."""

import pytest
from fastapi.testclient import TestClient

from radar.matching.topics import TopicName, TopicNormaliser


def _suggest(client: TestClient, q: str, **params: object) -> list[dict[str, object]]:
    response = client.get("/v1/topics/suggest", params={"q": q, **params})
    assert response.status_code == 200, response.text
    data: list[dict[str, object]] = response.json()["data"]
    return data


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("kunstst", "kunststofftechnik"),
        ("Kuenstliche", "kuenstliche-intelligenz"),
        ("künstl", "kuenstliche-intelligenz"),
        ("hydrogen", "wasserstoff"),
        ("Wasserstof", "wasserstoff"),
        ("KI", "kuenstliche-intelligenz"),
    ],
)
def test_typed_text_finds_its_topic_first(client: TestClient, typed: str, slug: str) -> None:
    found = _suggest(client, typed)

    assert found[0]["slug"] == slug
    assert {"label_de", "label_en", "matched", "score"} <= set(found[0])


def test_the_label_that_matched_is_shown_and_the_limit_holds(client: TestClient) -> None:
    found = _suggest(client, "hydrogen", limit=1)

    assert [(f["slug"], f["matched"], f["score"]) for f in found] == [
        ("wasserstoff", "Hydrogen", 100.0)
    ]


def test_nothing_close_finds_nothing_and_bad_parameters_are_problems(client: TestClient) -> None:
    assert _suggest(client, "Zzyzx") == []
    for params in ({"q": ""}, {"q": "a", "limit": 0}, {}):
        response = client.get("/v1/topics/suggest", params=params)
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] in {"q", "limit"}


def test_typos_are_forgiven_but_ranked_below_prefixes() -> None:
    normaliser = TopicNormaliser(
        [
            TopicName("kunststofftechnik", ("Kunststofftechnik", "Plastics engineering")),
            TopicName("kuenstliche-intelligenz", ("Künstliche Intelligenz", "KI")),
        ]
    )

    typo = normaliser.suggest("kunstoff")
    prefix = normaliser.suggest("kunst")

    assert [s.slug for s in typo] == ["kunststofftechnik"]
    assert typo[0].score < 90
    assert prefix[0].slug == "kunststofftechnik"
    assert prefix[0].score == 95.0
