from __future__ import annotations

import json
import re

from django.db.models import (
    Case,
    Exists,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import JSONObject
from django.utils.translation import gettext as _

from xaso.core.text import fold
from xaso.geo.models import Commune, LegacyName, Province, legacy_label

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


def _all_words(field: str, keys: list[str]) -> Q:
    q = Q()
    for key in keys:
        q &= _word_prefix(field, key)
    return q


def search_communes(query: str = "", province: Province | None = None) -> QuerySet[Commune]:
    """Communes whose name — today's, or one they had before July 2025 — contains the
    query, accents ignored.

    "ha trung" finds "Xã Hà Trung"; "thanh hoa" finds every commune of Thanh Hóa;
    "ha son" finds the commune that Xã Hà Sơn (huyện Hà Trung) became in 2025, and an
    old district or province finds the communes that were in it. After a comma come
    the district or province, old or today's: "ha son, ha trung".

    Each commune carries ``legacy_match`` (the old unit that matched, best first: by
    its name, then the main successor) and ``today_match``; ``legacy_line`` writes it.
    Order: today's name, then the main successor of an old name, then the communes
    that got a part of a split old commune, then matches by district or province.
    """
    qs = Commune.objects.select_related("province")
    if province is not None:
        qs = qs.filter(province=province)
    key = fold(query)
    if not key:
        return qs.order_by("province__name", "name")
    if key.isdigit():
        return qs.filter(code=int(key))
    name, *places = [part.strip() for part in key.split(",")]
    places = [p for p in places if p]
    if not name:
        name, places = " ".join(places), []
    if not name:
        return qs.none()
    today_name = _word_prefix("name_folded", name) & _all_words("province__name_folded", places)
    legacy_name = _word_prefix("name_folded", name) & _all_words("context_folded", places)
    mine = LegacyName.objects.filter(commune_id=OuterRef("pk"))
    by_name = mine.filter(legacy_name)
    if places:
        today_place = Q(pk__in=[])
        by_place = mine.none()
        legacy_any = legacy_name
    else:
        today_place = _word_prefix("province__name_folded", name)
        by_place = mine.filter(_word_prefix("context_folded", name))
        legacy_any = legacy_name | _word_prefix("context_folded", name)
    best = (
        mine.filter(legacy_any)
        .annotate(by_name=Case(When(legacy_name, then=Value(True)), default=Value(False)))
        .order_by("-by_name", "rank", "id")
        .values(
            json=JSONObject(
                name="name",
                district="district",
                old_province="old_province",
                context="context",
                old_code="old_code",
                rank="rank",
                by_name="by_name",
            )
        )[:1]
    )
    return (
        qs.filter(today_name | today_place | Exists(by_name) | Exists(by_place))
        .annotate(
            match_rank=Case(
                When(today_name, then=Value(0)),
                When(Exists(by_name.filter(rank=0)), then=Value(1)),
                When(Exists(by_name), then=Value(2)),
                default=Value(3),
            ),
            today_match=Case(
                When(today_name | today_place, then=Value(True)), default=Value(False)
            ),
            legacy_match=Subquery(best, output_field=JSONField()),
        )
        .order_by("match_rank", "province__name", "name")
    )


def legacy_match(commune) -> dict | None:
    """The old unit a search result was found by, or None when it adds nothing (the
    commune matched by today's name or province, and the old one only by its district
    or province)."""
    match = getattr(commune, "legacy_match", None)
    if isinstance(match, str):  # a backend that hands JSON back as text
        match = json.loads(match)
    if not match or (not match["by_name"] and getattr(commune, "today_match", False)):
        return None
    label = legacy_label(match["name"], match["district"], match["old_province"], match["context"])
    main = match["rank"] == 0
    if main:
        text = _("Trước 7/2025: %(unit)s") % {"unit": label}
    else:
        text = _("Trước 7/2025: một phần %(unit)s") % {"unit": label[:1].lower() + label[1:]}
    return {
        "name": match["name"],
        "district": match["district"],
        "province": match["old_province"],
        "old_code": f"{match['old_code']:05d}" if match["old_code"] is not None else None,
        "main": main,
        "label": label,
        "text": text,
    }


def legacy_line(commune) -> str:
    """``Trước 7/2025: Xã Hà Sơn, huyện Hà Trung, tỉnh Thanh Hóa`` for a search result."""
    match = legacy_match(commune)
    return match["text"] if match else ""


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
            n.label if n.rank == 0 else _("một phần %(unit)s") % {"unit": _lower_first(n.label)}
            for n in commune.legacy_names.all()
        ],
        "leaders": public_leaders(commune),
    }
    for field in ("address", "phone", "email", "website", "working_hours", "agency_code"):
        card[field] = getattr(profile, field, "") if profile else ""
    card["introduction"] = profile.introduction if profile else ""
    cache.set(key, card, timeout=300)
    memo.set(key, card)
    return card


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


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


# --- Addresses written with an old commune name ---------------------------------------

#: How a written address abbreviates the kind of a unit (folded), and the full word.
_KINDS = {
    "xa": "xa",
    "x.": "xa",
    "phuong": "phuong",
    "p.": "phuong",
    "thi tran": "thi tran",
    "tt": "thi tran",
    "tt.": "thi tran",
    "dac khu": "dac khu",
    "huyen": "huyen",
    "h.": "huyen",
    "quan": "quan",
    "q.": "quan",
    "thi xa": "thi xa",
    "tx": "thi xa",
    "tx.": "thi xa",
    "thanh pho": "thanh pho",
    "tp": "thanh pho",
    "tp.": "thanh pho",
    "tinh": "tinh",
    "t.": "tinh",
}
_COMMUNE_KINDS = ("xa", "phuong", "thi tran", "dac khu")
_KIND = re.compile(
    r"^(" + "|".join(re.escape(k) for k in sorted(_KINDS, key=len, reverse=True)) + r")\s*"
)


def _address_part(text: str) -> tuple[str, str]:
    """``"TT. Hà Trung"`` → ``("thi tran", "thi tran ha trung")``; no kind → ``("", …)``."""
    key = fold(text)
    m = _KIND.match(key)
    if not m or len(key) == m.end():
        return "", key
    kind = _KINDS[m.group(1)]
    return kind, f"{kind} {key[m.end() :]}"


class AddressResolver:
    """Finds the pre-July-2025 commune an address names and today's commune it became.

    ``resolve("Thôn Đông, xã Hà Sơn, huyện Hà Trung, Thanh Hóa", within=commune)`` →
    ``{"old": "Xã Hà Sơn, huyện Hà Trung, tỉnh Thanh Hóa", "commune": <Xã Tống Sơn>,
    "split": False, "within": True}``, or None when the address names no old commune
    (or names ``within`` by today's name). Among old communes of the same name the
    places written after it decide, then whether one of them became ``within``. A
    split commune resolves to its main successor; ``within`` says whether ``within``
    received it (or a part of it). One resolver serves a whole file: answers are kept
    per commune name and places.
    """

    def __init__(self):
        self._seen: dict[tuple, dict | None] = {}

    def resolve(self, address: str, *, within: Commune | None = None) -> dict | None:
        parts = [_address_part(p) for p in re.split(r"[,;]", address or "") if p.strip()]
        at = next((i for i, (kind, _key) in enumerate(parts) if kind in _COMMUNE_KINDS), None)
        if at is None:
            return None
        name = parts[at][1]
        places = tuple(key for _kind, key in parts[at + 1 :] if key)
        if within is not None and name == within.name_folded:
            return None
        key = (name, places, within.pk if within is not None else None)
        if key not in self._seen:
            self._seen[key] = self._lookup(name, places, within)
        return self._seen[key]

    @staticmethod
    def _lookup(name: str, places: tuple[str, ...], within: Commune | None) -> dict | None:
        rows = list(
            LegacyName.objects.filter(name_folded=name, commune__isnull=False)
            .select_related("commune__province")
            .order_by("old_code", "rank", "id")
        )
        if not rows:
            return None
        units: dict[tuple, list[LegacyName]] = {}
        for row in rows:
            units.setdefault((row.old_code, row.context_folded), []).append(row)

        def placed(unit_key) -> int:
            where = f" {unit_key[1]}".replace(",", " ")
            return sum(f" {place} " in f"{where} " for place in places)

        def mine(unit_key) -> bool:
            return within is not None and any(r.commune_id == within.pk for r in units[unit_key])

        best = max(units, key=lambda k: (placed(k), mine(k)))
        if within is not None and not mine(best):
            if Commune.objects.filter(name_folded=name).exists():
                return None  # today's name of another commune: an address of today
        successors = units[best]
        main = successors[0]
        return {
            "old": main.label,
            "commune": main.commune,
            "split": len(successors) > 1,
            "within": mine(best),
            "main": within is not None and main.commune_id == within.pk,
        }
