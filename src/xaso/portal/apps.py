from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "xaso.portal"
    label = "portal"
    verbose_name = _("Cổng thông tin xã")

    def ready(self) -> None:
        from xaso.core.registry import MenuItem, Section, registry

        registry.register_section(
            Section("contacts", _("Liên hệ"), "portal/sections/contacts.html", order=10)
        )
        registry.register_section(
            Section("leaders", _("Lãnh đạo UBND"), "portal/sections/leaders.html", order=20)
        )
        registry.register_menu(
            MenuItem(
                "office",
                _("Tổng quan"),
                "portal:office",
                area="office",
                action="office.enter",
                order=0,
            )
        )
        registry.register_menu(
            MenuItem(
                "citizens",
                _("Công dân"),
                "portal:citizens",
                area="office",
                action="accounts.view_citizens",
                order=50,
            )
        )
