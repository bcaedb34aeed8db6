from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("the audit log is append-only")

    def delete(self):
        raise AppendOnlyError("the audit log is append-only")


class AuditEvent(models.Model):
    """One line of the append-only log: who did what to which object, where, when.

    Rows are never updated (a database trigger refuses UPDATE too) nor deleted
    through the application.
    """

    at = models.DateTimeField(_("Thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Người thực hiện"),
        db_constraint=False,
    )
    actor_label = models.CharField(_("Người thực hiện"), max_length=150, blank=True)
    action = models.CharField(_("Hành động"), max_length=80, db_index=True)
    object_type = models.CharField(_("Loại đối tượng"), max_length=80, blank=True)
    object_id = models.CharField(_("Mã đối tượng"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("Đối tượng"), max_length=200, blank=True)
    commune = models.ForeignKey(
        "geo.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Xã/phường"),
    )
    ip = models.GenericIPAddressField(_("Địa chỉ IP"), null=True, blank=True)
    personal_data = models.BooleanField(_("Đọc dữ liệu cá nhân"), default=False)
    detail = models.JSONField(_("Chi tiết"), default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("Sự kiện nhật ký")
        verbose_name_plural = _("Nhật ký")
        indexes = [
            models.Index(fields=["commune", "-at"]),
            models.Index(fields=["object_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("the audit log is append-only")
