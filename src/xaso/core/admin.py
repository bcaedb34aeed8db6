from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from xaso.core.models import FailedDelivery


@admin.register(FailedDelivery)
class FailedDeliveryAdmin(admin.ModelAdmin):
    list_display = ("failed_at", "channel", "masked_recipient", "summary", "commune", "attempts")
    list_filter = ("channel", ("retried_at", admin.EmptyFieldListFilter), "retryable")
    search_fields = ("summary", "task", "error")
    readonly_fields = [f.name for f in FailedDelivery._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Gửi lại các tin đã chọn"))
    def send_again(self, request, queryset):
        from django.core.exceptions import PermissionDenied, ValidationError

        from xaso.core.http import client_ip
        from xaso.core.retry import send_again

        sent = 0
        for failure in queryset.filter(retried_at__isnull=True):
            try:
                sent += bool(send_again(request.user, failure, ip=client_ip(request)))
            except (ValidationError, PermissionDenied):
                continue
        self.message_user(
            request, _("Đã xếp %(n)s tin vào hàng đợi để gửi lại.") % {"n": sent}, messages.SUCCESS
        )
