from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from xaso.accounts.models import Sex
from xaso.accounts.validators import normalize_phone
from xaso.geo.selectors import parse_commune_code


class OfficialLoginForm(forms.Form):
    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TotpForm(forms.Form):
    code = forms.RegexField(
        label=_("Mã 6 số trong ứng dụng xác thực"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Mã gồm 6 chữ số.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Số điện thoại di động"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "inputmode": "tel",
                "autocomplete": "tel",
                "placeholder": "09xx xxx xxx",
                "autofocus": True,
            }
        ),
    )

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])


class PhoneCodeForm(forms.Form):
    phone = forms.CharField(widget=forms.HiddenInput)
    code = forms.RegexField(
        label=_("Mã xác thực (6 số) trong tin nhắn"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Mã gồm 6 chữ số.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )


class CitizenProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    date_of_birth = forms.DateField(
        label=_("Ngày sinh"),
        widget=forms.DateInput(attrs={"type": "date"}),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    sex = forms.ChoiceField(label=_("Giới tính"), choices=Sex.choices)
    identity_number = forms.RegexField(
        label=_("Số định danh cá nhân (CCCD, 12 số)"),
        regex=r"^\d{12}$",
        required=False,
        error_messages={"invalid": _("Số định danh cá nhân phải gồm đúng 12 chữ số.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    commune_code = forms.CharField(
        label=_("Mã xã/phường nơi cư trú"),
        max_length=5,
        help_text=_("5 chữ số, ví dụ 15271. Tìm mã ở trang chủ."),
    )
    address = forms.CharField(
        label=_("Địa chỉ (thôn, xóm, tổ dân phố)"), max_length=255, required=False
    )
    email = forms.EmailField(label=_("Thư điện tử (không bắt buộc)"), required=False)

    def clean_commune_code(self):
        from xaso.geo.models import Commune

        number = parse_commune_code(self.cleaned_data["commune_code"])
        commune = Commune.objects.filter(code=number).first() if number is not None else None
        if commune is None:
            raise ValidationError(_("Không có xã/phường với mã này."))
        return commune


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Tên (để nhận biết)"), max_length=100)
