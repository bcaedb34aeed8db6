"""The string rule (core.text) on every way into the catalog, and an export that survives
what was stored before it."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.procedures.test_api import payload, url
from tests.procedures.test_excel import column, row_of, save, workbook
from xaso.procedures import excel
from xaso.procedures.models import Procedure


def test_the_api_refuses_with_a_422_naming_the_field(client, bearer, birth):
    r = client.put(
        url(birth.commune, "procedure-catalog/1.001193"),
        payload(birth, field="Hộ\x18tịch"),
        content_type="application/json",
        **bearer("quantri.hatrung"),
    )
    assert r.status_code == 422, r.content
    assert r.json()["errors"][0]["field"] == "field" and "U+0018" in r.json()["detail"]
    r = client.put(
        url(birth.commune, "procedure-catalog/1.001193"),
        payload(birth, documents=[{"name": "Tờ\ud800khai", "copies": 1}]),
        content_type="application/json",
        **bearer("quantri.hatrung"),
    )
    assert r.status_code == 422
    birth.refresh_from_db()
    assert birth.field == "Hộ tịch"


def test_the_office_form_refuses_with_a_400_naming_the_field(login_as, catalog):
    r = login_as("quantri.hatrung").post(
        f"/x/{catalog.code_str}/van-phong/thu-tuc/them/",
        {"code": "9.000002", "name": "Thủ tục\x18mới", "field": "Khác", "deadline_days": "1"},
    )
    assert r.status_code == 400 and "name" in r.content.decode()
    assert not Procedure.objects.filter(code="9.000002").exists()


def test_the_excel_import_names_the_row_and_column(catalog, admin_a):
    wb = workbook(excel.export_catalog(catalog))
    ws = wb.active
    # XML (so .xlsx) has no C0 controls; DEL and the C1 controls do pass through it.
    ws.cell(row_of(ws, "1.001193"), column(ws, "Lĩnh vực")).value = "Hộ\x7ftịch"
    report = excel.import_catalog(admin_a, catalog, save(wb), dry_run=False)
    assert not report.ok
    errors = " ".join(next(r for r in report.rows if r.code == "1.001193").errors)
    assert "Lĩnh vực" in errors and "U+007F" in errors
    assert Procedure.objects.get(commune=catalog, code="1.001193").field == "Hộ tịch"


def test_the_catalog_export_survives_what_is_stored(login_as, birth):
    Procedure.objects.filter(pk=birth.pk).update(field="Hộ\x18tịch", name="Khai\x1fsinh")
    r = login_as("quantri.hatrung").get(
        f"/x/{birth.commune.code_str}/van-phong/thu-tuc/xuat-excel/"
    )
    assert r.status_code == 200
    ws = load_workbook(
        io.BytesIO(b"".join(r.streaming_content) if r.streaming else r.content)
    ).active
    assert ws.cell(row_of(ws, "1.001193"), column(ws, "Lĩnh vực")).value == "Hộ\ufffdtịch"
