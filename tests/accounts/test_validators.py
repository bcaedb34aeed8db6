import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from xaso.accounts.validators import (
    mask_identity_number,
    normalize_phone,
    parse_identity_number,
    validate_identity_number,
)

pytestmark = pytest.mark.dates


@pytest.mark.parametrize(
    "raw", ["0912345678", "+84912345678", "84912345678", "0912.345.678", "091 234 5678"]
)
def test_phone_numbers_are_normalised(raw):
    assert normalize_phone(raw) == "0912345678"


@pytest.mark.parametrize("raw", ["", "12345", "0212345678", "09123456789", "abc", "+1 555 0100"])
def test_bad_phone_numbers_are_refused(raw):
    with pytest.raises(ValidationError):
        normalize_phone(raw)


def test_identity_number_parts():
    assert parse_identity_number("038095001234") == {
        "province_code": 38,
        "birth_year": 1995,
        "sex": "M",
    }
    assert parse_identity_number("001305001234") == {
        "province_code": 1,
        "birth_year": 2005,
        "sex": "F",
    }


@pytest.mark.parametrize(
    "number",
    [
        "",
        "03809500123",
        "0380950012345",
        "03809500123a",
        "000095001234",
        "099095001234",
        "050095001234",
    ],
)
def test_malformed_identity_numbers(number):
    with pytest.raises(ValidationError):
        parse_identity_number(number)


def test_identity_number_must_match_birth_year_and_sex():
    validate_identity_number("038095001234", date_of_birth=dt.date(1995, 6, 1), sex="M")
    with pytest.raises(ValidationError, match="1995"):
        validate_identity_number("038095001234", date_of_birth=dt.date(1996, 6, 1), sex="M")
    with pytest.raises(ValidationError):
        validate_identity_number("038095001234", date_of_birth=dt.date(1995, 6, 1), sex="F")


def test_masking_keeps_province_and_last_three_digits():
    assert mask_identity_number("038095001234") == "038******234"
    assert mask_identity_number("") == ""
