"""The commune's shared registry of persons, households and villages.

Rows change only through ``population.services``: every change leaves a
:class:`PersonChange` row (field, previous value, new value) and an audit event.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xaso.accounts.models import Sex
from xaso.accounts.validators import mask_identity_number
from xaso.core.tenancy import CommuneOwned
from xaso.core.text import fold
from xaso.population.choices import (
    ETHNICITY_CHOICES,
    Event,
    Relationship,
    Residence,
    VillageKind,
)


class Village(CommuneOwned):
    """A thôn, xóm, tổ dân phố, bản or ấp: the list each commune manages."""

    name = models.CharField(_("Tên"), max_length=120)
    kind = models.CharField(_("Loại"), max_length=12, choices=VillageKind.choices)
    name_folded = models.CharField(max_length=120, editable=False, default="")

    class Meta:
        verbose_name = _("Thôn, tổ dân phố")
        verbose_name_plural = _("Thôn, tổ dân phố")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "name_folded"], name="uniq_village_name")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)


class Household(CommuneOwned):
    """A hộ: its number in the commune, where it lives and who heads it."""

    number = models.CharField(_("Số hộ"), max_length=30)
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="households", verbose_name=_("Thôn")
    )
    address = models.CharField(_("Địa chỉ chi tiết"), max_length=255, blank=True)
    head = models.ForeignKey(
        "Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Chủ hộ"),
    )
    active = models.BooleanField(_("Còn hiệu lực"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Hộ gia đình")
        verbose_name_plural = _("Hộ gia đình")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "number"], name="uniq_household_number")
        ]

    def __str__(self) -> str:
        return f"{_('Hộ')} {self.number}"


class Person(CommuneOwned):
    """One resident as the commune knows them (the national database stays the source
    of residence; no paper household-book fields)."""

    identity_number = models.CharField(
        _("Số định danh cá nhân"), max_length=12, unique=True, null=True, blank=True
    )
    full_name = models.CharField(_("Họ và tên"), max_length=150)
    full_name_folded = models.CharField(max_length=150, editable=False, default="")
    date_of_birth = models.DateField(_("Ngày sinh"))
    sex = models.CharField(_("Giới tính"), max_length=1, choices=Sex.choices)
    ethnicity = models.CharField(
        _("Dân tộc"), max_length=40, choices=ETHNICITY_CHOICES, default="Kinh"
    )
    phone = models.CharField(_("Số điện thoại"), max_length=15, blank=True, db_index=True)
    email = models.EmailField(_("Thư điện tử"), blank=True)
    household = models.ForeignKey(
        Household,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("Hộ"),
    )
    relationship = models.CharField(
        _("Quan hệ với chủ hộ"), max_length=12, choices=Relationship.choices, blank=True
    )
    residence_status = models.CharField(
        _("Tình trạng cư trú"),
        max_length=12,
        choices=Residence.choices,
        default=Residence.PERMANENT,
    )
    residence_from = models.DateField(_("Cư trú từ ngày"), null=True, blank=True)
    residence_until = models.DateField(_("Cư trú đến ngày"), null=True, blank=True)
    alive = models.BooleanField(_("Còn sống"), default=True)
    date_of_death = models.DateField(_("Ngày mất"), null=True, blank=True)
    moved_out_on = models.DateField(_("Ngày chuyển đi"), null=True, blank=True)
    # Consent: what the person agrees may be published or shared beyond the registry.
    publish_in_village_directory = models.BooleanField(
        _("Đồng ý hiện tên trong danh bạ thôn"), default=False
    )
    publish_phone = models.BooleanField(_("Đồng ý công khai số điện thoại"), default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("Tài khoản"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Nhân khẩu")
        verbose_name_plural = _("Nhân khẩu")
        ordering = ["full_name_folded", "id"]
        indexes = [
            models.Index(fields=["commune", "full_name_folded"], name="person_name_idx"),
            models.Index(fields=["commune", "date_of_birth"], name="person_dob_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.full_name_folded = fold(self.full_name)
        super().save(*args, **kwargs)

    @property
    def masked_identity_number(self) -> str:
        return mask_identity_number(self.identity_number)

    @property
    def is_resident(self) -> bool:
        return self.alive and self.moved_out_on is None


class PersonChange(models.Model):
    """History: who changed which field of whom, when, and the previous value."""

    commune = models.ForeignKey(
        "geo.Commune", on_delete=models.PROTECT, related_name="+", verbose_name=_("Xã/phường")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="changes", null=True, blank=True
    )
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="changes", null=True, blank=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    event = models.CharField(_("Sự kiện"), max_length=12, choices=Event.choices)
    field = models.CharField(_("Trường"), max_length=40, blank=True)
    old_value = models.TextField(_("Giá trị cũ"), blank=True)
    new_value = models.TextField(_("Giá trị mới"), blank=True)
    note = models.CharField(_("Ghi chú"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("Lịch sử thay đổi")
        verbose_name_plural = _("Lịch sử thay đổi")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.event} {self.field}"


def _import_path(instance, filename: str) -> str:
    return f"population/imports/{instance.commune_id}/{filename}"


class ImportJob(CommuneOwned):
    """One uploaded spreadsheet: its dry-run report, then (when clean) its commit."""

    class Status(models.TextChoices):
        HAS_ERRORS = "has_errors", _("Có lỗi")
        DRY_RUN_OK = "dry_run_ok", _("Kiểm tra xong, chưa ghi")
        COMMITTED = "committed", _("Đã ghi vào sổ")
        BROKEN = "broken", _("Tệp hỏng")

    file = models.FileField(upload_to=_import_path, max_length=255)
    filename = models.CharField(_("Tên tệp"), max_length=255)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(_("Trạng thái"), max_length=12, choices=Status.choices)
    rows_total = models.PositiveIntegerField(default=0)
    rows_with_errors = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=list, blank=True)
    #: Notes that do not stop the import: {row, rows, column, message} (an address
    #: written with a commune's name of before July 2025, and what it is today).
    notes = models.JSONField(default=list, blank=True)
    error = models.CharField(_("Lỗi tệp"), max_length=500, blank=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    persons_created = models.PositiveIntegerField(default=0)
    households_created = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Lần nhập tệp dân cư")
        verbose_name_plural = _("Lần nhập tệp dân cư")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.filename
