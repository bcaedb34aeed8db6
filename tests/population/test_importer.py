"""Spreadsheet imports: a dry run reports every problem; the commit is all or nothing."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.population import conftest
from tests.population.conftest import csv_upload, xlsx_upload
from xaso.core.problems import Problem
from xaso.population import importer
from xaso.population.demo import identity_number
from xaso.population.models import Household, ImportJob, Person

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

GOOD = [
    [
        "A-1",
        "Lê Văn Tài",
        "05/06/1970",
        "Nam",
        "038070123456",
        "Kinh",
        "Chủ hộ",
        "Thôn Chí Phúc",
        "0913111222",
    ],
    ["A-1", "Ngô Thị Mơ", "1972-02-29", "Nữ", "", "Kinh", "Vợ", "Chí Phúc", ""],
    ["A-2", "Đinh Văn Kiên", "01/01/1990", "Nam", "", "Mường", "chủ hộ", "tdp 3", ""],
]


def _admin(official):
    return official("quantri.hatrung")


def _problems(job):
    return [(p["row"], p["column"], p["message"]) for p in job.report]


def test_a_clean_file_passes_the_dry_run_without_writing(registry_a, official, commune_a):
    before = Person.objects.count()
    job = importer.dry_run(_admin(official), commune_a, csv_upload(GOOD))
    assert job.status == ImportJob.Status.DRY_RUN_OK, job.report
    assert job.rows_total == 3 and job.rows_with_errors == 0
    assert Person.objects.count() == before


def test_the_commit_writes_households_heads_and_history(registry_a, official, commune_a):
    job = importer.dry_run(_admin(official), commune_a, csv_upload(GOOD))
    job = importer.commit(_admin(official), job)
    assert job.status == ImportJob.Status.COMMITTED
    assert (job.persons_created, job.households_created) == (3, 2)
    household = Household.objects.get(commune=commune_a, number="A-1")
    assert household.head.full_name == "Lê Văn Tài"
    assert household.members.count() == 2
    assert household.village.name == "Chí Phúc"
    tai = Person.objects.get(identity_number="038070123456")
    assert tai.full_name_folded == "le van tai" and tai.phone == "0913111222"
    assert tai.changes.get().event == "import"
    assert Person.objects.get(full_name="Đinh Văn Kiên").ethnicity == "Mường"
    with pytest.raises(Problem) as again:
        importer.commit(_admin(official), job)
    assert again.value.status == 409


def test_every_problem_is_reported_in_vietnamese_with_row_and_column(
    registry_a, official, commune_a
):
    rows = [
        ["B-1", "Trần Văn Một", "31/02/1980", "Nam", "", "", "Chủ hộ", "Chí Phúc", ""],
        ["B-1", "Trần Văn Hai", "01/01/1981", "Nam", "038181000001", "", "Con", "Chí Phúc", ""],
        ["B-2", "Lý Thị Ba", "01/01/1985", "Nữ", "12345", "", "Chủ hộ", "Thôn Không Có", ""],
        ["B-3", "Phan Văn Bốn", "01/01/1975", "Nam", "038075000001", "", "Con", "Chí Phúc", ""],
        ["B-4", "Hồ Văn Năm", "01/01/1975", "Nam", "038075000001", "", "Chủ hộ", "Chí Phúc", ""],
        ["B-5", "Nguyễn Văn An", "12/03/1985", "Nam", "", "", "Chủ hộ", "Chí Phúc", ""],
    ]
    job = importer.dry_run(_admin(official), commune_a, csv_upload(rows))
    assert job.status == ImportJob.Status.HAS_ERRORS
    problems = _problems(job)
    messages = " | ".join(p[2] for p in problems)
    assert (2, "Ngày sinh", "Ngày “31/02/1980” không có thật.") in problems
    assert any(p[0] == 3 and p[1] == "Số định danh" and "giới tính" in p[2] for p in problems)
    assert any(p[0] == 4 and "12 chữ số" in p[2] for p in problems)
    assert any(p[0] == 4 and "Thôn Không Có" in p[2] for p in problems)
    assert any(p[0] == 6 and "Trùng số định danh với dòng 5" in p[2] for p in problems)
    assert any(p[0] == 5 and "không có chủ hộ" in p[2] for p in problems)
    assert any(p[0] == 7 and "trong sổ" in p[2] for p in problems)  # Nguyễn Văn An exists
    assert "Traceback" not in messages


def test_an_identity_number_already_in_the_registry_is_a_duplicate(registry_a, official, commune_a):
    rows = [
        ["C-1", "Nguyễn Văn An", "12/03/1985", "Nam", "038085001234", "", "Chủ hộ", "Đông Sơn", ""]
    ]
    job = importer.dry_run(_admin(official), commune_a, csv_upload(rows))
    assert any("đã có trong sổ dân cư" in p[2] for p in _problems(job))


def test_a_file_with_errors_cannot_be_committed(registry_a, official, commune_a):
    rows = [["D-1", "Ai Đó", "99/99/1999", "Nam", "", "", "Chủ hộ", "Chí Phúc", ""]]
    job = importer.dry_run(_admin(official), commune_a, csv_upload(rows))
    with pytest.raises(Problem) as refused:
        importer.commit(_admin(official), job)
    assert refused.value.code == "import-not-ready"


def test_a_cp1258_csv_from_excel_on_windows_is_read(registry_a, official, commune_a):
    rows = [["E-1", "Lê Văn Tài", "05/06/1970", "Nam", "", "Kinh", "Chủ hộ", "Chí Phúc", ""]]
    job = importer.dry_run(_admin(official), commune_a, csv_upload(rows, encoding="cp1258"))
    assert job.status == ImportJob.Status.DRY_RUN_OK, job.report
    importer.commit(_admin(official), job)
    assert Person.objects.filter(full_name="Lê Văn Tài").exists()  # composed again (NFC)


def test_headers_match_without_accents_and_after_a_title_row(registry_a, official, commune_a):
    header = [
        "so ho",
        "HO VA TEN",
        "ngay sinh",
        "gioi tinh",
        "CCCD",
        "dan toc",
        "quan he voi chu ho",
        "thon",
    ]
    rows = [["F-1", "Lê Văn Tài", "05/06/1970", "Nam", 38070123456, "Kinh", "Chủ hộ", "Chí Phúc"]]
    job = importer.dry_run(
        _admin(official),
        commune_a,
        xlsx_upload(rows, header=header, title="DANH SÁCH NHÂN KHẨU THÔN CHÍ PHÚC"),
    )
    assert job.status == ImportJob.Status.DRY_RUN_OK, job.report
    importer.commit(_admin(official), job)
    # The number cell lost its leading zero; it is restored.
    assert Person.objects.filter(identity_number="038070123456").exists()


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"PK\x03\x04 this is not a workbook", "dan-cu.xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old excel", "dan-cu.xls"),
        (b"", "trong.csv"),
        (b"a,b,c\n1,2,3\n", "khong-tieu-de.csv"),
    ],
)
def test_a_broken_file_is_a_clear_error_and_writes_nothing(
    registry_a, official, commune_a, content, name
):
    before = Person.objects.count()
    job = importer.dry_run(_admin(official), commune_a, SimpleUploadedFile(name, content))
    assert job.status == ImportJob.Status.BROKEN
    assert job.error and "Traceback" not in job.error
    assert Person.objects.count() == before


def test_a_truncated_xlsx_is_a_clear_error(registry_a, official, commune_a):
    whole = xlsx_upload(GOOD).read()
    job = importer.dry_run(
        _admin(official), commune_a, SimpleUploadedFile("cat.xlsx", whole[: len(whole) // 2])
    )
    assert job.status == ImportJob.Status.BROKEN
    assert "Excel" in job.error


def test_missing_required_columns_are_named(registry_a, official, commune_a):
    job = importer.dry_run(
        _admin(official),
        commune_a,
        csv_upload([["x", "y", "z"]], header=["Họ và tên", "Ngày sinh", "Giới tính"]),
    )
    assert job.status == ImportJob.Status.BROKEN
    assert "Số hộ" in job.error and "Thôn/Tổ dân phố" in job.error


def _big_rows(n: int, bad_at: set[int]):
    villages = ["Chí Phúc", "Đông Sơn", "Yên Lược", "Tổ dân phố 3"]
    import datetime as dt

    for i in range(n):
        household = f"G-{i // 4}"
        rel = "Chủ hộ" if i % 4 == 0 else "Con"
        born = dt.date(1950 + i % 60, 1 + i % 12, 1 + i % 28)
        sex = "Nam" if i % 2 == 0 else "Nữ"
        number = identity_number(born, "M" if i % 2 == 0 else "F", 100_000 + i)
        date_text = born.strftime("%d/%m/%Y")
        if i in bad_at:
            date_text = "30/02/1990"
        yield [
            household,
            f"Người Thử {i}",
            date_text,
            sex,
            number,
            "Kinh",
            rel,
            villages[(i // 4) % 4],
            "",
        ]


def test_ten_thousand_rows_with_errors_in_the_middle_commit_nothing(
    registry_a, official, commune_a
):
    rows = list(_big_rows(10_000, {5_001, 5_002, 7_777}))
    before = Person.objects.count()
    job = importer.dry_run(_admin(official), commune_a, xlsx_upload(rows))
    assert job.status == ImportJob.Status.HAS_ERRORS
    assert job.rows_total == 10_000 and job.rows_with_errors == 3
    assert [p["row"] for p in job.report] == [5_003, 5_004, 7_779]
    assert all("không có thật" in p["message"] for p in job.report)
    assert Person.objects.count() == before


def test_a_commit_that_meets_new_problems_rolls_everything_back(registry_a, official, commune_a):
    rows = list(_big_rows(10_000, set()))
    job = importer.dry_run(_admin(official), commune_a, csv_upload(rows))
    assert job.status == ImportJob.Status.DRY_RUN_OK, job.report[:3]
    # Between the dry run and the commit someone registers row 9,000's person by hand.
    clash = rows[9_000]
    Person.objects.create(
        commune=commune_a,
        full_name="Người khác",
        date_of_birth="1990-01-01",
        sex="M" if clash[3] == "Nam" else "F",
        identity_number=clash[4],
    )
    before = Person.objects.count()
    job = importer.commit(_admin(official), job)
    assert job.status == ImportJob.Status.HAS_ERRORS
    assert Person.objects.count() == before
    assert not Household.objects.filter(number="G-0").exists()
    assert any(p["row"] == 9_002 for p in job.report)


def test_export_masks_identity_numbers_unless_asked_and_allowed(registry_a, official, commune_a):
    rows = list(importer.export_rows(_admin(official), commune_a))
    assert rows[0][0] == "Số hộ" and len(rows) == 30
    an = next(r for r in rows if r[1] == "Nguyễn Văn An")
    assert an[4] == "038******234" and an[8] == "091****001"
    full = list(importer.export_rows(_admin(official), commune_a, full_ids=True))
    assert next(r for r in full if r[1] == "Nguyễn Văn An")[4] == "038085001234"


def test_an_export_reimports_into_another_commune_shape(registry_a, official, commune_a):
    rows = list(importer.export_rows(_admin(official), commune_a, full_ids=True))
    out = io.StringIO()
    import csv

    csv.writer(out).writerows(rows)
    upload = SimpleUploadedFile("xuat.csv", out.getvalue().encode())
    job = importer.dry_run(_admin(official), commune_a, upload)
    # Everyone is already in the registry: each row is reported as a duplicate.
    assert job.rows_total == 29 and job.rows_with_errors == 29


def test_addresses_written_with_old_commune_names_resolve_with_a_note(
    registry_a, official, commune_a
):
    """Xã Hà Trung (commune A) was made of Thị trấn Hà Trung, Xã Hà Ngọc, Xã Yến Sơn, Xã
    Hà Đông and part of Xã Hà Bình (whose main successor is Xã Hoạt Giang)."""
    header = [*conftest.HEADER, "Địa chỉ"]
    place = "huyện Hà Trung, tỉnh Thanh Hóa"
    rows = [
        ["C-1", "Lê Văn Một", "01/01/1970", "Nam", "", "", "Chủ hộ", "Chí Phúc", ""],
        ["C-2", "Lê Văn Hai", "01/01/1971", "Nam", "", "", "Chủ hộ", "Chí Phúc", ""],
        ["C-3", "Lê Văn Ba", "01/01/1972", "Nam", "", "", "Chủ hộ", "Chí Phúc", ""],
        ["C-4", "Lê Văn Bốn", "01/01/1973", "Nam", "", "", "Chủ hộ", "Chí Phúc", ""],
        ["C-5", "Lê Văn Năm", "01/01/1974", "Nam", "", "", "Chủ hộ", "Chí Phúc", ""],
        ["C-6", "Lê Văn Sáu", "01/01/1975", "Nam", "", "", "Chủ hộ", "Chí Phúc", ""],
    ]
    addresses = [
        f"Số 3, Thôn Chí Phúc, Thị trấn Hà Trung, {place}",
        "thon chi phuc, xa ha ngoc, h. ha trung, thanh hoa",  # no accents, abbreviated
        f"Thôn Chí Phúc, xã Hà Ngọc, {place}",  # the same old commune: one note, two rows
        f"xã Hà Bình, {place}",  # split: the main successor is Xã Hoạt Giang
        f"xã Hà Sơn, {place}",  # today's Xã Tống Sơn, not this commune
        "Thôn Chí Phúc, xã Hà Trung, tỉnh Thanh Hóa",  # today's name: nothing to note
    ]
    rows = [[*r, a] for r, a in zip(rows, addresses, strict=True)]
    job = importer.dry_run(_admin(official), commune_a, csv_upload(rows, header=header))
    assert job.status == ImportJob.Status.DRY_RUN_OK, job.report  # notes are not errors
    notes = [(n["row"], n["rows"], n["column"], n["message"]) for n in job.notes]
    assert notes == [
        (
            2,
            1,
            "Địa chỉ",
            "Địa chỉ ghi tên trước 7/2025 “Thị trấn Hà Trung, huyện Hà Trung, tỉnh Thanh "
            "Hóa”: nay là Xã Hà Trung.",
        ),
        (
            3,
            2,
            "Địa chỉ",
            "Địa chỉ ghi tên trước 7/2025 “Xã Hà Ngọc, huyện Hà Trung, tỉnh Thanh Hóa”: "
            "nay là Xã Hà Trung.",
        ),
        (
            5,
            1,
            "Địa chỉ",
            "Địa chỉ ghi tên trước 7/2025 “Xã Hà Bình, huyện Hà Trung, tỉnh Thanh Hóa”: đơn "
            "vị này đã chia cho nhiều xã; xã kế thừa chính là Xã Hoạt Giang, Thanh Hóa, "
            "xã này nhận một phần.",
        ),
        (
            6,
            1,
            "Địa chỉ",
            "Địa chỉ ghi tên trước 7/2025 “Xã Hà Sơn, huyện Hà Trung, tỉnh Thanh Hóa”: nay là "
            "Xã Tống Sơn, Thanh Hóa, không phải xã này.",
        ),
    ]
    job = importer.commit(_admin(official), job)
    assert job.status == ImportJob.Status.COMMITTED and len(job.notes) == 4
    # The address is kept as written: nothing the official typed is lost.
    assert Household.objects.get(commune=commune_a, number="C-2").address == addresses[1]


def test_the_import_check_page_and_api_show_the_notes(registry_a, official, commune_a, client):
    header = [*conftest.HEADER, "Địa chỉ"]
    rows = [
        [
            "D-1",
            "Lê Văn Một",
            "01/01/1970",
            "Nam",
            "",
            "",
            "Chủ hộ",
            "Chí Phúc",
            "",
            "xã Yến Sơn, huyện Hà Trung",
        ]
    ]
    admin = _admin(official)
    job = importer.dry_run(admin, commune_a, csv_upload(rows, header=header))
    client.force_login(admin)
    page = client.get(f"/x/15271/van-phong/dan-cu/nhap-tep/{job.pk}/").content.decode()
    assert "Xã Yến Sơn, huyện Hà Trung, tỉnh Thanh Hóa" in page and "nay là Xã Hà Trung" in page
    body = client.get(f"/api/v1/communes/15271/imports/{job.pk}").json()
    assert body["notes"][0]["rows"] == 1 and "Xã Yến Sơn" in body["notes"][0]["message"]
