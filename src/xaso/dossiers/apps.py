from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _share(value) -> str:
    return "—" if value is None else f"{round(100 * value)} %"


def received_this_year(commune) -> str:
    from xaso.dossiers.selectors import stats

    figures = stats(commune)
    return _("%(n)s (trực tuyến: %(online)s)") % {
        "n": figures["received"],
        "online": _share(figures["online_share"]),
    }


def on_time_rate(commune) -> str:
    from xaso.dossiers.selectors import stats

    return _share(stats(commune)["on_time_rate"])


def in_progress(commune) -> str:
    from django.utils import timezone

    from xaso.dossiers.models import OPEN_STATES, Dossier

    qs = Dossier.objects.filter(commune=commune, state__in=list(OPEN_STATES))
    late = qs.filter(due_at__lt=timezone.now()).count()
    return _("%(open)s (quá hạn: %(late)s)") % {"open": qs.count(), "late": late}


def satisfaction(commune) -> str:
    from xaso.dossiers.selectors import stats

    return _share(stats(commune)["satisfaction"])


class DossiersConfig(AppConfig):
    name = "xaso.dossiers"
    label = "dossiers"
    verbose_name = _("Một cửa: thủ tục hành chính và hồ sơ")

    def ready(self) -> None:
        from xaso.core.registry import Indicator, MenuItem, Seeder, registry
        from xaso.dossiers import notify, permissions  # noqa: F401

        registry.register_menu(
            MenuItem(
                "dossiers-lookup",
                _("Tra cứu hồ sơ"),
                "dossiers:lookup",
                order=21,
                takes_commune=False,
            )
        )
        registry.register_menu(
            MenuItem(
                "dossiers-mine",
                _("Hồ sơ của tôi"),
                "dossiers:mine",
                area="account",
                order=20,
                takes_commune=False,
            )
        )
        registry.register_menu(
            MenuItem(
                "dossiers-inbox",
                _("Hồ sơ một cửa"),
                "dossiers:inbox",
                area="office",
                action="dossiers.view",
                order=20,
            )
        )
        registry.register_menu(
            MenuItem(
                "dossiers-new",
                _("Tiếp nhận hồ sơ tại quầy"),
                "dossiers:counter",
                area="office",
                action="dossiers.receive",
                order=21,
            )
        )
        registry.register_menu(
            MenuItem(
                "dossiers-register",
                _("Sổ theo dõi hồ sơ"),
                "dossiers:register",
                area="office",
                action="dossiers.view",
                order=22,
            )
        )
        registry.register_indicator(
            Indicator(
                "dossiers-received", _("Hồ sơ tiếp nhận trong năm"), received_this_year, order=20
            )
        )
        registry.register_indicator(
            Indicator("dossiers-open", _("Hồ sơ đang giải quyết"), in_progress, order=21)
        )
        registry.register_indicator(
            Indicator("dossiers-on-time", _("Hồ sơ giải quyết đúng hạn"), on_time_rate, order=22)
        )
        registry.register_indicator(
            Indicator("dossiers-satisfaction", _("Mức độ hài lòng"), satisfaction, order=23)
        )

        def seed_dossiers(*, now):
            from xaso.dossiers.demo import seed

            return seed(now=now)

        registry.register_seeder(Seeder("dossiers", seed_dossiers, order=25))
