from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    DAY_OFF = "day_off", _("Ngày nghỉ (lễ, nghỉ bù, hoán đổi)")
    WORKING_DAY = "working_day", _("Ngày làm việc (làm bù, hoặc bỏ một ngày nghỉ)")


class CalendarOverride(models.Model):
    """A day an administrator declares off or working, on top of the law's holidays.

    A new holiday, a swap day-off, or the Saturday worked in exchange: no
    release needed. It applies nationwide.
    """

    date = models.DateField(_("Ngày"), unique=True)
    kind = models.CharField(_("Loại"), max_length=20, choices=DayKind.choices)
    name = models.CharField(_("Tên, căn cứ"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("Ngày nghỉ/làm bù")
        verbose_name_plural = _("Ngày nghỉ/làm bù")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.name}"
