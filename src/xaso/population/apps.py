from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PopulationConfig(AppConfig):
    name = "xaso.population"
    label = "population"
    verbose_name = _("Dân cư và hộ gia đình")

    def ready(self) -> None:
        from xaso.core.registry import Indicator, MenuItem, Seeder, registry
        from xaso.population import permissions  # noqa: F401

        registry.register_menu(
            MenuItem(
                "population",
                _("Dân cư"),
                "population:index",
                area="office",
                action="population.view",
                order=40,
            )
        )
        registry.register_menu(
            MenuItem(
                "my-household",
                _("Hộ gia đình của tôi"),
                "population:my-household",
                area="account",
                takes_commune=False,
                order=40,
            )
        )

        def population(commune):
            from xaso.population.selectors import population_count

            return population_count(commune)

        registry.register_indicator(Indicator("population", _("Nhân khẩu"), population, order=40))

        def seed_population(*, now):
            from xaso.population.demo import seed

            return seed(now=now)

        registry.register_seeder(Seeder("population", seed_population, order=40))
