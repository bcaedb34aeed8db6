from django.urls import path

from xaso.feedback import views

app_name = "feedback"

urlpatterns = [
    path("x/<str:code>/phan-anh/", views.report_list, name="list"),
    path("x/<str:code>/phan-anh/gui/", views.report_form, name="submit"),
    path("x/<str:code>/phan-anh/<int:report_id>/", views.report_detail, name="detail"),
    path("phan-anh/anh/<int:photo_id>/", views.public_photo, name="photo"),
    path("x/<str:code>/van-phong/phan-anh/", views.inbox, name="inbox"),
    path("x/<str:code>/van-phong/phan-anh/cau-hinh/", views.settings_page, name="settings"),
    path(
        "x/<str:code>/van-phong/phan-anh/<int:report_id>/",
        views.office_report,
        name="office-report",
    ),
    path(
        "x/<str:code>/van-phong/phan-anh/anh/<int:photo_id>/",
        views.original_photo,
        name="original-photo",
    ),
]
