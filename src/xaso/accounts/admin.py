from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from xaso.accounts.models import ApiToken, CitizenProfile, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["commune", "province"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "phone", "is_staff", "totp_enabled", "is_active"]
    search_fields = ["username", "full_name", "phone"]
    inlines = [MembershipInline]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Xã Số"), {"fields": ("full_name", "phone", "totp_enabled")}),
    )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "commune", "province", "title", "active"]
    list_filter = ["role", "active"]
    search_fields = ["user__username", "user__full_name", "commune__name"]
    autocomplete_fields = ["user", "commune", "province"]


@admin.register(CitizenProfile)
class CitizenProfileAdmin(admin.ModelAdmin):
    list_display = ["full_name", "commune", "date_of_birth", "masked_identity_number"]
    search_fields = ["full_name_folded"]
    exclude = ["identity_number"]
    readonly_fields = ["masked_identity_number", "user"]
    autocomplete_fields = ["commune"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        from xaso.audit import services as audit
        from xaso.core.http import client_ip

        profile = CitizenProfile.objects.filter(pk=object_id).first()
        if profile is not None and request.method == "GET":
            audit.record_read(request.user, profile, ip=client_ip(request), detail={"via": "admin"})
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("Số định danh cá nhân"))
    def masked_identity_number(self, obj):
        return obj.masked_identity_number


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "token_hash", "user", "created_at", "last_used_at"]
    search_fields = ["user__username", "prefix"]

    def has_add_permission(self, request):
        return False  # issued from the account page or `xaso issue_token`
