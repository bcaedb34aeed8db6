"""Deadlines, codes, notifications, reminders and figures."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.dossiers.conftest import APPLICANT, FORM, make_procedure, vn
from xaso.core.problems import Problem
from xaso.dossiers import selectors, services
from xaso.dossiers.models import Alert, Dossier, Notice, State

pytestmark = pytest.mark.dates

SCORES = {
    k: 2 for k in ("contacts", "agencies", "one_stop", "publication", "attitude", "complaints")
}


# --- Deadlines (3 working days; January 2026 has no holiday after the 1st) -------------


@pytest.mark.parametrize(
    ("channel", "submitted", "received", "due"),
    [
        # Counter before the 15:00 cut-off: received now, due on the 3rd working day after.
        ("counter", vn(2026, 1, 12, 14, 59), vn(2026, 1, 12, 14, 59), vn(2026, 1, 15, 17)),
        # Counter after 15:00: received at the start of the next working day.
        ("counter", vn(2026, 1, 12, 15, 1), vn(2026, 1, 13, 7, 30), vn(2026, 1, 16, 17)),
        # Online until the end of office hours counts the same day …
        ("online", vn(2026, 1, 12, 16, 30), vn(2026, 1, 12, 16, 30), vn(2026, 1, 15, 17)),
        # … after it, the next working day.
        ("online", vn(2026, 1, 12, 17, 30), vn(2026, 1, 13, 7, 30), vn(2026, 1, 16, 17)),
        # Friday: the weekend is not counted.
        ("counter", vn(2026, 1, 16, 10), vn(2026, 1, 16, 10), vn(2026, 1, 21, 17)),
        # Saturday online: received on Monday morning.
        ("online", vn(2026, 1, 17, 9), vn(2026, 1, 19, 7, 30), vn(2026, 1, 22, 17)),
        # Lunar Tết 2027 (4–10 February off): the clock stands still.
        ("counter", vn(2027, 2, 3, 10), vn(2027, 2, 3, 10), vn(2027, 2, 15, 17)),
        ("counter", vn(2027, 2, 3, 15, 30), vn(2027, 2, 11, 7, 30), vn(2027, 2, 16, 17)),
        ("online", vn(2027, 2, 6, 9), vn(2027, 2, 11, 7, 30), vn(2027, 2, 16, 17)),
    ],
)
def test_receipt_and_due_date(submit, channel, submitted, received, due):
    d = submit(channel, now=submitted)
    assert d.received_at == received
    assert d.due_at == due == d.original_due_at


def test_the_clock_restarts_from_zero_after_the_supplement(submit, officer, specialist):
    d = services.start(officer, submit(now=vn(2026, 1, 12, 10)))
    assert d.due_at == vn(2026, 1, 15, 17)
    d = services.request_supplement(specialist, d, reason="Thiếu giấy chứng sinh")
    # Complete on Wednesday after 15:00 at the counter → received Thursday morning.
    d = services.supplement_complete(officer, d, now=vn(2026, 1, 14, 16))
    assert d.received_at == vn(2026, 1, 15, 7, 30)
    assert d.due_at == d.original_due_at == vn(2026, 1, 20, 17)


def test_the_apology_sets_a_new_date_once_and_in_time(submit, officer, specialist):
    d = services.start(officer, submit(now=vn(2026, 1, 12, 10)))  # due Thu 15
    # On the due day itself it is too late (less than one working day before).
    with pytest.raises(Problem) as exc:
        services.apologize(
            specialist,
            d,
            reason="Chậm xác minh",
            new_due=dt.date(2026, 1, 20),
            now=vn(2026, 1, 15, 9),
        )
    assert exc.value.code == "apology-too-late"
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):  # a weekend is not a working day
        services.apologize(
            specialist, d, reason="x", new_due=dt.date(2026, 1, 17), now=vn(2026, 1, 14, 9)
        )
    with pytest.raises(ValidationError):  # not later than the current date
        services.apologize(
            specialist, d, reason="x", new_due=dt.date(2026, 1, 15), now=vn(2026, 1, 14, 9)
        )
    d = services.apologize(
        specialist, d, reason="Chậm xác minh", new_due=dt.date(2026, 1, 20), now=vn(2026, 1, 14, 9)
    )
    assert d.due_at == vn(2026, 1, 20, 17) and d.original_due_at == vn(2026, 1, 15, 17)
    with pytest.raises(Problem) as exc:
        services.apologize(
            specialist, d, reason="Lần hai", new_due=dt.date(2026, 1, 22), now=vn(2026, 1, 14, 10)
        )
    assert exc.value.code == "apology-already-sent"
    # Done on the new date: on time for the citizen's promise, late against the law.
    d = services.forward(specialist, d)
    d = services.complete(d.assignee or _leader(), d, now=vn(2026, 1, 19, 10))
    assert d.on_time is False


def _leader():
    from tests.conftest import user

    return user("chutich.hatrung")


# --- Codes ------------------------------------------------------------------------------


def test_code_format_and_daily_sequence(submit):
    a = submit(now=vn(2026, 1, 12, 9))
    b = submit(now=vn(2026, 1, 12, 23, 50))
    c = submit(now=vn(2026, 1, 13, 0, 5))
    assert re.fullmatch(r"000\.00\.38\.H56-260112-0001", a.code)
    assert b.code == "000.00.38.H56-260112-0002"
    assert c.code == "000.00.38.H56-260113-0001"  # the sequence restarts each day


def test_fallback_agency_code_and_five_digits_after_9999(commune_b, procedure_b):
    from tests.conftest import user
    from xaso.dossiers.models import DossierCounter

    officer_b = user("motcua.xakhac")
    DossierCounter.objects.create(agency="XA.15274", day=dt.date(2026, 1, 12), last=9999)
    d = services.submit_dossier(
        officer_b,
        commune_b,
        procedure_code=procedure_b.code,
        channel="counter",
        applicant=APPLICANT,
        form=FORM,
        now=vn(2026, 1, 12, 9),
    )
    assert d.code == "XA.15274-260112-10000"


def test_a_failed_submission_does_not_use_a_number(submit, commune_a, procedure, officer):
    from django.core.exceptions import ValidationError

    submit(now=vn(2026, 1, 12, 9))
    with pytest.raises(ValidationError):
        services.submit_dossier(
            officer,
            commune_a,
            procedure_code=procedure.code,
            channel="counter",
            applicant=APPLICANT,
            form={"child_name": ""},
            now=vn(2026, 1, 12, 9),
        )
    assert submit(now=vn(2026, 1, 12, 9)).code.endswith("-0002")


# --- Submission rules -------------------------------------------------------------------


def test_bad_input_is_refused_with_field_messages(commune_a, procedure, officer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.submit_dossier(
            officer,
            commune_a,
            procedure_code=procedure.code,
            channel="counter",
            applicant={"full_name": "", "phone": "123", "id_number": "12"},
            form={"child_name": "An", "birth_date": "31/02/2026"},
        )
    keys = set(exc.value.message_dict)
    assert {"applicant.full_name", "applicant.phone", "applicant.id_number"} <= keys
    assert Dossier.objects.count() == 0


def test_unknown_or_inactive_procedure(commune_a, procedure, officer):
    from django.core.exceptions import ValidationError

    procedure.active = False
    procedure.save()
    with pytest.raises(ValidationError):
        services.submit_dossier(
            officer,
            commune_a,
            procedure_code=procedure.code,
            channel="counter",
            applicant=APPLICANT,
            form=FORM,
        )


def test_a_citizen_cannot_file_at_the_counter(commune_a, procedure, citizen):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.submit_dossier(
            citizen,
            commune_a,
            procedure_code=procedure.code,
            channel="counter",
            applicant=APPLICANT,
            form=FORM,
        )


def test_the_counter_links_the_dossier_to_the_citizens_account(submit, citizen):
    assert submit("counter").applicant_user == citizen


# --- Notifications ----------------------------------------------------------------------


def test_every_state_change_notifies_by_sms_email_and_in_app(
    submit, officer, citizen, django_capture_on_commit_callbacks, mailoutbox
):
    from xaso.accounts.sms import MemoryTransport

    with django_capture_on_commit_callbacks(execute=True):
        d = submit("online")
    with django_capture_on_commit_callbacks(execute=True):
        services.receive(officer, d)
    sms = [m for m in MemoryTransport.outbox if m.to == "0912000001"]
    assert len(sms) == 2 and d.code in sms[-1].body and "duoc tiep nhan" in sms[-1].body
    assert sms[-1].body.isascii()
    assert len(mailoutbox) == 2 and "Được tiếp nhận" in mailoutbox[-1].subject
    notices = Notice.objects.filter(user=citizen, dossier=d)
    assert notices.count() == 2 and "Được tiếp nhận" in notices.first().body


def test_the_citizen_is_told_through_a_task_not_in_the_request(
    submit, officer, django_capture_on_commit_callbacks, monkeypatch
):
    from xaso.dossiers import tasks

    queued = []

    class Task:
        @staticmethod
        def enqueue(**kwargs):
            queued.append(kwargs)

    monkeypatch.setattr(tasks, "notify_citizen_task", Task)
    d = submit("online")
    with django_capture_on_commit_callbacks(execute=True):
        services.receive(officer, d)
    assert queued == [{"dossier_id": d.pk, "state": State.RECEIVED, "note": ""}]


def test_nothing_is_sent_when_the_transaction_rolls_back(
    submit, officer, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from xaso.accounts.sms import MemoryTransport

    d = submit("online")
    MemoryTransport.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                services.receive(officer, d)
                raise RuntimeError
        except RuntimeError:
            pass
    assert callbacks == [] and MemoryTransport.outbox == []


def test_a_transport_can_be_swapped(settings, submit, officer, django_capture_on_commit_callbacks):
    from xaso.dossiers import notify

    seen = []

    class Spy:
        def send(self, dossier, user, subject, body, sms):
            seen.append((dossier.code, subject))

    settings.DOSSIER_NOTIFIERS = ["tests.dossiers.test_rules.SPY"]
    global SPY
    SPY = Spy
    notify._notifier.cache_clear()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            d = submit("online")
    finally:
        notify._notifier.cache_clear()
    assert seen == [(d.code, f"Hồ sơ {d.code}: Mới đăng ký")]


SPY = None


# --- Reminders --------------------------------------------------------------------------


def test_reminders_warn_once_per_step_and_once_before_the_due_date(
    submit, officer, specialist, leader, django_capture_on_commit_callbacks
):
    d = services.start(officer, submit(now=vn(2026, 1, 12, 10)), assignee=specialist)
    Dossier.objects.filter(pk=d.pk).update(step_started_at=vn(2026, 1, 12, 10))
    # Monday: the specialist's one-day budget is untouched, the due date is far.
    assert services.send_reminders(now=vn(2026, 1, 12, 11)) == {"step": 0, "at_risk": 0}
    # Tuesday: the step's budget is spent.
    assert services.send_reminders(now=vn(2026, 1, 13, 9)) == {"step": 1, "at_risk": 0}
    assert services.send_reminders(now=vn(2026, 1, 13, 15)) == {"step": 0, "at_risk": 0}
    # Wednesday: due on Thursday — one working day left: the leaders are alerted, once.
    assert services.send_reminders(now=vn(2026, 1, 14, 9))["at_risk"] == 1
    assert services.send_reminders(now=vn(2026, 1, 14, 16))["at_risk"] == 0
    step_alert = Alert.objects.get(dossier=d, kind="step")
    risk = Alert.objects.get(dossier=d, kind="at_risk")
    assert step_alert.recipients == [specialist.pk]
    assert leader.pk in risk.recipients


def test_the_reminder_command_runs(submit, officer):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("dossier_reminders", stdout=out)
    assert "0" in out.getvalue()


# --- Figures ----------------------------------------------------------------------------


def test_stats_against_a_hand_computed_set(
    commune_a, procedure, officer, specialist, leader, citizen
):
    partial = make_procedure(commune_a, "2.000001", online="mot_phan")

    def go(channel, proc, actor):
        return services.submit_dossier(
            actor,
            commune_a,
            procedure_code=proc.code,
            channel=channel,
            applicant=APPLICANT,
            form=FORM,
            now=vn(2026, 1, 12, 10),
        )

    def finish(d, done_at):
        if d.state == State.NEW:
            d = services.receive(officer, d)
        d = services.start(officer, d)
        d = services.forward(specialist, d)
        d = services.complete(leader, d, now=done_at)
        return services.return_result(officer, d, method="pickup")

    a = finish(go("counter", procedure, officer), vn(2026, 1, 14, 10))  # on time, 2 days
    b = finish(go("online", procedure, citizen), vn(2026, 1, 16, 10))  # late, 4 days
    services.receive(officer, go("online", partial, citizen))  # received, in progress
    go("online", procedure, citizen)  # awaiting reception: not counted
    services.refuse(officer, go("online", procedure, citizen), reason="x")  # not counted
    services.rate(citizen, a, scores=SCORES)
    services.rate(citizen, b, scores={**SCORES, "attitude": 0})

    s = selectors.stats(commune_a, dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert s["received"] == 3
    assert s["online"] == 2 and s["online_share"] == round(2 / 3, 4)
    assert s["full_online"] == 1 and s["full_online_share"] == round(1 / 3, 4)
    assert s["completed"] == 2 and s["on_time"] == 1 and s["on_time_rate"] == 0.5
    assert s["avg_processing_days"] == 3.0
    assert s["ratings"] == 2 and s["satisfaction"] == 0.5
    by = {p["code"]: p for p in s["by_procedure"]}
    assert by["1.001193"]["received"] == 2 and by["2.000001"]["received"] == 1
    assert by["2.000001"]["full_online"] == 0
    # Another period holds nothing.
    assert selectors.stats(commune_a, dt.date(2026, 2, 1), dt.date(2026, 2, 28))["received"] == 0


def test_the_online_service_index_follows_the_standard(commune_a, procedure, officer, citizen):
    # One procedure, fully online (100 % ≥ 20 %); no dossier yet (0 % < 30 %): 1 point.
    assert services.online_service_score(commune_a) == 1
    services.receive(
        officer,
        services.submit_dossier(
            citizen,
            commune_a,
            procedure_code=procedure.code,
            channel="online",
            applicant=APPLICANT,
            form=FORM,
        ),
    )
    assert services.online_service_score(commune_a) == 2
    procedure.online_level = "mot_phan"
    procedure.save()
    assert services.online_service_score(commune_a) == 1
    for _ in range(3):  # 1 online of 4 received: 25 % < 30 %
        services.submit_dossier(
            officer,
            commune_a,
            procedure_code=procedure.code,
            channel="counter",
            applicant=APPLICANT,
            form=FORM,
        )
    assert services.online_service_score(commune_a) == 0


def test_online_is_for_citizens_of_the_commune(commune_a, procedure, officer):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.submit_dossier(
            officer,
            commune_a,
            procedure_code=procedure.code,
            channel="online",
            applicant=APPLICANT,
            form=FORM,
        )
