"""The registry through which domains plug into the platform.

Each domain app declares, in its ``AppConfig.ready()``, its menu entries, the
sections of the commune home page, its dashboard indicators and its demo-data
seeder. The core (portal, dashboard, ``seed_demo``) only loops over this
registry and never imports a domain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

Area = Literal["public", "office", "account"]


@dataclass(frozen=True)
class MenuItem:
    key: str
    label: Any  # a lazy translation
    url_name: str
    area: Area = "public"
    # The permission action needed to see it (office area); None = everyone.
    action: str | None = None
    order: int = 100
    takes_commune: bool = True


@dataclass(frozen=True)
class Section:
    """A block of the commune home page, rendered from ``template``."""

    key: str
    label: Any
    template: str
    context: Callable[[Any], dict] = field(default=lambda commune: {})
    order: int = 100


@dataclass(frozen=True)
class Indicator:
    """A figure a domain measures per commune (the DX dashboard reads these)."""

    key: str
    label: Any
    compute: Callable[[Any], Any]
    order: int = 100


@dataclass(frozen=True)
class Seeder:
    key: str
    run: Callable[..., Any]
    order: int = 100


class Registry:
    def __init__(self) -> None:
        self.menu: dict[str, MenuItem] = {}
        self.sections: dict[str, Section] = {}
        self.indicators: dict[str, Indicator] = {}
        self.seeders: dict[str, Seeder] = {}

    def _add(self, table: dict, item) -> None:
        if item.key in table and table[item.key] != item:
            raise ValueError(f"{item.key!r} is registered twice")
        table[item.key] = item

    def register_menu(self, item: MenuItem) -> None:
        self._add(self.menu, item)

    def register_section(self, section: Section) -> None:
        self._add(self.sections, section)

    def register_indicator(self, indicator: Indicator) -> None:
        self._add(self.indicators, indicator)

    def register_seeder(self, seeder: Seeder) -> None:
        self._add(self.seeders, seeder)

    def menu_for(self, area: Area) -> list[MenuItem]:
        return sorted((m for m in self.menu.values() if m.area == area), key=lambda m: m.order)

    def ordered(self, table: str) -> list:
        return sorted(getattr(self, table).values(), key=lambda item: item.order)


registry = Registry()
