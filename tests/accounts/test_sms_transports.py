"""The HTTP SMS gateway transport against a real HTTP server on 127.0.0.1."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.test import override_settings

from xaso.accounts.sms import HttpGatewayTransport, SmsError, SmsMessage


@pytest.fixture
def gateway():
    received = []

    class Handler(BaseHTTPRequestHandler):
        status = 200

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"auth": self.headers["Authorization"], "body": json.loads(body)})
            self.send_response(self.server.answer)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    server.answer = 200
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, received
    server.shutdown()


def test_it_posts_json_with_the_bearer_token(gateway):
    server, received = gateway
    url = f"http://127.0.0.1:{server.server_port}/send"
    with override_settings(SMS_GATEWAY_URL=url, SMS_GATEWAY_TOKEN="t0k", SMS_SENDER="XASO"):
        HttpGatewayTransport().send(SmsMessage(to="0912000001", body="Ma xac thuc 123456"))
    assert received == [
        {
            "auth": "Bearer t0k",
            "body": {"to": "0912000001", "text": "Ma xac thuc 123456", "sender": "XASO"},
        }
    ]


def test_a_gateway_error_fails_the_task_instead_of_passing_silently(gateway):
    server, _received = gateway
    server.answer = 503
    url = f"http://127.0.0.1:{server.server_port}/send"
    with override_settings(SMS_GATEWAY_URL=url, SMS_GATEWAY_TOKEN="t"), pytest.raises(SmsError):
        HttpGatewayTransport().send(SmsMessage(to="0912000001", body="x"))


def test_an_unreachable_gateway_is_an_sms_error():
    with override_settings(SMS_GATEWAY_URL="http://127.0.0.1:9/send", SMS_GATEWAY_TOKEN="t"):
        with pytest.raises(SmsError):
            HttpGatewayTransport().send(SmsMessage(to="0912000001", body="x"))
