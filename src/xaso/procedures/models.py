"""The procedure catalog (danh mục thủ tục hành chính) of each commune.

One row per commune and national procedure code. The application form of a
procedure is a declarative schema (``form_schema``, see :mod:`xaso.procedures.formschema`);
its documents and processing steps are JSON lists checked by
:func:`xaso.procedures.formschema.check_procedure` whenever an administrator saves them.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from xaso.core.tenancy import CommuneOwned
from xaso.core.text import fold


class OnlineLevel(models.TextChoices):
    FULL = "toan_trinh", _("Toàn trình")
    PARTIAL = "mot_phan", _("Một phần")


class Procedure(CommuneOwned):
    code = models.CharField(_("Mã thủ tục"), max_length=40)
    name = models.CharField(_("Tên thủ tục"), max_length=300)
    name_folded = models.CharField(max_length=300, editable=False, db_index=True)
    field = models.CharField(_("Lĩnh vực"), max_length=120)
    deadline_days = models.PositiveSmallIntegerField(
        _("Thời hạn giải quyết (ngày làm việc)"),
        validators=[MinValueValidator(0), MaxValueValidator(365)],
        help_text=_("0 = trả kết quả trong ngày."),
    )
    fee = models.PositiveIntegerField(_("Lệ phí (đồng)"), default=0)
    fee_note = models.TextField(_("Ghi chú lệ phí"), blank=True)
    #: [{"name": str, "copies": int, "original": bool, "required": bool}, ...]
    documents = models.JSONField(_("Thành phần hồ sơ"), default=list, blank=True)
    #: {"fields": [{"key", "label", "type", "required", ...}, ...]}
    form_schema = models.JSONField(_("Mẫu đơn (lược đồ)"), default=dict, blank=True)
    online_level = models.CharField(
        _("Mức độ trực tuyến"),
        max_length=12,
        choices=OnlineLevel.choices,
        default=OnlineLevel.PARTIAL,
    )
    online_reason = models.TextField(_("Lý do chỉ trực tuyến một phần"), blank=True)
    #: [{"name": str, "role": core.roles.Role value, "days": float}, ...]
    steps = models.JSONField(_("Các bước xử lý"), default=list, blank=True)
    result = models.CharField(_("Kết quả"), max_length=300, blank=True)
    legal_basis = models.TextField(_("Căn cứ pháp lý"), blank=True)
    active = models.BooleanField(_("Đang áp dụng"), default=True)
    order = models.PositiveIntegerField(_("Thứ tự"), default=100)
    updated_at = models.DateTimeField(_("Cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("Thủ tục hành chính")
        verbose_name_plural = _("Thủ tục hành chính")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "code"], name="procedures_procedure_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_folded"}
        super().save(*args, **kwargs)

    @property
    def is_full_online(self) -> bool:
        return self.online_level == OnlineLevel.FULL

    @property
    def form_fields(self) -> list[dict]:
        """The form's field definitions (empty list when there is no schema)."""
        return list((self.form_schema or {}).get("fields") or [])
