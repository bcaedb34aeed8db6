from django.urls import path

from xaso.signatures import views

app_name = "signatures"

urlpatterns = [
    path("xac-thuc-chu-ky/", views.verify_page, name="verify"),
    path("x/<str:code>/van-phong/chu-ky-so/", views.credentials_page, name="credentials"),
    path("x/<str:code>/van-phong/chu-ky-so/ky/", views.sign_page, name="sign"),
    path(
        "x/<str:code>/van-phong/chu-ky-so/<int:credential_id>/anh/",
        views.credential_image,
        name="image",
    ),
]
