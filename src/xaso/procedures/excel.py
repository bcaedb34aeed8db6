"""Excel (.xlsx) export and import of a commune's procedure catalog.

One sheet, one procedure per row, a Vietnamese header row. Documents, steps and the
form schema are JSON cells (an administrator copies them from one procedure to
another; the import checks them like the edit page does). The import is keyed by
procedure code: a known code updates, a new one creates. A dry run reports every row's
problems; a commit writes all rows or none.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

from xaso.core.text import fold, scrub
from xaso.procedures import services
from xaso.procedures.models import OnlineLevel, Procedure

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: (model field, header, kind) — kind: text, int, json, bool, level
COLUMNS = [
    ("code", _("Mã thủ tục"), "text"),
    ("name", _("Tên thủ tục"), "text"),
    ("field", _("Lĩnh vực"), "text"),
    ("deadline_days", _("Thời hạn giải quyết (ngày làm việc)"), "int"),
    ("fee", _("Lệ phí (đồng)"), "int"),
    ("fee_note", _("Ghi chú lệ phí"), "text"),
    ("documents", _("Thành phần hồ sơ (JSON)"), "json"),
    ("form_schema", _("Mẫu đơn (JSON)"), "json"),
    ("online_level", _("Mức độ trực tuyến"), "level"),
    ("online_reason", _("Lý do chỉ trực tuyến một phần"), "text"),
    ("steps", _("Các bước xử lý (JSON)"), "json"),
    ("result", _("Kết quả"), "text"),
    ("legal_basis", _("Căn cứ pháp lý"), "text"),
    ("active", _("Đang áp dụng"), "bool"),
    ("order", _("Thứ tự"), "int"),
]
_LEVELS = {
    "toan_trinh": OnlineLevel.FULL,
    "toan trinh": OnlineLevel.FULL,
    "mot_phan": OnlineLevel.PARTIAL,
    "mot phan": OnlineLevel.PARTIAL,
}


def export_catalog(commune) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _g("Thủ tục hành chính")[:31]
    ws.append([str(header) for _key, header, _kind in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for procedure in Procedure.objects.filter(commune=commune).order_by("order", "code"):
        row = []
        for key, _header, kind in COLUMNS:
            value = getattr(procedure, key)
            if kind == "json":
                value = json.dumps(value, ensure_ascii=False, indent=1)
            elif kind == "bool":
                value = _g("có") if value else _g("không")
            elif kind == "level":
                value = str(OnlineLevel(value).label)
            row.append(value)
        ws.append(scrub(row))  # openpyxl refuses control characters
    widths = {"code": 12, "name": 50, "field": 20, "fee_note": 40, "documents": 60}
    for i, (key, _header, _kind) in enumerate(COLUMNS):
        ws.column_dimensions[ws.cell(1, i + 1).column_letter].width = widths.get(key, 28)
    # Codes look like decimals ("1.000110"): keep them text so Excel does not turn a
    # retyped code into the number 1.00011.
    for (cell,) in ws.iter_rows(min_col=1, max_col=1, min_row=2):
        cell.number_format = "@"
    ws.freeze_panes = "B2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@dataclass
class RowReport:
    row: int
    code: str
    action: str = ""  # create | update | unchanged | error
    errors: list[str] = field(default_factory=list)
    data: dict | None = None


@dataclass
class ImportReport:
    rows: list[RowReport]
    file_errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_errors and all(not r.errors for r in self.rows)

    def counts(self) -> dict:
        out = {"create": 0, "update": 0, "unchanged": 0, "error": 0}
        for r in self.rows:
            out[r.action] = out.get(r.action, 0) + 1
        return out

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "file_errors": self.file_errors,
            "counts": self.counts(),
            "rows": [
                {"row": r.row, "code": r.code, "action": r.action, "errors": r.errors}
                for r in self.rows
            ],
        }


def _cell(value, kind, header):
    if kind == "json":
        if value in (None, ""):
            return []
        if isinstance(value, (list, dict)):
            return value
        try:
            return json.loads(str(value))
        except ValueError:
            raise ValidationError(
                _g("Cột “%(col)s”: không phải JSON hợp lệ.") % {"col": header}
            ) from None
    if kind == "level":
        text = fold(str(value or ""))
        return _LEVELS.get(text, text)
    if kind == "int":
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value
    if value is None:
        return ""
    return value if isinstance(value, (bool, int, float)) else str(value).strip()


def read_rows(content: bytes) -> ImportReport:
    """Parse the workbook; every row gets its data or its Vietnamese errors."""
    if len(content) > MAX_BYTES:
        return ImportReport([], [_g("Tệp quá lớn (tối đa 5 MB).")])
    if not content:
        return ImportReport([], [_g("Tệp rỗng.")])
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a broken file
        return ImportReport([], [_g("Tệp không phải bảng tính Excel (.xlsx) hợp lệ.")])
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None) or ()
    wanted = {fold(str(h)): (key, str(h), kind) for key, h, kind in COLUMNS}
    index: dict[int, tuple] = {}
    for i, title in enumerate(header):
        spec = wanted.get(fold(str(title or "")))
        if spec:
            index[i] = spec
    missing = [str(h) for key, h, _k in COLUMNS if key not in {s[0] for s in index.values()}]
    if missing:
        return ImportReport(
            [], [_g("Thiếu cột: %(cols)s.") % {"cols": ", ".join(f"“{m}”" for m in missing)}]
        )
    reports: list[RowReport] = []
    seen: dict[str, int] = {}
    for number, values in enumerate(rows, start=2):
        if values is None or all(v in (None, "") for v in values):
            continue
        if len(reports) >= MAX_ROWS:
            return ImportReport(reports, [_g("Tối đa %(n)s dòng mỗi lần nhập.") % {"n": MAX_ROWS}])
        data, errors = {}, []
        for i, (key, title, kind) in index.items():
            value = values[i] if i < len(values) else None
            try:
                data[key] = _cell(value, kind, title)
            except ValidationError as exc:
                errors.extend(exc.messages)
        code = str(data.get("code") or "").strip()
        if isinstance(data.get("code"), float):
            errors.append(
                _g("Mã thủ tục “%(code)s” bị Excel đổi thành số: định dạng cột mã là văn bản.")
                % {"code": code}
            )
        report = RowReport(number, code)
        if code in seen:
            errors.append(
                _g("Mã thủ tục “%(code)s” đã có ở dòng %(row)s.")
                % {"code": code, "row": seen[code]}
            )
        elif code:
            seen[code] = number
        if not errors:
            try:
                report.data = services.check_procedure(data)
            except ValidationError as exc:
                labels = {key: str(h) for key, h, _k in COLUMNS}
                for key, messages in exc.message_dict.items():
                    for message in messages:
                        errors.append(f"{labels.get(key, key)}: {message}")
        report.errors = errors
        reports.append(report)
    return ImportReport(reports)


def plan(commune, report: ImportReport) -> ImportReport:
    """Say, for each clean row, whether it creates, updates or changes nothing."""
    current = {p.code: p for p in Procedure.objects.filter(commune=commune)}
    for row in report.rows:
        if row.errors:
            row.action = "error"
            continue
        existing = current.get(row.code)
        if existing is None:
            row.action = "create"
        elif services.as_data(existing) == row.data:
            row.action = "unchanged"
        else:
            row.action = "update"
    return report


def import_catalog(
    actor, commune, content: bytes, *, dry_run: bool = True, ip: str | None = None
) -> ImportReport:
    """Read, check and (unless ``dry_run``) write the workbook: all rows or none."""
    from xaso.core import permissions

    permissions.require(actor, "procedures.manage", commune)
    report = plan(commune, read_rows(content))
    if not dry_run and report.ok and report.rows:
        services.apply_import(actor, commune, [r.data for r in report.rows], ip=ip)
    return report
