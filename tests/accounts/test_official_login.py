import pyotp
import pytest
from django.conf import settings

from xaso.accounts.demo import DEMO_PASSWORD
from xaso.accounts.models import User
from xaso.audit.models import AuditEvent

pytestmark = pytest.mark.dates


def test_officials_sign_in_with_username_and_password(client, demo):
    r = client.post("/dang-nhap/", {"username": "motcua.hatrung", "password": DEMO_PASSWORD})
    assert r.status_code == 302
    assert client.get("/x/15271/van-phong/").status_code == 200


def test_production_hasher_is_argon2():
    from xaso import settings as prod

    assert prod.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_repeated_failures_lock_the_account(client, demo):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        r = client.post("/dang-nhap/", {"username": "motcua.hatrung", "password": "wrong"})
        assert r.status_code == 400
    r = client.post("/dang-nhap/", {"username": "motcua.hatrung", "password": DEMO_PASSWORD})
    assert r.status_code == 429
    assert "quá nhiều lần" in r.content.decode()
    assert AuditEvent.objects.filter(action="accounts.login.locked").exists()


def test_totp_is_asked_after_the_password_when_enabled(client, demo):
    from xaso.accounts.services import confirm_totp, start_totp

    user = User.objects.get(username="chutich.hatrung")
    start_totp(user)
    confirm_totp(user, pyotp.TOTP(user.totp_secret).now())
    r = client.post("/dang-nhap/", {"username": "chutich.hatrung", "password": DEMO_PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/dang-nhap/xac-thuc-hai-buoc/"
    assert client.get("/tai-khoan/").status_code == 302  # not signed in yet
    r = client.post("/dang-nhap/xac-thuc-hai-buoc/", {"code": "000000"})
    assert r.status_code == 400
    r = client.post("/dang-nhap/xac-thuc-hai-buoc/", {"code": pyotp.TOTP(user.totp_secret).now()})
    assert r.status_code == 302
    assert client.get("/tai-khoan/").status_code == 200


def test_security_page_sets_up_totp(demo, login_as):
    c = login_as("quantri.hatrung")
    r = c.post("/tai-khoan/bao-mat/", {"action": "start"})
    assert "<svg" in r.content.decode()
    user = User.objects.get(username="quantri.hatrung")
    r = c.post(
        "/tai-khoan/bao-mat/", {"action": "confirm", "code": pyotp.TOTP(user.totp_secret).now()}
    )
    assert r.status_code == 302
    user.refresh_from_db()
    assert user.totp_enabled


@pytest.mark.django_db
def test_open_redirects_are_refused(client, demo):
    r = client.post(
        "/dang-nhap/?next=https://evil.example/",
        {"username": "motcua.hatrung", "password": DEMO_PASSWORD},
    )
    assert r["Location"] == "/tai-khoan/"


def test_the_locked_out_page_says_how_long_to_wait(client, demo):
    import datetime as dt

    from freezegun import freeze_time

    start = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
    with freeze_time(start) as clock:
        for _ in range(settings.LOGIN_MAX_FAILURES):
            client.post("/dang-nhap/", {"username": "motcua.hatrung", "password": "wrong"})
        r = client.post("/dang-nhap/", {"username": "motcua.hatrung", "password": DEMO_PASSWORD})
        assert r.status_code == 429
        assert int(r["Retry-After"]) == settings.LOGIN_LOCKOUT_SECONDS
        clock.tick(dt.timedelta(seconds=600))
        r = client.post("/dang-nhap/", {"username": "motcua.hatrung", "password": DEMO_PASSWORD})
        assert r.status_code == 429
        assert int(r["Retry-After"]) == settings.LOGIN_LOCKOUT_SECONDS - 600
        clock.tick(dt.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS - 600 + 1))
        r = client.post("/dang-nhap/", {"username": "motcua.hatrung", "password": DEMO_PASSWORD})
        assert r.status_code == 302 and "Retry-After" not in r
