from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from xaso.procedures.models import OnlineLevel


class JSONText(forms.CharField):
    """A JSON value edited as text; the service checks its shape."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, (list, dict)):
            return json.dumps(value, ensure_ascii=False, indent=2)
        return value

    def to_python(self, value):
        text = (value or "").strip()
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError as exc:
            raise forms.ValidationError(
                _("JSON không hợp lệ (dòng %(line)s, cột %(col)s)."),
                params={"line": getattr(exc, "lineno", "?"), "col": getattr(exc, "colno", "?")},
            ) from None


class ProcedureForm(forms.Form):
    code = forms.CharField(label=_("Mã thủ tục"), max_length=40)
    name = forms.CharField(label=_("Tên thủ tục"), max_length=300)
    field = forms.CharField(label=_("Lĩnh vực"), max_length=120)
    deadline_days = forms.IntegerField(
        label=_("Thời hạn giải quyết (ngày làm việc)"),
        min_value=0,
        max_value=365,
        help_text=_("0 = trả kết quả trong ngày."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    fee = forms.IntegerField(
        label=_("Lệ phí (đồng)"),
        min_value=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    fee_note = forms.CharField(
        label=_("Ghi chú lệ phí"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    online_level = forms.ChoiceField(label=_("Mức độ trực tuyến"), choices=OnlineLevel.choices)
    online_reason = forms.CharField(
        label=_("Lý do chỉ trực tuyến một phần (công khai)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    result = forms.CharField(label=_("Kết quả"), max_length=300, required=False)
    legal_basis = forms.CharField(
        label=_("Căn cứ pháp lý"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    documents = JSONText(
        label=_("Thành phần hồ sơ (JSON)"),
        help_text=_(
            'Danh sách, mỗi mục: {"name": "Tên giấy tờ", "copies": 1, "original": false, '
            '"required": true}.'
        ),
    )
    steps = JSONText(
        label=_("Các bước xử lý (JSON)"),
        help_text=_(
            'Danh sách, mỗi bước: {"name": "Tên bước", "role": "one_stop_officer" | '
            '"specialist" | "leader" | "clerk" | "commune_admin", "days": 0.5}. '
            "Tổng số ngày không vượt thời hạn giải quyết."
        ),
    )
    form_schema = JSONText(
        label=_("Mẫu đơn (JSON)"),
        help_text=_(
            'Đối tượng {"fields": [...]}, mỗi trường: {"key", "label", "type": text | textarea '
            "| date | integer | choice | cccd | phone | email | checkbox, "
            '"required", "help", "options", "prefill", "max_length", "min", "max", "when"}.'
        ),
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
    )
    active = forms.BooleanField(label=_("Đang áp dụng"), required=False)
    order = forms.IntegerField(
        label=_("Thứ tự hiển thị"),
        min_value=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp Excel (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
