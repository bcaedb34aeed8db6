from django.db import models
from django.utils.translation import gettext_lazy as _

from xaso.core.text import fold


class DivisionType(models.TextChoices):
    PROVINCE = "tỉnh", _("Tỉnh")
    CITY = "thành phố trung ương", _("Thành phố trực thuộc trung ương")
    COMMUNE = "xã", _("Xã")
    WARD = "phường", _("Phường")
    SPECIAL_ZONE = "đặc khu", _("Đặc khu")


class Province(models.Model):
    """A province or centrally-run city, with today's statistics-office code."""

    code = models.PositiveSmallIntegerField(_("Mã"), unique=True)
    name = models.CharField(_("Tên"), max_length=100)
    division_type = models.CharField(_("Loại"), max_length=30, choices=DivisionType.choices)
    phone_code = models.PositiveSmallIntegerField(_("Mã vùng"), null=True, blank=True)
    name_folded = models.CharField(max_length=100, editable=False, db_index=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Tỉnh/thành phố")
        verbose_name_plural = _("Tỉnh/thành phố")

    def __str__(self) -> str:
        return self.name

    @property
    def code_str(self) -> str:
        return f"{self.code:02d}"

    @property
    def short_name(self) -> str:
        for prefix in ("Thành phố ", "Tỉnh ", "Tp "):
            if self.name.startswith(prefix):
                return self.name[len(prefix) :]
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)


class Commune(models.Model):
    """A commune-level unit (xã, phường, đặc khu) since 1 July 2025."""

    code = models.PositiveIntegerField(_("Mã"), unique=True)
    name = models.CharField(_("Tên"), max_length=100)
    division_type = models.CharField(_("Loại"), max_length=30, choices=DivisionType.choices)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="communes",
        verbose_name=_("Tỉnh/thành phố"),
    )
    name_folded = models.CharField(max_length=100, editable=False, db_index=True)

    class Meta:
        ordering = ["province__name", "name"]
        verbose_name = _("Xã/phường/đặc khu")
        verbose_name_plural = _("Xã/phường/đặc khu")

    def __str__(self) -> str:
        return f"{self.name}, {self.province.short_name}"

    @property
    def code_str(self) -> str:
        """The official code written with 5 digits: 70 → "00070"."""
        return f"{self.code:05d}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("portal:commune", args=[self.code_str])

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)


class LegacyName(models.Model):
    """A name a unit had before the 2025 reorganisation, pointing at today's unit.

    An old commune split between several of today's communes has one row for each,
    ``rank`` 0 for its main successor. Shipped rows carry the old district and province
    (``xaso load_units``); rows a province imports (``xaso import_legacy_names``) may
    only have a free ``context``.
    """

    name = models.CharField(_("Tên cũ"), max_length=100)
    name_folded = models.CharField(max_length=100, editable=False, db_index=True)
    old_code = models.PositiveIntegerField(_("Mã cũ"), null=True, blank=True)
    context = models.CharField(_("Thuộc (huyện, tỉnh cũ)"), max_length=200, blank=True)
    district = models.CharField(_("Huyện cũ"), max_length=100, blank=True)
    old_province = models.CharField(_("Tỉnh cũ"), max_length=100, blank=True)
    context_folded = models.CharField(max_length=200, editable=False, blank=True)
    rank = models.PositiveSmallIntegerField(
        _("Thứ tự"),
        default=0,
        help_text=_("0: xã kế thừa chính; 1, 2…: xã nhận một phần của đơn vị cũ."),
    )
    split = models.BooleanField(_("Bị chia cho nhiều xã"), default=False)
    province = models.ForeignKey(
        Province, on_delete=models.CASCADE, null=True, blank=True, related_name="legacy_names"
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, null=True, blank=True, related_name="legacy_names"
    )
    source = models.CharField(_("Nguồn"), max_length=200, blank=True)

    class Meta:
        ordering = ["rank", "id"]
        verbose_name = _("Tên cũ (trước 7/2025)")
        verbose_name_plural = _("Tên cũ (trước 7/2025)")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(province__isnull=False) | models.Q(commune__isnull=False),
                name="legacy_points_somewhere",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """``Xã Hà Sơn, huyện Hà Trung, tỉnh Thanh Hóa``: the name with where it was."""
        return legacy_label(self.name, self.district, self.old_province, self.context)

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        self.context_folded = fold(self.context or f"{self.district} {self.old_province}")[:200]
        super().save(*args, **kwargs)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def legacy_label(name: str, district: str = "", old_province: str = "", context: str = "") -> str:
    """The old name and the units it belonged to, written as in a sentence: the kind of
    each unit after the first is in lower case (``huyện Hà Trung``, ``tỉnh Thanh Hóa``)."""
    if district or old_province:
        return ", ".join([name, *(_lower_first(p) for p in (district, old_province) if p)])
    return f"{name}, {context}" if context else name


class CommuneProfile(models.Model):
    """What a commune says about itself: contacts and its agency identifier."""

    commune = models.OneToOneField(Commune, on_delete=models.CASCADE, related_name="profile")
    address = models.CharField(_("Địa chỉ trụ sở"), max_length=255, blank=True)
    phone = models.CharField(_("Điện thoại"), max_length=30, blank=True)
    email = models.EmailField(_("Thư điện tử"), blank=True)
    website = models.URLField(_("Trang thông tin điện tử"), blank=True)
    working_hours = models.CharField(_("Giờ làm việc"), max_length=200, blank=True)
    agency_code = models.CharField(
        _("Mã định danh cơ quan"),
        max_length=20,
        blank=True,
        help_text=_("Theo Thông tư 10/2016/TT-BTTTT, ví dụ 000.47.30.H56"),
    )
    introduction = models.TextField(_("Giới thiệu"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Thông tin xã")
        verbose_name_plural = _("Thông tin xã")

    def __str__(self) -> str:
        return str(self.commune)
