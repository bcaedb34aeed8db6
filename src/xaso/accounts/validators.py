"""Validation of Vietnamese identity numbers and phone numbers."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_MOBILE = re.compile(r"^0(3|5|7|8|9)\d{8}$")


def normalize_phone(raw: str) -> str:
    """+84 912 345 678, 84912345678, 0912.345.678 → 0912345678; else ValidationError."""
    digits = re.sub(r"[\s.\-()]", "", str(raw or ""))
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not _MOBILE.match(digits):
        raise ValidationError(
            _(
                "Số điện thoại di động không hợp lệ: cần 10 chữ số, "
                "bắt đầu bằng 03, 05, 07, 08 hoặc 09."
            ),
            code="invalid_phone",
        )
    return digits


@cache
def _birth_province_codes() -> frozenset[int]:
    from xaso.geo.services import old_province_codes

    return frozenset(old_province_codes())


# G digit: century and sex. 0/1 = 1900s male/female, 2/3 = 2000s, 4/5 = 2100s,
# 6/7 = 2200s, 8/9 = 1800s.
_CENTURY = {
    0: 1900,
    1: 1900,
    2: 2000,
    3: 2000,
    4: 2100,
    5: 2100,
    6: 2200,
    7: 2200,
    8: 1800,
    9: 1800,
}


def parse_identity_number(number: str) -> dict:
    """Split a 12-digit personal identification number (CCCD) into its parts.

    Raises ValidationError with a message that says what is wrong.
    """
    value = str(number or "").strip()
    if not re.fullmatch(r"\d{12}", value):
        raise ValidationError(_("Số định danh cá nhân phải gồm đúng 12 chữ số."), code="id_format")
    province = int(value[:3])
    if province not in _birth_province_codes():
        raise ValidationError(
            _("Ba chữ số đầu (%(code)s) không phải mã tỉnh nơi đăng ký khai sinh."),
            code="id_province",
            params={"code": value[:3]},
        )
    g = int(value[3])
    year = _CENTURY[g] + int(value[4:6])
    sex = "F" if g % 2 else "M"
    return {"province_code": province, "birth_year": year, "sex": sex}


def validate_identity_number(
    number: str, *, date_of_birth: dt.date | None = None, sex: str | None = None
) -> str:
    """Check structure, and consistency with the date of birth and sex when given."""
    parts = parse_identity_number(number)
    if date_of_birth is not None and date_of_birth.year != parts["birth_year"]:
        raise ValidationError(
            _(
                "Số định danh cá nhân cho năm sinh %(id_year)s, "
                "không khớp với ngày sinh (%(year)s)."
            ),
            code="id_birth_year",
            params={"id_year": parts["birth_year"], "year": date_of_birth.year},
        )
    if sex in ("M", "F") and sex != parts["sex"]:
        raise ValidationError(
            _("Chữ số thứ tư của số định danh cá nhân không khớp với giới tính."), code="id_sex"
        )
    return str(number).strip()


def mask_identity_number(number: str | None) -> str:
    """038095001234 → 038******234: the province and the last three digits only."""
    if not number:
        return ""
    return number[:3] + "*" * (len(number) - 6) + number[-3:]


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    return phone[:3] + "****" + phone[-3:]
