"""Citizen feedback (phản ánh, kiến nghị): categories, reports, their timeline, photos,
answer templates and the API keys of Open311 client apps.

A report's lifecycle is the state machine :data:`TRANSITIONS`, run by the shared
workflow core (:data:`WORKFLOW`, ``xaso.core.workflow``): a transition that is not
allowed from the current status is refused with a 409.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xaso.core.tenancy import CommuneOwned
from xaso.core.workflow import TimelineEvent, Workflow

#: Roughly Vietnam's bounding box, islands included: a pin outside is a typo.
LAT_RANGE = (8, 24)
LONG_RANGE = (102, 110)
#: How long after the answer the reporter may reopen the report.
REOPEN_DAYS = 10


def version_key(commune_id: int) -> str:
    """Cache key of a counter bumped on every change to a commune's reports: cached
    public lists (Open311) name it in their own keys, so a change retires them."""
    return f"feedback:version:{commune_id}"


def bump_version(commune_id: int) -> None:
    from django.core.cache import cache

    from xaso.geo.models import Commune
    from xaso.geo.selectors import forget_commune_pages

    key = version_key(commune_id)
    if not cache.add(key, 1, timeout=None):
        try:
            cache.incr(key)
        except ValueError:  # evicted between add() and incr()
            cache.add(key, 1, timeout=None)
    # The commune's home page shows the latest reports.
    code = Commune.objects.filter(pk=commune_id).values_list("code", flat=True).first()
    if code is not None:
        forget_commune_pages(code)


class Category(CommuneOwned):
    """What citizens report about; an Open311 "service" of the commune."""

    code = models.SlugField(_("Mã"), max_length=50)
    name = models.CharField(_("Tên"), max_length=120)
    description = models.TextField(_("Mô tả"), blank=True)
    group = models.CharField(_("Nhóm"), max_length=80, blank=True)
    resolution_working_days = models.PositiveSmallIntegerField(
        _("Thời hạn giải quyết (ngày làm việc)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    active = models.BooleanField(_("Đang nhận phản ánh"), default=True)
    #: Open311 service-definition attributes: [{"code", "datatype", "required",
    #: "description", "order", "values": [{"key", "name"}]}, ...]
    attributes = models.JSONField(_("Thông tin bổ sung (Open311)"), default=list, blank=True)

    class Meta:
        verbose_name = _("Lĩnh vực phản ánh")
        verbose_name_plural = _("Lĩnh vực phản ánh")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "code"], name="feedback_category_code")
        ]

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    NEW = "new", _("Mới tiếp nhận")
    ACCEPTED = "accepted", _("Đã chấp nhận")
    REJECTED = "rejected", _("Đã từ chối")
    ASSIGNED = "assigned", _("Đã giao xử lý")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    RESOLVED = "resolved", _("Đã trả lời")
    CLOSED = "closed", _("Đã đóng")


#: Open311 "open"; everything else is "closed".
OPEN_STATUSES = frozenset({Status.NEW, Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS})
CLOSED_STATUSES = frozenset({Status.REJECTED, Status.RESOLVED, Status.CLOSED})

#: transition → (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "accept": (frozenset({Status.NEW}), Status.ACCEPTED),
    "reject": (frozenset({Status.NEW, Status.ACCEPTED}), Status.REJECTED),
    "assign": (frozenset({Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS}), Status.ASSIGNED),
    "start": (frozenset({Status.ASSIGNED}), Status.IN_PROGRESS),
    "resolve": (
        frozenset({Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS}),
        Status.RESOLVED,
    ),
    "close": (frozenset({Status.RESOLVED}), Status.CLOSED),
    "reopen": (frozenset({Status.RESOLVED, Status.CLOSED}), Status.ACCEPTED),
    "duplicate": (frozenset({Status.NEW, Status.ACCEPTED}), Status.CLOSED),
}


WORKFLOW = Workflow(
    "status",
    TRANSITIONS,
    subject=_("phản ánh"),
    timeline="feedback.ReportEvent",
    audit_prefix="feedback.report",
    event_kind="status",
)


def _new_token() -> str:
    return uuid.uuid4().hex


class Report(CommuneOwned):
    """One citizen's report. The original text is kept; the public sees the
    moderated copy when there is one."""

    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="reports", verbose_name=_("Lĩnh vực")
    )
    description = models.TextField(_("Nội dung phản ánh"))
    lat = models.DecimalField(_("Vĩ độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField(_("Kinh độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    address_string = models.CharField(_("Địa chỉ"), max_length=255, blank=True)
    reporter = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_reports",
    )
    contact_name = models.CharField(_("Họ và tên"), max_length=150, blank=True)
    contact_phone = models.CharField(_("Số điện thoại"), max_length=15, blank=True)
    contact_email = models.EmailField(_("Thư điện tử"), blank=True)
    hide_identity = models.BooleanField(_("Ẩn danh tính với công chúng"), default=True)
    source = models.CharField(max_length=80, blank=True)  # "web", or the Open311 app name
    token = models.CharField(max_length=32, unique=True, default=_new_token, editable=False)

    status = models.CharField(
        _("Trạng thái"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    assignee = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_feedback",
        verbose_name=_("Người xử lý"),
    )
    answer = models.TextField(_("Trả lời chính thức"), blank=True)
    reject_reason = models.TextField(_("Lý do từ chối"), blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("Trùng với"),
    )
    hidden_by_moderation = models.BooleanField(_("Ẩn khỏi công chúng"), default=False)
    moderated_description = models.TextField(_("Nội dung công khai (đã biên tập)"), blank=True)

    received_at = models.DateTimeField(_("Thời điểm tiếp nhận"), default=timezone.now)
    updated_at = models.DateTimeField(_("Cập nhật"), default=timezone.now)
    expected_at = models.DateTimeField(_("Hạn giải quyết"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("Thời điểm trả lời"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("Thời điểm báo quá hạn"), null=True, blank=True)
    reopen_until = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("Đánh giá"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    rating_comment = models.TextField(_("Nhận xét"), blank=True)
    #: description and address folded (accents off) for the officials' search
    search_folded = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("Phản ánh, kiến nghị")
        verbose_name_plural = _("Phản ánh, kiến nghị")
        ordering = ["-received_at", "-id"]
        indexes = [
            # Open311 GET requests and the public list: one commune, a date window,
            # optionally one status, newest first.
            models.Index(fields=["commune", "received_at"], name="feedback_commune_received"),
            models.Index(
                fields=["commune", "status", "received_at"], name="feedback_commune_status"
            ),
            # The escalation sweep: open reports past their deadline.
            models.Index(fields=["status", "expected_at"], name="feedback_due"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.category.name if self.category_id else ''}".strip()

    def save(self, *args, **kwargs):
        from xaso.core.text import fold

        self.search_folded = fold(f"{self.description} {self.address_string}")
        if kwargs.get("update_fields") is not None and "description" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_folded"}
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def open311_status(self) -> str:
        return "open" if self.is_open else "closed"

    @property
    def public_description(self) -> str:
        return self.moderated_description or self.description

    @property
    def is_overdue(self) -> bool:
        return bool(self.is_open and self.expected_at and self.expected_at < timezone.now())

    def may_reopen(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return (
            self.status in TRANSITIONS["reopen"][0]
            and self.duplicate_of_id is None
            and self.reopen_until is not None
            and now <= self.reopen_until
        )

    def apply(self, transition: str) -> tuple[str, str]:
        """Move to the status ``transition`` leads to, or refuse with a 409."""
        before, after = WORKFLOW.apply(self, transition)
        self.updated_at = timezone.now()
        return before, after


class EventKind(models.TextChoices):
    CREATED = "created", _("Tiếp nhận")
    STATUS = "status", _("Đổi trạng thái")
    NOTE = "note", _("Ghi chú")
    MODERATED = "moderated", _("Biên tập nội dung công khai")
    ESCALATED = "escalated", _("Quá hạn, báo lãnh đạo")
    RATED = "rated", _("Đánh giá")


class ReportEvent(TimelineEvent):
    """The timeline of a report; ``public`` events appear on its public page."""

    subject_field = "report"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    from_state = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=Status.choices, blank=True)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("Diễn biến xử lý")
        verbose_name_plural = _("Diễn biến xử lý")

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


def _private_path(instance, filename: str) -> str:
    return f"feedback/private/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1]}"


def _public_path(instance, filename: str) -> str:
    return f"feedback/public/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1]}"


class Photo(models.Model):
    """A photo of a report: the original (private, as sent) and a public copy
    re-encoded without metadata (no EXIF, no GPS)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    original = models.FileField(upload_to=_private_path)
    public_copy = models.FileField(upload_to=_public_path)
    content_type = models.CharField(max_length=30)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    hidden = models.BooleanField(_("Ẩn khỏi công chúng"), default=False)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("Ảnh")
        verbose_name_plural = _("Ảnh")

    def __str__(self) -> str:
        return f"{self.report_id}/{self.pk}"


class AnswerTemplate(CommuneOwned):
    title = models.CharField(_("Tiêu đề"), max_length=120)
    body = models.TextField(_("Nội dung"))

    class Meta:
        ordering = ["title"]
        verbose_name = _("Mẫu trả lời")
        verbose_name_plural = _("Mẫu trả lời")

    def __str__(self) -> str:
        return self.title


class Open311Key(CommuneOwned):
    """The API key of an Open311 client app; only its SHA-256 is stored."""

    app_name = models.CharField(_("Ứng dụng"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Khóa API Open311")
        verbose_name_plural = _("Khóa API Open311")

    def __str__(self) -> str:
        return f"{self.app_name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
