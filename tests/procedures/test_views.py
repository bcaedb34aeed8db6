"""Public catalog pages and the administrators' back office."""

from __future__ import annotations

import base64
import io
import re

from django.urls import NoReverseMatch, reverse
from openpyxl import load_workbook

from xaso.audit.models import AuditEvent
from xaso.procedures import excel
from xaso.procedures.models import Procedure


def page(commune, rest=""):
    return f"/x/{commune.code_str}/thu-tuc/{rest}"


def office(commune, rest=""):
    return f"/x/{commune.code_str}/van-phong/thu-tuc/{rest}"


def test_the_public_catalog_lists_searches_without_accents_and_filters(client, catalog):
    r = client.get(page(catalog))
    html = r.content.decode()
    assert r.status_code == 200
    assert "Đăng ký khai sinh" in html and "Toàn trình" in html and "Một phần" in html
    html = client.get(page(catalog), {"q": "khai sinh"}).content.decode()
    assert "Đăng ký khai sinh" in html and "Chứng thực chữ ký" not in html
    html = client.get(page(catalog), {"q": "chung thuc"}).content.decode()
    assert "Chứng thực chữ ký" in html and "Đăng ký khai tử" not in html
    html = client.get(page(catalog), {"field": "Bảo trợ xã hội"}).content.decode()
    assert "mai táng" in html and "Đăng ký kết hôn" not in html


def test_a_procedure_page_shows_what_a_citizen_needs(client, catalog):
    r = client.get(page(catalog, "2.000815/"))
    html = r.content.decode()
    assert r.status_code == 200
    for text in (
        "Thành phần hồ sơ",
        "Bản chính giấy tờ, văn bản cần chứng thực",
        "trong ngày",
        "2.000 đồng/trang",
        "phải xuất trình bản chính",
        "Nghị định số 23/2015/NĐ-CP",
        "Bộ phận một cửa",
    ):
        assert text in html, text
    try:
        apply = reverse(
            "dossiers:apply", kwargs={"code": catalog.code_str, "procedure_code": "2.000815"}
        )
    except NoReverseMatch:
        assert "Nộp hồ sơ trực tuyến" not in html
    else:
        assert "Nộp hồ sơ trực tuyến" in html and apply in html


def test_a_deactivated_or_unknown_procedure_is_404(client, catalog):
    Procedure.objects.filter(commune=catalog, code="1.001193").update(active=False)
    assert client.get(page(catalog, "1.001193/")).status_code == 404
    assert client.get(page(catalog, "0.000000/")).status_code == 404


def test_the_commune_home_page_shows_the_procedures_section(client, catalog):
    html = client.get(f"/x/{catalog.code_str}/").content.decode()
    assert "Thủ tục hành chính thường dùng" in html
    assert page(catalog) in html


def test_only_the_commune_admin_opens_the_back_office(login_as, catalog):
    assert login_as("quantri.hatrung").get(office(catalog)).status_code == 200
    assert login_as("motcua.hatrung").get(office(catalog)).status_code == 403
    assert login_as("quantri.xakhac").get(office(catalog)).status_code == 403


def test_the_admin_searches_edits_and_sees_errors_in_vietnamese(login_as, birth):
    c = login_as("quantri.hatrung")
    html = c.get(office(birth.commune), {"q": "khai sinh"}).content.decode()
    assert "Đăng ký khai sinh" in html and "Chứng thực" not in html
    edit = office(birth.commune, f"{birth.pk}/")
    form = c.get(edit).content.decode()
    assert "&quot;child_full_name&quot;" in form  # the schema as JSON text
    assert "Xem trước mẫu đơn" in form and 'name="preview-child_dob"' in form
    data = {
        "code": birth.code,
        "name": birth.name,
        "field": birth.field,
        "deadline_days": "0",
        "fee": "0",
        "online_level": "toan_trinh",
        "documents": '[{"name": "Tờ khai", "copies": 1}]',
        "steps": '[{"name": "Xử lý", "role": "specialist", "days": 2}]',
        "form_schema": '{"fields": [',
        "order": "10",
        "active": "on",
    }
    html = c.post(edit, data).content.decode()
    assert "JSON không hợp lệ" in html
    data["form_schema"] = '{"fields": []}'
    html = c.post(edit, data).content.decode()
    assert "vượt thời hạn" in html
    data["steps"] = "[]"
    data["fee_note"] = "Miễn lệ phí"
    r = c.post(edit, data)
    assert r.status_code == 302
    birth.refresh_from_db()
    assert birth.documents == [
        {"name": "Tờ khai", "copies": 1, "original": False, "required": True}
    ]
    event = AuditEvent.objects.get(action="procedures.updated", object_id=str(birth.pk))
    assert event.ip == "127.0.0.1"


def test_the_admin_adds_a_procedure(login_as, catalog):
    c = login_as("quantri.hatrung")
    assert c.get(office(catalog, "them/")).status_code == 200
    r = c.post(
        office(catalog, "them/"),
        {
            "code": "9.000002",
            "name": "Thủ tục mới",
            "field": "Khác",
            "deadline_days": "1",
            "fee": "0",
            "online_level": "mot_phan",
            "online_reason": "Phải đến nhận kết quả",
            "order": "500",
            "active": "on",
        },
    )
    assert r.status_code == 302
    assert Procedure.objects.get(commune=catalog, code="9.000002").active


def test_the_admin_deactivates_and_reactivates(login_as, birth):
    c = login_as("quantri.hatrung")
    toggle = office(birth.commune, f"{birth.pk}/bat-tat/")
    assert c.get(toggle).status_code == 405
    c.post(toggle)
    birth.refresh_from_db()
    assert not birth.active
    c.post(toggle)
    birth.refresh_from_db()
    assert birth.active


def test_commune_b_admin_cannot_toggle_commune_a(login_as, birth):
    r = login_as("quantri.xakhac").post(office(birth.commune, f"{birth.pk}/bat-tat/"))
    assert r.status_code == 403
    birth.refresh_from_db()
    assert birth.active


def test_the_admin_installs_the_template_set(login_as, commune_a):
    c = login_as("quantri.hatrung")
    r = c.post(office(commune_a, "cai-dat-mau/"), follow=True)
    assert "Đã thêm 18 thủ tục" in r.content.decode()
    assert Procedure.objects.filter(commune=commune_a).count() == 18


def test_export_dry_run_then_commit_from_the_back_office(login_as, catalog):
    c = login_as("quantri.hatrung")
    r = c.get(office(catalog, "xuat-excel/"))
    assert r["Content-Type"] == excel.XLSX_TYPE
    wb = load_workbook(io.BytesIO(r.content))
    wb.active.cell(2, 2).value = "Tên sửa qua trang nhập"
    out = io.BytesIO()
    wb.save(out)
    upload = io.BytesIO(out.getvalue())
    upload.name = "thu-tuc.xlsx"
    r = c.post(office(catalog, "nhap-excel/"), {"file": upload})
    html = r.content.decode()
    assert "Cập nhật: 1" in html and "Ghi vào danh mục" in html
    assert not Procedure.objects.filter(name="Tên sửa qua trang nhập").exists()
    content = re.search(r'name="content" value="([^"]+)"', html).group(1)
    assert base64.b64decode(content) == out.getvalue()
    r = c.post(office(catalog, "nhap-excel/"), {"content": content, "commit": "1"}, follow=True)
    assert "Đã nhập danh mục" in r.content.decode()
    assert Procedure.objects.filter(commune=catalog, name="Tên sửa qua trang nhập").count() == 1


def test_an_import_with_errors_offers_no_commit(login_as, catalog):
    upload = io.BytesIO(b"not excel")
    upload.name = "x.xlsx"
    html = login_as("quantri.hatrung").post(office(catalog, "nhap-excel/"), {"file": upload})
    html = html.content.decode()
    assert "không phải bảng tính Excel" in html and "Ghi vào danh mục" not in html
