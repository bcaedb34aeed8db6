"""Photo checks and the public copy: opened with Pillow (the content decides, not
the file name), JPEG or PNG only, at most 5 MB, re-encoded without metadata."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from xaso.core.problems import Problem

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_PHOTOS = 5
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}
#: The public copy is shrunk to this on its longer side: enough for a phone screen.
PUBLIC_SIDE = 1600


def _bad(message) -> Problem:
    return Problem(422, message, code="bad-photo")


def check_and_copy(data: bytes) -> dict:
    """Validate one uploaded photo; returns the metadata and the public copy (bytes)."""
    if not data:
        raise _bad(_("Ảnh trống."))
    if len(data) > MAX_BYTES:
        raise _bad(_("Ảnh lớn hơn 5 MB."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            probe.verify()
        if fmt not in FORMATS:
            raise _bad(_("Chỉ nhận ảnh JPEG hoặc PNG."))
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise _bad(_("Ảnh quá lớn."))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _bad(_("Tệp không phải là ảnh JPEG hoặc PNG hợp lệ.")) from None
    content_type, ext = FORMATS[fmt]
    # Apply the EXIF orientation, then re-encode from pixels only: no EXIF, no GPS,
    # no comments reach the public copy.
    clean = ImageOps.exif_transpose(image)
    clean.thumbnail((PUBLIC_SIDE, PUBLIC_SIDE))
    if fmt == "JPEG" or clean.mode not in ("RGB", "RGBA", "L", "LA"):
        clean = clean.convert("RGBA" if clean.mode in ("P", "PA") else "RGB")
    # A new image holds the pixels only: its ``info`` (EXIF, comments, text chunks) is empty.
    bare = Image.new(clean.mode, clean.size)
    bare.paste(clean)
    out = io.BytesIO()
    if fmt == "JPEG":
        bare.save(out, "JPEG", quality=85, optimize=True)
    else:
        bare.save(out, "PNG", optimize=True)
    return {
        "content_type": content_type,
        "ext": ext,
        "size": len(data),
        "width": image.width,
        "height": image.height,
        "original": ContentFile(data, name=f"original.{ext}"),
        "public": ContentFile(out.getvalue(), name=f"public.{ext}"),
    }
