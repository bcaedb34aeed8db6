from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignaturesConfig(AppConfig):
    name = "xaso.signatures"
    label = "signatures"
    verbose_name = _("Chữ ký số")

    def ready(self) -> None:
        from xaso.core.registry import MenuItem, Seeder, registry
        from xaso.signatures import permissions  # noqa: F401

        registry.register_menu(
            MenuItem(
                "signatures-verify",
                _("Xác thực chữ ký số"),
                "signatures:verify",
                order=80,
                takes_commune=False,
            )
        )
        registry.register_menu(
            MenuItem(
                "signatures-credentials",
                _("Chữ ký số"),
                "signatures:credentials",
                area="office",
                action="signatures.own",
                order=80,
            )
        )

        def seed_signatures(*, now):
            from xaso.signatures.demo import seed

            return seed(now=now)

        registry.register_seeder(Seeder("signatures", seed_signatures, order=80))
