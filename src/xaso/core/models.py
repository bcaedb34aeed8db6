from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IdempotencyRecord(models.Model):
    """The stored answer to a write sent with an ``Idempotency-Key`` header.

    A retry with the same key (same caller) gets the same answer and changes
    nothing; the unique constraint makes two simultaneous retries safe.
    """

    scope = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    completed = models.BooleanField(default=False)
    status = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(null=True)
    headers = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="uniq_idempotency_key")
        ]

    def __str__(self) -> str:
        return self.key


class FailedDelivery(models.Model):
    """A message the platform gave up sending after its retries (``core.retry``).

    Commune administrators see their commune's in the office and may send one again;
    platform administrators see all of them in the Django admin.
    """

    class Channel(models.TextChoices):
        SMS = "sms", _("Tin nhắn SMS")
        EMAIL = "email", _("Thư điện tử")
        OTHER = "other", _("Khác")

    task = models.CharField(_("Tác vụ"), max_length=200)
    channel = models.CharField(_("Kênh"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("Người nhận"), max_length=254, blank=True)
    summary = models.CharField(_("Nội dung"), max_length=300, blank=True)
    commune = models.ForeignKey(
        "geo.Commune",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Xã/phường"),
    )
    kwargs = models.JSONField(default=dict, blank=True)
    retryable = models.BooleanField(_("Gửi lại được"), default=True)
    attempts = models.PositiveSmallIntegerField(_("Số lần thử"))
    error = models.TextField(_("Lỗi cuối cùng"), blank=True)
    failed_at = models.DateTimeField(_("Thời điểm bỏ cuộc"), default=timezone.now, db_index=True)
    retried_at = models.DateTimeField(_("Gửi lại lúc"), null=True, blank=True)
    retried_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Người gửi lại"),
    )

    class Meta:
        ordering = ["-failed_at", "-id"]
        verbose_name = _("Tin chưa gửi được")
        verbose_name_plural = _("Tin chưa gửi được")
        indexes = [models.Index(fields=["commune", "retried_at", "-failed_at"])]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.masked_recipient}: {self.summary[:60]}"

    @property
    def masked_recipient(self) -> str:
        """``0912***678``, ``a***@example.vn``: enough to recognise, not to copy."""
        value = self.recipient
        if "@" in value:
            name, _at, domain = value.partition("@")
            return f"{name[:1]}***@{domain}"
        if len(value) > 7:
            return f"{value[:4]}***{value[-3:]}"
        return "***"
