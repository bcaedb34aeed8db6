"""The catalog API: public reads with the form's JSON Schema; validated admin writes."""

from __future__ import annotations

import io

import jsonschema_rs
from openpyxl import load_workbook

from xaso.audit.models import AuditEvent
from xaso.procedures import excel
from xaso.procedures.models import Procedure


def url(commune, rest=""):
    return f"/api/v1/communes/{commune.code_str}/{rest}"


def test_the_public_list_is_paginated_and_searchable_without_accents(client, catalog):
    r = client.get(url(catalog, "procedures"), {"page_size": 5})
    assert r.status_code == 200
    body = r.json()
    assert body["count"] >= 15 and len(body["items"]) == 5 and body["pages"] >= 3
    r = client.get(url(catalog, "procedures"), {"q": "khai sinh"})
    codes = {p["code"] for p in r.json()["items"]}
    assert {"1.001193", "1.000689", "1.004884"} <= codes
    r = client.get(url(catalog, "procedures"), {"field": "Chứng thực"})
    assert {p["field"] for p in r.json()["items"]} == {"Chứng thực"}


def test_the_public_detail_carries_the_form_as_json_schema(client, catalog):
    r = client.get(url(catalog, "procedures/1.004873"))
    assert r.status_code == 200
    body = r.json()
    assert body["name"] == "Cấp Giấy xác nhận tình trạng hôn nhân"
    assert body["deadline_days"] == 3 and body["is_full_online"] is True
    assert body["steps"][0]["role"] == "one_stop_officer"
    schema = body["form_json_schema"]
    validator = jsonschema_rs.Draft202012Validator(schema)
    assert not validator.is_valid({})
    assert "subject_id_number" in schema["required"]


def test_unknown_or_inactive_procedures_answer_404_problems(client, catalog, admin_a):
    from xaso.procedures.services import set_active

    assert client.get(url(catalog, "procedures/0.000000")).status_code == 404
    set_active(admin_a, Procedure.objects.get(commune=catalog, code="1.001193"), False)
    r = client.get(url(catalog, "procedures/1.001193"))
    assert r.status_code == 404 and r["Content-Type"] == "application/problem+json"
    assert client.get("/api/v1/communes/99999/procedures").status_code == 404


def payload(procedure, **changes):
    from xaso.procedures.services import as_data

    data = as_data(procedure)
    data.pop("code")
    data.update(changes)
    return data


def test_the_admin_updates_a_procedure_with_put(client, bearer, birth):
    r = client.put(
        url(birth.commune, "procedure-catalog/1.001193"),
        payload(birth, fee=1000),
        content_type="application/json",
        **bearer("quantri.hatrung"),
    )
    assert r.status_code == 200, r.content
    assert r.json()["fee"] == 1000
    birth.refresh_from_db()
    assert birth.fee == 1000
    assert AuditEvent.objects.filter(action="procedures.updated").count() == 1


def test_a_bad_put_is_a_problem_naming_the_field(client, bearer, birth):
    bad = payload(birth, form_schema={"fields": [{"key": "a", "label": "A", "type": "x"}]})
    r = client.put(
        url(birth.commune, "procedure-catalog/1.001193"),
        bad,
        content_type="application/json",
        **bearer("quantri.hatrung"),
    )
    assert r.status_code == 422
    assert r["Content-Type"] == "application/problem+json"
    assert r.json()["errors"][0]["field"] == "form_schema"


def test_commune_b_admin_cannot_edit_export_or_import_commune_a(client, bearer, birth):
    headers = bearer("quantri.xakhac")
    r = client.put(
        url(birth.commune, "procedure-catalog/1.001193"),
        payload(birth, fee=1),
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 403
    assert client.get(url(birth.commune, "procedures.xlsx"), **headers).status_code == 403
    r = client.post(
        url(birth.commune, "procedures/import"),
        {"file": io.BytesIO(b"x")},
        **headers,
    )
    assert r.status_code == 403
    birth.refresh_from_db()
    assert birth.fee == 0


def test_officers_and_visitors_cannot_use_the_admin_api(client, bearer, birth):
    r = client.get(url(birth.commune, "procedure-catalog"), **bearer("motcua.hatrung"))
    assert r.status_code == 403
    assert client.get(url(birth.commune, "procedure-catalog")).status_code == 401


def test_the_admin_list_includes_inactive_procedures(client, bearer, birth, admin_a):
    from xaso.procedures.services import set_active

    set_active(admin_a, birth, False)
    r = client.get(
        url(birth.commune, "procedure-catalog"), {"q": "khai sinh"}, **bearer("quantri.hatrung")
    )
    item = next(i for i in r.json()["items"] if i["code"] == "1.001193")
    assert item["active"] is False and item["id"] == birth.pk


def test_create_then_a_retried_create_does_not_duplicate(client, bearer, birth):
    headers = {**bearer("quantri.hatrung"), "HTTP_IDEMPOTENCY_KEY": "proc-create-1"}
    body = {**payload(birth, name="Thủ tục thử nghiệm"), "code": "9.000009"}
    first = client.post(
        url(birth.commune, "procedure-catalog"), body, content_type="application/json", **headers
    )
    again = client.post(
        url(birth.commune, "procedure-catalog"), body, content_type="application/json", **headers
    )
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Procedure.objects.filter(commune=birth.commune, code="9.000009").count() == 1
    # Without the key, the same code is a clear 422, not a second row.
    r = client.post(
        url(birth.commune, "procedure-catalog"),
        body,
        content_type="application/json",
        **bearer("quantri.hatrung"),
    )
    assert r.status_code == 422


def test_export_and_import_over_the_api(client, bearer, catalog):
    headers = bearer("quantri.hatrung")
    r = client.get(url(catalog, "procedures.xlsx"), **headers)
    assert r.status_code == 200 and r["Content-Type"] == excel.XLSX_TYPE
    ws = load_workbook(io.BytesIO(r.content)).active
    ws.cell(2, 2).value = "Tên mới từ API"
    changed = io.BytesIO()
    ws.parent.save(changed)
    content = changed.getvalue()

    dry = client.post(
        url(catalog, "procedures/import") + "?dry_run=true",
        {"file": _named(content)},
        **headers,
    )
    assert dry.status_code == 200, dry.content
    assert dry.json()["dry_run"] is True and dry.json()["counts"]["update"] == 1
    assert not Procedure.objects.filter(name="Tên mới từ API").exists()

    done = client.post(
        url(catalog, "procedures/import") + "?dry_run=false",
        {"file": _named(content)},
        **headers,
    )
    assert done.status_code == 200
    assert Procedure.objects.filter(commune=catalog, name="Tên mới từ API").count() == 1


def test_a_broken_import_answers_422_with_the_report(client, bearer, catalog):
    r = client.post(
        url(catalog, "procedures/import") + "?dry_run=false",
        {"file": _named(b"garbage")},
        **bearer("quantri.hatrung"),
    )
    assert r.status_code == 422
    assert "không phải bảng tính Excel" in r.json()["file_errors"][0]


def _named(content: bytes):
    f = io.BytesIO(content)
    f.name = "thu-tuc.xlsx"
    return f


def test_the_public_list_costs_a_fixed_number_of_queries(
    client, catalog, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        r = client.get(url(catalog, "procedures"), {"page_size": 50})
    assert r.json()["count"] >= 15
