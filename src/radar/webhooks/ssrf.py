"""The SSRF guard: webhook URLs must be https and resolve only to public addresses — checked at
registration and again when sending, and the connection goes to the address that was checked."""

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

Resolver = Callable[[str, int], list[str]]

# Beyond what `is_global` already excludes: CGNAT and the IETF protocol block.
_BLOCKED = [
    ipaddress.ip_network("100.64.0.0/10"),
    ipaddress.ip_network("192.0.0.0/24"),
]
# IPv6 forms that carry an IPv4 address or tunnel towards one: where a connection to them ends
# up depends on the embedded address or on a relay (a private IPv4 behind 6to4 or NAT64 passes
# every test above), so none of them receives webhooks, whatever it embeds.
_TRANSITION = [
    ("IPv4-mapped", ipaddress.IPv6Network("::ffff:0:0/96")),
    ("IPv4-translated", ipaddress.IPv6Network("::ffff:0:0:0/96")),
    ("IPv4-compatible", ipaddress.IPv6Network("::/96")),
    ("NAT64", ipaddress.IPv6Network("64:ff9b::/96")),
    ("local-use NAT64", ipaddress.IPv6Network("64:ff9b:1::/48")),
    ("Teredo", ipaddress.IPv6Network("2001::/32")),
    ("6to4", ipaddress.IPv6Network("2002::/16")),
]


class UnsafeUrl(ValueError):
    """The URL may not receive webhooks; the message says why."""


@dataclass(frozen=True)
class Target:
    """Where to connect for a URL: its host (for the Host header and TLS) and a checked IP."""

    url: str
    host: str
    port: int
    address: str


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses DNS gives for `host` (all of them: each must be public)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise UnsafeUrl(f"cannot resolve {host}: {error}") from error
    return sorted({str(info[4][0]) for info in infos})


def check(url: str, *, allow_private: bool, resolve: Resolver = system_resolver) -> Target:
    """The checked target of `url`, or UnsafeUrl: not https, no host, or an address that is
    loopback, private, link-local, CGNAT, multicast, reserved, or an IPv6 transition form
    (IPv4-mapped, -translated or -compatible, NAT64, Teredo, 6to4). `allow_private`
    (development and tests only) lifts both rules."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UnsafeUrl("the URL must be an absolute http(s) URL")
    if parts.scheme != "https" and not allow_private:
        raise UnsafeUrl("webhook URLs must use https")
    if parts.username or parts.password:
        raise UnsafeUrl("the URL may not carry credentials")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    host = parts.hostname
    addresses = _literal(host) or resolve(host, port)
    if not addresses:
        raise UnsafeUrl(f"{host} resolves to no address")
    if not allow_private:
        for address in addresses:
            reason = blocked(address)
            if reason:
                raise UnsafeUrl(f"{host} resolves to {address}, a {reason} address")
    return Target(url=url, host=host, port=port, address=addresses[0])


def blocked(address: str) -> str | None:
    """Why an address may not receive webhooks, or None for a public one."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and not (ip.is_loopback or ip.is_unspecified):
        for name, network in _TRANSITION:
            if ip in network:
                return f"{name} (IPv6 transition)"
    for name, test in (
        ("loopback", ip.is_loopback),
        ("private", ip.is_private),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved or ip.is_unspecified),
    ):
        if test:
            return name
    if any(ip in network for network in _BLOCKED if ip.version == network.version):
        return "shared or protocol-assignment (CGNAT, 192.0.0.0/24)"
    if not ip.is_global:
        return "non-public"
    return None


def _literal(host: str) -> list[str]:
    try:
        return [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        return []
