"""The declarative application-form engine of the procedure catalog.

A procedure's form is a JSON object::

    {"fields": [
        {"key": "child_name", "label": "Họ, chữ đệm, tên của trẻ", "type": "text",
         "required": true, "max_length": 100},
        {"key": "child_dob", "label": "Ngày sinh", "type": "date", "required": true,
         "when": "past"},
        {"key": "applicant_id", "label": "Số định danh", "type": "cccd",
         "prefill": "identity_number"},
        ...
    ]}

Field keys: ``key`` (``[a-z][a-z0-9_]*``, unique), ``label``, ``type`` (one of
:data:`TYPES`), ``required`` (bool), optional ``help``, ``options`` (choice:
``[{"value", "label"}]``), ``prefill`` (a source key, see :data:`PREFILL_SOURCES`),
``max_length`` (text, textarea), ``min`` / ``max`` (integer), ``when`` (date:
``"past"`` — today or before, ``"future"`` — today or after).

The same schema is validated on the server (:func:`validate`), rendered as a Django
form (:func:`build_form`), published as JSON Schema (:func:`to_json_schema`) and
prefilled from what the platform knows about a citizen (:func:`prefill`).
Keys that the schema does not declare are refused, not silently dropped: a client
that sends them has a bug the citizen should not pay for later.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

TYPES = (
    "text",
    "textarea",
    "date",
    "integer",
    "choice",
    "cccd",
    "phone",
    "email",
    "checkbox",
)
TYPE_LABELS = {
    "text": _("Chữ (một dòng)"),
    "textarea": _("Đoạn văn"),
    "date": _("Ngày"),
    "integer": _("Số nguyên"),
    "choice": _("Lựa chọn"),
    "cccd": _("Số định danh cá nhân"),
    "phone": _("Số điện thoại"),
    "email": _("Thư điện tử"),
    "checkbox": _("Ô đánh dấu"),
}
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
_FIELD_KEYS = {
    "key",
    "label",
    "type",
    "required",
    "help",
    "options",
    "prefill",
    "max_length",
    "min",
    "max",
    "when",
}
#: Default maximum length of free text, so no field is unbounded.
TEXT_MAX = {"text": 255, "textarea": 4000}
#: Prefill sources beyond the population registry's PREFILL_FIELDS (the account).
_ACCOUNT_SOURCES = ("full_name", "date_of_birth", "sex", "identity_number", "phone", "email")


def prefill_sources() -> list[str]:
    """Every key a field may name in ``prefill``: the registry's fields (see
    docs/population.md) plus what the citizen's account and profile hold."""
    from xaso.population.selectors import PREFILL_FIELDS

    return sorted(set(PREFILL_FIELDS) | set(_ACCOUNT_SOURCES) | {"address"})


# --------------------------------------------------------------------------- schema


def check_schema(schema: Any) -> dict:
    """Check a schema an administrator wrote; return it normalised.

    Raises ValidationError with one Vietnamese message per problem found.
    """
    if schema in (None, "", {}):
        return {"fields": []}
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        raise ValidationError(_('Mẫu đơn phải là một đối tượng JSON có danh sách "fields".'))
    errors: list[str] = []
    seen: set[str] = set()
    sources = set(prefill_sources())
    out = []
    for i, field in enumerate(schema["fields"], start=1):
        where = _g("Trường thứ %(n)s") % {"n": i}
        if not isinstance(field, dict):
            errors.append(_g("%(where)s phải là một đối tượng JSON.") % {"where": where})
            continue
        key = field.get("key")
        if isinstance(key, str) and key:
            where = _g("Trường “%(key)s”") % {"key": key}
        if not isinstance(key, str) or not _KEY.match(key):
            errors.append(
                _g(
                    "%(where)s: mã trường (key) phải bắt đầu bằng chữ thường và chỉ gồm "
                    "chữ thường không dấu, chữ số, dấu gạch dưới."
                )
                % {"where": where}
            )
        elif key in seen:
            errors.append(_g("Mã trường “%(key)s” bị trùng.") % {"key": key})
        else:
            seen.add(key)
        unknown = set(field) - _FIELD_KEYS
        if unknown:
            errors.append(
                _g("%(where)s: thuộc tính không được hỗ trợ: %(names)s.")
                % {"where": where, "names": ", ".join(sorted(unknown))}
            )
        label = field.get("label")
        if not isinstance(label, str) or not label.strip():
            errors.append(_g("%(where)s: thiếu nhãn (label).") % {"where": where})
        kind = field.get("type")
        if kind not in TYPES:
            errors.append(
                _g("%(where)s: kiểu “%(type)s” không được hỗ trợ (dùng một trong: %(types)s).")
                % {"where": where, "type": kind, "types": ", ".join(TYPES)}
            )
        if "required" in field and not isinstance(field["required"], bool):
            errors.append(_g("%(where)s: “required” phải là true hoặc false.") % {"where": where})
        if "help" in field and not isinstance(field["help"], str):
            errors.append(_g("%(where)s: “help” phải là chuỗi chữ.") % {"where": where})
        if kind == "choice":
            options = field.get("options")
            values = [o.get("value") for o in options or [] if isinstance(o, dict)]
            if (
                not isinstance(options, list)
                or not options
                or len(values) != len(options)
                or not all(isinstance(v, str) and v for v in values)
                or not all(isinstance(o.get("label"), str) and o["label"] for o in options)
            ):
                errors.append(
                    _g(
                        "%(where)s: kiểu lựa chọn cần danh sách “options” gồm các mục "
                        "{“value”, “label”} không rỗng."
                    )
                    % {"where": where}
                )
            elif len(set(values)) != len(values):
                errors.append(_g("%(where)s: giá trị lựa chọn bị trùng.") % {"where": where})
        elif "options" in field:
            errors.append(_g("%(where)s: chỉ kiểu lựa chọn mới có “options”.") % {"where": where})
        if "prefill" in field and field["prefill"] not in sources:
            errors.append(
                _g("%(where)s: nguồn điền sẵn “%(src)s” không tồn tại.")
                % {"where": where, "src": field["prefill"]}
            )
        if "max_length" in field:
            ml = field["max_length"]
            if kind not in ("text", "textarea"):
                errors.append(
                    _g("%(where)s: “max_length” chỉ dùng cho kiểu chữ.") % {"where": where}
                )
            elif not _is_int(ml) or not 1 <= ml <= 10000:
                errors.append(
                    _g("%(where)s: “max_length” phải là số nguyên từ 1 đến 10000.")
                    % {"where": where}
                )
        for bound in ("min", "max"):
            if bound in field:
                if kind != "integer":
                    errors.append(
                        _g("%(where)s: “%(b)s” chỉ dùng cho kiểu số nguyên.")
                        % {"where": where, "b": bound}
                    )
                elif not _is_int(field[bound]):
                    errors.append(
                        _g("%(where)s: “%(b)s” phải là số nguyên.") % {"where": where, "b": bound}
                    )
        if (
            kind == "integer"
            and _is_int(field.get("min"))
            and _is_int(field.get("max"))
            and field["min"] > field["max"]
        ):
            errors.append(_g("%(where)s: “min” lớn hơn “max”.") % {"where": where})
        if "when" in field:
            if kind != "date" or field["when"] not in ("past", "future"):
                errors.append(
                    _g("%(where)s: “when” chỉ dùng cho kiểu ngày, giá trị “past” hoặc “future”.")
                    % {"where": where}
                )
        out.append(dict(field))
    if errors:
        raise ValidationError(errors)
    return {"fields": out}


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _fields(schema) -> list[dict]:
    return list((schema or {}).get("fields") or [])


# --------------------------------------------------------------------------- validate


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean_value(field: dict, value, today: dt.date | None = None):
    """One value, cleaned; raises ValidationError with a Vietnamese message."""
    kind = field["type"]
    if kind == "checkbox":
        if isinstance(value, bool):
            return value
        if _empty(value):
            return False
        text = str(value).strip().lower()
        if text in ("on", "true", "1", "yes", "có"):
            return True
        if text in ("off", "false", "0", "no", "không"):
            return False
        raise ValidationError(_("Giá trị phải là có hoặc không."))
    if kind == "integer":
        if isinstance(value, bool):
            raise ValidationError(_("Cần nhập một số nguyên."))
        if isinstance(value, int):
            number = value
        else:
            text = str(value).strip().replace(".", "").replace(" ", "")
            if not re.fullmatch(r"-?\d{1,15}", text):
                raise ValidationError(_("Cần nhập một số nguyên."))
            number = int(text)
        if _is_int(field.get("min")) and number < field["min"]:
            raise ValidationError(_("Giá trị phải từ %(min)s trở lên.") % {"min": field["min"]})
        if _is_int(field.get("max")) and number > field["max"]:
            raise ValidationError(_("Giá trị không được lớn hơn %(max)s.") % {"max": field["max"]})
        return number
    if kind == "date":
        if isinstance(value, dt.datetime):
            day = value.date()
        elif isinstance(value, dt.date):
            day = value
        else:
            text = str(value).strip()
            day = None
            for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
                try:
                    day = dt.datetime.strptime(text, fmt).date()
                    break
                except ValueError:
                    continue
            if day is None:
                raise ValidationError(_("Ngày không hợp lệ (định dạng ngày/tháng/năm)."))
        today = today or timezone.localdate()
        if field.get("when") == "past" and day > today:
            raise ValidationError(_("Ngày này không được sau hôm nay."))
        if field.get("when") == "future" and day < today:
            raise ValidationError(_("Ngày này không được trước hôm nay."))
        if day.year < 1900:
            raise ValidationError(_("Ngày không hợp lệ (trước năm 1900)."))
        return day.isoformat()
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise ValidationError(_("Giá trị không hợp lệ."))
    text = str(value).strip()
    if kind == "choice":
        allowed = [o["value"] for o in field.get("options") or []]
        if text not in allowed:
            raise ValidationError(
                _("Lựa chọn “%(value)s” không có trong danh sách.") % {"value": text[:50]}
            )
        return text
    if kind == "cccd":
        from xaso.accounts.validators import validate_identity_number

        return validate_identity_number(text)
    if kind == "phone":
        from xaso.accounts.validators import normalize_phone

        return normalize_phone(text)
    if kind == "email":
        try:
            validate_email(text)
        except ValidationError:
            raise ValidationError(_("Địa chỉ thư điện tử không hợp lệ.")) from None
        return text.lower()
    limit = field.get("max_length") or TEXT_MAX.get(kind, 255)
    if len(text) > limit:
        raise ValidationError(
            _("Tối đa %(limit)s ký tự (đang có %(n)s).") % {"limit": limit, "n": len(text)}
        )
    return text


def _blank(field: dict):
    return {"checkbox": False, "integer": None, "date": None}.get(field["type"], "")


def validate(schema: dict, data: dict, *, today: dt.date | None = None) -> dict:
    """Clean ``data`` against ``schema``; return JSON-ready values for every field.

    Dates come back as ISO strings, integers as ints, checkboxes as bools, phone
    numbers normalised (0912345678); ``today`` (default the commune's today) is the
    day "past" and "future" dates are measured from. Raises ValidationError with a dict
    ``{field key: [Vietnamese message]}``; keys the schema does not declare are
    refused under their own name.
    """
    if not isinstance(data, dict):
        raise ValidationError({"__all__": [_("Dữ liệu đơn phải là một đối tượng JSON.")]})
    errors: dict[str, list] = {}
    cleaned: dict = {}
    fields = _fields(schema)
    known = {f["key"] for f in fields}
    for key in data:
        if key not in known:
            errors[str(key)[:60]] = [_("Mẫu đơn không có trường này.")]
    for field in fields:
        key = field["key"]
        value = data.get(key)
        if field["type"] != "checkbox" and _empty(value):
            if field.get("required"):
                errors[key] = [_("Trường này là bắt buộc.")]
            else:
                cleaned[key] = _blank(field)
            continue
        try:
            cleaned[key] = _clean_value(field, value, today)
        except ValidationError as exc:
            errors[key] = list(exc.messages)
            continue
        if field["type"] == "checkbox" and field.get("required") and not cleaned[key]:
            errors[key] = [_("Cần đánh dấu ô này.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


# --------------------------------------------------------------------------- JSON Schema


def to_json_schema(schema: dict, *, title: str = "") -> dict:
    """The form as JSON Schema (draft 2020-12): what an API client must send in "form"."""
    properties: dict[str, dict] = {}
    required: list[str] = []
    for field in _fields(schema):
        kind = field["type"]
        prop: dict[str, Any] = {"title": str(field.get("label", ""))}
        if field.get("help"):
            prop["description"] = str(field["help"])
        if kind in ("text", "textarea"):
            prop.update(type="string", maxLength=field.get("max_length") or TEXT_MAX[kind])
        elif kind == "date":
            prop.update(type="string", format="date")
        elif kind == "integer":
            prop["type"] = "integer"
            if _is_int(field.get("min")):
                prop["minimum"] = field["min"]
            if _is_int(field.get("max")):
                prop["maximum"] = field["max"]
        elif kind == "choice":
            prop.update(
                type="string",
                enum=[o["value"] for o in field["options"]],
                oneOf=[{"const": o["value"], "title": str(o["label"])} for o in field["options"]],
            )
        elif kind == "cccd":
            prop.update(type="string", pattern=r"^\d{12}$")
        elif kind == "phone":
            prop.update(type="string", pattern=r"^(\+84|84|0)(3|5|7|8|9)\d{8}$")
        elif kind == "email":
            prop.update(type="string", format="email")
        elif kind == "checkbox":
            prop["type"] = "boolean"
        if field.get("prefill"):
            prop["x-prefill"] = field["prefill"]
        properties[field["key"]] = prop
        if field.get("required"):
            if kind == "checkbox":
                prop["const"] = True
            required.append(field["key"])
    out: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }
    if title:
        out["title"] = title
    return out


# --------------------------------------------------------------------------- Django form


class SchemaForm(forms.Form):
    """A form built from a schema; the schema engine does all the validation."""

    schema: dict = {"fields": []}

    def clean(self):
        raw = {}
        for field in _fields(self.schema):
            key = field["key"]
            if key in self.errors:
                continue
            raw[key] = self.cleaned_data.get(key)
        try:
            fields = [f for f in _fields(self.schema) if f["key"] in raw]
            cleaned = validate({"fields": fields}, raw)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                self.add_error(key if key in self.fields else None, messages)
            return self.cleaned_data
        self.cleaned_data.update(cleaned)
        return self.cleaned_data


def _form_field(field: dict) -> forms.Field:
    kind = field["type"]
    required = bool(field.get("required"))
    attrs: dict[str, Any] = {}
    if required:
        attrs["required"] = True
    common = {
        "label": field.get("label", ""),
        "help_text": field.get("help", ""),
        "required": False,
    }
    if kind == "checkbox":
        return forms.BooleanField(widget=forms.CheckboxInput(attrs=attrs), **common)
    if kind == "textarea":
        attrs.update(rows=4, maxlength=field.get("max_length") or TEXT_MAX["textarea"])
        return forms.CharField(widget=forms.Textarea(attrs=attrs), strip=True, **common)
    if kind == "date":
        attrs["type"] = "date"
        if field.get("when") == "past":
            attrs["max"] = timezone.localdate().isoformat()
        elif field.get("when") == "future":
            attrs["min"] = timezone.localdate().isoformat()
        return forms.CharField(widget=forms.DateInput(attrs=attrs, format="%Y-%m-%d"), **common)
    if kind == "integer":
        attrs.update(inputmode="numeric", pattern=r"-?[0-9]*")
        return forms.CharField(widget=forms.TextInput(attrs=attrs), **common)
    if kind == "choice":
        choices = [("", _g("— Chọn —"))] + [(o["value"], o["label"]) for o in field["options"]]
        return forms.CharField(widget=forms.Select(attrs=attrs, choices=choices), **common)
    if kind == "cccd":
        attrs.update(inputmode="numeric", maxlength=12, autocomplete="off", pattern=r"[0-9]{12}")
        return forms.CharField(widget=forms.TextInput(attrs=attrs), **common)
    if kind == "phone":
        attrs.update(autocomplete="tel")
        return forms.CharField(widget=forms.TextInput(attrs={**attrs, "type": "tel"}), **common)
    if kind == "email":
        attrs.update(autocomplete="email")
        return forms.CharField(widget=forms.EmailInput(attrs=attrs), **common)
    attrs["maxlength"] = field.get("max_length") or TEXT_MAX["text"]
    return forms.CharField(widget=forms.TextInput(attrs=attrs), **common)


def build_form(schema: dict, data=None, files=None, initial=None, *, prefix=None) -> forms.Form:
    """A Django form for the HTML pages; ``form.cleaned_data`` equals :func:`validate`'s
    answer when ``form.is_valid()``."""
    form_fields = {f["key"]: _form_field(f) for f in _fields(schema)}
    cls = type("ProcedureForm", (SchemaForm,), {"schema": schema, **form_fields})
    return cls(data=data, files=files, initial=initial, prefix=prefix)


# --------------------------------------------------------------------------- prefill


def _account_values(user) -> dict:
    values: dict[str, Any] = {}
    if getattr(user, "phone", None):
        values["phone"] = user.phone
    if getattr(user, "email", None):
        values["email"] = user.email
    from xaso.accounts.models import CitizenProfile

    profile = CitizenProfile.objects.filter(user=user).first()
    if profile is not None:
        values.update(
            full_name=profile.full_name,
            date_of_birth=profile.date_of_birth,
            sex=profile.sex,
            address=profile.address,
        )
        if profile.identity_number:
            values["identity_number"] = profile.identity_number
        if profile.email:
            values["email"] = profile.email
    return {k: v for k, v in values.items() if v not in (None, "")}


def prefill(schema: dict, user) -> dict:
    """Initial values from what the platform knows about the citizen ``user``.

    The population registry (official data) wins over what the citizen typed in
    their own profile; the profile and the account fill what the registry lacks.
    Only fields that name a ``prefill`` source are filled.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    wanted = {f["key"]: f["prefill"] for f in _fields(schema) if f.get("prefill")}
    if not wanted:
        return {}
    from xaso.population.selectors import PREFILL_FIELDS, prefill_for_user

    registry_keys = sorted({s for s in wanted.values() if s in PREFILL_FIELDS})
    known = dict(_account_values(user))
    if registry_keys:
        for k, v in prefill_for_user(user, registry_keys).items():
            if v not in (None, ""):
                known[k] = v
    out = {}
    for key, source in wanted.items():
        value = known.get(source)
        if value in (None, ""):
            continue
        if isinstance(value, dt.date):
            value = value.isoformat()
        out[key] = value
    return out
