"""The event bus between domains and the registry's measured indicators."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from xaso.core import events
from xaso.core.registry import Indicator


@pytest.fixture
def heard():
    got: list[tuple[str, dict]] = []

    def handler(name, **payload):
        got.append((name, payload))

    events.subscribe("test.happened", handler)
    yield got
    events.unsubscribe("test.happened", handler)


@pytest.mark.django_db(transaction=True)
def test_subscribers_hear_an_event_after_the_commit(heard):
    with transaction.atomic():
        events.publish("test.happened", id=7)
        assert heard == [], "nobody hears it before the commit"
    assert heard == [("test.happened", {"id": 7})]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_tells_nobody(heard):
    with pytest.raises(RuntimeError), transaction.atomic():
        events.publish("test.happened", id=8)
        raise RuntimeError
    assert heard == []


@pytest.mark.django_db(transaction=True)
def test_a_failing_subscriber_does_not_stop_the_others(heard):
    def broken(name, **payload):
        raise ValueError("boom")

    events.subscribe("test.happened", broken)
    try:
        # The broken one was subscribed after `heard`'s handler; subscribe it first too.
        events.subscribe("*", broken)
        with transaction.atomic():
            events.publish("test.happened", id=9)
    finally:
        events.unsubscribe("test.happened", broken)
        events.unsubscribe("*", broken)
    assert heard == [("test.happened", {"id": 9})]


def test_an_indicator_is_a_ratio_or_a_count():
    start, end = dt.date(2026, 11, 1), dt.date(2026, 12, 1)
    share = Indicator("x", "x", numerator=lambda c, s, e: 3, denominator=lambda c, s, e: 4)
    assert share.value(None, start, end) == {"numerator": 3, "denominator": 4, "value": 0.75}
    empty = Indicator("y", "y", numerator=lambda c, s, e: 0, denominator=lambda c, s, e: 0)
    assert empty.value(None, start, end)["value"] is None, "no denominator, no ratio"
    count = Indicator("z", "z", numerator=lambda c, s, e: 12, unit="count")
    assert count.value(None, start, end) == {"numerator": 12, "denominator": None, "value": 12}
