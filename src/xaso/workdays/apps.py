from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "xaso.workdays"
    label = "workdays"
    verbose_name = _("Lịch ngày làm việc")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from xaso.core.registry import MenuItem, registry
        from xaso.workdays.calendar import forget_overrides
        from xaso.workdays.models import CalendarOverride

        # The cached override table is derived data: drop it on any change,
        # including edits made in the Django admin.
        for signal in (post_save, post_delete):
            signal.connect(
                lambda **kw: forget_overrides(),
                sender=CalendarOverride,
                weak=False,
                dispatch_uid=f"workdays-forget-{signal}",
            )

        registry.register_menu(
            MenuItem(
                "workdays",
                _("Lịch làm việc, tính hạn"),
                "workdays:calendar",
                order=800,
                takes_commune=False,
            )
        )
