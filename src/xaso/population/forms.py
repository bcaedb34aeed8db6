from django import forms
from django.utils.translation import gettext_lazy as _

from xaso.population.choices import VillageKind


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Họ tên (không dấu được), số định danh, số điện thoại"),
        max_length=100,
        required=False,
    )
    household = forms.CharField(label=_("Số hộ"), max_length=30, required=False)


class VillageForm(forms.Form):
    name = forms.CharField(label=_("Tên"), max_length=120)
    kind = forms.ChoiceField(label=_("Loại"), choices=VillageKind.choices)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Bảng tính dân cư (.xlsx hoặc .csv)"),
        help_text=_(
            "Mỗi dòng một người, có cột Số hộ, Họ và tên, Ngày sinh, Giới tính, Số định danh, "
            "Quan hệ với chủ hộ, Thôn/Tổ dân phố."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class DeathForm(forms.Form):
    date_of_death = forms.DateField(
        label=_("Ngày mất"), widget=forms.DateInput(attrs={"type": "date"})
    )


class MoveOutForm(forms.Form):
    date = forms.DateField(
        label=_("Ngày chuyển đi"), widget=forms.DateInput(attrs={"type": "date"})
    )
    destination = forms.CharField(label=_("Nơi chuyển đến"), max_length=200, required=False)
