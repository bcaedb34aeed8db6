"""Photos are checked by content and size; the public copy carries no metadata."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.feedback.conftest import image_bytes
from xaso.core.problems import Problem
from xaso.feedback.photos import MAX_BYTES, check_and_copy

pytestmark = pytest.mark.django_db


def test_a_jpeg_with_gps_in_exif_has_a_public_copy_without_it(make_report):
    data = image_bytes("JPEG", exif_gps=True)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the GPS is there

    report = make_report(photos=[data])

    photo = report.photos.get()
    with photo.original.open("rb") as f:
        assert f.read() == data  # the original is kept as sent (private)
    with photo.public_copy.open("rb") as f:
        public = Image.open(io.BytesIO(f.read()))
    assert public.format == "JPEG"
    assert not public.getexif()
    assert not public.getexif().get_ifd(0x8825)
    assert "exif" not in public.info


def test_a_png_is_accepted_and_copied_without_text_chunks():
    image = Image.new("RGB", (10, 10))
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "Nhà số 12, ông A")
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    result = check_and_copy(out.getvalue())
    public = Image.open(io.BytesIO(result["public"].read()))
    assert result["content_type"] == "image/png"
    assert "Comment" not in public.info


@pytest.mark.parametrize(
    "data",
    [
        b"GIF89a" + b"\x00" * 20,  # not an image Pillow accepts as JPEG/PNG
        b"<?php echo 1; ?>",  # a script named photo.jpg
        image_bytes("GIF"),  # a real image of another type
        image_bytes("JPEG")[:60],  # a truncated JPEG
    ],
)
def test_a_file_that_is_not_a_jpeg_or_png_by_content_is_refused(data):
    with pytest.raises(Problem) as exc:
        check_and_copy(data)
    assert exc.value.status == 422


def test_an_empty_file_is_refused():
    with pytest.raises(Problem):
        check_and_copy(b"")


def test_a_file_over_5_mb_is_refused():
    with pytest.raises(Problem):
        check_and_copy(image_bytes("JPEG") + b"\x00" * MAX_BYTES)


def test_a_bad_photo_leaves_no_report_behind(make_report):
    from xaso.feedback.models import Report

    with pytest.raises(Problem):
        make_report(photos=[b"not an image"])
    assert not Report.objects.exists()
