"""Named events between domains, delivered after the transaction commits.

A service calls :func:`publish` inside its transaction; subscribers run after the
commit (Zulip's ``send_event_on_commit``), so a rolled-back change tells nobody. A
domain subscribes in its ``AppConfig.ready()`` to the events of the domains it builds
on (the one-stop shop to ``payment.paid``, the market to ``traceability.lot_recalled``):
the publisher never imports its subscribers. A failing subscriber is logged and does
not stop the others.

Names are ``<domain>.<what happened>``; payloads are plain values (ids, codes, states),
never model instances, so a subscriber reads the current row itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction

log = logging.getLogger(__name__)

_subscribers: dict[str, list[Callable]] = {}


def subscribe(name: str, handler: Callable) -> None:
    """Call ``handler(name, **payload)`` after each commit that published ``name``
    (``"*"``: every event)."""
    handlers = _subscribers.setdefault(name, [])
    if handler not in handlers:
        handlers.append(handler)


def unsubscribe(name: str, handler: Callable) -> None:
    handlers = _subscribers.get(name, [])
    if handler in handlers:
        handlers.remove(handler)


def publish(name: str, **payload) -> None:
    """Run the subscribers of ``name`` after the current transaction commits."""

    def run():
        for handler in list(_subscribers.get(name, [])) + list(_subscribers.get("*", [])):
            try:
                handler(name, **payload)
            except Exception:
                log.exception("event subscriber failed: %s", name)

    transaction.on_commit(run)


__all__ = ["publish", "subscribe", "unsubscribe"]
