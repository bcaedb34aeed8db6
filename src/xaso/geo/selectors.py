from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from xaso.core.text import fold
from xaso.geo.models import Commune, LegacyName, Province

_CODE = re.compile(r"^\d{1,5}$")


def parse_commune_code(raw) -> int | None:
    """ "00070" or "70" → 70; anything else → None."""
    text = str(raw).strip()
    if not _CODE.match(text):
        return None
    return int(text)


def parse_province_code(raw) -> int | None:
    text = str(raw).strip()
    if not re.match(r"^\d{1,2}$", text):
        return None
    return int(text)


def _word_prefix(field: str, key: str) -> Q:
    """The folded name has a word starting with ``key``: "ha son" matches "xa ha son",
    not "xa kha son"."""
    return Q(**{f"{field}__startswith": key}) | Q(**{f"{field}__contains": " " + key})


def search_communes(query: str = "", province: Province | None = None) -> QuerySet[Commune]:
    """Communes whose name — today's, or a legacy one — contains the query, accents ignored.

    "ha trung" finds "Xã Hà Trung"; "thanh hoa" finds every commune of Thanh Hóa.
    """
    qs = Commune.objects.select_related("province")
    if province is not None:
        qs = qs.filter(province=province)
    key = fold(query)
    if key:
        if key.isdigit():
            return qs.filter(code=int(key))
        legacy = LegacyName.objects.filter(_word_prefix("name_folded", key))
        qs = qs.filter(
            _word_prefix("name_folded", key)
            | _word_prefix("province__name_folded", key)
            | Q(id__in=legacy.filter(commune__isnull=False).values("commune_id"))
            | Q(province_id__in=legacy.filter(province__isnull=False).values("province_id"))
        )
    return qs.order_by("province__name", "name")


def search_provinces(query: str = "") -> QuerySet[Province]:
    key = fold(query)
    qs = Province.objects.all()
    if key:
        legacy = LegacyName.objects.filter(_word_prefix("name_folded", key), province__isnull=False)
        qs = qs.filter(_word_prefix("name_folded", key) | Q(id__in=legacy.values("province_id")))
    return qs.order_by("name")


def commune_card(code) -> dict | None:
    """Everything public about one commune, as plain data (API and home page).

    Cached briefly per commune: the home page and the API are the hottest reads
    of the platform and this data changes a few times a year. Writes that
    change it call :func:`forget_commune_card`.
    """
    from django.core.cache import cache

    from xaso.core.cache import memo

    number = parse_commune_code(code)
    if number is None:
        return None
    key = f"geo:card:{number}"
    card = memo.get(key)
    if card is not None:
        return card
    card = cache.get(key)
    if card is not None:
        memo.set(key, card)
        return card
    commune = Commune.objects.select_related("province", "profile").filter(code=number).first()
    if commune is None:
        return None
    from xaso.accounts.selectors import public_leaders

    profile = getattr(commune, "profile", None)
    card = {
        "code": commune.code_str,
        "name": commune.name,
        "division_type": commune.division_type,
        "province_code": commune.province.code_str,
        "province_name": commune.province.name,
        "url": commune.get_absolute_url(),
        "legacy_names": [
            f"{n.name} ({n.context})" if n.context else n.name for n in commune.legacy_names.all()
        ],
        "leaders": public_leaders(commune),
    }
    for field in ("address", "phone", "email", "website", "working_hours", "agency_code"):
        card[field] = getattr(profile, field, "") if profile else ""
    card["introduction"] = profile.introduction if profile else ""
    cache.set(key, card, timeout=300)
    memo.set(key, card)
    return card


def forget_commune_card(commune) -> None:
    """Drop the card and the pages built from it, shared and in this process."""
    from xaso.core.cache import memo

    memo.delete(f"commune-obj:{commune.code}")  # core.tenancy's copy in this process
    _forget([f"geo:card:{commune.code}", *_page_keys(commune.code)])


def forget_commune_pages(commune_code: int) -> None:
    """Drop the cached home page of a commune: a domain whose section changed calls it."""
    _forget(_page_keys(commune_code))


def _page_keys(commune_code: int) -> list[str]:
    from django.conf import settings

    return [f"portal:commune-page:{commune_code}:{lang}" for lang, _name in settings.LANGUAGES]


def _forget(keys: list[str]) -> None:
    from django.core.cache import cache

    from xaso.core.cache import memo

    cache.delete_many(keys)
    for key in keys:
        memo.delete(key)
