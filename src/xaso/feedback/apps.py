from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def recent_reports(card) -> dict:
    from xaso.feedback.models import Report

    reports = (
        Report.objects.filter(commune__code=int(card["code"]), hidden_by_moderation=False)
        .select_related("category")
        .order_by("-received_at", "-id")[:5]
    )
    return {"recent_reports": list(reports)}


def open_reports(commune) -> str:
    from django.utils import timezone

    from xaso.feedback.models import OPEN_STATUSES, Report

    qs = Report.objects.filter(commune=commune, status__in=list(OPEN_STATUSES))
    late = qs.filter(expected_at__lt=timezone.now()).count()
    return _("%(open)s (quá hạn: %(late)s)") % {"open": qs.count(), "late": late}


def on_time_share(commune) -> str:
    from django.db.models import F

    from xaso.feedback.models import Report

    answered = Report.objects.filter(commune=commune, resolved_at__isnull=False)
    total = answered.count()
    if not total:
        return "—"
    on_time = answered.filter(resolved_at__lte=F("expected_at")).count()
    return f"{round(100 * on_time / total)} %"


class FeedbackConfig(AppConfig):
    name = "xaso.feedback"
    label = "feedback"
    verbose_name = _("Phản ánh, kiến nghị")

    def ready(self) -> None:
        from xaso.core.registry import Indicator, MenuItem, Section, Seeder, registry
        from xaso.feedback import permissions  # noqa: F401

        registry.register_menu(
            MenuItem("feedback", _("Phản ánh, kiến nghị"), "feedback:list", order=30)
        )
        registry.register_menu(
            MenuItem(
                "feedback-inbox",
                _("Phản ánh"),
                "feedback:inbox",
                area="office",
                action="feedback.triage",
                order=30,
            )
        )
        registry.register_menu(
            MenuItem(
                "feedback-settings",
                _("Cấu hình phản ánh"),
                "feedback:settings",
                area="office",
                action="feedback.manage_categories",
                order=31,
            )
        )
        registry.register_section(
            Section(
                "feedback",
                _("Phản ánh gần đây"),
                "feedback/section.html",
                context=recent_reports,
                order=30,
            )
        )
        registry.register_indicator(
            Indicator("feedback-open", _("Phản ánh đang xử lý"), open_reports, order=30)
        )
        registry.register_indicator(
            Indicator("feedback-on-time", _("Phản ánh trả lời đúng hạn"), on_time_share, order=31)
        )

        def seed_feedback(*, now):
            from xaso.feedback.demo import seed

            return seed(now=now)

        registry.register_seeder(Seeder("feedback", seed_feedback, order=30))

        # Cached public lists are derived data: retire them on any change.
        from django.db.models.signals import post_delete, post_save

        from xaso.feedback.models import Category, Photo, Report, bump_version

        def changed(sender, instance, **kwargs):
            if sender is Photo:
                bump_version(instance.report.commune_id)
            else:
                bump_version(instance.commune_id)

        for model in (Category, Report, Photo):
            for signal in (post_save, post_delete):
                signal.connect(
                    changed,
                    sender=model,
                    weak=False,
                    dispatch_uid=f"feedback-version-{model.__name__}-{signal}",
                )
