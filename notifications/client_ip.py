"""The client's address behind reverse proxies, for per-client rate limits and logs.

Proxy headers are believed only from a proxy the operator names (SUIJI_TRUSTED_PROXIES, default
loopback only): anybody else could write any address into them and pick their own rate bucket.
From a trusted peer, `X-Forwarded-For` is read from the right — each proxy appends the address
it saw — skipping trusted proxies; the first address that is not one is the client. Without
that header, a trusted peer's `X-Real-IP` is taken; failing both, the peer itself.

Here rather than in one adapter because the staff API's login and the portal both limit by it,
and adapters may not import each other (DESIGN.md, Layout).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from aiohttp import web

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

DEFAULT_TRUSTED_PROXIES = "127.0.0.1/32,::1/128"
# X-Forwarded-For hops looked at, at most: a client can send a long header of its own.
MAX_HOPS = 16


def _address(text: str) -> IPAddress | None:
    try:
        ip = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # A dual-stack socket shows an IPv4 peer as ::ffff:a.b.c.d.
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


@dataclass(frozen=True)
class TrustedProxies:
    networks: tuple[IPNetwork, ...]

    @classmethod
    def parse(cls, text: str) -> TrustedProxies:
        """Comma-separated addresses or CIDR networks; empty trusts nobody. A bad entry raises
        ValueError naming it."""
        networks = []
        for part in (p.strip() for p in text.split(",")):
            if not part:
                continue
            try:
                networks.append(ipaddress.ip_network(part, strict=False))
            except ValueError:
                raise ValueError(f"{part!r} is not an IP address or CIDR network") from None
        return cls(tuple(networks))

    def __contains__(self, ip: IPAddress) -> bool:
        return any(ip.version == net.version and ip in net for net in self.networks)


def client_ip(request: web.Request, trusted: TrustedProxies) -> str:
    """The client's address as text (the peer's own text if it is not an IP address at all,
    e.g. a Unix socket)."""
    remote = request.remote or "unknown"
    peer = _address(remote)
    if peer is None or peer not in trusted:
        return remote if peer is None else str(peer)
    hops = [hop for header in request.headers.getall("X-Forwarded-For", [])
            for hop in header.split(",")][-MAX_HOPS:]
    nearest = peer
    for hop in reversed(hops):
        ip = _address(hop)
        if ip is None:
            break  # garbage: nothing left of it was written by a proxy we trust
        if ip not in trusted:
            return str(ip)
        nearest = ip
    if not hops:
        real = _address(request.headers.get("X-Real-IP", ""))
        if real is not None:
            return str(real)
    return str(nearest)
