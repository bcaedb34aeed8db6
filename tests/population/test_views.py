"""Office pages of the registry, the citizen's page, and prefill from the registry."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.population.conftest import csv_upload
from xaso.audit.models import AuditEvent
from xaso.population import selectors
from xaso.population.models import ImportJob, Person

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
OFFICE = "/x/15271/van-phong/dan-cu/"


def test_the_search_page_finds_an_unaccented_name(login_as, registry_a):
    c = login_as("chuyenvien.hatrung")
    r = c.get(OFFICE, {"q": "le thi binh"})
    text = r.content.decode()
    assert r.status_code == 200 and "Lê Thị Bình" in text
    assert "038******321" in text and "038192004321" not in text
    partial = c.get(OFFICE, {"q": "le thi binh"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Lê Thị Bình" in partial and "<html" not in partial


def test_the_person_page_shows_history_and_is_audited(login_as, person_a):
    r = login_as("motcua.hatrung").get(f"{OFFICE}nhan-khau/{person_a.pk}/")
    text = r.content.decode()
    assert r.status_code == 200 and "038085001234" in text and "Lịch sử thay đổi" in text
    assert AuditEvent.objects.filter(
        action="personal_data.read", object_id=str(person_a.pk), actor_label="motcua.hatrung"
    ).exists()


def test_the_officer_records_a_move_out_from_the_person_page(login_as, registry_a):
    person = Person.objects.get(full_name="Trịnh Thị Hoài")
    c = login_as("motcua.hatrung")
    r = c.post(
        f"{OFFICE}nhan-khau/{person.pk}/",
        {"action": "move_out", "move-date": "2026-03-01", "move-destination": "Thanh Hóa"},
    )
    assert r.status_code == 302
    person.refresh_from_db()
    assert person.moved_out_on == dt.date(2026, 3, 1)


def test_a_specialist_cannot_post_life_events(login_as, person_a):
    r = login_as("chuyenvien.hatrung").post(
        f"{OFFICE}nhan-khau/{person_a.pk}/",
        {"action": "death", "death-date_of_death": "2026-01-01"},
    )
    assert r.status_code == 403


def test_household_and_villages_pages(login_as, person_a):
    c = login_as("chutich.hatrung")
    r = c.get(f"{OFFICE}ho/{person_a.household_id}/")
    assert r.status_code == 200 and "Phạm Thị Hằng" in r.content.decode()
    r = c.get(f"{OFFICE}thon/")
    assert r.status_code == 200 and "Yên Lược" in r.content.decode()


def test_the_import_pages_report_rows_then_commit(login_as, registry_a):
    c = login_as("quantri.hatrung")
    assert c.get(f"{OFFICE}nhap-tep/").status_code == 200
    bad = csv_upload([["Q-1", "Lê Văn Q", "01/13/1990", "Nam", "", "", "Chủ hộ", "Xóm Lạ", ""]])
    r = c.post(f"{OFFICE}nhap-tep/", {"file": bad})
    assert r.status_code == 302
    report = c.get(r["Location"]).content.decode()
    assert "Xóm Lạ" in report and "không có thật" in report and "Ghi vào sổ" not in report
    good = csv_upload([["Q-1", "Lê Văn Q", "01/12/1990", "Nam", "", "", "Chủ hộ", "Yên Lược", ""]])
    r = c.post(f"{OFFICE}nhap-tep/", {"file": good})
    assert "Ghi vào sổ" in c.get(r["Location"]).content.decode()
    r = c.post(r["Location"])
    assert ImportJob.objects.latest("id").status == "committed"
    assert Person.objects.filter(full_name="Lê Văn Q").exists()


def test_only_the_commune_admin_reaches_import_and_export(login_as, registry_a):
    c = login_as("motcua.hatrung")
    assert c.get(f"{OFFICE}nhap-tep/").status_code == 403
    assert c.get(f"{OFFICE}xuat-tep/").status_code == 403


def test_export_csv_and_xlsx(login_as, registry_a):
    c = login_as("quantri.hatrung")
    r = c.get(f"{OFFICE}xuat-tep/")
    text = b"".join(r.streaming_content).decode()
    assert "Nguyễn Văn An" in text and "038******234" in text
    r = c.get(f"{OFFICE}xuat-tep/", {"format": "xlsx", "full": "1"})
    assert r.status_code == 200 and b"".join(r.streaming_content)[:2] == b"PK"
    assert AuditEvent.objects.filter(action="population.export").count() == 2


def test_the_citizen_page_shows_own_record_and_household(login_as, registry_a):
    r = login_as("p0912000004").get("/tai-khoan/ho-gia-dinh/")
    text = r.content.decode()
    assert "Hà Thị Dung" in text and "Bùi Gia Bảo" in text and "038168002468" in text
    assert "Hộ gia đình của tôi" in login_as("p0912000004").get("/tai-khoan/").content.decode()


def test_prefill_returns_the_declared_fields(person_a):
    data = selectors.prefill(person_a, ["full_name", "village", "household_head", "sex"])
    assert data == {
        "full_name": "Nguyễn Văn An",
        "village": "Chí Phúc",
        "household_head": "Nguyễn Văn An",
        "sex": "M",
    }
    with pytest.raises(KeyError):
        selectors.prefill(person_a, ["blood_type"])


def test_the_citizen_profile_form_prefills_from_the_registry(client, registry_a):
    from xaso.accounts.models import CitizenProfile, User

    user = User.objects.get(phone="0912000003")
    CitizenProfile.objects.filter(user=user).delete()  # a new citizen, linked by the registry
    client.force_login(user)
    form = client.get("/tai-khoan/ho-so/").context["form"]
    assert form.initial["full_name"] == "Trịnh Văn Cường"
    assert form.initial["identity_number"] == "038201007788"
    assert form.initial["commune_code"] == "15271"
    assert form.initial["date_of_birth"] == dt.date(2001, 11, 20)


def test_possible_duplicates_by_name_birth_date_and_village(registry_a, commune_a):
    an = Person.objects.get(full_name="Nguyễn Văn An")
    twin = Person.objects.create(
        commune=commune_a,
        full_name="Nguyen Van An",
        date_of_birth=an.date_of_birth,
        sex="M",
        household=Person.objects.get(full_name="Nguyễn Văn Hải").household,
    )
    assert list(selectors.possible_duplicates(an)) == [twin]
    assert len(selectors.duplicate_groups(commune_a)) == 1


def test_the_office_dashboard_counts_the_population(login_as, registry_a):
    r = login_as("chutich.hatrung").get("/x/15271/van-phong/")
    assert "Nhân khẩu" in r.content.decode()
