"""Deliveries that retry with backoff and, when they give up, show in the office
(core.retry), for SMS, e-mail and documents alike."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from xaso.accounts.sms import SmsError
from xaso.accounts.tasks import send_code_sms_task, send_email_task, send_sms_task
from xaso.audit.models import AuditEvent
from xaso.core.models import FailedDelivery
from xaso.core.retry import backoff

FLAKY = "tests.core.test_retry.FlakyTransport"
OFFICE = "/x/15271/van-phong/gui-that-bai/"


class FlakyTransport:
    """Fails the first ``failures`` messages, then delivers."""

    failures = 0
    tries = 0
    sent: list = []

    def send(self, message):
        FlakyTransport.tries += 1
        if FlakyTransport.tries <= FlakyTransport.failures:
            raise SmsError("gateway answered 503")
        FlakyTransport.sent.append(message)


@pytest.fixture
def flaky(settings):
    from xaso.accounts import sms

    settings.SMS_TRANSPORT = FLAKY
    sms._transport.cache_clear()
    FlakyTransport.tries, FlakyTransport.sent = 0, []

    def _fail(n: int):
        FlakyTransport.failures = n
        return FlakyTransport

    yield _fail
    sms._transport.cache_clear()


def test_backoff_doubles_up_to_the_cap_with_half_of_it_random():
    assert [backoff(n, base=60, cap=3600, rng=lambda: 0.0) for n in (1, 2, 3, 4)] == [
        30,
        60,
        120,
        240,
    ]
    assert [backoff(n, base=60, cap=3600, rng=lambda: 1.0) for n in (1, 2, 3, 4)] == [
        60,
        120,
        240,
        480,
    ]
    assert backoff(20, base=60, cap=3600, rng=lambda: 1.0) == 3600
    assert 1800 <= backoff(20, base=60, cap=3600) <= 3600


@pytest.mark.django_db
def test_a_delivery_that_recovers_leaves_no_failure(flaky):
    flaky(2)
    send_sms_task.enqueue(to="0912345678", body="Xa So: ho so X")
    assert FlakyTransport.tries == 3 and len(FlakyTransport.sent) == 1
    assert not FailedDelivery.objects.exists()


def test_a_delivery_that_gives_up_is_recorded_for_the_commune(flaky, commune_a):
    flaky(99)
    send_sms_task.enqueue(to="0912345678", body="Xa So: ho so X", commune_id=commune_a.pk)
    assert FlakyTransport.tries == 5
    failure = FailedDelivery.objects.get()
    assert failure.commune == commune_a and failure.attempts == 5 and failure.channel == "sms"
    assert failure.recipient == "0912345678" and failure.masked_recipient == "0912***678"
    assert "503" in failure.error and failure.retryable
    assert failure.kwargs == {
        "to": "0912345678",
        "body": "Xa So: ho so X",
        "commune_id": commune_a.pk,
    }


@pytest.mark.django_db
def test_a_sign_in_code_is_never_kept_in_the_record(flaky):
    flaky(99)
    send_code_sms_task.enqueue(to="0912345678", body="Ma xac thuc Xa So cua ban la 123456.")
    failure = FailedDelivery.objects.get()
    assert FlakyTransport.tries == 3 and failure.commune is None
    assert failure.kwargs == {} and not failure.retryable
    assert "123456" not in failure.summary + failure.error


@pytest.mark.django_db
def test_with_a_queue_the_next_try_waits(settings, flaky):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    flaky(99)
    start = timezone.now()
    with pytest.raises(SmsError):
        send_sms_task.call(to="0912345678", body="x")  # the worker runs try 1
    again = DBTaskResult.objects.get()
    assert again.args_kwargs["kwargs"]["_attempt"] == 2
    wait = (again.run_after - start).total_seconds()
    assert 30 <= wait <= 61
    assert not FailedDelivery.objects.exists()


def test_the_commune_admin_sees_and_sends_again(
    flaky, commune_a, login_as, commune_b, django_capture_on_commit_callbacks
):
    flaky(99)
    send_sms_task.enqueue(to="0912345678", body="Xa So: ho so X", commune_id=commune_a.pk)
    send_sms_task.enqueue(to="0987654321", body="Xa So: B", commune_id=commune_b.pk)
    admin = login_as("quantri.hatrung")
    page = admin.get(OFFICE).content.decode()
    assert "0912***678" in page and "0912345678" not in page and "0987" not in page
    mine = FailedDelivery.objects.get(commune=commune_a)
    other = FailedDelivery.objects.get(commune=commune_b)
    # Another commune's record cannot be sent from here.
    assert admin.post(OFFICE, {"retry": other.pk}).status_code == 404
    flaky(0)  # the gateway is back
    with django_capture_on_commit_callbacks(execute=True):
        r = admin.post(OFFICE, {"retry": mine.pk})
    assert r.status_code == 302
    assert [m.to for m in FlakyTransport.sent] == ["0912345678"]
    mine.refresh_from_db()
    assert mine.retried_at is not None and mine.retried_by.username == "quantri.hatrung"
    assert AuditEvent.objects.filter(action="core.delivery.retry").count() == 1
    assert "0912***678" not in admin.get(OFFICE).content.decode()
    assert admin.post(OFFICE, {"retry": mine.pk}).status_code == 404  # once
    assert login_as("motcua.hatrung").get(OFFICE).status_code == 403


def test_a_failed_email_is_recorded_and_sent_again(
    settings, commune_a, django_capture_on_commit_callbacks
):
    from tests.conftest import user
    from xaso.core.retry import send_again

    settings.EMAIL_BACKEND = "tests.core.test_retry.BrokenEmailBackend"
    send_email_task.enqueue(
        to="an@example.vn", subject="Hồ sơ X", body="…", commune_id=commune_a.pk
    )
    failure = FailedDelivery.objects.get()
    assert failure.channel == "email" and failure.attempts == 6
    assert failure.masked_recipient == "a***@example.vn" and failure.summary == "Hồ sơ X"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert send_again(user("quantri.hatrung"), failure, ip="203.0.113.7")
    assert [m.to for m in mail.outbox] == [["an@example.vn"]]


class GarbledTransport:
    def send(self, message):
        raise SmsError("gateway said \x00\x1b[31m no")


class BrokenEmailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("relay down")


def test_the_django_admin_lists_and_sends_again(
    flaky, client, demo, django_capture_on_commit_callbacks
):
    from tests.conftest import user

    flaky(99)
    send_sms_task.enqueue(to="0912345678", body="Xa So: ho so X")
    client.force_login(user("admin"))
    r = client.get("/quan-tri/core/faileddelivery/")
    assert r.status_code == 200 and "0912***678" in r.content.decode()
    flaky(0)
    failure = FailedDelivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            "/quan-tri/core/faileddelivery/",
            {"action": "send_again", "_selected_action": [failure.pk]},
        )
    assert r.status_code == 302
    failure.refresh_from_db()
    assert failure.retried_at is not None and len(FlakyTransport.sent) == 1


@pytest.mark.django_db
def test_the_database_worker_waits_then_tries_again_then_gives_up(settings, flaky, monkeypatch):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult
    from freezegun import freeze_time

    # The worker closes connections older than DB_CONN_MAX_AGE, and the clock jumps
    # hours here: that would close the test's own connection.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    flaky(99)
    start = timezone.now()
    with freeze_time(start) as clock:
        send_sms_task.enqueue(to="0912345678", body="Xa So: ho so X")

        def work():
            call_command("db_worker", batch=True, startup_delay=False, reload=False, interval=0)

        for expected in range(1, 6):
            work()
            assert FlakyTransport.tries == expected
            work()  # nothing is due yet: the next try waits
            assert FlakyTransport.tries == expected
            clock.tick(dt.timedelta(hours=1))
        assert FailedDelivery.objects.get().attempts == 5
        assert DBTaskResult.objects.count() == 5


@pytest.mark.django_db
def test_a_gateway_error_with_control_characters_is_still_recorded(settings, flaky):
    from xaso.accounts import sms

    settings.SMS_TRANSPORT = "tests.core.test_retry.GarbledTransport"
    sms._transport.cache_clear()
    send_sms_task.enqueue(to="0912345678", body="x")
    assert FailedDelivery.objects.get().error == "SmsError: gateway said \ufffd\ufffd[31m no"
