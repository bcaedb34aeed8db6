from django import forms
from django.utils.translation import gettext_lazy as _

from xaso.geo.models import CommuneProfile


class CommuneProfileForm(forms.ModelForm):
    website = forms.URLField(
        label=_("Trang thông tin điện tử"), required=False, assume_scheme="https"
    )

    class Meta:
        model = CommuneProfile
        fields = [
            "address",
            "phone",
            "email",
            "website",
            "working_hours",
            "agency_code",
            "introduction",
        ]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 4})}
