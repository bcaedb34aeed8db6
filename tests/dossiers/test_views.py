"""The pages: apply, my dossiers, tracking, inbox, counter, dossier page, register."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.dossiers.conftest import PDF
from xaso.dossiers import services
from xaso.dossiers.models import Dossier, State

pytestmark = pytest.mark.dates

SCORES = {
    k: 2 for k in ("contacts", "agencies", "one_stop", "publication", "attitude", "complaints")
}
APPLY = "/x/15271/thu-tuc/1.001193/nop/"
OFFICE = "/x/15271/van-phong/ho-so/"


def test_the_apply_page_is_prefilled(login_as, procedure):
    r = login_as("p0912000001").get(APPLY)
    assert r.status_code == 200
    html = r.content.decode()
    assert "Đăng ký khai sinh" in html
    assert 'value="Nguyễn Văn An"' in html and 'value="0912000001"' in html


def test_apply_asks_strangers_to_sign_in(client, procedure):
    r = client.get(APPLY)
    assert r.status_code == 302 and "dang-nhap" in r["Location"]


def test_a_citizen_applies_with_a_file(login_as, procedure, citizen):
    c = login_as("p0912000001")
    r = c.post(
        APPLY,
        {
            "f-child_name": "Nguyễn Văn Bình",
            "f-birth_date": "2026-10-01",
            "full_name": "Nguyễn Văn An",
            "phone": "0912000001",
            "id_number": "038085001234",
            "attachments": [SimpleUploadedFile("giay-chung-sinh.pdf", PDF)],
        },
    )
    d = Dossier.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/ho-so-cua-toi/{d.pk}/"
    assert d.state == State.NEW and d.channel == "online" and d.attachments.count() == 1
    page = c.get(r["Location"]).content.decode()
    assert d.code in page and "Mới đăng ký" in page


def test_apply_shows_errors_and_keeps_nothing(login_as, procedure):
    r = login_as("p0912000001").post(
        APPLY,
        {
            "f-child_name": "",
            "f-birth_date": "2026-10-01",
            "full_name": "Nguyễn Văn An",
            "phone": "0912000001",
            "attachments": [SimpleUploadedFile("x.pdf", b"MZ not a pdf")],
        },
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert "Trường này là bắt buộc" in html or "không phải PDF" in html
    assert Dossier.objects.count() == 0
    r = login_as("p0912000001").post(
        APPLY,
        {
            "f-child_name": "Bình",
            "f-birth_date": "2026-10-01",
            "full_name": "An",
            "phone": "0912000001",
            "attachments": [SimpleUploadedFile("x.pdf", b"MZ not a pdf")],
        },
    )
    assert "không phải PDF, JPEG hoặc PNG" in r.content.decode()
    assert Dossier.objects.count() == 0


def test_an_official_elsewhere_cannot_apply_here(login_as, procedure):
    assert login_as("motcua.xakhac").get(APPLY).status_code == 403


def test_tracking_page(client, submit, officer):
    d = services.receive(officer, submit("online"))
    assert client.get("/tra-cuu-ho-so/", {"ma": d.code}).status_code == 200
    r = client.get("/tra-cuu-ho-so/", {"ma": d.code, "sdt": "0001"})
    html = r.content.decode()
    assert r.status_code == 200 and "Được tiếp nhận" in html and "Nguyễn Văn An" not in html
    wrong = client.get("/tra-cuu-ho-so/", {"ma": d.code, "sdt": "1234"})
    assert wrong.status_code == 404 and "Không tìm thấy" in wrong.content.decode()


def test_my_dossiers_only_mine(login_as, submit):
    d = submit("online")
    assert d.code in login_as("p0912000001").get("/ho-so-cua-toi/").content.decode()
    other = login_as("p0912000002")
    assert d.code not in other.get("/ho-so-cua-toi/").content.decode()
    assert other.get(f"/ho-so-cua-toi/{d.pk}/").status_code == 404


def test_the_citizen_rates_on_the_page(login_as, submit, officer, specialist, leader):
    d = services.start(officer, services.receive(officer, submit("online")))
    d = services.return_result(
        officer, services.complete(leader, services.forward(specialist, d)), method="pickup"
    )
    c = login_as("p0912000001")
    page = c.get(f"/ho-so-cua-toi/{d.pk}/").content.decode()
    assert "Đánh giá mức độ hài lòng" in page and "Thái độ của cán bộ, công chức" in page
    data = {"action": "rate", **{f"score_{k}": "2" for k in SCORES}}
    r = c.post(f"/ho-so-cua-toi/{d.pk}/", data)
    assert r.status_code == 302
    assert d.__class__.objects.get(pk=d.pk).rating.total == 18
    assert "Tổng điểm: 18/18" in c.get(f"/ho-so-cua-toi/{d.pk}/").content.decode()


def test_the_citizen_withdraws_on_the_page(login_as, submit):
    d = submit("online")
    login_as("p0912000001").post(f"/ho-so-cua-toi/{d.pk}/", {"action": "withdraw", "reason": "x"})
    d.refresh_from_db()
    assert d.state == State.WITHDRAWN


def test_inbox_and_filters(login_as, submit):
    d = submit()
    c = login_as("chuyenvien.hatrung")
    assert d.code in c.get(OFFICE).content.decode()
    assert d.code not in c.get(OFFICE, {"state": 4}).content.decode()
    assert d.code in c.get(OFFICE, {"q": "nguyen van an"}).content.decode()
    assert c.get(OFFICE, {"filter": "overdue"}).status_code == 200


def test_citizens_have_no_office(login_as, submit):
    d = submit()
    c = login_as("p0912000001")
    assert c.get(OFFICE).status_code == 403
    assert c.get(f"{OFFICE}{d.pk}/").status_code == 403


def test_the_counter_files_a_dossier(login_as, procedure):
    c = login_as("motcua.hatrung")
    assert "Đăng ký khai sinh" in c.get(f"{OFFICE}moi/").content.decode()
    assert c.get(f"{OFFICE}moi/", {"thu_tuc": "1.001193"}).status_code == 200
    r = c.post(
        f"{OFFICE}moi/",
        {
            "thu_tuc": "1.001193",
            "f-child_name": "Bình",
            "f-birth_date": "2026-10-01",
            "full_name": "Lê Thị Bình",
            "phone": "0912000002",
        },
    )
    d = Dossier.objects.get()
    assert r.status_code == 302 and r["Location"] == f"{OFFICE}{d.pk}/"
    assert d.state == State.RECEIVED and d.received_by.username == "motcua.hatrung"
    # The specialist may not file at the counter.
    assert login_as("chuyenvien.hatrung").get(f"{OFFICE}moi/").status_code == 403


def test_the_dossier_page_acts_and_audits(login_as, submit, specialist):
    from xaso.audit.models import AuditEvent

    d = submit()
    c = login_as("motcua.hatrung")
    page = c.get(f"{OFFICE}{d.pk}/").content.decode()
    assert "038085001234" in page and "Chuyển xử lý" in page
    assert AuditEvent.objects.filter(action="personal_data.read", object_id=str(d.pk)).exists()
    r = c.post(f"{OFFICE}{d.pk}/", {"action": "start", "assignee": specialist.pk})
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.state == State.PROCESSING and d.assignee == specialist
    # The leader sees the identity number masked.
    assert "038******234" in login_as("chutich.hatrung").get(f"{OFFICE}{d.pk}/").content.decode()
    # An illegal action is refused with a message, nothing changes.
    r = c.post(f"{OFFICE}{d.pk}/", {"action": "receive"}, follow=True)
    assert "Không thể thực hiện" in r.content.decode()


def test_attachment_download_is_audited(login_as, submit):
    from tests.dossiers.conftest import Upload
    from xaso.audit.models import AuditEvent

    d = submit(files=[Upload("a.pdf", PDF)])
    a = d.attachments.get()
    r = login_as("chuyenvien.hatrung").get(f"{OFFICE}{d.pk}/tep/{a.pk}/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    assert AuditEvent.objects.filter(detail__attachment=a.pk).exists()
    assert (
        login_as("motcua.xakhac").get(f"/x/15271/van-phong/ho-so/{d.pk}/tep/{a.pk}/").status_code
        == 403
    )


def test_register_page(login_as, submit):
    d = submit()
    r = login_as("chutich.hatrung").get(f"{OFFICE}so-theo-doi/")
    assert r.status_code == 200 and d.code in r.content.decode()


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_register_downloads(login_as, submit, fmt):
    submit()
    r = login_as("chutich.hatrung").get(f"{OFFICE}so-theo-doi/", {"dinh_dang": fmt})
    assert r.status_code == 200
    assert r.content[:4] in (b"%PDF", b"PK\x03\x04")


def test_receipt_download(login_as, submit, officer):
    d = submit("online")
    c = login_as("p0912000001")
    # Not received yet: no receipt.
    assert c.get(f"/ho-so-cua-toi/{d.pk}/mau-01.pdf").status_code == 404
    services.receive(officer, d)
    r = c.get(f"/ho-so-cua-toi/{d.pk}/mau-01.pdf")
    assert r.status_code == 200 and r.content[:4] == b"%PDF"
    assert login_as("p0912000002").get(f"/ho-so-cua-toi/{d.pk}/mau-01.pdf").status_code == 404
    # The refusal form is not there for a received dossier.
    assert c.get(f"/ho-so-cua-toi/{d.pk}/mau-03.pdf").status_code == 404


def test_the_counter_prefills_from_the_population_registry(login_as, procedure):
    from xaso.audit.models import AuditEvent
    from xaso.population.demo import seed
    from xaso.population.models import Person

    seed(now=timezone.now())
    person = Person.objects.filter(commune__code=15271, full_name="Lê Thị Bình").first() or (
        Person.objects.filter(commune__code=15271).first()
    )
    c = login_as("motcua.hatrung")
    words = person.full_name.split()[-1]
    found = c.get(f"{OFFICE}moi/", {"thu_tuc": "1.001193", "tim": words}).content.decode()
    assert f"nguoi={person.pk}" in found
    page = c.get(f"{OFFICE}moi/", {"thu_tuc": "1.001193", "nguoi": person.pk}).content.decode()
    assert f'value="{person.full_name}"' in page
    assert AuditEvent.objects.filter(
        action="personal_data.read", object_id=str(person.pk), detail__for="dossier"
    ).exists()


def test_an_officer_applies_at_the_counter_not_online(login_as, procedure):
    r = login_as("motcua.hatrung").get(APPLY)
    assert r.status_code == 403 and "Bộ phận một cửa" in r.content.decode()
