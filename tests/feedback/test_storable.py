"""The string rule (core.text) on the web form and the API of feedback (Open311 is in
test_open311.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from xaso.feedback import services
from xaso.feedback.models import Report

FORM = "/x/15271/phan-anh/gui/"
REPORTS = "/api/v1/communes/15271/feedback-reports"


def test_the_web_form_refuses_with_a_400_naming_the_field(client, category):
    r = client.post(
        FORM,
        {
            "category": category.pk,
            "description": "Ổ gà\x18",
            "address_string": "Thôn A",
            "contact_phone": "0912345678",
        },
    )
    assert r.status_code == 400 and "description" in r.content.decode()
    assert not Report.objects.exists()


def test_the_service_refuses_whoever_calls_it(commune_a, category):
    with pytest.raises(ValidationError) as caught:
        services.submit_report(
            None,
            commune_a,
            category=category,
            description="Ổ gà",
            address_string="Thôn A",
            contact_phone="0912345678",
            attributes={"muc-do": "cao\ud800"},
        )
    assert list(caught.value.message_dict) == ["attributes"]


def test_an_official_action_is_refused_with_a_422(client, bearer, report):
    r = client.post(
        f"{REPORTS}/{report.pk}/actions",
        {"action": "reject", "reason": "Trùng\x07"},
        content_type="application/json",
        **bearer("motcua.hatrung"),
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
