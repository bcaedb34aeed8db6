"""SMS transports, chosen by dotted path in ``XASO_SMS_TRANSPORT``.

``ConsoleTransport`` (development) prints the message; ``MemoryTransport``
(tests) keeps it in ``outbox``; ``HttpGatewayTransport`` posts JSON to the
operator's gateway at ``XASO_SMS_GATEWAY_URL`` with a bearer token.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str


class SmsError(Exception):
    pass


class ConsoleTransport:
    def send(self, message: SmsMessage) -> None:
        print(f"[SMS → {message.to}] {message.body}", flush=True)


class MemoryTransport:
    outbox: list[SmsMessage] = []

    def send(self, message: SmsMessage) -> None:
        self.outbox.append(message)


class HttpGatewayTransport:
    timeout = 10

    def send(self, message: SmsMessage) -> None:
        payload = json.dumps(
            {"to": message.to, "text": message.body, "sender": settings.SMS_SENDER}
        ).encode()
        request = urllib.request.Request(  # noqa: S310  (URL from operator configuration)
            settings.SMS_GATEWAY_URL,
            data=payload,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                if response.status >= 300:
                    raise SmsError(f"gateway answered {response.status}")
        except OSError as exc:
            raise SmsError(str(exc)) from exc


@cache
def _transport(path: str):
    return import_string(path)()


def get_transport():
    return _transport(settings.SMS_TRANSPORT)


def send_sms(to: str, body: str) -> None:
    get_transport().send(SmsMessage(to=to, body=body))
