from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xaso.accounts.validators import mask_identity_number
from xaso.core.roles import PROVINCE_ROLES, Role
from xaso.core.tenancy import CommuneOwned


class User(AbstractUser):
    """Officials sign in with username + password (+ TOTP); citizens with their phone."""

    phone = models.CharField(_("Số điện thoại"), max_length=15, unique=True, null=True, blank=True)
    full_name = models.CharField(_("Họ và tên"), max_length=150, blank=True)
    totp_secret = models.CharField(max_length=64, blank=True, editable=False)
    totp_enabled = models.BooleanField(_("Xác thực hai bước (TOTP)"), default=False)

    objects = UserManager()

    class Meta:
        verbose_name = _("Tài khoản")
        verbose_name_plural = _("Tài khoản")

    def __str__(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return str(self)


class Membership(models.Model):
    """A role a user holds in one commune, or (province DX officer) in one province."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("Vai trò"), max_length=30, choices=Role.choices)
    commune = models.ForeignKey(
        "geo.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("Xã/phường"),
    )
    province = models.ForeignKey(
        "geo.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("Tỉnh/thành phố"),
    )
    title = models.CharField(_("Chức danh"), max_length=120, blank=True)
    active = models.BooleanField(_("Đang hiệu lực"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Vai trò được giao")
        verbose_name_plural = _("Vai trò được giao")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(commune__isnull=False, province__isnull=True)
                    | models.Q(commune__isnull=True, province__isnull=False)
                ),
                name="membership_one_scope",
            ),
            models.UniqueConstraint(fields=["user", "role", "commune"], name="uniq_commune_role"),
            models.UniqueConstraint(fields=["user", "role", "province"], name="uniq_province_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.commune or self.province}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.role in PROVINCE_ROLES and (self.province_id is None or self.commune_id):
            raise ValidationError(_("Vai trò cấp tỉnh phải gắn với một tỉnh."))
        if self.role not in PROVINCE_ROLES and (self.commune_id is None or self.province_id):
            raise ValidationError(_("Vai trò này phải gắn với một xã."))


class Sex(models.TextChoices):
    MALE = "M", _("Nam")
    FEMALE = "F", _("Nữ")


class CitizenProfile(CommuneOwned):
    """What the state already knows about a citizen, so no service asks twice."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="citizen_profile")
    full_name = models.CharField(_("Họ và tên"), max_length=150)
    full_name_folded = models.CharField(max_length=150, editable=False, db_index=True, default="")
    date_of_birth = models.DateField(_("Ngày sinh"))
    sex = models.CharField(_("Giới tính"), max_length=1, choices=Sex.choices)
    identity_number = models.CharField(
        _("Số định danh cá nhân"), max_length=12, unique=True, null=True, blank=True
    )
    address = models.CharField(_("Địa chỉ (thôn, xóm, tổ dân phố)"), max_length=255, blank=True)
    email = models.EmailField(_("Thư điện tử"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Hồ sơ công dân")
        verbose_name_plural = _("Hồ sơ công dân")

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        from xaso.core.text import fold

        self.full_name_folded = fold(self.full_name)
        super().save(*args, **kwargs)

    @property
    def masked_identity_number(self) -> str:
        return mask_identity_number(self.identity_number)


def _hash_code(phone: str, code: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{phone}:{code}".encode()).hexdigest()


class PhoneCode(models.Model):
    """A one-time sign-in code sent by SMS; only its hash is stored."""

    phone = models.CharField(max_length=15, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Mã xác thực qua SMS")
        verbose_name_plural = _("Mã xác thực qua SMS")

    def __str__(self) -> str:
        return f"{self.phone} @ {self.created_at:%Y-%m-%d %H:%M}"

    def matches(self, code: str) -> bool:
        import hmac

        return hmac.compare_digest(self.code_hash, _hash_code(self.phone, code))


class ApiToken(models.Model):
    """A bearer token for an integration; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("Tên"), max_length=100, blank=True)
    prefix = models.CharField(max_length=8, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Mã truy cập API")
        verbose_name_plural = _("Mã truy cập API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
