"""Demo registry of Xã Hà Trung: four villages, eight households, about thirty persons.

Loaded the way a commune would load it — a spreadsheet through the importer's dry
run and commit — then the demo citizens' accounts are linked by identity number.
Safe to run again: an already-filled registry is left alone.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from xaso.accounts.demo import DEMO_COMMUNE_CODE
from xaso.population.choices import VillageKind

VILLAGES = [
    ("Chí Phúc", VillageKind.THON),
    ("Đông Sơn", VillageKind.THON),
    ("Yên Lược", VillageKind.THON),
    ("Tổ dân phố 3", VillageKind.TO_DAN_PHO),
    ("Tổ dân phố 5", VillageKind.TO_DAN_PHO),
]

# (household number, village, [(name, date of birth, sex, relationship, id or None, phone)])
HOUSEHOLDS = [
    (
        "HT-001",
        "Thôn Chí Phúc",
        [
            ("Nguyễn Văn An", "12/03/1985", "Nam", "Chủ hộ", "038085001234", "0912000001"),
            ("Phạm Thị Hằng", "04/09/1987", "Nữ", "Vợ", None, ""),
            ("Nguyễn Minh Khôi", "15/06/2012", "Nam", "Con", None, ""),
            ("Nguyễn Thị Ngọc Ánh", "20/02/2019", "Nữ", "Con", None, ""),
        ],
    ),
    (
        "HT-002",
        "Thôn Đông Sơn",
        [
            ("Lê Văn Thắng", "03/05/1960", "Nam", "Chủ hộ", None, ""),
            ("Lê Thị Bình", "01/07/1992", "Nữ", "Con", "038192004321", "0912000002"),
            ("Đỗ Thị Lý", "11/11/1963", "Nữ", "Vợ", None, ""),
        ],
    ),
    (
        "HT-003",
        "Tổ dân phố 3",
        [
            ("Trịnh Văn Cường", "20/11/2001", "Nam", "Chủ hộ", "038201007788", "0912000003"),
            ("Trịnh Thị Hoài", "08/08/2004", "Nữ", "Anh/chị/em", None, ""),
        ],
    ),
    (
        "HT-004",
        "Thôn Yên Lược",
        [
            ("Hà Thị Dung", "05/01/1968", "Nữ", "Chủ hộ", "038168002468", "0912000004"),
            ("Bùi Văn Tâm", "17/04/1966", "Nam", "Chồng", None, ""),
            ("Bùi Thị Thu Trang", "29/10/1995", "Nữ", "Con", None, ""),
            ("Bùi Gia Bảo", "02/12/2021", "Nam", "Cháu", None, ""),
        ],
    ),
    (
        "HT-005",
        "Thôn Chí Phúc",
        [
            ("Nguyễn Văn Hải", "09/09/1972", "Nam", "Chủ hộ", None, "0987000105"),
            ("Mai Thị Hương", "14/02/1975", "Nữ", "Vợ", None, ""),
            ("Nguyễn Văn Đức", "30/03/1999", "Nam", "Con", None, ""),
            ("Nguyễn Thị Lan Anh", "21/07/2007", "Nữ", "Con", None, ""),
            ("Nguyễn Văn Bốn", "01/01/1945", "Nam", "Cha", None, ""),
        ],
    ),
    (
        "HT-006",
        "Thôn Đông Sơn",
        [
            ("Trần Văn Sơn", "12/12/1980", "Nam", "Chủ hộ", None, ""),
            ("Lương Thị Mây", "05/05/1983", "Nữ", "Vợ", None, ""),
            ("Trần Quốc Huy", "18/08/2010", "Nam", "Con", None, ""),
            ("Trần Ngọc Hân", "27/01/2016", "Nữ", "Con", None, ""),
        ],
    ),
    (
        "HT-007",
        "Tổ dân phố 3",
        [
            ("Phạm Văn Long", "23/06/1958", "Nam", "Chủ hộ", None, ""),
            ("Vũ Thị Nhung", "19/09/1961", "Nữ", "Vợ", None, ""),
            ("Phạm Thị Hạnh", "10/10/1990", "Nữ", "Con", None, ""),
        ],
    ),
    (
        "HT-008",
        "Thôn Yên Lược",
        [
            ("Hoàng Văn Nam", "06/04/1977", "Nam", "Chủ hộ", None, ""),
            ("Lò Thị Phương", "13/03/1979", "Nữ", "Vợ", None, ""),
            ("Hoàng Văn Toàn", "25/12/2003", "Nam", "Con", None, ""),
            ("Hoàng Thị Yến", "07/07/2013", "Nữ", "Con", None, ""),
        ],
    ),
]


def identity_number(dob: dt.date, sex: str, serial: int, province: str = "038") -> str:
    """A structurally valid identity number (STANDARDS.md) for a date of birth and sex."""
    century = {1800: 8, 1900: 0, 2000: 2, 2100: 4}[dob.year // 100 * 100]
    digit = century + (1 if sex == "F" else 0)
    return f"{province}{digit}{dob.year % 100:02d}{serial:06d}"


def demo_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "Số hộ",
            "Họ và tên",
            "Ngày sinh",
            "Giới tính",
            "Số định danh",
            "Dân tộc",
            "Quan hệ với chủ hộ",
            "Thôn/Tổ dân phố",
            "Số điện thoại",
        ]
    )
    serial = 500_000
    for number, village, members in HOUSEHOLDS:
        for name, dob, sex, rel, id_number, phone in members:
            serial += 1
            born = dt.datetime.strptime(dob, "%d/%m/%Y").date()
            ethnicity = "Mường" if name.startswith(("Lò ", "Lương ")) else "Kinh"
            number_text = id_number or identity_number(born, "M" if sex == "Nam" else "F", serial)
            writer.writerow([number, name, dob, sex, number_text, ethnicity, rel, village, phone])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def seed(*, now: dt.datetime) -> dict:
    """The registry as it stands at ``now`` (the demo's reference moment): the import's
    checks (no birth after that day) and its record are dated by it."""
    from xaso.accounts.models import CitizenProfile, User
    from xaso.geo.models import Commune
    from xaso.population import importer
    from xaso.population.models import Person, Village
    from xaso.population.services import link_user

    commune = Commune.objects.get(code=DEMO_COMMUNE_CODE)
    admin = User.objects.get(username="quantri.hatrung")
    for name, kind in VILLAGES:
        Village.objects.get_or_create(commune=commune, name=name, defaults={"kind": kind})
    if Person.objects.filter(commune=commune).exists():
        return {"persons": Person.objects.filter(commune=commune).count()}
    upload = SimpleUploadedFile("dan-cu-ha-trung.csv", demo_csv(), content_type="text/csv")
    job = importer.dry_run(admin, commune, upload, now=now)
    job = importer.commit(admin, job, now=now)
    for profile in CitizenProfile.objects.filter(commune=commune, identity_number__isnull=False):
        person = Person.objects.filter(identity_number=profile.identity_number).first()
        if person is not None:
            link_user(person, profile.user)
    return {"persons": job.persons_created, "households": job.households_created, "job": job}
