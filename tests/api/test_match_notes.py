"""An empty list of suggestions says why (`note`), and a non-empty one says nothing: for an
actor's partners, an idea's or a group's candidates, and what an actor could join."""

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from radar.matching.engine import MatchEngine
from radar.matching.index import MatchIndex
from radar.models.account import Role
from radar.services import match_joinable, matches
from radar.services.access import SYSTEM
from tests.conftest import ClientFactory
from tests.factories import TOPIC_AI, create_actor
from tests.group_factories import create_group, join
from tests.idea_factories import create_idea

MUNICH = {"lat": 48.1374, "lon": 11.5755, "city": "München", "postcode": "80331"}


def _answer(client: TestClient, path: str, **params: object) -> dict[str, Any]:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _note(client: TestClient, path: str, **params: object) -> dict[str, str]:
    """The note of an answer that must be empty."""
    body = _answer(client, path, **params)
    assert body["data"] == []
    assert set(body["note"]) == {"code", "de", "en"}
    note: dict[str, str] = body["note"]
    return note


@pytest.fixture
def pair(client: TestClient) -> dict[str, str]:
    """Two companies next door to each other, nothing else."""
    me = create_actor(client, name="Spritzguss Lenne GmbH", topics=[TOPIC_AI])
    other = create_actor(client, name="Werkzeugbau Rahmede GmbH", topics=[TOPIC_AI])
    return {"me": me["id"], "other": other["id"]}


def test_a_list_with_suggestions_has_no_note(client: TestClient, pair: dict[str, str]) -> None:
    body = _answer(client, f"/v1/actors/{pair['me']}/matches")

    assert body["data"]
    assert body["note"] is None


def test_no_other_actor_to_suggest(client: TestClient) -> None:
    alone = create_actor(client)

    note = _note(client, f"/v1/actors/{alone['id']}/matches")

    assert note["code"] == "no_candidates"
    assert note["en"] == "There is no other actor you may see."


def test_private_actors_a_member_may_not_see_are_no_candidates(
    client: TestClient, make_client: ClientFactory
) -> None:
    me = create_actor(client)
    create_actor(client, visibility="private")
    member = make_client(Role.member, [me["id"]])

    assert _note(member, f"/v1/actors/{me['id']}/matches")["code"] == "no_candidates"


def test_filters_that_leave_none_are_named(client: TestClient, pair: dict[str, str]) -> None:
    create_actor(client, topics=[TOPIC_AI], **MUNICH)

    by_kind = _note(client, f"/v1/actors/{pair['me']}/matches", kind="university")
    by_place = _note(
        client, f"/v1/actors/{pair['me']}/matches", district="Olpe", radius_km=1, kind="company"
    )

    assert by_kind["code"] == "filtered_out"
    assert "(kind)" in by_kind["en"]
    assert by_place["code"] == "filtered_out"
    assert "(kind, district, radius_km)" in by_place["en"]
    assert "(kind, district, radius_km)" in by_place["de"]


def test_only_partners_left_says_how_to_include_them(
    client: TestClient, pair: dict[str, str]
) -> None:
    create_idea(client, owner_id=pair["me"], participants=[{"actor_id": pair["other"]}])

    note = _note(client, f"/v1/actors/{pair['me']}/matches")
    included = _answer(client, f"/v1/actors/{pair['me']}/matches", include_partners=True)

    assert note["code"] == "only_partners"
    assert "include_partners=true" in note["en"]
    assert "--include-partners" in note["en"]
    assert "include_partners=true" in note["de"]
    assert [m["actor"]["id"] for m in included["data"]] == [pair["other"]]
    assert included["note"] is None


def test_partners_are_named_before_a_minimum_score(
    client: TestClient, pair: dict[str, str]
) -> None:
    create_idea(client, owner_id=pair["me"], participants=[{"actor_id": pair["other"]}])

    note = _note(client, f"/v1/actors/{pair['me']}/matches", min_score=1)

    assert note["code"] == "only_partners"


def test_all_dismissed_by_feedback(client: TestClient, pair: dict[str, str]) -> None:
    dismiss = {"actor_id": pair["other"], "target_id": pair["me"], "action": "dismiss"}
    assert client.post("/v1/matches/feedback", json=dismiss).status_code == 201

    note = _note(client, f"/v1/actors/{pair['me']}/matches")

    assert note["code"] == "all_dismissed"
    assert "dismissed" in note["en"]


def test_a_minimum_score_too_high_says_the_best_there_was(
    client: TestClient, pair: dict[str, str]
) -> None:
    best = _answer(client, f"/v1/actors/{pair['me']}/matches")["data"][0]["score"]

    note = _note(client, f"/v1/actors/{pair['me']}/matches", min_score=1)

    assert note["code"] == "below_min_score"
    assert note["en"] == f"No suggestion reaches min_score 1; the best scored {best:.4f}."
    assert f"{best:.4f}" in note["de"]


class _FrozenEngine(MatchEngine):
    """An engine whose index stays as it was read: as if a write came after its snapshot."""

    def __init__(self, index: MatchIndex) -> None:
        super().__init__()
        self._frozen = index

    def index(self, session: Session) -> MatchIndex:
        return self._frozen


def test_an_actor_written_after_the_index_was_read_is_asked_for_again(
    client: TestClient, engine: Engine
) -> None:
    create_actor(client)
    with Session(engine) as session:
        frozen = _FrozenEngine(MatchEngine().index(session))
    newcomer = uuid.UUID(create_actor(client)["id"])

    with Session(engine) as session:
        partners = matches.match_actor(session, engine=frozen, actor_id=newcomer, principal=SYSTEM)
        ideas = match_joinable.match_actor_ideas(
            session, engine=frozen, actor_id=newcomer, principal=SYSTEM
        )
        groups = match_joinable.match_actor_groups(
            session, engine=frozen, actor_id=newcomer, principal=SYSTEM
        )

    for found in (partners, ideas, groups):
        assert found.data == []
        assert found.note is not None
        assert found.note.code == "not_indexed"
        assert "try again" in found.note.en


def test_an_idea_no_one_else_could_join(client: TestClient, pair: dict[str, str]) -> None:
    everyone = create_idea(client, owner_id=pair["me"], participants=[{"actor_id": pair["other"]}])
    open_idea = create_idea(client, owner_id=pair["me"], seeking_kinds=[])

    alone = _note(client, f"/v1/ideas/{everyone['id']}/matches")
    by_kind = _note(client, f"/v1/ideas/{open_idea['id']}/matches", kind="university")
    too_high = _note(client, f"/v1/ideas/{open_idea['id']}/matches", min_score=1)

    assert alone["code"] == "no_candidates"
    assert alone["en"] == "There is no actor you may see who is not in the idea already."
    assert by_kind["code"] == "filtered_out"
    assert too_high["code"] == "below_min_score"
    assert _answer(client, f"/v1/ideas/{open_idea['id']}/matches")["note"] is None


def test_a_group_no_one_else_could_join(client: TestClient, pair: dict[str, str]) -> None:
    full = create_group(client, founder_id=pair["me"])
    join(client, full["id"], pair["other"])
    half = create_group(client, founder_id=pair["me"])

    alone = _note(client, f"/v1/groups/{full['id']}/matches")
    near = _note(client, f"/v1/groups/{half['id']}/matches", radius_km=1, kind="university")
    too_high = _note(client, f"/v1/groups/{half['id']}/matches", min_score=1)

    assert alone["code"] == "no_candidates"
    assert "in the group" in alone["en"]
    assert near["code"] == "filtered_out"
    assert "(kind, radius_km)" in near["en"]
    assert too_high["code"] == "below_min_score"


def test_ideas_an_actor_could_join(client: TestClient, pair: dict[str, str]) -> None:
    path = f"/v1/actors/{pair['me']}/matches/ideas"
    none_yet = _note(client, path)
    create_idea(client, owner_id=pair["me"])
    only_own = _note(client, path)
    create_idea(client, owner_id=pair["other"], kind="joint_project", **MUNICH)

    by_kind = _note(client, path, kind="use_case")
    by_district = _note(client, path, district="Olpe")
    by_radius = _note(client, path, radius_km=10)
    too_high = _note(client, path, min_score=1)

    assert none_yet["code"] == "no_candidates"
    assert none_yet["en"] == "There are no ideas with status open, running."
    assert only_own["code"] == "already_in"
    assert by_kind["code"] == "filtered_out"
    assert "(kind)" in by_kind["en"]
    assert by_district["code"] == "filtered_out"
    assert by_radius["code"] == "filtered_out"
    assert "(radius_km)" in by_radius["en"]
    assert too_high["code"] == "below_min_score"
    assert _answer(client, path)["note"] is None


def test_groups_an_actor_could_join(client: TestClient, pair: dict[str, str]) -> None:
    path = f"/v1/actors/{pair['me']}/matches/groups"
    none_yet = _note(client, path)
    create_group(client, founder_id=pair["me"])
    only_own = _note(client, path)
    far = create_actor(client, **MUNICH)
    create_group(client, founder_id=far["id"])

    by_radius = _note(client, path, radius_km=10)
    too_high = _note(client, path, min_score=1)

    assert none_yet["code"] == "no_candidates"
    assert only_own["code"] == "already_in"
    assert by_radius["code"] == "filtered_out"
    assert too_high["code"] == "below_min_score"
    assert _answer(client, path)["note"] is None
