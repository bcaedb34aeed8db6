from django.contrib import admin

from xaso.dossiers.models import Dossier, DossierEvent


class EventInline(admin.TabularInline):
    model = DossierEvent
    extra = 0
    can_delete = False
    fields = ["at", "kind", "from_state", "to_state", "step", "actor", "note", "public"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    """Read-only: a dossier changes only through the services (state machine, audit,
    notifications), in the back office or the API."""

    list_display = ["code", "commune", "procedure", "channel", "state", "submitted_at", "due_at"]
    list_filter = ["state", "channel"]
    search_fields = ["code"]
    inlines = [EventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
