"""Signing credentials of a commune, and what a verifier trusts.

A :class:`SigningCredential` is either a PKCS#12 file (kept encrypted by its own
passphrase, which is never stored) or the settings of a PKCS#11 token (the PIN is
never stored). The certificate facts are cached so lists can show expiry without
opening the file. :class:`TrustAnchor` and :class:`RevocationList` are what
verification trusts, besides the PEM files named in ``XASO_TRUST_ANCHORS``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xaso.core.tenancy import CommuneOwned


class SigningCredential(CommuneOwned):
    class Kind(models.TextChoices):
        PERSONAL = "personal", _("Cá nhân")
        ORGANISATION = "organisation", _("Cơ quan, tổ chức")

    kind = models.CharField(_("Loại"), max_length=20, choices=Kind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signing_credentials",
        verbose_name=_("Người sở hữu"),
    )
    label = models.CharField(_("Tên gọi"), max_length=120)
    #: The PKCS#12 file as uploaded, still encrypted by its passphrase.
    pkcs12 = models.BinaryField(_("Tệp PKCS#12"), null=True, blank=True, editable=False)
    pkcs11_module = models.CharField(_("Thư viện PKCS#11"), max_length=255, blank=True)
    token_label = models.CharField(_("Nhãn thiết bị (token)"), max_length=120, blank=True)
    key_label = models.CharField(_("Nhãn khóa"), max_length=120, blank=True)
    cert_label = models.CharField(_("Nhãn chứng thư"), max_length=120, blank=True)
    #: DER of the signer's certificate (cached; for a token, read once at registration).
    certificate_der = models.BinaryField(_("Chứng thư số (DER)"), null=True, blank=True)
    subject_name = models.CharField(_("Chủ thể"), max_length=255, blank=True)
    organisation = models.CharField(_("Tổ chức"), max_length=255, blank=True)
    serial = models.CharField(_("Số hiệu chứng thư"), max_length=80, blank=True)
    issuer = models.CharField(_("Tổ chức cấp"), max_length=255, blank=True)
    not_before = models.DateTimeField(_("Hiệu lực từ"), null=True, blank=True)
    not_after = models.DateTimeField(_("Hiệu lực đến"), null=True, blank=True)
    #: PNG of the signer's handwritten signature (personal), drawn in blue.
    signature_image = models.BinaryField(_("Ảnh chữ ký"), null=True, blank=True, editable=False)
    #: PNG of the seal (organisation), drawn in red.
    seal_image = models.BinaryField(_("Ảnh con dấu"), null=True, blank=True, editable=False)
    active = models.BooleanField(_("Đang dùng"), default=True)
    created_at = models.DateTimeField(_("Tạo lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("Chứng thư ký số")
        verbose_name_plural = _("Chứng thư ký số")
        ordering = ["kind", "label", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="personal", owner__isnull=False)
                    | models.Q(kind="organisation", owner__isnull=True)
                ),
                name="signatures_credential_owner_kind",
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def uses_token(self) -> bool:
        return bool(self.pkcs11_module)

    @property
    def expired(self) -> bool:
        return self.not_after is not None and self.not_after <= timezone.now()

    @property
    def days_left(self) -> int | None:
        if self.not_after is None:
            return None
        return (self.not_after - timezone.now()).days


class TrustAnchor(models.Model):
    """A root (or intermediate) certificate that verification trusts."""

    name = models.CharField(_("Tên"), max_length=160)
    certificate_pem = models.TextField(_("Chứng thư (PEM)"))
    subject = models.CharField(_("Chủ thể"), max_length=255, blank=True, editable=False)
    not_after = models.DateTimeField(_("Hiệu lực đến"), null=True, blank=True, editable=False)
    active = models.BooleanField(_("Đang tin cậy"), default=True)
    created_at = models.DateTimeField(_("Tạo lúc"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("Chứng thư gốc tin cậy")
        verbose_name_plural = _("Chứng thư gốc tin cậy")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RevocationList(models.Model):
    """A certificate revocation list (CRL) uploaded by an administrator."""

    crl_der = models.BinaryField(_("Danh sách thu hồi (DER)"))
    issuer = models.CharField(_("Tổ chức cấp"), max_length=255, blank=True)
    this_update = models.DateTimeField(_("Ban hành lúc"), null=True, blank=True)
    next_update = models.DateTimeField(_("Cập nhật tiếp theo"), null=True, blank=True)
    revoked_count = models.PositiveIntegerField(_("Số chứng thư bị thu hồi"), default=0)
    active = models.BooleanField(_("Đang dùng"), default=True)
    created_at = models.DateTimeField(_("Tạo lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("Danh sách chứng thư bị thu hồi")
        verbose_name_plural = _("Danh sách chứng thư bị thu hồi")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.issuer or f"CRL #{self.pk}"
