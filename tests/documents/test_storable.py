"""The string rule (core.text) on the ways documents come in, and registers that survive
what was stored before it."""

from __future__ import annotations

import base64
import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from tests.documents.test_services import sample_eml
from xaso.documents import services
from xaso.documents.models import Document


def eml_with_subject(subject: str) -> bytes:
    """The sample message with its subject as an encoded word (the way a control
    character reaches a mail header)."""
    encoded = b"=?utf-8?b?" + base64.b64encode(subject.encode()) + b"?="
    return sample_eml().replace(b"Subject: ", b"Subject: " + encoded + b"\nX-Old-Subject: ", 1)


def test_an_email_with_a_control_character_is_refused_naming_the_header(clerk, commune_a):
    with pytest.raises(ValidationError) as caught:
        services.import_email(clerk, commune_a, eml_with_subject("Công văn\x18số 125"))
    assert list(caught.value.message_dict) == ["Subject"]
    assert not Document.objects.exists()


def test_the_mail_drop_reports_it_and_goes_on(commune_a, tmp_path):
    import mailbox

    box = mailbox.Maildir(str(tmp_path / "hop-thu"), create=True)
    box.add(eml_with_subject("Công văn\x18số 125"))
    box.add(sample_eml("<b@x>"))
    imported, errors = services.import_maildir(commune_a, tmp_path / "hop-thu")
    assert len(imported) == 1 and len(errors) == 1
    assert "Subject" in errors[0] and "U+0018" in errors[0]


def test_the_form_refuses_with_a_400_naming_the_field(login_as, commune_a, pdf):
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = login_as("vanthu.hatrung").post(
        f"/x/{commune_a.code_str}/van-phong/van-ban/den/vao-so/",
        {
            "doc-doc_type": "CV",
            "doc-author": "UBND\x1ftỉnh",
            "doc-summary": "Về việc",
            "doc-file": SimpleUploadedFile("cv.pdf", pdf, "application/pdf"),
        },
    )
    assert r.status_code == 400 and "doc-author" in r.content.decode()


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_the_register_survives_what_is_stored(login_as, incoming, commune_a, fmt):
    doc = incoming()
    Document.objects.filter(pk=doc.pk).update(summary="Về\x18việc", author="UBND\x0ctỉnh")
    r = login_as("vanthu.hatrung").get(
        f"/x/{commune_a.code_str}/van-phong/van-ban/den/so-dang-ky/", {"format": fmt}
    )
    assert r.status_code == 200
    if fmt == "xlsx":
        rows = list(load_workbook(io.BytesIO(r.content)).active.values)
        assert any("Về\ufffdviệc" in str(v) for v in rows[3])
