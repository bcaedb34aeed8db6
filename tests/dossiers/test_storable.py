"""The string rule (core.text) on every way into a dossier, and exports that survive
what was stored before it."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from tests.dossiers.conftest import APPLICANT, FORM
from xaso.dossiers import services
from xaso.dossiers.models import Dossier

BASE = "/api/v1/communes/15271"
APPLY = "/x/15271/thu-tuc/1.001193/nop/"
OFFICE = "/x/15271/van-phong/ho-so/"


def payload(applicant=None, form=None) -> str:
    return json.dumps(
        {
            "procedure": "1.001193",
            "channel": "online",
            "applicant": applicant or APPLICANT,
            "form": form or FORM,
        }
    )


@pytest.mark.parametrize(
    ("applicant", "form", "field", "char"),
    [
        ({**APPLICANT, "full_name": "Nguyễn\ud800 An"}, None, "applicant.full_name", "U+D800"),
        ({**APPLICANT, "full_name": "Nguyễn\x18An"}, None, "applicant.full_name", "U+0018"),
        ({**APPLICANT, "address": "Thôn\x00Chí"}, None, "applicant.address", "U+0000"),
        (None, {**FORM, "child_name": "Bình\udc00"}, "form.child_name", "U+DC00"),
        (None, {**FORM, "child_name": "Bình\x1b[31m"}, "form.child_name", "U+001B"),
    ],
)
def test_the_api_refuses_with_a_422_naming_the_field(
    login_as, citizen, procedure, applicant, form, field, char
):
    r = login_as("p0912000001").post(f"{BASE}/dossiers", {"payload": payload(applicant, form)})
    assert r.status_code == 422, r.content
    problem = r.json()
    assert problem["errors"][0]["field"] == field
    assert char in problem["detail"]
    assert Dossier.objects.count() == 0


def test_tabs_and_line_breaks_are_text(login_as, citizen, procedure):
    form = {**FORM, "note": "Dòng một\r\nDòng hai\tcột"}
    r = login_as("p0912000001").post(f"{BASE}/dossiers", {"payload": payload(form=form)})
    assert r.status_code == 201, r.content
    assert Dossier.objects.get().form_data["note"] == "Dòng một\r\nDòng hai\tcột"


def test_the_online_form_refuses_with_a_400_naming_the_field(login_as, citizen, procedure):
    r = login_as("p0912000001").post(
        APPLY,
        {
            "f-child_name": "Bình\x18",
            "f-birth_date": "2026-10-01",
            "full_name": "Nguyễn Văn An",
            "phone": "0912000001",
        },
    )
    assert r.status_code == 400
    assert "f-child_name" in r.content.decode() and "U+0018" in r.content.decode()
    assert Dossier.objects.count() == 0


def test_the_service_refuses_whoever_calls_it(officer, commune_a, procedure):
    with pytest.raises(ValidationError) as caught:
        services.submit_dossier(
            officer,
            commune_a,
            procedure_code=procedure.code,
            channel="counter",
            applicant={**APPLICANT, "full_name": "An\x7f"},
            form=FORM,
        )
    assert "applicant.full_name" in caught.value.message_dict


def test_an_action_note_is_refused_too(client, bearer, submit):
    d = submit()
    r = client.post(
        f"{BASE}/dossiers/{d.pk}/actions/refuse",
        {"reason": "Thiếu\x0cgiấy"},
        content_type="application/json",
        **bearer("motcua.hatrung"),
    )
    assert r.status_code == 422
    d.refresh_from_db()
    assert d.state == 2


@pytest.fixture
def stored_before_the_rule(submit):
    """A dossier whose strings were stored before the rule existed."""
    from django.db import connection

    from xaso.core.text import fold

    d = submit()
    # PostgreSQL never stored NUL or a lone surrogate; SQLite did (the surrogate in JSON).
    sqlite = connection.vendor == "sqlite"
    name = "Nguyễn\x18Văn\x00An" if sqlite else "Nguyễn\x18Văn\x1fAn"
    Dossier.objects.filter(pk=d.pk).update(
        applicant_name=name,
        applicant_name_folded=fold(name),
        applicant_address="Thôn\x0bChí Phúc",
        form_data={**FORM, "child_name": "Bình\ud800" if sqlite else "Bình\x7f"},
    )
    return d


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_the_register_exports_survive_what_is_stored(login_as, stored_before_the_rule, fmt):
    r = login_as("chutich.hatrung").get(f"{OFFICE}so-theo-doi/", {"dinh_dang": fmt})
    assert r.status_code == 200
    assert r.content[:4] in (b"%PDF", b"PK\x03\x04")


def test_paper_forms_survive_what_is_stored(login_as, stored_before_the_rule):
    r = login_as("motcua.hatrung").get(f"{OFFICE}{stored_before_the_rule.pk}/mau-01.pdf")
    assert r.status_code == 200 and r.content[:4] == b"%PDF"


def test_a_row_that_holds_old_bad_text_can_still_be_processed(officer, stored_before_the_rule):
    d = Dossier.objects.get(pk=stored_before_the_rule.pk)
    d = services.start(officer, d)  # a full save of the row: not blocked by old text
    assert d.state == 4
    d.applicant_address = "Thôn\x01mới"  # but new bad text is refused
    with pytest.raises(ValidationError) as caught:
        d.save()
    assert list(caught.value.message_dict) == ["applicant_address"]


def test_scrub_text_repairs_what_was_stored_and_the_page_opens(login_as, stored_before_the_rule):
    from django.core.management import call_command

    from xaso.audit.models import AuditEvent

    call_command("scrub_text")  # counts only
    assert "\x18" in Dossier.objects.get(pk=stored_before_the_rule.pk).applicant_name
    call_command("scrub_text", "--sua")
    d = Dossier.objects.get(pk=stored_before_the_rule.pk)
    assert d.applicant_name == "Nguyễn\ufffdVăn\ufffdAn"
    assert d.form_data["child_name"] == "Bình\ufffd" and d.form_data["birth_date"]
    assert AuditEvent.objects.filter(action="core.text.scrubbed").exists()
    r = login_as("motcua.hatrung").get(f"{OFFICE}{d.pk}/")
    assert r.status_code == 200
