from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(raw: str) -> str | None:
    """A hop of X-Forwarded-For as a plain address (a port, if any, dropped)."""
    raw = raw.strip()
    if raw.startswith("[") and "]" in raw:  # "[2001:db8::1]:443"
        raw = raw[1 : raw.index("]")]
    elif raw.count(":") == 1:  # "203.0.113.7:51234"
        raw = raw.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address, as far as it can be trusted.

    Directly connected: ``REMOTE_ADDR``. Behind ``TRUSTED_PROXIES`` reverse proxies
    (``XASO_BEHIND_PROXY=1``, ``XASO_TRUSTED_PROXIES``, default 1), each of which
    appends the address it received the request from to ``X-Forwarded-For``: the
    hop that many places from the right, the one our outermost proxy wrote. Hops to
    its left were written by the client and prove nothing — taking the first one
    would let anyone choose the address that rate limits count and the audit log
    keeps. A request that carries fewer hops than there are proxies did not come
    through them all, so its own ``REMOTE_ADDR`` is used.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXIES if settings.BEHIND_PROXY else 0
    if proxies > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop for hop in (h.strip() for h in forwarded.split(",")) if hop]
        if len(hops) >= proxies:
            address = _address(hops[-proxies])
            if address is not None:
                return address
    return remote
