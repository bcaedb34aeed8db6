"""Loading the administrative units and editing a commune's profile."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import vietnam_provinces
from django.db import connection, transaction

from xaso.audit import services as audit
from xaso.core import permissions
from xaso.core.text import fold
from xaso.geo.models import Commune, CommuneProfile, LegacyName, Province

LEGACY_FILE = Path(__file__).parent / "data" / "legacy-communes-2025.json"
#: The ``source`` of the rows loaded from LEGACY_FILE. Rows of earlier shipped data are
#: replaced when the units load; rows a province imported keep their own source.
LEGACY_SOURCE = "Bảng chuyển đổi 1/7/2025 (vietnam-provinces 2026.9.0, vietnamadminunits 1.0.4)"
SHIPPED_SOURCES = (LEGACY_SOURCE, "vietnam-provinces 0.6.0 (trước 1/7/2025)")


@functools.cache
def legacy_data() -> dict:
    """The shipped mapping of every pre-July-2025 unit to today's (docs/geo.md)."""
    return json.loads(LEGACY_FILE.read_text("utf-8"))


@functools.cache
def _today() -> list[dict]:
    """Today's provinces with their communes, as ``vietnam-provinces`` ships them."""
    return json.loads(Path(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH).read_text("utf-8"))


@functools.cache
def _legacy_row_count() -> int:
    data = legacy_data()
    return sum(len(c[4]) for c in data["communes"]) + len(_legacy_province_rows())


@transaction.atomic
def load_units(*, force: bool = False) -> dict[str, int]:
    """Load the 34 provinces and 3,321 communes shipped by ``vietnam-provinces``, and
    every pre-July-2025 name that leads to them.

    Idempotent: existing rows are updated in place (codes are the keys), so
    memberships and commune-owned data keep pointing at the same rows.
    """
    data = _today()
    expected = sum(len(p["wards"]) for p in data)
    if not force and Commune.objects.count() == expected and Province.objects.count() == len(data):
        legacy = LegacyName.objects.filter(source=LEGACY_SOURCE).count()
        if legacy != _legacy_row_count():
            legacy = load_legacy_names()
        return {"provinces": len(data), "communes": expected, "legacy": legacy}

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


def _legacy_province_rows() -> list[tuple[int, str, int]]:
    """Old provinces whose name is not today's: (old code, name, today's code)."""
    today = {p["code"]: p["name"] for p in _today()}
    rows = []
    for code, name, new_code in legacy_data()["provinces"]:
        short = fold(today[new_code]).removeprefix("tinh ").removeprefix("thanh pho ")
        if short not in fold(name):
            rows.append((code, name, new_code))
    return rows


#: The columns of a shipped LegacyName row, in the order of ``_legacy_rows``.
_LEGACY_COLUMNS = (
    "name",
    "name_folded",
    "old_code",
    "context",
    "district",
    "old_province",
    "context_folded",
    "rank",
    "split",
    "source",
)


@functools.cache
def _legacy_rows() -> tuple[list[tuple], list[tuple]]:
    """The shipped rows as plain tuples, with the codes of today's unit to point at:
    (province rows, commune rows). Made once per process."""
    data = legacy_data()
    old_provinces = {code: name for code, name, _new in data["provinces"]}
    districts = {code: name for code, name, _province in data["districts"]}
    provinces = [
        ((name, fold(name), code, "", "", "", "", 0, False, LEGACY_SOURCE), new_code)
        for code, name, new_code in _legacy_province_rows()
    ]
    communes = []
    for old_code, name, district_code, province_code, targets in data["communes"]:
        district = districts.get(district_code, "")
        old_province = old_provinces[province_code]
        context = ", ".join(p for p in (district, old_province) if p)
        folded, context_folded = fold(name), fold(context)
        for rank, target in enumerate(targets):
            row = (name, folded, old_code, context, district, old_province, context_folded)
            communes.append(((*row, rank, len(targets) > 1, LEGACY_SOURCE), target))
    return provinces, communes


@transaction.atomic
def load_legacy_names() -> int:
    """Every pre-July-2025 commune (and the old provinces) pointing at today's units.

    An old commune split between several of today's communes gets one row for each,
    the main successor first (``rank`` 0). Rows of earlier shipped data are replaced;
    names a province imported with ``xaso import_legacy_names`` are kept.

    About 10,700 rows, written with one ``executemany`` (SQLite) or ``COPY``
    (PostgreSQL) in a fraction of a second, where ``bulk_create`` spends a second or
    more building model instances (the test suite and every browser test load the
    units afresh). Column names come from the model.
    """
    LegacyName.objects.filter(source__in=SHIPPED_SOURCES).delete()
    province_ids = dict(Province.objects.values_list("code", "id"))
    commune_ids = dict(Commune.objects.values_list("code", "id"))
    province_rows, commune_rows = _legacy_rows()
    rows = [(*row, province_ids[code], None) for row, code in province_rows]
    rows += [(*row, None, commune_ids[code]) for row, code in commune_rows]
    meta = LegacyName._meta
    columns = [meta.get_field(name).column for name in _LEGACY_COLUMNS]
    columns += [meta.get_field("province").column, meta.get_field("commune").column]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            values = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({values})", rows)  # noqa: S608
    return len(rows)


def old_province_codes() -> dict[int, str]:
    """The 63 pre-2025 province codes — still the first 3 digits of identity numbers."""
    return {code: name for code, name, _new in legacy_data()["provinces"]}


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
