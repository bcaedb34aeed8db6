"""POST /api/v1/signatures/verify and the credentials and signing endpoints."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.signatures.conftest import PASS
from tests.signatures.helpers import append_page_text
from xaso.signatures import services
from xaso.signatures.models import SigningCredential
from xaso.signatures.services import Appearance, sign_pdf

VERIFY = "/api/v1/signatures/verify"


def upload(data: bytes, name="van-ban.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def signed(pdf, personal, organisation, leader, clerk, trust):
    first = sign_pdf(
        pdf, credential=personal, secret=PASS, actor=leader, appearance=Appearance("Lê Văn Hùng")
    )
    return sign_pdf(
        first, credential=organisation, secret=PASS, actor=clerk, appearance=Appearance("UBND")
    )


def test_verify_reports_every_signature(client, signed):
    r = client.post(VERIFY, {"file": upload(signed)})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["count"] == 2
    assert "hợp lệ" in body["message"]
    first = body["signatures"][0]
    assert first["signer"] == "Lê Văn Hùng"
    assert first["organisation"] == "UBND xã Hà Trung"
    assert first["signing_time"]
    assert first["intact"] is True and first["trusted"] is True
    assert first["modified_after_signing"] is True
    assert first["expired"] is False and first["revoked"] is False
    assert [s["verdict"] for s in body["signatures"]] == ["valid", "valid"]


def test_verify_flags_content_changed_after_signing(client, signed):
    body = client.post(VERIFY, {"file": upload(append_page_text(signed))}).json()
    assert [s["verdict"] for s in body["signatures"]] == ["modified", "modified"]
    assert all(s["intact"] for s in body["signatures"])
    assert "không hợp lệ" in body["message"]


def test_verify_of_an_unsigned_pdf_is_an_answer_not_an_error(client, pdf, db):
    r = client.post(VERIFY, {"file": upload(pdf)})
    assert r.status_code == 200
    assert r.json() == {
        "count": 0,
        "message": "Tệp PDF này không có chữ ký số nào.",
        "message_en": r.json()["message_en"],
        "signatures": [],
    }


def test_verify_refuses_a_non_pdf_with_problem_json(client, db):
    r = client.post(VERIFY, {"file": upload(b"\x89PNG....", "anh.png", "image/png")})
    assert r.status_code == 422
    assert r["Content-Type"] == "application/problem+json"
    assert "PDF" in r.json()["detail"]


def test_verify_refuses_an_oversized_file(client, pdf, db, monkeypatch):
    monkeypatch.setattr(services, "MAX_PDF_BYTES", len(pdf) - 1)
    r = client.post(VERIFY, {"file": upload(pdf)})
    assert r.status_code == 413
    assert r["Content-Type"] == "application/problem+json"


def test_verify_needs_a_file(client, db):
    r = client.post(VERIFY, {})
    assert r.status_code == 422
    assert r["Content-Type"] == "application/problem+json"


def test_verify_is_rate_limited(client, pdf, db, monkeypatch):
    from xaso.signatures import api

    monkeypatch.setattr(api, "VERIFY_PER_MINUTE", 2)
    codes = [client.post(VERIFY, {"file": upload(pdf)}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_credentials_list_shows_mine_and_the_organisations_never_the_file(
    client, login_as, personal, organisation, commune_a
):
    c = login_as("chutich.hatrung")
    r = c.get(f"/api/v1/communes/{commune_a.code_str}/signing-credentials")
    assert r.status_code == 200
    rows = {row["kind"]: row for row in r.json()}
    assert rows["personal"]["mine"] is True and rows["personal"]["not_after"]
    assert rows["organisation"]["mine"] is False
    assert "pkcs12" not in r.content.decode()
    # Another official does not see the chairman's personal credential.
    other = login_as("vanthu.hatrung").get(
        f"/api/v1/communes/{commune_a.code_str}/signing-credentials"
    )
    assert [row["kind"] for row in other.json()] == ["organisation"]


def test_upload_a_pkcs12_then_a_retry_does_not_duplicate(ca, login_as, commune_a):
    c = login_as("phochutich.hatrung")
    issued = ca.issue("Nguyễn Thị Mai", organisation="UBND xã Hà Trung")
    url = f"/api/v1/communes/{commune_a.code_str}/signing-credentials"
    data = issued.pkcs12(PASS)

    def post():
        return c.post(
            url,
            {"file": upload(data, "mai.p12", "application/x-pkcs12"), "passphrase": PASS},
            HTTP_IDEMPOTENCY_KEY="p12-upload-1",
        )

    first, second = post(), post()
    assert first.status_code == 201, first.content
    assert second.status_code == 201 and second["Idempotent-Replayed"] == "true"
    assert SigningCredential.objects.filter(subject_name="Nguyễn Thị Mai").count() == 1
    assert first.json()["subject_name"] == "Nguyễn Thị Mai"


def test_upload_with_a_wrong_passphrase_is_422_and_stores_nothing(ca, login_as, commune_a):
    c = login_as("phochutich.hatrung")
    r = c.post(
        f"/api/v1/communes/{commune_a.code_str}/signing-credentials",
        {"file": upload(ca.issue("X").pkcs12(PASS), "x.p12"), "passphrase": "sai"},
    )
    assert r.status_code == 422
    assert "mật khẩu" in r.json()["detail"]
    assert not SigningCredential.objects.exists()


def test_sign_endpoint_returns_a_signed_pdf(login_as, commune_a, personal, pdf, trust):
    c = login_as("chutich.hatrung")
    r = c.post(
        f"/api/v1/communes/{commune_a.code_str}/sign",
        {
            "file": upload(pdf, "Quyết định.pdf"),
            "credential_id": personal.pk,
            "secret": PASS,
            "title": "Chủ tịch",
            "prefix": "TM.",
        },
    )
    assert r.status_code == 200, r.content
    assert r["Content-Type"] == "application/pdf"
    assert "quyet-dinh-da-ky.pdf" in r["Content-Disposition"]
    [report] = services.verify_pdf(r.content)
    assert report.verdict == "valid"


def test_sign_endpoint_does_not_lend_someone_elses_credential(login_as, commune_a, personal, pdf):
    c = login_as("vanthu.hatrung")
    r = c.post(
        f"/api/v1/communes/{commune_a.code_str}/sign",
        {"file": upload(pdf), "credential_id": personal.pk, "secret": PASS},
    )
    assert r.status_code == 404


def test_deactivate_my_credential(login_as, commune_a, personal):
    c = login_as("chutich.hatrung")
    r = c.post(
        f"/api/v1/communes/{commune_a.code_str}/signing-credentials/{personal.pk}/deactivate"
    )
    assert r.status_code == 200 and r.json()["active"] is False
    r = login_as("vanthu.hatrung").post(
        f"/api/v1/communes/{commune_a.code_str}/signing-credentials/{personal.pk}/deactivate"
    )
    assert r.status_code == 404
