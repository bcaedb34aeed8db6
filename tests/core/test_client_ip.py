"""The client address behind the proxy: the hop our proxy added, never one the client wrote."""

import pytest
from django.test import RequestFactory

from xaso.accounts.demo import DEMO_PASSWORD
from xaso.audit.models import AuditEvent
from xaso.core.http import client_ip

PROXY = "10.0.0.2"  # the reverse proxy, as the app sees it (REMOTE_ADDR)
REAL = "203.0.113.7"  # the visitor, as the proxy saw it


def ip(settings, forwarded=None, *, behind=True, proxies=1, remote=PROXY):
    settings.BEHIND_PROXY = behind
    settings.TRUSTED_PROXIES = proxies
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **extra))


def test_the_last_hop_is_the_one_the_proxy_added(settings):
    # nginx's $proxy_add_x_forwarded_for appends the address it saw to what the client sent.
    assert ip(settings, f"1.2.3.4, 5.6.7.8, {REAL}") == REAL
    assert ip(settings, REAL) == REAL


def test_two_proxies_count_two_hops_from_the_right(settings):
    # A load balancer, then nginx: nginx appends the balancer's address last.
    assert ip(settings, f"1.2.3.4, {REAL}, 10.0.0.9", proxies=2) == REAL


def test_fewer_hops_than_proxies_means_the_request_did_not_come_through_them(settings):
    assert ip(settings, REAL, proxies=2, remote="198.51.100.1") == "198.51.100.1"
    assert ip(settings, None) == PROXY
    assert ip(settings, " , ") == PROXY


def test_without_the_proxy_setting_the_header_is_ignored(settings):
    assert ip(settings, "1.2.3.4", behind=False, remote=REAL) == REAL


def test_a_hop_that_is_not_an_address_is_not_believed(settings):
    assert ip(settings, "1.2.3.4, not-an-ip") == PROXY
    assert ip(settings, "<script>") == PROXY


def test_ports_are_dropped_and_ipv6_is_normalised(settings):
    assert ip(settings, "203.0.113.7:51234") == REAL
    assert ip(settings, "[2001:DB8::1]:443") == "2001:db8::1"
    assert ip(settings, "2001:db8:0:0::1") == "2001:db8::1"


def test_the_number_of_proxies_is_checked_at_start(settings):
    from xaso.core.checks import check_configuration

    settings.BEHIND_PROXY, settings.TRUSTED_PROXIES = True, 0
    assert "xaso.E005" in [e.id for e in check_configuration(None)]
    settings.TRUSTED_PROXIES = 1
    assert "xaso.E005" not in [e.id for e in check_configuration(None)]
    settings.BEHIND_PROXY, settings.TRUSTED_PROXIES = False, 0  # not read: not checked
    assert "xaso.E005" not in [e.id for e in check_configuration(None)]


@pytest.fixture
def behind_proxy(settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = 1


def forged(n: int) -> dict:
    """Headers as nginx passes them on: a made-up first hop per request, then the real one."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"198.18.0.{n}, {REAL}"}


def test_a_forged_first_hop_does_not_escape_the_lookup_limit(client, demo, behind_proxy):
    codes = [
        client.get(
            "/api/v1/dossiers/lookup", {"code": "X-260101-0001", "phone": "0001"}, **forged(n)
        ).status_code
        for n in range(32)
    ]
    assert codes[0] == 404 and codes[-1] == 429
    page = client.get("/tra-cuu-ho-so/", {"ma": "X-260101-0001", "sdt": "0001"}, **forged(99))
    assert page.status_code == 429


@pytest.mark.django_db
def test_a_forged_first_hop_does_not_escape_the_sms_limit_per_address(client, behind_proxy):
    codes = [
        client.post(
            "/api/v1/auth/phone-code",
            {"phone": f"09876543{n:02d}"},
            content_type="application/json",
            **forged(n),
        ).status_code
        for n in range(21)
    ]
    assert codes[:20] == [202] * 20 and codes[20] == 429


def test_the_audit_log_keeps_the_real_address(client, demo, behind_proxy):
    r = client.post(
        "/dang-nhap/", {"username": "motcua.hatrung", "password": DEMO_PASSWORD}, **forged(1)
    )
    assert r.status_code == 302
    event = AuditEvent.objects.filter(action="accounts.login").latest("pk")
    assert event.ip == REAL
