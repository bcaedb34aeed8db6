"""Excel export and import of the catalog: dry run with row reports, all-or-nothing commit."""

from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook, load_workbook

from xaso.audit.models import AuditEvent
from xaso.procedures import excel
from xaso.procedures.models import Procedure


def workbook(content: bytes):
    return load_workbook(io.BytesIO(content))


def save(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def column(ws, header: str) -> int:
    return [c.value for c in ws[1]].index(header) + 1


def row_of(ws, code: str) -> int:
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, 1).value == code:
            return r
    raise LookupError(code)


def test_the_export_has_a_vietnamese_header_and_one_row_per_procedure(catalog):
    ws = workbook(excel.export_catalog(catalog)).active
    headers = [c.value for c in ws[1]]
    assert headers[:3] == ["Mã thủ tục", "Tên thủ tục", "Lĩnh vực"]
    assert ws.max_row - 1 == Procedure.objects.filter(commune=catalog).count()
    r = row_of(ws, "2.000815")
    assert ws.cell(r, column(ws, "Mức độ trực tuyến")).value == "Một phần"
    assert ws.cell(r, column(ws, "Đang áp dụng")).value == "có"
    docs = json.loads(ws.cell(r, column(ws, "Thành phần hồ sơ (JSON)")).value)
    assert docs[0]["original"] is True


def test_round_trip_export_then_dry_run_changes_nothing(catalog, admin_a):
    content = excel.export_catalog(catalog)
    report = excel.import_catalog(admin_a, catalog, content, dry_run=True)
    assert report.ok
    assert report.counts()["unchanged"] == Procedure.objects.filter(commune=catalog).count()
    assert report.counts()["update"] == report.counts()["create"] == 0


def test_an_edited_row_updates_and_a_new_row_creates_on_commit(catalog, admin_a):
    wb = workbook(excel.export_catalog(catalog))
    ws = wb.active
    r = row_of(ws, "1.001193")
    ws.cell(r, column(ws, "Tên thủ tục")).value = "Đăng ký khai sinh (sửa từ Excel)"
    ws.cell(r, column(ws, "Mức độ trực tuyến")).value = "toan trinh"
    new = [ws.cell(r, c).value for c in range(1, ws.max_column + 1)]
    new[0] = "9.999999"
    ws.append(new)
    content = save(wb)

    dry = excel.import_catalog(admin_a, catalog, content, dry_run=True)
    assert dry.ok
    assert dry.counts()["update"] == 1 and dry.counts()["create"] == 1
    assert not Procedure.objects.filter(commune=catalog, code="9.999999").exists()

    done = excel.import_catalog(admin_a, catalog, content, dry_run=False)
    assert done.ok
    assert Procedure.objects.get(commune=catalog, code="1.001193").name.endswith("(sửa từ Excel)")
    assert Procedure.objects.filter(commune=catalog, code="9.999999").exists()
    event = AuditEvent.objects.get(action="procedures.imported")
    assert event.detail == {"created": 1, "updated": 1, "unchanged": len(dry.rows) - 2}


def test_row_problems_are_reported_in_vietnamese_and_nothing_is_written(catalog, admin_a):
    wb = workbook(excel.export_catalog(catalog))
    ws = wb.active
    rows = {code: row_of(ws, code) for code in ("1.001193", "1.000894", "1.000656", "1.001022")}
    ws.cell(rows["1.001193"], column(ws, "Tên thủ tục")).value = "Đổi tên nhưng bị lỗi khác"
    ws.cell(rows["1.001193"], column(ws, "Mẫu đơn (JSON)")).value = json.dumps(
        {"fields": [{"key": "a", "label": "A", "type": "video"}]}
    )
    ws.cell(rows["1.000894"], column(ws, "Tên thủ tục")).value = None
    ws.cell(rows["1.000656"], column(ws, "Thời hạn giải quyết (ngày làm việc)")).value = 0
    ws.cell(rows["1.001022"], column(ws, "Mức độ trực tuyến")).value = "mức 4"
    ws.cell(rows["1.001022"], column(ws, "Thành phần hồ sơ (JSON)")).value = "[{"
    report = excel.import_catalog(admin_a, catalog, save(wb), dry_run=False)
    assert not report.ok
    by_code = {r.code: r for r in report.rows}
    assert "“video” không được hỗ trợ" in " ".join(by_code["1.001193"].errors)
    assert "Thiếu tên thủ tục" in " ".join(by_code["1.000894"].errors)
    assert "vượt thời hạn" in " ".join(by_code["1.000656"].errors)
    assert "không phải JSON hợp lệ" in " ".join(by_code["1.001022"].errors)
    assert by_code["1.001193"].row == rows["1.001193"]
    assert report.counts()["error"] == 4
    assert Procedure.objects.get(commune=catalog, code="1.001193").name == "Đăng ký khai sinh"
    assert not AuditEvent.objects.filter(action="procedures.imported").exists()


def test_a_bad_online_level_is_named(catalog, admin_a):
    wb = workbook(excel.export_catalog(catalog))
    ws = wb.active
    ws.cell(row_of(ws, "1.001193"), column(ws, "Mức độ trực tuyến")).value = "mức 4"
    report = excel.import_catalog(admin_a, catalog, save(wb), dry_run=True)
    (row,) = [r for r in report.rows if r.code == "1.001193"]
    assert row.action == "error"
    assert row.errors[0].startswith("Mức độ trực tuyến: ")


def test_duplicate_codes_in_one_file_are_refused(catalog, admin_a):
    wb = workbook(excel.export_catalog(catalog))
    ws = wb.active
    ws.append([c.value for c in ws[2]])
    report = excel.import_catalog(admin_a, catalog, save(wb), dry_run=True)
    assert not report.ok
    assert "đã có ở dòng 2" in " ".join(report.rows[-1].errors)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [(b"", "Tệp rỗng"), (b"not a workbook", "không phải bảng tính Excel")],
)
def test_a_file_that_is_not_a_workbook_is_refused(catalog, admin_a, content, fragment):
    report = excel.import_catalog(admin_a, catalog, content, dry_run=True)
    assert not report.ok and fragment in report.file_errors[0]


def test_missing_columns_are_named(catalog, admin_a):
    wb = Workbook()
    wb.active.append(["Mã thủ tục", "Tên thủ tục"])
    wb.active.append(["1.001193", "Đăng ký khai sinh"])
    report = excel.import_catalog(admin_a, catalog, save(wb), dry_run=True)
    assert "Thiếu cột" in report.file_errors[0] and "“Lĩnh vực”" in report.file_errors[0]


def test_only_the_communes_admin_may_import(catalog, admin_b):
    with pytest.raises(PermissionDenied):
        excel.import_catalog(admin_b, catalog, excel.export_catalog(catalog), dry_run=True)


def test_a_code_that_excel_turned_into_a_number_is_reported(catalog, admin_a):
    wb = workbook(excel.export_catalog(catalog))
    ws = wb.active
    assert ws.cell(2, 1).number_format == "@"
    ws.cell(2, 1).value = 1.00011
    report = excel.import_catalog(admin_a, catalog, save(wb), dry_run=True)
    assert "bị Excel đổi thành số" in " ".join(report.rows[0].errors)
