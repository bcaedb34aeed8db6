"""The shipped catalog: at least 15 real commune-level procedures, each one sound."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from xaso.audit.models import AuditEvent
from xaso.procedures import formschema
from xaso.procedures.models import Procedure
from xaso.procedures.services import check_procedure, install_catalog, national_templates

pytestmark = pytest.mark.dates

TEMPLATES = national_templates()


def test_the_template_set_has_at_least_15_procedures_with_unique_national_codes():
    codes = [t["code"] for t in TEMPLATES]
    assert len(codes) >= 15
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"\d\.\d{6}", c) for c in codes)
    names = " ".join(t["name"] for t in TEMPLATES)
    for expected in ("khai sinh", "kết hôn", "khai tử", "bản sao", "tình trạng hôn nhân"):
        assert expected in names


@pytest.mark.parametrize("template", TEMPLATES, ids=[t["code"] for t in TEMPLATES])
def test_every_template_passes_the_checks_an_administrator_faces(template):
    cleaned = check_procedure({"order": 1, "active": True, **template})
    assert cleaned["name"] and cleaned["field"] and cleaned["documents"]
    assert sum(s["days"] for s in cleaned["steps"]) <= cleaned["deadline_days"]
    assert {s["role"] for s in cleaned["steps"]} >= {"one_stop_officer", "leader"}
    if cleaned["online_level"] == "mot_phan":
        assert cleaned["online_reason"]
    schema = formschema.check_schema(cleaned["form_schema"])
    assert schema["fields"], "every procedure has an application form"
    json_schema = formschema.to_json_schema(schema)
    assert json_schema["required"]


def test_known_legal_facts_are_in_the_catalog():
    by_code = {t["code"]: t for t in TEMPLATES}
    assert by_code["1.001193"]["deadline_days"] == 0  # birth: the same day
    assert by_code["1.001193"]["fee"] == 0
    assert by_code["1.004873"]["deadline_days"] == 3  # marital status confirmation
    copies = by_code["2.000815"]
    assert copies["online_level"] == "mot_phan" and "bản chính" in copies["online_reason"]
    assert "2.000 đồng/trang" in copies["fee_note"]


def test_install_is_idempotent_and_keeps_what_the_commune_edited(commune_a):
    first = install_catalog(commune_a)
    assert first["created"] == len(TEMPLATES)
    Procedure.objects.filter(commune=commune_a, code="1.001193").update(name="Khai sinh (xã sửa)")
    Procedure.objects.filter(commune=commune_a, code="1.000656").delete()
    again = install_catalog(commune_a)
    assert again == {"created": 1, "kept": len(TEMPLATES) - 1}
    assert Procedure.objects.get(commune=commune_a, code="1.001193").name == "Khai sinh (xã sửa)"
    assert Procedure.objects.filter(commune=commune_a).count() == len(TEMPLATES)
    assert AuditEvent.objects.filter(action="procedures.catalog_installed").count() == 2


def test_the_management_command_installs_one_commune(commune_a, commune_b, capsys):
    call_command("install_catalog", commune_b.code_str)
    assert Procedure.objects.filter(commune=commune_b).count() == len(TEMPLATES)
    assert not Procedure.objects.filter(commune=commune_a).exists()
    assert f"+{len(TEMPLATES)}" in capsys.readouterr().out


def test_the_management_command_refuses_an_unknown_commune(demo):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("install_catalog", "99999")
    with pytest.raises(CommandError):
        call_command("install_catalog")


def test_the_demo_seeder_fills_both_demo_communes(commune_a, commune_b):
    from xaso.core.registry import registry

    registry.seeders["procedures"].run(now=timezone.now())
    assert Procedure.objects.filter(commune=commune_a).count() == len(TEMPLATES)
    assert Procedure.objects.filter(commune=commune_b).count() == len(TEMPLATES)
