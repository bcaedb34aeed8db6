"""`seed_demo --now`: one reference moment for every seeder, and the demo built around
it in working days."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from xaso.core.registry import Seeder
from xaso.workdays.calendar import VN
from xaso.workdays.moments import Moments

pytestmark = pytest.mark.dates


def test_a_seeder_must_take_the_reference_moment():
    def old_style():
        return {}

    with pytest.raises(TypeError, match="now="):
        Seeder("old", old_style)
    Seeder("new", lambda *, now: {})  # accepted


def test_every_registered_seeder_takes_now():
    from xaso.core.registry import registry

    assert registry.seeders, "the domains register their seeders"
    for seeder in registry.seeders.values():
        Seeder(seeder.key, seeder.run)  # the check runs again: never raises


@pytest.mark.django_db
def test_seed_demo_passes_one_moment_to_every_seeder(monkeypatch, capsys):
    from xaso.core.registry import registry

    seen = []
    fake = {key: Seeder(key, lambda *, now, k=key: seen.append((k, now))) for key in ("a", "b")}
    monkeypatch.setattr(registry, "seeders", fake)
    call_command("seed_demo", "--now", "2027-02-05T09:00+07:00")
    moment = dt.datetime(2027, 2, 5, 9, 0, tzinfo=VN)
    assert seen == [("a", moment), ("b", moment)]
    seen.clear()
    call_command("seed_demo", "--now", "2026-12-31T23:59")  # no offset: Vietnam's time
    assert {now for _k, now in seen} == {dt.datetime(2026, 12, 31, 23, 59, tzinfo=VN)}
    seen.clear()
    call_command("seed_demo")  # default: the clock's now (frozen by the suite)
    from django.utils import timezone

    assert all(abs(now - timezone.now()) < dt.timedelta(minutes=1) for _k, now in seen)


@pytest.mark.django_db
def test_seed_demo_refuses_a_moment_it_cannot_read():
    with pytest.raises(CommandError, match="ISO 8601"):
        call_command("seed_demo", "--now", "thứ sáu")


@pytest.mark.django_db
def test_the_whole_demo_is_built_around_the_moment_given(capsys):
    from xaso.documents.models import Document
    from xaso.dossiers.models import Dossier, DossierEvent, State
    from xaso.feedback.models import Report

    moment = dt.datetime(2027, 2, 5, 9, 0, tzinfo=VN)  # Giao thừa: a public holiday
    call_command("seed_demo", "--now", moment.isoformat())
    assert "Xã minh họa: Xã Hà Trung" in capsys.readouterr().out
    states = set(Dossier.objects.filter(commune__code=15271).values_list("state", flat=True))
    assert states == {int(s) for s in State}
    assert Dossier.objects.get(commune__code=15271, state=State.NEW).submitted_at == moment
    assert not DossierEvent.objects.filter(at__gt=moment).exists()
    assert not Report.objects.filter(received_at__gt=moment).exists()
    incoming = Document.objects.filter(commune__code=15271, received_at__isnull=False)
    assert incoming.exists() and not incoming.filter(received_at__gt=moment).exists()


@pytest.mark.django_db
def test_moments_count_working_days_back_and_never_pass_the_reference():
    tet_eve = Moments(dt.datetime(2027, 2, 5, 9, 0, tzinfo=VN))
    # 4–10 February 2027 are Tết holidays: the last working day before is 3 February.
    assert tet_eve.day(1) == dt.date(2027, 2, 3)
    assert tet_eve.ago(2, "08:30") == dt.datetime(2027, 2, 2, 8, 30, tzinfo=VN)
    assert tet_eve.day(0) == dt.date(2027, 2, 5)
    assert tet_eve.ago(0, "16:00") == tet_eve.now  # not after the reference
    friday = Moments(dt.datetime(2026, 11, 27, 16, 0, tzinfo=VN))
    assert friday.later(friday.now - dt.timedelta(minutes=10), 60) == friday.now
    # Monday 23 November 2026: the previous working day is Friday 20 November.
    monday = Moments(dt.datetime(2026, 11, 23, 8, 0, tzinfo=VN))
    assert monday.day(1) == dt.date(2026, 11, 20)
    with pytest.raises(ValueError):
        Moments(dt.datetime(2026, 11, 23, 8, 0))
