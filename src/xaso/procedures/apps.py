from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def popular_procedures(card) -> dict:
    from xaso.geo.models import Commune
    from xaso.procedures.selectors import popular

    commune = Commune.objects.filter(code=int(card["code"])).first()
    return {"popular_procedures": popular(commune) if commune else []}


def full_online_share(commune) -> str:
    from xaso.procedures.models import OnlineLevel, Procedure

    qs = Procedure.objects.filter(commune=commune, active=True)
    total = qs.count()
    if not total:
        return "—"
    full = qs.filter(online_level=OnlineLevel.FULL).count()
    return f"{round(100 * full / total)} % ({full}/{total})"


class ProceduresConfig(AppConfig):
    name = "xaso.procedures"
    label = "procedures"
    verbose_name = _("Danh mục thủ tục hành chính")

    def ready(self) -> None:
        from xaso.core.registry import Indicator, MenuItem, Section, Seeder, registry
        from xaso.procedures import permissions  # noqa: F401

        registry.register_menu(
            MenuItem("procedures", _("Thủ tục hành chính"), "procedures:catalog", order=20)
        )
        registry.register_menu(
            MenuItem(
                "procedures-office",
                _("Danh mục thủ tục"),
                "procedures:office",
                area="office",
                action="procedures.manage",
                order=21,
            )
        )
        registry.register_section(
            Section(
                "procedures",
                _("Thủ tục hành chính thường dùng"),
                "procedures/section.html",
                context=popular_procedures,
                order=20,
            )
        )
        registry.register_indicator(
            Indicator(
                "procedures-full-online",
                _("Thủ tục trực tuyến toàn trình"),
                full_online_share,
                order=20,
            )
        )

        def seed_procedures(*, now):
            from xaso.procedures.demo import seed

            return seed(now=now)

        # Before the one-stop shop's demo dossiers, which need the catalog.
        registry.register_seeder(Seeder("procedures", seed_procedures, order=15))

        # The commune home page (cached) lists procedures: retire it on any change.
        from django.db.models.signals import post_delete, post_save

        from xaso.procedures.models import Procedure

        def changed(sender, instance, **kwargs):
            from xaso.geo.selectors import forget_commune_pages

            forget_commune_pages(instance.commune.code)

        for signal in (post_save, post_delete):
            signal.connect(
                changed, sender=Procedure, weak=False, dispatch_uid=f"procedures-pages-{signal}"
            )
