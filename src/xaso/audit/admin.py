from django.contrib import admin

from xaso.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: nobody alters the log through the application."""

    list_display = ["at", "actor_label", "action", "object_repr", "commune", "ip", "personal_data"]
    list_filter = ["personal_data", "action"]
    search_fields = ["actor_label", "action", "object_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
