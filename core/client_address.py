"""The client's address, in one place: DRF throttles, django-axes and the attempt limiter read it.

`X-Forwarded-For` is trusted only when the request comes from a proxy listed in
OASIS_TRUSTED_PROXIES (addresses or networks; default none): then the right-most address that is
not itself a trusted proxy is the client. Anyone can write the header; only our own proxies'
additions count, so a forged list cannot choose the address a limit is counted against.
"""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings
from django.http import HttpRequest


@functools.cache
def _trusted_networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _is_trusted(address: str) -> bool:
    networks = _trusted_networks(tuple(settings.OASIS_TRUSTED_PROXIES))
    if not networks:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR, or behind trusted proxies the address the nearest of them saw."""
    request = getattr(request, "_request", request)  # DRF's Request wraps Django's
    address = request.META.get("REMOTE_ADDR", "")
    if not _is_trusted(address):
        return address
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return address  # garbage from the client side of the chain: the last proxy's peer stands
        address = hop
        if not _is_trusted(hop):
            return hop
    return address
