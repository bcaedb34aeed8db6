"""The working-day calendar: Vietnamese public holidays, administrators' overrides,
office hours and the counter cut-off.

Rules (docs/workdays.md): Monday–Friday minus public holidays (``holidays`` VN,
which follows the Labour Code and the government's yearly decisions) plus the
days an administrator declares off, minus the days declared working. The day of
receipt is not counted (Civil Code art. 147); the due moment is the end of
office hours on the Nth working day after receipt (art. 148). A paper dossier
received after the cut-off (15:00), or any submission outside office hours,
counts as received at the start of the next working day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holidays_lib
from django.conf import settings
from django.core.cache import cache

VN = ZoneInfo("Asia/Ho_Chi_Minh")
_OVERRIDES_KEY = "workdays:overrides:v1"
MAX_WORKING_DAYS = 3650


def _hhmm(value: str) -> dt.time:
    hours, minutes = (int(part) for part in value.split(":"))
    return dt.time(hours, minutes)


@lru_cache(maxsize=64)
def _legal_holidays(year: int) -> dict[dt.date, str]:
    return dict(holidays_lib.country_holidays("VN", years=year, language="vi"))


def legal_holidays(year: int) -> dict[dt.date, str]:
    return dict(_legal_holidays(year))


def overrides() -> dict[dt.date, tuple[str, str]]:
    """{date: (kind, name)}, cached and dropped whenever an override changes."""
    data = cache.get(_OVERRIDES_KEY)
    if data is None:
        from xaso.workdays.models import CalendarOverride

        data = {o.date: (o.kind, o.name) for o in CalendarOverride.objects.all()}
        cache.set(_OVERRIDES_KEY, data, timeout=3600)
    return data


def forget_overrides() -> None:
    cache.delete(_OVERRIDES_KEY)


@dataclass(frozen=True)
class Calendar:
    """A snapshot of the rules, so a long computation reads the overrides once."""

    overrides: dict[dt.date, tuple[str, str]]

    @classmethod
    def current(cls) -> Calendar:
        return cls(overrides())

    def day_off_reason(self, day: dt.date) -> str | None:
        override = self.overrides.get(day)
        if override is not None:
            kind, name = override
            return name if kind == "day_off" else None
        if day.weekday() >= 5:
            return "Thứ Bảy" if day.weekday() == 5 else "Chủ nhật"
        return _legal_holidays(day.year).get(day)

    def is_working_day(self, day: dt.date) -> bool:
        return self.day_off_reason(day) is None

    def days_off(self, year: int) -> list[dict]:
        """Public holidays and declared days off of ``year`` (weekends aside), by date."""
        out = {d: {"date": d, "name": n, "source": "law"} for d, n in _legal_holidays(year).items()}
        for day, (kind, name) in self.overrides.items():
            if day.year != year:
                continue
            if kind == "day_off":
                out[day] = {"date": day, "name": name, "source": "override"}
            else:
                out.pop(day, None)
        return sorted(out.values(), key=lambda row: row["date"])

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        day += dt.timedelta(days=1)
        for _ in range(400):
            if self.is_working_day(day):
                return day
            day += dt.timedelta(days=1)
        raise ValueError("no working day within 400 days")

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The Nth working day after ``day`` (``day`` itself is not counted)."""
        if n < 0 or n > MAX_WORKING_DAYS:
            raise ValueError("n out of range")
        for _ in range(n):
            day = self.next_working_day(day)
        return day

    def previous_working_day(self, day: dt.date) -> dt.date:
        """The last working day strictly before ``day``."""
        day -= dt.timedelta(days=1)
        for _ in range(400):
            if self.is_working_day(day):
                return day
            day -= dt.timedelta(days=1)
        raise ValueError("no working day within 400 days")

    def sub_working_days(self, day: dt.date, n: int) -> dt.date:
        """The Nth working day before ``day`` (``day`` itself is not counted)."""
        if n < 0 or n > MAX_WORKING_DAYS:
            raise ValueError("n out of range")
        for _ in range(n):
            day = self.previous_working_day(day)
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days d with start < d ≤ end (negative when end is before start)."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count

    def effective_receipt(self, received_at: dt.datetime, channel: str = "counter") -> dt.datetime:
        """When the clock starts: now, or the start of the next working day.

        ``channel`` is "counter" (the 15:00 cut-off applies) or "online" (only
        office hours apply).
        """
        local = received_at.astimezone(VN)
        start, end = _hhmm(settings.WORKDAY_START), _hhmm(settings.WORKDAY_END)
        cutoff = _hhmm(settings.COUNTER_CUTOFF) if channel == "counter" else end
        day = local.date()
        if self.is_working_day(day):
            if local.time() < start:
                return dt.datetime.combine(day, start, tzinfo=VN)
            if local.time() < cutoff:
                return local
        return dt.datetime.combine(self.next_working_day(day), start, tzinfo=VN)

    def due_at(self, received_at: dt.datetime, working_days: int, channel: str = "counter"):
        """(effective receipt, due moment) for a deadline of ``working_days``."""
        effective = self.effective_receipt(received_at, channel)
        if working_days == 0:
            due_day = effective.date()
        else:
            due_day = self.add_working_days(effective.date(), working_days)
        due = dt.datetime.combine(due_day, _hhmm(settings.WORKDAY_END), tzinfo=VN)
        return effective, due


def due_date(received_at: dt.datetime, working_days: int, channel: str = "counter"):
    return Calendar.current().due_at(received_at, working_days, channel)
