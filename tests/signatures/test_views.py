"""The public verification page and the office pages for credentials and signing."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.signatures.conftest import PASS
from tests.signatures.helpers import raw_sign
from xaso.signatures.models import SigningCredential
from xaso.signatures.services import Appearance, sign_pdf, verify_pdf
from xaso.signatures.testca import self_signed

VERIFY = "/xac-thuc-chu-ky/"


def pdf_file(data: bytes, name: str = "van-ban.pdf"):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_the_verification_page_is_public(client, db):
    r = client.get(VERIFY)
    assert r.status_code == 200
    assert "Xác thực chữ ký số" in r.content.decode()


def test_a_valid_signature_shows_a_green_verdict(client, pdf, personal, leader, trust):
    signed = sign_pdf(
        pdf, credential=personal, secret=PASS, actor=leader, appearance=Appearance("Lê Văn Hùng")
    )
    page = client.post(VERIFY, {"file": pdf_file(signed)}).content.decode()
    assert 'class="card verdict ok"' in page
    assert "Lê Văn Hùng" in page and "UBND xã Hà Trung" in page
    assert "Tất cả 1 chữ ký đều hợp lệ." in page


def test_an_untrusted_signature_shows_a_warning(client, pdf, trust):
    page = client.post(
        VERIFY, {"file": pdf_file(raw_sign(pdf, self_signed("Người lạ")))}
    ).content.decode()
    assert 'class="card verdict warn"' in page
    assert "Không được tin cậy" in page


def test_a_tampered_file_shows_a_red_verdict(client, pdf, personal, leader, trust):
    signed = sign_pdf(pdf, credential=personal, secret=PASS, actor=leader)
    at = signed.index(b"noi dung")
    page = client.post(
        VERIFY, {"file": pdf_file(signed[:at] + b"X" + signed[at + 1 :])}
    ).content.decode()
    assert 'class="card verdict bad"' in page
    assert "Đã bị thay đổi" in page


def test_an_unsigned_pdf_gets_a_clear_answer(client, pdf, db):
    r = client.post(VERIFY, {"file": pdf_file(pdf)})
    assert r.status_code == 200
    assert "không có chữ ký số nào" in r.content.decode()


def test_a_non_pdf_gets_a_message_on_the_form(client, db):
    r = client.post(VERIFY, {"file": pdf_file(b"not a pdf", "ghi-chu.txt")})
    assert r.status_code == 422
    assert "không phải là PDF" in r.content.decode()


def test_credentials_page_lists_expiry_and_uploads_with_the_passphrase(login_as, commune_a, ca):
    c = login_as("phochutich.hatrung")
    url = f"/x/{commune_a.code_str}/van-phong/chu-ky-so/"
    assert c.get(url).status_code == 200
    issued = ca.issue("Nguyễn Thị Mai", organisation="UBND xã Hà Trung")
    wrong = c.post(
        url,
        {
            "action": "upload",
            "kind": "personal",
            "file": pdf_file(issued.pkcs12(PASS), "mai.p12"),
            "passphrase": "sai",
        },
        follow=True,
    )
    assert "mật khẩu không đúng" in wrong.content.decode()
    assert not SigningCredential.objects.exists()
    ok = c.post(
        url,
        {
            "action": "upload",
            "kind": "personal",
            "file": pdf_file(issued.pkcs12(PASS), "mai.p12"),
            "passphrase": PASS,
        },
        follow=True,
    )
    page = ok.content.decode()
    assert "Mật khẩu không được lưu" in page
    assert "Nguyễn Thị Mai" in page
    assert issued.cert.not_valid_after_utc.strftime("%Y") in page
    credential = SigningCredential.objects.get()
    assert credential.owner.username == "phochutich.hatrung"
    image = c.get(f"{url}{credential.pk}/anh/")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"


def test_a_leader_cannot_add_the_organisation_credential(login_as, commune_a, ca):
    c = login_as("chutich.hatrung")
    issued = ca.issue("UBND xã Hà Trung")
    c.post(
        f"/x/{commune_a.code_str}/van-phong/chu-ky-so/",
        {
            "action": "upload",
            "kind": "organisation",
            "file": pdf_file(issued.pkcs12(PASS), "o.p12"),
            "passphrase": PASS,
        },
    )
    assert not SigningCredential.objects.exists()


def test_the_sign_page_returns_a_signed_pdf(login_as, commune_a, personal, pdf, trust):
    c = login_as("chutich.hatrung")
    url = f"/x/{commune_a.code_str}/van-phong/chu-ky-so/ky/"
    assert "Ký và tải về" in c.get(url).content.decode()
    r = c.post(
        url,
        {
            "file": pdf_file(pdf),
            "credential": personal.pk,
            "secret": PASS,
            "prefix": "TM.",
            "title": "Chủ tịch",
        },
    )
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert verify_pdf(r.content)[0].verdict == "valid"


def test_the_sign_page_reports_a_wrong_passphrase(login_as, commune_a, personal, pdf):
    c = login_as("chutich.hatrung")
    r = c.post(
        f"/x/{commune_a.code_str}/van-phong/chu-ky-so/ky/",
        {"file": pdf_file(pdf), "credential": personal.pk, "secret": "sai"},
    )
    assert r.status_code == 422
    assert "mật khẩu không đúng" in r.content.decode()
