"""The office pages: the clerk registers, the leader assigns, the specialist drafts,
the leader approves, the clerk numbers and issues — all through forms."""

import pytest

from tests.documents.conftest import TEMPLATE_FIELDS, make_pdf
from xaso.documents.models import Document, Status

pytestmark = pytest.mark.dates


@pytest.fixture
def base(commune_a):
    return f"/x/{commune_a.code_str}/van-phong/van-ban/"


def test_the_pages_answer_officials_and_refuse_citizens(login_as, base, incoming):
    doc = incoming()
    clerk = login_as("vanthu.hatrung")
    for path in (
        "",
        "den/",
        "den/vao-so/",
        "di/",
        "di/soan-thao/",
        f"{doc.pk}/",
        "den/?overdue=1&q=chuyen+doi",
    ):
        r = clerk.get(base + path)
        assert r.status_code == 200, path
    r = clerk.get(f"{base}{doc.pk}/pdf/")
    assert r.status_code == 200 and r.content[:5] == b"%PDF-"
    citizen = login_as("p0912000001")
    assert citizen.get(base).status_code == 403
    # A specialist may not open the registration form.
    assert login_as("chuyenvien.hatrung").get(base + "den/vao-so/").status_code == 403


def test_search_folds_accents(login_as, base, incoming):
    incoming(summary="Về việc đẩy mạnh chuyển đổi số")
    page = login_as("vanthu.hatrung").get(base + "den/?q=day+manh").content.decode()
    assert "đẩy mạnh chuyển đổi số" in page


def test_the_whole_journey_through_the_pages(login_as, base, commune_a):
    clerk, leader, specialist = (
        login_as("vanthu.hatrung"),
        login_as("chutich.hatrung"),
        login_as("chuyenvien.hatrung"),
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = clerk.post(
        base + "den/vao-so/",
        {
            "action": "upload",
            "doc-file": SimpleUploadedFile("cv.pdf", make_pdf("Công văn"), "application/pdf"),
            "doc-doc_type": "CV",
            "doc-author": "UBND tỉnh Thanh Hóa",
            "doc-symbol": "125/UBND-KGVX",
            "doc-summary": "Về việc chuyển đổi số",
            "doc-urgency": "thuong",
            "doc-confidentiality": "thuong",
        },
    )
    source = Document.objects.get(direction="in")
    assert r.status_code == 302 and source.arrival_number == 1
    from tests.conftest import user

    r = leader.post(
        f"{base}{source.pk}/",
        {"action": "assign", "assignee": user("chuyenvien.hatrung").pk, "instructions": "Trả lời"},
    )
    source.refresh_from_db()
    assert source.status == Status.ASSIGNED
    data = {k: v for k, v in TEMPLATE_FIELDS.items()}
    data.update(
        {"urgency": "thuong", "confidentiality": "thuong", "copies": 1, "reply_to": source.pk}
    )
    r = specialist.post(base + f"di/soan-thao/?tra-loi={source.pk}", data)
    assert r.status_code == 302, r.content.decode()[:2000]
    reply = Document.objects.get(direction="out")
    specialist.post(f"{base}{reply.pk}/", {"action": "submit"})
    leader.post(f"{base}{reply.pk}/", {"action": "approve"})
    r = clerk.post(f"{base}{reply.pk}/", {"action": "number"}, follow=True)
    assert "Đã cấp số 01/UBND-VP." in r.content.decode()
    r = clerk.post(f"{base}{reply.pk}/", {"action": "issue"}, follow=True)
    reply.refresh_from_db()
    assert reply.status == Status.ISSUED
    # An illegal step is refused with a message, not an error page.
    r = leader.post(f"{base}{reply.pk}/", {"action": "approve"}, follow=True)
    assert "Không thể thực hiện thao tác này" in r.content.decode()
    specialist.post(f"{base}{source.pk}/", {"action": "outcome", "outcome": "", "link_reply": "1"})
    source.refresh_from_db()
    assert source.status == Status.HANDLED and source.reply == reply


def test_a_commune_admin_does_not_see_confidential_documents(login_as, base, incoming):
    secret = incoming(confidentiality="mat", summary="Nội dung mật")
    admin = login_as("quantri.hatrung")
    assert admin.get(f"{base}{secret.pk}/").status_code == 404
    assert "Nội dung mật" not in admin.get(base + "den/").content.decode()
    assert "Nội dung mật" in login_as("chutich.hatrung").get(base + "den/").content.decode()
