"""Notices to the applicant that cannot be delivered are retried, then listed in the
commune's office (core.retry)."""

from __future__ import annotations

from tests.core.test_retry import flaky  # noqa: F401  (fixture)
from xaso.core.models import FailedDelivery


def test_a_notice_that_fails_lands_in_its_communes_office(flaky, submit, commune_a):  # noqa: F811
    d = submit("counter")
    flaky(99)
    from xaso.dossiers.notify import notify_citizen

    notify_citizen("dossier.state_changed", dossier_id=d.pk, state=2)
    failure = FailedDelivery.objects.get(channel="sms")
    assert failure.commune == commune_a and d.code in failure.summary
    assert failure.attempts == 5
