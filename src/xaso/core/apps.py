from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "xaso.core"
    label = "core"
    verbose_name = _("Nền tảng")

    def ready(self) -> None:
        from xaso.core import checks  # noqa: F401  (registers system checks)
