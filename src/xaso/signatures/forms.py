from django import forms
from django.utils.translation import gettext_lazy as _

from xaso.signatures.services import PREFIXES


class VerifyForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp PDF đã ký"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


class Pkcs12Form(forms.Form):
    file = forms.FileField(
        label=_("Tệp chứng thư số (.p12, .pfx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".p12,.pfx,application/x-pkcs12"}),
    )
    passphrase = forms.CharField(
        label=_("Mật khẩu của tệp"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_("Chỉ dùng để mở tệp và đọc chứng thư; hệ thống không lưu mật khẩu."),
    )
    label = forms.CharField(label=_("Tên gọi (không bắt buộc)"), required=False, max_length=120)
    image = forms.ImageField(
        label=_("Ảnh chữ ký hoặc con dấu (PNG, không bắt buộc)"),
        required=False,
        help_text=_("Nét đậm trên nền trắng; chữ ký hiện màu xanh, con dấu màu đỏ."),
    )


class ImageForm(forms.Form):
    image = forms.ImageField(label=_("Ảnh mới (PNG hoặc JPEG)"))


class SignForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp PDF cần ký"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    credential = forms.TypedChoiceField(label=_("Ký bằng"), coerce=int)
    secret = forms.CharField(
        label=_("Mật khẩu tệp chứng thư hoặc mã PIN"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )
    prefix = forms.ChoiceField(
        label=_("Thẩm quyền ký"),
        required=False,
        choices=[(p, p or "—") for p in PREFIXES],
    )
    title = forms.CharField(label=_("Chức vụ"), required=False, max_length=120)
    organisation = forms.CharField(label=_("Cơ quan"), required=False, max_length=160)
    reason = forms.CharField(label=_("Lý do ký"), required=False, max_length=200)

    def __init__(self, *args, credentials=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["credential"].choices = [
            (c.pk, f"{c.get_kind_display()}: {c.label}") for c in credentials
        ]


class TokenForm(forms.Form):
    module = forms.ChoiceField(label=_("Thư viện PKCS#11"))
    token_label = forms.CharField(label=_("Nhãn thiết bị (token)"), max_length=120)
    key_label = forms.CharField(label=_("Nhãn khóa trên thiết bị"), max_length=120)
    pin = forms.CharField(
        label=_("Mã PIN"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_("Chỉ dùng để đọc chứng thư trên thiết bị; không được lưu."),
    )
    label = forms.CharField(label=_("Tên gọi (không bắt buộc)"), required=False, max_length=120)

    def __init__(self, *args, modules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].choices = [(m, m) for m in modules]
