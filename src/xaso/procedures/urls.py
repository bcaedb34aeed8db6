from django.urls import path

from xaso.procedures import views

app_name = "procedures"

urlpatterns = [
    path("x/<str:code>/thu-tuc/", views.catalog, name="catalog"),
    path("x/<str:code>/thu-tuc/<str:procedure_code>/", views.detail, name="detail"),
    path("x/<str:code>/van-phong/thu-tuc/", views.office_list, name="office"),
    path("x/<str:code>/van-phong/thu-tuc/them/", views.office_new, name="office-new"),
    path(
        "x/<str:code>/van-phong/thu-tuc/cai-dat-mau/", views.office_install, name="office-install"
    ),
    path("x/<str:code>/van-phong/thu-tuc/xuat-excel/", views.office_export, name="office-export"),
    path("x/<str:code>/van-phong/thu-tuc/nhap-excel/", views.office_import, name="office-import"),
    path(
        "x/<str:code>/van-phong/thu-tuc/<int:procedure_id>/",
        views.office_edit,
        name="office-edit",
    ),
    path(
        "x/<str:code>/van-phong/thu-tuc/<int:procedure_id>/bat-tat/",
        views.office_toggle,
        name="office-toggle",
    ),
]
