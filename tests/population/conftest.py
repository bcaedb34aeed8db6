"""Population fixtures: the demo registry of Xã Hà Trung, loaded through the importer."""

from __future__ import annotations

import csv
import io
import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone


@pytest.fixture
def registry_a(demo):
    """Villages, 8 households and 29 persons in commune A (the demo seeder)."""
    from xaso.population.demo import seed

    return seed(now=timezone.now())


@pytest.fixture
def person_a(registry_a):
    from xaso.population.models import Person

    return Person.objects.get(identity_number="038085001234")  # Nguyễn Văn An, head of HT-001


@pytest.fixture
def official():
    from xaso.accounts.models import User

    return lambda username: User.objects.get(username=username)


HEADER = [
    "Số hộ",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số định danh",
    "Dân tộc",
    "Quan hệ với chủ hộ",
    "Thôn/Tổ dân phố",
    "Số điện thoại",
]


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def cp1258(text: str) -> bytes:
    """Encode as Excel on a Vietnamese Windows does: base letters, then tone marks."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
            out += (base + "".join(c for c in parts if c in _TONES)).encode("cp1258")
    return bytes(out)


def csv_upload(rows, *, name="dan-cu.csv", encoding="utf-8-sig", header=HEADER):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    text = out.getvalue()
    data = cp1258(text) if encoding == "cp1258" else text.encode(encoding)
    return SimpleUploadedFile(name, data, content_type="text/csv")


def xlsx_upload(rows, *, name="dan-cu.xlsx", header=HEADER, title=None):
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Dân cư")
    if title:
        sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())
