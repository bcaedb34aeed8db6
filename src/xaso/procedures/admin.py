from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from xaso.audit import services as audit
from xaso.procedures import services
from xaso.procedures.models import Procedure


class ProcedureAdminForm(forms.ModelForm):
    """The Django admin checks a procedure exactly like the back office does."""

    class Meta:
        model = Procedure
        fields = ["commune", *services.EDITABLE]

    def clean(self):
        data = super().clean()
        try:
            cleaned = services.check_procedure({k: data.get(k) for k in services.EDITABLE})
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                self.add_error(key if key in self.fields else None, messages)
            return data
        data.update(cleaned)
        return data


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    form = ProcedureAdminForm
    list_display = ["code", "name", "commune", "field", "deadline_days", "online_level", "active"]
    list_filter = ["active", "online_level", "field"]
    search_fields = ["code", "name_folded", "commune__name"]
    raw_id_fields = ["commune"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record(
            request.user,
            "procedures.updated" if change else "procedures.created",
            obj,
            detail={"changed": list(form.changed_data), "via": "admin"},
        )

    def delete_model(self, request, obj):
        audit.record(request.user, "procedures.deleted", obj, detail={"via": "admin"})
        super().delete_model(request, obj)
