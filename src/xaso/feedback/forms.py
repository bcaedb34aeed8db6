from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xaso.feedback.models import Category, Status


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; their content is checked by the service."""

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class ReportForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Lĩnh vực"), queryset=Category.objects.none(), empty_label=_("— Chọn lĩnh vực —")
    )
    description = forms.CharField(
        label=_("Nội dung phản ánh"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    address_string = forms.CharField(
        label=_("Địa chỉ, nơi xảy ra"),
        max_length=255,
        required=False,
        help_text=_("Thôn, xóm, đường… Bắt buộc nếu không chọn vị trí trên bản đồ."),
    )
    lat = forms.DecimalField(
        label=_("Vĩ độ"), required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput
    )
    long = forms.DecimalField(
        label=_("Kinh độ"), required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput
    )
    photos = MultipleFileField(
        label=_("Ảnh (tối đa 5 ảnh JPEG/PNG, mỗi ảnh ≤ 5 MB)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    contact_name = forms.CharField(label=_("Họ và tên"), max_length=150, required=False)
    contact_phone = forms.CharField(
        label=_("Số điện thoại nhận thông báo"),
        max_length=20,
        required=False,
        help_text=_("Bắt buộc nếu bạn chưa đăng nhập."),
    )
    contact_email = forms.EmailField(label=_("Thư điện tử"), required=False)
    show_identity = forms.BooleanField(
        label=_("Cho phép công khai họ tên của tôi"),
        required=False,
        help_text=_("Mặc định họ tên được ẩn với công chúng; cán bộ xử lý vẫn thấy."),
    )

    def __init__(self, *args, commune, signed_in: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.signed_in = signed_in
        self.fields["category"].queryset = Category.objects.filter(commune=commune, active=True)
        if signed_in:
            self.fields["contact_phone"].help_text = _("Để trống: dùng số điện thoại đăng nhập.")

    def clean(self):
        data = super().clean()
        if not self.signed_in and not (data.get("contact_phone") or "").strip():
            self.add_error(
                "contact_phone", _("Vui lòng để lại số điện thoại để nhận kết quả xử lý.")
            )
        if data.get("lat") is None and not (data.get("address_string") or "").strip():
            self.add_error(
                "address_string", _("Vui lòng chọn vị trí trên bản đồ hoặc nhập địa chỉ.")
            )
        return data


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả")), ("open", _("Đang xử lý")), ("closed", _("Đã xong"))],
    )
    category = forms.ChoiceField(label=_("Lĩnh vực"), required=False)

    def __init__(self, *args, commune, detailed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        cats = Category.objects.filter(commune=commune).values_list("code", "name")
        self.fields["category"].choices = [("", _("Tất cả")), *cats]
        if detailed:
            self.fields["status"].choices = [
                ("", _("Tất cả")),
                ("open", _("Chưa xong")),
                *Status.choices,
            ]


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Mức hài lòng"),
        coerce=int,
        choices=[(5, "5 ★"), (4, "4 ★"), (3, "3 ★"), (2, "2 ★"), (1, "1 ★")],
    )
    comment = forms.CharField(
        label=_("Nhận xét"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["code", "name", "description", "group", "resolution_working_days", "active"]
