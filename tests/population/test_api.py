"""The population API: masking per role, audit of every read, public statistics."""

from __future__ import annotations

import json

import pytest

from tests.population.conftest import csv_upload
from xaso.audit.models import AuditEvent
from xaso.population.models import Household, Person

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
BASE = "/api/v1/communes/15271"


def test_search_finds_a_person_by_an_unaccented_name(client, bearer, registry_a):
    r = client.get(f"{BASE}/persons", {"q": "nguyen van an"}, **bearer("motcua.hatrung"))
    assert r.status_code == 200
    names = [p["full_name"] for p in r.json()["items"]]
    assert names == ["Nguyễn Văn An"]


def test_search_matches_word_starts_only(client, bearer, registry_a):
    r = client.get(f"{BASE}/persons", {"q": "an"}, **bearer("motcua.hatrung"))
    names = {p["full_name"] for p in r.json()["items"]}
    assert "Nguyễn Văn An" in names and "Nguyễn Thị Lan Anh" in names
    assert "Trần Văn Sơn" not in names  # "an" is inside "Tr-an", not at a word start


def test_search_by_identity_number_phone_and_household(client, bearer, registry_a):
    h = bearer("motcua.hatrung")
    assert client.get(f"{BASE}/persons", {"q": "038085001234"}, **h).json()["count"] == 1
    assert (
        client.get(f"{BASE}/persons", {"q": "+84 912 000 002"}, **h).json()["items"][0]["full_name"]
        == "Lê Thị Bình"
    )
    assert client.get(f"{BASE}/persons", {"household": "HT-005"}, **h).json()["count"] == 5


def test_last_digits_search_is_only_for_roles_that_see_identity_numbers(client, bearer, registry_a):
    r = client.get(f"{BASE}/persons", {"q": "1234"}, **bearer("motcua.hatrung"))
    assert [p["full_name"] for p in r.json()["items"]] == ["Nguyễn Văn An"]
    r = client.get(f"{BASE}/persons", {"q": "1234"}, **bearer("chuyenvien.hatrung"))
    assert r.json()["count"] == 0


def test_identity_numbers_are_masked_for_a_specialist_and_full_for_the_one_stop_officer(
    client, bearer, person_a
):
    url = f"{BASE}/persons/{person_a.pk}"
    masked = client.get(url, **bearer("chuyenvien.hatrung")).json()
    assert masked["identity_number"] == "038******234" and masked["identity_number_masked"]
    assert masked["phone"] == "091****001"
    full = client.get(url, **bearer("motcua.hatrung")).json()
    assert full["identity_number"] == "038085001234" and full["phone"] == "0912000001"
    assert "038085001234" not in json.dumps(
        client.get(f"{BASE}/persons", {"q": "an"}, **bearer("chutich.hatrung")).json()
    )


def test_history_values_are_masked_too(client, bearer, person_a):
    from xaso.accounts.models import User
    from xaso.population.services import update_person

    update_person(User.objects.get(username="quantri.hatrung"), person_a, phone="0912999888")
    history = client.get(f"{BASE}/persons/{person_a.pk}", **bearer("chutich.hatrung")).json()[
        "history"
    ]
    phone = next(c for c in history if c["field"] == "phone")
    assert phone["old_value"] == "091****001" and phone["new_value"] == "091****888"


def test_every_view_of_a_person_is_audited(client, bearer, person_a):
    for _ in range(2):
        client.get(f"{BASE}/persons/{person_a.pk}", **bearer("chutich.hatrung"))
    reads = AuditEvent.objects.filter(
        action="personal_data.read", object_type="population.person", object_id=str(person_a.pk)
    )
    assert reads.count() == 2 and reads.first().actor_label == "chutich.hatrung"
    client.get(f"{BASE}/persons", {"q": "an"}, **bearer("chutich.hatrung"))
    assert AuditEvent.objects.filter(
        action="population.persons.search", personal_data=True
    ).exists()


def test_a_clerk_cannot_open_the_registry(client, bearer, person_a):
    assert (
        client.get(f"{BASE}/persons/{person_a.pk}", **bearer("vanthu.hatrung")).status_code == 403
    )


def test_the_province_reads_statistics_but_not_persons(client, bearer, person_a):
    h = bearer("cds.thanhhoa")
    assert client.get(f"{BASE}/persons", **h).status_code == 403
    assert client.get(f"{BASE}/population-stats", **h).status_code == 200


def test_statistics_are_aggregated_without_personal_data(client, registry_a):
    r = client.get(f"{BASE}/population-stats")
    assert r.status_code == 200
    body = r.json()
    assert body["population"] == 29 and body["households"] == 8
    chi_phuc = next(v for v in body["villages"] if v["village"] == "Chí Phúc")
    assert chi_phuc["households"] == 2 and chi_phuc["population"] == 9
    groups = {g["group"]: g for g in chi_phuc["age_groups"]}
    assert set(groups) == {"0-5", "6-14", "15-17", "18-59", "60+"}
    assert sum(g["male"] + g["female"] for g in groups.values()) == 9
    text = r.content.decode()
    for secret in ("Nguyễn", "038085001234", "0912000001", "HT-001"):
        assert secret not in text


def test_life_events_through_the_api(client, bearer, person_a):
    h = bearer("motcua.hatrung")
    household = person_a.household
    r = client.post(
        f"{BASE}/births",
        {
            "household_id": household.pk,
            "full_name": "Nguyễn Bé Na",
            "date_of_birth": "2026-01-05",
            "sex": "F",
        },
        content_type="application/json",
        **h,
    )
    assert r.status_code == 201, r.content
    baby = r.json()
    r = client.post(
        f"{BASE}/persons/{baby['id']}/move-out",
        {"destination": "Hà Nội"},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 200 and r.json()["moved_out_on"]
    r = client.post(
        f"{BASE}/persons/{person_a.pk}/death",
        {"date_of_death": "2030-01-01"},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 422
    assert r["Content-Type"] == "application/problem+json"
    r = client.patch(
        f"{BASE}/persons/{person_a.pk}",
        {"email": "an@example.vn"},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 200 and r.json()["email"] == "an@example.vn"


def test_a_specialist_cannot_write(client, bearer, person_a):
    r = client.patch(
        f"{BASE}/persons/{person_a.pk}",
        {"email": "x@example.vn"},
        content_type="application/json",
        **bearer("chuyenvien.hatrung"),
    )
    assert r.status_code == 403


def test_household_split_and_merge_through_the_api(client, bearer, registry_a, commune_a):
    h = bearer("motcua.hatrung")
    hh = Household.objects.get(commune=commune_a, number="HT-006")
    son = Person.objects.get(full_name="Trần Quốc Huy")
    r = client.post(
        f"{BASE}/households/{hh.pk}/split",
        {"member_ids": [son.pk], "head_id": son.pk, "new_number": "HT-006B"},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 201, r.content
    new_id = r.json()["id"]
    r = client.post(
        f"{BASE}/households/{new_id}/merge",
        {"into_household_id": hh.pk},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 200 and len(r.json()["members"]) == 4


def test_import_upload_report_and_commit_through_the_api(client, bearer, registry_a):
    h = bearer("quantri.hatrung")
    bad = csv_upload([["Z-1", "Lê Văn Tài", "32/01/1970", "Nam", "", "", "Chủ hộ", "Chí Phúc", ""]])
    r = client.post(f"{BASE}/imports", {"file": bad}, **h)
    assert r.status_code == 201
    body = r.json()
    assert body["status"] == "has_errors"
    assert body["problems"][0] == {
        "row": 2,
        "column": "Ngày sinh",
        "message": "Ngày “32/01/1970” không có thật.",
    }
    assert client.post(f"{BASE}/imports/{body['id']}/commit", **h).status_code == 409
    good = csv_upload(
        [["Z-1", "Lê Văn Tài", "30/01/1970", "Nam", "", "", "Chủ hộ", "Chí Phúc", ""]]
    )
    job = client.post(f"{BASE}/imports", {"file": good}, **h).json()
    assert job["status"] == "dry_run_ok"
    r = client.post(f"{BASE}/imports/{job['id']}/commit", **h)
    assert r.json()["status"] == "committed" and r.json()["persons_created"] == 1
    assert client.get(f"{BASE}/imports/{job['id']}", **h).json()["status"] == "committed"


def test_only_the_commune_admin_imports(client, bearer, registry_a):
    r = client.post(f"{BASE}/imports", {"file": csv_upload([])}, **bearer("motcua.hatrung"))
    assert r.status_code == 403


def test_a_citizen_sees_their_household_and_who_read_their_record(
    client, bearer, person_a, login_as
):
    client.get(f"{BASE}/persons/{person_a.pk}", **bearer("chutich.hatrung"))
    citizen = login_as("p0912000001")
    r = citizen.get("/api/v1/me/household")
    assert r.status_code == 200
    body = r.json()
    assert body["person"]["identity_number"] == "038085001234"
    assert {m["full_name"] for m in body["household"]["members"]} >= {"Phạm Thị Hằng"}
    wife = next(m for m in body["household"]["members"] if m["full_name"] == "Phạm Thị Hằng")
    assert wife["identity_number_masked"]
    assert [a["who"] for a in body["accesses"]] == ["chutich.hatrung"]
    page = citizen.get("/tai-khoan/ho-gia-dinh/")
    assert page.status_code == 200 and "chutich.hatrung" in page.content.decode()
    assert citizen.get(f"{BASE}/persons/{person_a.pk}").status_code == 403


@pytest.mark.parametrize("name", ["...", "../../etc/passwd", "tệp dân cư.xlsx", "a\\b.csv"])
def test_odd_file_names_are_stored_safely(client, bearer, registry_a, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name, b"not a spreadsheet at all")
    r = client.post(f"{BASE}/imports", {"file": upload}, **bearer("quantri.hatrung"))
    assert r.status_code == 201, r.content
    assert "/" not in r.json()["filename"] and r.json()["status"] == "broken"
