"""Dossiers of the one-stop shop (hồ sơ thủ tục hành chính): the dossier, its timeline,
its attachments, the daily code counter, notices to the citizen, alerts and ratings.

The 10 processing states are the de-facto national codes (STANDARDS.md). The state
machine is :data:`TRANSITIONS`, run by the shared workflow core (:data:`WORKFLOW`,
``xaso.core.workflow``): anything else is refused with a 409.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xaso.core.tenancy import CommuneOwned
from xaso.core.workflow import TimelineEvent, Workflow


class State(models.IntegerChoices):
    NEW = 1, _("Mới đăng ký")
    RECEIVED = 2, _("Được tiếp nhận")
    NOT_RECEIVED = 3, _("Không được tiếp nhận")
    PROCESSING = 4, _("Đang xử lý")
    SUPPLEMENT = 5, _("Yêu cầu bổ sung giấy tờ")
    FINANCIAL = 6, _("Yêu cầu thực hiện nghĩa vụ tài chính")
    WITHDRAWN = 7, _("Công dân yêu cầu rút hồ sơ")
    STOPPED = 8, _("Dừng xử lý")
    DONE = 9, _("Đã xử lý xong")
    RETURNED = 10, _("Đã trả kết quả")


class Channel(models.TextChoices):
    ONLINE = "online", _("Trực tuyến")
    COUNTER = "counter", _("Trực tiếp tại Bộ phận một cửa")


class ReturnMethod(models.TextChoices):
    PICKUP = "pickup", _("Nhận trực tiếp tại Bộ phận một cửa")
    ONLINE = "online", _("Nhận bản điện tử trực tuyến")
    POST = "post", _("Nhận qua dịch vụ bưu chính")


#: States from which nothing moves any more.
FINAL_STATES = frozenset({State.NOT_RECEIVED, State.WITHDRAWN, State.RETURNED})
#: States in which the legal clock runs (the dossier is with the commune).
OPEN_STATES = frozenset({State.RECEIVED, State.PROCESSING, State.FINANCIAL})

#: action → (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[int], int]] = {
    "receive": (frozenset({State.NEW}), State.RECEIVED),
    "refuse": (frozenset({State.NEW}), State.NOT_RECEIVED),
    "start": (frozenset({State.RECEIVED}), State.PROCESSING),
    "forward": (frozenset({State.PROCESSING}), State.PROCESSING),
    "request_supplement": (frozenset({State.PROCESSING}), State.SUPPLEMENT),
    "supplement_complete": (frozenset({State.SUPPLEMENT}), State.PROCESSING),
    "request_payment": (frozenset({State.PROCESSING}), State.FINANCIAL),
    "paid": (frozenset({State.FINANCIAL}), State.PROCESSING),
    "stop": (frozenset({State.PROCESSING}), State.STOPPED),
    "resume": (frozenset({State.STOPPED}), State.PROCESSING),
    "complete": (frozenset({State.PROCESSING}), State.DONE),
    "return_result": (frozenset({State.DONE}), State.RETURNED),
    "withdraw": (
        frozenset(
            {
                State.NEW,
                State.RECEIVED,
                State.PROCESSING,
                State.SUPPLEMENT,
                State.FINANCIAL,
                State.STOPPED,
            }
        ),
        State.WITHDRAWN,
    ),
}


WORKFLOW = Workflow(
    "state",
    TRANSITIONS,
    subject=_("hồ sơ"),
    timeline="dossiers.DossierEvent",
    audit_prefix="dossiers.dossier",
)


class DossierCounter(models.Model):
    """The per-agency, per-day sequence of dossier codes.

    Incremented by one atomic ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` in the
    transaction that inserts the dossier (``services.next_code``), so two processes
    can never draw the same number.
    """

    agency = models.CharField(max_length=40)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="dossiers_counter_agency_day")
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.day} {self.last}"


class Dossier(CommuneOwned):
    code = models.CharField(_("Mã hồ sơ"), max_length=48, unique=True)
    procedure = models.ForeignKey(
        "procedures.Procedure",
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("Thủ tục"),
    )
    channel = models.CharField(_("Hình thức nộp"), max_length=10, choices=Channel.choices)
    state = models.PositiveSmallIntegerField(
        _("Trạng thái"), choices=State.choices, default=State.NEW
    )

    applicant_name = models.CharField(_("Họ và tên người nộp"), max_length=150)
    applicant_name_folded = models.CharField(max_length=150, editable=False, default="")
    applicant_id_number = models.CharField(_("Số định danh cá nhân"), max_length=12, blank=True)
    applicant_phone = models.CharField(_("Số điện thoại"), max_length=15)
    applicant_address = models.CharField(_("Địa chỉ"), max_length=255, blank=True)
    applicant_email = models.EmailField(_("Thư điện tử"), blank=True)
    applicant_user = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name=_("Tài khoản người nộp"),
    )
    form_data = models.JSONField(_("Nội dung tờ khai"), default=dict, blank=True)

    submitted_at = models.DateTimeField(_("Thời điểm nộp"), default=timezone.now)
    #: The effective receipt: after the 15:00 cut-off (counter) or outside office
    #: hours (online), the start of the next working day. Restarts after a supplement.
    received_at = models.DateTimeField(_("Thời điểm tiếp nhận"), null=True, blank=True)
    #: The legal due moment (end of office hours of the Nth working day after receipt).
    original_due_at = models.DateTimeField(_("Hạn giải quyết theo quy định"), null=True, blank=True)
    #: The due moment in force: the legal one, or the new date of the apology letter.
    due_at = models.DateTimeField(_("Hẹn trả kết quả"), null=True, blank=True)
    completed_at = models.DateTimeField(_("Thời điểm xử lý xong"), null=True, blank=True)
    returned_at = models.DateTimeField(_("Thời điểm trả kết quả"), null=True, blank=True)
    return_method = models.CharField(
        _("Cách nhận kết quả"), max_length=10, choices=ReturnMethod.choices, blank=True
    )
    result_note = models.TextField(_("Ghi chú kết quả"), blank=True)

    received_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Cán bộ tiếp nhận"),
    )
    assignee = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_dossiers",
        verbose_name=_("Người đang xử lý"),
    )
    #: Index into ``procedure.steps`` of the step in hand (0 before processing starts).
    current_step = models.PositiveSmallIntegerField(_("Bước xử lý"), default=0)
    step_started_at = models.DateTimeField(null=True, blank=True)

    supplement_requested_at = models.DateTimeField(null=True, blank=True)
    supplement_reason = models.TextField(_("Lý do yêu cầu bổ sung"), blank=True)
    supplement_completed_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.TextField(_("Lý do không tiếp nhận"), blank=True)
    stop_reason = models.TextField(_("Lý do dừng xử lý"), blank=True)
    withdraw_reason = models.TextField(_("Lý do rút hồ sơ"), blank=True)
    payment_note = models.TextField(_("Nghĩa vụ tài chính"), blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    apology_reason = models.TextField(_("Lý do chậm trễ"), blank=True)
    apologized_at = models.DateTimeField(null=True, blank=True)
    new_due_at = models.DateTimeField(_("Ngày hẹn mới"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Hồ sơ")
        verbose_name_plural = _("Hồ sơ")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["commune", "state", "due_at"], name="dossiers_inbox"),
            models.Index(fields=["commune", "submitted_at"], name="dossiers_register"),
            models.Index(fields=["applicant_user", "submitted_at"], name="dossiers_mine"),
            models.Index(fields=["state", "due_at"], name="dossiers_due"),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs):
        from xaso.core.text import fold

        self.applicant_name_folded = fold(self.applicant_name)[:150]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "applicant_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "applicant_name_folded"}
        super().save(*args, **kwargs)

    @property
    def state_label(self) -> str:
        return str(State(self.state).label)

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def result_ready(self) -> bool:
        return self.state in (State.DONE, State.RETURNED)

    @property
    def on_time(self) -> bool | None:
        """Done within the legal due date (an apology's new date does not count)."""
        if self.completed_at is None or self.original_due_at is None:
            return None
        return self.completed_at <= self.original_due_at

    @property
    def is_overdue(self) -> bool:
        return bool(
            self.state in OPEN_STATES and self.due_at is not None and self.due_at < timezone.now()
        )

    @property
    def steps(self) -> list[dict]:
        return list(self.procedure.steps or [])

    @property
    def step(self) -> dict | None:
        steps = self.steps
        if 0 <= self.current_step < len(steps):
            return steps[self.current_step]
        return None

    @property
    def is_last_step(self) -> bool:
        return self.current_step >= len(self.steps) - 1

    def allowed(self, action: str) -> bool:
        return WORKFLOW.allowed(self, action)

    def apply(self, action: str) -> tuple[int, int]:
        """Move to the state ``action`` leads to, or refuse with a 409."""
        return WORKFLOW.apply(self, action)


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Nộp hồ sơ")
    STATE = "state", _("Chuyển trạng thái")
    ASSIGNED = "assigned", _("Giao xử lý")
    FORWARDED = "forwarded", _("Chuyển bước xử lý")
    APOLOGY = "apology", _("Thư xin lỗi, hẹn lại ngày trả")
    NOTE = "note", _("Ghi chú")
    RATED = "rated", _("Đánh giá")
    REMINDER = "reminder", _("Nhắc hạn")


class DossierEvent(TimelineEvent):
    """The timeline; ``public`` events appear on the tracking page (without names)."""

    subject_field = "dossier"

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    # The national state codes are numbers.
    from_state = models.PositiveSmallIntegerField(choices=State.choices, null=True, blank=True)
    to_state = models.PositiveSmallIntegerField(choices=State.choices, null=True, blank=True)
    step = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("Diễn biến xử lý hồ sơ")
        verbose_name_plural = _("Diễn biến xử lý hồ sơ")

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


def _attachment_path(instance, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"dossiers/{uuid.uuid4().hex}.{ext[:5]}"


class Attachment(models.Model):
    """A file of the dossier (checked by content on upload), served only to those
    who may read the dossier, and every download audited."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(_("Tên tệp"), max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to=_attachment_path)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("Tệp đính kèm")
        verbose_name_plural = _("Tệp đính kèm")

    def __str__(self) -> str:
        return self.name


class Notice(models.Model):
    """An in-app notice to the citizen (shown on "Hồ sơ của tôi")."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="notices")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    body = models.TextField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "at"], name="dossiers_notice_user")]

    def __str__(self) -> str:
        return f"{self.dossier_id} → {self.user_id}"


class AlertKind(models.TextChoices):
    STEP_BUDGET = "step", _("Sắp hết thời gian của bước xử lý")
    AT_RISK = "at_risk", _("Hồ sơ có nguy cơ trễ hạn")


class Alert(models.Model):
    """A reminder sent once: one row per dossier, kind and step (idempotent sweep)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=10, choices=AlertKind.choices)
    step = models.SmallIntegerField(default=-1)
    at = models.DateTimeField(default=timezone.now)
    recipients = models.JSONField(default=list)

    #: The moment the alert is about (the due date, or the start of the step): a new
    #: due date after an apology, or a new step, may be warned about again.
    ref = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "kind", "step", "ref"], name="dossiers_alert_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.kind} {self.step}"


#: The nine indices of TT 01/2018 art. 13; "computed" ones come from the record.
RATING_INDICES: list[tuple[str, object, bool]] = [
    ("time", _("Thời gian giải quyết so với quy định"), True),
    ("time_per_unit", _("Thời gian thực hiện tại từng cơ quan, đơn vị"), True),
    ("contacts", _("Số lần phải liên hệ để hoàn thiện hồ sơ"), False),
    ("agencies", _("Số cơ quan, đơn vị phải liên hệ"), False),
    ("one_stop", _("Thực hiện toàn bộ tại Bộ phận một cửa"), False),
    ("publication", _("Công khai thủ tục hành chính"), False),
    ("attitude", _("Thái độ của cán bộ, công chức"), False),
    ("complaints", _("Giải quyết phản ánh, kiến nghị đúng hạn"), False),
    ("online", _("Cung cấp dịch vụ công trực tuyến"), True),
]
RATING_KEYS = [key for key, _label, _computed in RATING_INDICES]


class Rating(models.Model):
    """The citizen's rating of one returned dossier, once."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="rating")
    scores = models.JSONField(default=dict)  # {index key: 0 | 1 | 2}
    total = models.PositiveSmallIntegerField()
    #: The citizen scored none of their own indices 0 (the computed ones measure the
    #: commune, not the citizen's opinion).
    satisfied = models.BooleanField(default=False)
    comment = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Đánh giá hồ sơ")
        verbose_name_plural = _("Đánh giá hồ sơ")

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.total}/18"


def is_satisfied(scores: dict) -> bool:
    own = [k for k, _label, computed in RATING_INDICES if not computed]
    return all(int(scores.get(k, 0)) > 0 for k in own)
