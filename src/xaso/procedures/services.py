"""Every write to the procedure catalog: checked, authorised, in a transaction, audited."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from xaso.audit import services as audit
from xaso.core import permissions
from xaso.core.roles import Role
from xaso.core.text import unstorable_char, unstorable_error
from xaso.procedures import formschema
from xaso.procedures.models import OnlineLevel, Procedure

#: Fields an administrator edits, in the order of the Excel sheet and the edit form.
EDITABLE = (
    "code",
    "name",
    "field",
    "deadline_days",
    "fee",
    "fee_note",
    "documents",
    "form_schema",
    "online_level",
    "online_reason",
    "steps",
    "result",
    "legal_basis",
    "active",
    "order",
)
CODE_MAX = Procedure._meta.get_field("code").max_length
NAME_MAX = Procedure._meta.get_field("name").max_length
FIELD_MAX = Procedure._meta.get_field("field").max_length
RESULT_MAX = Procedure._meta.get_field("result").max_length
STEP_ROLES = {str(r) for r in Role} - {str(Role.CITIZEN), str(Role.SELLER), str(Role.PROVINCE_DX)}


def _int(value, *, lo: int, hi: int, message) -> int:
    if isinstance(value, bool):
        raise ValidationError(message)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or not lo <= value <= hi:
        raise ValidationError(message)
    return value


def _bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if text in ("1", "true", "có", "co", "x", "yes", "on"):
        return True
    if text in ("0", "false", "không", "khong", "", "no", "off"):
        return False
    raise ValidationError(_("Cần ghi “có” hoặc “không”."))


def check_documents(value: Any) -> list[dict]:
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise ValidationError(_("Thành phần hồ sơ phải là một danh sách JSON."))
    out, errors = [], []
    for i, doc in enumerate(value, start=1):
        if not isinstance(doc, dict) or not str(doc.get("name") or "").strip():
            errors.append(_g("Giấy tờ thứ %(n)s thiếu tên.") % {"n": i})
            continue
        unknown = set(doc) - {"name", "copies", "original", "required"}
        if unknown:
            errors.append(
                _g("Giấy tờ thứ %(n)s có thuộc tính lạ: %(names)s.")
                % {"n": i, "names": ", ".join(sorted(unknown))}
            )
            continue
        try:
            copies = _int(
                doc.get("copies", 1),
                lo=1,
                hi=20,
                message=_g("Giấy tờ thứ %(n)s: số bản phải từ 1 đến 20.") % {"n": i},
            )
            original = _bool(doc.get("original", False))
            required = _bool(doc.get("required", True))
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        out.append(
            {
                "name": str(doc["name"]).strip()[:300],
                "copies": copies,
                "original": original,
                "required": required,
            }
        )
    if errors:
        raise ValidationError(errors)
    return out


def check_steps(value: Any, deadline_days: int | None) -> list[dict]:
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise ValidationError(_("Các bước xử lý phải là một danh sách JSON."))
    out, errors = [], []
    for i, step in enumerate(value, start=1):
        if not isinstance(step, dict) or not str(step.get("name") or "").strip():
            errors.append(_g("Bước %(n)s thiếu tên.") % {"n": i})
            continue
        if str(step.get("role")) not in STEP_ROLES:
            errors.append(
                _g("Bước %(n)s: vai trò “%(role)s” không hợp lệ (dùng: %(roles)s).")
                % {"n": i, "role": step.get("role"), "roles": ", ".join(sorted(STEP_ROLES))}
            )
            continue
        days = step.get("days", 0)
        if isinstance(days, str):
            try:
                days = float(days.replace(",", "."))
            except ValueError:
                days = None
        if isinstance(days, bool) or not isinstance(days, (int, float)) or not 0 <= days <= 365:
            errors.append(_g("Bước %(n)s: số ngày phải là số từ 0 trở lên.") % {"n": i})
            continue
        out.append({"name": str(step["name"]).strip()[:200], "role": step["role"], "days": days})
    if not errors and deadline_days is not None:
        total = sum(s["days"] for s in out)
        if total > deadline_days + 1e-9:
            errors.append(
                _g(
                    "Tổng thời gian các bước (%(total)s ngày) vượt thời hạn giải quyết "
                    "(%(deadline)s ngày làm việc)."
                )
                % {"total": f"{total:g}", "deadline": deadline_days}
            )
    if errors:
        raise ValidationError(errors)
    return out


def check_procedure(data: dict) -> dict:
    """Clean the editable fields of one procedure; ValidationError({field: [messages]}).

    Every field of :data:`EDITABLE` must be present (import and API send all of them).
    """
    errors: dict[str, list] = {}
    out: dict[str, Any] = {}

    def text(key, limit, *, required=False, label=""):
        value = str(data.get(key) if data.get(key) is not None else "").strip()
        if required and not value:
            errors[key] = [_g("Thiếu %(label)s.") % {"label": label}]
        elif limit and len(value) > limit:
            errors[key] = [_g("Tối đa %(n)s ký tự.") % {"n": limit}]
        out[key] = value

    text("code", CODE_MAX, required=True, label=_g("mã thủ tục"))
    text("name", NAME_MAX, required=True, label=_g("tên thủ tục"))
    text("field", FIELD_MAX, required=True, label=_g("lĩnh vực"))
    text("fee_note", 2000)
    text("online_reason", 2000)
    text("result", RESULT_MAX)
    text("legal_basis", 4000)
    try:
        out["deadline_days"] = _int(
            data.get("deadline_days"),
            lo=0,
            hi=365,
            message=_("Thời hạn giải quyết phải là số ngày làm việc từ 0 đến 365."),
        )
    except ValidationError as exc:
        errors["deadline_days"] = exc.messages
    try:
        out["fee"] = _int(
            data.get("fee") or 0,
            lo=0,
            hi=100_000_000,
            message=_("Lệ phí phải là số đồng, không âm."),
        )
    except ValidationError as exc:
        errors["fee"] = exc.messages
    try:
        out["order"] = _int(
            data.get("order", 100) if data.get("order") not in (None, "") else 100,
            lo=0,
            hi=1_000_000,
            message=_("Thứ tự phải là số nguyên không âm."),
        )
    except ValidationError as exc:
        errors["order"] = exc.messages
    try:
        out["active"] = _bool(data.get("active", True))
    except ValidationError as exc:
        errors["active"] = exc.messages
    level = str(data.get("online_level") or "").strip()
    if level not in OnlineLevel.values:
        errors["online_level"] = [
            _g("Mức độ trực tuyến phải là “toan_trinh” (toàn trình) hoặc “mot_phan” (một phần).")
        ]
    elif level == OnlineLevel.PARTIAL and not out.get("online_reason"):
        errors["online_reason"] = [
            _g("Thủ tục trực tuyến một phần phải công khai lý do (không thực hiện toàn trình).")
        ]
    out["online_level"] = level
    for key, check in (
        ("documents", check_documents),
        ("form_schema", formschema.check_schema),
    ):
        try:
            out[key] = check(data.get(key))
        except ValidationError as exc:
            errors[key] = exc.messages
    try:
        out["steps"] = check_steps(data.get("steps"), out.get("deadline_days"))
    except ValidationError as exc:
        errors["steps"] = exc.messages
    for key, value in out.items():  # the string rule (core.text), names and JSON alike
        char = unstorable_char(value)
        if char is not None and key not in errors:
            refusal = unstorable_error(key, char)
            errors[key] = [refusal.message % refusal.params]
    if errors:
        raise ValidationError(errors)
    return out


def as_data(procedure: Procedure) -> dict:
    return {key: getattr(procedure, key) for key in EDITABLE}


def _changes(before: dict, after: dict) -> list[str]:
    return [k for k in EDITABLE if before.get(k) != after.get(k)]


@transaction.atomic
def save_procedure(
    actor, commune, data: dict, *, procedure: Procedure | None = None, ip: str | None = None
) -> Procedure:
    """Create (``procedure`` None) or update one procedure of ``commune``."""
    permissions.require(actor, "procedures.manage", commune)
    if procedure is not None and procedure.commune_id != commune.pk:
        raise ValidationError(_("Thủ tục không thuộc xã này."))
    cleaned = check_procedure({**(as_data(procedure) if procedure else {}), **data})
    clash = Procedure.objects.filter(commune=commune, code=cleaned["code"])
    if procedure is not None:
        clash = clash.exclude(pk=procedure.pk)
    if clash.exists():
        raise ValidationError({"code": [_g("Mã thủ tục đã có trong danh mục của xã.")]})
    before = as_data(procedure) if procedure else {}
    if procedure is None:
        procedure = Procedure(commune=commune)
    else:
        procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    for key, value in cleaned.items():
        setattr(procedure, key, value)
    procedure.save()
    changed = _changes(before, cleaned)
    audit.record(
        actor,
        "procedures.created" if not before else "procedures.updated",
        procedure,
        ip=ip,
        detail={"changed": changed},
    )
    return procedure


@transaction.atomic
def set_active(actor, procedure: Procedure, active: bool, *, ip: str | None = None) -> Procedure:
    permissions.require(actor, "procedures.manage", procedure.commune)
    if procedure.active != active:
        procedure.active = active
        procedure.save(update_fields=["active", "updated_at"])
        audit.record(
            actor,
            "procedures.activated" if active else "procedures.deactivated",
            procedure,
            ip=ip,
        )
    return procedure


# --------------------------------------------------------------------------- national set


@cache
def _template_text() -> str:
    return resources.files("xaso.procedures").joinpath("data/catalog.json").read_text("utf-8")


def national_templates() -> list[dict]:
    """The shipped catalog of commune-level procedures (``data/catalog.json``)."""
    return json.loads(_template_text())["procedures"]


@transaction.atomic
def install_catalog(commune, actor=None, *, ip: str | None = None) -> dict:
    """Copy the national template set into ``commune``'s catalog.

    Idempotent and keyed by procedure code: a procedure the commune already has is
    left as its administrators edited it; only missing ones are created.
    Returns ``{"created": n, "kept": m}``.
    """
    if actor is not None:
        permissions.require(actor, "procedures.manage", commune)
    existing = set(Procedure.objects.filter(commune=commune).values_list("code", flat=True))
    created = []
    for order, template in enumerate(national_templates(), start=1):
        if template["code"] in existing:
            continue
        cleaned = check_procedure({"order": order * 10, "active": True, **template})
        created.append(Procedure(commune=commune, **cleaned))
    for procedure in created:
        procedure.save()
    if created:
        audit.record(
            actor,
            "procedures.catalog_installed",
            commune=commune,
            ip=ip,
            detail={"created": [p.code for p in created]},
        )
    return {"created": len(created), "kept": len(existing)}


@transaction.atomic
def apply_import(actor, commune, rows: list[dict], *, ip: str | None = None) -> dict:
    """Write checked rows (see :mod:`xaso.procedures.excel`): all or nothing."""
    permissions.require(actor, "procedures.manage", commune)
    current = {p.code: p for p in Procedure.objects.select_for_update().filter(commune=commune)}
    created = updated = unchanged = 0
    for row in rows:
        cleaned = check_procedure(row)
        procedure = current.get(cleaned["code"])
        if procedure is None:
            procedure = Procedure(commune=commune, **cleaned)
            procedure.save()
            created += 1
            continue
        if not _changes(as_data(procedure), cleaned):
            unchanged += 1
            continue
        for key, value in cleaned.items():
            setattr(procedure, key, value)
        procedure.save()
        updated += 1
    audit.record(
        actor,
        "procedures.imported",
        commune=commune,
        ip=ip,
        detail={"created": created, "updated": updated, "unchanged": unchanged},
    )
    return {"created": created, "updated": updated, "unchanged": unchanged}
