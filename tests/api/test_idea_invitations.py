"""An actor takes part in an idea, or leads it, only with its managers' consent: added by
someone who does not manage it, it is invited, and takes part once its managers accept."""

from typing import Any

from fastapi.testclient import TestClient

from radar.models.account import Role
from tests.conftest import ClientFactory
from tests.factories import create_actor


def _setup(client: TestClient, make_client: ClientFactory) -> dict[str, Any]:
    owner = create_actor(client, name="Ideengeber GmbH")
    other = create_actor(client, name="Umworbene AG")
    owners = make_client(Role.member, [owner["id"]])
    others = make_client(Role.member, [other["id"]])
    idea = owners.post("/v1/ideas", json={"title": "Wasserstoff-Demonstrator",
                                          "owner_id": owner["id"]})  # fmt: skip
    assert idea.status_code == 201, idea.text
    return {"owner": owner, "other": other, "owners": owners, "others": others,
            "idea": idea.json()}  # fmt: skip


def _participants(client: TestClient, idea_id: str) -> list[tuple[str, str]]:
    return [
        (p["actor_id"], p["role"])
        for p in client.get(f"/v1/ideas/{idea_id}").json()["participants"]
    ]


def test_adding_another_members_actor_invites_it_and_its_managers_accept(
    client: TestClient, make_client: ClientFactory
) -> None:
    s = _setup(client, make_client)
    idea_id, other_id = s["idea"]["id"], s["other"]["id"]

    added = s["owners"].put(f"/v1/ideas/{idea_id}/participants/{other_id}", json={"role": "lead"})
    assert added.status_code == 202, added.text
    assert (added.json()["status"], added.json()["role"]) == ("invited", "lead")
    assert _participants(client, idea_id) == []  # not without its consent
    assert [i["actor_id"] for i in s["owners"].get(f"/v1/ideas/{idea_id}/invitations").json()] == [
        other_id
    ]
    outsider = make_client(Role.member, [s["owner"]["id"]])  # manages the owner, not the actor
    assert outsider.post(f"/v1/ideas/{idea_id}/invitations/{other_id}/accept").status_code == 403

    accepted = s["others"].post(f"/v1/ideas/{idea_id}/invitations/{other_id}/accept")
    assert accepted.status_code == 200, accepted.text
    assert (accepted.json()["status"], accepted.json()["role"]) == ("active", "lead")
    assert _participants(client, idea_id) == [(other_id, "lead")]
    assert s["owners"].get(f"/v1/ideas/{idea_id}/invitations").json() == []
    again = s["others"].post(f"/v1/ideas/{idea_id}/invitations/{other_id}/accept")
    assert again.status_code == 404


def test_an_invitation_is_declined_or_withdrawn_and_an_admin_adds_directly(
    client: TestClient, make_client: ClientFactory
) -> None:
    s = _setup(client, make_client)
    idea_id, other_id = s["idea"]["id"], s["other"]["id"]
    path = f"/v1/ideas/{idea_id}/participants/{other_id}"
    assert s["owners"].put(path, json={"role": "partner"}).status_code == 202
    assert s["others"].delete(f"/v1/ideas/{idea_id}/invitations/{other_id}").status_code == 204
    assert s["owners"].get(f"/v1/ideas/{idea_id}/invitations").json() == []

    assert s["owners"].put(path, json={"role": "partner"}).status_code == 202
    assert s["owners"].delete(f"/v1/ideas/{idea_id}/invitations/{other_id}").status_code == 204
    assert _participants(client, idea_id) == []

    # An admin adds directly; the owner's managers may not then make it the lead unasked.
    assert client.put(path, json={"role": "partner"}).status_code == 201
    promoted = s["owners"].put(path, json={"role": "lead"})
    assert (promoted.status_code, promoted.json()["status"]) == (202, "invited")
    assert _participants(client, idea_id) == [(other_id, "partner")]
    assert s["others"].post(f"/v1/ideas/{idea_id}/invitations/{other_id}/accept").status_code == 200
    assert _participants(client, idea_id) == [(other_id, "lead")]


def test_an_idea_created_with_others_actors_invites_them(
    client: TestClient, make_client: ClientFactory
) -> None:
    s = _setup(client, make_client)
    own = create_actor(client, name="Eigenes Werk KG")
    owners = make_client(Role.member, [s["owner"]["id"], own["id"]])
    created = owners.post("/v1/ideas", json={
        "title": "Konsortium", "owner_id": s["owner"]["id"],
        "participants": [{"actor_id": own["id"], "role": "partner"},
                         {"actor_id": s["other"]["id"], "role": "lead"}],
    })  # fmt: skip
    assert created.status_code == 201, created.text
    idea_id = created.json()["id"]
    assert _participants(client, idea_id) == [(own["id"], "partner")]
    invited = owners.get(f"/v1/ideas/{idea_id}/invitations").json()
    assert [(i["actor_id"], i["role"]) for i in invited] == [(s["other"]["id"], "lead")]
    # The invited actor's managers see it; members managing neither see nothing.
    assert len(s["others"].get(f"/v1/ideas/{idea_id}/invitations").json()) == 1
    stranger = make_client(Role.member, [])
    assert stranger.get(f"/v1/ideas/{idea_id}/invitations").json() == []
    events = client.get("/v1/events", params={"type": "idea.participant_invited"}).json()["data"]
    assert [e["payload"]["actor_id"] for e in events] == [s["other"]["id"]]
