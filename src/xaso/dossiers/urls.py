from django.urls import path

from xaso.dossiers import views

app_name = "dossiers"

OFFICE = "x/<str:code>/van-phong/ho-so/"

urlpatterns = [
    path("tra-cuu-ho-so/", views.lookup, name="lookup"),
    path("ho-so-cua-toi/", views.mine, name="mine"),
    path("ho-so-cua-toi/<int:dossier_id>/", views.mine_detail, name="mine-detail"),
    path("ho-so-cua-toi/<int:dossier_id>/mau-<str:form>.pdf", views.mine_form, name="mine-form"),
    path("x/<str:code>/thu-tuc/<str:procedure_code>/nop/", views.apply, name="apply"),
    path(OFFICE, views.inbox, name="inbox"),
    path(OFFICE + "moi/", views.counter, name="counter"),
    path(OFFICE + "so-theo-doi/", views.register, name="register"),
    path(OFFICE + "<int:dossier_id>/", views.office_detail, name="office-detail"),
    path(
        OFFICE + "<int:dossier_id>/tep/<int:attachment_id>/",
        views.office_attachment,
        name="office-attachment",
    ),
    path(OFFICE + "<int:dossier_id>/mau-<str:form>.pdf", views.office_form, name="office-form"),
]
