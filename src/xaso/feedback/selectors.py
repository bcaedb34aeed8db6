"""Reads of the feedback domain: the public list, the triage inbox, the figures."""

from __future__ import annotations

from statistics import median

from django.db.models import Avg, Count, F, Q, QuerySet

from xaso.core.text import fold
from xaso.feedback.models import CLOSED_STATUSES, OPEN_STATUSES, Category, Report, Status


def public_reports(commune) -> QuerySet[Report]:
    """What anyone may see: not hidden by moderation."""
    return (
        Report.objects.filter(commune=commune, hidden_by_moderation=False)
        .select_related("category")
        .order_by("-received_at", "-id")
    )


def filter_reports(
    qs: QuerySet[Report], *, status: str = "", category: str = "", q: str = "", overdue=False
) -> QuerySet[Report]:
    if status == "open":
        qs = qs.filter(status__in=list(OPEN_STATUSES))
    elif status == "closed":
        qs = qs.filter(status__in=list(CLOSED_STATUSES))
    elif status in Status.values:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category__code=category)
    if q:
        if q.isdigit() and len(q) <= 12:
            qs = qs.filter(pk=int(q))
        else:
            qs = qs.filter(search_folded__contains=fold(q))
    if overdue:
        from django.utils import timezone

        qs = qs.filter(status__in=list(OPEN_STATUSES), expected_at__lt=timezone.now())
    return qs


def public_timeline(report: Report):
    return report.events.filter(public=True).select_related(None)


def public_photos(report: Report):
    if report.hidden_by_moderation:
        return report.photos.none()
    return report.photos.filter(hidden=False)


def _median_hours(pairs) -> float | None:
    hours = [(resolved - received).total_seconds() / 3600 for received, resolved in pairs]
    return round(median(hours), 1) if hours else None


def stats(commune) -> dict:
    """Received, resolved, median time to resolve, share on time, satisfaction."""
    base = Report.objects.filter(commune=commune)
    answered = base.filter(resolved_at__isnull=False)

    def block(qs, answered_qs) -> dict:
        agg = qs.aggregate(
            received=Count("id"),
            open=Count("id", filter=Q(status__in=list(OPEN_STATUSES))),
            overdue=Count(
                "id", filter=Q(status__in=list(OPEN_STATUSES), escalated_at__isnull=False)
            ),
            avg_rating=Avg("rating"),
            rated_count=Count("rating"),
        )
        resolved = answered_qs.count()
        on_time = answered_qs.filter(resolved_at__lte=F("expected_at")).count()
        return {
            "received": agg["received"],
            "open": agg["open"],
            "escalated_open": agg["overdue"],
            "resolved": resolved,
            "median_hours_to_resolve": _median_hours(
                answered_qs.values_list("received_at", "resolved_at").iterator(chunk_size=5000)
            ),
            "on_time_share": round(on_time / resolved, 3) if resolved else None,
            "satisfaction": round(agg["avg_rating"], 2) if agg["avg_rating"] is not None else None,
            "ratings": agg["rated_count"],
        }

    figures = block(base, answered)
    figures["by_category"] = [
        {
            "code": c.code,
            "name": c.name,
            **block(base.filter(category=c), answered.filter(category=c)),
        }
        for c in Category.objects.filter(commune=commune).order_by("name")
    ]
    return figures
