"""The string rule (core.text) on every way into the population registry, and exports
that survive what was stored before it."""

from __future__ import annotations

import pytest

from tests.population.conftest import csv_upload
from xaso.population import importer
from xaso.population.models import ImportJob, Person

BASE = "/api/v1/communes/15271"
OFFICE = "/x/15271/van-phong/dan-cu/"


def test_the_spreadsheet_import_names_row_and_column(registry_a, official, commune_a):
    rows = [
        ["E-1", "Lê\x18Văn Tài", "05/06/1970", "Nam", "", "Kinh", "Chủ hộ", "Chí Phúc", ""],
        ["E-2", "Lê Thị Hoa", "05/06/1971", "Nữ", "", "Kinh", "Chủ hộ", "Chí\x00Phúc", ""],
    ]
    job = importer.dry_run(official("quantri.hatrung"), commune_a, csv_upload(rows))
    assert job.status == ImportJob.Status.HAS_ERRORS
    found = {(p["row"], p["column"]) for p in job.report if "U+00" in p["message"]}
    assert found == {(2, "Họ và tên"), (3, "Thôn/Tổ dân phố")}
    assert not Person.objects.filter(full_name__in=["Lê\x18Văn Tài", "Lê Thị Hoa"]).exists()


def test_the_api_refuses_with_a_422_naming_the_field(client, bearer, person_a):
    r = client.post(
        f"{BASE}/births",
        {
            "household_id": person_a.household_id,
            "full_name": "Nguyễn\x1fBé Na",
            "date_of_birth": "2026-01-05",
            "sex": "F",
        },
        content_type="application/json",
        **bearer("motcua.hatrung"),
    )
    assert r.status_code == 422, r.content
    assert r.json()["errors"][0]["field"] == "full_name"
    assert not Person.objects.filter(full_name__startswith="Nguyễn\x1f").exists()


def test_an_office_form_refuses_with_a_400_naming_the_field(login_as, registry_a):
    r = login_as("quantri.hatrung").post(f"{OFFICE}thon/", {"name": "Thôn\x02Mới"})
    assert r.status_code == 400 and "name" in r.content.decode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_survives_what_is_stored(login_as, person_a, fmt):
    Person.objects.filter(pk=person_a.pk).update(full_name="Nguyễn\x18Văn An")
    r = login_as("quantri.hatrung").get(f"{OFFICE}xuat-tep/", {"format": fmt})
    content = b"".join(r.streaming_content)
    assert r.status_code == 200
    if fmt == "csv":
        assert "Nguyễn\ufffdVăn An" in content.decode()
    else:
        assert content[:2] == b"PK"
