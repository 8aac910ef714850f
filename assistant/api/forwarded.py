"""The caller's address behind reverse proxies: forwarded headers count only from trusted ones.

Anyone can send `X-Forwarded-For`; believed from every peer, it lets a client pick the address
that login throttling counts and the audit trail records. So the headers are read only when the
direct peer is in `trusted_proxies`, and then the client is the right-most address in the chain
that is not itself a trusted proxy (addresses further left were written by the client and prove
nothing). `X-Real-IP` serves when there is no `X-Forwarded-For`.

    >>> TrustedProxies(["10.0.0.0/8"]).client("10.0.0.2", forwarded_for="1.2.3.4, 203.0.113.9, 10.0.0.7")
    '203.0.113.9'
    >>> TrustedProxies([]).client("198.51.100.1", forwarded_for="1.2.3.4")
    '198.51.100.1'
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.requests import Request

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str]) -> list[Network]:
    """IP addresses or CIDR blocks; a bad one is refused naming it (ValueError)."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(f"trusted_proxies 中的“{value}”不是 IP 地址或网段（如 10.0.0.1、10.0.0.0/8）") from None
    return networks


class TrustedProxies:
    """Which peers may tell us who the client is."""

    def __init__(self, networks: Iterable[str]) -> None:
        self.networks = parse_networks(networks)

    def trusts(self, address: str) -> bool:
        """Whether `address` is one of the configured proxies."""
        ip = _ip(address)
        return ip is not None and any(ip in net for net in self.networks)

    def client(self, peer: str, *, forwarded_for: str = "", real_ip: str = "") -> str:
        """The client's address given the direct peer and the forwarded headers it sent."""
        if not self.networks or not self.trusts(peer):
            return peer
        hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
        if not hops and real_ip.strip():
            hops = [real_ip.strip()]
        client = peer
        for hop in reversed(hops):
            ip = _ip(hop)
            if ip is None:
                break  # a proxy of ours wrote garbage: keep the last address we can vouch for
            client = str(ip)
            if not self.trusts(hop):
                break
        return client


def request_client(request: Request) -> str:
    """This request's client address under the app's `trusted_proxies` (what throttling and audit use)."""
    peer = request.client.host if request.client else ""
    proxies: TrustedProxies | None = getattr(request.app.state, "proxies", None)
    if proxies is None:
        return peer
    forwarded_for = ",".join(request.headers.getlist("x-forwarded-for"))
    return proxies.client(peer, forwarded_for=forwarded_for, real_ip=request.headers.get("x-real-ip", ""))


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None
