"""The platform API of the feedback domain: figures and the triage operations."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.conftest import user
from xaso.feedback import services
from xaso.feedback.models import Report

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

STATS = "/api/v1/communes/15271/feedback-stats"
REPORTS = "/api/v1/communes/15271/feedback-reports"


def test_stats_count_received_resolved_time_on_time_and_satisfaction(
    client, bearer, make_report, citizen
):
    officer = user("motcua.hatrung")
    now = timezone.now()
    fast = make_report(now=now - dt.timedelta(hours=10))
    late = make_report(now=now - dt.timedelta(days=30))
    make_report()  # still open
    for report in (fast, late):
        services.resolve(officer, services.accept(officer, report), answer="Xong")
    services.rate(citizen, fast, rating=5)
    services.rate(citizen, late, rating=2)

    r = client.get(STATS, **bearer("chutich.hatrung"))

    assert r.status_code == 200
    data = r.json()
    assert data["received"] == 3 and data["resolved"] == 2 and data["open"] == 1
    assert data["on_time_share"] == 0.5  # the 30-day-old one was past its 5 working days
    assert data["satisfaction"] == 3.5 and data["ratings"] == 2
    assert data["median_hours_to_resolve"] == pytest.approx((10 + 30 * 24) / 2, abs=0.2)
    assert data["by_category"][0]["code"] == "duong-giao-thong"
    assert data["by_category"][0]["received"] == 3


def test_the_province_officer_reads_the_stats_but_citizens_do_not(client, bearer, demo):
    assert client.get(STATS, **bearer("cds.thanhhoa")).status_code == 200
    assert client.get(STATS, **bearer("p0912000001")).status_code == 403
    assert client.get(STATS).status_code == 401


def test_the_inbox_lists_and_filters_reports(client, bearer, make_report):
    a = make_report()
    b = make_report(description="Đèn đường hỏng")
    services.accept(user("motcua.hatrung"), b)
    headers = bearer("motcua.hatrung")
    r = client.get(REPORTS, **headers)
    assert r.status_code == 200 and r.json()["count"] == 2
    assert [i["id"] for i in client.get(f"{REPORTS}?status=new", **headers).json()["items"]] == [
        a.pk
    ]
    assert [i["id"] for i in client.get(f"{REPORTS}?q=đèn", **headers).json()["items"]] == [b.pk]


def test_actions_move_a_report_and_illegal_ones_are_409(client, bearer, report):
    headers = bearer("motcua.hatrung")
    url = f"{REPORTS}/{report.pk}/actions"

    r = client.post(
        url, {"action": "resolve", "answer": "x"}, content_type="application/json", **headers
    )
    assert r.status_code == 409
    assert r["Content-Type"] == "application/problem+json"
    assert r.json()["type"] == "/problems/illegal-transition"

    r = client.post(url, {"action": "accept"}, content_type="application/json", **headers)
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    specialist = user("chuyenvien.hatrung")
    r = client.post(
        url,
        {"action": "assign", "assignee_id": specialist.pk},
        content_type="application/json",
        **headers,
    )
    assert r.json()["assignee_id"] == specialist.pk
    r = client.post(
        url, {"action": "resolve", "answer": "Đã vá"}, content_type="application/json", **headers
    )
    assert r.json()["status"] == "resolved" and r.json()["answer"] == "Đã vá"
    assert Report.objects.get(pk=report.pk).status == "resolved"


def test_a_rejection_without_reason_is_422(client, bearer, report):
    r = client.post(
        f"{REPORTS}/{report.pk}/actions",
        {"action": "reject"},
        content_type="application/json",
        **bearer("motcua.hatrung"),
    )
    assert r.status_code == 422
