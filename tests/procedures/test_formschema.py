"""The form-schema engine: server validation in Vietnamese, Django form, JSON Schema, prefill."""

from __future__ import annotations

import datetime as dt

import jsonschema_rs
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from xaso.procedures import formschema

pytestmark = pytest.mark.dates

SCHEMA = {
    "fields": [
        {
            "key": "name",
            "label": "Họ và tên",
            "type": "text",
            "required": True,
            "max_length": 10,
            "prefill": "full_name",
        },
        {"key": "note", "label": "Ghi chú", "type": "textarea", "required": False},
        {
            "key": "dob",
            "label": "Ngày sinh",
            "type": "date",
            "required": True,
            "when": "past",
            "prefill": "date_of_birth",
        },
        {"key": "pickup", "label": "Ngày hẹn", "type": "date", "required": False, "when": "future"},
        {
            "key": "pages",
            "label": "Số trang",
            "type": "integer",
            "required": True,
            "min": 1,
            "max": 500,
        },
        {
            "key": "sex",
            "label": "Giới tính",
            "type": "choice",
            "required": True,
            "options": [{"value": "M", "label": "Nam"}, {"value": "F", "label": "Nữ"}],
            "prefill": "sex",
        },
        {
            "key": "id_number",
            "label": "Số định danh",
            "type": "cccd",
            "required": True,
            "prefill": "identity_number",
        },
        {
            "key": "phone",
            "label": "Điện thoại",
            "type": "phone",
            "required": False,
            "prefill": "phone",
        },
        {"key": "email", "label": "Thư điện tử", "type": "email", "required": False},
        {"key": "agree", "label": "Cam đoan", "type": "checkbox", "required": True},
        {
            "key": "village",
            "label": "Thôn",
            "type": "text",
            "required": False,
            "prefill": "village",
        },
    ]
}
GOOD = {
    "name": "  Nguyễn An ",
    "dob": "1985-03-12",
    "pages": "3",
    "sex": "M",
    "id_number": "038085001234",
    "phone": "+84 912 000 001",
    "email": "An@Example.vn",
    "agree": True,
}


def errors_of(data):
    with pytest.raises(ValidationError) as exc:
        formschema.validate(SCHEMA, data)
    return exc.value.message_dict


def test_it_cleans_good_data_into_json_ready_values():
    cleaned = formschema.validate(SCHEMA, GOOD)
    assert cleaned == {
        "name": "Nguyễn An",
        "note": "",
        "dob": "1985-03-12",
        "pickup": None,
        "pages": 3,
        "sex": "M",
        "id_number": "038085001234",
        "phone": "0912000001",
        "email": "an@example.vn",
        "agree": True,
        "village": "",
    }


def test_dates_are_accepted_in_the_vietnamese_order_too():
    assert formschema.validate(SCHEMA, {**GOOD, "dob": "12/03/1985"})["dob"] == "1985-03-12"


def test_required_fields_are_reported_one_by_one_in_vietnamese():
    errors = errors_of({})
    for key in ("name", "dob", "pages", "sex", "id_number", "agree"):
        assert key in errors
    assert errors["name"] == ["Trường này là bắt buộc."]
    assert errors["agree"] == ["Cần đánh dấu ô này."]
    assert "note" not in errors and "phone" not in errors


@pytest.mark.parametrize(
    ("key", "value", "fragment"),
    [
        ("name", "x" * 11, "Tối đa 10 ký tự"),
        ("dob", "31/02/2000", "Ngày không hợp lệ"),
        ("dob", "hôm qua", "Ngày không hợp lệ"),
        ("pages", "ba", "số nguyên"),
        ("pages", 0, "từ 1 trở lên"),
        ("pages", 501, "không được lớn hơn 500"),
        ("pages", True, "số nguyên"),
        ("sex", "X", "không có trong danh sách"),
        ("id_number", "12345", "12 chữ số"),
        ("id_number", "999085001234", "mã tỉnh"),
        ("phone", "0212345678", "Số điện thoại di động không hợp lệ"),
        ("email", "not-an-email", "thư điện tử không hợp lệ"),
        ("agree", "maybe", "có hoặc không"),
        ("name", ["a"], "không hợp lệ"),
    ],
)
def test_each_type_refuses_bad_input_with_a_clear_message(key, value, fragment):
    errors = errors_of({**GOOD, key: value})
    assert list(errors) == [key]
    assert fragment.lower() in " ".join(errors[key]).lower()


def test_dates_in_the_wrong_direction_are_refused():
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert "sau hôm nay" in errors_of({**GOOD, "dob": tomorrow})["dob"][0]
    assert "trước hôm nay" in errors_of({**GOOD, "pickup": yesterday})["pickup"][0]
    assert formschema.validate(SCHEMA, {**GOOD, "pickup": tomorrow})["pickup"] == tomorrow


def test_keys_the_form_does_not_declare_are_refused_not_dropped():
    errors = errors_of({**GOOD, "salary": "1000"})
    assert errors == {"salary": ["Mẫu đơn không có trường này."]}


def test_data_must_be_an_object():
    with pytest.raises(ValidationError):
        formschema.validate(SCHEMA, ["not", "a", "dict"])


# --- The schema itself ---------------------------------------------------------------


def test_a_sound_schema_passes_the_administrators_check():
    assert formschema.check_schema(SCHEMA)["fields"] == SCHEMA["fields"]
    assert formschema.check_schema(None) == {"fields": []}


@pytest.mark.parametrize(
    ("field", "fragment"),
    [
        ({"key": "a", "label": "A", "type": "file"}, "không được hỗ trợ"),
        ({"key": "a", "type": "text"}, "thiếu nhãn"),
        ({"key": "A b", "label": "A", "type": "text"}, "mã trường"),
        ({"key": "a", "label": "A", "type": "choice"}, "options"),
        ({"key": "a", "label": "A", "type": "text", "options": []}, "chỉ kiểu lựa chọn"),
        ({"key": "a", "label": "A", "type": "text", "prefill": "salary"}, "điền sẵn"),
        ({"key": "a", "label": "A", "type": "date", "max_length": 3}, "max_length"),
        ({"key": "a", "label": "A", "type": "integer", "min": 5, "max": 1}, "min"),
        ({"key": "a", "label": "A", "type": "text", "when": "past"}, "when"),
        ({"key": "a", "label": "A", "type": "text", "colour": "red"}, "không được hỗ trợ"),
        ({"key": "a", "label": "A", "type": "text", "required": "yes"}, "required"),
    ],
)
def test_a_broken_schema_is_refused_with_a_clear_message(field, fragment):
    with pytest.raises(ValidationError) as exc:
        formschema.check_schema({"fields": [field]})
    assert fragment.lower() in " ".join(exc.value.messages).lower()


def test_duplicate_keys_are_refused():
    field = {"key": "a", "label": "A", "type": "text"}
    with pytest.raises(ValidationError) as exc:
        formschema.check_schema({"fields": [field, field]})
    assert "bị trùng" in exc.value.messages[0]


def test_a_schema_without_fields_list_is_refused():
    with pytest.raises(ValidationError):
        formschema.check_schema({"felds": []})
    with pytest.raises(ValidationError):
        formschema.check_schema([1, 2])


# --- JSON Schema ---------------------------------------------------------------------


def test_the_json_schema_accepts_what_the_server_accepts_and_refuses_the_rest():
    js = formschema.to_json_schema(SCHEMA, title="Thử")
    assert js["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    validator = jsonschema_rs.Draft202012Validator(js, validate_formats=True)
    cleaned = formschema.validate(SCHEMA, GOOD)
    sent = {k: v for k, v in cleaned.items() if v not in (None, "")}
    assert validator.is_valid(sent)
    assert not validator.is_valid({**sent, "sex": "X"})
    assert not validator.is_valid({**sent, "id_number": "12"})
    assert not validator.is_valid({**sent, "extra": 1})
    assert not validator.is_valid({k: v for k, v in sent.items() if k != "name"})
    assert not validator.is_valid({**sent, "dob": "12/03/1985"})
    assert not validator.is_valid({**sent, "agree": False})
    assert js["properties"]["dob"]["x-prefill"] == "date_of_birth"
    assert js["properties"]["sex"]["oneOf"][1] == {"const": "F", "title": "Nữ"}


# --- Django form ---------------------------------------------------------------------


def test_the_django_form_validates_through_the_engine_and_uses_phone_friendly_widgets():
    form = formschema.build_form(SCHEMA)
    html = str(form)
    assert 'type="date"' in html
    assert 'inputmode="numeric"' in html
    assert 'type="tel"' in html
    assert 'type="email"' in html
    assert "required" in str(form["name"])
    post = {**GOOD, "agree": "on"}
    post.pop("note", None)
    bound = formschema.build_form(SCHEMA, data=post)
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data == formschema.validate(SCHEMA, GOOD)
    bad = formschema.build_form(SCHEMA, data={**post, "id_number": "123", "pages": "0"})
    assert not bad.is_valid()
    assert "12 chữ số" in " ".join(bad.errors["id_number"])
    assert "pages" in bad.errors


# --- Prefill -------------------------------------------------------------------------


def test_prefill_comes_from_the_registry_and_the_citizen_profile(citizen):
    from xaso.population.demo import seed

    values = formschema.prefill(SCHEMA, citizen)
    # The profile alone (no registry yet).
    assert values["name"] == "Nguyễn Văn An"
    assert values["dob"] == "1985-03-12"
    assert values["id_number"] == "038085001234"
    assert values["phone"] == "0912000001"
    assert values["sex"] == "M"
    assert "village" not in values
    seed(now=timezone.now())
    values = formschema.prefill(SCHEMA, citizen)
    assert values["village"]  # only the registry knows the village
    assert formschema.validate(SCHEMA, {**values, "pages": 1, "agree": True, "name": "An"})


def test_prefill_is_empty_for_a_visitor_and_for_fields_without_a_source(demo):
    from django.contrib.auth.models import AnonymousUser

    assert formschema.prefill(SCHEMA, AnonymousUser()) == {}
    assert formschema.prefill({"fields": [{"key": "a", "label": "A", "type": "text"}]}, None) == {}


def test_a_prefixed_form_gives_what_validate_gives_and_revalidates_cleanly():
    post = {f"f-{k}": v for k, v in {**GOOD, "agree": "on"}.items()}
    form = formschema.build_form(SCHEMA, data=post, prefix="f")
    assert form.is_valid(), form.errors
    # What a page hands to a service is accepted again as it is.
    assert formschema.validate(SCHEMA, form.cleaned_data) == form.cleaned_data
