"""The suite's clock: no test runs at the real date and time.

Every test starts at one fixed moment, ``DEFAULT_NOW``, unless the run names another
one (``--frozen-now=2027-02-05T09:00+07:00`` or ``XASO_TEST_NOW=…``) or the test names
its own (``@pytest.mark.at("2026-11-20T15:30+07:00")``, which always wins). The clock
ticks from that moment (a test that waits sees time pass) and goes back to it before
the next test. Collection and session fixtures run at the run's moment too, so a
certificate made once per session is valid in every test.

The clock is time-machine's: it patches ``datetime``, ``date.today`` and ``time.time``
at the C level, for every thread of the process (the live server of the browser tests
included). ``time.monotonic`` and ``time.perf_counter`` are left alone, so timeouts and
durations stay real. Subprocesses do not inherit it: give them the moment explicitly.

Tests that touch dates, deadlines, demo data, reminders or figures carry
``@pytest.mark.dates``; ``make test-dates`` runs them at the moments of its
``TEST_MOMENTS`` (a Monday morning, a Friday after the counter cut-off, the eve of Tết,
New Year's Eve 23:59).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

import pytest
import time_machine

from xaso.workdays.calendar import VN

#: An ordinary working morning: a Wednesday at 09:30 in Vietnam.
DEFAULT_NOW = "2026-11-18T09:30:00+07:00"


def parse_moment(value: str | dt.datetime) -> dt.datetime:
    """An aware datetime from ISO 8601 (a date alone is 09:00; no offset is Vietnam's)."""
    if isinstance(value, dt.datetime):
        moment = value
    else:
        text = str(value).strip()
        moment = dt.datetime.fromisoformat(text)
        if len(text) == 10:  # "2027-02-05"
            moment = moment.replace(hour=9)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VN)
    return moment.astimezone(VN)


@dataclass
class Clock:
    """What a test may ask of the clock: the moment it started at, and travel."""

    now: dt.datetime
    traveller: time_machine.Traveller

    @property
    def today(self) -> dt.date:
        return self.now.date()

    def move_to(self, moment: str | dt.datetime, *, tick: bool | None = None) -> dt.datetime:
        """Jump to ``moment``; returns it (aware, in Vietnam's time)."""
        self.now = parse_moment(moment)
        self.traveller.move_to(self.now, tick=tick)
        return self.now

    def shift(self, delta: dt.timedelta) -> None:
        """Move the clock forward (or back) by ``delta``."""
        self.traveller.shift(delta)


def pytest_addoption(parser):
    parser.addoption(
        "--frozen-now",
        default=None,
        metavar="ISO",
        help=(
            "run every test at this moment (ISO 8601, e.g. 2027-02-05T09:00+07:00); "
            f"also XASO_TEST_NOW; default {DEFAULT_NOW}. Tests marked at(...) keep theirs."
        ),
    )


def run_moment(config) -> dt.datetime:
    return config.stash[_MOMENT]


_MOMENT = pytest.StashKey[dt.datetime]()
_SESSION = pytest.StashKey[time_machine.travel]()


def pytest_configure(config):
    value = config.getoption("--frozen-now") or os.environ.get("XASO_TEST_NOW") or DEFAULT_NOW
    try:
        moment = parse_moment(value)
    except ValueError:
        raise pytest.UsageError(
            f"--frozen-now / XASO_TEST_NOW: not an ISO moment: {value!r}"
        ) from None
    config.stash[_MOMENT] = moment
    # From here on (collection, session fixtures) the process lives at the run's moment.
    travel = time_machine.travel(moment, tick=True)
    travel.start()
    config.stash[_SESSION] = travel


def pytest_unconfigure(config):
    travel = config.stash.get(_SESSION, None)
    if travel is not None:
        travel.stop()


def pytest_report_header(config):
    return f"clock: tests run at {run_moment(config).isoformat()} (tests/clock.py)"


@pytest.fixture(autouse=True)
def clock(request) -> Clock:
    """The test's clock, started at its moment: ``clock.now``, ``clock.today``,
    ``clock.move_to(...)``, ``clock.shift(...)``."""
    marker = request.node.get_closest_marker("at")
    if marker is not None:
        moment = parse_moment(marker.args[0])
        tick = marker.kwargs.get("tick", True)
    else:
        moment, tick = run_moment(request.config), True
    with time_machine.travel(moment, tick=tick) as traveller:
        yield Clock(moment, traveller)
