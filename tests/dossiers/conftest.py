"""Dossier fixtures: a procedure with a four-step workflow, files, submissions made
through the services."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image

from tests.conftest import user
from xaso.workdays.calendar import VN

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

SCHEMA = {
    "fields": [
        {
            "key": "child_name",
            "label": "Họ và tên người được khai sinh",
            "type": "text",
            "required": True,
        },
        {"key": "birth_date", "label": "Ngày sinh", "type": "date", "required": True},
        {"key": "note", "label": "Ghi chú", "type": "textarea", "required": False},
    ]
}
FORM = {"child_name": "Nguyễn Văn Bình", "birth_date": "2026-10-01"}
STEPS = [
    {"name": "Tiếp nhận hồ sơ", "role": "one_stop_officer", "days": 0.5},
    {"name": "Thẩm định", "role": "specialist", "days": 1},
    {"name": "Phê duyệt", "role": "leader", "days": 1},
    {"name": "Trả kết quả", "role": "one_stop_officer", "days": 0.5},
]


def vn(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_procedure(commune, code="1.001193", *, deadline=3, online="toan_trinh", steps=STEPS):
    from xaso.procedures.models import Procedure

    return Procedure.objects.create(
        commune=commune,
        code=code,
        name="Đăng ký khai sinh",
        field="Hộ tịch",
        deadline_days=deadline,
        fee=0,
        documents=[{"name": "Giấy chứng sinh", "copies": 1, "original": True, "required": True}],
        form_schema=SCHEMA,
        online_level=online,
        online_reason="" if online == "toan_trinh" else "Cần đối chiếu bản chính",
        steps=steps,
        result="Giấy khai sinh",
    )


@pytest.fixture
def procedure(commune_a):
    return make_procedure(commune_a)


@pytest.fixture
def procedure_b(commune_b):
    return make_procedure(commune_b)


@pytest.fixture
def officer(demo):
    return user("motcua.hatrung")


@pytest.fixture
def specialist(demo):
    return user("chuyenvien.hatrung")


@pytest.fixture
def leader(demo):
    return user("chutich.hatrung")


@pytest.fixture
def citizen(demo):
    from xaso.accounts.models import User

    return User.objects.get(phone="0912000001")


@pytest.fixture
def other_citizen(demo):
    from xaso.accounts.models import User

    return User.objects.get(phone="0912000002")


APPLICANT = {
    "full_name": "Nguyễn Văn An",
    "id_number": "038085001234",
    "phone": "0912000001",
    "address": "Thôn Chí Phúc",
    "email": "an@example.vn",
}


class Upload:
    def __init__(self, name: str, data: bytes):
        self.name, self.size, self._io = name, len(data), io.BytesIO(data)

    def seek(self, pos):
        self._io.seek(pos)

    def read(self, n=-1):
        return self._io.read(n)


def png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def submit(commune_a, procedure, officer, citizen):
    """submit(channel="counter", now=None, files=()) → a dossier of commune A."""
    from xaso.dossiers import services

    def _submit(channel="counter", *, now=None, files=(), actor=None, applicant=None):
        actor = actor or (officer if channel == "counter" else citizen)
        return services.submit_dossier(
            actor,
            commune_a,
            procedure_code=procedure.code,
            channel=channel,
            applicant=applicant or APPLICANT,
            form=FORM,
            files=list(files),
            now=now,
        )

    return _submit
