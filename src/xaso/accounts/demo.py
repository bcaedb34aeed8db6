"""Demo data for the foundation: a real commune, officials of every role, citizens.

Credentials are fixed and public (README): never run ``seed_demo`` on a
production database.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from xaso.accounts.models import CitizenProfile, Membership, User
from xaso.core.roles import Role
from xaso.geo.models import Commune, CommuneProfile, Province

DEMO_PASSWORD = "xaso-demo-2026"  # noqa: S105 - public demo credential
DEMO_COMMUNE_CODE = 15271  # Xã Hà Trung, Tỉnh Thanh Hóa
OTHER_COMMUNE_CODE = 15274  # a neighbour, to show that communes do not see each other

OFFICIALS = [
    ("chutich.hatrung", "Lê Văn Hùng", Role.LEADER, "Chủ tịch UBND xã"),
    ("phochutich.hatrung", "Nguyễn Thị Mai", Role.LEADER, "Phó Chủ tịch UBND xã"),
    ("motcua.hatrung", "Trần Thị Lan", Role.ONE_STOP_OFFICER, "Cán bộ Bộ phận một cửa"),
    ("chuyenvien.hatrung", "Phạm Văn Nam", Role.SPECIALIST, "Chuyên viên Văn phòng HĐND - UBND"),
    ("vanthu.hatrung", "Hoàng Thị Hoa", Role.CLERK, "Văn thư"),
    ("quantri.hatrung", "Đỗ Minh Tuấn", Role.COMMUNE_ADMIN, "Quản trị hệ thống xã"),
    ("banhang.hatrung", "HTX Nông nghiệp Hà Trung", Role.SELLER, "Hợp tác xã"),
]
OTHER_OFFICIALS = [
    ("motcua.xakhac", "Vũ Thị Thu", Role.ONE_STOP_OFFICER, "Cán bộ Bộ phận một cửa"),
    ("quantri.xakhac", "Bùi Văn Long", Role.COMMUNE_ADMIN, "Quản trị hệ thống xã"),
]
PROVINCE_OFFICERS = [("cds.thanhhoa", "Ngô Thị Hạnh", Role.PROVINCE_DX, "Sở Khoa học và Công nghệ")]

# Identity numbers follow the structure of STANDARDS.md: 038 = born in Thanh Hóa.
CITIZENS = [
    ("0912000001", "Nguyễn Văn An", dt.date(1985, 3, 12), "M", "038085001234", "Thôn Chí Phúc"),
    ("0912000002", "Lê Thị Bình", dt.date(1992, 7, 1), "F", "038192004321", "Thôn Đông Sơn"),
    ("0912000003", "Trịnh Văn Cường", dt.date(2001, 11, 20), "M", "038201007788", "Tổ dân phố 3"),
    ("0912000004", "Hà Thị Dung", dt.date(1968, 1, 5), "F", "038168002468", "Thôn Yên Lược"),
]


DEMO_PROFILE = {
    "address": "Trụ sở UBND xã Hà Trung, tỉnh Thanh Hóa",
    "phone": "0237 3836 xxx",
    "email": "ubnd.hatrung@thanhhoa.gov.vn",
    "working_hours": "Sáng 7:30–11:30, chiều 13:00–17:00, thứ Hai đến thứ Sáu",
    "agency_code": "000.00.38.H56",
    "introduction": "Xã Hà Trung được thành lập từ 1/7/2025 trên cơ sở sắp xếp "
    "thị trấn Hà Trung và các xã lân cận. Đây là xã mẫu (dữ liệu minh họa) của Xã Số.",
}


def _user(username: str, full_name: str, *, staff: bool = False) -> User:
    user, _ = User.objects.get_or_create(username=username, defaults={"full_name": full_name})
    user.full_name = full_name
    user.is_staff = staff or user.is_staff
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


@transaction.atomic
def seed(*, now: dt.datetime) -> dict:
    """Nothing here depends on ``now`` (the demo's reference moment): accounts and
    roles are the same whatever the day."""
    commune = Commune.objects.get(code=DEMO_COMMUNE_CODE)
    other = Commune.objects.get(code=OTHER_COMMUNE_CODE)
    CommuneProfile.objects.get_or_create(commune=other)
    admin = _user("admin", "Quản trị nền tảng", staff=True)
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    from xaso.geo.services import update_profile

    # Through the service, as an administrator would: validated and audited.
    update_profile(admin, commune, **DEMO_PROFILE)
    logins = [("admin", "Quản trị nền tảng (superuser)", "")]
    for group, target in ((OFFICIALS, commune), (OTHER_OFFICIALS, other)):
        for username, name, role, title in group:
            user = _user(username, name)
            Membership.objects.update_or_create(
                user=user, role=role, commune=target, defaults={"title": title, "active": True}
            )
            logins.append((username, str(role.label), target.name))
    thanh_hoa = Province.objects.get(code=commune.province.code)
    for username, name, role, title in PROVINCE_OFFICERS:
        user = _user(username, name)
        Membership.objects.update_or_create(
            user=user, role=role, province=thanh_hoa, defaults={"title": title, "active": True}
        )
        logins.append((username, str(role.label), thanh_hoa.name))
    for phone, name, dob, sex, id_number, address in CITIZENS:
        user, _ = User.objects.get_or_create(
            phone=phone, defaults={"username": f"p{phone}", "full_name": name}
        )
        user.set_unusable_password()
        user.full_name = name
        user.save()
        CitizenProfile.objects.update_or_create(
            user=user,
            defaults={
                "commune": commune,
                "full_name": name,
                "date_of_birth": dob,
                "sex": sex,
                "identity_number": id_number,
                "address": address,
            },
        )
        Membership.objects.get_or_create(user=user, role=Role.CITIZEN, commune=commune)
    from xaso.geo.selectors import forget_commune_card

    transaction.on_commit(lambda: forget_commune_card(commune))
    return {"commune": commune, "logins": logins, "citizens": [c[0] for c in CITIZENS]}
