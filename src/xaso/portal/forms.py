from django import forms

from xaso.geo.models import CommuneProfile


class CommuneProfileForm(forms.ModelForm):
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
