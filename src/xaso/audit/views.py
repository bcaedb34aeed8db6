from __future__ import annotations

import csv
import datetime as dt

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from xaso.audit import services as audit
from xaso.audit.models import AuditEvent
from xaso.audit.selectors import filter_events
from xaso.core.http import client_ip
from xaso.core.text import scrub
from xaso.core.views import office_view


def _date(raw: str | None):
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


class _Echo:
    def write(self, value):
        return value


@office_view("audit.view")
def event_list(request, commune):
    params = {
        "action": request.GET.get("action", "")[:80],
        "actor": request.GET.get("actor", "")[:150],
        "date_from": _date(request.GET.get("date_from")),
        "date_to": _date(request.GET.get("date_to")),
    }
    pd = request.GET.get("personal_data")
    qs = filter_events(
        AuditEvent.objects.filter(commune=commune),
        **params,
        personal_data=True if pd == "1" else None,
    )
    if request.GET.get("format") == "csv":
        audit.record(
            request.user,
            "audit.export",
            None,
            commune=commune,
            ip=client_ip(request),
            detail={k: str(v) for k, v in params.items() if v},
        )
        writer = csv.writer(_Echo())
        header = [
            "at",
            "actor",
            "action",
            "object_type",
            "object_id",
            "object",
            "ip",
            "personal_data",
        ]

        def rows():
            yield "\ufeff" + writer.writerow(header)
            for e in qs.iterator(chunk_size=2000):
                yield writer.writerow(
                    scrub(
                        [
                            timezone.localtime(e.at).isoformat(),
                            e.actor_label,
                            e.action,
                            e.object_type,
                            e.object_id,
                            e.object_repr,
                            e.ip or "",
                            int(e.personal_data),
                        ]
                    )
                )

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="nhat-ky-{commune.code_str}.csv"'
        return response
    page = Paginator(qs.select_related(None), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/list.html",
        {
            "commune": commune,
            "page": page,
            "params": params,
            "personal_data": pd == "1",
            "query": query.urlencode(),
        },
    )
