"""Attachments checked by what they contain, not by their name or declared type."""

from __future__ import annotations

import hashlib
import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from xaso.core.text import scrub

MAX_FILES = 5
MAX_BYTES = 10 * 1024 * 1024
ALLOWED = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def sniff(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def _image_ok(data: bytes) -> bool:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        return True
    except Exception:
        return False


def check(files) -> list[dict]:
    """Validate uploaded files; return [{"name", "content_type", "size", "sha256", "data"}].

    Refuses, with a Vietnamese message naming the file: more than MAX_FILES files,
    an empty file, a file over MAX_BYTES, anything that is not a PDF, JPEG or PNG by
    its content (and images that Pillow cannot read).
    """
    files = [f for f in files or [] if f is not None]
    if len(files) > MAX_FILES:
        raise ValidationError(
            {"attachments": _("Chỉ được đính kèm tối đa %(n)s tệp.") % {"n": MAX_FILES}}
        )
    checked = []
    for upload in files:
        # A file name is a label, not content: what the string rule refuses becomes "�".
        name = scrub((getattr(upload, "name", "") or "tep").rsplit("/", 1)[-1][:200])
        size = getattr(upload, "size", None) or 0
        if size > MAX_BYTES:
            raise ValidationError(
                {
                    "attachments": _("Tệp “%(name)s” lớn hơn %(mb)s MB.")
                    % {"name": name, "mb": MAX_BYTES // (1024 * 1024)}
                }
            )
        upload.seek(0)
        data = upload.read(MAX_BYTES + 1)
        if not data:
            raise ValidationError({"attachments": _("Tệp “%(name)s” rỗng.") % {"name": name}})
        if len(data) > MAX_BYTES:
            raise ValidationError(
                {
                    "attachments": _("Tệp “%(name)s” lớn hơn %(mb)s MB.")
                    % {"name": name, "mb": MAX_BYTES // (1024 * 1024)}
                }
            )
        kind = sniff(data[:16])
        if kind is None or (kind != "application/pdf" and not _image_ok(data)):
            raise ValidationError(
                {
                    "attachments": _(
                        "Tệp “%(name)s” không phải PDF, JPEG hoặc PNG hợp lệ "
                        "(hệ thống kiểm tra theo nội dung tệp)."
                    )
                    % {"name": name}
                }
            )
        if kind == "application/pdf" and b"%%EOF" not in data[-2048:]:
            raise ValidationError(
                {"attachments": _("Tệp PDF “%(name)s” bị hỏng hoặc chưa tải hết.") % {"name": name}}
            )
        checked.append(
            {
                "name": name,
                "content_type": kind,
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "data": data,
                "ext": ALLOWED[kind],
            }
        )
    return checked
