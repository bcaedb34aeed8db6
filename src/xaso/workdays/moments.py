"""Moments counted in working days back from a reference moment, for the demo seeders.

``seed_demo --now`` hands every seeder one reference moment; a seeder that places its
records with :class:`Moments` gets the same demo whatever that moment is — a Monday
morning, a Friday after the counter cut-off, the eve of Tết or 31 December 23:59:
"submitted three working days ago at 08:30" is always a working morning in the past,
and nothing is ever placed after the reference moment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from xaso.workdays.calendar import VN, Calendar, _hhmm


@dataclass(frozen=True)
class Moments:
    now: dt.datetime
    calendar: Calendar = field(default_factory=Calendar.current)

    def __post_init__(self):
        if self.now.tzinfo is None:
            raise ValueError("the reference moment must be timezone-aware")

    @property
    def today(self) -> dt.date:
        """The reference moment's date in Vietnam."""
        return self.now.astimezone(VN).date()

    def day(self, n: int) -> dt.date:
        """The Nth working day before the reference day (n ≥ 1); the day itself for 0."""
        return self.calendar.sub_working_days(self.today, n) if n else self.today

    def ago(self, n: int, at: str = "08:30") -> dt.datetime:
        """``at`` (HH:MM, Vietnam) on the Nth working day before the reference day,
        never later than the reference moment itself."""
        moment = dt.datetime.combine(self.day(n), _hhmm(at), tzinfo=VN)
        return min(moment, self.now.astimezone(VN))

    def later(self, moment: dt.datetime, minutes: int) -> dt.datetime:
        """``minutes`` after ``moment``, never later than the reference moment."""
        return min(moment + dt.timedelta(minutes=minutes), self.now.astimezone(VN))
