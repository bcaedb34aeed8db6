from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "xaso.accounts"
    label = "accounts"
    verbose_name = _("Tài khoản và vai trò")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from xaso.accounts import permissions  # noqa: F401
        from xaso.accounts.models import Membership
        from xaso.core.registry import Seeder, registry

        def seed_foundation(*, now):
            from xaso.accounts.demo import seed

            return seed(now=now)

        registry.register_seeder(Seeder("foundation", seed_foundation, order=0))

        def forget(instance, **kwargs):
            # Leaders appear on the commune's cached public card.
            if instance.commune_id:
                from xaso.geo.selectors import forget_commune_card

                forget_commune_card(instance.commune)

        for signal in (post_save, post_delete):
            signal.connect(
                forget, sender=Membership, weak=False, dispatch_uid=f"membership-card-{signal}"
            )
