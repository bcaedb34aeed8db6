from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xaso.documents.models import TEMPLATE_TYPES, Confidentiality, DocType, Urgency
from xaso.documents.render import PREFIXES


class IncomingForm(forms.Form):
    file = forms.FileField(label=_("Tệp văn bản (PDF, bản điện tử hoặc bản quét)"))
    doc_type = forms.ChoiceField(label=_("Tên loại văn bản"), choices=DocType.choices)
    author = forms.CharField(label=_("Cơ quan ban hành (tác giả)"), max_length=255)
    symbol = forms.CharField(label=_("Số, ký hiệu"), max_length=80, required=False)
    document_date = forms.DateField(
        label=_("Ngày tháng văn bản"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    summary = forms.CharField(
        label=_("Trích yếu nội dung"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    urgency = forms.ChoiceField(label=_("Độ khẩn"), choices=Urgency.choices)
    confidentiality = forms.ChoiceField(label=_("Độ mật"), choices=Confidentiality.choices)
    pages = forms.IntegerField(
        label=_("Số trang (để trống: đếm từ tệp)"), required=False, min_value=1, max_value=99999
    )


class EmailImportForm(forms.Form):
    eml = forms.FileField(label=_("Tệp thư điện tử (.eml)"), required=False)
    raw = forms.CharField(
        label=_("Hoặc dán toàn văn thư (nguồn thư)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Người xử lý"), queryset=None, required=False)
    unit = forms.CharField(label=_("Hoặc đơn vị xử lý"), max_length=120, required=False)
    deadline = forms.DateField(
        label=_("Hạn giải quyết (để trống: theo độ khẩn)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    instructions = forms.CharField(
        label=_("Ý kiến chỉ đạo (bút phê)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, handlers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = handlers
        self.fields["assignee"].label_from_instance = lambda u: u.display_name


class DraftForm(forms.Form):
    doc_type = forms.ChoiceField(
        label=_("Loại văn bản"),
        choices=[(t.value, t.label) for t in TEMPLATE_TYPES],
    )
    summary = forms.CharField(
        label=_("Trích yếu nội dung"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    addressees = forms.CharField(label=_("Kính gửi"), max_length=2000, required=False)
    basis = forms.CharField(
        label=_("Căn cứ (mỗi dòng một căn cứ)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    body = forms.CharField(
        label=_("Nội dung (mỗi dòng một đoạn)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    file = forms.FileField(label=_("Hoặc tải lên dự thảo PDF"), required=False)
    signer_prefix = forms.ChoiceField(
        label=_("Quyền hạn ký"),
        choices=[("", "—"), *[(p, p) for p in PREFIXES]],
        required=False,
    )
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=120, required=False)
    signer_name = forms.CharField(label=_("Họ tên người ký"), max_length=150)
    recipients_text = forms.CharField(
        label=_("Nơi nhận (mỗi dòng một nơi; dòng Lưu tự thêm)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    recipient_communes = forms.CharField(
        label=_("Gửi xã trên nền tảng (mã xã, cách nhau dấu phẩy)"), required=False
    )
    recipient_emails = forms.CharField(
        label=_("Gửi thư điện tử (địa chỉ, cách nhau dấu phẩy)"), required=False
    )
    drafting_unit = forms.CharField(
        label=_("Đơn vị soạn thảo (viết tắt, ví dụ VP)"), max_length=20, required=False
    )
    archive_unit = forms.CharField(label=_("Lưu tại đơn vị"), max_length=60, required=False)
    urgency = forms.ChoiceField(label=_("Độ khẩn"), choices=Urgency.choices)
    confidentiality = forms.ChoiceField(label=_("Độ mật"), choices=Confidentiality.choices)
    normative = forms.BooleanField(label=_("Văn bản quy phạm pháp luật"), required=False)
    copies = forms.IntegerField(label=_("Số lượng bản"), min_value=1, max_value=999, initial=1)
    reply_to = forms.IntegerField(widget=forms.HiddenInput, required=False)


def split_list(raw: str) -> list[str]:
    return [part.strip() for part in (raw or "").replace(";", ",").split(",") if part.strip()]
