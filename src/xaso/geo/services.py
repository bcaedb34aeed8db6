"""Loading the administrative units and editing a commune's profile."""

from __future__ import annotations

import json
from pathlib import Path

import vietnam_provinces
from django.db import transaction

from xaso.audit import services as audit
from xaso.core import permissions
from xaso.core.text import fold
from xaso.geo.models import Commune, CommuneProfile, LegacyName, Province

LEGACY_FILE = Path(__file__).parent / "data" / "legacy-units-2024.json"
LEGACY_SOURCE = "vietnam-provinces 0.6.0 (trước 1/7/2025)"


@transaction.atomic
def load_units(*, force: bool = False) -> dict[str, int]:
    """Load the 34 provinces and 3,321 communes shipped by ``vietnam-provinces``.

    Idempotent: existing rows are updated in place (codes are the keys), so
    memberships and commune-owned data keep pointing at the same rows.
    """
    data = json.loads(Path(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH).read_text("utf-8"))
    expected = sum(len(p["wards"]) for p in data)
    if not force and Commune.objects.count() == expected and Province.objects.count() == len(data):
        return {"provinces": len(data), "communes": expected, "legacy": LegacyName.objects.count()}

    provinces = {p.code: p for p in Province.objects.all()}
    communes = {c.code: c for c in Commune.objects.all()}
    new_provinces, new_communes = [], []
    for p in data:
        prov = provinces.get(p["code"]) or Province(code=p["code"])
        prov.name, prov.division_type = p["name"], p["division_type"]
        prov.phone_code, prov.name_folded = p.get("phone_code"), fold(p["name"])
        if prov.pk is None:
            new_provinces.append(prov)
        else:
            prov.save()
    Province.objects.bulk_create(new_provinces)
    provinces = {p.code: p for p in Province.objects.all()}
    for p in data:
        for w in p["wards"]:
            com = communes.get(w["code"]) or Commune(code=w["code"])
            com.name, com.division_type = w["name"], w["division_type"]
            com.province = provinces[p["code"]]
            com.name_folded = fold(w["name"])
            if com.pk is None:
                new_communes.append(com)
            else:
                com.save()
    Commune.objects.bulk_create(new_communes, batch_size=1000)
    legacy = load_legacy_names()
    return {"provinces": len(data), "communes": expected, "legacy": legacy}


def load_legacy_names() -> int:
    """Pre-2025 names, where the data allows a link to today's unit.

    Today's units mostly keep the code of one predecessor; the shipped file maps
    those codes (see docs/geo.md). A province may load a full merger table with
    ``xaso import_legacy_names``.
    """
    legacy = json.loads(LEGACY_FILE.read_text("utf-8"))
    LegacyName.objects.filter(source=LEGACY_SOURCE).delete()
    provinces = {p.code: p for p in Province.objects.all()}
    communes = {c.code: c for c in Commune.objects.all()}
    rows = []
    for code, name in legacy["provinces"].items():
        prov = provinces.get(int(code))
        if prov and fold(prov.short_name) not in fold(name):
            rows.append(
                LegacyName(
                    name=name,
                    name_folded=fold(name),
                    old_code=int(code),
                    province=prov,
                    source=LEGACY_SOURCE,
                )
            )
    for code, (name, district, province_name) in legacy["communes"].items():
        com = communes.get(int(code))
        if com and fold(name) != com.name_folded:
            rows.append(
                LegacyName(
                    name=name,
                    name_folded=fold(name),
                    old_code=int(code),
                    context=f"{district}, {province_name}",
                    commune=com,
                    source=LEGACY_SOURCE,
                )
            )
    LegacyName.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def old_province_codes() -> dict[int, str]:
    """The 63 pre-2025 province codes — still the first 3 digits of identity numbers."""
    legacy = json.loads(LEGACY_FILE.read_text("utf-8"))
    return {int(code): name for code, name in legacy["provinces"].items()}


PROFILE_FIELDS = (
    "address",
    "phone",
    "email",
    "website",
    "working_hours",
    "agency_code",
    "introduction",
)


@transaction.atomic
def update_profile(actor, commune: Commune, *, ip: str | None = None, **changes) -> CommuneProfile:
    permissions.require(actor, "geo.edit_profile", commune)
    profile, _created = CommuneProfile.objects.select_for_update().get_or_create(commune=commune)
    before = {f: getattr(profile, f) for f in PROFILE_FIELDS}
    for field, value in changes.items():
        if field not in PROFILE_FIELDS:
            raise ValueError(field)
        setattr(profile, field, value)
    profile.full_clean()
    profile.save()
    diff = {
        f: [before[f], getattr(profile, f)]
        for f in PROFILE_FIELDS
        if before[f] != getattr(profile, f)
    }
    audit.record(
        actor, "geo.profile.update", profile, commune=commune, ip=ip, detail={"changes": diff}
    )
    from xaso.geo.selectors import forget_commune_card

    transaction.on_commit(lambda: forget_commune_card(commune))
    return profile
