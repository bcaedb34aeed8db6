from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "xaso.audit"
    label = "audit"
    verbose_name = _("Nhật ký")

    def ready(self) -> None:
        from xaso.audit import permissions  # noqa: F401
        from xaso.core.registry import MenuItem, registry

        registry.register_menu(
            MenuItem(
                "audit",
                _("Nhật ký truy cập"),
                "audit:list",
                area="office",
                action="audit.view",
                order=900,
            )
        )
