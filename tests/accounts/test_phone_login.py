import re

import pytest

from xaso.accounts.models import CitizenProfile, Membership, User
from xaso.accounts.sms import MemoryTransport
from xaso.audit.models import AuditEvent

pytestmark = pytest.mark.dates


def last_code() -> str:
    return re.search(r"\b(\d{6})\b", MemoryTransport.outbox[-1].body).group(1)


@pytest.fixture(autouse=True)
def client(client, django_capture_on_commit_callbacks):
    """A client whose requests deliver their SMS (sent after commit) before returning."""
    post = client.post

    def post_and_deliver(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return post(*args, **kwargs)

    client.post = post_and_deliver
    return client


@pytest.mark.django_db
def test_a_citizen_signs_in_with_a_code_sent_by_sms(client):
    r = client.post(
        "/api/v1/auth/phone-code", {"phone": "+84 987 654 321"}, content_type="application/json"
    )
    assert r.status_code == 202
    assert r.json()["phone"] == "098****321"
    assert MemoryTransport.outbox[-1].to == "0987654321"
    r = client.post(
        "/api/v1/auth/phone-code/verify",
        {"phone": "0987654321", "code": last_code()},
        content_type="application/json",
    )
    assert r.status_code == 200
    assert r.json()["has_profile"] is False
    assert client.get("/api/v1/me").json()["phone"] == "0987654321"
    assert AuditEvent.objects.filter(action="accounts.citizen.signup").exists()


@pytest.mark.django_db
def test_a_code_works_once(client):
    client.post("/api/v1/auth/phone-code", {"phone": "0987654321"}, content_type="application/json")
    code = last_code()
    body = {"phone": "0987654321", "code": code}
    assert (
        client.post(
            "/api/v1/auth/phone-code/verify", body, content_type="application/json"
        ).status_code
        == 200
    )
    r = client.post("/api/v1/auth/phone-code/verify", body, content_type="application/json")
    assert r.status_code == 400


@pytest.mark.django_db
def test_wrong_codes_lock_the_number(client):
    client.post("/api/v1/auth/phone-code", {"phone": "0987654321"}, content_type="application/json")
    good = last_code()
    wrong = "000000" if good != "000000" else "111111"
    for _ in range(5):
        r = client.post(
            "/api/v1/auth/phone-code/verify",
            {"phone": "0987654321", "code": wrong},
            content_type="application/json",
        )
        assert r.status_code == 400
    r = client.post(
        "/api/v1/auth/phone-code/verify",
        {"phone": "0987654321", "code": good},
        content_type="application/json",
    )
    assert r.status_code == 429
    assert "Retry-After" in r


@pytest.mark.django_db
def test_codes_are_rate_limited(client):
    from django.utils import timezone

    from xaso.accounts.models import PhoneCode

    r = client.post(
        "/api/v1/auth/phone-code", {"phone": "0987654321"}, content_type="application/json"
    )
    assert r.status_code == 202
    # A second request within a minute is refused.
    r = client.post(
        "/api/v1/auth/phone-code", {"phone": "0987654321"}, content_type="application/json"
    )
    assert r.status_code == 429
    # After the minute, at most 3 codes per window.
    for _ in range(2):
        PhoneCode.objects.update(created_at=timezone.now() - timezone.timedelta(minutes=2))
        assert (
            client.post(
                "/api/v1/auth/phone-code", {"phone": "0987654321"}, content_type="application/json"
            ).status_code
            == 202
        )
    PhoneCode.objects.update(created_at=timezone.now() - timezone.timedelta(minutes=2))
    assert (
        client.post(
            "/api/v1/auth/phone-code", {"phone": "0987654321"}, content_type="application/json"
        ).status_code
        == 429
    )
    assert len(MemoryTransport.outbox) == 3


@pytest.mark.django_db
def test_bad_phone_is_a_422_problem(client):
    r = client.post("/api/v1/auth/phone-code", {"phone": "12345"}, content_type="application/json")
    assert r.status_code == 422
    assert "Số điện thoại" in r.json()["detail"]


def test_sign_up_in_the_browser_then_declare_the_profile_once(client, units):
    r = client.post("/dang-ky/", {"phone": "0987654321"})
    assert r.status_code == 200 and "Đã gửi mã" in r.content.decode()
    r = client.post("/dang-ky/", {"phone": "0987654321", "code": last_code()})
    assert r.status_code == 302 and r["Location"] == "/tai-khoan/ho-so/"
    bad = {
        "full_name": "Nguyễn Văn Bình",
        "date_of_birth": "1996-05-04",
        "sex": "M",
        "identity_number": "038095001234",
        "commune_code": "15271",
        "address": "Thôn Chí Phúc",
    }
    r = client.post("/tai-khoan/ho-so/", bad)
    assert r.status_code == 400
    assert "không khớp với ngày sinh" in r.content.decode()
    good = {**bad, "date_of_birth": "1995-05-04"}
    r = client.post("/tai-khoan/ho-so/", good)
    assert r.status_code == 302
    user = User.objects.get(phone="0987654321")
    profile = CitizenProfile.objects.get(user=user)
    assert profile.commune.code == 15271 and profile.full_name_folded == "nguyen van binh"
    assert Membership.objects.filter(user=user, role="citizen", commune__code=15271).exists()
    r = client.get("/tai-khoan/")
    assert "Nguyễn Văn Bình" in r.content.decode()


def test_unknown_commune_code_in_profile(client, units):
    client.post("/dang-ky/", {"phone": "0987654321"})
    client.post("/dang-ky/", {"phone": "0987654321", "code": last_code()})
    r = client.post(
        "/tai-khoan/ho-so/",
        {"full_name": "A", "date_of_birth": "1995-05-04", "sex": "M", "commune_code": "99999"},
    )
    assert r.status_code == 400 and "Không có xã/phường" in r.content.decode()
