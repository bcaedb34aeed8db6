"""Administrators edit the catalog through the services: checked, authorised, audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.conftest import user
from xaso.audit.models import AuditEvent
from xaso.procedures import selectors, services
from xaso.procedures.models import Procedure


def test_the_commune_admin_edits_a_procedure_and_it_is_audited(birth, admin_a):
    services.save_procedure(
        admin_a, birth.commune, {"fee": 5000, "fee_note": "Đăng ký quá hạn"}, procedure=birth
    )
    birth.refresh_from_db()
    assert birth.fee == 5000
    event = AuditEvent.objects.get(action="procedures.updated")
    assert event.object_id == str(birth.pk)
    assert event.detail["changed"] == ["fee", "fee_note"]
    assert event.commune_id == birth.commune_id


def test_a_new_procedure_is_created_with_its_folded_name(catalog, admin_a):
    p = services.save_procedure(
        admin_a,
        catalog,
        {
            "code": "9.000001",
            "name": "Xác nhận đơn đề nghị",
            "field": "Khác",
            "deadline_days": 2,
            "online_level": "toan_trinh",
            "steps": [{"name": "Xử lý", "role": "specialist", "days": 2}],
        },
    )
    assert p.name_folded == "xac nhan don de nghi"
    assert AuditEvent.objects.filter(action="procedures.created", object_id=str(p.pk)).exists()


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        ({"name": ""}, "name", "Thiếu tên thủ tục"),
        ({"deadline_days": -1}, "deadline_days", "từ 0 đến 365"),
        ({"online_level": "muc_4"}, "online_level", "toan_trinh"),
        ({"online_level": "mot_phan", "online_reason": ""}, "online_reason", "lý do"),
        ({"steps": [{"name": "Ký", "role": "leader", "days": 5}]}, "steps", "vượt thời hạn"),
        ({"steps": [{"name": "Ký", "role": "boss", "days": 0}]}, "steps", "vai trò"),
        ({"documents": [{"copies": 1}]}, "documents", "thiếu tên"),
        ({"documents": [{"name": "A", "copies": 0}]}, "documents", "số bản"),
        (
            {"form_schema": {"fields": [{"key": "a", "label": "A", "type": "x"}]}},
            "form_schema",
            "không được hỗ trợ",
        ),
        ({"fee": -5}, "fee", "không âm"),
    ],
)
def test_bad_edits_are_refused_field_by_field_and_nothing_changes(
    birth, admin_a, change, field, fragment
):
    before = services.as_data(birth)
    with pytest.raises(ValidationError) as exc:
        services.save_procedure(admin_a, birth.commune, change, procedure=birth)
    assert fragment.lower() in " ".join(exc.value.message_dict[field]).lower()
    birth.refresh_from_db()
    assert services.as_data(birth) == before
    assert not AuditEvent.objects.filter(action="procedures.updated").exists()


def test_a_code_cannot_be_used_twice_in_one_commune(birth, admin_a):
    with pytest.raises(ValidationError) as exc:
        services.save_procedure(admin_a, birth.commune, {"code": "1.000894"}, procedure=birth)
    assert "code" in exc.value.message_dict


def test_officials_without_the_admin_role_cannot_edit(birth):
    for username in ("motcua.hatrung", "chutich.hatrung", "chuyenvien.hatrung"):
        with pytest.raises(PermissionDenied):
            services.save_procedure(user(username), birth.commune, {"fee": 1}, procedure=birth)


def test_commune_b_admin_cannot_edit_commune_a_catalog(birth, admin_b):
    with pytest.raises(PermissionDenied):
        services.save_procedure(admin_b, birth.commune, {"fee": 1}, procedure=birth)
    with pytest.raises(PermissionDenied):
        services.set_active(admin_b, birth, False)
    with pytest.raises(PermissionDenied):
        services.install_catalog(birth.commune, actor=admin_b)


def test_commune_b_admin_cannot_move_a_procedure_through_their_own_commune(
    birth, admin_b, commune_b
):
    with pytest.raises(ValidationError):
        services.save_procedure(admin_b, commune_b, {"fee": 1}, procedure=birth)


def test_deactivating_hides_a_procedure_from_the_public_catalog(birth, admin_a):
    services.set_active(admin_a, birth, False)
    assert birth not in selectors.catalog_for(birth.commune)
    assert selectors.get_procedure(birth.commune, birth.code) is None
    assert selectors.get_procedure(birth.commune, birth.code, active_only=False) == birth
    assert AuditEvent.objects.filter(action="procedures.deactivated").count() == 1
    services.set_active(admin_a, birth, False)  # no change, no event
    assert AuditEvent.objects.filter(action="procedures.deactivated").count() == 1


@pytest.mark.parametrize("q", ["khai sinh", "Khai Sinh", "khai sính", "KHAI SINH", "1.001193"])
def test_search_folds_accents_and_case(catalog, q):
    codes = {p.code for p in selectors.catalog_for(catalog, q=q)}
    assert "1.001193" in codes


def test_search_matches_word_starts_and_fields_filter(catalog):
    assert {p.code for p in selectors.catalog_for(catalog, q="ket hon")} == {
        "1.000894",
        "1.004746",
    }
    assert not selectors.catalog_for(catalog, q="hai sinh").exists()
    civil = selectors.catalog_for(catalog, field="Chứng thực")
    assert civil.count() == 3
    assert "Hộ tịch" in selectors.fields_of(catalog)


def test_the_catalog_of_one_commune_never_shows_another(catalog, commune_b):
    assert not selectors.catalog_for(commune_b).exists()
    assert selectors.get_procedure(commune_b, "1.001193") is None
    assert Procedure.objects.filter(commune=catalog).count() >= 15
