"""The client's address: the direct peer, or what configured reverse proxies say they saw."""

import ipaddress
from collections.abc import Sequence

from starlette.requests import Request

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def client_address(request: Request, trusted_proxies: Sequence[Network]) -> str:
    """The address a request came from; `X-Forwarded-For` counts only from a trusted peer."""
    host = request.client.host if request.client else "unknown"
    peer = str(_parse(host) or host)
    forwarded = request.headers.getlist("x-forwarded-for")
    if not forwarded or not _trusted(peer, trusted_proxies):
        return peer
    return forwarded_client(peer, ",".join(forwarded), trusted_proxies)


def forwarded_client(peer: str, forwarded_for: str, trusted_proxies: Sequence[Network]) -> str:
    """The rightmost-untrusted-hop rule: each proxy appends the address it saw, so from the
    right, the first address that is not a trusted proxy's is the client (anything to its left
    is whatever that client chose to send). If every hop is trusted, the leftmost is the
    client; an entry that is no IP address ends the walk at the last trusted hop, which is the
    one that wrote it."""
    hops = [hop.strip() for hop in forwarded_for.split(",")]
    nearest = peer
    for hop in reversed(hops):
        if not hop:
            continue
        address = _parse(hop)
        if address is None:
            return nearest
        if not _trusted(address, trusted_proxies):
            return str(address)
        nearest = str(address)
    return nearest


def _trusted(address: str | Address, trusted_proxies: Sequence[Network]) -> bool:
    ip = _parse(address) if isinstance(address, str) else address
    return ip is not None and any(
        ip.version == network.version and ip in network for network in trusted_proxies
    )


def _parse(value: str) -> Address | None:
    """An IP address, with or without a port (`192.0.2.1:80`, `[2001:db8::1]:80`); a
    dual-stack socket's IPv4-mapped form counts as the IPv4 address."""
    if value.startswith("["):
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:
        value = value.partition(":")[0]
    try:
        ip = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip
