"""Official documents (Decree 30/2020/NĐ-CP): incoming and outgoing documents, their
files and versions, their timeline, and the counters that number them.

Both directions live in one table (:class:`Document`, ``direction``): they share
most columns (author, number and code, date, summary, urgency, confidentiality) and
an outgoing document issued to another commune on the platform becomes an incoming
one there. Each direction has its own state machine (``TRANSITIONS``, each transition
belonging to one direction), run by the shared workflow core (:data:`WORKFLOW`,
``xaso.core.workflow``): a transition that is not allowed is refused with a 409.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xaso.core.tenancy import CommuneOwned
from xaso.core.workflow import TimelineEvent, Workflow


class Direction(models.TextChoices):
    INCOMING = "in", _("Văn bản đến")
    OUTGOING = "out", _("Văn bản đi")


class DocType(models.TextChoices):
    """Types of administrative documents (Decree 30, Annex III) and the common
    legal normative ones of a commune. The value is the Annex III code, except
    for a công văn, which has no type code."""

    CONG_VAN = "CV", _("Công văn")
    QUYET_DINH = "QĐ", _("Quyết định")
    THONG_BAO = "TB", _("Thông báo")
    KE_HOACH = "KH", _("Kế hoạch")
    BAO_CAO = "BC", _("Báo cáo")
    TO_TRINH = "TTr", _("Tờ trình")
    NGHI_QUYET = "NQ", _("Nghị quyết")
    CHI_THI = "CT", _("Chỉ thị")
    QUY_CHE = "QC", _("Quy chế")
    HUONG_DAN = "HD", _("Hướng dẫn")
    CHUONG_TRINH = "CTr", _("Chương trình")
    PHUONG_AN = "PA", _("Phương án")
    DE_AN = "ĐA", _("Đề án")
    BIEN_BAN = "BB", _("Biên bản")
    GIAY_MOI = "GM", _("Giấy mời")
    GIAY_GIOI_THIEU = "GGT", _("Giấy giới thiệu")
    GIAY_UY_QUYEN = "GUQ", _("Giấy ủy quyền")
    OTHER = "KHAC", _("Khác")


#: The types for which the platform has a template.
TEMPLATE_TYPES = [
    DocType.CONG_VAN,
    DocType.QUYET_DINH,
    DocType.THONG_BAO,
    DocType.KE_HOACH,
    DocType.BAO_CAO,
    DocType.TO_TRINH,
]
#: Types that may be legal normative documents (văn bản quy phạm pháp luật) of a commune.
NORMATIVE_TYPES = {DocType.QUYET_DINH, DocType.NGHI_QUYET}


class Urgency(models.TextChoices):
    NORMAL = "thuong", _("Thường")
    URGENT = "khan", _("Khẩn")
    VERY_URGENT = "thuong_khan", _("Thượng khẩn")
    EXPRESS = "hoa_toc", _("Hỏa tốc")


class Confidentiality(models.TextChoices):
    NORMAL = "thuong", _("Thường")
    SECRET = "mat", _("Mật")
    TOP_SECRET = "toi_mat", _("Tối mật")
    ABSOLUTE = "tuyet_mat", _("Tuyệt mật")


class Source(models.TextChoices):
    UPLOAD = "upload", _("Tải lên (bản điện tử hoặc bản quét)")
    EMAIL = "email", _("Thư điện tử")
    PLATFORM = "platform", _("Liên thông trên nền tảng")
    TEMPLATE = "template", _("Soạn theo mẫu")


class Status(models.TextChoices):
    # incoming
    REGISTERED = "registered", _("Đã vào sổ, chờ giao")
    ASSIGNED = "assigned", _("Đang xử lý")
    HANDLED = "handled", _("Đã xử lý xong")
    # outgoing
    DRAFT = "draft", _("Dự thảo")
    SUBMITTED = "submitted", _("Chờ lãnh đạo duyệt")
    RETURNED = "returned", _("Trả lại để sửa")
    APPROVED = "approved", _("Đã duyệt, chờ cấp số")
    NUMBERED = "numbered", _("Đã cấp số, chờ ký")
    SIGNED = "signed", _("Đã ký số, chờ phát hành")
    ISSUED = "issued", _("Đã phát hành")


#: transition → (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    # incoming
    "assign": (frozenset({Status.REGISTERED, Status.ASSIGNED}), Status.ASSIGNED),
    "handle": (frozenset({Status.ASSIGNED}), Status.HANDLED),
    # outgoing
    "revise": (frozenset({Status.DRAFT, Status.RETURNED}), Status.DRAFT),
    "submit": (frozenset({Status.DRAFT, Status.RETURNED}), Status.SUBMITTED),
    "return": (frozenset({Status.SUBMITTED}), Status.RETURNED),
    "approve": (frozenset({Status.SUBMITTED}), Status.APPROVED),
    "number": (frozenset({Status.APPROVED}), Status.NUMBERED),
    "sign": (frozenset({Status.NUMBERED}), Status.SIGNED),
    "issue": (frozenset({Status.NUMBERED, Status.SIGNED}), Status.ISSUED),
}
INCOMING_TRANSITIONS = frozenset({"assign", "handle"})


def _direction_matches(doc, transition: str) -> bool:
    incoming = transition in INCOMING_TRANSITIONS
    return doc.direction == (Direction.INCOMING if incoming else Direction.OUTGOING)


WORKFLOW = Workflow(
    "status",
    TRANSITIONS,
    subject=_("văn bản"),
    timeline="documents.DocumentEvent",
    audit_prefix="documents",
    event_kind="status",
    guard=_direction_matches,
)

OPEN_INCOMING = frozenset({Status.REGISTERED, Status.ASSIGNED})


class Counter(CommuneOwned):
    """The last number given in one yearly series of one commune.

    Numbers are taken with the row locked (``select_for_update``) inside the
    transaction that stores the document, so two clerks issuing at once wait for
    each other instead of taking the same number.
    """

    year = models.PositiveSmallIntegerField()
    series = models.CharField(max_length=40)
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "year", "series"], name="documents_counter_series"
            )
        ]

    def __str__(self) -> str:
        return f"{self.series}/{self.year}: {self.value}"


class Document(CommuneOwned):
    direction = models.CharField(_("Loại sổ"), max_length=3, choices=Direction.choices)
    status = models.CharField(_("Trạng thái"), max_length=20, choices=Status.choices)
    doc_type = models.CharField(_("Tên loại văn bản"), max_length=8, choices=DocType.choices)
    normative = models.BooleanField(_("Văn bản quy phạm pháp luật"), default=False)
    summary = models.TextField(_("Trích yếu nội dung"))
    summary_folded = models.TextField(editable=False, default="")
    urgency = models.CharField(
        _("Độ khẩn"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL
    )
    confidentiality = models.CharField(
        _("Độ mật"), max_length=12, choices=Confidentiality.choices, default=Confidentiality.NORMAL
    )
    pages = models.PositiveIntegerField(_("Số trang"), null=True, blank=True)
    source = models.CharField(_("Nguồn"), max_length=10, choices=Source.choices)
    source_ref = models.CharField(max_length=300, blank=True, db_index=True)
    #: For a document received from another commune on the platform: the original.
    source_document = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )

    # Number and code: given by the author (incoming) or at issue (outgoing).
    number = models.PositiveIntegerField(_("Số"), null=True, blank=True)
    code = models.CharField(_("Ký hiệu"), max_length=60, blank=True)
    symbol = models.CharField(_("Số, ký hiệu"), max_length=80, blank=True)
    series = models.CharField(max_length=40, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    document_date = models.DateField(_("Ngày tháng văn bản"), null=True, blank=True)
    author = models.CharField(_("Tác giả (cơ quan ban hành)"), max_length=255, blank=True)

    # Incoming register.
    arrival_number = models.PositiveIntegerField(_("Số đến"), null=True, blank=True)
    arrival_year = models.PositiveSmallIntegerField(null=True, blank=True)
    received_at = models.DateTimeField(_("Ngày đến"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Người xử lý"),
    )
    assigned_unit = models.CharField(_("Đơn vị xử lý"), max_length=120, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(_("Hạn giải quyết"), null=True, blank=True)
    instructions = models.TextField(_("Ý kiến chỉ đạo (bút phê)"), blank=True)
    outcome = models.TextField(_("Kết quả xử lý"), blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    reply = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replies_to",
        verbose_name=_("Văn bản trả lời"),
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)

    # Outgoing: the parts of a generated document and the dispatch.
    drafting_unit = models.CharField(_("Đơn vị soạn thảo (viết tắt)"), max_length=20, blank=True)
    body = models.TextField(_("Nội dung"), blank=True)
    basis = models.TextField(_("Căn cứ"), blank=True)
    addressees = models.TextField(_("Kính gửi"), blank=True)
    signer_prefix = models.CharField(_("Quyền hạn ký"), max_length=6, blank=True)
    signer_title = models.CharField(_("Chức vụ người ký"), max_length=120, blank=True)
    signer_name = models.CharField(_("Người ký"), max_length=150, blank=True)
    recipients_text = models.TextField(_("Nơi nhận"), blank=True)
    recipient_communes = models.JSONField(default=list, blank=True)
    recipient_emails = models.JSONField(default=list, blank=True)
    archive_unit = models.CharField(_("Lưu"), max_length=60, blank=True)
    copies = models.PositiveSmallIntegerField(_("Số lượng bản"), default=1)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signatures = models.PositiveSmallIntegerField(_("Số chữ ký số"), default=0)
    issued_at = models.DateTimeField(_("Ngày chuyển"), null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Văn bản")
        verbose_name_plural = _("Văn bản")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "arrival_year", "arrival_number"],
                name="documents_arrival_number",
                condition=models.Q(direction="in", arrival_number__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["commune", "year", "series", "number"],
                name="documents_outgoing_number",
                condition=models.Q(direction="out", number__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["commune", "year", "series", "symbol"],
                name="documents_outgoing_symbol",
                condition=models.Q(direction="out", number__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["commune", "direction", "status"])]

    def __str__(self) -> str:
        label = self.symbol or (f"đến {self.arrival_number}" if self.arrival_number else "")
        return f"{self.get_doc_type_display()} {label}".strip()

    @property
    def is_confidential(self) -> bool:
        return self.confidentiality != Confidentiality.NORMAL

    @property
    def is_overdue(self) -> bool:
        if self.deadline is None:
            return False
        if self.status in OPEN_INCOMING:
            return self.deadline < timezone.now()
        return self.handled_at is not None and self.handled_at > self.deadline

    @property
    def title(self) -> str:
        return f"{self.get_doc_type_display()}: {self.summary}"

    def may(self, transition: str) -> bool:
        return WORKFLOW.allowed(self, transition)

    def apply(self, transition: str) -> tuple[str, str]:
        """Move to the next status or refuse with a 409."""
        before, after = WORKFLOW.apply(self, transition)
        self.updated_at = timezone.now()
        return before, after

    def current_file(self) -> DocumentFile | None:
        return self.files.exclude(kind=FileKind.ATTACHMENT).order_by("-version", "-id").first()


class FileKind(models.TextChoices):
    ORIGINAL = "original", _("Bản nhận được")
    DRAFT = "draft", _("Dự thảo")
    NUMBERED = "numbered", _("Bản đã cấp số")
    SIGNED = "signed", _("Bản đã ký số")
    ATTACHMENT = "attachment", _("Tệp đính kèm")


class DocumentFile(models.Model):
    """One PDF of a document: each draft version, the numbered and signed copies.

    Files are kept in the database so a version is stored in the same transaction
    as the state change that made it (a file on disk could outlive a rollback).
    """

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=12, choices=FileKind.choices)
    version = models.PositiveIntegerField(default=1)
    name = models.CharField(max_length=200)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["version", "id"]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    def save(self, *args, **kwargs):
        data = bytes(self.content)
        self.size = len(data)
        self.sha256 = hashlib.sha256(data).hexdigest()
        super().save(*args, **kwargs)


class EventKind(models.TextChoices):
    CREATED = "created", _("Tạo")
    STATUS = "status", _("Chuyển trạng thái")
    VERSION = "version", _("Phiên bản mới")
    REMINDER = "reminder", _("Nhắc hạn")
    DELIVERY = "delivery", _("Gửi văn bản")
    NOTE = "note", _("Ghi chú")


class DocumentEvent(TimelineEvent):
    subject_field = "document"

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=EventKind.choices)
    from_state = models.CharField(max_length=20, blank=True, choices=Status.choices)
    to_state = models.CharField(max_length=20, blank=True, choices=Status.choices)
    # Documents have no public timeline.
    public = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.document_id} {self.kind} {self.at:%Y-%m-%d}"


def local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()
