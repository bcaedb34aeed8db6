from __future__ import annotations

import datetime as dt

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.workdays.calendar import VN, Calendar


def calendar_page(request):
    cal = Calendar.current()
    today = timezone.localdate()
    try:
        year = int(request.GET.get("nam", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), 2100)
    working = [
        d for d, (kind, _n) in cal.overrides.items() if kind == "working_day" and d.year == year
    ]
    return render(
        request,
        "workdays/calendar.html",
        {
            "year": year,
            "days_off": cal.days_off(year),
            "working_days": sorted(working),
            "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )


def due_date_fragment(request):
    error = None
    result = None
    raw = request.GET.get("received_at", "")
    channel = "online" if request.GET.get("channel") == "online" else "counter"
    try:
        received = dt.datetime.fromisoformat(raw)
        n = int(request.GET.get("working_days", ""))
        if not 0 <= n <= 365:
            raise ValueError
        if not 2000 <= received.year <= 2100:
            raise ValueError
    except ValueError:
        error = _("Vui lòng nhập thời điểm nhận hợp lệ và số ngày làm việc từ 0 đến 365.")
    else:
        if received.tzinfo is None:
            received = received.replace(tzinfo=VN)
        effective, due = Calendar.current().due_at(received, n, channel)
        result = {"effective": effective, "due": due, "n": n, "channel": channel}
    return render(
        request,
        "workdays/_due_date.html",
        {"result": result, "error": error},
        status=400 if error else 200,
    )
