from django.urls import path

from xaso.population import views

app_name = "population"

urlpatterns = [
    path("x/<str:code>/van-phong/dan-cu/", views.index, name="index"),
    path("x/<str:code>/van-phong/dan-cu/nhan-khau/<int:person_id>/", views.person, name="person"),
    path("x/<str:code>/van-phong/dan-cu/ho/<int:household_id>/", views.household, name="household"),
    path("x/<str:code>/van-phong/dan-cu/thon/", views.villages, name="villages"),
    path("x/<str:code>/van-phong/dan-cu/nhap-tep/", views.import_page, name="import"),
    path(
        "x/<str:code>/van-phong/dan-cu/nhap-tep/<int:job_id>/",
        views.import_job,
        name="import-job",
    ),
    path("x/<str:code>/van-phong/dan-cu/xuat-tep/", views.export, name="export"),
    path("tai-khoan/ho-gia-dinh/", views.my_household, name="my-household"),
]
