"""The pages: the public list, the form, a report's page, the office inbox and settings."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from tests.conftest import user
from tests.feedback.conftest import image_bytes
from xaso.feedback import services
from xaso.feedback.models import Open311Key, Report, Status

pytestmark = pytest.mark.django_db

LIST = "/x/15271/phan-anh/"
FORM = "/x/15271/phan-anh/gui/"
INBOX = "/x/15271/van-phong/phan-anh/"


def test_the_public_list_shows_reports_with_a_map_and_filters(client, make_report):
    report = make_report(description="<script>alert(1)</script> Ổ gà")
    r = client.get(LIST)
    html = r.content.decode()
    assert r.status_code == 200
    assert f"#{report.pk}" in html
    assert "<script>alert(1)</script>" not in html  # escaped
    assert 'id="list-map"' in html and "feedback-points" in html
    assert client.get(f"{LIST}?status=closed").content.decode().count(f"#{report.pk} ") == 0


def test_an_anonymous_visitor_must_leave_a_phone(client, category):
    r = client.post(
        FORM,
        {"category": category.pk, "description": "Ổ gà", "address_string": "Thôn A"},
    )
    assert r.status_code == 200
    assert "số điện thoại" in r.content.decode()
    assert not Report.objects.exists()


def test_an_anonymous_visitor_reports_with_a_photo_and_gets_a_private_link(client, category):
    photo = SimpleUploadedFile("ảnh.jpg", image_bytes(exif_gps=True), "image/jpeg")
    r = client.post(
        FORM,
        {
            "category": category.pk,
            "description": "Ổ gà lớn",
            "lat": "20.018",
            "long": "105.835",
            "contact_name": "Trần Văn Bình",
            "contact_phone": "0912345678",
            "photos": [photo],
        },
    )
    report = Report.objects.get()
    assert r.status_code == 302
    assert r["Location"] == f"{LIST}{report.pk}/?token={report.token}"
    assert report.photos.count() == 1
    assert report.hide_identity and report.reporter is None
    page = client.get(f"{LIST}{report.pk}/").content.decode()
    assert "Trần Văn Bình" not in page and "0912345678" not in page
    assert "Ẩn danh" in page


def test_a_signed_in_citizen_reports_and_may_show_their_name(login_as, category):
    c = login_as("p0912000001")
    r = c.post(
        FORM,
        {
            "category": category.pk,
            "description": "Đèn hỏng",
            "address_string": "Thôn Chí Phúc",
            "show_identity": "on",
        },
    )
    report = Report.objects.get()
    assert r.status_code == 302 and "token" not in r["Location"]
    assert report.reporter.phone == "0912000001" and report.contact_phone == "0912000001"
    assert not report.hide_identity
    assert "Nguyễn Văn An" in c.get(f"{LIST}{report.pk}/").content.decode()


def test_a_wrong_photo_is_reported_on_the_form(client, category):
    r = client.post(
        FORM,
        {
            "category": category.pk,
            "description": "Ổ gà",
            "address_string": "Thôn A",
            "contact_phone": "0912345678",
            "photos": [SimpleUploadedFile("a.jpg", b"MZ\x90\x00 not an image", "image/jpeg")],
        },
    )
    assert r.status_code == 200
    assert "JPEG hoặc PNG" in r.content.decode()
    assert not Report.objects.exists()


def test_the_public_page_shows_the_timeline_and_answer_and_the_reporter_rates(
    login_as, client, report
):
    officer = user("motcua.hatrung")
    services.add_note(officer, report, note="Ghi chú nội bộ bí mật")
    services.resolve(officer, services.accept(officer, report), answer="Đã vá ổ gà ngày 20/11.")
    html = client.get(f"{LIST}{report.pk}/").content.decode()
    assert "Đã vá ổ gà ngày 20/11." in html
    assert "Ghi chú nội bộ bí mật" not in html
    assert "Gửi đánh giá" not in html  # only for the reporter

    reporter = login_as("p0912000001")
    assert "Gửi đánh giá" in reporter.get(f"{LIST}{report.pk}/").content.decode()
    reporter.post(f"{LIST}{report.pk}/", {"action": "rate", "rating": "4", "comment": "Tốt"})
    report.refresh_from_db()
    assert report.rating == 4


def test_the_anonymous_reporter_reopens_with_the_token(client, make_report):
    report = make_report(actor=None, contact_phone="0912345678")
    officer = user("motcua.hatrung")
    services.resolve(officer, services.accept(officer, report), answer="Xong")
    r = client.post(
        f"{LIST}{report.pk}/", {"action": "reopen", "reason": "Chưa sửa", "token": report.token}
    )
    assert r.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.ACCEPTED
    r = client.post(f"{LIST}{report.pk}/", {"action": "reopen", "reason": "x", "token": "bad"})
    assert r.status_code == 403


def test_a_hidden_report_and_its_photos_are_gone_from_the_public(client, make_report):
    report = make_report(photos=[image_bytes()])
    photo = report.photos.get()
    assert client.get(f"/phan-anh/anh/{photo.pk}/").status_code == 200
    services.moderate(user("motcua.hatrung"), report, hidden=True)
    assert client.get(f"{LIST}{report.pk}/").status_code == 404
    assert client.get(f"/phan-anh/anh/{photo.pk}/").status_code == 404


def test_the_commune_home_page_shows_recent_reports(client, report):
    html = client.get("/x/15271/").content.decode()
    assert "Phản ánh gần đây" in html
    assert f"{LIST}{report.pk}/" in html


def test_the_office_inbox_lists_and_officials_act_on_a_report(login_as, report):
    c = login_as("motcua.hatrung")
    html = c.get(INBOX).content.decode()
    assert f"#{report.pk}" in html
    url = f"{INBOX}{report.pk}/"
    page = c.get(url).content.decode()
    assert "0912000001" in page  # officials see the contact (audited)
    from xaso.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="personal_data.read", object_id=str(report.pk)).exists()
    c.post(url, {"action": "accept"})
    c.post(url, {"action": "assign", "assignee": user("chuyenvien.hatrung").pk})
    c.post(url, {"action": "resolve", "answer": "Đã xử lý"})
    report.refresh_from_db()
    assert report.status == Status.RESOLVED and report.answer == "Đã xử lý"
    r = c.post(url, {"action": "accept"}, follow=True)
    assert "Không thể thực hiện" in r.content.decode()


def test_the_inbox_is_for_officials_only(login_as, client, demo):
    assert login_as("p0912000001").get(INBOX).status_code == 403
    assert client.get(INBOX).status_code == 302  # to sign-in


def test_the_office_shows_feedback_indicators(login_as, report):
    html = login_as("chutich.hatrung").get("/x/15271/van-phong/").content.decode()
    assert "Phản ánh đang xử lý" in html


def test_the_commune_admin_manages_categories_templates_and_keys(login_as, commune_a):
    c = login_as("quantri.hatrung")
    url = "/x/15271/van-phong/phan-anh/cau-hinh/"
    c.post(
        url,
        {
            "action": "category",
            "code": "cay-xanh",
            "name": "Cây xanh",
            "resolution_working_days": "7",
            "active": "on",
        },
    )
    c.post(url, {"action": "template", "title": "Cảm ơn", "body": "Cảm ơn bạn."})
    r = c.post(url, {"action": "issue_key", "app_name": "Ứng dụng tỉnh"})
    assert "o311_" in r.content.decode()
    from xaso.feedback.models import AnswerTemplate, Category

    assert Category.objects.get(code="cay-xanh").resolution_working_days == 7
    assert AnswerTemplate.objects.filter(commune=commune_a).count() == 1
    key = Open311Key.objects.get()
    c.post(url, {"action": "revoke_key", "key": key.pk})
    key.refresh_from_db()
    assert key.revoked_at is not None
    # The one-stop officer triages but does not configure.
    assert login_as("motcua.hatrung").get(url).status_code == 403


def test_the_command_issues_lists_and_revokes_keys(capsys, commune_a):
    call_command("issue_open311_key", "15271", "Ứng dụng A")
    raw = capsys.readouterr().out.strip()
    assert raw.startswith("o311_")
    assert services.key_for(raw, commune_a) is not None
    key = Open311Key.objects.get()
    call_command("issue_open311_key", "15271", "--list")
    assert "Ứng dụng A" in capsys.readouterr().out
    call_command("issue_open311_key", "15271", "--revoke", str(key.pk))
    assert services.key_for(raw, commune_a) is None
