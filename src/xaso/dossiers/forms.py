from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xaso.dossiers.models import RATING_INDICES, State


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the content checks are the service's."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return single(data, initial)


class ApplicantForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên người nộp"), max_length=150)
    id_number = forms.CharField(
        label=_("Số định danh cá nhân (12 số)"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Số điện thoại di động"),
        max_length=15,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text=_("Dùng để nhận tin nhắn và tra cứu hồ sơ (4 số cuối)."),
    )
    address = forms.CharField(label=_("Địa chỉ"), max_length=255, required=False)
    email = forms.EmailField(label=_("Thư điện tử (không bắt buộc)"), required=False)
    attachments = MultipleFileField(
        label=_("Giấy tờ đính kèm (PDF, JPEG, PNG; tối đa 5 tệp, mỗi tệp 10 MB)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


class InboxFilter(forms.Form):
    state = forms.TypedChoiceField(
        label=_("Trạng thái"),
        choices=[("", _("Tất cả")), *State.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    procedure = forms.ChoiceField(label=_("Thủ tục"), required=False)
    filter = forms.ChoiceField(
        label=_("Lọc nhanh"),
        required=False,
        choices=[
            ("", _("Tất cả")),
            ("due_soon", _("Sắp đến hạn")),
            ("overdue", _("Quá hạn")),
            ("mine", _("Giao cho tôi")),
        ],
    )
    q = forms.CharField(label=_("Mã hồ sơ hoặc tên người nộp"), required=False, max_length=100)

    def __init__(self, *args, procedures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].choices = [("", _("Tất cả"))] + [
            (p.code, f"{p.code} – {p.name}") for p in procedures
        ]


class PeriodForm(forms.Form):
    date_from = forms.DateField(
        label=_("Từ ngày"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("Đến ngày"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to"):
            if data["date_from"] > data["date_to"]:
                raise forms.ValidationError(_("Ngày bắt đầu phải trước ngày kết thúc."))
            if (data["date_to"] - data["date_from"]).days > 366:
                raise forms.ValidationError(_("Sổ theo dõi in tối đa một năm."))
        return data


SCORE_CHOICES = [
    ("2", _("Tốt (2 điểm)")),
    ("1", _("Bình thường (1 điểm)")),
    ("0", _("Chưa tốt (0 điểm)")),
]


class RatingForm(forms.Form):
    comment = forms.CharField(
        label=_("Góp ý thêm (không bắt buộc)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label, computed in RATING_INDICES:
            if computed:
                continue
            self.fields[f"score_{key}"] = forms.ChoiceField(
                label=label, choices=SCORE_CHOICES, widget=forms.RadioSelect, initial="2"
            )
        self.order_fields([f for f in self.fields if f != "comment"] + ["comment"])
