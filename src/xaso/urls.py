from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from xaso.api import api
from xaso.core import views as core_views

admin.site.site_header = _("Xã Số — Quản trị")
admin.site.site_title = _("Xã Số")
admin.site.index_title = _("Dữ liệu nền")

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("problems/<slug:code>", core_views.problem_type, name="problem-type"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("ngon-ngu/<str:language>/", core_views.choose_language, name="language"),
    path("quan-tri/", admin.site.urls),
    path("", include("xaso.accounts.urls")),
    path("", include("xaso.workdays.urls")),
    path("", include("xaso.audit.urls")),
    path("", include("xaso.core.urls")),
    path("", include("xaso.population.urls")),
    path("", include("xaso.feedback.urls")),
    path("open311/v2/", include("xaso.feedback.open311_urls")),
    path("", include("xaso.procedures.urls")),
    path("", include("xaso.dossiers.urls")),
    path("", include("xaso.signatures.urls")),
    path("", include("xaso.documents.urls")),
    path("", include("xaso.portal.urls")),
]
# The framework floor for benchmarks: a constant JSON answer through the same stack.
urlpatterns.append(path("_floor", core_views.floor, name="floor"))

handler400 = "xaso.core.views.error_400"
handler403 = "xaso.core.views.error_403"
handler404 = "xaso.core.views.error_404"
handler500 = "xaso.core.views.error_500"
