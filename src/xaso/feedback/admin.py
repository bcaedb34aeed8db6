from django.contrib import admin

from xaso.feedback.models import AnswerTemplate, Category, Open311Key, Report


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "commune", "resolution_working_days", "active"]
    list_filter = ["active"]
    search_fields = ["name", "code", "commune__name"]
    raw_id_fields = ["commune"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["id", "commune", "category", "status", "received_at", "expected_at"]
    list_filter = ["status", "hidden_by_moderation"]
    raw_id_fields = ["commune", "category", "reporter", "assignee", "duplicate_of"]
    readonly_fields = ["token"]


@admin.register(AnswerTemplate)
class AnswerTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "commune"]
    raw_id_fields = ["commune"]


@admin.register(Open311Key)
class Open311KeyAdmin(admin.ModelAdmin):
    """Read-only here: keys are issued in the back office or by ``xaso issue_open311_key``."""

    list_display = ["app_name", "prefix", "commune", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["app_name", "prefix", "key_hash", "commune", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False
