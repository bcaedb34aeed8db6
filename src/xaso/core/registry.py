"""The registry through which domains plug into the platform.

Each domain app declares, in its ``AppConfig.ready()``, its menu entries, the
sections of the commune home page, its indicators (measured ratios the DX scorecard
snapshots), its tiles on the leader's operations page, its periodic jobs, the public
URLs it adds to the sitemap and its demo-data seeder. The core (portal, dashboard,
scheduler, ``seed_demo``) only loops over this registry and never imports a domain.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterable
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


#: ``(commune, start, end) -> int``: a count or a sum (whole đồng) over the domain's own
#: tables for the half-open period [start, end) of local dates.
Measure = Callable[[Any, dt.date, dt.date], int]


@dataclass(frozen=True)
class Indicator:
    """A figure a domain measures per commune: a named ratio (or a count) over its tables.

    ``numerator`` and ``denominator`` are :data:`Measure` callables; without a
    denominator the value is the numerator itself (a count, or đồng). The DX scorecard
    snapshots every indicator per commune and period; ``compute`` (optional) gives the
    live figure shown on the commune's office page.

    ``outside_denominator``: the denominator needs data the platform does not hold in full
    (adult population, households with fibre): the scorecard then uses a value an official
    enters with its source, and says so.
    """

    key: str
    label: Any  # a lazy translation
    compute: Callable[[Any], Any] | None = None
    numerator: Measure | None = None
    denominator: Measure | None = None
    #: "ratio" (shown as %), "count", "vnd" (whole đồng), "hours", …
    unit: str = "ratio"
    #: "month" or "year": the period a value is meant for.
    period: str = "month"
    formula: Any = ""  # the formula in words, e.g. _("Hồ sơ trực tuyến / hồ sơ tiếp nhận")
    source: Any = ""  # where the data comes from, e.g. _("Xã Số — một cửa")
    outside_denominator: bool = False
    domain: str = ""
    order: int = 100

    def value(self, commune, start: dt.date, end: dt.date) -> dict:
        """``{"numerator", "denominator", "value"}`` for one commune and period."""
        numerator = int(self.numerator(commune, start, end)) if self.numerator else 0
        denominator = (
            int(self.denominator(commune, start, end)) if self.denominator is not None else None
        )
        if denominator is None:
            value = numerator
        else:
            value = None if denominator == 0 else numerator / denominator
        return {"numerator": numerator, "denominator": denominator, "value": value}


@dataclass(frozen=True)
class Tile:
    """A tile of the leader's operations page (IOC): ``compute(commune, now)`` returns
    ``{"value": …, "detail": str, "level": "ok"|"warn"|"alert", "url": str}``;
    ``action`` is the permission needed to see it."""

    key: str
    label: Any
    compute: Callable[[Any, dt.datetime], dict]
    action: str | None = None
    order: int = 100


@dataclass(frozen=True)
class PeriodicJob:
    """Work a domain needs done on a schedule (reminders, expiry, checkpoints, snapshots).

    ``run(now)`` does one pass for every commune and returns a small summary dict; it must
    be idempotent (a pass run twice, or late, changes nothing more). ``every`` is the
    period; the scheduler runs each job once per period across all hosts.
    """

    key: str
    label: Any
    run: Callable[[dt.datetime], Any]
    every: dt.timedelta
    order: int = 100


@dataclass(frozen=True)
class SitemapSource:
    """Public URLs a domain adds to ``/sitemap.xml``: ``items()`` yields
    ``(absolute path, last modified datetime or None)``."""

    key: str
    items: Callable[[], Iterable[tuple[str, dt.datetime | None]]]
    order: int = 100


@dataclass(frozen=True)
class Seeder:
    """A domain's demo data. ``seed_demo`` calls ``run(now=<aware datetime>)``: the
    reference moment the whole demo is built around (``seed_demo --now``, default the
    real now). A seeder places every record relative to it, in working days
    (``xaso.workdays.moments.Moments``), never reads the clock itself, and passes
    ``now=`` on to the services it calls. Running it twice changes nothing."""

    key: str
    run: Callable[..., Any]
    order: int = 100

    def __post_init__(self):
        try:
            params = inspect.signature(self.run).parameters
        except (TypeError, ValueError):  # a builtin or a C callable: trust it
            return
        now = params.get("now")
        takes_kwargs = any(p.kind is p.VAR_KEYWORD for p in params.values())
        if not takes_kwargs and (now is None or now.kind is inspect.Parameter.POSITIONAL_ONLY):
            raise TypeError(f"seeder {self.key!r} must accept the keyword argument now=")


class Registry:
    def __init__(self) -> None:
        self.menu: dict[str, MenuItem] = {}
        self.sections: dict[str, Section] = {}
        self.indicators: dict[str, Indicator] = {}
        self.tiles: dict[str, Tile] = {}
        self.jobs: dict[str, PeriodicJob] = {}
        self.sitemaps: dict[str, SitemapSource] = {}
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

    def register_tile(self, tile: Tile) -> None:
        self._add(self.tiles, tile)

    def register_job(self, job: PeriodicJob) -> None:
        self._add(self.jobs, job)

    def register_sitemap(self, source: SitemapSource) -> None:
        self._add(self.sitemaps, source)

    def register_seeder(self, seeder: Seeder) -> None:
        self._add(self.seeders, seeder)

    def menu_for(self, area: Area) -> list[MenuItem]:
        return sorted((m for m in self.menu.values() if m.area == area), key=lambda m: m.order)

    def ordered(self, table: str) -> list:
        return sorted(getattr(self, table).values(), key=lambda item: item.order)


registry = Registry()
