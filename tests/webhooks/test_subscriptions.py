"""Subscriptions: partners manage their own, admins all; URLs pass the SSRF guard at
registration and again at send time (connecting to the address checked); bad input names its
field."""

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from radar.api.app import create_app
from radar.models.account import Role
from radar.settings import Settings
from radar.webhooks import ssrf
from radar.webhooks.dispatcher import Dispatcher
from tests.factories import actor_body, issue_token
from tests.webhooks.conftest import Receiver, subscribe

BLOCKED = {
    "loopback": "127.0.0.1",
    "private": "10.1.2.3",
    "private 192.168": "192.168.0.10",
    "link-local": "169.254.169.254",
    "CGNAT": "100.64.0.1",
    "IETF protocol block": "192.0.0.8",
    "multicast": "224.0.0.1",
    "IPv6 loopback": "::1",
    "IPv6 unique local": "fd00::1",
    "IPv4-mapped loopback": "::ffff:127.0.0.1",
    "unspecified": "0.0.0.0",
    "6to4 of loopback": "2002:7f00:1::1",
}
# IPv6 forms that embed an IPv4 address or reach one through a relay: refused outright, whatever
# they embed (the embedded address is in the name).
TRANSITION = {
    "6to4 of 10.0.0.1": "2002:a00:1::1",
    "6to4 of 169.254.169.254": "2002:a9fe:a9fe::",
    "6to4 of 8.8.8.8": "2002:808:808::1",
    "Teredo": "2001::1",
    "Teredo of 192.0.2.45 via 65.54.227.120": "2001:0:4136:e378:8000:63bf:3fff:fdd2",
    "NAT64 of 127.0.0.1": "64:ff9b::7f00:1",
    "NAT64 of 169.254.169.254": "64:ff9b::a9fe:a9fe",
    "NAT64 of 8.8.8.8": "64:ff9b::808:808",
    "local-use NAT64 of 10.0.0.1": "64:ff9b:1::a00:1",
    "local-use NAT64 of 8.8.8.8": "64:ff9b:1:0:808:808::",
    "IPv4-mapped 10.0.0.1": "::ffff:10.0.0.1",
    "IPv4-mapped 169.254.169.254": "::ffff:169.254.169.254",
    "IPv4-mapped 8.8.8.8": "::ffff:8.8.8.8",
    "IPv4-compatible 127.0.0.1": "::127.0.0.1",
    "IPv4-compatible 10.0.0.1": "::10.0.0.1",
    "IPv4-compatible 8.8.8.8": "::8.8.8.8",
    "IPv4-translated 10.0.0.1": "::ffff:0:10.0.0.1",
    "IPv4-translated 8.8.8.8": "::ffff:0:8.8.8.8",
}
# Public neighbours of those ranges stay open.
PUBLIC = ["8.8.8.8", "2606:4700:4700::1111", "2001:4860:4860::8888", "2003::1", "2a00:1450::1"]


def _guarded_client(
    settings: Settings, engine: Engine, answers: dict[str, list[str]]
) -> TestClient:
    app = create_app(settings, engine=engine)  # webhooks_allow_private is off
    app.state.resolver = lambda host, port: answers[host]
    token = issue_token(engine, Role.partner)
    return TestClient(app, headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize(
    "address", [*BLOCKED.values(), *TRANSITION.values()], ids=[*BLOCKED, *TRANSITION]
)
def test_every_non_public_address_class_is_refused_at_registration(
    settings: Settings, engine: Engine, address: str
) -> None:
    with _guarded_client(settings, engine, {"hooks.example": [address]}) as client:
        response = client.post(
            "/v1/webhooks", json={"url": "https://hooks.example/in", "event_types": ["*"]}
        )

    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "url"
    assert address in response.json()["errors"][0]["message"]


def test_https_is_required_and_a_public_address_is_accepted(
    settings: Settings, engine: Engine
) -> None:
    answers = {"hooks.example": ["93.184.215.14"], "mixed.example": ["93.184.215.14", "10.0.0.1"]}
    with _guarded_client(settings, engine, answers) as client:
        plain = client.post("/v1/webhooks", json={"url": "http://hooks.example/in",
                                                  "event_types": ["*"]})  # fmt: skip
        mixed = client.post("/v1/webhooks", json={"url": "https://mixed.example/in",
                                                  "event_types": ["*"]})  # fmt: skip
        good = client.post("/v1/webhooks", json={"url": "https://hooks.example/in",
                                                 "event_types": ["actor.*"]})  # fmt: skip

    assert plain.status_code == 422
    assert "https" in plain.json()["errors"][0]["message"]
    assert mixed.status_code == 422  # every address must be public
    assert good.status_code == 201, good.text


@pytest.mark.parametrize("address", list(BLOCKED.values()), ids=list(BLOCKED))
def test_a_dns_answer_changed_after_registration_is_refused_at_send_time(
    settings: Settings, admin: TestClient, receiver: Receiver, engine: Engine, address: str
) -> None:
    with _guarded_client(settings, engine, {"hooks.example": ["93.184.215.14"]}) as partner:
        subscribe(partner, "https://hooks.example/in", "actor.created")
        admin.post("/v1/actors", json=actor_body())
        rebound = Dispatcher(engine, allow_private=False, resolve=lambda host, port: [address])

        rebound.run_until_idle()

        (subscription,) = partner.get("/v1/webhooks").json()["data"]
        log = partner.get(f"/v1/webhooks/{subscription['id']}/deliveries").json()["data"]
    assert receiver.received == []
    assert log[0]["status"] == "pending"  # to be tried again later
    assert "refused" in log[0]["attempt_log"][0]["error"]
    assert address in log[0]["attempt_log"][0]["error"]


def test_the_connection_goes_to_the_address_that_was_checked(
    private_settings: Settings, admin: TestClient, receiver: Receiver, engine: Engine
) -> None:
    # The URL names a host DNS does not know; the guard's answer is where it connects.
    answers = {"hooks.invalid": ["127.0.0.1"]}
    with _guarded_client(private_settings, engine, answers) as partner:
        subscribe(partner, f"http://hooks.invalid:{receiver.port}/in", "actor.created")
    admin.post("/v1/actors", json=actor_body())
    dispatcher = Dispatcher(engine, allow_private=True, resolve=lambda host, port: ["127.0.0.1"])

    dispatcher.run_until_idle()

    (got,) = receiver.received
    assert got.headers["host"] == f"hooks.invalid:{receiver.port}"


def test_partners_manage_their_own_subscriptions_and_admins_all(
    partner: TestClient, admin: TestClient, private_settings: Settings, engine: Engine,
    receiver: Receiver,
) -> None:  # fmt: skip
    mine = subscribe(partner, receiver.url, "actor.*")
    token = issue_token(engine, Role.partner)
    with TestClient(create_app(private_settings, engine=engine),
                    headers={"Authorization": f"Bearer {token}"}) as other:  # fmt: skip
        assert other.get(f"/v1/webhooks/{mine['id']}").status_code == 404
        assert other.get("/v1/webhooks").json()["data"] == []
        assert other.delete(f"/v1/webhooks/{mine['id']}").status_code == 404
    member_token = issue_token(engine, Role.member)
    member = TestClient(
        create_app(private_settings, engine=engine),
        headers={"Authorization": f"Bearer {member_token}"},
    )
    with member:
        body = {"url": receiver.url, "event_types": ["*"]}
        assert member.post("/v1/webhooks", json=body).status_code == 403
    assert [s["id"] for s in admin.get("/v1/webhooks").json()["data"]] == [mine["id"]]
    changed = partner.patch(f"/v1/webhooks/{mine['id']}", json={"event_types": ["idea.*"],
                                                                "enabled": False})  # fmt: skip
    assert changed.status_code == 200, changed.text
    assert (changed.json()["event_types"], changed.json()["enabled"]) == (["idea.*"], False)
    assert partner.delete(f"/v1/webhooks/{mine['id']}").status_code == 204
    assert partner.get(f"/v1/webhooks/{mine['id']}").status_code == 404


def test_bad_subscriptions_are_problems_naming_the_field(
    partner: TestClient, receiver: Receiver
) -> None:
    for body, field in (
        ({"url": receiver.url, "event_types": ["actor"]}, "event_types"),
        ({"url": receiver.url, "event_types": []}, "event_types"),
        ({"url": "ftp://x.example/", "event_types": ["*"]}, "url"),
        ({"url": receiver.url, "event_types": ["*"], "colour": "red"}, "colour"),
    ):
        response = partner.post("/v1/webhooks", json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["errors"][0]["field"] == field
    assert partner.get(f"/v1/webhooks/{uuid.uuid4()}").status_code == 404
    types = partner.get("/v1/webhooks/event-types").json()["data"]
    assert {"actor.created", "group.member_joined", "ping", "webhook.disabled"} <= {
        t["type"] for t in types
    }


def test_the_guard_classifies_addresses() -> None:
    for name, address in BLOCKED.items():
        assert ssrf.blocked(address), name
    for address in PUBLIC:
        assert ssrf.blocked(address) is None, address
        host = f"[{address}]" if ":" in address else address
        assert ssrf.check(f"https://{host}/in", allow_private=False).address == address


@pytest.mark.parametrize(("name", "address"), list(TRANSITION.items()), ids=list(TRANSITION))
def test_every_ipv6_transition_form_is_refused_in_a_literal_url_and_in_dns(
    name: str, address: str
) -> None:
    reason = ssrf.blocked(address)
    assert reason is not None
    assert name.split()[0] in reason  # names the form: 6to4, Teredo, NAT64, IPv4-…
    with pytest.raises(ssrf.UnsafeUrl, match="transition"):
        ssrf.check(f"https://[{address}]:8443/in", allow_private=False)
    with pytest.raises(ssrf.UnsafeUrl, match="transition"):
        ssrf.check(
            "https://hooks.example/in",
            allow_private=False,
            resolve=lambda host, port: ["93.184.215.14", address],
        )
