"""Feedback fixtures: categories made through the services, photos made with Pillow."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.conftest import user


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def category(commune_a):
    from xaso.feedback.services import save_category

    return save_category(
        user("quantri.hatrung"),
        commune_a,
        code="duong-giao-thong",
        name="Đường giao thông",
        resolution_working_days=5,
        attributes=[
            {
                "code": "muc-do",
                "datatype": "singlevaluelist",
                "required": True,
                "description": "Mức độ",
                "values": [{"key": "thap", "name": "Thấp"}, {"key": "cao", "name": "Cao"}],
            }
        ],
    )


@pytest.fixture
def other_category(commune_b):
    from xaso.feedback.services import save_category

    return save_category(user("quantri.xakhac"), commune_b, code="moi-truong", name="Môi trường")


@pytest.fixture
def citizen(demo):
    from xaso.accounts.models import User

    return User.objects.get(phone="0912000001")


@pytest.fixture
def make_report(commune_a, category, citizen):
    from xaso.feedback.services import submit_report

    def _make(**kwargs):
        fields = {
            "category": category,
            "description": "Ổ gà lớn giữa đường",
            "lat": "20.018",
            "long": "105.835",
            "address_string": "Thôn Chí Phúc",
        }
        fields.update(kwargs)
        actor = fields.pop("actor", citizen)
        return submit_report(actor, commune_a, **fields)

    return _make


@pytest.fixture
def report(make_report):
    return make_report()


def image_bytes(fmt: str = "JPEG", size=(40, 30), exif_gps: bool = False) -> bytes:
    image = Image.new("RGB", size, (200, 40, 40))
    out = io.BytesIO()
    kwargs = {}
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        gps = exif.get_ifd(0x8825)
        gps[1] = "N"
        gps[2] = (20.0, 1.0, 5.0)
        gps[3] = "E"
        gps[4] = (105.0, 50.0, 6.0)
        kwargs["exif"] = exif.tobytes()
    image.save(out, fmt, **kwargs)
    return out.getvalue()


@pytest.fixture
def jpeg():
    return image_bytes()
