"""The client's address behind reverse proxies: `X-Forwarded-For` only from trusted peers, by the
rightmost-untrusted-hop rule; and the `trusted_proxies` setting that lists them."""

from ipaddress import ip_network

import pytest
from pydantic import ValidationError
from starlette.requests import Request

from radar.api.client_address import client_address
from radar.settings import Settings

PROXIES = [ip_network("10.0.0.0/8"), ip_network("2001:db8:aa::/48")]


def _request(peer: str | None, *forwarded_for: str) -> Request:
    headers = [(b"x-forwarded-for", value.encode()) for value in forwarded_for]
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/",
        "headers": headers,
        "client": None if peer is None else (peer, 40_000),
    }
    return Request(scope)


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "client"),
    [
        ("198.51.100.7", [], "198.51.100.7"),
        ("192.0.2.1", ["203.0.113.9"], "192.0.2.1"),  # an untrusted peer's header is ignored
        ("127.0.0.1", ["203.0.113.9"], "127.0.0.1"),  # loopback is no proxy unless listed
        ("10.0.0.1", ["203.0.113.9"], "203.0.113.9"),
        ("10.0.0.1", ["1.1.1.1, 203.0.113.9"], "203.0.113.9"),  # the client's own claim
        ("10.0.0.1", ["1.1.1.1, 203.0.113.9, 10.9.9.9"], "203.0.113.9"),  # a chain of proxies
        ("10.0.0.1", ["1.1.1.1, 203.0.113.9", "10.9.9.9"], "203.0.113.9"),  # repeated header
        ("10.0.0.1", ["10.7.7.7, 10.9.9.9"], "10.7.7.7"),  # all trusted: the leftmost
        ("10.0.0.1", ["203.0.113.9, unknown"], "10.0.0.1"),  # garbage: the hop that wrote it
        ("10.0.0.1", ["203.0.113.9, junk, 10.9.9.9"], "10.9.9.9"),
        ("10.0.0.1", [""], "10.0.0.1"),
        ("10.0.0.1", [" , "], "10.0.0.1"),
        ("10.0.0.1", ["203.0.113.9:5555"], "203.0.113.9"),
        ("10.0.0.1", ["[2001:db8:1::9]:443"], "2001:db8:1::9"),
        ("2001:db8:aa::1", ["2001:db8:1::9"], "2001:db8:1::9"),
        ("2001:db8:bb::1", ["2001:db8:1::9"], "2001:db8:bb::1"),
        ("::ffff:10.0.0.1", ["203.0.113.9"], "203.0.113.9"),  # a dual-stack socket's form
        ("10.0.0.1", ["::ffff:203.0.113.9"], "203.0.113.9"),
        (None, ["203.0.113.9"], "unknown"),
    ],
)
def test_the_client_is_the_rightmost_hop_no_trusted_proxy_added(
    peer: str | None, forwarded_for: list[str], client: str
) -> None:
    assert client_address(_request(peer, *forwarded_for), PROXIES) == client


def test_without_trusted_proxies_the_header_never_counts() -> None:
    assert client_address(_request("10.0.0.1", "203.0.113.9"), []) == "10.0.0.1"


@pytest.mark.parametrize(
    "value",
    ["10.0.0.5, 192.168.0.0/24,2001:db8::/32", '["10.0.0.5", "192.168.0.0/24", "2001:db8::/32"]'],
)
def test_trusted_proxies_are_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("RADAR_TRUSTED_PROXIES", value)
    networks = Settings(_env_file=None).trusted_proxies
    assert networks == [
        ip_network("10.0.0.5/32"),
        ip_network("192.168.0.0/24"),
        ip_network("2001:db8::/32"),
    ]


def test_no_proxy_is_trusted_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RADAR_TRUSTED_PROXIES", raising=False)
    assert Settings(_env_file=None).trusted_proxies == []


@pytest.mark.parametrize("value", ["proxy.example", "10.0.0.5/8", "10.0.0.0/33", "[1"])
def test_a_bad_trusted_proxy_is_refused_at_start(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("RADAR_TRUSTED_PROXIES", value)
    with pytest.raises(ValidationError, match="trusted_proxies"):
        Settings(_env_file=None)
