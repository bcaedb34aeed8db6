from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "xaso.core"
    label = "core"
    verbose_name = _("Nền tảng")

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from xaso.core import checks  # noqa: F401  (registers system checks)
        from xaso.core.storable import guard

        # One rule for every stored string, for every model of every domain.
        pre_save.connect(guard, dispatch_uid="xaso.core.storable")

        from xaso.core.permissions import register_action
        from xaso.core.registry import MenuItem, registry
        from xaso.core.roles import Role

        #: See and send again the commune's messages that gave up (core.retry).
        register_action("core.deliveries", [Role.COMMUNE_ADMIN])
        registry.register_menu(
            MenuItem(
                "deliveries",
                _("Tin chưa gửi được"),
                "core:deliveries",
                area="office",
                action="core.deliveries",
                order=910,
            )
        )
