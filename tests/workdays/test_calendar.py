import datetime as dt

import pytest

from xaso.workdays import services
from xaso.workdays.calendar import VN, Calendar

pytestmark = pytest.mark.dates


def at(y, m, d, hh=9, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=VN)


@pytest.fixture
def cal(db):
    return Calendar.current()


def test_weekends_and_legal_holidays_are_not_working_days(cal):
    assert not cal.is_working_day(dt.date(2026, 11, 21))  # Saturday
    assert not cal.is_working_day(dt.date(2026, 11, 22))  # Sunday
    assert not cal.is_working_day(dt.date(2026, 9, 2))  # National Day
    assert not cal.is_working_day(dt.date(2026, 4, 30))
    assert not cal.is_working_day(dt.date(2026, 5, 1))
    assert cal.is_working_day(dt.date(2026, 11, 23))  # Monday


def test_lunar_tet_comes_from_the_lunar_calendar(cal):
    # Tết Bính Ngọ: 17 February 2026 is the first day of the lunar year.
    for day in range(16, 21):
        assert not cal.is_working_day(dt.date(2026, 2, day))
    # A 3-day deadline received on Friday 13 Feb 2026 skips the whole Tết week.
    assert cal.add_working_days(dt.date(2026, 2, 13), 3) == dt.date(2026, 2, 25)


def test_the_day_of_receipt_is_not_counted(cal):
    # Monday → the 3rd working day after is Thursday.
    assert cal.add_working_days(dt.date(2026, 11, 16), 3) == dt.date(2026, 11, 19)


def test_new_vietnam_culture_day_is_a_holiday(cal):
    assert not cal.is_working_day(dt.date(2026, 11, 24))


def test_counter_cutoff_moves_receipt_to_next_working_day(cal):
    effective, due = cal.due_at(at(2026, 11, 20, 15, 30), 1)  # Friday 15:30
    assert effective == at(2026, 11, 23, 7, 30)  # Monday opening
    assert due == at(2026, 11, 25, 17, 0)  # Tuesday 24 is a holiday → Wednesday


def test_before_cutoff_counts_today(cal):
    effective, due = cal.due_at(at(2026, 11, 23, 14, 59), 2)
    assert effective == at(2026, 11, 23, 14, 59)
    assert due == at(2026, 11, 26, 17, 0)  # 24 holiday → 25, 26


def test_online_submission_counts_until_end_of_office_hours(cal):
    effective, _due = cal.due_at(at(2026, 11, 23, 16, 30), 1, channel="online")
    assert effective == at(2026, 11, 23, 16, 30)
    effective, _due = cal.due_at(at(2026, 11, 23, 17, 30), 1, channel="online")
    assert effective == at(2026, 11, 25, 7, 30)


def test_a_weekend_submission_starts_on_monday(cal):
    effective, due = cal.due_at(at(2026, 11, 29, 10), 0, channel="online")  # Sunday
    assert effective == at(2026, 11, 30, 7, 30)
    assert due == at(2026, 11, 30, 17, 0)


def test_early_morning_counts_from_opening(cal):
    effective, _ = cal.due_at(at(2026, 11, 23, 6, 0), 1)
    assert effective == at(2026, 11, 23, 7, 30)


def test_count_working_days_between(cal):
    assert cal.working_days_between(dt.date(2026, 11, 20), dt.date(2026, 11, 27)) == 4
    assert cal.working_days_between(dt.date(2026, 11, 27), dt.date(2026, 11, 20)) == -4
    assert cal.working_days_between(dt.date(2026, 11, 20), dt.date(2026, 11, 20)) == 0


def test_aware_times_in_other_zones_are_converted(cal):
    utc = dt.datetime(2026, 11, 23, 8, 30, tzinfo=dt.UTC)  # 15:30 in Hà Nội
    effective, _ = cal.due_at(utc, 1)
    assert effective == at(2026, 11, 25, 7, 30)


def test_admin_adds_a_day_off_and_a_make_up_saturday_without_a_release(db, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="x")
    services.set_override(admin, dt.date(2026, 12, 1), "day_off", "Nghỉ bù")
    services.set_override(admin, dt.date(2026, 11, 28), "working_day", "Làm bù thứ Bảy")
    cal = Calendar.current()
    assert not cal.is_working_day(dt.date(2026, 12, 1))
    assert cal.is_working_day(dt.date(2026, 11, 28))
    # A legal holiday can be removed as well.
    services.set_override(admin, dt.date(2026, 11, 24), "working_day", "Không nghỉ")
    assert Calendar.current().is_working_day(dt.date(2026, 11, 24))
    services.remove_override(admin, dt.date(2026, 11, 24))
    assert not Calendar.current().is_working_day(dt.date(2026, 11, 24))


def test_only_administrators_change_the_calendar(demo):
    from django.core.exceptions import PermissionDenied

    from xaso.accounts.models import User

    with pytest.raises(PermissionDenied):
        services.set_override(
            User.objects.get(username="quantri.hatrung"), dt.date(2026, 12, 1), "day_off", "x"
        )


def test_working_days_are_counted_backwards_over_weekends_and_tet():
    from xaso.workdays.calendar import Calendar

    calendar = Calendar({})
    # Monday 23 November 2026 → Friday 20; Tết 2027 (4–10 February) is skipped.
    assert calendar.previous_working_day(dt.date(2026, 11, 23)) == dt.date(2026, 11, 20)
    assert calendar.sub_working_days(dt.date(2027, 2, 11), 1) == dt.date(2027, 2, 3)
    assert calendar.sub_working_days(dt.date(2027, 2, 11), 0) == dt.date(2027, 2, 11)
    start = dt.date(2026, 12, 31)
    assert calendar.add_working_days(calendar.sub_working_days(start, 7), 7) == start
