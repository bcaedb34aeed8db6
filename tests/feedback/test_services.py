"""The lifecycle of a report: every legal transition, every illegal one refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.conftest import user
from xaso.accounts.sms import MemoryTransport
from xaso.audit.models import AuditEvent
from xaso.core.problems import Problem
from xaso.feedback import services
from xaso.feedback.models import TRANSITIONS, EventKind, Report, Status
from xaso.workdays.calendar import VN, due_date

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

OFFICER = "motcua.hatrung"


def officer():
    return user(OFFICER)


# The service call that performs each transition, with the data it needs.
def run(transition: str, report: Report, original: Report | None = None) -> Report:
    actor = officer()
    if transition == "accept":
        return services.accept(actor, report)
    if transition == "reject":
        return services.reject(actor, report, reason="Không thuộc thẩm quyền của xã")
    if transition == "assign":
        return services.assign(actor, report, assignee=user("chuyenvien.hatrung"))
    if transition == "start":
        return services.start(actor, report)
    if transition == "resolve":
        return services.resolve(actor, report, answer="Đã vá ổ gà.")
    if transition == "close":
        return services.close(actor, report)
    if transition == "duplicate":
        return services.mark_duplicate(actor, report, original=original)
    if transition == "reopen":
        return services.reopen(report.reporter, report, reason="Ổ gà vẫn còn")
    raise AssertionError(transition)


# A path from "new" to each status.
PATHS = {
    Status.NEW: [],
    Status.ACCEPTED: ["accept"],
    Status.REJECTED: ["reject"],
    Status.ASSIGNED: ["accept", "assign"],
    Status.IN_PROGRESS: ["accept", "assign", "start"],
    Status.RESOLVED: ["accept", "resolve"],
    Status.CLOSED: ["accept", "resolve", "close"],
}


def in_status(make_report, status: str) -> Report:
    report = make_report()
    for step in PATHS[status]:
        report = run(step, report)
    assert report.status == status
    return report


LEGAL = [(t, s) for t, (sources, _target) in TRANSITIONS.items() for s in sorted(sources)]
ILLEGAL = [
    (t, s)
    for t, (sources, _target) in TRANSITIONS.items()
    for s in Status.values
    if s not in sources
]


@pytest.mark.parametrize(("transition", "status"), LEGAL)
def test_each_legal_transition_moves_the_report_and_records_it(
    make_report, transition, status, django_capture_on_commit_callbacks
):
    report = in_status(make_report, status)
    original = make_report(description="Phản ánh gốc") if transition == "duplicate" else None
    MemoryTransport.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        report = run(transition, report, original)

    assert report.status == TRANSITIONS[transition][1]
    event = report.events.filter(kind=EventKind.STATUS).last()
    assert (event.from_state, event.to_state) == (status, report.status)
    assert AuditEvent.objects.filter(
        action=f"feedback.report.{transition}", object_id=str(report.pk)
    ).exists()
    # The reporter left a phone (their account's): every change reaches them by SMS.
    assert [m.to for m in MemoryTransport.outbox] == ["0912000001"]
    assert f"phan anh so {report.pk}" in MemoryTransport.outbox[0].body


@pytest.mark.parametrize(("transition", "status"), ILLEGAL)
def test_each_illegal_transition_is_refused_with_409(make_report, transition, status):
    report = in_status(make_report, status)
    original = make_report(description="Phản ánh gốc") if transition == "duplicate" else None

    with pytest.raises(Problem) as exc:
        run(transition, report, original)

    assert exc.value.status == 409
    report.refresh_from_db()
    assert report.status == status


def test_the_expected_date_comes_from_the_working_day_calendar(make_report):
    friday_evening = dt.datetime(2026, 11, 20, 18, 0, tzinfo=VN)
    report = make_report(now=friday_evening)
    _eff, due = due_date(friday_evening, 5, channel="online")
    assert report.expected_at == due
    # Received after hours on a Friday: due at the end of a working day, a week later or more.
    local = timezone.localtime(report.expected_at, VN)
    assert local.weekday() < 5 and local.hour == 17
    assert local.date() >= dt.date(2026, 11, 27)


def test_a_rejection_needs_a_reason(report):
    with pytest.raises(ValidationError):
        services.reject(officer(), report, reason="  ")


def test_only_officials_of_the_commune_may_be_assigned(report):
    report = services.accept(officer(), report)
    with pytest.raises(ValidationError):
        services.assign(officer(), report, assignee=user("motcua.xakhac"))


def test_officials_of_another_commune_cannot_triage(report):
    with pytest.raises(PermissionDenied):
        services.accept(user("motcua.xakhac"), report)


def test_a_citizen_cannot_triage(report, citizen):
    with pytest.raises(PermissionDenied):
        services.accept(citizen, report)


def test_the_reporter_may_reopen_within_ten_days(report, citizen):
    report = run("resolve", run("accept", report))
    assert report.reopen_until - report.resolved_at == dt.timedelta(days=10)
    report = services.reopen(citizen, report, reason="Vẫn chưa sửa")
    assert report.status == Status.ACCEPTED
    assert report.resolved_at is None


def test_reopening_after_ten_days_is_refused(report, citizen):
    report = run("resolve", run("accept", report))
    Report.objects.filter(pk=report.pk).update(
        reopen_until=timezone.now() - dt.timedelta(minutes=1)
    )
    with pytest.raises(Problem) as exc:
        services.reopen(citizen, report, reason="Muộn")
    assert exc.value.status == 409


def test_someone_else_cannot_reopen_or_rate(report):
    report = run("resolve", run("accept", report))
    other = user("motcua.hatrung")
    with pytest.raises(PermissionDenied):
        services.reopen(other, report, reason="x")
    with pytest.raises(PermissionDenied):
        services.rate(other, report, rating=5)


def test_an_anonymous_reporter_acts_with_the_report_token(make_report):
    report = make_report(actor=None, contact_phone="0912 999 888")
    assert report.contact_phone == "0912999888"
    report = run("resolve", run("accept", report))
    rated = services.rate(None, report, rating=4, comment="Nhanh", token=report.token)
    assert rated.rating == 4
    with pytest.raises(PermissionDenied):
        services.rate(None, report, rating=4, token="0" * 32)


def test_rating_needs_an_answer_and_a_value_from_1_to_5(report, citizen):
    with pytest.raises(Problem):
        services.rate(citizen, report, rating=5)
    report = run("resolve", run("accept", report))
    with pytest.raises(ValidationError):
        services.rate(citizen, report, rating=6)
    assert services.rate(citizen, report, rating=5).rating == 5


def test_a_duplicate_links_to_the_original_and_is_closed(make_report):
    original = make_report()
    copy = make_report(description="Cùng ổ gà")
    copy = services.mark_duplicate(officer(), copy, original=original)
    assert copy.status == Status.CLOSED
    assert copy.duplicate_of == original
    assert copy.open311_status == "closed"


def test_a_report_cannot_duplicate_itself(report):
    with pytest.raises(ValidationError):
        services.mark_duplicate(officer(), report, original=report)


def test_moderation_hides_from_the_public_but_keeps_the_original(report):
    services.moderate(officer(), report, hidden=False, public_description="Ổ gà lớn (đã ẩn số nhà)")
    report.refresh_from_db()
    assert report.description == "Ổ gà lớn giữa đường"
    assert report.public_description == "Ổ gà lớn (đã ẩn số nhà)"
    services.moderate(officer(), report, hidden=True)
    report.refresh_from_db()
    assert report.hidden_by_moderation
    assert report.description == "Ổ gà lớn giữa đường"


def test_a_location_outside_vietnam_is_refused(make_report):
    with pytest.raises(ValidationError):
        make_report(lat="48.85", long="2.35")


def test_a_location_or_an_address_is_required(make_report):
    with pytest.raises(ValidationError):
        make_report(lat=None, long=None, address_string="")
    assert make_report(lat=None, long=None, address_string="Chợ Hà Trung").pk


def test_a_category_of_another_commune_is_refused(make_report, other_category):
    with pytest.raises(ValidationError):
        make_report(category=other_category)


def test_overdue_open_reports_are_escalated_once_to_the_leaders(
    make_report, django_capture_on_commit_callbacks
):
    from xaso.accounts.models import User

    User.objects.filter(username="chutich.hatrung").update(phone="0987000111")
    late = make_report()
    on_time = make_report()
    done = run("resolve", run("accept", make_report()))
    Report.objects.filter(pk__in=[late.pk, done.pk]).update(
        expected_at=timezone.now() - dt.timedelta(hours=1)
    )
    MemoryTransport.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        escalated = services.escalate_overdue()

    assert [r.pk for r in escalated] == [late.pk]
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert late.escalated_at is not None and on_time.escalated_at is None
    assert late.events.filter(kind=EventKind.ESCALATED, public=False).exists()
    assert AuditEvent.objects.filter(action="feedback.report.escalate").count() == 1
    assert [m.to for m in MemoryTransport.outbox] == ["0987000111"]
    assert services.escalate_overdue() == []


def test_the_escalation_command_and_task_run(make_report, capsys):
    from django.core.management import call_command

    from xaso.feedback.tasks import escalate_feedback_task

    report = make_report()
    Report.objects.filter(pk=report.pk).update(expected_at=timezone.now() - dt.timedelta(days=1))
    call_command("escalate_feedback")
    assert "1 phản ánh" in capsys.readouterr().out
    assert escalate_feedback_task.call() == 0


def test_the_demo_seeder_creates_reports_in_every_state(demo):
    from xaso.feedback.demo import seed

    seed(now=timezone.now())
    seed(now=timezone.now())  # safe to run again
    statuses = set(Report.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    assert Report.objects.filter(duplicate_of__isnull=False).count() == 1


@pytest.mark.parametrize(
    "moment", ["2027-02-05T09:00:00+07:00", "2026-12-31T23:59:00+07:00", "2026-11-21T10:00+07:00"]
)
def test_the_demo_reports_are_the_same_whatever_the_day(demo, clock, moment):
    from xaso.feedback.demo import seed
    from xaso.feedback.models import ReportEvent

    now = clock.move_to(moment)
    seed(now=now)
    assert set(Report.objects.values_list("status", flat=True)) == set(Status.values)
    assert not Report.objects.filter(received_at__gt=now).exists()
    assert not ReportEvent.objects.filter(at__gt=now).exists()
    # The report left open for six weeks is overdue; last week's is not yet.
    overdue = [r for r in Report.objects.all() if r.is_overdue]
    assert [r.description for r in overdue] == ["Khói đốt rơm rạ ảnh hưởng khu dân cư."]
